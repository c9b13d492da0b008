import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import type { BackupBucket } from './backup-bucket';
import { replicaPruneStatements } from './bucket-replication';
import type { EcsClusterReference } from './pg-dump-source';
import { PlannedTask, containerLogConfiguration, createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { GrantScope, PolicyStatement, assumedByService, denyInsecureTransport, grantStatements, policyDocument } from './policy-document';
import { ECS_TASK_STATE_CHANGE, ecsTaskFailedDetail, taskFailureNotification } from '../../core/aws/ecs-task-failure';
import { notificationInputTransformer } from '../../core/aws/event-notification';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS, SCHEDULER_ROLE_DESCRIPTION, schedulerTrustConditions } from '../../core/aws/schedule-start-retry';
import { CommandReference, ScheduledTaskGroupPlan, ScheduledTaskPlan } from '../../core/aws/scheduled-pg-dump';
import { PlannedTaskNames } from '../../core/aws/task-resource-names';

/** The Pulumi handles a group of core's scheduled tasks is rendered with. */
export interface ScheduledTaskGroupHandles<T extends ScheduledTaskPlan> {
  /** The VPC of the tasks' security groups, their subnets (private: no public IP) and cluster. */
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly cluster: EcsClusterReference;
  /** The tasks' log group, the account and region, the queue of runs that could not start, the topic a dead task is sent to. */
  readonly logGroup: cloudwatch.LogGroup;
  readonly environment: AwsEnvironment;
  readonly deadLetterQueue: sqs.Queue;
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The bucket and prefix the tasks' roles are granted on, and the role of the task that deletes, created before the bucket. */
  readonly bucket: BackupBucket;
  readonly prefix: string;
  readonly pruneRole?: iam.Role;
  /** The secrets (and their keys) an execution role reads, where its inline policy grants them. */
  readonly secretArns?: GrantScope['resources'];
  readonly secretKeyArns?: GrantScope['resources'];
  /** A task's Pulumi names, image and container secrets; the values of a run's command references. */
  names(task: T): PlannedTaskNames & { readonly family: string };
  image(task: T): pulumi.Input<string>;
  secrets(task: T): Readonly<Record<string, pulumi.Input<string>>>;
  references(run: T['schedule']['runs'][number]): pulumi.Input<Partial<Record<CommandReference['ref'], pulumi.Input<string | undefined>>>>;
}

/** A rendered group: per task its roles, security group, definition and schedules; the schedules' role and the failure rule. */
export interface ScheduledTaskGroup {
  readonly tasks: (PlannedTask & { readonly schedules: scheduler.Schedule[] })[];
  readonly schedulerRole: iam.Role;
  readonly taskFailedRule: cloudwatch.EventRule;
}

/**
 * Renders a group of core's scheduled tasks: each task with its roles (the task that deletes with the role the bucket
 * names; a task without an execution role of its own, or every later one of a group that shares, with the first's),
 * security group and runner container; the schedules' role (`<name>[-<group>]-scheduler-role`), one schedule per run
 * (`<name>-<run's name>`, else `<name>-<task's schedule name>-<index>`) with its command, and the rule that notifies a
 * task that dies.
 */
