import {
  AlarmPlan, DEFAULT_METRIC_NAMESPACE, DUMP_METRICS, MAX_ALARM_RPO_HOURS, PRUNE_FAILURES_METRIC, checkAlarmRpoHours, checkMetricNamespace,
  deadLetterQueueMetric, runnerMetric,
} from './alarm-plan';
import {
  BucketReplicationOptions, BucketReplicationPlan, ReplicaPrunePlan, ReplicatedBucket,
  checkBucketReplication, planBucketReplication, planReplicaPrune,
} from './bucket-replication';
import { TaskFailureNotificationOptions } from './ecs-task-failure';
import { PlannedTaskSize, checkFargateTaskSize, dumpTaskEphemeralStorageGiB } from './fargate-sizes';
import {
  BACKUP_PRUNE_IAM_ACTIONS, BACKUP_WRITE_IAM_ACTIONS, BackupObjectResourceKind, IamActionGroup, SCHEDULED_TASK_IAM_ACTIONS, ScheduledTaskResourceKind,
  TASK_EXECUTION_IAM_ACTIONS, TaskExecutionResourceKind,
} from './iam-action-groups';
import { SCHEDULED_PG_DUMP_LITERAL_PROPS } from './literal-props';
import { DEFAULT_LOG_RETENTION_DAYS } from './log-retention';
import { SCHEDULE_START_RETRY } from './schedule-start-retry';
import { PlannedTaskNames, pruneTaskResourceNames, taskResourceNames } from './task-resource-names';
import { ResolvedBackupRetentionPolicy, resolveBackupRetention, retentionCounts } from '../policy/backup-retention';
import { SCHEDULED_PG_DUMP_PROP_PATHS } from '../policy/construct-prop-paths';
import { checkDatabaseNames } from '../policy/database-name';
import { ProtectionReplica } from '../policy/database-protection';
import { resolveBackupPolicy } from '../policy/defaults';
import { DumpEncryptionOptions, checkDumpEncryption, dumpEncryptionEnvironment } from '../policy/dump-encryption';
import { dumpBucketLifecycleRules } from '../policy/lifecycle';
import { LifecycleRule } from '../policy/lifecycle-rules';
import { BackupPolicy, ImmutabilityPolicy, LogicalDumpPolicy } from '../policy/policy';
import { EventBridgeSchedule, renderEventBridgeSchedule } from '../policy/schedule';
import { checkPolicy } from '../policy/validate-policy';
import { ValidationOptions, Validator } from '../policy/validation';
import { runnerDumpArgv, runnerPruneArgv } from '../postgres/runner-argv';

/** Name of the runner container in the dump task definition. */
export const DUMP_CONTAINER_NAME = 'runner';


/** How long EventBridge Scheduler keeps trying to start a run unless told otherwise, seconds. */
export const DEFAULT_MAX_EVENT_AGE_SECONDS = SCHEDULE_START_RETRY.maxEventAgeSeconds;

/** How the dump task is let through to the database, as its security group rule says. */
export const DATABASE_INGRESS_DESCRIPTION = 'pg_dump from the scheduled backup task';

/** The key prefix of the dumps unless told otherwise. */
export const DEFAULT_DUMP_PREFIX = 'pg-dumps';

/**
 * What an S3 key prefix of this package may be: up to 512 safe characters (an S3 key has at most 1024 bytes, and the
 * database, time stamp and file names follow the prefix), segments separated by `/`, no leading or trailing `/`.
 */
