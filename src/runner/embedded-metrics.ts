/** The unit of a metric, as CloudWatch names it. */
export type MetricUnit = 'Count' | 'Bytes' | 'Seconds';

/** One metric value. */
export interface MetricValue {
  /** Metric name, e.g. `BackupSucceeded`. */
  readonly name: string;
  /** The value. */
  readonly value: number;
  /** Its unit. */
  readonly unit: MetricUnit;
}

/** Where and how metrics are written. */
export interface MetricsSettings {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** Dimensions added to every metric (with `Database`, which is always there). */
  readonly dimensions: Readonly<Record<string, string>>;
  /** `stderr` writes Embedded Metric Format lines among the logs; `off` writes none. */
  readonly destination: 'stderr' | 'off';
}

/** Namespace when neither `--metrics-namespace` nor `PG_BACKUP_METRICS_NAMESPACE` is set. */
export const DEFAULT_METRICS_NAMESPACE = 'PostgresBackup';

/**
 * One CloudWatch Embedded Metric Format line: a JSON log event that CloudWatch Logs turns into
 * metrics, under one dimension set (`Database` plus the configured dimensions).
 */
export function embeddedMetricLine(
  settings: MetricsSettings,
  database: string,
  metrics: readonly MetricValue[],
  properties: Readonly<Record<string, string | number | boolean>> = {},
  timestamp: Date = new Date(),
): string {
  const dimensions: Record<string, string> = { Database: database, ...settings.dimensions };
  const event: Record<string, unknown> = {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [{
        Namespace: settings.namespace,
        Dimensions: [Object.keys(dimensions)],
        Metrics: metrics.map((metric) => ({ Name: metric.name, Unit: metric.unit })),
      }],
    },
    ...properties,
    ...dimensions,
  };
  for (const metric of metrics) event[metric.name] = metric.value;
  return JSON.stringify(event);
}

/** Writes one Embedded Metric Format line to stderr, unless metrics are off. */
export function emitMetrics(
  settings: MetricsSettings,
  database: string,
  metrics: readonly MetricValue[],
  properties: Readonly<Record<string, string | number | boolean>> = {},
): void {
  if (settings.destination === 'off' || metrics.length === 0) return;
  process.stderr.write(`${embeddedMetricLine(settings, database, metrics, properties)}\n`);
}

/** Parses `Name=Value` dimension settings (flags, or a comma-separated environment variable). */
export function parseDimensions(entries: readonly string[]): Record<string, string> {
  const dimensions: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`the metric dimension ${JSON.stringify(entry)} is not Name=Value`);
    dimensions[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return dimensions;
}

/**
 * Names of the metrics the runner emits (namespace {@link DEFAULT_METRICS_NAMESPACE} unless configured,
 * dimension `Database` plus the configured ones), for alarms and dashboards built by the front ends.
 */
export const RUNNER_METRICS = {
  /** 1 for each successful dump (0 on failure). */
  backupSucceeded: 'BackupSucceeded',
  /** 1 for each failed dump (0 on success). */
  backupFailed: 'BackupFailed',
  /** Bytes of every object of a dump. */
  backupBytes: 'BackupBytes',
  /** Wall time of a dump, in seconds. */
  backupDurationSeconds: 'BackupDurationSeconds',
  /** Rows counted in the dump's snapshot. */
  backupRows: 'BackupRows',
  /** 1 for each successful verification. */
  verifySucceeded: 'VerifySucceeded',
  /** 1 for each failed verification. */
  verifyFailed: 'VerifyFailed',
  /** Seconds pg_restore took in a verification or restore (the recovery time reached). */
  restoreDurationSeconds: 'RestoreDurationSeconds',
  /** Wall time of a verification, in seconds. */
  verifyDurationSeconds: 'VerifyDurationSeconds',
  /** Rows compared after a verification's restore. */
  verifiedRows: 'VerifiedRows',
  /** Bytes downloaded and checked by a verification. */
  verifiedBytes: 'VerifiedBytes',
  /** 1 for each successful restore. */
  restoreSucceeded: 'RestoreSucceeded',
  /** 1 for each failed restore. */
  restoreFailed: 'RestoreFailed',
  /** 1 for each drill (`verify`, `drill-pitr`, `drill-flexible-pitr`) that restored and passed its checks: what "a good drill" counts. */
  drillSucceeded: 'DrillSucceeded',
  /** Seconds a successful drill took from the start of its restore to a database ready for checks: its RTO. */
  drillRtoSeconds: 'DrillRtoSeconds',
} as const;
