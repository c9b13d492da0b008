import { ExpressionPlan, MetricPlan } from './alarm-plan';
import { DashboardGraph } from './backup-dashboard';

/** The height of every graph, in dashboard rows, as the CDK draws them. */
const GRAPH_HEIGHT = 6;

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
