import { AlarmPlan, DEFAULT_METRIC_NAMESPACE, deadLetterQueueMetric } from './alarm-plan';
import { DrillWiring, drillResultsWiring } from './ecs-drill-wiring';
import { checkLogRetentionDays } from './log-retention';
import { ManagedPostgresKind } from './managed-postgres-database';
import { StateMachinePlan } from './planned-state-machine';
import { failedExecutionsExpression } from './restore-drill-alarms';
import { SCHEDULE_START_RETRY } from './schedule-start-retry';
import { RESTORE_DRILL_STATE_MACHINE_NAMES } from './scheduled-drill';
import { CHECKS_RUNNER_CONTAINER_NAME, CHECK_SQL_ENV_PREFIX, RowCountBound } from './snapshot-restore-drill';
import { restoreTestingValidation } from './state-machines/restore-testing-validation';
import type { ScratchPlacementPlan } from './verify-restore';
import { drillResultsFolder } from '../policy/backup-store-layout';
import { Validator } from '../policy/validation';
import { splitSqlStatements } from '../postgres/sql-statements';
import { checkTableName } from '../postgres/table-name';

/** How long the checks of a restore test may run unless told otherwise, minutes. */
export const DEFAULT_RESTORE_VALIDATION_TIMEOUT_MINUTES = 30;

/**
 * The validation of each restore test: `pg-backup check` (row-count bounds and SQL checks, in a read-only transaction)
 * against the database AWS Backup restored, reported to AWS Backup as the test's validation result.
 */
export interface RestoreValidationOptions {
  /**
   * The database the checks connect to: the `Database` dimension of the drill metrics.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * SQL statements that must each return a single `true` on the restored database.
   * @default - none: connecting and the row-count bounds are the checks
   */
  readonly checks?: string[];
  /**
   * SQL files read when the program runs, each statement a check like `checks`.
   * @default - none
   */
  readonly checkFiles?: string[];
  /**
   * Row-count bounds of tables in the restored database.
   * @default - none
   */
  readonly rowCounts?: RowCountBound[];
  /**
   * The longest the checks task may run, minutes (1–1440); it must end within the validation window.
   * @default 30
   */
  readonly checksTimeoutMinutes?: number;
  /**
   * PostgreSQL major of the runner's client.
   * @default - the database's
   */
  readonly postgresMajorVersion?: number;
}

