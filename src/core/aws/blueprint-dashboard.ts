import { DUMP_METRICS, ExpressionPlan } from './alarm-plan';
import { DashboardGraph } from './backup-dashboard';
import { BLUEPRINT_SERVER_DIMENSION } from './postgres-backup-blueprint';
import { RestoreDrillMetric } from './state-machines/restore-drill-options';

/** An alarm status widget of a dashboard: a full row showing the state of a slice of alarms. */
export interface AlarmStatusWidgetPlan {
  /** Title. */
  readonly title: string;
  /** The alarms shown: indices `start` (inclusive) to `end` (exclusive) of the alarms the plan was made for. */
  readonly start: number;
  /** See `start`. */
  readonly end: number;
  /** Width in dashboard columns (a row has 24). */
  readonly width: number;
  /** Height in dashboard rows. */
  readonly height: number;
}

/** What a blueprint's dashboard shows: graphs searching the fleet's metrics, then the RPO alarm of every database. */
export interface BlueprintDashboardPlan {
  /** Rows of graphs, each series a `SEARCH` over every database of the fleet (so a new database needs no new widget). */
  readonly graphs: readonly (readonly DashboardGraph[])[];
  /** Below the graphs, the RPO alarms' states, at most 100 alarms a widget (CloudWatch's limit). */
  readonly alarmStatus: readonly AlarmStatusWidgetPlan[];
}

/** What {@link planBlueprintDashboard} needs. */
export interface BlueprintDashboardOptions {
  /** Namespace of the fleet's metrics. */
  readonly metricNamespace: string;
  /** How many databases the fleet protects (one RPO alarm each, in the order of the blueprint's databases). */
  readonly databaseCount: number;
}

/** An alarm status widget shows at most this many alarms. */
const ALARMS_PER_WIDGET = 100;
const HOUR = 3600;
const DAY = 86_400;

/** A `SEARCH` over the fleet's metrics; unlabelled, so each line is labelled by its dimensions (the database). */
function search(namespace: string, dimensions: string, filter: string, statistic: string, periodSeconds: number): ExpressionPlan {
  return { expression: `SEARCH('{${namespace},${dimensions}} ${filter}', '${statistic}', ${periodSeconds})`, label: '', periodSeconds, metrics: {} };
}

/**
 * The dashboard of a `PostgresBackupBlueprint`: dump failures and sizes by database, dump drills failed and their
 * restore durations by database, and the state of every database's RPO alarm. Both AWS front ends draw exactly this.
 */
export function planBlueprintDashboard(options: BlueprintDashboardOptions): BlueprintDashboardPlan {
  const ns = options.metricNamespace;
  const dumps = `${BLUEPRINT_SERVER_DIMENSION},Database`;
  const drills = 'Database,Drill';
  const graph = (title: string, series: ExpressionPlan): DashboardGraph => ({ title, width: 12, left: [series], right: [], leftAnnotations: [] });
  const alarmStatus: AlarmStatusWidgetPlan[] = [];
  for (let start = 0; start < options.databaseCount; start += ALARMS_PER_WIDGET) {
    const end = Math.min(options.databaseCount, start + ALARMS_PER_WIDGET);
    alarmStatus.push({ title: `RPO of each database (${start + 1}–${end})`, start, end, width: 24, height: 3 });
  }
  return {
    graphs: [
      [
        graph('Dump failures by database', search(ns, dumps, `MetricName="${DUMP_METRICS.failures.metricName}"`, DUMP_METRICS.failures.statistic, HOUR)),
        graph('Dump size by database', search(ns, dumps, `MetricName="${DUMP_METRICS.bytes.metricName}"`, DUMP_METRICS.bytes.statistic, HOUR)),
      ],
      [
        graph('Restore drills failed by database', search(ns, drills, `MetricName="${RestoreDrillMetric.FAILED}" Drill="dump"`, 'Sum', DAY)),
        graph('Restore duration by database (seconds)', search(ns, drills, `MetricName="${RestoreDrillMetric.DURATION}" Drill="dump"`, 'Maximum', DAY)),
      ],
    ],
    alarmStatus,
  };
}
