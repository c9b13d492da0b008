import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RestoreDrillAttributes } from '../core/aws/scheduled-drill';
import { RestoreDrillMetric } from '../core/aws/state-machines';

/** The attributes every drill has, declared once in core ({@link RestoreDrillAttributes}). */
export interface RestoreDrillMetrics extends RestoreDrillAttributes {}

/**
 * A scheduled restore drill and the outcomes its state machine publishes, with the dimensions `Database` and `Drill`:
 * `RestoreDrillSucceeded`, `RestoreDrillFailed`, `RestoreDurationSeconds`, and for a point-in-time drill
 * `RecoveryPointGapSeconds`.
 */
export abstract class RestoreDrillMetrics extends Construct {
  /** A drill outcome by its name. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      dimensionsMap: { Database: this.databaseName, Drill: this.drillKind },
      ...props,
    });
  }

  /** Successful drills (sum per day). */
  public metricDrillSucceeded(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.SUCCEEDED, { statistic: 'Sum', period: Duration.days(1), ...props });
  }

  /** Failed drills (sum per day). */
  public metricDrillFailed(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.FAILED, { statistic: 'Sum', period: Duration.days(1), ...props });
  }

  /** The measured time from the drill's start to a checked restore, seconds (longest per day). */
  public metricRestoreDuration(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.DURATION, { statistic: 'Maximum', period: Duration.days(1), ...props });
  }
}
