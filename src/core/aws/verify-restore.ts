import * as fs from 'node:fs';
import { checkMaxDrillAgeDays, drillAgeAlarm } from './drill-age-alarm';
import { checkFargateTaskSize } from './fargate-sizes';
import { VERIFY_RESTORE_LITERAL_PROPS } from './literal-props';
import { restoreDrillAlarms } from './restore-drill-alarms';
import { ScheduledDrillDescriptions, ScheduledDrillPlan } from './scheduled-drill';
import { checkDatabaseName } from '../policy/database-name';
import { resolveVerification } from '../policy/defaults';
import { AGE_IDENTITY_ENV } from '../policy/dump-encryption';
import { VerificationPolicy } from '../policy/policy';
import { renderEventBridgeSchedule } from '../policy/schedule';
import { dumpRestoreDrill } from './state-machines/dump-restore-drill';
import { RestoreDrillStateMachine } from './state-machines/restore-drill-options';
import {
  DEFAULT_MAX_SCRATCH_STORAGE_GIB, DumpRestoreTarget, ScratchRdsDumpRestoreDrillOptions, scratchRdsDumpRestoreDrill,
} from './state-machines/scratch-rds-dump-restore-drill';
import { checkPolicy } from '../policy/validate-policy';
import { PolicyValidationError, ValidationOptions, Validator } from '../policy/validation';

