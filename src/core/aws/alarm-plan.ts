import { ValidationIssue, Validator } from '../policy/validation';

/** A resource of the plan a metric dimension names (a dead-letter queue's name, a state machine's ARN): each front end fills in its own handle. */
export interface PlannedResourceReference {
  /** The planned resource, e.g. `dead-letter-queue`. */
  readonly resource: string;
}

/** One CloudWatch metric with its statistic and period, as a plan decides it. */
export interface MetricPlan {
  /** Namespace, e.g. `PostgresBackup` or `AWS/SQS`. */
  readonly namespace: string;
  /** Metric name, e.g. `BackupFailed`. */
  readonly metricName: string;
  /** Dimensions by name: a value, or a planned resource whose name or ARN the front end knows. */
  readonly dimensions: Readonly<Record<string, string | PlannedResourceReference>>;
  /** `Sum`, `Maximum`, … */
  readonly statistic: string;
  /** Period in seconds. */
  readonly periodSeconds: number;
}

/** A metric math expression over named metrics, read at one period. */
export interface ExpressionPlan {
  /** The expression, e.g. `FILL(failed, 0) + FILL(timedOut, 0)`. */
  readonly expression: string;
  /** Label of the result. */
  readonly label: string;
  /** Period of the expression in seconds (each metric is read at it). */
  readonly periodSeconds: number;
  /** The metrics the expression names, by id. */
  readonly metrics: Readonly<Record<string, Omit<MetricPlan, 'periodSeconds'>>>;
}

/**
 * An alarm a construct creates: what it watches and when it fires. Every alarm of this package notifies the
 * construct's topic when it fires and when it recovers, after one evaluation period.
 */
export interface AlarmPlan {
  /** Construct id of the alarm in CDK, e.g. `FailedDumpAlarm0`. */
  readonly id: string;
  /** Suffix of the alarm's resource name in Pulumi (`<component>-<name>`), e.g. `failed-dump-0`. */
  readonly name: string;
  /** What went wrong, as the notification says it. */
  readonly description: string;
  /** What is watched: a metric, or an expression over metrics. */
  readonly metric: MetricPlan | ExpressionPlan;
  /** The threshold. */
  readonly threshold: number;
  /** How the metric is compared with the threshold. */
  readonly comparisonOperator: 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'GreaterThanThreshold';
  /** `breaching` where silence means a stopped backup, `notBreaching` where silence means nothing failed. */
  readonly treatMissingData: 'breaching' | 'notBreaching';
}

/** How many periods every planned alarm evaluates: one, as each metric's period is already the window it watches. */
export const ALARM_EVALUATION_PERIODS = 1;

/** The namespace the runner publishes its metrics in unless told otherwise. */
export const DEFAULT_METRIC_NAMESPACE = 'PostgresBackup';

/** What CloudWatch takes as a namespace of custom metrics (`AWS/` is reserved for AWS's own). */
export const METRIC_NAMESPACE_PATTERN = /^(?!AWS\/)[A-Za-z0-9._\-/#:]{1,255}$/;

/** Checks a namespace the runner or a drill publishes metrics in, reported at `path`; an unset one is the default. */
export function checkMetricNamespace(validator: Validator, path: string, namespace: string | undefined): void {
  validator.matches(path, namespace, METRIC_NAMESPACE_PATTERN, 'a CloudWatch namespace: 1-255 of letters, digits and . _ - / # :, not starting with AWS/');
}

/** The longest RPO a CloudWatch alarm can watch: its evaluation range is at most 7 days. */
export const MAX_ALARM_RPO_HOURS = 168;

/**
 * Checks the `rpoHours` an alarm watches (an integer from 1 to {@link MAX_ALARM_RPO_HOURS} hours) and takes in the
 * policy's own issues: when the alarm's range refuses the value, the policy's wider range for the same prop is left
 * out, so one mistake is reported once, with the range that applies.
 */
export function checkAlarmRpoHours(validator: Validator, rpoHours: number | undefined, policyIssues: readonly ValidationIssue[]): void {
  const valid = validator.integer('rpoHours', rpoHours, 1, MAX_ALARM_RPO_HOURS, 'hours');
  validator.include(valid ? policyIssues : policyIssues.filter((issue) => issue.path !== 'rpoHours'));
}

/** A metric the runner publishes per database, with the statistic that reads it. */
export interface RunnerMetric {
  /** Metric name. */
  readonly metricName: string;
  /** The statistic a graph or alarm reads it with. */
  readonly statistic: string;
}

/** The metrics the runner's `dump` publishes per database (dimension `Database`). */
export const DUMP_METRICS = {
  /** Failed dumps, summed. */
  failures: { metricName: 'BackupFailed', statistic: 'Sum' },
  /** Successful dumps, summed. */
  successes: { metricName: 'BackupSucceeded', statistic: 'Sum' },
  /** Size of a dump in bytes, the largest. */
  bytes: { metricName: 'BackupBytes', statistic: 'Maximum' },
  /** Duration of a dump in seconds, the longest. */
  duration: { metricName: 'BackupDurationSeconds', statistic: 'Maximum' },
} as const satisfies Record<string, RunnerMetric>;

/** Failed prunes, summed: a prune that could not run, or one that deleted nothing because no dump succeeded within the RPO. */
export const PRUNE_FAILURES_METRIC: RunnerMetric = { metricName: 'PruneFailed', statistic: 'Sum' };

/** A runner metric of one database, read over `periodSeconds`. */
export function runnerMetric(namespace: string, metric: RunnerMetric, database: string, periodSeconds: number): MetricPlan {
  return { namespace, metricName: metric.metricName, dimensions: { Database: database }, statistic: metric.statistic, periodSeconds };
}

/** Messages waiting in a planned dead-letter queue (largest per 5 minutes). */
export function deadLetterQueueMetric(queue: string): MetricPlan {
  return {
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: { resource: queue } },
    statistic: 'Maximum',
    periodSeconds: 300,
  };
}

/**
 * A planned metric's dimensions with each planned resource replaced by the name or ARN the front end gave it (a
 * token, an output); a dimension naming a resource the front end did not render is an error, never an empty value.
 */
export function plannedDimensions<T>(plan: Omit<MetricPlan, 'periodSeconds'>, resources: Readonly<Record<string, T>>): Record<string, string | T> {
  return Object.fromEntries(Object.entries(plan.dimensions).map(([name, value]) => {
    if (typeof value === 'string') return [name, value];
    const resolved = resources[value.resource];
    if (resolved === undefined) throw new Error(`the metric ${plan.metricName} names the planned resource ${value.resource}, which was not rendered`);
    return [name, resolved];
  }));
}
