import { DEFAULT_METRIC_NAMESPACE, checkMetricNamespace } from './alarm-plan';
import { PG_DUMP_LOCATION_LITERAL_PROPS } from './literal-props';
import { ValidationOptions, Validator } from '../policy/validation';

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

/**
 * The attributes of dumps given by `options`, the metric namespace defaulted as the runner's. Checks them first (throwing
 * a `PolicyValidationError` naming `PgDumpLocation.fromBucket`): a restore drill renders them into its commands and
 * state machine, so a value known only at deploy time is refused where the front end's `validation` says it is one.
 */
export function pgDumpLocationAttributes(options: PgDumpLocationOptions, validation: ValidationOptions = {}): PgDumpSourceAttributes {
  const validator = new Validator({ construct: 'PgDumpLocation.fromBucket', ...validation });
  if (validator.requireLiterals(PG_DUMP_LOCATION_LITERAL_PROPS, options)) {
    validator.distinctNonEmptyStrings('databaseNames', options.databaseNames, 'database name');
    validator.integer('postgresMajorVersion', options.postgresMajorVersion, 10, 99);
    checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  }
  validator.throwIfInvalid();
  return {
    prefix: options.prefix,
    databaseNames: [...options.databaseNames],
    postgresMajorVersion: options.postgresMajorVersion,
    metricNamespace: options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE,
  };
}

/** The types of a front end's handles that {@link PgDumpSourceFields} names: a cluster, the dumps' encryption, a database's name. */
export interface PgDumpSourceHandleTypes {
  /** An ECS cluster. */
  readonly cluster: unknown;
  /** The age encryption of the dumps, with the front end's identity secret. */
  readonly encryption: unknown;
  /** How protection records name a database. */
  readonly database: unknown;
}

/**
 * What a restore drill knows of the dumps it restores besides their bucket, declared once for every AWS front end with
 * that front end's handle types `H`; each front end's dump source extends it with its bucket, topic and grants.
 */
export interface PgDumpSourceFields<H extends PgDumpSourceHandleTypes> extends PgDumpSourceAttributes {
  /**
   * The cluster the source runs its tasks in, which a drill shares.
   * @default - none
   */
  readonly cluster?: H['cluster'];
  /**
   * The database whose dumps these are, as the protection records name it (its construct path in a CDK app, the URN of
   * its RDS resource in a Pulumi program), so a drill of them is listed under that database.
   * @default - none: the drill's protection names no database
   */
  readonly protectedDatabase?: H['database'];
  /**
   * How the dumps are encrypted with age, when they are.
   * @default - not encrypted
   */
  readonly encryption?: H['encryption'];
}
