import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeScheduleDeadLetterQueue } from './reviewed-findings';
import { ecsTaskFailedDetail } from '../core/aws/scheduled-pg-dump';
import { EventBridgeSchedule } from '../core/policy/schedule';

/** The EventBridge Scheduler expression of a planned schedule, in its time zone. */
export function plannedScheduleExpression(schedule: EventBridgeSchedule): scheduler.ScheduleExpression {
  return scheduler.ScheduleExpression.expression(schedule.scheduleExpression, TimeZone.of(schedule.scheduleExpressionTimezone));
}

/**
 * The queue a schedule sends the runs it could not start to (`DeadLetterQueue`): encrypted with SQS-managed keys, TLS
 * only, kept 14 days, so a run that never started leaves a trace and raises the dead-letter alarm.
 */
export function createScheduleDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeScheduleDeadLetterQueue(queue);
  return queue;
}

/**
 * The schedules' own role (`ScheduleRole`, not the one a target would share stack-wide, so its grants are reviewed
 * with the construct): assumable by EventBridge Scheduler only for schedules of this account's default group.
 */
export function createScheduleRole(scope: Construct, description: string): iam.Role {
  const stack = Stack.of(scope);
  return new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
    description,
  });
}

/** What {@link notifyWhenTaskFails} watches and says. */
export interface TaskFailureNotificationProps {
  /** Description of the rule. */
  readonly description: string;
  /** What failed, the start of the message, e.g. `A scheduled pg_dump task`. */
  readonly subject: string;
  /** The task definitions whose tasks are watched. */
  readonly taskDefinitionArns: string[];
  /** The topic notified. */
  readonly topic: sns.ITopic;
  /**
   * Name who started the task (a schedule's id), for tasks of one definition started by many schedules.
   * @default false
   */
  readonly namesStarter?: boolean;
}

/**
 * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
 * still reports it stopping, so an EventBridge rule sends that event to the topic with the task's ARN and reason.
 */
export function notifyWhenTaskFails(scope: Construct, id: string, props: TaskFailureNotificationProps): events.Rule {
  const rule = new events.Rule(scope, id, {
    description: props.description,
    eventPattern: { source: ['aws.ecs'], detailType: ['ECS Task State Change'], detail: ecsTaskFailedDetail(props.taskDefinitionArns) },
  });
  const field = (path: string) => events.EventField.fromPath(path);
  rule.addTarget(new eventsTargets.SnsTopic(props.topic, {
    message: events.RuleTargetInput.fromText(
      `${props.subject} failed: ${field('$.detail.taskArn')}${props.namesStarter ? ` (started by ${field('$.detail.startedBy')})` : ''} `
      + `stopped (${field('$.detail.stopCode')}): ${field('$.detail.stoppedReason')}`,
    ),
  }));
  return rule;
}
