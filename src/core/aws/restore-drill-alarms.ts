import { AlarmPlan, ExpressionPlan, PlannedResourceReference, deadLetterQueueMetric } from './alarm-plan';
import { RestoreDrillMetric } from './state-machines/restore-drill-options';

/** What a restore drill's alarms watch and say. */
export interface RestoreDrillAlarmsOptions {
  /** CloudWatch namespace the drill publishes its restore time in. */
  readonly metricNamespace: string;
  /** The `Database` dimension of the drill's metrics. */
  readonly databaseName: string | PlannedResourceReference;
  /** The `Drill` dimension of the drill's metrics: `pitr`, `snapshot`, `dump`. */
  readonly drillKind: string;
  /** The RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
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
  /**
   * The largest accepted distance between a point-in-time drill's target and the newest commit its restored data shows,
   * minutes: a recovery point further from the target alarms.
   * @default - no recovery point alarm
   */
  readonly maxRecoveryPointGapMinutes?: number;
}

/** The failed, timed-out and aborted executions of the planned `state-machine`, added up (missing values count as none). */
export function failedExecutionsExpression(): ExpressionPlan {
  const metric = (metricName: string) => ({
    namespace: 'AWS/States', metricName, dimensions: { StateMachineArn: { resource: 'state-machine' } }, statistic: 'Sum',
  });
  return {
    expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
    label: 'Failed, timed-out or aborted drill executions',
    periodSeconds: 300,
    metrics: { failed: metric('ExecutionsFailed'), timedOut: metric('ExecutionsTimedOut'), aborted: metric('ExecutionsAborted') },
  };
}

/**
 * The alarms of a scheduled restore drill: a failed, timed-out or aborted execution of its `state-machine`; a restore
 * slower than the RTO; a recovery point too far from a point-in-time drill's target, when bounded; a schedule that could not start the drill (its `dead-letter-queue`). Silence means nothing
 * failed, so missing data does not breach (a drill that never starts is caught by the dead-letter alarm).
 */
export function restoreDrillAlarms(options: RestoreDrillAlarmsOptions): AlarmPlan[] {
  return [
    {
      id: 'FailedDrillAlarm',
      name: 'failed-drill',
      description: options.failedDescription ?? `A ${options.subject} failed: the backup could not be restored and checked`,
      metric: failedExecutionsExpression(),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    },
    {
      id: 'RtoAlarm',
      name: 'rto',
      description: options.slowRestoreDescription ?? `A ${options.subject} took longer than the RTO of ${options.maxRestoreDurationMinutes} minutes`,
      metric: {
        namespace: options.metricNamespace,
        metricName: RestoreDrillMetric.DURATION,
        dimensions: { Database: options.databaseName, Drill: options.drillKind },
        statistic: 'Maximum',
        periodSeconds: 3600,
      },
      threshold: options.maxRestoreDurationMinutes * 60,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    },
    ...(options.maxRecoveryPointGapMinutes !== undefined ? [{
      id: 'RecoveryPointAlarm',
      name: 'recovery-point',
      description: `A ${options.subject} recovered data more than ${options.maxRecoveryPointGapMinutes} minutes older than its target time`,
      metric: {
        namespace: options.metricNamespace,
        metricName: RestoreDrillMetric.RECOVERY_POINT_GAP,
        dimensions: { Database: options.databaseName, Drill: options.drillKind },
        statistic: 'Maximum',
        periodSeconds: 3600,
      },
      threshold: options.maxRecoveryPointGapMinutes * 60,
      comparisonOperator: 'GreaterThanThreshold' as const,
      treatMissingData: 'notBreaching' as const,
    }] : []),
    {
      id: 'ScheduleDeadLetterAlarm',
      name: 'schedule-dead-letters',
      description: `EventBridge Scheduler could not start the ${options.subject}`,
      metric: deadLetterQueueMetric('dead-letter-queue'),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    },
  ];
}
