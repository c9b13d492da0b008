import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** What {@link createRestoreDrillAlarms} watches. */
export interface RestoreDrillAlarmsProps {
  /** The drill's state machine. */
  readonly stateMachine: sfn.IStateMachine;
  /** The measured restore time, seconds. */
  readonly restoreDuration: cloudwatch.IMetric;
  /** The RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
  /** The dead-letter queue of the drill's schedule. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where alarms (and their return to OK) are sent. */
  readonly topic: sns.ITopic;
  /** What the drill is, for the descriptions, e.g. `snapshot restore drill of orders`. */
  readonly subject: string;
}

/**
 * The alarms of a scheduled restore drill: a failed, timed-out or aborted execution; a restore slower than the RTO;
 * a schedule that could not start the drill. Each notifies the topic on alarm and on recovery.
 */
export function createRestoreDrillAlarms(scope: Construct, props: RestoreDrillAlarmsProps): cloudwatch.Alarm[] {
  const failedExecutions = new cloudwatch.MathExpression({
    label: 'Failed, timed-out or aborted drill executions',
    expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
    usingMetrics: {
      failed: props.stateMachine.metricFailed({ statistic: 'Sum' }),
      timedOut: props.stateMachine.metricTimedOut({ statistic: 'Sum' }),
      aborted: props.stateMachine.metricAborted({ statistic: 'Sum' }),
    },
    period: Duration.minutes(5),
  });
  const alarms = [
    new cloudwatch.Alarm(scope, 'FailedDrillAlarm', {
      alarmDescription: `A ${props.subject} failed: the backup could not be restored and checked`,
      metric: failedExecutions,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'RtoAlarm', {
      alarmDescription: `A ${props.subject} took longer than the RTO of ${props.maxRestoreDurationMinutes} minutes`,
      metric: props.restoreDuration,
      threshold: props.maxRestoreDurationMinutes * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'ScheduleDeadLetterAlarm', {
      alarmDescription: `EventBridge Scheduler could not start the ${props.subject}`,
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  const action = new cloudwatchActions.SnsAction(props.topic);
  alarms.forEach((alarm) => {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  });
  return alarms;
}
