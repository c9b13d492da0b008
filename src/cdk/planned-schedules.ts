import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BackupBucket } from './backup-bucket';
import { grantReplicaPrune, outputReplicaPruneDestinationPolicy } from './bucket-replication';
import {
  SCHEDULE_DEAD_LETTER_QUEUE_FINDING, acknowledge, acknowledgeImagePull, acknowledgeWildcards, backupObjectsWildcard, plainTaskEnvironmentFinding,
  scheduledTasksWildcard,
} from './reviewed-findings';
import { ECS_TASK_STATE_CHANGE, TaskFailureNotificationOptions, ecsTaskFailedDetail, taskFailureMessage } from '../core/aws/ecs-task-failure';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS, schedulerTrustConditions } from '../core/aws/schedule-start-retry';
import { CommandReference, PlannedTaskRun, PlannedTaskSchedule, ScheduledDumpRun, ScheduledTaskPlan } from '../core/aws/scheduled-pg-dump';
import { EventBridgeSchedule } from '../core/policy/schedule';

/** The EventBridge Scheduler expression of a planned schedule, in its time zone. */
export function plannedScheduleExpression(schedule: EventBridgeSchedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.scheduleExpression, TimeZone.of(schedule.scheduleExpressionTimezone));
}

/** What every run of a planned task schedule starts: a Fargate task in private subnets, with the run's command. */
export interface PlannedTaskScheduleTarget<R extends ScheduledDumpRun = ScheduledDumpRun> {
  /** The cluster the task runs in. */
  readonly cluster: ecs.ICluster;
  /** The task started. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The task's security group. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The task's subnets (private: the task gets no public IP). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The schedules' role. */
  readonly role: iam.IRole;
  /** Where a run that could not start goes. */
  readonly deadLetterQueue: sqs.IQueue;
  /** How often a start is retried, and for how long, seconds. */
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
  /** The container whose command a run overrides, and the command of a run's database. */
  readonly containerName: string;
  readonly command: (database: string, run: R) => string[];
}

/**
 * One schedule per planned run (the run's id, else `<idPrefix><index>`), each on the run's own expression when it has
 * one, starting the target's task with its database's command.
 */
export function renderPlannedTaskSchedules<R extends ScheduledDumpRun>(
  scope: Construct, idPrefix: string, schedule: Omit<PlannedTaskSchedule, 'runs'> & { readonly runs: readonly R[] }, target: PlannedTaskScheduleTarget<R>,
): scheduler.Schedule[] {
  return schedule.runs.map((run) => new scheduler.Schedule(scope, run.id ?? `${idPrefix}${run.index}`, {
    description: run.description,
    schedule: plannedScheduleExpression(run.schedule ?? schedule),
    timeWindow: scheduler.TimeWindow.off(),
    target: new schedulerTargets.EcsRunFargateTask(target.cluster, {
      taskDefinition: target.taskDefinition,
      vpcSubnets: target.vpcSubnets,
      securityGroups: [target.securityGroup],
      assignPublicIp: false,
      propagateTags: true,
      role: target.role,
      deadLetterQueue: target.deadLetterQueue,
      retryAttempts: target.retryAttempts,
      maxEventAge: Duration.seconds(target.maxEventAgeSeconds),
      input: scheduler.ScheduleTargetInput.fromObject({
        containerOverrides: [{ name: target.containerName, command: target.command(run.database, run) }],
      }),
    }),
  }));
}

/** The cloud handles every scheduled task of a construct is rendered with. */
export interface ScheduledTaskHandles extends Pick<PlannedTaskScheduleTarget, 'cluster' | 'vpcSubnets' | 'role' | 'deadLetterQueue'> {
  /** The VPC of the tasks' security groups. */
  readonly vpc: ec2.IVpc;
  /** The runner image, its log group, and the database's secrets for a container that gets them. */
  readonly image: ecs.ContainerImage;
  readonly logGroup: logs.ILogGroup;
  readonly secrets: Record<string, ecs.Secret>;
  /** The values of the commands' references. */
  readonly references: Partial<Record<CommandReference['ref'], string>>;
  /** The bucket the task's role is granted on, and the database a task reaching it is let into. */
  readonly bucket: BackupBucket;
  readonly database?: { allowFrom(peer: ec2.IConnectable, description: string): void };
  /**
   * The task's security group, when several tasks share one (a fleet's dump tasks of every major).
   * @default - a security group of its own, as the plan names and describes it
   */
  readonly securityGroup?: ec2.SecurityGroup;
}

/** A rendered scheduled task: its security group, its schedules, and the offsite policy a prune of replicas needs. */
export interface RenderedScheduledTask {
  readonly securityGroup: ec2.SecurityGroup;
  readonly schedules: scheduler.Schedule[];
  readonly replicaPruneDestinationPolicy?: string;
}

