import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement, assumedByService, grantStatements, policyDocument } from './policy-document';
import { IamActionGroup, ScheduledTaskResourceKind } from '../../core/aws/iam-action-groups';
import { SCHEDULER_ROLE_DESCRIPTION, schedulerTrustConditions } from '../../core/aws/schedule-start-retry';

/**
 * The role EventBridge Scheduler starts a target with: assumable by the scheduler only for schedules of this account's
 * default group (the confused-deputy conditions), allowed `statements` and nothing else. `description` is the plan's,
 * where core words one (the CDK role then has the same; CDK shares the stack's role where it words none).
 */
export function createSchedulerRole(
  name: string, parent: pulumi.Resource, environment: AwsEnvironment, statements: PolicyStatement[], description = SCHEDULER_ROLE_DESCRIPTION,
): iam.Role {
  const role = new iam.Role(`${name}-scheduler-role`, {
    description,
    assumeRolePolicy: assumedByService('scheduler.amazonaws.com', schedulerTrustConditions(
      environment.account, formatArn(environment, 'scheduler', 'schedule-group/default'),
    )),
  }, { parent });
  new iam.RolePolicy(`${name}-scheduler-policy`, { role: role.id, policy: policyDocument(statements) }, { parent });
  return role;
}

/** The Fargate tasks a schedule role starts: their roles and definitions, their cluster, and the dead-letter queue. */
export interface ScheduledTasks {
  /** ARNs of the roles and execution roles of the tasks, passed to ECS tasks only. */
  readonly taskRoleArns: pulumi.Input<string>[];
  /** ARN (or ARNs) of the task definitions started. */
  readonly taskDefinitionArns: pulumi.Input<string> | pulumi.Input<string>[];
  /** Name of the cluster the tasks run in. */
  readonly clusterName: pulumi.Input<string>;
  /** ARN of the queue a run that could not start goes to. */
  readonly deadLetterQueueArn: pulumi.Input<string>;
}

/** The statements that grant core's scheduled-task action groups on `tasks`: pass their roles, run them, tag them, dead-letter. */
export function scheduledTaskStatements(
  groups: readonly IamActionGroup<ScheduledTaskResourceKind>[], tasks: ScheduledTasks, environment: AwsEnvironment,
): PolicyStatement[] {
  return grantStatements(groups, {
    'ecs-task-roles': { resources: tasks.taskRoleArns, condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    'ecs-task-definition': { resources: tasks.taskDefinitionArns },
    'ecs-task': { resources: formatArn(environment, 'ecs', pulumi.interpolate`task/${tasks.clusterName}/*`) },
    'dead-letter-queue': { resources: tasks.deadLetterQueueArn },
  });
}
