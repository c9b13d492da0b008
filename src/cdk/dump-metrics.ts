import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { plannedExpression, plannedMetric } from './planned-alarms';
import { DUMP_METRICS, RunnerMetric, runnerMetric } from '../core/aws/alarm-plan';
import { backupAgeExpression } from '../core/aws/backup-dashboard';

/**
 * Scheduled dumps and the outcomes the runner publishes per database (dimension `Database`): `BackupSucceeded`,
 * `BackupFailed`, `BackupBytes`, `BackupDurationSeconds`, `BackupRows`.
 */
export abstract class DumpMetrics extends Construct {
  /** The databases dumped; the first is the default of every metric. */
  public declare readonly databaseNames: readonly string[];
  /** CloudWatch namespace of the runner's metrics. */
  public declare readonly metricNamespace: string;

  /**
   * A metric of the runner, for one database.
   * @param metricName `BackupSucceeded`, `BackupFailed`, `BackupBytes`, `BackupDurationSeconds` or `BackupRows`
   * @param database the database (default: the first one)
   */
  public metric(metricName: string, database: string = this.databaseNames[0], props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      dimensionsMap: { Database: database },
      ...props,
    });
  }

  /** Failed dumps (sum per period) of a database. */
  public metricFailures(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.runnerMetric(DUMP_METRICS.failures, database, props);
  }

  /** Successful dumps (sum per period) of a database. */
  public metricSuccesses(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.runnerMetric(DUMP_METRICS.successes, database, props);
  }

  /** Size of the dumps of a database, bytes (largest per period). */
  public metricBytes(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.runnerMetric(DUMP_METRICS.bytes, database, props);
  }

  /** How long the dumps of a database took, seconds (longest per period). */
  public metricDuration(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.runnerMetric(DUMP_METRICS.duration, database, props);
  }

  /**
   * Hours since the last successful dump of a database, at hourly resolution, for graphs: each hour's
   * timestamp minus the timestamp of the latest hour with a success (carried forward with `FILL(…, REPEAT)`).
   * It has no value before the first success in the graph's range; the RPO alarm does not use it, it counts
   * successes over the RPO instead, so a dump that never ran alarms too.
   */
  public metricBackupAge(database: string = this.databaseNames[0]): cloudwatch.MathExpression {
    return plannedExpression(backupAgeExpression(this.metricNamespace, database));
  }

  private runnerMetric(metric: RunnerMetric, database: string = this.databaseNames[0], props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return plannedMetric(runnerMetric(this.metricNamespace, metric, database, 3600), {}, props);
  }
}
