import { planBlueprintDashboard } from '../../../src/core/aws/blueprint-dashboard';
import { alarmStatusWidgets, dashboardWidgets } from '../../../src/core/aws/dashboard-body';

describe('planBlueprintDashboard: the dashboard of a fleet', () => {
  test('graphs search the fleet\'s dump and dump-drill metrics by database, unlabelled so each line is named by its database', () => {
    const plan = planBlueprintDashboard({ metricNamespace: 'Fleet', databaseCount: 3 });
    expect(plan.graphs.map((row) => row.map((graph) => [graph.title, graph.left.map((series) => 'expression' in series && [series.expression, series.label])]))).toEqual([
      [
        ['Dump failures by database', [['SEARCH(\'{Fleet,Server,Database} MetricName="BackupFailed"\', \'Sum\', 3600)', '']]],
        ['Dump size by database', [['SEARCH(\'{Fleet,Server,Database} MetricName="BackupBytes"\', \'Maximum\', 3600)', '']]],
      ],
      [
        ['Restore drills failed by database', [['SEARCH(\'{Fleet,Database,Drill} MetricName="RestoreDrillFailed" Drill="dump"\', \'Sum\', 86400)', '']]],
        ['Restore duration by database (seconds)', [['SEARCH(\'{Fleet,Database,Drill} MetricName="RestoreDurationSeconds" Drill="dump"\', \'Maximum\', 86400)', '']]],
      ],
    ]);
  });

  test('the RPO alarms are shown at most 100 a widget, each widget titled with the range it shows', () => {
    const plan = planBlueprintDashboard({ metricNamespace: 'Fleet', databaseCount: 250 });
    expect(plan.alarmStatus.map(({ title, start, end }) => [title, start, end])).toEqual([
      ['RPO of each database (1–100)', 0, 100],
      ['RPO of each database (101–200)', 100, 200],
      ['RPO of each database (201–250)', 200, 250],
    ]);
  });

  test('a fleet without databases has no alarm status widget', () => {
    expect(planBlueprintDashboard({ metricNamespace: 'Fleet', databaseCount: 0 }).alarmStatus).toEqual([]);
  });

  test('the body puts the alarm widgets one under the other below the graphs, each with its slice of alarms', () => {
    const plan = planBlueprintDashboard({ metricNamespace: 'Fleet', databaseCount: 101 });
    const alarms = Array.from({ length: 101 }, (_, index) => `alarm-${index}`);
    const widgets = alarmStatusWidgets(plan.alarmStatus, alarms, plan.graphs.length) as Array<Record<string, any>>;
    expect(widgets.map((widget) => [widget.y, widget.height, widget.properties.alarms.length])).toEqual([[12, 3, 100], [15, 3, 1]]);
    expect(dashboardWidgets(plan.graphs, 'eu-west-1')[0]).toMatchObject({ properties: { metrics: [[{ period: 3600 }]] } });
    expect(JSON.stringify(dashboardWidgets(plan.graphs, 'eu-west-1'))).not.toContain('"label"');
  });
});
