import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { plannedExpression, plannedMetric } from './planned-alarms';
import { ExpressionPlan, MetricPlan } from '../core/aws/alarm-plan';
import { DashboardGraph } from '../core/aws/backup-dashboard';
import { AlarmStatusWidgetPlan } from '../core/aws/blueprint-dashboard';

/** A core dashboard series as a CloudWatch metric or math expression. */
function series(planned: MetricPlan | ExpressionPlan): cloudwatch.IMetric {
  return 'expression' in planned ? plannedExpression(planned) : plannedMetric(planned);
}

/** Adds core's rows of graphs to `dashboard`, a row of widgets each. */
export function addPlannedGraphs(dashboard: cloudwatch.Dashboard, rows: readonly (readonly DashboardGraph[])[]): void {
  for (const row of rows) {
    dashboard.addWidgets(...row.map((graph) => new cloudwatch.GraphWidget({
      title: graph.title,
      left: graph.left.map(series),
      right: graph.right.length > 0 ? graph.right.map(series) : undefined,
      leftAnnotations: graph.leftAnnotations.length > 0 ? [...graph.leftAnnotations] : undefined,
      width: graph.width,
    })));
  }
}

/** Adds core's alarm status widgets to `dashboard`, each showing its slice of `alarms`, one under the other. */
export function addPlannedAlarmStatus(
  dashboard: cloudwatch.Dashboard, widgets: readonly AlarmStatusWidgetPlan[], alarms: readonly cloudwatch.IAlarm[],
): void {
  for (const widget of widgets) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({
      title: widget.title, alarms: alarms.slice(widget.start, widget.end), width: widget.width, height: widget.height,
    }));
  }
}
