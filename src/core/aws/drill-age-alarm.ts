import { AlarmPlan } from './alarm-plan';
import { RestoreDrillMetric } from './state-machines/restore-drill-options';
import { checkDrillAgeWindow } from '../policy/drill-age-window';
import { ScheduleSpec } from '../policy/policy';
import { Validator } from '../policy/validation';

/**
 * The longest `maxDrillAgeDays` an alarm can watch. A CloudWatch alarm evaluates at most seven days of data, so
 * "no successful drill within N days" is one alarm over one N-day period only up to N = 7; longer limits are watched
 * by `pg-backup status --drill-age Nd`, which reads the drill results stored beside the backups.
 */
export const MAX_DRILL_AGE_ALARM_DAYS = 7;

/** What the alarm watches and says. */
export interface DrillAgeAlarmOptions {
  /** The `maxDrillAgeDays` the user set. */
  readonly days: number;
  /** CloudWatch namespace the drill publishes `RestoreDrillSucceeded` in. */
  readonly metricNamespace: string;
  /** The `Database` dimension. */
  readonly databaseName: string;
  /** The `Drill` dimension (`dump`, `snapshot`, `pitr`, `point-in-time`). */
  readonly drillKind: string;
}

/**
 * Checks `maxDrillAgeDays` (reported under `path`): an integer from 1 to {@link MAX_DRILL_AGE_ALARM_DAYS}, and longer
 * than the longest gap between two scheduled drills plus the RTO and an hour, so a drill that runs on time never
 * leaves the alarm's window empty. A weekly drill therefore cannot be watched by this alarm: drill more often, or
 * watch it with `pg-backup status --drill-age`.
 */
export function checkMaxDrillAgeDays(
  validator: Validator, path: string, days: number | undefined, schedule: ScheduleSpec, rtoMinutes: number,
): void {
  checkDrillAgeWindow(validator, path, days, schedule, rtoMinutes, {
    maxDays: MAX_DRILL_AGE_ALARM_DAYS,
    raises: 'alarm',
    note: `a CloudWatch alarm looks back at most ${MAX_DRILL_AGE_ALARM_DAYS} days, so for rarer drills schedule them more often or watch them with pg-backup status --drill-age`,
  });
}

/**
 * The "no successful drill within N days" alarm: the drill's `RestoreDrillSucceeded` summed over one period of N days,
 * below 1, with missing data breaching. The state machine publishes the metric only when the restore, the checks and
 * the cleanup all passed, so a drill that fails, never starts or is deleted leaves the window empty and pages.
 *
 * One N-day period rather than N daily ones: it is the same window, read with one statistic, and it is how the
 * dumps' RPO alarm watches `BackupSucceeded`.
 */
export function drillAgeAlarm(options: DrillAgeAlarmOptions): AlarmPlan {
  return {
    id: 'DrillAgeAlarm',
    name: 'drill-age',
    description: `No successful ${options.drillKind} restore drill of ${options.databaseName} within ${options.days} days`,
    metric: {
      namespace: options.metricNamespace,
      metricName: RestoreDrillMetric.SUCCEEDED,
      dimensions: { Database: options.databaseName, Drill: options.drillKind },
      statistic: 'Sum',
      periodSeconds: options.days * 86_400,
    },
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    // A drill that stops silently publishes nothing: that must page too.
    treatMissingData: 'breaching',
  };
}