/** What a front end knows when it plans a restore test's validation. */
export interface RestoreValidationFacts {
  /** Instance or Aurora cluster. */
  readonly kind: ManagedPostgresKind;
  /**
   * The database's own name for the checks, when the front end knows it.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /** The database's PostgreSQL major, when known. */
  readonly postgresMajorVersion?: number;
  /** Whether a secret with the master user is known (the restored database keeps it; the checks log in with it). */
  readonly hasSecret: boolean;
  /** Each check file with its text, or `undefined` when it cannot be read. */
  readonly checkFiles: readonly { readonly path: string; readonly sql: string | undefined }[];
  /** Whether the result is written beside the backups (a store was given). */
  readonly writeDrillResult: boolean;
  /**
   * Days the checks' logs are kept, when the front end takes them as a number (Pulumi's `logRetentionDays`; CDK's
   * `logRetention` is an enum of the periods CloudWatch Logs offers).
   * @default - not given: the default period
   */
  readonly logRetentionDays?: number;
  /** Hours AWS Backup keeps the restored database for validation. */
  readonly validationWindowHours: number;
  /** Whether the restored database's security groups were given; otherwise the front end creates one open to the checks. */
  readonly restoredSecurityGroupsGiven: boolean;
  /**
   * Namespace of the drill metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
}

/** Everything a front end creates to validate restore tests, decided once. */
export interface RestoreValidationPlan {
  /** The state machine: ASL with placeholders, its role's IAM action groups, ids, names and descriptions. */
  readonly stateMachine: StateMachinePlan;
  /**
   * The databases AWS Backup restores, which the state machine describes: their ARN's resource part (`db:*` or
   * `cluster:*`), since AWS Backup names the restored database per job.
   */
  readonly restoredDatabases: string;
  /** The `Database` dimension and the database the checks connect to. */
  readonly databaseName: string;
  /** The PostgreSQL major of the runner image. */
  readonly postgresMajorVersion: number;
  /** Namespace of the drill metrics. */
  readonly metricNamespace: string;
  /** The checks container's name. */
  readonly containerName: string;
  /**
   * The checks task: its size, the entry point that replaces the image's (the state machine's command starts with the
   * executable, `pg-backup check …`), and the prefix of its log streams.
   */
  readonly task: {
    readonly cpu: number;
    readonly memoryLimitMiB: number;
    readonly entryPoint: readonly string[];
    readonly logStreamPrefix: string;
  };
  /** The checks task's command: `pg-backup check` with the row bounds and the SQL checks. */
  readonly checkCommand: string[];
  /** The checks task's environment: the database, TLS, each SQL check. */
  readonly checkEnvironment: Record<string, string>;
  /** The checks task's environment read from the secret: each variable with its key (the master user the restored database keeps). */
  readonly checkSecretKeys: Readonly<Record<string, string>>;
  /** The number of checks (SQL statements and row bounds), for the protection metadata. */
  readonly checkCount: number;
  /** The EventBridge rule's pattern, without the plan's ARN (`detail.restoreTestingPlanArn`), which the front end adds. */
  readonly eventPattern: {
    readonly source: readonly string[];
    readonly detailType: readonly string[];
    readonly status: readonly string[];
  };
  /** How often EventBridge retries a start it could not make, and for how long, before the event goes to the dead-letter queue. */
  readonly startRetry: { readonly attempts: number; readonly maxEventAgeSeconds: number };
  /**
   * The alarms, notifying the plan's topic: a validation that failed or could not finish (its `state-machine`), and a
   * completed restore test the rule could not start a validation for (its `dead-letter-queue`).
   */
  readonly alarms: readonly AlarmPlan[];
  /**
   * The restored database's security group, reachable from the checks task only: its description and its ingress rule's.
   * @default - none: the restored database's security groups were given
   */
  readonly restoredSecurityGroup?: Pick<ScratchPlacementPlan['descriptions'], 'securityGroup' | 'ingress'>;
  /** Descriptions of the resources, the same in every front end. */
  readonly descriptions: {
    readonly taskSecurityGroup: string;
    readonly taskRole: string;
    readonly executionRole: string;
    readonly rule: string;
  };
}

/** Every problem with the validation options, named under `restoreTesting.validation.`. */
export function checkRestoreValidationOptions(validator: Validator, options: RestoreValidationOptions, facts: RestoreValidationFacts): void {
  const path = 'restoreTesting.validation';
  if (!facts.hasSecret) {
    validator.report({
      path: `${path}.secret`,
      value: undefined,
      allowed: 'a secret with the database\'s master username and password (the restored database keeps them; the checks log in with them)',
    });
  }
  const major = options.postgresMajorVersion ?? facts.postgresMajorVersion;
  if (major === undefined) validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
  validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
  validator.matches(`${path}.databaseName`, options.databaseName, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a PostgreSQL database name: a letter or _, then letters, digits, _, $ or -, at most 63');
  validator.nonEmptyStrings(`${path}.checks`, options.checks);
  checkLogRetentionDays(validator, `${path}.logRetentionDays`, facts.logRetentionDays);
  facts.checkFiles.forEach((file, index) => {
    if (file.sql === undefined) validator.report({ path: `${path}.checkFiles[${index}]`, value: file.path, allowed: 'the path of a readable SQL file' });
  });
  (options.rowCounts ?? []).forEach((bound, index) => {
    const at = `${path}.rowCounts[${index}]`;
    checkTableName(validator, `${at}.table`, bound.table);
    validator.integer(`${at}.min`, bound.min, 0, Number.MAX_SAFE_INTEGER);
    validator.integer(`${at}.max`, bound.max, 0, Number.MAX_SAFE_INTEGER);
    if (bound.min === undefined && bound.max === undefined) validator.report({ path: at, value: bound, allowed: 'a bound with min, max or both' });
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      validator.report({ path: `${at}.min`, value: bound.min, allowed: `at most ${at}.max, ${bound.max}` });
    }
  });
  if (validator.integer(`${path}.checksTimeoutMinutes`, options.checksTimeoutMinutes, 1, 1440, 'minutes')) {
    const timeout = options.checksTimeoutMinutes ?? DEFAULT_RESTORE_VALIDATION_TIMEOUT_MINUTES;
    if (!validator.isUnresolved(facts.validationWindowHours) && timeout > facts.validationWindowHours * 60) {
      validator.report({
        path: 'restoreTesting.validationWindowHours',
        value: facts.validationWindowHours,
        allowed: `at least the checks' ${timeout} minutes (restoreTesting.validation.checksTimeoutMinutes), in whole hours: AWS Backup deletes the restored database when the window closes`,
      });
    }
  }
}

/**
 * The validation of a managed database's restore tests (call after {@link checkRestoreValidationOptions}): the state
 * machine the restore job's completion starts, the checks task's command and environment, the rule's pattern and the
 * resources' descriptions.
 */
export function planRestoreValidation(options: RestoreValidationOptions, facts: RestoreValidationFacts): RestoreValidationPlan {
  const checks = [...(options.checks ?? []), ...facts.checkFiles.flatMap((file) => splitSqlStatements(file.sql ?? ''))];
  const rowCounts = options.rowCounts ?? [];
  const checkArgs = [
    ...rowCounts.flatMap((bound) => [
      ...(bound.min !== undefined ? ['--min-rows', `${bound.table}=${bound.min}`] : []),
      ...(bound.max !== undefined ? ['--max-rows', `${bound.table}=${bound.max}`] : []),
    ]),
    ...checks.flatMap((_, index) => ['--sql-env', `${CHECK_SQL_ENV_PREFIX}${index}`]),
  ];
  const metricNamespace = facts.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
  const databaseName = options.databaseName ?? facts.databaseName ?? 'postgres';
  const drill = restoreTestingValidation({
    source: facts.kind,
    checksArgs: ['check', ...checkArgs],
    checksTimeoutSeconds: (options.checksTimeoutMinutes ?? DEFAULT_RESTORE_VALIDATION_TIMEOUT_MINUTES) * 60,
    metricNamespace,
    writeDrillResult: facts.writeDrillResult,
  });
  const source = facts.kind === 'instance' ? 'RDS instance' : 'Aurora cluster';
  return {
    stateMachine: {
      ...drill,
      type: 'STANDARD',
      ids: { role: 'RestoreValidationRole', stateMachine: 'RestoreValidation', logs: 'RestoreValidationExecutionLogs' },
      names: RESTORE_DRILL_STATE_MACHINE_NAMES,
      descriptions: {
        role: 'Validates AWS Backup restore tests: describes the restored database, runs the checks task, reports the result',
        comment: `Validates each AWS Backup restore test of the ${source} with pg-backup check and reports the result to AWS Backup`,
      },
    },
    restoredDatabases: facts.kind === 'aurora-cluster' ? 'cluster:*' : 'db:*',
    databaseName,
    postgresMajorVersion: (options.postgresMajorVersion ?? facts.postgresMajorVersion)!,
    metricNamespace,
    containerName: CHECKS_RUNNER_CONTAINER_NAME,
    task: { cpu: 256, memoryLimitMiB: 512, entryPoint: ['env'], logStreamPrefix: 'check' },
    checkCommand: ['pg-backup', 'check', ...checkArgs],
    checkSecretKeys: { PGUSER: 'username', PGPASSWORD: 'password' },
    checkEnvironment: {
      PGDATABASE: databaseName,
      // RDS for PostgreSQL 15+ forces TLS; the restored database's endpoint changes every test.
      PGSSLMODE: 'require',
      ...Object.fromEntries(checks.map((sql, index) => [`${CHECK_SQL_ENV_PREFIX}${index}`, sql])),
    },
    checkCount: checks.length + rowCounts.length,
    eventPattern: { source: ['aws.backup'], detailType: ['Restore Job State Change'], status: ['COMPLETED'] },
    startRetry: SCHEDULE_START_RETRY,
    alarms: restoreValidationAlarms(source),
    ...(facts.restoredSecurityGroupsGiven ? {} : {
      restoredSecurityGroup: {
        securityGroup: 'Database restored by an AWS Backup restore test: reachable only from the checks task',
        ingress: 'pg-backup check of the restored database',
      },
    }),
    descriptions: {
      taskSecurityGroup: 'Restore test checks task: no inbound traffic; outbound to the restored database and AWS APIs',
      taskRole: 'Restore test checks task: no AWS permissions',
      executionRole: 'Starts the restore test checks task: its logs and the database secret',
      rule: `Starts the validation of each completed AWS Backup restore test of the ${source}`,
    },
  };
}

/** What a restore test's validation acts on, in the front end's values. */
export interface RestoreValidationWiringResources<T> {
  /** The databases AWS Backup restores: the ARN of the plan's `restoredDatabases`. */
  readonly restoredDatabasesArn: T;
  /**
   * Where the result is written beside the backups: the bucket's name, the backups' prefix, and the ARN of the bucket's
   * objects under a key pattern.
   * @default - the result is not written
   */
  readonly drillResults?: { readonly bucketName: T; readonly prefix: string; readonly objectsArn: (key: string) => T };
}

/**
 * The placeholders and scopes a restore test's validation adds to those of its checks task: the restored databases
 * (named per job, so all of the kind), every restore job (AWS Backup's result call has no narrower resource), and the
 * drill results folder of the database when the result is written.
 */
export function restoreValidationWiring<T>(plan: RestoreValidationPlan, resources: RestoreValidationWiringResources<T>): DrillWiring<T> {
  const results = resources.drillResults && drillResultsWiring({
    ...resources.drillResults, folder: drillResultsFolder(resources.drillResults.prefix, plan.databaseName),
  });
  return {
    placeholders: { ...results?.placeholders },
    scopes: {
      'rds-restored': { resources: [resources.restoredDatabasesArn] },
      'backup-restore-jobs': { resources: ['*' as T] },
      ...results?.scopes,
    },
  };
}

/**
 * The alarms of a restore test's validation. The state machine notifies the topic itself when the checks fail; the
 * failed-execution alarm also catches an execution that failed before it could notify, and stays in alarm state until
 * the next good validation. Silence means nothing failed, so missing data does not breach.
 */
function restoreValidationAlarms(source: string): AlarmPlan[] {
  return [
    {
      id: 'FailedValidationAlarm',
      name: 'failed-validation',
      description: `A restore test of the ${source} failed its validation: the restored database could not be checked, or its checks failed`,
      metric: failedExecutionsExpression(),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    },
    {
      id: 'ValidationStartsDeadLetterAlarm',
      name: 'validation-starts-dead-letters',
      description: `EventBridge could not start the validation of a restore test of the ${source}`,
      metric: deadLetterQueueMetric('dead-letter-queue'),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    },
  ];
}
