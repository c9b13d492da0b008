import { DUMP_METRICS, ExpressionPlan, MetricPlan, runnerMetric } from './alarm-plan';
import { RestoreDrillKind, RestoreDrillMetric } from './state-machines/restore-drill-options';

/**
 * Hours since the last successful dump, for graphs, from the hourly sum of successes `ok`: each hour's timestamp minus
 * the timestamp of the latest hour with a success (carried forward with `FILL(…, REPEAT)`). It has no value before the
 * first success in a graph's range, which is why alarms count successes over the RPO instead.
 */
export const BACKUP_AGE_HOURS_EXPRESSION = '(EPOCH(FILL(ok, 0)) - FILL(IF(ok > 0, EPOCH(ok)), REPEAT)) / 3600';

/** A horizontal line on a graph's left axis: a target the series must stay under. */
export interface DashboardAnnotation {
  /** Where the line is, in the left axis' unit. */
  readonly value: number;
  /** Its label. */
  readonly label: string;
  /** Its colour, `#rrggbb`. */
  readonly color: string;
}

/** A time-series graph of a dashboard. */
export interface DashboardGraph {
  /** Title. */
  readonly title: string;
  /** Width in dashboard columns (a row has 24). */
  readonly width: number;
  /** Series on the left axis. */
  readonly left: readonly (MetricPlan | ExpressionPlan)[];
  /** Series on the right axis. */
  readonly right: readonly (MetricPlan | ExpressionPlan)[];
  /** Lines on the left axis. */
  readonly leftAnnotations: readonly DashboardAnnotation[];
}

/** A restore drill shown on a {@link planBackupDashboard} dashboard. */
export interface BackupDashboardDrill {
  /** The database the drill restores: the `Database` dimension of its metrics. */
  readonly databaseName: string;
  /** Which drill: the `Drill` dimension of its metrics. */
  readonly kind: RestoreDrillKind;
  /** Namespace of its metrics. */
  readonly metricNamespace: string;
  /** Its RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
}

/** What a backup dashboard shows. */
export interface BackupDashboardOptions {
  /** The scheduled dumps: their databases, the namespace of the runner's metrics and the RPO. */
  readonly dump: { readonly databaseNames: readonly string[]; readonly metricNamespace: string; readonly rpoHours: number };
  /**
   * The restore drills.
   * @default - none
   */
  readonly drills?: readonly BackupDashboardDrill[];
}

/** The colour of a line that must not be crossed (CloudWatch's red). */
const TARGET_LINE_COLOR = '#d62728';
const HOUR = 3600;
const DAY = 86_400;

/** One metric a restore drill publishes (dimensions `Database` and `Drill`). */
export function drillMetric(
  drill: Omit<BackupDashboardDrill, 'maxRestoreDurationMinutes'>, metricName: string, statistic: string,
): MetricPlan {
  const dimensions = { Database: drill.databaseName, Drill: drill.kind };
  return { namespace: drill.metricNamespace, metricName, dimensions, statistic, periodSeconds: DAY };
}

/** Hours since the last successful dump of a database (see {@link BACKUP_AGE_HOURS_EXPRESSION}). */
export function backupAgeExpression(namespace: string, databaseName: string): ExpressionPlan {
  return {
    expression: BACKUP_AGE_HOURS_EXPRESSION,
    label: `Hours since the last successful dump of ${databaseName}`,
    periodSeconds: HOUR,
    metrics: { ok: runnerMetric(namespace, DUMP_METRICS.successes, databaseName, HOUR) },
  };
}

/**
 * The graphs of a backup dashboard, row by row: per database the age of the last good dump against the RPO, the dump's
 * size, its duration and failures; per drill its outcomes and the measured restore time against the RTO. Both AWS
 * front ends draw exactly these rows.
 */
export function planBackupDashboard(options: BackupDashboardOptions): DashboardGraph[][] {
  const { dump } = options;
  const graph = (title: string, width: number, left: DashboardGraph['left'], extra: Partial<DashboardGraph> = {}): DashboardGraph =>
    ({ title, width, left, right: [], leftAnnotations: [], ...extra });
  const dumpRows = dump.databaseNames.map((database) => [
    graph(`${database}: hours since the last good dump (RPO ${dump.rpoHours} h)`, 8, [backupAgeExpression(dump.metricNamespace, database)], {
      leftAnnotations: [{ value: dump.rpoHours, label: 'RPO', color: TARGET_LINE_COLOR }],
    }),
    graph(`${database}: dump size`, 8, [runnerMetric(dump.metricNamespace, DUMP_METRICS.bytes, database, HOUR)]),
    graph(`${database}: dump duration and failures`, 8, [runnerMetric(dump.metricNamespace, DUMP_METRICS.duration, database, HOUR)], {
      right: [runnerMetric(dump.metricNamespace, DUMP_METRICS.failures, database, HOUR)],
    }),
  ]);
  const drillRows = (options.drills ?? []).map((drill) => [
    graph(`${drill.databaseName}: restore drills`, 12, [
      drillMetric(drill, RestoreDrillMetric.SUCCEEDED, 'Sum'), drillMetric(drill, RestoreDrillMetric.FAILED, 'Sum'),
    ]),
    graph(`${drill.databaseName}: restore duration (RTO ${drill.maxRestoreDurationMinutes} min)`, 12, [drillMetric(drill, RestoreDrillMetric.DURATION, 'Maximum')], {
      leftAnnotations: [{ value: drill.maxRestoreDurationMinutes * 60, label: 'RTO', color: TARGET_LINE_COLOR }],
    }),
  ]);
  return [...dumpRows, ...drillRows];
}
