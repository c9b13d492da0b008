import * as fs from 'node:fs';
import { DEFAULT_METRIC_NAMESPACE } from './alarm-plan';
import { AwsArnFormat, DrillWiring } from './ecs-drill-wiring';
import { IamActionGroup, TASK_EXECUTION_IAM_ACTIONS, TaskExecutionResourceKind } from './iam-action-groups';
import { SNAPSHOT_RESTORE_DRILL_LITERAL_PROPS } from './literal-props';
import type { DatabaseStorageEncryption } from './managed-backup-plan';
import { restoreDrillAlarms } from './restore-drill-alarms';
import { RestoreDrillAttributes, ScheduledDrillDescriptions, ScheduledDrillPlan, restoreDrillAttributes } from './scheduled-drill';
import { resolveVerification } from '../policy/defaults';
import { VerificationPolicy } from '../policy/policy';
import { checkNonBlank } from '../policy/rules/bounds';
import { renderEventBridgeSchedule } from '../policy/schedule';
import { splitSqlStatements } from '../postgres/sql-statements';
import { checkTableName } from '../postgres/table-name';
import { pointInTimeRestoreDrill } from './state-machines/point-in-time-restore-drill';
import { DrillPlaceholder, RestoreDrillKind } from './state-machines/restore-drill-options';
import { DrillSnapshotType, SnapshotRestoreDrillStateName, SnapshotSourceKind, snapshotRestoreDrill } from './state-machines/snapshot-restore-drill';
import type { ScratchPlacementPlan } from './verify-restore';
import { checkPolicy } from '../policy/validate-policy';
import { ValidationOptions, Validator, namingConstruct } from '../policy/validation';

/** Name of the runner container of the snapshot drill's checks task. */
export const CHECKS_RUNNER_CONTAINER_NAME = 'runner';
/** Environment variables holding the SQL checks: `PG_BACKUP_CHECK_0`, `PG_BACKUP_CHECK_1`, … */
export const CHECK_SQL_ENV_PREFIX = 'PG_BACKUP_CHECK_';

/** Bounds on the rows of one table of the restored database. */
export interface RowCountBound {
  /** `schema.table`, or `table` in `public`, as SQL writes it: unquoted letters fold to lower case, `"Sales Dept"."Order Lines"` keeps its case. */
  readonly table: string;
  /**
   * Fewest rows.
   * @default - no lower bound
   */
  readonly min?: number;
  /**
   * Most rows.
   * @default - no upper bound
   */
  readonly max?: number;
}

/** The environment variable naming the store the checks task records the drill's result in (`pg-backup check --record-to`). */
export const DRILL_RECORD_TO_ENV = 'PG_BACKUP_DRILL_RECORD_TO';

