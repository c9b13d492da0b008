import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';

/** The description of a schedule role whose construct's plan words none (CDK shares the stack's role for such targets). */
const SCHEDULER_ROLE_DESCRIPTION = 'Lets EventBridge Scheduler start the backup target of one schedule, nothing else';

/**
 * The role EventBridge Scheduler starts a target with: assumable by the scheduler only for schedules of this account's
 * default group (the confused-deputy conditions), allowed `statements` and nothing else. `description` is the plan's,
 * where core words one (the CDK role then has the same).
 */
export function createSchedulerRole(
  name: string, parent: pulumi.Resource, environment: AwsEnvironment, statements: PolicyStatement[], description = SCHEDULER_ROLE_DESCRIPTION,
): iam.Role {
  const role = new iam.Role(`${name}-scheduler-role`, {
    description,
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
