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
import { acknowledgeImagePull, acknowledgeScheduleDeadLetterQueue, acknowledgeWildcards, scheduledTasksWildcard } from './reviewed-findings';
import { ECS_TASK_STATE_CHANGE, TaskFailureNotificationOptions, ecsTaskFailedDetail, taskFailureMessage } from '../core/aws/ecs-task-failure';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS, schedulerTrustConditions } from '../core/aws/schedule-start-retry';
import { PlannedTaskSchedule } from '../core/aws/scheduled-pg-dump';
import { EventBridgeSchedule } from '../core/policy/schedule';

/** The EventBridge Scheduler expression of a planned schedule, in its time zone. */
export function plannedScheduleExpression(schedule: EventBridgeSchedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.scheduleExpression, TimeZone.of(schedule.scheduleExpressionTimezone));
}

/** What every run of a planned task schedule starts: a Fargate task in private subnets, with the run's command. */
export interface PlannedTaskScheduleTarget {
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
  readonly command: (database: string) => string[];
}

/** One schedule per planned run (the run's id, else `<idPrefix><index>`), each starting the target's task with its database's command. */
export function renderPlannedTaskSchedules(
  scope: Construct, idPrefix: string, schedule: PlannedTaskSchedule, target: PlannedTaskScheduleTarget,
): scheduler.Schedule[] {
  return schedule.runs.map((run) => new scheduler.Schedule(scope, run.id ?? `${idPrefix}${run.index}`, {
    description: run.description,
    schedule: plannedScheduleExpression(schedule),
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
        containerOverrides: [{ name: target.containerName, command: target.command(run.database) }],
      }),
    }),
  }));
}

/** A planned task started on a schedule: its container, its security group's VPC and description, and what its schedules start. */
export interface ScheduledTaskProps extends Omit<PlannedTaskScheduleTarget, 'securityGroup'> {
  /** The VPC of the task's security group. */
  readonly vpc: ec2.IVpc;
  /** The description of the task's security group. */
  readonly description: string;
  /** The planned runs. */
  readonly schedule: PlannedTaskSchedule;
  /** The container every run overrides the command of (`containerName`): its image, options and log stream; its own command is the first run's. */
  readonly container: Omit<ecs.ContainerDefinitionOptions, 'command' | 'logging'> & { readonly logGroup: logs.ILogGroup; readonly logStreamPrefix: string };
}

/**
 * Renders a task a construct starts on a schedule: its container, its security group (`ids.securityGroup`, no inbound traffic), one
 * schedule per planned run (`<ids.schedule><index>`), and what its execution role and the schedules' role are granted
 * on wildcards by design (the image pull, the start of the task's revisions).
 */
export function renderScheduledTask(
  scope: Construct, ids: { readonly securityGroup: string; readonly schedule: string }, props: ScheduledTaskProps,
): { securityGroup: ec2.SecurityGroup; schedules: scheduler.Schedule[] } {
  const { logGroup, logStreamPrefix, ...container } = props.container;
  props.taskDefinition.addContainer(props.containerName, {
    ...container,
    command: props.command(props.schedule.runs[0].database),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: logStreamPrefix }),
  });
  acknowledgeImagePull(props.taskDefinition);
  acknowledgeWildcards(props.role, [scheduledTasksWildcard(props.cluster, props.taskDefinition)]);
  const securityGroup = new ec2.SecurityGroup(scope, ids.securityGroup, { vpc: props.vpc, description: props.description, allowAllOutbound: true });
  return { securityGroup, schedules: renderPlannedTaskSchedules(scope, ids.schedule, props.schedule, { ...props, securityGroup }) };
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
  acknowledgeScheduleDeadLetterQueue(queue);
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
