import { ExpressionPlan, MetricPlan } from './alarm-plan';
import { DashboardGraph } from './backup-dashboard';
import { AlarmStatusWidgetPlan } from './blueprint-dashboard';

/** The height of every graph, in dashboard rows, as the CDK draws them. */
const GRAPH_HEIGHT = 6;

/** A widget of a dashboard body, in CloudWatch's JSON: where it is, and what it shows. */
export interface DashboardWidget {
  /** `metric` or `alarm`. */
  readonly type: string;
  /** Width, of 24 columns. */
  readonly width: number;
  /** Height, in rows. */
  readonly height: number;
  /** Column of its left edge. */
  readonly x: number;
  /** Row of its top edge. */
  readonly y: number;
  /** What it shows. */
  readonly properties: object;
}

/** The dashboard body's widgets: each row of graphs left to right, rows top to bottom, in CloudWatch's JSON. */
export function dashboardWidgets(rows: readonly (readonly DashboardGraph[])[], region: string): DashboardWidget[] {
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

/**
 * The body's alarm status widgets, one under the other below `rowCount` rows of graphs, each showing its slice of
 * `alarmArns`, in CloudWatch's JSON.
 */
export function alarmStatusWidgets<T>(widgets: readonly AlarmStatusWidgetPlan[], alarmArns: readonly T[], rowCount: number): DashboardWidget[] {
  let y = rowCount * GRAPH_HEIGHT;
  return widgets.map((widget) => {
    const body = { type: 'alarm', width: widget.width, height: widget.height, x: 0, y, properties: { title: widget.title, alarms: alarmArns.slice(widget.start, widget.end) } };
    y += widget.height;
    return body;
  });
}

/** A series as rows of a widget's `metrics`: a metric, or an expression followed by the hidden metrics it reads. */
function metricRows(series: MetricPlan | ExpressionPlan, axis: 'left' | 'right'): unknown[][] {
  const onAxis = axis === 'right' ? { yAxis: 'right' } : {};
  if ('expression' in series) {
    return [
      // An empty label is left out, as CDK does: CloudWatch then names each line a SEARCH finds by its dimensions.
      [{ ...(series.label ? { label: series.label } : {}), expression: series.expression, period: series.periodSeconds, ...onAxis }],
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
