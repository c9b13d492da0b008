import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { createBackupAlarm, deadLetterMessages, failedExecutionsExpression } from './metric-alarm';
import { RestoreDrillMetric } from '../../core/state-machines';

/** What {@link createRestoreDrillAlarms} watches. */
export interface RestoreDrillAlarmsSpec {
  /** ARN of the drill's state machine. */
  readonly stateMachineArn: pulumi.Input<string>;
  /** CloudWatch namespace the drill publishes its restore time in. */
  readonly metricNamespace: string;
  /** The `Database` dimension of the drill's metrics. */
  readonly databaseName: pulumi.Input<string>;
  /** The `Drill` dimension of the drill's metrics: `pitr`, `snapshot`, `dump`. */
  readonly drillKind: string;
  /** The RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
  /** Name of the dead-letter queue of the drill's schedule. */
  readonly deadLetterQueueName: pulumi.Input<string>;
  /** The topic notified on alarm and on recovery. */
  readonly topicArn: pulumi.Input<string>;
  /** What the drill is, for the descriptions, e.g. `snapshot restore drill of orders`. */
  readonly subject: string;
  /**
   * Description of the failed-drill alarm, for a drill that words it its own way.
   * @default - `A <subject> failed: the backup could not be restored and checked`
   */
  readonly failedDescription?: string;
  /**
   * Description of the RTO alarm, for a drill that words it its own way.
   * @default - `A <subject> took longer than the RTO of <maxRestoreDurationMinutes> minutes`
   */
  readonly slowRestoreDescription?: string;
}

/**
 * The alarms of a scheduled restore drill, as the CDK constructs raise them: a failed, timed-out or aborted execution;
 * a restore slower than the RTO; a schedule that could not start the drill. Silence means nothing failed, so missing
 * data does not breach (a drill that never starts is caught by the dead-letter alarm).
 */
export function createRestoreDrillAlarms(name: string, spec: RestoreDrillAlarmsSpec, parent: pulumi.Resource): cloudwatch.MetricAlarm[] {
  return [
    createBackupAlarm(`${name}-failed-drill`, {
      description: spec.failedDescription ?? `A ${spec.subject} failed: the backup could not be restored and checked`,
      metric: failedExecutionsExpression(spec.stateMachineArn),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      topicArn: spec.topicArn,
    }, parent),
    createBackupAlarm(`${name}-rto`, {
      description: spec.slowRestoreDescription ?? `A ${spec.subject} took longer than the RTO of ${spec.maxRestoreDurationMinutes} minutes`,
      metric: {
        namespace: spec.metricNamespace,
        metricName: RestoreDrillMetric.DURATION,
        dimensions: { Database: spec.databaseName, Drill: spec.drillKind },
        statistic: 'Maximum',
        periodSeconds: 3600,
      },
      threshold: spec.maxRestoreDurationMinutes * 60,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      topicArn: spec.topicArn,
    }, parent),
    createBackupAlarm(`${name}-schedule-dead-letters`, {
      description: `EventBridge Scheduler could not start the ${spec.subject}`,
      metric: deadLetterMessages(spec.deadLetterQueueName),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      topicArn: spec.topicArn,
    }, parent),
  ];
}