export const S3_PREFIX_PATTERN = /^(?=.{1,512}$)[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

/** How {@link S3_PREFIX_PATTERN} reads in a validation message. */
export const S3_PREFIX_ALLOWED = 'an S3 key prefix of up to 512 safe characters, segments separated by "/", without a leading or trailing "/"';

/**
 * The options of a `ScheduledPgDump` that are the same in every AWS front end; the CDK props and the Pulumi args extend
 * them with the cloud handles (VPC, database, bucket, topic…), `E` being their encryption's (the identity's secret).
 */
export interface ScheduledPgDumpOptions<E extends DumpEncryptionOptions = DumpEncryptionOptions> {
  /**
   * The databases on that server to dump, each on the schedule, each into its own folder under the prefix.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * What and when to dump: schedule, format, compression, jobs, tables, schemas, schemaOnly/dataOnly,
   * noOwner/noAcl, includeGlobals, retentionDays (the bucket lifecycle).
   * @default - daily at 02:00 UTC, custom format, kept 30 days
   */
  readonly dump?: LogicalDumpPolicy;
  /**
   * The recovery-point objective in hours: alarm when no dump of a database succeeded for this long.
   * At most 168 (a CloudWatch alarm looks back at most 7 days).
   * @default - the longest gap between two scheduled dumps plus two hours (26 for daily dumps)
   */
  readonly rpoHours?: number;
  /**
   * PostgreSQL major version of the server, which selects the client tools of the runner image.
   * @default - the database's major version; required when the database does not tell it
   */
  readonly postgresMajorVersion?: number;
  /**
   * Key prefix of the dumps in the bucket (no leading or trailing `/`); each database gets a folder below it.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * S3 Object Lock for a created bucket: every dump is write-once for `days`.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 1024
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, one of the values Fargate offers with `cpu`.
   * @default 2048
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB (21–200). A directory-format dump holds there only what pg_dump has written and the
   * runner not yet uploaded (at most about 1 GiB, `directoryDumpScratchGiB`), not the whole dump nor a whole table.
   * @default - Fargate's 20 GiB, which every dump fits (`dumpTaskEphemeralStorageGiB`)
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * CloudWatch namespace of the runner's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * How often EventBridge Scheduler retries starting the task before the event goes to the dead-letter queue.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Encrypt every object of each dump with age to these public keys (after compression). The dump task gets only the
   * public keys (in its environment); each front end adds the secret holding the identity (`identitySecret`,
   * `identitySecretArn`), which a `VerifyRestore` of these dumps reads and the dump task cannot.
   * @default - not encrypted (the bucket's server-side encryption only)
   */
  readonly encryption?: E;
  /**
   * Copy every dump offsite: S3 replication of the created bucket to a bucket in another region and/or account, with
   * Replication Time Control, replication metrics and alarms on failed or late replication; delete markers are never
   * replicated.
   * @default - no offsite copy
   */
  readonly replication?: BucketReplicationOptions;
}

/** The names of {@link ScheduledPgDumpOptions}, the options every front end shares. */
export const SCHEDULED_PG_DUMP_OPTION_NAMES = [
  'databaseNames', 'dump', 'rpoHours', 'postgresMajorVersion', 'prefix', 'objectLock', 'cpu', 'memoryLimitMiB', 'ephemeralStorageGiB',
  'metricNamespace', 'retryAttempts', 'encryption', 'replication',
] as const satisfies readonly (keyof ScheduledPgDumpOptions)[];

/** The shared options of a front end's props, without its cloud handles (an encryption's identity secret among them). */
export function scheduledPgDumpOptionsOf(props: ScheduledPgDumpOptions): ScheduledPgDumpOptions {
  const options: ScheduledPgDumpOptions = Object.fromEntries(
    SCHEDULED_PG_DUMP_OPTION_NAMES.filter((name) => props[name] !== undefined).map((name) => [name, props[name]]));
  // Only the recipients of an encryption written out are shared options; one given whole at deploy time (a CDK token, a
  // Pulumi output) stays whole, so that it is refused as given rather than read as having no recipients.
  const encryption = props.encryption;
  if (encryption === undefined) return options;
  const written = Object.getPrototypeOf(encryption) === Object.prototype;
  return { ...options, encryption: written ? { recipients: encryption.recipients } : encryption };
}

/** What the front end knows of the database and of how values are checked. */
export interface ScheduledPgDumpEnvironment {
  /** The major version the database handle tells, if any. */
  readonly databasePostgresMajorVersion?: number;
  /** How values are checked: unresolved values (tokens, outputs) and the construct that messages name. */
  readonly validation?: ValidationOptions;
  /**
   * Days the task logs are kept, as the front end's prop gives them.
   * @default DEFAULT_LOG_RETENTION_DAYS
   */
  readonly logRetentionDays?: number;
  /**
   * How long EventBridge Scheduler keeps trying to start a run, as the front end's prop (`path`) gives it, in seconds.
   * @default - DEFAULT_MAX_EVENT_AGE_SECONDS
   */
  readonly maxEventAge?: { readonly path: string; readonly seconds: number };
  /**
   * How the dump task connects: to a managed server (RDS reads no role passwords), and with `--database-url` when the
   * database's secret does not hold the host.
   * @default - a server of its own, the host in the secret
   */
  readonly connection?: { readonly managed: boolean; readonly databaseUrl: boolean };
}

/** The rule on a database's security group that lets backup tasks in, on the database's own port. */
export interface DatabaseIngressPlan {
  /** The protocol: PostgreSQL speaks TCP. */
  readonly protocol: 'tcp';
  /** What the rule says it is for. */
  readonly description: string;
}

/** One task schedule of a plan: an EventBridge Scheduler expression, its time zone, one run per database. */
export interface PlannedTaskSchedule extends EventBridgeSchedule {
  /** One run per database. */
  readonly runs: readonly ScheduledDumpRun[];
}

/** One schedule of a `ScheduledPgDump`: one database. */
export interface ScheduledDumpRun {
  /** Position of the database, which numbers the schedule's id (`Schedule0`, `<name>-schedule-0`). */
  readonly index: number;
  /** The database dumped. */
  readonly database: string;
  /** Description of the schedule. */
  readonly description: string;
  /**
   * Construct id of the schedule (CDK).
   * @default - the renderer's prefix and `index`: `Schedule0`
   */
  readonly id?: string;
  /**
   * Name of the schedule after `<component name>-` (Pulumi).
   * @default - `index`: `<name>-schedule-0`
   */
  readonly name?: string;
  /**
   * Its own expression and time zone, when the runs of one task differ (a fleet's servers).
   * @default - the task schedule's
   */
  readonly schedule?: EventBridgeSchedule;
}

/** A value of a planned command that only the front end knows: where the dumps are (`s3://<bucket>/<prefix>`), the database's URL. */
export interface CommandReference {
  /** Which value. */
  readonly ref: 'dump-location' | 'database-url';
  /**
   * Appended to the value: a server's folder under a fleet's location.
   * @default - nothing
   */
  readonly suffix?: string;
}

/** One scheduled run of a planned task: its database, description and container command. */
export interface PlannedTaskRun extends ScheduledDumpRun {
  /** The container command of the run, the front end's values named by reference. */
  readonly command: readonly (string | CommandReference)[];
}

/**
 * A task a `ScheduledPgDump` starts on a schedule (the dump, the prune) as one unit: the task, its container, its
 * role's grants, its security group and its schedules with one command per database. Each front end renders every
 * unit with one renderer.
 */
export interface ScheduledTaskPlan {
  /** `dump` writes new dumps and reaches the database; `prune` alone deletes dumps, and reaches AWS only. */
  readonly kind: 'dump' | 'prune';
  /** CDK construct ids: the task definition, its security group, the prefix of its schedules (`Schedule0`). */
  readonly ids: { readonly taskDefinition: string; readonly securityGroup: string; readonly schedule: string };
  /** Pulumi names after `<name>-`: the task definition's family, the prefix of its schedules (`<name>-schedule-0`). */
  readonly names: { readonly family: string; readonly schedule: string };
  /** The Fargate task's size. */
  readonly size: PlannedTaskSize;
  /** Its one container, the runner. */
  readonly container: {
    readonly name: string;
    readonly logStreamPrefix: string;
    /**
     * The command the task runs without a run's override.
     * @default - the first run's
     */
    readonly command?: readonly string[];
    /** Whether the container gets the database's secrets. */
    readonly databaseSecrets: boolean;
    /**
     * Seconds the runner gets to stop cleanly after SIGTERM.
     * @default - ECS's
     */
    readonly stopTimeoutSeconds?: number;
    /**
     * The plain environment (the age recipients), and what it holds, as a review of the finding on it says.
     * @default - none
     */
    readonly environment?: { readonly variables: Readonly<Record<string, string>>; readonly contents: string };
  };
  /** EventBridge Scheduler: the expression, its time zone, retries and event age, and one run per database. */
  readonly schedule: EventBridgeSchedule & {
    readonly retryAttempts: number; readonly maxEventAgeSeconds: number; readonly runs: readonly PlannedTaskRun[];
  };
  /** Descriptions of its role and security group. */
  readonly descriptions: { readonly taskRole: string; readonly securityGroup: string };
  /** What its role may do with the backups, by resource kind; the reviewed wildcard on the objects says the same. */
  readonly roleGrants: readonly IamActionGroup<BackupObjectResourceKind>[];
  readonly objectsAccess: 'write' | 'prune';
  /**
   * An execution role of its own (Pulumi): its description and grants.
   * @default - the first task's
   */
  readonly executionRole?: { readonly description: string; readonly grants: readonly IamActionGroup<TaskExecutionResourceKind>[] };
  /**
   * The rule that lets it into the database.
   * @default - it does not reach the database
   */
  readonly databaseIngress?: DatabaseIngressPlan;
  /**
   * Its role deletes dumps, so it exists before the bucket whose policy names it.
   * @default false
   */
  readonly deletes?: boolean;
  /**
   * The offsite copy it prunes too.
   * @default - none
   */
  readonly replica?: ReplicaPrunePlan;
}

/**
 * Scheduled tasks that share one schedules' role and one notification of a task that dies: a `ScheduledPgDump`'s dump
 * and prune, a fleet's dumps of every PostgreSQL major, a fleet's prune. Each front end renders a group with one renderer.
 */
export interface ScheduledTaskGroupPlan<T extends ScheduledTaskPlan = ScheduledTaskPlan> {
  /**
   * What names the group's schedules' role and rule after `<name>-` (Pulumi): `<name>-dump-scheduler-role`.
   * @default - the component's name alone: `<name>-scheduler-role`
   */
  readonly name?: string;
  /** CDK ids of the schedules' role and of the rule. */
  readonly ids: { readonly scheduleRole: string; readonly taskFailedRule: string };
  /** What the schedules' role is, and what it may do by resource kind. */
  readonly scheduleRole: { readonly description: string; readonly grants: readonly IamActionGroup<ScheduledTaskResourceKind>[] };
  /** The notification of a task of the group that dies. */
  readonly taskFailure: TaskFailureNotificationOptions;
  /**
   * Every later task runs with the first one's roles and security group (a fleet's dumps of every major).
   * @default false
   */
  readonly sharesFirstTask?: boolean;
  /** The tasks, the first one first. */
  readonly tasks: readonly T[];
}

/** The prune task of a `ScheduledPgDump` with a retention policy: its own schedule, its own role, the only one that deletes. */
export interface ScheduledPrunePlan {
  /** The retention it applies. */
  readonly retention: ResolvedBackupRetentionPolicy;
  /** The Fargate task: small, no database access. */
  readonly task: { readonly cpu: number; readonly memoryLimitMiB: number; readonly logStreamPrefix: string };
  /** EventBridge Scheduler: its own expression and time zone, one run per database. */
  readonly schedule: PlannedTaskSchedule;
  /** What its role may do, by resource kind: read, list and delete under the prefix, nothing else. */
  readonly roleGrants: readonly IamActionGroup<BackupObjectResourceKind>[];
  /** Descriptions of its resources. */
  readonly descriptions: { readonly taskRole: string; readonly securityGroup: string };
  /** A failed or halted prune per database (a halted prune means no dump succeeded within the RPO). */
  readonly alarms: readonly AlarmPlan[];
  /**
   * The offsite copy the same run prunes with the same retention, when the bucket is replicated (S3 replication never
   * brings the source's deletes): its location and what the prune role may do there.
   * @default - no offsite copy
   */
  readonly replica?: ReplicaPrunePlan;
}

/** Everything a `ScheduledPgDump` creates, decided once for every front end. */
export interface ScheduledPgDumpPlan {
  /** The databases dumped. */
  readonly databaseNames: readonly string[];
  /** PostgreSQL major version of the server and of the runner's client tools. */
  readonly postgresMajorVersion: number;
  /** Key prefix of the dumps. */
  readonly prefix: string;
  /** CloudWatch namespace of the runner's metrics. */
  readonly metricNamespace: string;
  /** The recovery-point objective the RPO alarms watch, hours. */
  readonly rpoHours: number;
  /** The dump policy with every default filled in. */
  readonly dump: LogicalDumpPolicy;
  /** The lifecycle rules of a created bucket. */
  readonly lifecycleRules: readonly LifecycleRule[];
  /** The Fargate task. */
  readonly task: {
    readonly cpu: number;
    readonly memoryLimitMiB: number;
    readonly ephemeralStorageGiB?: number;
    readonly containerName: string;
    /** pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest. */
    readonly stopTimeoutSeconds: number;
    readonly logStreamPrefix: string;
    /** Days the task logs are kept. */
    readonly logRetentionDays: number;
    /** The runner container's plain environment: the age recipients when dumps are encrypted (public keys only). */
    readonly environment: Readonly<Record<string, string>>;
  };
  /**
   * The age public keys every object is encrypted to.
   * @default - not encrypted
   */
  readonly encryption?: { readonly recipients: readonly string[] };
  /** EventBridge Scheduler: the expression, its time zone, one run per database; the retries and event age of every schedule. */
  readonly schedule: PlannedTaskSchedule & { readonly retryAttempts: number; readonly maxEventAgeSeconds: number };
  /** Descriptions of the resources, as the console shows them. */
  readonly descriptions: {
    readonly securityGroup: string;
    readonly scheduleRole: string;
    readonly taskRole: string;
    readonly executionRole: string;
  };
  /** The rule on the database's security group that lets the dump task in. */
  readonly databaseIngress: DatabaseIngressPlan;
  /** What the dump task's role may do, by resource kind: write and tag new backups, read and list them; never delete. */
  readonly taskRoleGrants: readonly IamActionGroup<BackupObjectResourceKind>[];
  /** What the tasks' execution role may do, by resource kind, where the framework does not grant it itself. */
  readonly executionRoleGrants: readonly IamActionGroup<TaskExecutionResourceKind>[];
  /**
   * The prune task, when `dump.retention` is set.
   * @default - none: dumps expire by the bucket lifecycle's `retentionDays`
   */
  readonly prune?: ScheduledPrunePlan;
  /**
   * The offsite copy of the bucket, when `replication` is set (its alarms are among `alarms`).
   * @default - none
   */
  readonly replication?: BucketReplicationPlan;
  /** The tasks started on a schedule, the dump first, then the prune when there is one, with their schedules' role and failure rule. */
  readonly scheduledTasks: ScheduledTaskGroupPlan;
  /** Failed dump and RPO missed per database, the dead-lettered start, failed and late replication, then failed prunes. */
  readonly alarms: readonly AlarmPlan[];
  /** What the construct protects, for tools that report it. */
  readonly protection: {
    readonly kind: 'logical-dump';
    readonly databaseNames: readonly string[];
    readonly schedule: string;
    readonly prefix: string;
    readonly retentionDays?: number;
    readonly objectLock?: string;
    readonly rpoHours: number;
    readonly encryptedTo?: readonly string[];
    readonly replica?: ProtectionReplica;
    /** The grandfather-father-son classes and floor the prune task keeps, when `dump.retention` is set. */
    readonly retention?: {
      readonly daily: number; readonly weekly: number; readonly monthly: number; readonly yearly: number; readonly minimumKept: number;
    };
  };
}

function backupPolicyOf(options: ScheduledPgDumpOptions): BackupPolicy {
  return {
    logicalDump: options.dump ?? {},
    alarms: options.rpoHours !== undefined ? { rpoHours: options.rpoHours } : undefined,
    immutability: options.objectLock,
  };
}

/**
 * Checks the options of a `ScheduledPgDump`, every problem at once: core's policy rules, the RPO an alarm can watch, the
 * Fargate task size, the database names and major version, the retry count, the prefix and the dump lifecycle.
 * `postgresMajorVersion` is the one the plan would use (the option, else the database's).
 */
export function checkScheduledPgDumpOptions(validator: Validator, options: ScheduledPgDumpOptions): void {
  // The checks below read the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(SCHEDULED_PG_DUMP_LITERAL_PROPS, options)) return;
  checkAlarmRpoHours(validator, options.rpoHours, checkPolicy(backupPolicyOf(options), validator.optionsFor(SCHEDULED_PG_DUMP_PROP_PATHS)));
  checkFargateTaskSize(validator, {
    cpu: options.cpu ?? 1024, memoryLimitMiB: options.memoryLimitMiB ?? 2048, ephemeralStorageGiB: options.ephemeralStorageGiB,
  });
  checkDatabaseNames(validator, 'databaseNames', options.databaseNames ?? ['postgres']);
  if (options.postgresMajorVersion === undefined) {
    validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
  }
  validator.integer('postgresMajorVersion', options.postgresMajorVersion, 10, 99);
  validator.integer('retryAttempts', options.retryAttempts, 0, 185);
  const prefix = options.prefix ?? DEFAULT_DUMP_PREFIX;
  validator.matches('prefix', prefix, S3_PREFIX_PATTERN, S3_PREFIX_ALLOWED);
  checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  checkDumpEncryption(validator, options.encryption);
  // The bucket's lifecycle is checked once the policy itself is valid, so no problem is reported twice.
  const lifecycleChecked = validator.issues.length === 0 && !validator.isUnresolved(options.dump);
  const lifecycleRules = lifecycleChecked ? dumpBucketLifecycleRules(options.dump ?? {}, { prefix: `${prefix}/`, validator, path: 'lifecycleRules' }) : [];
  checkBucketReplication(validator, options.replication, replicatedDumpBucket(lifecycleRules, options.objectLock));
}

/** The dump bucket as its replication sees it. */
function replicatedDumpBucket(lifecycleRules: readonly LifecycleRule[], objectLock: ImmutabilityPolicy | undefined): ReplicatedBucket {
  return {
    path: 'replication',
    contents: 'dumps',
    lifecycleRules,
    sourceBucket: 'backup-bucket',
    ...(objectLock !== undefined ? { objectLock: { path: 'objectLock', policy: objectLock } } : {}),
  };
}

/**
 * What a `ScheduledPgDump` exposes of core's plan, the same in every front end: each front end's class declares these
 * attributes by extending this interface and takes their values from {@link scheduledPgDumpAttributes}.
 */
export interface ScheduledPgDumpAttributes {
  /** What this construct creates, as core decided it. */
  readonly plan: ScheduledPgDumpPlan;
  /** The dump policy with every default filled in. */
  readonly dumpPolicy: LogicalDumpPolicy;
  /** The recovery-point objective the RPO alarm watches, hours. */
  readonly rpoHours: number;
  /** The databases dumped. */
  readonly databaseNames: readonly string[];
  /** PostgreSQL major version of the server and of the runner's client tools. */
  readonly postgresMajorVersion: number;
  /** CloudWatch namespace of the runner's metrics. */
  readonly metricNamespace: string;
  /** The key prefix of the dumps. */
  readonly prefix: string;
  /** The lifecycle rules of a created bucket. */
  readonly lifecycleRules: readonly LifecycleRule[];
}

/** The attributes of a `ScheduledPgDump` with `plan`. */
export function scheduledPgDumpAttributes(plan: ScheduledPgDumpPlan): ScheduledPgDumpAttributes {
  const { dump: dumpPolicy, rpoHours, databaseNames, postgresMajorVersion, metricNamespace, prefix, lifecycleRules } = plan;
  return { plan, dumpPolicy, rpoHours, databaseNames, postgresMajorVersion, metricNamespace, prefix, lifecycleRules };
}

/** The options with the major version the plan uses: the option, else what the database tells. */
export function withPostgresMajorVersion(options: ScheduledPgDumpOptions, environment: ScheduledPgDumpEnvironment): ScheduledPgDumpOptions {
  return { ...options, postgresMajorVersion: options.postgresMajorVersion ?? environment.databasePostgresMajorVersion };
}

/**
 * Validates the options of a front end's props (throwing a `PolicyValidationError` that lists every problem; what is not
 * known yet is checked again through `validation.whenKnown`) and decides what a `ScheduledPgDump` creates: one task, one
 * schedule and two alarms per database, a dead-letter queue and its alarm, the grants of the schedules' role, the
 * bucket's lifecycle, and what it records as protected.
 */
export function planScheduledPgDump(props: ScheduledPgDumpOptions, environment: ScheduledPgDumpEnvironment = {}): ScheduledPgDumpPlan {
  const validation = environment.validation ?? {};
  // Only the shared options are checked, so that a deferred check waits for no value of a cloud handle.
  const options = scheduledPgDumpOptionsOf(props);
  const checked = withPostgresMajorVersion(options, environment);
  const validator = new Validator(validation);
  checkScheduledPgDumpOptions(validator, checked);
  // The front ends' own props for the same two settings: EventBridge Scheduler keeps an event from 1 minute to 24 hours.
  if (environment.maxEventAge) validator.integer(environment.maxEventAge.path, environment.maxEventAge.seconds, 60, 86_400, 'seconds');
  validator.throwIfInvalid();
  validation.whenKnown?.(checked, (known) => {
    const later = new Validator({ construct: validation.construct });
    checkScheduledPgDumpOptions(later, known as ScheduledPgDumpOptions);
    later.throwIfInvalid();
  });

  const resolved = resolveBackupPolicy(backupPolicyOf(options), validation);
  const dump = resolved.logicalDump!;
  const rpoHours = resolved.alarms.rpoHours;
  if (rpoHours > MAX_ALARM_RPO_HOURS) {
    validator.report({
      path: 'rpoHours',
      value: rpoHours,
      allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`,
      reason: 'derived from the dump schedule; a CloudWatch alarm looks back at most 7 days, so set rpoHours',
    });
    validator.throwIfInvalid();
  }
  const databaseNames = [...(options.databaseNames ?? ['postgres'])];
  const prefix = options.prefix ?? DEFAULT_DUMP_PREFIX;
  const metricNamespace = options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
  const schedule = renderEventBridgeSchedule(dump.schedule, 'dump.schedule');
  const lifecycleRules = dumpBucketLifecycleRules(dump, { prefix: `${prefix}/`, path: 'lifecycleRules' });
  const replication = options.replication && planBucketReplication(options.replication, replicatedDumpBucket(lifecycleRules, options.objectLock));
  const plan: Omit<ScheduledPgDumpPlan, 'scheduledTasks'> = {
    databaseNames,
    postgresMajorVersion: checked.postgresMajorVersion!,
    prefix,
    metricNamespace,
    rpoHours,
    dump,
    lifecycleRules,
    task: {
      cpu: options.cpu ?? 1024,
      memoryLimitMiB: options.memoryLimitMiB ?? 2048,
      ephemeralStorageGiB: options.ephemeralStorageGiB ?? dumpTaskEphemeralStorageGiB([dump]),
      containerName: DUMP_CONTAINER_NAME,
      stopTimeoutSeconds: 30,
      logStreamPrefix: 'dump',
      logRetentionDays: environment.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      environment: dumpEncryptionEnvironment(options.encryption),
    },
    ...(options.encryption ? { encryption: { recipients: [...options.encryption.recipients] } } : {}),
    schedule: {
      ...schedule,
      retryAttempts: options.retryAttempts ?? SCHEDULE_START_RETRY.attempts,
      maxEventAgeSeconds: environment.maxEventAge?.seconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS,
      runs: databaseNames.map((database, index) => ({ index, database, description: `pg_dump of ${database} to s3 ${prefix}/` })),
    },
    descriptions: {
      securityGroup: 'Scheduled pg_dump task: no inbound traffic; outbound to the database and AWS APIs',
      scheduleRole: 'Starts the scheduled pg_dump task in its cluster and tags it',
      taskRole: 'pg_dump task: write new dumps under its prefix, nothing else',
      executionRole: 'Starts the pg_dump task: its logs and the database secret',
    },
    databaseIngress: { protocol: 'tcp', description: DATABASE_INGRESS_DESCRIPTION },
    taskRoleGrants: BACKUP_WRITE_IAM_ACTIONS,
    executionRoleGrants: TASK_EXECUTION_IAM_ACTIONS,
    ...(dump.retention ? {
      prune: {
        ...planPrune(resolveBackupRetention(dump.retention), databaseNames, prefix, metricNamespace),
        ...(replication?.prunable ? { replica: planReplicaPrune(replication, prefix) } : {}),
      },
    } : {}),
    ...(replication ? { replication } : {}),
    alarms: [
      ...databaseNames.flatMap((database, index): AlarmPlan[] => [
        {
          id: `FailedDumpAlarm${index}`,
          name: `failed-dump-${index}`,
          description: `A pg_dump of ${database} failed; see the task logs`,
          metric: runnerMetric(metricNamespace, DUMP_METRICS.failures, database, 300),
          threshold: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          // No failure metric means no failed run; a run that never reports is caught by the RPO alarm.
          treatMissingData: 'notBreaching',
        },
        {
          id: `RpoAlarm${index}`,
          name: `rpo-${index}`,
          description: `No successful pg_dump of ${database} within the RPO of ${rpoHours} hours`,
          metric: runnerMetric(metricNamespace, DUMP_METRICS.successes, database, rpoHours * 3600),
          threshold: 1,
          comparisonOperator: 'LessThanThreshold',
          // A dump that stops silently publishes nothing: that must page too.
          treatMissingData: 'breaching',
        },
      ]),
      {
        id: 'ScheduleDeadLetterAlarm',
        name: 'schedule-dead-letters',
        description: 'EventBridge Scheduler could not start a pg_dump or prune task, or EventBridge could not send a task-failed notification to the topic; the event is in the dead-letter queue. When the topic is what fails, this alarm reaches no one either: it still shows in CloudWatch',
        metric: deadLetterQueueMetric('dead-letter-queue'),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
      ...(replication?.alarms ?? []),
    ],
    protection: {
      kind: 'logical-dump',
      databaseNames,
      schedule: `${schedule.scheduleExpression} ${schedule.scheduleExpressionTimezone}`,
      prefix: `${prefix}/`,
      retentionDays: dump.retentionDays,
      objectLock: options.objectLock ? `${options.objectLock.mode ?? 'governance'} ${options.objectLock.days} days` : undefined,
      rpoHours,
      ...(options.encryption ? { encryptedTo: [...options.encryption.recipients] } : {}),
      ...(replication ? { replica: { ...replication.protection, ...(dump.retention && replication.prunable ? { pruned: true } : {}) } } : {}),
      ...(dump.retention ? { retention: retentionCounts(dump.retention) } : {}),
    },
  };
  return {
    ...plan,
    alarms: [...plan.alarms, ...(plan.prune?.alarms ?? [])],
    scheduledTasks: planScheduledTasks(plan, environment.connection ?? { managed: false, databaseUrl: false }),
  };
}

/** The dump task and, with a retention policy, the prune task of a plan, each as one unit, started by one schedules' role. */
function planScheduledTasks(
  plan: Omit<ScheduledPgDumpPlan, 'scheduledTasks'>, connection: { readonly managed: boolean; readonly databaseUrl: boolean },
): ScheduledTaskGroupPlan {
  // The runner argv takes the location and the URL as whole arguments: placeholders become references.
  const location = '<dump-location>';
  const databaseUrl = connection.databaseUrl ? '<database-url>' : undefined;
  const referenced = (argv: readonly string[]): (string | CommandReference)[] => argv.map((arg) => (arg === location ? { ref: 'dump-location' }
    : arg === databaseUrl ? { ref: 'database-url' } : arg));
  const { schedule, task, prune } = plan;
  const runs = (scheduled: PlannedTaskSchedule, command: (database: string) => readonly string[]): PlannedTaskRun[] => scheduled.runs
    .map((run) => ({ ...run, command: referenced(command(run.database)) }));
  const { retryAttempts, maxEventAgeSeconds } = schedule;
  const dumpTask: ScheduledTaskPlan = {
    kind: 'dump',
    ids: { taskDefinition: 'Task', securityGroup: 'TaskSecurityGroup', schedule: 'Schedule' },
    names: { family: 'pg-dump', schedule: 'schedule' },
    size: { cpu: task.cpu, memoryLimitMiB: task.memoryLimitMiB, ephemeralStorageGiB: task.ephemeralStorageGiB },
    container: {
      name: task.containerName,
      logStreamPrefix: task.logStreamPrefix,
      databaseSecrets: true,
      stopTimeoutSeconds: task.stopTimeoutSeconds,
      ...(plan.encryption ? { environment: { variables: task.environment, contents: 'the age public keys the dumps are encrypted to' } } : {}),
    },
    schedule: {
      ...schedule,
      runs: runs(schedule, (database) => scheduledDumpCommand(plan, database, location, { managed: connection.managed, databaseUrl })),
    },
    descriptions: { taskRole: plan.descriptions.taskRole, securityGroup: plan.descriptions.securityGroup },
    roleGrants: plan.taskRoleGrants,
    objectsAccess: 'write',
    executionRole: { description: plan.descriptions.executionRole, grants: plan.executionRoleGrants },
    databaseIngress: plan.databaseIngress,
  };
  const group = {
    ids: { scheduleRole: 'ScheduleRole', taskFailedRule: 'TaskFailedRule' },
    scheduleRole: { description: plan.descriptions.scheduleRole, grants: SCHEDULED_TASK_IAM_ACTIONS },
    taskFailure: { description: 'A scheduled pg_dump task stopped with a non-zero exit code or failed to start', subject: 'A scheduled pg_dump task' },
  };
  if (!prune) return { ...group, tasks: [dumpTask] };
  const pruneTask: ScheduledTaskPlan = {
    kind: 'prune',
    ids: { taskDefinition: 'PruneTask', securityGroup: 'PruneSecurityGroup', schedule: 'PruneSchedule' },
    names: { family: 'pg-backup-prune', schedule: 'prune-schedule' },
    size: { cpu: prune.task.cpu, memoryLimitMiB: prune.task.memoryLimitMiB },
    container: { name: task.containerName, logStreamPrefix: prune.task.logStreamPrefix, databaseSecrets: false },
    schedule: {
      ...prune.schedule, retryAttempts, maxEventAgeSeconds, runs: runs(prune.schedule, (database) => scheduledPruneCommand(plan, database, location)),
    },
    descriptions: prune.descriptions,
    roleGrants: prune.roleGrants,
    objectsAccess: 'prune',
    deletes: true,
    ...(prune.replica ? { replica: prune.replica } : {}),
  };
  return { ...group, tasks: [dumpTask, pruneTask] };
}

/** The Pulumi names of a scheduled task's resources of the component `name` (`<name>-task-role`, `<name>-prune-role`…). */
export function scheduledTaskNames(name: string, task: ScheduledTaskPlan): PlannedTaskNames & { readonly family: string; readonly schedule: string } {
  const names = task.kind === 'dump' ? taskResourceNames(name) : pruneTaskResourceNames(name);
  return { ...names, family: `${name}-${task.names.family}`, schedule: `${name}-${task.names.schedule}` };
}

/** One database a prune task prunes: its scheduled run and its alarm. */
export interface PruneTarget {
  /** Position of the database, which numbers its schedule (`PruneSchedule0`). */
  readonly index: number;
  /** The database pruned. */
  readonly database: string;
  /** Description of its prune schedule. */
  readonly description: string;
  /** How its alarm names the database: `orders`, `orders on billing`. */
  readonly subject: string;
  /** Id and name of its alarm. */
  readonly alarm: { readonly id: string; readonly name: string };
  /**
   * Metric dimensions besides `Database`, as the prune run publishes them (`--metric-dimension`).
   * @default - none
   */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** What the prune task's role and resources are described as. */
const PRUNE_DESCRIPTIONS = {
  taskRole: 'pg-backup prune task: the only role that may delete dumps, under its prefix only',
  securityGroup: 'Scheduled pg-backup prune task: no inbound traffic; outbound to AWS APIs',
} as const;

/**
 * The prune task of dumps with a retention policy, for a `ScheduledPgDump` or a server of a `PostgresBackupBlueprint`:
 * a small task on the retention's own schedule, one run per target, a role that alone may delete (read, list and
 * delete under the prefix), and per target an alarm on a failed or halted prune. `schedulePath` names the prune
 * schedule as the user wrote it.
 */
export function planScheduledPrune(
  retention: ResolvedBackupRetentionPolicy, targets: readonly PruneTarget[], metricNamespace: string, schedulePath: string,
): ScheduledPrunePlan {
  const schedule = renderEventBridgeSchedule(retention.pruneSchedule, schedulePath);
  return {
    retention,
    task: { cpu: 256, memoryLimitMiB: 512, logStreamPrefix: 'prune' },
    schedule: { ...schedule, runs: targets.map(({ index, database, description }) => ({ index, database, description })) },
    roleGrants: BACKUP_PRUNE_IAM_ACTIONS,
    descriptions: PRUNE_DESCRIPTIONS,
    alarms: targets.map((target): AlarmPlan => {
      const metric = runnerMetric(metricNamespace, PRUNE_FAILURES_METRIC, target.database, 300);
      return {
        id: target.alarm.id,
        name: target.alarm.name,
        description: `A pg-backup prune of ${target.subject} failed or deleted nothing because no dump succeeded within the RPO; see the task logs`,
        metric: target.dimensions ? { ...metric, dimensions: { ...metric.dimensions, ...target.dimensions } } : metric,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      };
    }),
  };
}

/** The prune task of a plan whose dumps have a retention policy. */
function planPrune(
  retention: ResolvedBackupRetentionPolicy, databaseNames: readonly string[], prefix: string, metricNamespace: string,
): ScheduledPrunePlan {
  return planScheduledPrune(retention, databaseNames.map((database, index) => ({
    index,
    database,
    description: `pg-backup prune of ${database} under s3 ${prefix}/`,
    subject: database,
    alarm: { id: `PruneAlarm${index}`, name: `prune-${index}` },
  })), metricNamespace, 'dump.retention.pruneSchedule');
}

/**
 * The container command of the prune task for one database of a plan with a retention policy, pruning `location`
 * (`s3://bucket/prefix`) and, when the bucket is replicated, its offsite copy: `pg-backup prune …` with every count and
 * the RPO spelled out.
 */
export function scheduledPruneCommand(plan: Pick<ScheduledPgDumpPlan, 'prune' | 'rpoHours' | 'metricNamespace'>, database: string, location: string): string[] {
  if (!plan.prune) throw new Error('the plan has no prune task (dump.retention is not set)');
  return runnerPruneArgv(plan.prune.retention, {
    from: location,
    database,
    rpoHours: plan.rpoHours,
    metricsNamespace: plan.metricNamespace,
    ...(plan.prune.replica ? { replicas: [plan.prune.replica.location] } : {}),
  });
}

/**
 * The container command that dumps one database of the plan to `location` (`s3://bucket/prefix`): `pg-backup dump …`
 * (the image's entrypoint is `pg-backup`), with `--database-url` when the connection is given as a URL.
 */
export function scheduledDumpCommand(
  plan: Pick<ScheduledPgDumpPlan, 'dump' | 'metricNamespace'>, database: string, location: string, connection: { readonly managed: boolean; readonly databaseUrl?: string },
): string[] {
  const argv = runnerDumpArgv(plan.dump, { to: location, database, noRolePasswords: connection.managed, metricsNamespace: plan.metricNamespace });
  return connection.databaseUrl === undefined ? argv : [...argv, '--database-url', connection.databaseUrl];
}

export { ecsTaskFailedDetail } from './ecs-task-failure';
