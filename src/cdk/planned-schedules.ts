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
import { ECS_TASK_STATE_CHANGE, ecsTaskFailedDetail, taskFailureMessage } from '../core/aws/ecs-task-failure';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS, schedulerTrustConditions } from '../core/aws/schedule-start-retry';
import { CommandReference, PlannedTaskRun, ScheduledTaskGroupPlan, ScheduledTaskPlan } from '../core/aws/scheduled-pg-dump';
import { EventBridgeSchedule } from '../core/policy/schedule';

/** The EventBridge Scheduler expression of a planned schedule, in its time zone. */
export function plannedScheduleExpression(schedule: EventBridgeSchedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.scheduleExpression, TimeZone.of(schedule.scheduleExpressionTimezone));
}

/** The cloud handles a group of core's scheduled tasks is rendered with. */
export interface ScheduledTaskGroupHandles<T extends ScheduledTaskPlan> {
  /** The cluster, the VPC of the tasks' security groups and their subnets (private: a task gets no public IP). */
  readonly cluster: ecs.ICluster;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Where a run that could not start, or a task-failed event the topic refused, goes; and the topic a task that dies is sent to. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly topic: sns.ITopic;
  /** The runner's log group, and the values of the commands' references. */
  readonly logGroup: logs.ILogGroup;
  readonly references: Partial<Record<CommandReference['ref'], string>>;
  /** The bucket the tasks' roles are granted on, and the database a task reaching it is let into. */
  readonly bucket: BackupBucket;
  readonly database?: { allowFrom(peer: ec2.IConnectable, description: string): void };
  /** A task's image, and its container's secrets when it gets the database's. */
  image(task: T): ecs.ContainerImage;
  secrets(task: T): Record<string, ecs.Secret>;
}

/** A rendered scheduled task: its definition, security group, schedules, and the offsite policy a prune of replicas needs. */
export interface RenderedScheduledTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly schedules: scheduler.Schedule[];
  readonly replicaPruneDestinationPolicy?: string;
}

/**
 * Renders a group of core's scheduled tasks on their task definitions: the schedules' own role (not the one a target
 * would share stack-wide, so its grants are reviewed with the construct; assumable by EventBridge Scheduler only for
 * schedules of this account's default group); per task its container, its security group (no inbound traffic, the
 * first one's when the group shares it, let into the database when planned), one schedule per run (the run's id, else
 * `<task's schedule id><index>`) with its command, its role's grants on the bucket (and on the replicas it prunes), and
 * the wildcards its roles hold by design (the image pull, the start of the task's revisions, the objects under the
 * prefix); and the rule that notifies a task that dies, dead-lettering to the schedules' queue what the topic refuses.
 */
export function renderScheduledTaskGroup<T extends ScheduledTaskPlan>(
  scope: Construct, group: ScheduledTaskGroupPlan<T>, taskDefinitions: readonly ecs.FargateTaskDefinition[], handles: ScheduledTaskGroupHandles<T>,
): RenderedScheduledTask[] {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, group.ids.scheduleRole, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: schedulerTrustConditions(stack.account, stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' })),
    }),
    description: group.scheduleRole.description,
  });
  const command = (run: PlannedTaskRun) => run.command
    .map((arg) => (typeof arg === 'string' ? arg : `${handles.references[arg.ref]!}${arg.suffix ?? ''}`));
  const rendered: RenderedScheduledTask[] = [];
  group.tasks.forEach((task, index) => {
    const taskDefinition = taskDefinitions[index];
    const { name, logStreamPrefix, databaseSecrets, stopTimeoutSeconds, environment } = task.container;
    taskDefinition.addContainer(name, {
      image: handles.image(task),
      command: task.container.command ? [...task.container.command] : command(task.schedule.runs[0]),
      ...(databaseSecrets ? { secrets: handles.secrets(task) } : {}),
      ...(environment ? { environment: { ...environment.variables } } : {}),
      ...(stopTimeoutSeconds !== undefined ? { stopTimeout: Duration.seconds(stopTimeoutSeconds) } : {}),
      logging: ecs.LogDrivers.awsLogs({ logGroup: handles.logGroup, streamPrefix: logStreamPrefix }),
    });
    acknowledgeImagePull(taskDefinition);
    acknowledgeWildcards(role, [scheduledTasksWildcard(handles.cluster, taskDefinition)]);
    const securityGroup = (group.sharesFirstTask && rendered[0]?.securityGroup) || new ec2.SecurityGroup(scope, task.ids.securityGroup, {
      vpc: handles.vpc, description: task.descriptions.securityGroup, allowAllOutbound: true,
    });
    const schedules = task.schedule.runs.map((run) => new scheduler.Schedule(scope, run.id ?? `${task.ids.schedule}${run.index}`, {
      description: run.description,
      schedule: plannedScheduleExpression(run.schedule ?? task.schedule),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.EcsRunFargateTask(handles.cluster, {
        taskDefinition,
        vpcSubnets: handles.vpcSubnets,
        securityGroups: [securityGroup],
        assignPublicIp: false,
        propagateTags: true,
        role,
        deadLetterQueue: handles.deadLetterQueue,
        retryAttempts: task.schedule.retryAttempts,
        maxEventAge: Duration.seconds(task.schedule.maxEventAgeSeconds),
        input: scheduler.ScheduleTargetInput.fromObject({ containerOverrides: [{ name, command: command(run) }] }),
      }),
    }));
    if (environment) acknowledge(taskDefinition, plainTaskEnvironmentFinding(environment.contents));
    const taskRole = taskDefinition.taskRole;
    handles.bucket.grantActionGroups(taskRole, task.roleGrants);
    if (task.replica) grantReplicaPrune(taskRole, task.replica);
    acknowledgeWildcards(taskRole, [backupObjectsWildcard(handles.bucket.objectsUnder(), task.objectsAccess)]);
    if (task.databaseIngress) handles.database!.allowFrom(securityGroup, task.databaseIngress.description);
    const replicaPruneDestinationPolicy = task.replica && outputReplicaPruneDestinationPolicy(scope, taskRole, task.replica);
    rendered.push({ taskDefinition, securityGroup, schedules, replicaPruneDestinationPolicy });
  });
  // A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
  // still reports it stopping, so a rule sends that event to the topic with the task's ARN and reason. An event the
  // topic refuses (its key or policy, a deleted topic) goes to the schedules' dead-letter queue, whose alarm fires.
  const rule = new events.Rule(scope, group.ids.taskFailedRule, {
    description: group.taskFailure.description,
    eventPattern: {
      source: [ECS_TASK_STATE_CHANGE.source],
      detailType: [ECS_TASK_STATE_CHANGE.detailType],
      detail: ecsTaskFailedDetail(taskDefinitions.map((definition) => definition.taskDefinitionArn)),
    },
  });
  rule.addTarget(new eventsTargets.SnsTopic(handles.topic, {
    message: events.RuleTargetInput.fromText(
      taskFailureMessage(group.taskFailure.subject, group.taskFailure.namesStarter ?? false, (path) => events.EventField.fromPath(path)),
    ),
    deadLetterQueue: handles.deadLetterQueue,
  }));
  return rendered;
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