/** The `--record-to` location of drill results beside the dumps in `bucket` under `prefix`. */
export function drillResultsLocation(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** A drill that restores the database to a point in time instead of its newest snapshot. */
export interface PointInTimeDrillOptions {
  /**
   * How old the target time is when the restore starts, minutes ("restore to one hour ago").
   * @default 60
   */
  readonly targetLagMinutes?: number;
  /**
   * A random extra lag of up to this many minutes, drawn by each drill.
   * @default 0
   */
  readonly randomExtraLagMinutes?: number;
  /**
   * A read-only query returning the newest commit time the restored data shows (`SELECT max(updated_at) FROM orders`):
   * the check fails when it is after the target, and reports the gap as `RecoveryPointGapSeconds`.
   * @default - the recovery point is not measured
   */
  readonly recoveryPointQuery?: string;
  /**
   * The check fails when the newest commit time is older than the target by more than this, minutes.
   * @default - no limit
   */
  readonly maxRecoveryPointGapMinutes?: number;
}

/** The backups a drill or a restore test's validation writes its results beside, as each front end's store `S`. */
export interface DrillResultsOption<S> {
  /**
   * The backups of the same database (a `ScheduledPgDump`, or a bucket and the backups' prefix): each drill writes its
   * result beside them (`<prefix>/<database>/drills/<time>.json`, passed or failed), where `pg-backup status` shows the
   * last good drill. The drill may put objects there and nothing else.
   * @default - the result is seen only in the drill's metrics, alarms and execution history (and AWS Backup's validation status)
   */
  readonly drillResults?: S;
}

/** The options of a `SnapshotRestoreDrill` that both AWS front ends share; each adds its cloud handles. */
export interface SnapshotRestoreDrillPlanOptions {
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks that must each return a single `true`, and the RTO
   * (`maxRestoreDurationMinutes`, default 60): from the start of the drill until the checks passed.
   * @default - weekly, connection and row-count checks only, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * SQL files read when the program runs, each statement a check like `verification.checks`.
   * @default - none
   */
  readonly checkFiles?: string[];
  /**
   * Row-count bounds of tables in the restored database.
   * @default - none
   */
  readonly rowCounts?: RowCountBound[];
  /**
   * Restore the database to a point in time (its continuous backups) instead of its newest snapshot.
   * @default - the newest snapshot is restored
   */
  readonly pointInTime?: PointInTimeDrillOptions;
  /**
   * Which snapshots are restored: the database's automated snapshots, manual ones, or AWS Backup's.
   * @default 'automated'
   */
  readonly snapshotType?: DrillSnapshotType;
  /**
   * Instance class of the scratch database.
   * @default 'db.t4g.micro' for an instance, 'db.t4g.medium' for an Aurora cluster
   */
  readonly scratchInstanceClass?: string;
  /**
   * Prefix of scratch identifiers; the execution role may only create and delete databases with it.
   * @default 'pg-drill'
   */
  readonly scratchIdentifierPrefix?: string;
  /**
   * Seconds between two checks of whether the scratch database is available.
   * @default 60
   */
  readonly pollIntervalSeconds?: number;
  /**
   * PostgreSQL major of the runner's client.
   * @default - the database's
   */
  readonly postgresMajorVersion?: number;
  /**
   * CloudWatch namespace of the drill metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
}

/** What the front end knows of the database whose snapshots are restored. */
export interface SnapshotDrillDatabase {
  /** An RDS DB instance or an Aurora cluster. */
  readonly kind: SnapshotSourceKind;
  /**
   * The database the checks connect to: the `Database` dimension of the metrics.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /** Its PostgreSQL major, when the front end knows it. */
  readonly postgresMajorVersion?: number;
  /** Whether the front end has the secret with the master user (the restored snapshot keeps it; the checks log in with it). */
  readonly hasSecret: boolean;
  /**
   * Each check file with its text, or `undefined` when it cannot be read.
   * @default - the options' `checkFiles`, read now ({@link readCheckFiles})
   */
  readonly checkFiles?: CheckFileTexts;
  /**
   * Whether the drill's results are recorded beside the database's backups: the checks task records the drills it runs
   * (the front end sets {@link DRILL_RECORD_TO_ENV} to their location and lets the task write there), the state machine
   * every failure (the front end fills `DrillResultsBucket` and `DrillResultsFolder` and scopes `drill-result-objects`).
   * @default - whether the options give `drillResults`
   */
  readonly recordsResults?: boolean;
  /**
   * The port the database (and so the scratch database restored from it) listens on.
   * @default 5432
   */
  readonly port?: number;
}

/** Everything a front end creates for a snapshot restore drill, decided once. */
export interface SnapshotRestoreDrillPlan extends ScheduledDrillPlan {
  /** The largest accepted distance of the recovery point from the target, minutes (point-in-time drills): its alarm's threshold. */
  readonly maxRecoveryPointGapMinutes?: number;
  /** What the construct records as the database's protection (the examples' summary lists it). */
  readonly protection: {
    readonly kind: 'snapshot-drill' | 'point-in-time-drill';
    readonly targetLagMinutes?: number;
    readonly randomExtraLagMinutes?: number;
    readonly databaseNames: readonly string[];
    readonly schedule: string;
    readonly rtoMinutes: number;
    /** The number of checks: SQL statements and row bounds. */
    readonly checks: number;
  };
  /** The PostgreSQL major of the runner image. */
  readonly postgresMajorVersion: number;
  /** Prefix of scratch identifiers. */
  readonly scratchIdentifierPrefix: string;
  /** The port the scratch database listens on, which only the checks task may reach. */
  readonly scratchPort: number;
  /** The checks task's command: `pg-backup check` with the row bounds and the SQL checks. */
  readonly checkCommand: string[];
  /** The checks task's environment: the database, TLS, each SQL check. */
  readonly checkEnvironment: Record<string, string>;
  /** What the checks task's execution role may do: write its logs, hand the database secret to the container. */
  readonly executionRoleGrants: readonly IamActionGroup<TaskExecutionResourceKind>[];
  /**
   * The RDS resources the drill role's groups are scoped to besides the source and the subnet group (which are the
   * front end's handles), as the `resource` and `resourceName` of `arn:<partition>:rds:<region>:<account>:<resource>:<resourceName>`.
   */
  readonly rdsResources: Readonly<Record<'rds-snapshots' | 'rds-scratch-instances' | 'rds-scratch-clusters', ScratchRdsResource>>;
  /** Descriptions of the resources, the same in every front end. */
  readonly descriptions: ScheduledDrillDescriptions & {
    readonly scratchSecurityGroup: string;
    readonly scratchIngress: string;
    readonly subnetGroup: string;
    readonly alarmSubject: string;
  };
}

/** Where a snapshot drill's scratch databases are placed, as a front end's scratch placement takes it: their port and network's descriptions. */
export function snapshotScratchPlacement({ scratchPort: port, descriptions }: SnapshotRestoreDrillPlan): ScratchPlacementPlan {
  const { scratchSecurityGroup: securityGroup, scratchIngress: ingress, subnetGroup } = descriptions;
  return { port, descriptions: { securityGroup, ingress, subnetGroup } };
}

/** The attributes of a `SnapshotRestoreDrill`, the same in every front end. */
export interface SnapshotRestoreDrillAttributes extends RestoreDrillAttributes {
  /** Prefix of scratch identifiers (the execution role may only create and delete those). */
  readonly scratchIdentifierPrefix: string;
  /** The largest accepted distance of a point-in-time drill's recovery point from its target, minutes, when bounded. */
  readonly maxRecoveryPointGapMinutes?: number;
}

/** The attributes of a `SnapshotRestoreDrill` that rendered `plan`. */
export function snapshotRestoreDrillAttributes(plan: SnapshotRestoreDrillPlan): SnapshotRestoreDrillAttributes {
  const { scratchIdentifierPrefix, maxRecoveryPointGapMinutes } = plan;
  return { ...restoreDrillAttributes(plan), scratchIdentifierPrefix, maxRecoveryPointGapMinutes };
}

/** What the front end knows of a snapshot drill's source and scratch placement, in its own values (strings, tokens, outputs). */
export interface SnapshotDrillResources<T> {
  /** Identifier of the source instance or cluster. */
  readonly sourceIdentifier: T;
  /** ARN of the source instance or cluster. */
  readonly sourceArn: T;
  /** Name of the DB subnet group scratch databases are created in. */
  readonly subnetGroupName: T;
  /** Id of the scratch databases' security group. */
  readonly securityGroupId: T;
  /** How the front end formats the ARNs of its account and region. */
  readonly arn: AwsArnFormat<T>;
}

/**
 * The placeholders and scopes a snapshot drill adds to those of its ECS task: the source it restores from, where the
 * scratch databases go, and the snapshots, scratch instances and clusters its role may act on.
 */
export function snapshotDrillWiring<T>(plan: SnapshotRestoreDrillPlan, resources: SnapshotDrillResources<T>): DrillWiring<T> {
  return {
    placeholders: {
      [DrillPlaceholder.SOURCE_IDENTIFIER]: resources.sourceIdentifier,
      [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: resources.subnetGroupName,
      [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: resources.securityGroupId,
    },
    scopes: {
      ...Object.fromEntries(Object.entries(plan.rdsResources)
        .map(([kind, arn]) => [kind, { resources: [resources.arn('rds', arn.resource, arn.resourceName)] }])),
      'rds-source': { resources: [resources.sourceArn] },
      'rds-subnet-group': { resources: [resources.arn('rds', 'subgrp', resources.subnetGroupName)] },
    },
  };
}

/** An RDS resource named by a pattern: `arn:<partition>:rds:<region>:<account>:<resource>:<resourceName>`. */
export interface ScratchRdsResource {
  /** The resource type, e.g. `db` or `cluster-snapshot`. */
  readonly resource: string;
  /** The name or pattern, e.g. `pg-drill-*`. */
  readonly resourceName: string;
}

/**
 * Checks a snapshot restore drill's options with the same messages in every front end, and decides what it creates:
 * the state machine (with core's checks command), the checks task's command and environment, the resources'
 * descriptions. Throws a `PolicyValidationError` listing every problem.
 */
export function planSnapshotRestoreDrill(
  options: SnapshotRestoreDrillPlanOptions & DrillResultsOption<unknown>, database: SnapshotDrillDatabase, validation: ValidationOptions,
): SnapshotRestoreDrillPlan {
  const named = {
    ...database,
    databaseName: database.databaseName ?? 'postgres',
    checkFiles: database.checkFiles ?? readCheckFiles(options.checkFiles),
    recordsResults: database.recordsResults ?? options.drillResults !== undefined,
  };
  return namingConstruct(validation.construct, () => planSnapshotRestoreDrillNamed(options, named, validation));
}

/** Each SQL file with its text, read when the program runs, or `undefined` when it cannot be read (the check then names it). */
export type CheckFileTexts = readonly { readonly path: string; readonly sql: string | undefined }[];

/** Each SQL file of `paths` with its text, read now, or `undefined` when it cannot be read (the check then names it). */
export function readCheckFiles(paths: readonly string[] = []): CheckFileTexts {
  // A list known only at deploy time has no paths to read now: the construct's literal props refuse it by name.
  if (!Array.isArray(paths)) return [];
  return paths.map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined }));
}

/** planSnapshotRestoreDrill without the construct named in errors the parts it builds throw. */
function planSnapshotRestoreDrillNamed(
  options: SnapshotRestoreDrillPlanOptions, database: SnapshotDrillDatabase & Required<Pick<SnapshotDrillDatabase, 'databaseName' | 'checkFiles'>>,
  validation: ValidationOptions,
): SnapshotRestoreDrillPlan {
  const validator = new Validator(validation);
  // What follows reads the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(SNAPSHOT_RESTORE_DRILL_LITERAL_PROPS, options)) validator.throwIfInvalid();
  // The state machine's builder checks the interval's range (10 to 3600 s); a deploy-time value is refused here, by its prop.
  validator.deferredOrRefused('pollIntervalSeconds', options.pollIntervalSeconds, 'an integer from 10 to 3600 seconds');
  validator.include(checkPolicy({ verification: options.verification ?? {} }, validator.optionsFor()));
  if (!database.hasSecret) {
    validator.report({ path: 'database.secret', value: undefined, allowed: 'the database\'s secret with its master username and password (the restored snapshot keeps them; the checks log in with them)' });
  }
  const major = options.postgresMajorVersion ?? database.postgresMajorVersion;
  if (major === undefined) validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
  validator.integer('postgresMajorVersion', major, 10, 99);
  database.checkFiles.forEach((file, index) => {
    if (file.sql === undefined) validator.report({ path: `checkFiles[${index}]`, value: file.path, allowed: 'the path of a readable SQL file' });
  });
  // Bounds not known yet are refused as a whole (they need a literal): there is no list to read.
  const rowCounts = validator.isUnresolved(options.rowCounts) ? [] : options.rowCounts ?? [];
  rowCounts.forEach((bound, index) => {
    const tableValid = checkTableName(validator, `rowCounts[${index}].table`, bound.table);
    // Two bounds of one table would be checked against each other's range: one of them is a mistake.
    const first = rowCounts.findIndex((other) => other.table === bound.table);
    if (tableValid && first < index && !validator.isUnresolved(bound.table)) {
      validator.report({ path: `rowCounts[${index}].table`, value: bound.table, allowed: `a table not bounded before (rowCounts[${first}] bounds it)` });
    }
    validator.integer(`rowCounts[${index}].min`, bound.min, 0, Number.MAX_SAFE_INTEGER);
    validator.integer(`rowCounts[${index}].max`, bound.max, 0, Number.MAX_SAFE_INTEGER);
    if (bound.min === undefined && bound.max === undefined) validator.report({ path: `rowCounts[${index}]`, value: bound, allowed: 'a bound with min, max or both' });
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      validator.report({ path: `rowCounts[${index}].min`, value: bound.min, allowed: `at most rowCounts[${index}].max, ${bound.max}` });
    }
  });
  const pointInTime = options.pointInTime;
  if (pointInTime !== undefined) {
    validator.integer('pointInTime.targetLagMinutes', pointInTime.targetLagMinutes, 0, 7 * 24 * 60, 'minutes');
    validator.integer('pointInTime.randomExtraLagMinutes', pointInTime.randomExtraLagMinutes, 0, 7 * 24 * 60, 'minutes');
    validator.integer('pointInTime.maxRecoveryPointGapMinutes', pointInTime.maxRecoveryPointGapMinutes, 0, 7 * 24 * 60, 'minutes');
    checkNonBlank(validator, 'pointInTime.recoveryPointQuery', pointInTime.recoveryPointQuery, 'a query returning the newest commit time');
    if (pointInTime.maxRecoveryPointGapMinutes !== undefined && pointInTime.recoveryPointQuery === undefined) {
      validator.report({ path: 'pointInTime.recoveryPointQuery', value: undefined, allowed: 'a query returning the newest commit time (maxRecoveryPointGapMinutes bounds its distance to the target)' });
    }
    if (options.snapshotType !== undefined) {
      validator.report({ path: 'snapshotType', value: options.snapshotType, allowed: 'nothing with pointInTime (a point-in-time drill restores no snapshot)' });
    }
  }
  validator.throwIfInvalid();

  const verification = resolveVerification(options.verification ?? {});
  const metricNamespace = options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
  const checks = [...verification.checks, ...database.checkFiles.flatMap((file) => splitSqlStatements(file.sql!))];
  const checkArgs = [
    ...rowCounts.flatMap((bound) => [
      ...(bound.min !== undefined ? ['--min-rows', `${bound.table}=${bound.min}`] : []),
      ...(bound.max !== undefined ? ['--max-rows', `${bound.table}=${bound.max}`] : []),
    ]),
    ...checks.flatMap((_, index) => ['--sql-env', `${CHECK_SQL_ENV_PREFIX}${index}`]),
    ...(pointInTime?.maxRecoveryPointGapMinutes !== undefined ? ['--max-recovery-point-gap', `${pointInTime.maxRecoveryPointGapMinutes}m`] : []),
  ];
  // The state machine validates its own options (prefix, class, poll interval) with core's messages.
  const drill = pointInTime !== undefined ? pointInTimeRestoreDrill({
    source: database.kind,
    targetLagSeconds: (pointInTime.targetLagMinutes ?? 60) * 60,
    randomExtraLagSeconds: (pointInTime.randomExtraLagMinutes ?? 0) * 60,
    scratchInstanceClass: options.scratchInstanceClass,
    scratchIdentifierPrefix: options.scratchIdentifierPrefix,
    pollIntervalSeconds: options.pollIntervalSeconds,
    maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
    metricNamespace,
    checksArgs: ['check', ...checkArgs],
    writeFailedDrillResult: database.recordsResults === true,
  }) : snapshotRestoreDrill({
    source: database.kind,
    snapshotType: options.snapshotType,
    scratchInstanceClass: options.scratchInstanceClass,
    scratchIdentifierPrefix: options.scratchIdentifierPrefix,
    pollIntervalSeconds: options.pollIntervalSeconds,
    maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
    metricNamespace,
    checksArgs: ['check', ...checkArgs],
    writeFailedDrillResult: database.recordsResults === true,
  });
  const source = database.kind === 'instance' ? 'an RDS instance' : 'an Aurora cluster';
  const drillKind: RestoreDrillKind = pointInTime !== undefined ? 'point-in-time' : 'snapshot';
  const targetLagMinutes = pointInTime !== undefined ? pointInTime.targetLagMinutes ?? 60 : undefined;
  const scratchIdentifierPrefix = options.scratchIdentifierPrefix ?? 'pg-drill';
  const schedule = renderEventBridgeSchedule(verification.schedule, 'verification.schedule');
  const subject = `${pointInTime !== undefined ? 'point-in-time' : 'snapshot'} restore drill of ${database.databaseName}`;
  const taskRole = `${pointInTime !== undefined ? 'Point-in-time' : 'Snapshot'} drill checks task: `
    + (database.recordsResults === true ? 'writes its result beside the dumps' : 'no AWS permissions');
  return {
    owner: 'SnapshotRestoreDrill',
    drillName: 'the snapshot restore drill',
    databaseName: database.databaseName,
    drill,
    maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
    drillKind,
    maxRecoveryPointGapMinutes: pointInTime?.maxRecoveryPointGapMinutes,
    schedule: verification.schedule,
    postgresMajorVersion: major!,
    metricNamespace,
    scratchIdentifierPrefix,
    scratchPort: database.port ?? 5432,
    checkCommand: ['pg-backup', 'check', ...checkArgs],
    checkEnvironment: {
      PGDATABASE: database.databaseName,
      // RDS for PostgreSQL 15+ forces TLS; the endpoint of a scratch instance changes every drill.
      PGSSLMODE: 'require',
      ...Object.fromEntries(checks.map((sql, index) => [`${CHECK_SQL_ENV_PREFIX}${index}`, sql])),
      ...(pointInTime?.recoveryPointQuery !== undefined ? { PG_BACKUP_RECOVERY_POINT_QUERY: pointInTime.recoveryPointQuery } : {}),
      // The runner publishes RecoveryPointGapSeconds beside the drill's own metrics, under the same dimensions.
      ...(pointInTime !== undefined ? { PG_BACKUP_METRICS_NAMESPACE: metricNamespace, PG_BACKUP_METRIC_DIMENSIONS: `Drill=${drillKind}` } : {}),
      // What the result beside the backups is recorded as (the location is the front end's: a bucket it knows).
      ...(database.recordsResults === true ? { PG_BACKUP_DRILL_KIND: drillKind } : {}),
    },
    task: {
      cpu: 256,
      memoryLimitMiB: 512,
      containerName: CHECKS_RUNNER_CONTAINER_NAME,
      family: 'snapshot-drill',
      logStreamPrefix: 'check',
      plainEnvironment: 'the database name, PGSSLMODE and the SQL text of the checks',
    },
    executionRoleGrants: TASK_EXECUTION_IAM_ACTIONS,
    rdsResources: {
      // Snapshot names are generated per backup (rds:<id>-<date>, awsbackup:job-<id>): they cannot be named in advance.
      'rds-snapshots': { resource: database.kind === 'aurora-cluster' ? 'cluster-snapshot' : 'snapshot', resourceName: '*' },
      'rds-scratch-instances': { resource: 'db', resourceName: `${scratchIdentifierPrefix}-*` },
      'rds-scratch-clusters': { resource: 'cluster', resourceName: `${scratchIdentifierPrefix}-*` },
    },
    alarms: restoreDrillAlarms({
      metricNamespace,
      databaseName: database.databaseName,
      drillKind,
      maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
      maxRecoveryPointGapMinutes: pointInTime?.maxRecoveryPointGapMinutes,
      subject,
    }),
    protection: {
      kind: pointInTime !== undefined ? 'point-in-time-drill' : 'snapshot-drill',
      ...(targetLagMinutes !== undefined ? { targetLagMinutes, randomExtraLagMinutes: pointInTime?.randomExtraLagMinutes ?? 0 } : {}),
      databaseNames: [database.databaseName],
      schedule: `${schedule.scheduleExpression} ${schedule.scheduleExpressionTimezone}`,
      rtoMinutes: verification.maxRestoreDurationMinutes,
      checks: checks.length + rowCounts.length,
    },
    descriptions: pointInTime !== undefined ? {
      taskSecurityGroup: 'Point-in-time drill checks task: no inbound traffic; outbound to the scratch database and AWS APIs',
      scratchSecurityGroup: 'Scratch database of the point-in-time drill: reachable only from the checks task',
      scratchIngress: 'pg-backup check of the database restored to a point in time',
      subnetGroup: 'Isolated subnets of the point-in-time drill\'s scratch databases',
      drillRole: 'Runs the point-in-time restore drill: restores into, polls and deletes scratch databases, runs the checks task, reports',
      stateMachineComment: `Restore drill of ${source} to the time ${targetLagMinutes} minutes before the drill starts`,
      schedule: `Point-in-time restore drill of ${source}`,
      alarmSubject: subject,
      taskRole,
      executionRole: 'Starts the point-in-time drill checks task: its logs and the database secret',
    } : {
      taskSecurityGroup: 'Snapshot drill checks task: no inbound traffic; outbound to the scratch database and AWS APIs',
      scratchSecurityGroup: 'Scratch database of the snapshot drill: reachable only from the checks task',
      scratchIngress: 'pg-backup check of the restored snapshot',
      subnetGroup: 'Isolated subnets of the snapshot drill\'s scratch databases',
      drillRole: 'Runs the snapshot restore drill: restores into, polls and deletes scratch databases, runs the checks task, reports',
      stateMachineComment: `Restore drill of the newest ${options.snapshotType ?? 'automated'} snapshot of ${source}`,
      schedule: `Snapshot restore drill of ${source}`,
      alarmSubject: subject,
      taskRole,
      executionRole: 'Starts the snapshot drill checks task: its logs and the database secret',
    },
  };
}

