import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';

/**
 * The role EventBridge Scheduler starts a target with: assumable by the scheduler only for schedules of this account's
 * default group (the confused-deputy conditions), allowed `statements` and nothing else.
 */
export function createSchedulerRole(name: string, parent: pulumi.Resource, environment: AwsEnvironment, statements: PolicyStatement[]): iam.Role {
  const role = new iam.Role(`${name}-scheduler-role`, {
    description: 'Lets EventBridge Scheduler start the backup target of one schedule, nothing else',
    assumeRolePolicy: assumedByService('scheduler.amazonaws.com', {
      StringEquals: {
        'aws:SourceAccount': environment.account,
        'aws:SourceArn': formatArn(environment, 'scheduler', 'schedule-group/default'),
      },
    }),
  }, { parent });
  new iam.RolePolicy(`${name}-scheduler-policy`, { role: role.id, policy: policyDocument(statements) }, { parent });
  return role;
}
