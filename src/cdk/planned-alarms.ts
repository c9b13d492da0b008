import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_EVALUATION_PERIODS, AlarmPlan, ExpressionPlan, MetricPlan, plannedDimensions } from '../core/aws/alarm-plan';

/** The names or ARNs of the planned resources that metric dimensions refer to, by planned resource (e.g. `dead-letter-queue`). */
export type PlannedResourceNames = Readonly<Record<string, string>>;

/** The CloudWatch metric of a plan, its dimensions filled in from `resources`. */
export function plannedMetric(plan: MetricPlan, resources: PlannedResourceNames = {}, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: plan.namespace,
    metricName: plan.metricName,
    dimensionsMap: plannedDimensions(plan, resources),
    statistic: plan.statistic,
    period: Duration.seconds(plan.periodSeconds),
    ...options,
  });
}

/** The CloudWatch metric math of a plan, its metrics' dimensions filled in from `resources`. */
export function plannedExpression(plan: ExpressionPlan, resources: PlannedResourceNames = {}): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label: plan.label,
    expression: plan.expression,
    usingMetrics: Object.fromEntries(Object.entries(plan.metrics).map(([id, metric]) => [id, new cloudwatch.Metric({
      namespace: metric.namespace, metricName: metric.metricName, dimensionsMap: plannedDimensions(metric, resources), statistic: metric.statistic,
    })])),
    period: Duration.seconds(plan.periodSeconds),
  });
}

/** Creates the planned alarms in `scope`, each notifying `topic` when it fires and when it recovers. */
export function renderPlannedAlarms(
  scope: Construct, alarms: readonly AlarmPlan[], topic: sns.ITopic, resources: PlannedResourceNames = {},
): cloudwatch.Alarm[] {
  const action = new cloudwatchActions.SnsAction(topic);
  return alarms.map((plan) => {
    const alarm = new cloudwatch.Alarm(scope, plan.id, {
      alarmDescription: plan.description,
      metric: 'expression' in plan.metric ? plannedExpression(plan.metric, resources) : plannedMetric(plan.metric, resources),
      threshold: plan.threshold,
      comparisonOperator: plan.comparisonOperator as cloudwatch.ComparisonOperator,
      evaluationPeriods: ALARM_EVALUATION_PERIODS,
      treatMissingData: plan.treatMissingData as cloudwatch.TreatMissingData,
    });
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  });
}