/** The IAM actions that restoring an encrypted snapshot needs on its KMS key (RDS creates a grant with the caller's permissions). */
export const SNAPSHOT_KEY_ACTIONS: readonly string[] = ['kms:DescribeKey', 'kms:CreateGrant'];
/** The condition of {@link SNAPSHOT_KEY_ACTIONS}: only grants for an AWS resource (RDS). */
export const SNAPSHOT_KEY_CONDITION = { Bool: { 'kms:GrantIsForAWSResource': 'true' } } as const;

/**
 * The warning for a database whose storage key the front end was not given, when that key may be a customer managed
 * key the drill role may not use (restoring its snapshots would then fail); none when the storage is known to be
 * unencrypted or encrypted with an AWS managed key.
 * @param keyProp how the front end's props name the key
 */
export function unknownSnapshotKeyWarning(encryption: DatabaseStorageEncryption, keyProp: string): string | undefined {
  if (encryption !== 'customer-managed-key' && encryption !== 'unknown') return undefined;
  return `The database's storage key is not known here: if it is a customer managed key, give it as ${keyProp}, or `
    + `let the drill role use it (${SNAPSHOT_KEY_ACTIONS.join(' and ')} with kms:GrantIsForAWSResource); otherwise "${SnapshotRestoreDrillStateName.RESTORE_INSTANCE}" fails.`;
}
