import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import type { ScheduledPgDump } from './scheduled-pg-dump';
import { SnapshotRestoreDrill } from './snapshot-restore-drill';
import type { VerifyRestore } from './verify-restore';
import { ExpressionPlan, MetricPlan } from '../../core/aws/alarm-plan';
import { DashboardGraph, planBackupDashboard } from '../../core/aws/backup-dashboard';

/** Arguments of {@link BackupDashboard}. */
export interface BackupDashboardProps {
  /** The scheduled dumps shown (one row per database). */
  readonly dump: ScheduledPgDump;
  /**
   * The restore drills shown: dump drills, snapshot drills and point-in-time drills.
   * @default - none
   */
  readonly drills?: (VerifyRestore | SnapshotRestoreDrill)[];
  /**
   * Dashboard name.
   * @default - the component's name
   */
  readonly dashboardName?: pulumi.Input<string>;
}

/** The height of every graph, in dashboard rows, as the CDK draws them. */
const GRAPH_HEIGHT = 6;

/**
 * A CloudWatch dashboard for a backup plan: per database the age of the last good dump, its size and duration,
 * failed runs; per drill the outcome, the days since its last success, the measured restore time against the RTO, and
 * for a point-in-time drill the recovery point reached. The graphs are core's
 * {@link planBackupDashboard}, the same as the CDK `BackupDashboard`'s, laid out row by row.
 */
export class BackupDashboard extends pulumi.ComponentResource {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Its name. */
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, props: BackupDashboardProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupDashboard', name, {}, opts);
    const rows = planBackupDashboard({
      dump: props.dump,
      drills: (props.drills ?? []).map((drill) => ({
        databaseName: drill.databaseName,
        kind: drill instanceof SnapshotRestoreDrill ? drill.drillKind : 'dump',
        metricNamespace: drill.metricNamespace,
        maxRestoreDurationMinutes: drill.maxRestoreDurationMinutes,
        ...(drill instanceof SnapshotRestoreDrill && drill.maxRecoveryPointGapMinutes !== undefined
          ? { maxRecoveryPointGapMinutes: drill.maxRecoveryPointGapMinutes } : {}),
      })),
    });
    const region = awsEnvironment(this).region;
    this.dashboard = new cloudwatch.Dashboard(`${name}-dashboard`, {
      dashboardName: props.dashboardName ?? name,
      dashboardBody: region.apply((value) => JSON.stringify({ widgets: dashboardWidgets(rows, value) })),
    }, { parent: this });
    this.dashboardName = this.dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}

/** The dashboard body's widgets: each row of graphs left to right, rows top to bottom, in CloudWatch's JSON. */
export function dashboardWidgets(rows: readonly (readonly DashboardGraph[])[], region: string): object[] {
  return rows.flatMap((row, rowIndex) => {
    let x = 0;
    return row.map((graph) => {
      const widget = {
        type: 'metric',
        width: graph.width,
        height: GRAPH_HEIGHT,
        x,
        y: rowIndex * GRAPH_HEIGHT,
        properties: {
          view: 'timeSeries',
          title: graph.title,
          region,
          metrics: [...graph.left.flatMap((series) => metricRows(series, 'left')), ...graph.right.flatMap((series) => metricRows(series, 'right'))],
          ...(graph.leftAnnotations.length > 0
            ? { annotations: { horizontal: graph.leftAnnotations.map((line) => ({ ...line, yAxis: 'left' })) } }
            : {}),
          yAxis: {},
        },
      };
      x += graph.width;
      return widget;
    });
  });
}

/** A series as rows of a widget's `metrics`: a metric, or an expression followed by the hidden metrics it reads. */
function metricRows(series: MetricPlan | ExpressionPlan, axis: 'left' | 'right'): unknown[][] {
  const onAxis = axis === 'right' ? { yAxis: 'right' } : {};
  if ('expression' in series) {
    return [
      [{ label: series.label, expression: series.expression, period: series.periodSeconds, ...onAxis }],
      ...Object.entries(series.metrics).map(([id, metric]) => metricRow({ ...metric, periodSeconds: series.periodSeconds }, { id, visible: false })),
    ];
  }
  return [metricRow(series, onAxis)];
}

function metricRow(metric: MetricPlan, rendering: Record<string, unknown>): unknown[] {
  const dimensions = Object.entries(metric.dimensions).flat();
  const { id, visible, ...rest } = rendering;
  const identity = id !== undefined ? { id, visible } : {};
  return [metric.namespace, metric.metricName, ...dimensions, { ...identity, period: metric.periodSeconds, stat: metric.statistic, ...rest }];
}
