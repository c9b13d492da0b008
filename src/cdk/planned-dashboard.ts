import { Aws } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DashboardGraph } from '../core/aws/backup-dashboard';
import { AlarmStatusWidgetPlan } from '../core/aws/blueprint-dashboard';
import { DashboardWidget, alarmStatusWidgets, dashboardWidgets } from '../core/aws/dashboard-body';

/**
 * Core's widgets, laid out by core from the top, as one block of a CDK dashboard: the dashboard places the block below
 * what it already has, and the block moves its widgets there.
 */
class PlannedWidgets implements cloudwatch.IWidget {
  public readonly width = 24;
  public readonly height: number;
  private top = 0;

  constructor(private readonly widgets: readonly DashboardWidget[]) {
    this.height = Math.max(0, ...widgets.map((widget) => widget.y + widget.height));
  }

  public position(_x: number, y: number): void {
    this.top = y;
  }

  public toJson(): DashboardWidget[] {
    return this.widgets.map((widget) => ({ ...widget, y: widget.y + this.top }));
  }
}

/** Adds core's rows of graphs (`dashboardWidgets`) to `dashboard`, below what it already has. */
export function addPlannedGraphs(dashboard: cloudwatch.Dashboard, rows: readonly (readonly DashboardGraph[])[]): void {
  dashboard.addWidgets(new PlannedWidgets(dashboardWidgets(rows, Aws.REGION)));
}

/** Adds core's alarm status widgets to `dashboard`, each showing its slice of `alarms`, one under the other. */
export function addPlannedAlarmStatus(
  dashboard: cloudwatch.Dashboard, widgets: readonly AlarmStatusWidgetPlan[], alarms: readonly cloudwatch.IAlarm[],
): void {
  dashboard.addWidgets(new PlannedWidgets(alarmStatusWidgets(widgets, alarms.map((alarm) => alarm.alarmArn), 0)));
}
