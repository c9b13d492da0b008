import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement, assumedByService, denyInsecureTransport, grantStatements, policyDocument } from './policy-document';
import { IamActionGroup, ScheduledTaskResourceKind } from '../../core/aws/iam-action-groups';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS, SCHEDULER_ROLE_DESCRIPTION, schedulerTrustConditions } from '../../core/aws/schedule-start-retry';
import { PlannedTaskSchedule, ScheduledDumpRun } from '../../core/aws/scheduled-pg-dump';

/** What every run of a planned task schedule starts: a Fargate task in private subnets, with the run's command. */
export interface PlannedTaskScheduleTarget<R extends ScheduledDumpRun = ScheduledDumpRun> {
  /** ARN of the cluster the task runs in. */
  readonly clusterArn: pulumi.Input<string>;
  /** ARN of the task definition started. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The task's subnets (private: the task gets no public IP) and security group. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  /** ARN of the schedules' role. */
  readonly roleArn: pulumi.Input<string>;
  /** ARN of the queue a run that could not start goes to. */
  readonly deadLetterQueueArn: pulumi.Input<string>;
  /** How often a start is retried, and for how long, seconds. */
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
  /** The container whose command a run overrides, and the command of a run's database. */
  readonly containerName: string;
  readonly command: (database: string, run: R) => pulumi.Input<string[]>;
}

/**
 * One schedule per planned run (`<name>-<run's name>`, else `<name>-<index>`), each on the run's own expression when
 * it has one, starting the target's task with its database's command.
 */
export function createPlannedTaskSchedules<R extends ScheduledDumpRun>(
  name: string, schedule: Omit<PlannedTaskSchedule, 'runs'> & { readonly runs: readonly R[] }, target: PlannedTaskScheduleTarget<R>, parent: pulumi.Resource,
): scheduler.Schedule[] {
  return schedule.runs.map((run) => new scheduler.Schedule(`${name}-${run.name ?? run.index}`, {
    description: run.description,
    scheduleExpression: (run.schedule ?? schedule).scheduleExpression,
    scheduleExpressionTimezone: (run.schedule ?? schedule).scheduleExpressionTimezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: target.clusterArn,
      roleArn: target.roleArn,
      deadLetterConfig: { arn: target.deadLetterQueueArn },
      retryPolicy: { maximumRetryAttempts: target.retryAttempts, maximumEventAgeInSeconds: target.maxEventAgeSeconds },
      ecsParameters: {
        taskDefinitionArn: target.taskDefinitionArn,
        launchType: 'FARGATE',
        propagateTags: 'TASK_DEFINITION',
        networkConfiguration: { subnets: target.subnetIds, securityGroups: [target.securityGroupId], assignPublicIp: false },
      },
      input: pulumi.jsonStringify({ containerOverrides: [{ name: target.containerName, command: target.command(run.database, run) }] }),
    },
  }, { parent }));
}

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

/**
 * The queue a schedule sends the events it could not deliver to: encrypted with SQS-managed keys, TLS only, kept as
 * long as core's `SCHEDULE_DEAD_LETTER_RETENTION_DAYS` says, so a run that never started raises the dead-letter alarm.
 *
 * @param sendingRuleArn an EventBridge rule whose target dead-letters here: unlike a schedule's, a rule's target has no
 * role for its dead letters, so the queue's policy lets EventBridge send them for that rule only
 */
export function createDeadLetterQueue(name: string, parent: pulumi.Resource, sendingRuleArn?: pulumi.Input<string>): sqs.Queue {
  const queue = new sqs.Queue(`${name}-dead-letters`, {
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: SCHEDULE_DEAD_LETTER_RETENTION_DAYS * 24 * 3600,
  }, { parent });
  new sqs.QueuePolicy(`${name}-dead-letters-policy`, {
    queueUrl: queue.url,
    policy: policyDocument([
      denyInsecureTransport('sqs:*', queue.arn),
      ...(sendingRuleArn === undefined ? [] : [{
        Effect: 'Allow' as const,
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': sendingRuleArn } },
      }]),
    ]),
  }, { parent });
  return queue;
}
