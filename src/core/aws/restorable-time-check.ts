import { checkMetricNamespace } from './alarm-plan';
import { DrillWiring } from './ecs-drill-wiring';
import { AslResource, StateMachineDefinition } from './state-machines/asl';
import { listPlaceholders } from './state-machines/definition-substitutions';
import { DrillIamActionGroup } from './state-machines/drill-iam-actions';
import { DrillPlaceholder } from './state-machines/restore-drill-options';
import { Validator } from '../policy/validation';

/** The metric the restorable-time check publishes: seconds between now and the database's `LatestRestorableTime`. */
export const RESTORABLE_TIME_LAG_METRIC = 'RestorableTimeLagSeconds';

/** Names of the check's states. */
export const RestorableTimeCheckStateName = {
  DESCRIBE: 'Describe database',
  PUBLISH: 'Publish restorable time lag',
  FAILED: 'Check failed',
} as const;

/** Options of {@link restorableTimeCheck}. */
export interface RestorableTimeCheckOptions {
  /**
   * What `${SourceIdentifier}` names: an RDS DB instance or an Aurora cluster.
   * @default 'instance'
   */
  readonly source?: 'instance' | 'aurora-cluster';
  /**
   * CloudWatch namespace of the metric (dimension `Database` = `${DatabaseName}`).
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Timeout of each API call, in seconds.
   * @default 30
   */
  readonly apiCallTimeoutSeconds?: number;
}

/** A built check: definition with `${Name}` placeholders, the placeholders, and its IAM actions. */
export interface RestorableTimeCheckStateMachine {
  /** The ASL definition. */
  readonly definition: StateMachineDefinition;
  /** Placeholders to fill (`DatabaseName`, `SourceIdentifier`). */
  readonly placeholders: readonly string[];
  /** IAM actions of the execution role: describe the one database, publish into the one namespace. */
  readonly iamActions: readonly DrillIamActionGroup[];
}

/**
 * A short state machine, run on a schedule, that measures how far point-in-time recovery lags: it reads the
 * database's `LatestRestorableTime` (RDS publishes no metric for it) and publishes `now - LatestRestorableTime` in
 * seconds. When the database has no restorable time (backups off) or cannot be described, nothing is published
 * and the execution fails, so an alarm that treats missing data as breaching pages either way.
 */
export function restorableTimeCheck(options: RestorableTimeCheckOptions = {}): RestorableTimeCheckStateMachine {
  const validator = new Validator();
  validator.oneOf('source', options.source, ['instance', 'aurora-cluster']);
  checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  validator.integer('apiCallTimeoutSeconds', options.apiCallTimeoutSeconds, 5, 300, 'seconds');
  validator.throwIfInvalid();

  const cluster = options.source === 'aurora-cluster';
  const timeout = options.apiCallTimeoutSeconds ?? 30;
  const names = RestorableTimeCheckStateName;
  const definition: StateMachineDefinition = {
    Comment: `Publish how many seconds the latest restorable time of the ${cluster ? 'Aurora cluster' : 'DB instance'} lags behind now`,
    StartAt: names.DESCRIBE,
    TimeoutSeconds: 3 * timeout + 60,
    States: {
      [names.DESCRIBE]: {
        Type: 'Task',
        Resource: AslResource.awsSdk('rds', cluster ? 'describeDBClusters' : 'describeDBInstances'),
        Parameters: { [cluster ? 'DbClusterIdentifier' : 'DbInstanceIdentifier']: `\${${DrillPlaceholder.SOURCE_IDENTIFIER}}` },
        ResultSelector: { 'database.$': cluster ? '$.DbClusters[0]' : '$.DbInstances[0]' },
        ResultPath: '$.described',
        TimeoutSeconds: timeout,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: names.FAILED }],
        Next: names.PUBLISH,
      },
      // JSONata: JSONPath has no date arithmetic. Without a LatestRestorableTime the value is absent and the call fails.
      [names.PUBLISH]: {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: AslResource.awsSdk('cloudwatch', 'putMetricData'),
        Arguments: {
          Namespace: options.metricNamespace ?? 'PostgresBackup',
          MetricData: [{
            MetricName: RESTORABLE_TIME_LAG_METRIC,
            Dimensions: [{ Name: 'Database', Value: `\${${DrillPlaceholder.DATABASE_NAME}}` }],
            Value: '{% $round(($millis() - $toMillis($states.input.described.database.LatestRestorableTime)) / 1000) %}',
            Unit: 'Seconds',
          }],
        },
        TimeoutSeconds: timeout,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: names.FAILED }],
        End: true,
      },
      [names.FAILED]: {
        Type: 'Fail',
        Error: 'RestorableTimeCheck.Failed',
        Cause: 'The latest restorable time could not be read or published; the lag alarm treats the missing value as breaching',
      },
    },
  };
  return {
    definition,
    placeholders: listPlaceholders(definition),
    iamActions: [
      { resource: 'rds-source', actions: [cluster ? 'rds:DescribeDBClusters' : 'rds:DescribeDBInstances'], reason: 'read the latest restorable time' },
      { resource: 'cloudwatch-namespace-condition', actions: ['cloudwatch:PutMetricData'], reason: 'publish the restorable time lag' },
    ],
  };
}

/** What a front end knows of the database a restorable-time check reads, in its own values (strings, tokens, outputs). */
export interface RestorableTimeCheckDatabase<T> {
  /** The DB instance's or Aurora cluster's identifier. */
  readonly identifier: T;
  /** Its ARN. */
  readonly arn: T;
}

/**
 * The values of a check's placeholders (the `Database` dimension and the described source are both the database's
 * identifier) and what its role's actions are scoped to: the one database, the one metric namespace.
 */
export function restorableTimeCheckWiring<T>(database: RestorableTimeCheckDatabase<T>, metricNamespace: string): DrillWiring<T> {
  return {
    placeholders: { [DrillPlaceholder.DATABASE_NAME]: database.identifier, [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier },
    scopes: {
      'rds-source': { resources: [database.arn] },
      'cloudwatch-namespace-condition': { resources: ['*' as T], conditions: { StringEquals: { 'cloudwatch:namespace': metricNamespace } } },
    },
  };
}