/** Name of the container running `pg-backup verify`. */
export const VERIFY_CONTAINER_NAME = 'runner';
/** Name of the scratch PostgreSQL container the dump is restored into. */
export const SCRATCH_POSTGRES_CONTAINER_NAME = 'scratch-postgres';
/** Name of the container that writes the SQL checks into the task's shared volume. */
export const CHECKS_CONTAINER_NAME = 'write-checks';
/** Where the checks are mounted in the runner container. */
export const CHECKS_DIRECTORY = '/checks';
/** The scratch server the dump is restored into, on the task's loopback. */
export const SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The PostgreSQL port of a scratch RDS instance (RDS's default for the engine). */
export const SCRATCH_RDS_PORT = 5432;

/**
 * The scratch RDS instance a dump too large for the task's disk is restored into. Its engine is PostgreSQL of the
 * dump server's major (read from the backup's manifest), its master password is kept by RDS in Secrets Manager, and
 * it is deleted without a final snapshot on every path of the drill.
 */
export interface VerifyRestoreScratchInstanceOptions {
  /**
   * Instance class: it runs the restore's `pg_restore -j` and the checks.
   * @default 'db.m6g.large'
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage as a percentage of the source database's size in the manifest (`server.databaseSizeBytes`),
   * from 100 to 1000, before {@link minAllocatedStorageGiB} and {@link maxAllocatedStorageGiB} bound it.
   * @default 150
   */
  readonly storageHeadroomPercent?: number;
  /**
   * Smallest allocated storage, GiB (gp3 starts at 20).
   * @default 20
   */
  readonly minAllocatedStorageGiB?: number;
  /**
   * The ceiling of the allocated storage, GiB: a backup of a larger database fails the drill before anything is created.
   * @default 16384
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Prefix of the scratch instance's identifier (`<prefix>-<md5 of the execution name>`): the drill's role may create
   * and delete only instances named so, and the task may read only their RDS-managed secrets.
   * @default 'pg-drill'
   */
  readonly identifierPrefix?: string;
  /**
   * Seconds between two checks of whether the instance is available; the drill gives up after the RTO.
   * @default 60
   */
  readonly pollIntervalSeconds?: number;
}

/**
 * The options of a `VerifyRestore` that are the same in every AWS front end; the CDK props and the Pulumi args extend
 * them with the cloud handles (source, VPC, cluster, image, topic…).
 */
export interface VerifyRestoreOptions {
  /**
   * The database whose latest dump is restored; one drill checks one database.
   * @default - the source's first database
   */
  readonly databaseName?: string;
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks (each must return a single `true`), and
   * `maxRestoreDurationMinutes`, the RTO (default 60).
   * @default - weekly, row counts only, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * SQL files read when the app or program runs and run as checks after the restore, like `verification.checks`.
   * @default - none
   */
  readonly checkFiles?: string[];
  /**
   * Task CPU units (shared by the scratch server and the runner).
   * @default 2048
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, one Fargate offers with `cpu`.
   * @default 8192
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB (21–200): it holds the downloaded dump and the restored database, so size it at about
   * twice the database.
   * @default 50
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * Parallel restore jobs (`pg_restore -j`).
   * @default - one per vCPU
   */
  readonly jobs?: number;
  /**
   * Alarm (`DrillAgeAlarm`) when no drill succeeded within this many days: an integer from 1 to 7 (a CloudWatch alarm
   * looks back at most seven days), longer than the longest gap between two scheduled drills plus the RTO and an hour.
   * The drill's `RestoreDrillSucceeded` is read over one period of that many days and missing data breaches, so a
   * drill that fails, stops being scheduled or never starts pages. A weekly drill cannot be watched this way (its gap
   * is already 7 days): drill more often, or watch it with `pg-backup status --drill-age 8d`.
   * @default - no such alarm (failed drills alarm all the same)
   */
  readonly maxDrillAgeDays?: number;
  /**
   * Where the dump is restored: `task`, the scratch PostgreSQL inside the drill task (its disk holds the download and
   * the restored database); `scratch-rds`, an empty RDS instance created for the drill and sized from the backup's
   * manifest (for databases too large for a task's disk; the task holds only the download); `auto`, the task when the
   * backup fits its {@link ephemeralStorageGiB}, else a scratch RDS instance.
   * @default 'task'
   */
  readonly restoreTarget?: DumpRestoreTarget;
  /**
   * The scratch RDS instance of `restoreTarget: 'scratch-rds'` or `'auto'`.
   * @default - db.m6g.large, 150% of the database's size, 20 to 16384 GiB
   */
  readonly scratchInstance?: VerifyRestoreScratchInstanceOptions;
}

/** The names of {@link VerifyRestoreOptions}, the options every front end shares. */
export const VERIFY_RESTORE_OPTION_NAMES = [
  'databaseName', 'verification', 'checkFiles', 'cpu', 'memoryLimitMiB', 'ephemeralStorageGiB', 'jobs', 'maxDrillAgeDays',
  'restoreTarget', 'scratchInstance',
] as const satisfies readonly (keyof VerifyRestoreOptions)[];

/** The shared options of a front end's props, without its cloud handles. */
export function verifyRestoreOptionsOf(props: VerifyRestoreOptions): VerifyRestoreOptions {
  return Object.fromEntries(VERIFY_RESTORE_OPTION_NAMES.filter((name) => props[name] !== undefined).map((name) => [name, props[name]]));
}

/** What the front end knows of the dumps' source and of how values are checked. */
export interface VerifyRestoreEnvironment {
  /** The databases the source dumps; the first is restored unless `databaseName` says otherwise. */
  readonly sourceDatabaseNames: readonly string[];
  /** CloudWatch namespace the source's runner publishes in, which the drill publishes in too. */
  readonly metricNamespace: string;
  /** How values are checked: unresolved values (tokens, outputs) and the construct that messages name. */
  readonly validation?: ValidationOptions;
  /**
   * The age public keys the source encrypts its dumps to.
   * @default - the source does not say it encrypts (a bucket and a prefix); an identity secret given is passed on all the same
   */
  readonly sourceEncryptedTo?: readonly string[];
  /**
   * Whether the front end has a secret holding the age identity (the drill's `encryption.identitySecret`, else the source's).
   * @default false
   */
  readonly identitySecretGiven?: boolean;
  /**
   * The prop of the scratch instance's subnets, where the front end has no default for them, and whether it was given.
   * @default - the front end places a scratch instance in the VPC's isolated subnets unless told otherwise
   */
  readonly scratchSubnets?: { readonly prop: string; readonly given: boolean };
}

/** One SQL check file a drill task writes into its shared volume. */
export interface DrillCheckFile {
  /** The environment variable that carries the SQL into the writer container. */
  readonly variable: string;
  /** Where the file is written, under {@link CHECKS_DIRECTORY}. */
  readonly path: string;
  /** The file's SQL. */
  readonly sql: string;
}

/** The secret RDS keeps a scratch instance's master password in, as the drill task reads it. */
export interface ScratchSecretRead {
  /** The IAM actions of the task role on it. */
  readonly actions: readonly string[];
  /** The secret's name pattern: RDS names the secrets it manages `rds!db-<uuid>`. */
  readonly secretNamePattern: string;
  /** The tag RDS puts on the secret naming its instance: the condition that limits reads to the scratch instances'. */
  readonly instanceTagConditionKey: string;
  /** Why the read names every RDS-managed secret, as reviewers are told. */
  readonly reason: string;
}

/** The scratch RDS instance of a drill that restores into one: where it is placed, who may reach it and read its secret. */
export interface VerifyRestoreScratchPlan {
  /** `scratch-rds`, or `auto` (the task when the backup fits its disk). */
  readonly restoreTarget: Exclude<DumpRestoreTarget, 'task'>;
  /** Prefix of scratch identifiers: the role's RDS actions and the task's secret read are scoped to `<prefix>-*`. */
  readonly identifierPrefix: string;
  /** The port the scratch security group opens to the drill task's security group, and only to it. */
  readonly port: number;
  /** How the task reads the RDS-managed master secret of the scratch instance. */
  readonly secretRead: ScratchSecretRead;
  /** Descriptions of the subnet group, the scratch security group and its one ingress rule. */
  readonly descriptions: { readonly subnetGroup: string; readonly securityGroup: string; readonly ingress: string };
}

/**
 * Where a drill's scratch databases are placed, as every front end renders it: a security group open on `port` to the
 * drill task's security group alone, and a DB subnet group, each with its description.
 */
export type ScratchPlacementPlan = Pick<VerifyRestoreScratchPlan, 'port' | 'descriptions'>;

/** Everything a `VerifyRestore` creates, decided once for every front end. */
export interface VerifyRestorePlan extends ScheduledDrillPlan {
  /** The SQL checks, as files in the task's shared volume (none: no writer container, no volume). */
  readonly checkFiles: readonly DrillCheckFile[];
  /** What `pg-backup verify` is told after `--from … --latest --target-url …`: database, jobs, checks. */
  readonly verifyArgs: readonly string[];
  /** Where the dump is restored: `task`, `scratch-rds` or `auto`. */
  readonly restoreTarget: DumpRestoreTarget;
  /** Whether the task runs a scratch PostgreSQL of its own (`task` and `auto`); a `scratch-rds` task holds only the runner. */
  readonly taskScratchServer: boolean;
  /**
   * The scratch RDS instance of a `scratch-rds` or `auto` drill.
   * @default - none: the dump is restored in the task
   */
  readonly scratch?: VerifyRestoreScratchPlan;
  /**
   * The environment variable of the verify container that the identity secret is injected into (by the task's
   * execution role, which alone reads the secret).
   * @default - no identity: the dumps are not encrypted
   */
  readonly identityEnvironmentVariable?: string;
  /** Descriptions of the resources, as the console shows them. */
  readonly descriptions: ScheduledDrillDescriptions & {
    /** The secret of the task's scratch server's password (see `SCRATCH_POSTGRES_CONTAINER.password`). */
    readonly scratchPassword: string;
  };
  /** What the construct protects, for tools that report it. */
  readonly protection: {
    readonly kind: 'restore-drill';
    readonly databaseNames: readonly string[];
    readonly schedule: string;
    readonly rtoMinutes: number;
    readonly checks: number;
    /** Where the dump is restored. */
    readonly restoreTarget: DumpRestoreTarget;
    /**
     * The ceiling of the scratch instance's storage, GiB.
     * @default - no scratch instance
     */
    readonly maxScratchStorageGiB?: number;
  };
}

/** Checks the options of a `VerifyRestore` (with the database it would restore), every problem at once. */
export function checkVerifyRestoreOptions(validator: Validator, options: VerifyRestoreOptions): void {
  // The checks below read the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(VERIFY_RESTORE_LITERAL_PROPS, options)) return;
  const policyIssues = checkPolicy({ verification: options.verification ?? {} }, validator.optionsFor());
  validator.include(policyIssues);
  checkFargateTaskSize(validator, {
    cpu: options.cpu ?? 2048, memoryLimitMiB: options.memoryLimitMiB ?? 8192, ephemeralStorageGiB: options.ephemeralStorageGiB ?? 50,
  });
  validator.integer('jobs', options.jobs, 1, 64);
  // The drill-age window is judged against the schedule and RTO only once they are valid themselves.
  if (policyIssues.length === 0) {
    const verification = resolveVerification(options.verification ?? {});
    checkMaxDrillAgeDays(validator, 'maxDrillAgeDays', options.maxDrillAgeDays, verification.schedule, verification.maxRestoreDurationMinutes);
  }
  if (validator.oneOf('restoreTarget', options.restoreTarget, ['task', 'scratch-rds', 'auto']) && policyIssues.length === 0) {
    checkScratchInstance(validator, options);
  }
  if (options.databaseName === undefined) validator.report({ path: 'databaseName', value: undefined, allowed: 'a database name (the source names none)' });
  checkDatabaseName(validator, 'databaseName', options.databaseName);
  (options.checkFiles ?? []).forEach((file, index) => {
    if (!validator.isUnresolved(file) && !fs.existsSync(file)) validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
  });
}

/** Where each scratch instance option is named in the drill builder's messages. */
const SCRATCH_OPTION_PATHS: Readonly<Record<string, string>> = {
  scratchInstanceClass: 'scratchInstance.instanceClass',
  storageHeadroomPercent: 'scratchInstance.storageHeadroomPercent',
  minAllocatedStorageGiB: 'scratchInstance.minAllocatedStorageGiB',
  maxAllocatedStorageGiB: 'scratchInstance.maxAllocatedStorageGiB',
  scratchIdentifierPrefix: 'scratchInstance.identifierPrefix',
  pollIntervalSeconds: 'scratchInstance.pollIntervalSeconds',
  taskEphemeralStorageGiB: 'ephemeralStorageGiB',
};

/**
 * The scratch instance options are the drill builder's: its bounds are checked once, there, and its messages are
 * reported under the prop paths the user wrote (`scratchInstance.maxAllocatedStorageGiB`).
 */
function checkScratchInstance(validator: Validator, options: VerifyRestoreOptions): void {
  const target = options.restoreTarget ?? 'task';
  if (target === 'task') {
    if (options.scratchInstance !== undefined) {
      validator.report({
        path: 'scratchInstance',
        value: options.scratchInstance,
        allowed: "restoreTarget 'scratch-rds' or 'auto'",
        reason: "a drill that restores in the task (restoreTarget 'task', the default) creates no scratch instance",
      });
    }
    return;
  }
  const values = Object.values(options.scratchInstance ?? {});
  if (validator.isUnresolved(...values, options.ephemeralStorageGiB)) return;
  try {
    scratchDrill(options, target, 'PostgresBackup', []);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    error.issues.forEach((issue) => validator.report({ ...issue, path: SCRATCH_OPTION_PATHS[issue.path] ?? issue.path }));
  }
}

/** Core's drill into a scratch RDS instance, from the options as the user wrote them. */
function scratchDrill(
  options: VerifyRestoreOptions, target: Exclude<DumpRestoreTarget, 'task'>, metricNamespace: string, extraArgs: readonly string[],
): RestoreDrillStateMachine {
  const scratch = options.scratchInstance ?? {};
  const rto = resolveVerification(options.verification ?? {}).maxRestoreDurationMinutes;
  const drillOptions: ScratchRdsDumpRestoreDrillOptions = {
    restoreTarget: target,
    maxRestoreDurationSeconds: rto * 60,
    metricNamespace,
    extraArgs: [...extraArgs],
    scratchInstanceClass: scratch.instanceClass,
    scratchIdentifierPrefix: scratch.identifierPrefix,
    storageHeadroomPercent: scratch.storageHeadroomPercent,
    minAllocatedStorageGiB: scratch.minAllocatedStorageGiB,
    maxAllocatedStorageGiB: scratch.maxAllocatedStorageGiB,
    pollIntervalSeconds: scratch.pollIntervalSeconds,
    taskEphemeralStorageGiB: options.ephemeralStorageGiB ?? 50,
    // The verify task records the drills it runs beside the dumps; the state machine records the failures it never saw.
    writeFailedDrillResult: true,
  };
  return scratchRdsDumpRestoreDrill(drillOptions);
}

/** The task reads only the master secrets RDS keeps for the drill's scratch instances. */
const SCRATCH_SECRET_READ: ScratchSecretRead = {
  actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  secretNamePattern: 'rds!db-*',
  instanceTagConditionKey: 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn',
  reason: 'RDS names the master secret of each scratch instance it creates (rds!db-<uuid>); the tag RDS puts on it limits the read to the drill\'s scratch instances.',
};

/**
 * A drill that may create a scratch RDS instance needs subnets to place it in, where the front end has no default.
 * @param prop the prop as the front end names it, e.g. `scratchSubnetIds`
 */
export function checkScratchSubnets(validator: Validator, options: Pick<VerifyRestoreOptions, 'restoreTarget'>, given: boolean, prop: string): void {
  if ((options.restoreTarget ?? 'task') === 'task' || given) return;
  validator.report({
    path: prop,
    value: undefined,
    allowed: 'the subnets of the scratch RDS instance (isolated ones: it needs no route to the internet)',
    reason: `restoreTarget '${options.restoreTarget}' may create a scratch RDS instance`,
  }, [options.restoreTarget]);
}

/** A drill of dumps encrypted with age needs the identity that decrypts them. */
export function checkDrillIdentity(validator: Validator, environment: Pick<VerifyRestoreEnvironment, 'sourceEncryptedTo' | 'identitySecretGiven'>): void {
  const recipients = environment.sourceEncryptedTo;
  if (recipients === undefined || environment.identitySecretGiven) return;
  validator.report({
    path: 'encryption.identitySecret',
    value: undefined,
    allowed: 'a secret holding the age identity (AGE-SECRET-KEY-1…) of one of the recipients',
    reason: `the source encrypts its dumps with age to ${recipients.join(', ')}, so the drill cannot read them without it; set it on the drill or on the source's encryption`,
  }, [recipients]);
}

/** The options with the database the drill restores: the option, else the source's first. */
export function withDrillDatabase(options: VerifyRestoreOptions, environment: VerifyRestoreEnvironment): VerifyRestoreOptions {
  return { ...options, databaseName: options.databaseName ?? environment.sourceDatabaseNames[0] };
}

/**
 * Validates the options (throwing a `PolicyValidationError` that lists every problem) and decides what a
 * `VerifyRestore` creates: the drill task and its checks, core's dump-restore-drill state machine, its schedule,
 * alarms and what it records as protected.
 */
export function planVerifyRestore(options: VerifyRestoreOptions, environment: VerifyRestoreEnvironment): VerifyRestorePlan {
  const checked = withDrillDatabase(verifyRestoreOptionsOf(options), environment);
  const { validation = {}, scratchSubnets } = environment;
  const check = (validator: Validator, known: VerifyRestoreOptions): void => {
    checkVerifyRestoreOptions(validator, known);
    checkDrillIdentity(validator, environment);
    if (scratchSubnets) checkScratchSubnets(validator, known, scratchSubnets.given, scratchSubnets.prop);
  };
  const validator = new Validator(validation);
  check(validator, checked);
  validator.throwIfInvalid();
  validation.whenKnown?.(checked, (known) => {
    const later = new Validator({ construct: validation.construct });
    check(later, known as VerifyRestoreOptions);
    later.throwIfInvalid();
  });

  const verification = resolveVerification(options.verification ?? {});
  const databaseName = checked.databaseName!;
  const cpu = options.cpu ?? 2048;
  const jobs = options.jobs ?? Math.max(1, Math.floor(cpu / 1024));
  const checks = [...verification.checks, ...(options.checkFiles ?? []).map((file) => fs.readFileSync(file, 'utf8'))];
  const checkFiles = checks.map((sql, index) => ({ variable: `PG_BACKUP_CHECK_${index}`, path: `${CHECKS_DIRECTORY}/check-${index}.sql`, sql }));
  const verifyArgs = ['--database', databaseName, '--jobs', String(jobs), ...checkFiles.flatMap((file) => ['--check', file.path])];
  const rto = verification.maxRestoreDurationMinutes;
  const rendered = renderEventBridgeSchedule(verification.schedule, 'verification.schedule');
  const restoreTarget = options.restoreTarget ?? 'task';
  const scratch: VerifyRestoreScratchPlan | undefined = restoreTarget === 'task' ? undefined : {
    restoreTarget,
    identifierPrefix: options.scratchInstance?.identifierPrefix ?? 'pg-drill',
    port: SCRATCH_RDS_PORT,
    secretRead: SCRATCH_SECRET_READ,
    descriptions: {
      subnetGroup: `Scratch RDS instances of the restore drill of ${databaseName}: isolated subnets`,
      securityGroup: `Scratch RDS instance of the restore drill of ${databaseName}: inbound only from the drill task`,
      ingress: `PostgreSQL from the restore drill task of ${databaseName}`,
    },
  };
  const drill = scratch
    ? scratchDrill(options, scratch.restoreTarget, environment.metricNamespace, verifyArgs)
    : dumpRestoreDrill({
      maxRestoreDurationSeconds: rto * 60, metricNamespace: environment.metricNamespace, extraArgs: verifyArgs, writeFailedDrillResult: true,
    });
  return {
    owner: 'VerifyRestore',
    drillName: 'the dump restore drill',
    databaseName,
    drillKind: 'dump',
    maxRestoreDurationMinutes: rto,
    metricNamespace: environment.metricNamespace,
    schedule: verification.schedule,
    task: {
      cpu,
      memoryLimitMiB: options.memoryLimitMiB ?? 8192,
      ephemeralStorageGiB: options.ephemeralStorageGiB ?? 50,
      containerName: VERIFY_CONTAINER_NAME,
      family: 'restore-drill',
      logStreamPrefix: 'verify',
    },
    checkFiles,
    verifyArgs,
    drill,
    restoreTarget,
    taskScratchServer: restoreTarget !== 'scratch-rds',
    ...(scratch ? { scratch } : {}),
    ...(environment.identitySecretGiven ? { identityEnvironmentVariable: AGE_IDENTITY_ENV } : {}),
    descriptions: {
      drillRole: 'Runs the restore drill: its task, its metrics and its failure notification, nothing else',
      schedule: `Restore drill of ${databaseName}`,
      taskRole: scratch
        ? 'Restore drill task: read the dumps and the master secret of its scratch RDS instance, nothing else'
        : 'Restore drill task: read the dumps, nothing else',
      executionRole: 'Starts the restore drill task: its logs',
      // Secrets Manager hands the task its scratch server's password, or a scratch instance's master secret.
      taskSecurityGroup: 'Restore drill task: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      scratchPassword: 'Password of the throwaway PostgreSQL inside the restore drill task',
      stateMachineComment: scratch
        ? `Restore drill of the latest pg_dump of ${databaseName} into a scratch RDS instance${scratch.restoreTarget === 'auto' ? ' when it does not fit the task' : ''}`
        : `Restore drill of the latest pg_dump of ${databaseName}`,
    },
    alarms: [
      ...restoreDrillAlarms({
        metricNamespace: environment.metricNamespace,
        databaseName,
        drillKind: 'dump',
        maxRestoreDurationMinutes: rto,
        subject: `restore drill of ${databaseName}`,
        failedDescription: `A restore drill of ${databaseName} failed: the latest dump could not be restored and checked`,
        slowRestoreDescription: `A restore of ${databaseName} took longer than the RTO of ${rto} minutes`,
      }),
      ...(options.maxDrillAgeDays === undefined ? [] : [drillAgeAlarm({
        days: options.maxDrillAgeDays, metricNamespace: environment.metricNamespace, databaseName, drillKind: 'dump',
      })]),
    ],
    protection: {
      kind: 'restore-drill',
      databaseNames: [databaseName],
      schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
      rtoMinutes: rto,
      checks: checks.length,
      restoreTarget,
      ...(scratch ? { maxScratchStorageGiB: options.scratchInstance?.maxAllocatedStorageGiB ?? DEFAULT_MAX_SCRATCH_STORAGE_GIB } : {}),
    },
  };
}

/** The command of the verify container: restore the latest dump at `location` into the scratch server, then check it. */
export function verifyCommand<V = string>(plan: VerifyRestorePlan, location: V): (string | V)[] {
  return ['pg-backup', 'verify', '--from', location, '--latest', '--target-url', SCRATCH_TARGET_URL, ...plan.verifyArgs];
}
