import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { AlarmPlan, ExpressionPlan, MetricPlan, deadLetterQueueMetric } from '../../core/aws/alarm-plan';
import { failedExecutionsExpression as plannedFailedExecutions } from '../../core/aws/restore-drill-alarms';

/** One CloudWatch metric with its statistic and period. */
export interface AlarmMetric {
  /** Namespace, e.g. `PostgresBackup` or `AWS/States`. */
  readonly namespace: string;
  /** Metric name. */
  readonly metricName: string;
  /** Dimensions by name. */
  readonly dimensions: Record<string, pulumi.Input<string>>;
  /** `Sum`, `Maximum`, … */
  readonly statistic: string;
  /** Period in seconds. */
  readonly periodSeconds: number;
}

/** A metric math expression over named metrics. */
export interface AlarmExpression {
  /** The expression, e.g. `FILL(failed, 0) + FILL(timedOut, 0)`. */
  readonly expression: string;
  /** Label of the result. */
  readonly label: string;
  /** Period of the expression in seconds (each metric is read at it). */
  readonly periodSeconds: number;
  /** The metrics the expression names, by id. */
  readonly metrics: Record<string, Omit<AlarmMetric, 'periodSeconds'>>;
}

/** An alarm that notifies a topic when it fires and when it recovers. */
export interface BackupAlarmSpec {
  /** What went wrong, as the notification says it. */
  readonly description: pulumi.Input<string>;
  /** What is watched. */
  readonly metric: AlarmMetric | AlarmExpression;
  /** The threshold. */
  readonly threshold: number;
  /** `GreaterThanOrEqualToThreshold`, `LessThanThreshold`, `GreaterThanThreshold`. */
  readonly comparisonOperator: 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'GreaterThanThreshold';
  /** `breaching` where silence means a stopped backup, `notBreaching` where silence means nothing failed. */
  readonly treatMissingData: 'breaching' | 'notBreaching';
  /** The topic notified on alarm and on recovery. */
  readonly topicArn: pulumi.Input<string>;
}

/** Creates the alarm of a spec: one evaluation period, the topic as alarm and OK action. */
export function createBackupAlarm(name: string, spec: BackupAlarmSpec, parent: pulumi.Resource): cloudwatch.MetricAlarm {
  const common = {
    alarmDescription: spec.description,
    threshold: spec.threshold,
    comparisonOperator: spec.comparisonOperator,
    evaluationPeriods: 1,
    treatMissingData: spec.treatMissingData,
    alarmActions: [spec.topicArn],
    okActions: [spec.topicArn],
  };
  const metric = spec.metric;
  if ('expression' in metric) {
    return new cloudwatch.MetricAlarm(name, {
      ...common,
      metricQueries: [
        { id: 'expr_1', expression: metric.expression, label: metric.label, returnData: true },
        ...Object.entries(metric.metrics).map(([id, m]) => ({
          id,
          returnData: false,
          metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.statistic, period: metric.periodSeconds },
        })),
      ],
    }, { parent });
  }
  return new cloudwatch.MetricAlarm(name, {
    ...common,
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: metric.dimensions,
    statistic: metric.statistic,
    period: metric.periodSeconds,
  }, { parent });
}

/** The failed, timed-out and aborted executions of a state machine, added up (missing values count as none). */
export function failedExecutionsExpression(stateMachineArn: pulumi.Input<string>): AlarmExpression {
  return plannedAlarmMetric(plannedFailedExecutions(), { 'state-machine': stateMachineArn }) as AlarmExpression;
}

/** Messages waiting in a dead-letter queue (largest per 5 minutes). */
export function deadLetterMessages(queueName: pulumi.Input<string>): AlarmMetric {
  return plannedAlarmMetric(deadLetterQueueMetric('dead-letter-queue'), { 'dead-letter-queue': queueName }) as AlarmMetric;
}

/** The names or ARNs of the planned resources that metric dimensions refer to, by planned resource (e.g. `dead-letter-queue`). */
export type PlannedResourceInputs = Readonly<Record<string, pulumi.Input<string>>>;

function dimensionsOf(plan: Omit<MetricPlan, 'periodSeconds'>, resources: PlannedResourceInputs): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(Object.entries(plan.dimensions).map(([name, value]) => {
    if (typeof value === 'string') return [name, value];
    const resolved = resources[value.resource];
    if (resolved === undefined) throw new Error(`the metric ${plan.metricName} names the planned resource ${value.resource}, which was not created`);
    return [name, resolved];
  }));
}

/** The alarm metric (or expression) of a plan, its dimensions filled in from `resources`. */
export function plannedAlarmMetric(plan: MetricPlan | ExpressionPlan, resources: PlannedResourceInputs = {}): AlarmMetric | AlarmExpression {
  if ('expression' in plan) {
    const metrics = Object.fromEntries(Object.entries(plan.metrics).map(([id, metric]) => [id, {
      namespace: metric.namespace, metricName: metric.metricName, dimensions: dimensionsOf(metric, resources), statistic: metric.statistic,
    }]));
    return { expression: plan.expression, label: plan.label, periodSeconds: plan.periodSeconds, metrics };
  }
  return {
    namespace: plan.namespace,
    metricName: plan.metricName,
    dimensions: dimensionsOf(plan, resources),
    statistic: plan.statistic,
    periodSeconds: plan.periodSeconds,
  };
}

/**
 * Creates the planned alarms as children of `parent`, named `<name>-<alarm>`, each notifying the topic on alarm and on
 * recovery; `describe` fills in a description that names what is known only as an output.
 */
export function createPlannedAlarms(
  name: string, alarms: readonly AlarmPlan[], topicArn: pulumi.Input<string>, parent: pulumi.Resource, resources: PlannedResourceInputs = {},
  describe: (description: string) => pulumi.Input<string> = (description) => description,
): cloudwatch.MetricAlarm[] {
  return alarms.map((alarm) => createBackupAlarm(`${name}-${alarm.name}`, {
    description: describe(alarm.description),
    metric: plannedAlarmMetric(alarm.metric, resources),
    threshold: alarm.threshold,
    comparisonOperator: alarm.comparisonOperator,
    treatMissingData: alarm.treatMissingData,
    topicArn,
  }, parent));
}