export function createScheduledTaskGroup<T extends ScheduledTaskPlan>(
  name: string, group: ScheduledTaskGroupPlan<T>, handles: ScheduledTaskGroupHandles<T>, parent: pulumi.Resource,
): ScheduledTaskGroup {
  const { environment, logGroup, cluster, deadLetterQueue } = handles;
  const command = (run: T['schedule']['runs'][number]) => pulumi.output(handles.references(run))
    .apply((values) => run.command.map((arg) => (typeof arg === 'string' ? arg : `${values[arg.ref]!}${arg.suffix ?? ''}`)));
  const tasks: PlannedTask[] = [];
  for (const task of group.tasks) {
    const [first] = tasks;
    const shared = first && group.sharesFirstTask;
    const names = handles.names(task);
    const { logStreamPrefix, databaseSecrets, stopTimeoutSeconds, environment: variables } = task.container;
    const secrets = Object.entries(databaseSecrets ? handles.secrets(task) : {});
    tasks.push(createPlannedTask(names, {
      family: names.family,
      size: task.size,
      taskRole: shared ? { role: first.taskRole } : {
        role: (task.deletes && handles.pruneRole) || task.descriptions.taskRole,
        statements: [...handles.bucket.actionGroupStatements(task.roleGrants, handles.prefix), ...replicaPruneStatements(task.replica)],
      },
      executionRole: shared || !task.executionRole ? { role: first.executionRole } : {
        role: task.executionRole.description,
        statements: taskExecutionStatements(logGroup.arn, handles.secretArns, handles.secretKeyArns, task.executionRole.grants),
      },
      securityGroup: shared ? first.securityGroup : { vpcId: handles.vpcId, description: task.descriptions.securityGroup },
      container: [{
        name: task.container.name,
        image: handles.image(task),
        essential: true,
        command: task.container.command ? [...task.container.command] : command(task.schedule.runs[0]),
        ...(secrets.length > 0 ? { secrets: secrets.map(([variable, valueFrom]) => ({ name: variable, valueFrom })) } : {}),
        ...(variables ? { environment: Object.entries(variables.variables).map(([variable, value]) => ({ name: variable, value })) } : {}),
        logConfiguration: containerLogConfiguration({ groupName: logGroup.name, region: environment.region, streamPrefix: logStreamPrefix }),
        ...(stopTimeoutSeconds === undefined ? {} : { stopTimeout: stopTimeoutSeconds }),
      }],
    }, parent));
  }
  const groupName = group.name ? `${name}-${group.name}` : name;
  const taskDefinitionArns = tasks.map(({ taskDefinition }) => taskDefinition.arn);
  const schedulerRole = createSchedulerRole(groupName, parent, environment, grantStatements(group.scheduleRole.grants, {
    'ecs-task-roles': {
      resources: [...new Set(tasks.flatMap((task) => [task.taskRole, task.executionRole]))].map((role) => role.arn),
      condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    'ecs-task-definition': { resources: taskDefinitionArns.length === 1 ? taskDefinitionArns[0] : taskDefinitionArns },
    'ecs-task': { resources: formatArn(environment, 'ecs', pulumi.interpolate`task/${cluster.name}/*`) },
    'dead-letter-queue': { resources: deadLetterQueue.arn },
  }), group.scheduleRole.description);
  const rendered = group.tasks.map((task, index) => ({
    ...tasks[index],
    schedules: task.schedule.runs.map((run) => new scheduler.Schedule(`${name}-${run.name ?? `${task.names.schedule}-${run.index}`}`, {
      description: run.description,
      scheduleExpression: (run.schedule ?? task.schedule).scheduleExpression,
      scheduleExpressionTimezone: (run.schedule ?? task.schedule).scheduleExpressionTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: cluster.arn,
        roleArn: schedulerRole.arn,
        deadLetterConfig: { arn: deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: task.schedule.retryAttempts, maximumEventAgeInSeconds: task.schedule.maxEventAgeSeconds },
        ecsParameters: {
          taskDefinitionArn: tasks[index].taskDefinition.arn,
          launchType: 'FARGATE',
          propagateTags: 'TASK_DEFINITION',
          networkConfiguration: { subnets: handles.subnetIds, securityGroups: [tasks[index].securityGroup.id], assignPublicIp: false },
        },
        input: pulumi.jsonStringify({ containerOverrides: [{ name: task.container.name, command: command(run) }] }),
      },
    }, { parent })),
  }));
  // A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
  // still reports it stopping, so a rule sends that event to the topic with the task's ARN and reason. An event the
  // topic refuses (its key or policy, a deleted topic) goes to the schedules' dead-letter queue, whose alarm fires; the
  // queue's policy lets EventBridge send for this rule (`createDeadLetterQueuePolicy`, once the rules exist).
  const taskFailedRule = new cloudwatch.EventRule(`${groupName}-task-failed`, {
    description: group.taskFailure.description,
    eventPattern: pulumi.jsonStringify({
      'source': [ECS_TASK_STATE_CHANGE.source], 'detail-type': [ECS_TASK_STATE_CHANGE.detailType], 'detail': ecsTaskFailedDetail(taskDefinitionArns),
    }),
  }, { parent });
  const { subject, namesStarter = false } = group.taskFailure;
  const { inputPaths, inputTemplate } = notificationInputTransformer(taskFailureNotification(subject, namesStarter));
  new cloudwatch.EventTarget(`${groupName}-task-failed-notification`, {
    rule: taskFailedRule.name,
    arn: handles.notificationTopicArn,
    inputTransformer: { inputPaths, inputTemplate },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  }, { parent });
  return { tasks: rendered, schedulerRole, taskFailedRule };
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

/**
 * The queue a schedule sends the events it could not deliver to: encrypted with SQS-managed keys, TLS only, kept as
 * long as core's `SCHEDULE_DEAD_LETTER_RETENTION_DAYS` says, so a run that never started raises the dead-letter alarm.
 *
 * @param sendingRuleArns the EventBridge rules whose targets dead-letter here: unlike a schedule's, a rule's target has
 * no role for its dead letters, so the queue's policy lets EventBridge send them for those rules only; `'later'` when
 * the rules are created after the queue, which then gets its policy from `createDeadLetterQueuePolicy`
 */
export function createDeadLetterQueue(
  name: string, parent: pulumi.Resource, sendingRuleArns: pulumi.Input<string>[] | 'later' = [],
): sqs.Queue {
  const queue = new sqs.Queue(`${name}-dead-letters`, {
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: SCHEDULE_DEAD_LETTER_RETENTION_DAYS * 24 * 3600,
  }, { parent });
  if (sendingRuleArns !== 'later') createDeadLetterQueuePolicy(name, parent, queue, sendingRuleArns);
  return queue;
}

/** The policy of a dead-letter queue (`<name>-dead-letters-policy`): TLS only, and EventBridge may send for `sendingRuleArns` only. */
export function createDeadLetterQueuePolicy(
  name: string, parent: pulumi.Resource, queue: sqs.Queue, sendingRuleArns: pulumi.Input<string>[],
): sqs.QueuePolicy {
  return new sqs.QueuePolicy(`${name}-dead-letters-policy`, {
    queueUrl: queue.url,
    policy: policyDocument([
      denyInsecureTransport('sqs:*', queue.arn),
      ...(sendingRuleArns.length === 0 ? [] : [{
        Effect: 'Allow' as const,
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': sendingRuleArns.length === 1 ? sendingRuleArns[0] : sendingRuleArns } },
      }]),
    ]),
  }, { parent });
}
