import { DEFAULT_METRIC_NAMESPACE } from './alarm-plan';

/**
 * Dumps written by `pg-backup dump` outside a `ScheduledPgDump` of the same program, as every front end's
 * `PgDumpLocation.fromBucket` is told of them besides the bucket.
 */
export interface PgDumpLocationOptions {
  /** The key prefix of the dumps, without a trailing `/`. */
  readonly prefix: string;
  /** The databases whose dumps are there. */
  readonly databaseNames: string[];
  /** PostgreSQL major version of the dumped server. */
  readonly postgresMajorVersion: number;
  /**
   * CloudWatch namespace of the runner's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
}

/** What a restore drill knows of the dumps it restores, whoever wrote them: where, of which databases, of which server. */
export interface PgDumpSourceAttributes {
  /** The key prefix of the dumps (no trailing `/`). */
  readonly prefix: string;
  /** The databases dumped there. */
  readonly databaseNames: readonly string[];
  /** PostgreSQL major version of the dumps' server, which selects the client tools and a drill's scratch server. */
  readonly postgresMajorVersion: number;
  /** CloudWatch namespace of the runner's metrics. */
  readonly metricNamespace: string;
}

/** The attributes of dumps given by `options`, the metric namespace defaulted as the runner's. */
export function pgDumpLocationAttributes(options: PgDumpLocationOptions): PgDumpSourceAttributes {
  return {
    prefix: options.prefix,
    databaseNames: [...options.databaseNames],
    postgresMajorVersion: options.postgresMajorVersion,
    metricNamespace: options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE,
  };
}
