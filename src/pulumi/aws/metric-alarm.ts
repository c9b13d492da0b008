import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { ALARM_EVALUATION_PERIODS, AlarmPlan, plannedDimensions } from '../../core/aws/alarm-plan';

/** The names or ARNs of the planned resources that metric dimensions refer to, by planned resource (e.g. `dead-letter-queue`). */
export type PlannedResourceInputs = Readonly<Record<string, pulumi.Input<string>>>;

/**
 * Creates the planned alarms as children of `parent`, named `<name>-<alarm>`, each evaluated over one period and
 * notifying the topic on alarm and on recovery; `describe` fills in a description that names what is known only as an
 * output.
 */
export function createPlannedAlarms(
  name: string, alarms: readonly AlarmPlan[], topicArn: pulumi.Input<string>, parent: pulumi.Resource, resources: PlannedResourceInputs = {},
  describe: (description: string) => pulumi.Input<string> = (description) => description,
): cloudwatch.MetricAlarm[] {
  return alarms.map((alarm) => {
    const metric = alarm.metric;
    const watched = 'expression' in metric ? {
      metricQueries: [
        { id: 'expr_1', expression: metric.expression, label: metric.label, returnData: true },
        ...Object.entries(metric.metrics).map(([id, m]) => {
          const { namespace, metricName, statistic: stat } = m;
          const dimensions = plannedDimensions(m, resources);
          return { id, returnData: false, metric: { namespace, metricName, dimensions, stat, period: metric.periodSeconds } };
        }),
      ],
    } : {
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: plannedDimensions(metric, resources),
      statistic: metric.statistic,
      period: metric.periodSeconds,
    };
    return new cloudwatch.MetricAlarm(`${name}-${alarm.name}`, {
      alarmDescription: describe(alarm.description),
      threshold: alarm.threshold,
      comparisonOperator: alarm.comparisonOperator,
      evaluationPeriods: ALARM_EVALUATION_PERIODS,
      treatMissingData: alarm.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
      ...watched,
    }, { parent });
  });
}
