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
  /**
   * The largest accepted distance of a point-in-time drill's recovery point from its target, minutes: a line on its
   * recovery point graph.
   * @default - no line
   */
  readonly maxRecoveryPointGapMinutes?: number;
}

/**
 * A restore drill construct as both front ends describe it: a snapshot or point-in-time drill tells its kind, a dump
 * drill (`VerifyRestore`) does not.
 */
export interface BackupDashboardDrillSource extends Omit<BackupDashboardDrill, 'kind'> {
  /**
   * Which drill it is.
   * @default 'dump'
   */
  readonly drillKind?: RestoreDrillKind;
}

/** A drill construct as a drill of {@link planBackupDashboard}. */
export function backupDashboardDrill(drill: BackupDashboardDrillSource): BackupDashboardDrill {
  return {
    databaseName: drill.databaseName,
    kind: drill.drillKind ?? 'dump',
    metricNamespace: drill.metricNamespace,
    maxRestoreDurationMinutes: drill.maxRestoreDurationMinutes,
    ...(drill.maxRecoveryPointGapMinutes !== undefined ? { maxRecoveryPointGapMinutes: drill.maxRecoveryPointGapMinutes } : {}),
  };
}

/**
 * Days since the last successful drill, for graphs, from the daily sum of successes `ok` (as
 * {@link BACKUP_AGE_HOURS_EXPRESSION} does for dumps): it has no value before the first success in a graph's range.
 */
export const DRILL_AGE_DAYS_EXPRESSION = '(EPOCH(FILL(ok, 0)) - FILL(IF(ok > 0, EPOCH(ok)), REPEAT)) / 86400';

/** The metric the runner's `verify` publishes as a dump drill's RTO: seconds from the start of pg_restore to a checked database. */
export const DUMP_DRILL_RTO_METRIC = 'DrillRtoSeconds';

/** How a drill kind is named in graph titles. */
const DRILL_LABELS: Readonly<Record<RestoreDrillKind, string>> = {
  'dump': 'dump',
  'snapshot': 'snapshot',
  'pitr': 'PITR',
  'point-in-time': 'point-in-time',
  'restore-testing': 'restore-testing',
};

/**
 * The props of a `BackupDashboard` every AWS front end shares, with its dump and drill constructs' types; the front end
 * adds the dashboard's name.
 */
export interface BackupDashboardSources<Dump, Drill> {
  /** The scheduled dumps shown (one row per database). */
  readonly dump: Dump;
  /**
   * The restore drills shown: dump drills, snapshot drills and point-in-time drills.
   * @default - none
   */
  readonly drills?: Drill[];
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

/** Days since the last successful drill of a database (see {@link DRILL_AGE_DAYS_EXPRESSION}). */
export function drillAgeExpression(drill: Omit<BackupDashboardDrill, 'maxRestoreDurationMinutes'>): ExpressionPlan {
  const { periodSeconds: _period, ...ok } = drillMetric(drill, RestoreDrillMetric.SUCCEEDED, 'Sum');
  return {
    expression: DRILL_AGE_DAYS_EXPRESSION,
    label: `Days since the last successful ${DRILL_LABELS[drill.kind]} drill of ${drill.databaseName}`,
    periodSeconds: DAY,
    metrics: { ok },
  };
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
 * size, its duration and failures; per drill its outcomes, the days since its last success, the measured restore time
 * against the RTO (the RTO trend), and for a point-in-time drill the recovery point it reached (how far before its
 * target the newest restored commit was). Both AWS front ends draw exactly these rows.
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
  const drillRows = (options.drills ?? []).map((drill) => {
    const label = `${drill.databaseName}: ${DRILL_LABELS[drill.kind]}`;
    const pointInTime = drill.kind === 'point-in-time' || drill.kind === 'pitr';
    const width = pointInTime ? 6 : 8;
    return [
      graph(`${label} drills`, width, [drillMetric(drill, RestoreDrillMetric.SUCCEEDED, 'Sum'), drillMetric(drill, RestoreDrillMetric.FAILED, 'Sum')]),
      graph(`${label} days since the last good drill`, width, [drillAgeExpression(drill)]),
      graph(`${label} restore time (RTO ${drill.maxRestoreDurationMinutes} min)`, width, [
        drillMetric(drill, RestoreDrillMetric.DURATION, 'Maximum'),
        // A dump drill's runner also measures pg_restore alone (dimension Database only).
        ...(drill.kind === 'dump' ? [runnerMetric(drill.metricNamespace, { metricName: DUMP_DRILL_RTO_METRIC, statistic: 'Maximum' }, drill.databaseName, DAY)] : []),
      ], {
        leftAnnotations: [{ value: drill.maxRestoreDurationMinutes * 60, label: 'RTO', color: TARGET_LINE_COLOR }],
      }),
      ...(pointInTime ? [graph(`${label} recovery point, seconds before the target`, width, [drillMetric(drill, RestoreDrillMetric.RECOVERY_POINT_GAP, 'Maximum')], {
        leftAnnotations: drill.maxRecoveryPointGapMinutes !== undefined
          ? [{ value: drill.maxRecoveryPointGapMinutes * 60, label: 'Largest accepted gap', color: TARGET_LINE_COLOR }]
          : [],
      })] : []),
    ];
  });
  return [...dumpRows, ...drillRows];
}