/**
 * Renders core's scheduled task on its task definition: its container, its security group (no inbound traffic, let into
 * the database when planned), one schedule per run with its database's command, its role's grants on the bucket (and
 * on the replicas it prunes), and the wildcards its roles hold by design (the image pull, the start of the task's
 * revisions, the objects under the prefix).
 */
export function renderScheduledTask(
  scope: Construct, task: ScheduledTaskPlan, taskDefinition: ecs.FargateTaskDefinition, handles: ScheduledTaskHandles,
): RenderedScheduledTask {
  const { name, logStreamPrefix, databaseSecrets, stopTimeoutSeconds, environment } = task.container;
  const command = (run: PlannedTaskRun) => run.command
    .map((arg) => (typeof arg === 'string' ? arg : `${handles.references[arg.ref]!}${arg.suffix ?? ''}`));
  taskDefinition.addContainer(name, {
    image: handles.image,
    command: task.container.command ? [...task.container.command] : command(task.schedule.runs[0]),
    ...(databaseSecrets ? { secrets: handles.secrets } : {}),
    ...(environment ? { environment: { ...environment.variables } } : {}),
    ...(stopTimeoutSeconds !== undefined ? { stopTimeout: Duration.seconds(stopTimeoutSeconds) } : {}),
    logging: ecs.LogDrivers.awsLogs({ logGroup: handles.logGroup, streamPrefix: logStreamPrefix }),
  });
  acknowledgeImagePull(taskDefinition);
  acknowledgeWildcards(handles.role, [scheduledTasksWildcard(handles.cluster, taskDefinition)]);
  const securityGroup = handles.securityGroup ?? new ec2.SecurityGroup(scope, task.ids.securityGroup, {
    vpc: handles.vpc, description: task.descriptions.securityGroup, allowAllOutbound: true,
  });
  const schedules = renderPlannedTaskSchedules(scope, task.ids.schedule, task.schedule, {
    ...handles, taskDefinition, securityGroup, ...task.schedule, containerName: name, command: (_database, run) => command(run),
  });
  if (environment) acknowledge(taskDefinition, plainTaskEnvironmentFinding(environment.contents));
  const role = taskDefinition.taskRole;
  handles.bucket.grantActionGroups(role, task.roleGrants);
  if (task.replica) grantReplicaPrune(role, task.replica);
  acknowledgeWildcards(role, [backupObjectsWildcard(handles.bucket.objectsUnder(), task.objectsAccess)]);
  if (task.databaseIngress) handles.database!.allowFrom(securityGroup, task.databaseIngress.description);
  const replicaPruneDestinationPolicy = task.replica && outputReplicaPruneDestinationPolicy(scope, role, task.replica);
  return { securityGroup, schedules, replicaPruneDestinationPolicy };
}

/**
 * The queue a schedule sends the runs it could not start to (`DeadLetterQueue`): encrypted with SQS-managed keys, TLS
 * only, kept as long as core's `SCHEDULE_DEAD_LETTER_RETENTION_DAYS` says, so a run that never started raises the dead-letter alarm.
 */
export function createScheduleDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(SCHEDULE_DEAD_LETTER_RETENTION_DAYS),
  });
  acknowledge(queue, SCHEDULE_DEAD_LETTER_QUEUE_FINDING);
  return queue;
}

/**
 * The schedules' own role (`ScheduleRole` unless `id` names another, not the one a target would share stack-wide, so
 * its grants are reviewed with the construct): assumable by EventBridge Scheduler only for schedules of this account's default group.
 */
export function createScheduleRole(scope: Construct, description: string, id = 'ScheduleRole'): iam.Role {
  const stack = Stack.of(scope);
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: schedulerTrustConditions(stack.account, stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' })),
    }),
    description,
  });
}

/** What {@link notifyWhenTaskFails} watches and says. */
export interface TaskFailureNotificationProps extends TaskFailureNotificationOptions {
  /** The task definitions whose tasks are watched. */
  readonly taskDefinitionArns: string[];
  /** The topic notified. */
  readonly topic: sns.ITopic;
}

/**
 * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
 * still reports it stopping, so an EventBridge rule sends that event to the topic with the task's ARN and reason.
 */
export function notifyWhenTaskFails(scope: Construct, id: string, props: TaskFailureNotificationProps): events.Rule {
  const rule = new events.Rule(scope, id, {
    description: props.description,
    eventPattern: {
      source: [ECS_TASK_STATE_CHANGE.source], detailType: [ECS_TASK_STATE_CHANGE.detailType], detail: ecsTaskFailedDetail(props.taskDefinitionArns),
    },
  });
  rule.addTarget(new eventsTargets.SnsTopic(props.topic, {
    message: events.RuleTargetInput.fromText(
      taskFailureMessage(props.subject, props.namesStarter ?? false, (path) => events.EventField.fromPath(path)),
    ),
  }));
  return rule;
}
