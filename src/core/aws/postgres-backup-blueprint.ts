import * as crypto from 'node:crypto';
import { AlarmPlan, DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS, MetricPlan, deadLetterQueueMetric } from './alarm-plan';
import { AwsBackupPlanPlan, planAwsBackupPlan, planBackupRules } from './backup-plan-rules';
import { BlueprintDrillGroup, blueprintDrillGroups, chunkDrillDatabases, drillGroupCheckFile } from './blueprint-drill-groups';
import { BlueprintRestoreTestingOptions, BlueprintRestoreTestingPlan, checkBlueprintRestoreTesting, planBlueprintRestoreTesting } from './blueprint-restore-testing';
import {
  BlueprintCostEstimateInputs, blueprintTierPolicy, checkBlueprintFleetSettings, estimateBlueprintServerCost, pitrNotAppliedMessage,
  planBlueprintServer, renderBlueprintRunbook,
} from './blueprint-server';
import {
  BucketReplicationOptions, BucketReplicationPlan, ReplicatedBucket, checkBucketReplication, planBucketReplication, planReplicaPrune,
  replicationCostInputs,
} from './bucket-replication';
import { drillAgeAlarm, checkMaxDrillAgeDays } from './drill-age-alarm';
import { dumpTaskEphemeralStorageGiB } from './fargate-sizes';
import { fleetRtoAlarms } from './fleet-rto-alarms';
import { IamActionGroup, SCHEDULED_TASK_IAM_ACTIONS, ScheduledTaskResourceKind } from './iam-action-groups';
import { POSTGRES_BACKUP_BLUEPRINT_LITERAL_PROPS } from './literal-props';
import { DatabaseStorageEncryption, ResolvedVaultLock, VaultLockSettings, checkManagedBackupPlan, resolveVaultLock } from './managed-backup-plan';
import { ManagedDatabaseSettings, ManagedPostgresKind, managedSettingsDifferences } from './managed-postgres-database';
import { StateMachineSchedulePlan } from './planned-state-machine';
import { failedExecutionsExpression } from './restore-drill-alarms';
import { SCHEDULE_START_RETRY } from './schedule-start-retry';
import { DatabaseIngressPlan, ScheduledPrunePlan, planScheduledPrune } from './scheduled-pg-dump';
import {
  DrillPlaceholder, FleetDrillDatabase, FleetDrillInput, FleetRestoreDrillStateMachine, fleetDrillExecutionTimeoutSeconds, fleetDumpRestoreDrill,
} from './state-machines';
import { CHECKS_DIRECTORY } from './verify-restore';
import { resolveBackupRetention, retentionCounts } from '../policy/backup-retention';
import { BackupTier, BackupTierOptions, BackupTierOverrides } from '../policy/backup-tier';
import { CostEstimate } from '../policy/cost-estimate';
import { DatabaseProtection, costEstimateProtection } from '../policy/database-protection';
import { resolveBackupPlan, resolveImmutability, resolveLogicalDump, resolveManagedSnapshots, resolveVerification } from '../policy/defaults';
import { AGE_IDENTITY_ENV, DumpEncryptionOptions, checkDrillIdentitySecret, checkDumpEncryption, dumpEncryptionEnvironment } from '../policy/dump-encryption';
import { dumpBucketLifecycleRules } from '../policy/lifecycle';
import { LifecycleRule } from '../policy/lifecycle-rules';
import { BackupPolicy, BackupRetentionPolicy, CopyPolicy, ImmutabilityPolicy, LogicalDumpPolicy } from '../policy/policy';
import { runbookFileName } from '../policy/runbook';
import { EventBridgeSchedule, renderAwsBackupSchedule, renderEventBridgeSchedule } from '../policy/schedule';
import { ValidationOptions, Validator } from '../policy/validation';
import { runnerDumpArgv, runnerPruneArgv } from '../postgres/runner-argv';

/** Name of the runner container in the fleet's dump and verify task definitions. */
export const BLUEPRINT_RUNNER_CONTAINER_NAME = 'runner';

/** The metric dimension, besides `Database`, that tells apart databases of the same name on different servers. */
export const BLUEPRINT_SERVER_DIMENSION = 'Server';

/**
 * One server of a blueprint, the fields every front end shares; the CDK and Pulumi entries extend it with the
 * database handle.
 */
export interface BlueprintServerOptions {
  /**
   * Short id of the server in the fleet: 1–40 lowercase letters, digits and hyphens. It names the dumps' folder
   * (`<prefix>/<id>/`), the `Server` metric dimension, and the construct ids or resource names.
   */
  readonly id: string;
  /**
   * The databases on the server that are dumped and drilled.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * The tier of this server.
   * @default - the blueprint's tier
   */
  readonly tier?: BackupTier;
  /**
   * Changes to the tier for this server only (schedule, retention, RTO, checks, …). Immutability is the blueprint's:
   * the bucket and the vault are shared.
   * @default - none
   */
  readonly overrides?: BackupTierOverrides;
  /**
   * PostgreSQL major version of the server.
   * @default - the database's own, when its handle tells it; required otherwise
   */
  readonly postgresMajorVersion?: number;
  /**
   * Sizes for the monthly storage-cost estimate.
   * @default - the allocated storage of an RDS instance when the front end knows it, else no estimate
   */
  readonly estimate?: BlueprintCostEstimateInputs;
  /**
   * Whether AWS Backup restore-tests this server's recovery points: `false` leaves it out of the blueprint's
   * `restoreTesting`; `true` insists (an error when it cannot be: it must be an RDS instance or Aurora cluster whose
   * tier has a `backupPlan`, with the blueprint's `restoreTesting` set).
   * @default - tested when the blueprint's `restoreTesting` is set and the server is a managed database with a backup plan
   */
  readonly restoreTesting?: boolean;
}

/**
 * The options of a `PostgresBackupBlueprint` that are the same in every AWS front end; the CDK props and the Pulumi
 * args extend them with the cloud handles (VPC, topic, cluster…) and their types of a server entry and of the dumps'
 * encryption.
 */
export interface PostgresBackupBlueprintOptions<
  Server extends BlueprintServerOptions = BlueprintServerOptions, Encryption extends DumpEncryptionOptions = DumpEncryptionOptions,
> {
  /** The tier every server gets unless it names its own: `BackupTier.GOLD`, `SILVER`, `BRONZE`, or a derived one. */
  readonly tier: BackupTier;
  /**
   * What the tiers need from this deployment: copy destinations (`copyRegion`, `copyAccount`, their vault ARNs), the
   * notification target.
   * @default - the deployment's region (the stack's; in Pulumi the `aws:region` config, else `AWS_REGION` or `AWS_DEFAULT_REGION`) as the source region, nothing else
   */
  readonly tierOptions?: BackupTierOptions;
  /** The servers and their databases. */
  readonly databases: readonly Server[];
  /**
   * Name of the shared bucket, so runbooks can name it before deployment.
   * @default - CDK: `pg-backups-<account>-<region>-<hash of the construct's path>` when the stack's environment is known, else generated; Pulumi: generated
   */
  readonly bucketName?: string;
  /**
   * Key prefix of the fleet's dumps; each server's dumps are under `<prefix>/<id>/`.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * Vault lock settings beyond the tier's immutability (grace time, maximum retention).
   * @default - 3 days of grace in compliance mode, no maximum
   */
  readonly vaultLock?: VaultLockSettings;
  /**
   * CPU units of the dump task.
   * @default 1024
   */
  readonly dumpCpu?: number;
  /**
   * Memory of the dump task, MiB.
   * @default 2048
   */
  readonly dumpMemoryLimitMiB?: number;
  /**
   * CPU units of the drill task (scratch server and runner).
   * @default 2048
   */
  readonly drillCpu?: number;
  /**
   * Memory of the drill task, MiB.
   * @default 8192
   */
  readonly drillMemoryLimitMiB?: number;
  /**
   * Ephemeral storage of the drill task, GiB (21–200): about twice the largest database.
   * @default 50
   */
  readonly drillEphemeralStorageGiB?: number;
  /**
   * Databases drilled at the same time.
   * @default 2
   */
  readonly maxConcurrentDrills?: number;
  /**
   * Alarm per drilled database when none of its restore drills succeeded within this many days: an integer from 1 to 7
   * (a CloudWatch alarm looks back at most seven days), longer than the longest gap between two of its scheduled drills
   * plus its RTO and an hour. Its `RestoreDrillSucceeded` is read over one period of that many days and missing data
   * breaches, so a drill that fails, stops being scheduled or never starts pages, as `VerifyRestore`'s does.
   * @default - no such alarm (failed drills alarm all the same)
   */
  readonly maxDrillAgeDays?: number;
  /**
   * CloudWatch namespace of the runner's and the drills' metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Encrypt every object of every dump of the fleet with age to these public keys (after compression). The dump tasks
   * get only the public keys (in their environment); each front end adds the secret holding an identity (required when
   * a tier drills), which only the fleet's restore drills read (their execution role injects it), never a dump or prune
   * task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: Encryption;
  /**
   * Grandfather-father-son retention of the dumps of every server whose tier and overrides set no
   * `logicalDump.retention` (a server sets its own with `overrides: { logicalDump: { retention } }`): a prune task,
   * whose role alone may delete, keeps the first dump of the newest days, weeks, months and years and never fewer than
   * `minimumKept`, and deletes nothing while no dump succeeded within the RPO. A server's `retentionDays` is then only
   * the bucket lifecycle's safety net: a tier's `retentionDays` gives way to its default (twice the longest class, at
   * least 60 days) unless the server's overrides set one.
   * @default - no prune task: dumps expire by their tier's `retentionDays`
   */
  readonly retention?: BackupRetentionPolicy;
  /**
   * Copy every dump of the fleet offsite: S3 replication of the bucket to a bucket in another region and/or account,
   * with Replication Time Control, replication metrics and alarms on failed or late replication; delete markers are
   * never replicated.
   * @default - no offsite copy
   */
  readonly replication?: BucketReplicationOptions;
  /**
   * AWS Backup restore testing of the managed servers' recovery points in the fleet's vault: one restore testing plan
   * (schedule, latest or random recovery point of a window, how long the restored database lives, its subnet group
   * and security groups) selecting every RDS instance and Aurora cluster whose tier has a `backupPlan`, but those
   * whose entry sets `restoreTesting: false`. A failed restore job notifies the fleet's topic through the vault.
   * @default - no restore testing
   */
  readonly restoreTesting?: BlueprintRestoreTestingOptions;
}

/** What the front end knows of one server's database handle. */
export interface BlueprintServerHandle {
  /** Whether the server is an RDS instance or Aurora cluster whose snapshots and AWS Backup plan the tier may set. */
  readonly managed: boolean;
  /**
   * The major version the handle tells.
   * @default - none: the entry must give `postgresMajorVersion`
   */
  readonly postgresMajorVersion?: number;
  /**
   * How a managed database is encrypted, for the checks of account copies.
   * @default 'unknown'
   */
  readonly storageEncryption?: DatabaseStorageEncryption;
  /**
   * The allocated storage of an RDS instance, GB, for the cost estimate.
   * @default - unknown
   */
  readonly allocatedStorageGb?: number;
  /**
   * Instance or Aurora cluster, when managed: the resource type restore tests select.
   * @default 'instance'
   */
  readonly kind?: ManagedPostgresKind;
  /**
   * Whether the tasks can take the connection from a secret holding the server's host (RDS-style JSON): the shared dump
   * task reads nothing else, so a server without one is refused.
   * @default true
   */
  readonly connectionSecret?: boolean;
}

/** What the front end knows of the deployment and of how values are checked. */
export interface PostgresBackupBlueprintEnvironment {
  /** One handle per entry of `databases`, in their order. */
  readonly servers: readonly BlueprintServerHandle[];
  /**
   * The deployment's region, the tiers' source region unless `tierOptions` names one.
   * @default - unknown
   */
  readonly region?: string;
  /**
   * The deployment's account, to reject an account copy into that same account.
   * @default - unknown: not checked
   */
  readonly account?: string;
  /** How values are checked: unresolved values (tokens, outputs) and the construct that messages name. */
  readonly validation?: ValidationOptions;
  /**
   * Checks of the front end's own props (its handles, its log retention), reported in the same error as core's.
   * @default - none
   */
  readonly check?: (validator: Validator) => void;
  /**
   * The secret holding the age identity of encrypted dumps, as the front end's prop gives it: whether it is given, and
   * its path in the props (`encryption.identitySecret`, `encryption.identitySecretArn`).
   * @default - none given
   */
  readonly identitySecret?: { readonly given: boolean; readonly path: string };
  /**
   * The construct's name (CDK: its unique id; Pulumi: its name), which names the restore testing plan.
   * @default 'postgres_backup_blueprint'
   */
  readonly name?: string;
  /**
   * The construct's path (CDK), which names the default bucket `pg-backups-<account>-<region>-<hash of the path>` when
   * `account` and `region` are known, so runbooks can name it before deployment.
   * @default - no default name: the bucket's name is generated at deployment
   */
  readonly constructPath?: string;
}

/** One protected database of the fleet, as planned. */
export interface BlueprintDatabasePlan {
  /** The server's id. */
  readonly serverId: string;
  /** The PostgreSQL database. */
  readonly databaseName: string;
  /** `<serverId>/<databaseName>`: the drill's `Database` metric dimension and the subject of its notifications. */
  readonly label: string;
  /** The construct id suffix of its resources in CDK (`DumpSchedule-<id>`, `RpoAlarm-<id>`). */
  readonly id: string;
  /** The resource name suffix of its resources in Pulumi (`<blueprint>-<name>-dump`): lowercase, other characters as `-`. */
  readonly name: string;
  /** Description of its dump schedule. */
  readonly scheduleDescription: string;
  /** The alarm when no dump succeeded within the RPO. */
  readonly rpoAlarm: AlarmPlan;
  /** Where its runbook is filed: `<serverId>/<database>.md`. */
  readonly runbookFile: string;
}

/** One protected database of a blueprint, as every front end exposes it; each adds its dump schedule, alarm and runbook. */
export interface BlueprintProtectedDatabaseFields {
  /** The server's id. */
  readonly serverId: string;
  /** The PostgreSQL database. */
  readonly databaseName: string;
  /** `<serverId>/<databaseName>`: the drill's `Database` metric dimension and the subject of its notifications. */
  readonly label: string;
  /** The policy the server's tier gives it, with the overrides applied. */
  readonly policy: BackupPolicy;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
}

/** The fields of a protected database that core decides. */
export function blueprintProtectedDatabaseFields(server: BlueprintServerPlan, database: BlueprintDatabasePlan): BlueprintProtectedDatabaseFields {
  return { serverId: server.id, databaseName: database.databaseName, label: database.label, policy: server.policy, rpoHours: server.rpoHours };
}

/** The protected database `databaseName` of server `serverId` among a blueprint's, or an error naming both. */
export function findBlueprintDatabase<D extends BlueprintProtectedDatabaseFields>(
  databases: readonly D[], serverId: string, databaseName: string,
): D {
  const found = databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
  if (!found) throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
  return found;
}

/** One server of the fleet, as planned. */
export interface BlueprintServerPlan {
  /** Its position in the blueprint's `databases`, for error paths. */
  readonly index: number;
  /** Its id. */
  readonly id: string;
  /** Its tier's policy with the overrides, the blueprint's immutability, and no managed sections for a self-managed server. */
  readonly policy: BackupPolicy;
  /** Whether it is an RDS instance or Aurora cluster. */
  readonly managed: boolean;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** Its PostgreSQL major version. */
  readonly major: number;
  /** The databases on it that are protected. */
  readonly databaseNames: readonly string[];
  /** The dump task's environment variable holding its secret. */
  readonly secretVariable: string;
  /** Where its dumps are in the bucket: `<prefix>/<id>`. */
  readonly dumpPrefix: string;
  /** Its dump policy with every default filled in. */
  readonly dump: LogicalDumpPolicy;
  /** When its databases are dumped. */
  readonly schedule: EventBridgeSchedule;
  /** Its protected databases. */
  readonly databases: readonly BlueprintDatabasePlan[];
  /** Its monthly storage-cost estimate, when its size is known. */
  readonly costEstimate?: CostEstimate;
  /**
   * Its prune task's schedule, one run per database, and alarms, when its dumps have a retention policy.
   * @default - none: its dumps expire by the bucket lifecycle's `retentionDays`
   */
  readonly prune?: ScheduledPrunePlan;
}

/**
 * One schedule of the fleet drill: a group's databases, or part of them when the input would pass 8 KB. Its input names
 * the bucket (`${DumpBucket}`) and the verify task definition of its major (`${TaskDefinitionArn}`) by placeholder.
 */
export interface BlueprintDrillSchedulePlan extends StateMachineSchedulePlan {
  /** Resource name suffix in Pulumi. */
  readonly name: string;
  /** The PostgreSQL major, which picks the verify task definition. */
  readonly major: number;
  /** The execution input. */
  readonly input: FleetDrillInput;
}

/** The fleet's restore drills, when a tier drills. */
export interface BlueprintDrillsPlan {
  /** The drill groups, in the order of their check files. */
  readonly groups: readonly BlueprintDrillGroup[];
  /** The verify task. */
  readonly task: { readonly cpu: number; readonly memoryLimitMiB: number; readonly ephemeralStorageGiB: number };
  /** Each group's checks: the variable the helper container reads, the file it writes, the SQL. */
  readonly checkFiles: ReadonlyArray<{ readonly variable: string; readonly path: string; readonly sql: string }>;
  /** The one state machine that drills any database named in its input, with the IAM actions it needs. */
  readonly stateMachine: FleetRestoreDrillStateMachine;
  /** The schedules. */
  readonly schedules: readonly BlueprintDrillSchedulePlan[];
  /**
   * The environment variable of the verify container the identity secret is injected into (by the drill task's
   * execution role, which alone reads it), when the dumps are encrypted.
   * @default - none: the dumps are not encrypted
   */
  readonly identityEnvironmentVariable?: string;
  /**
   * Per drill group its RTO alarms, one per ten databases, each naming by its value the databases whose restore was
   * slower than the RTO (`fleetRtoAlarms`); with `maxDrillAgeDays`, per drilled database the alarm `VerifyRestore` has
   * for its database: no successful drill within that many days. (A failed drill, a restore slower than its RTO among
   * them, and a drill the schedule could not start alarm fleet-wide, among the blueprint's `alarms`.)
   */
  readonly alarms: readonly AlarmPlan[];
  /** What each drilled database records as protection (restore drills count as none). */
  readonly protections: ReadonlyArray<{
    readonly serverIndex: number; readonly databaseName: string; readonly schedule: string; readonly rtoMinutes: number; readonly checks: number;
  }>;
}

/** One AWS Backup plan of the fleet: the managed servers that share its rules and copies. */
export interface BlueprintBackupPlanPlan {
  /** Position of the plan, which numbers its ids. */
  readonly index: number;
  /** The servers it selects (positions in `databases`). */
  readonly serverIndexes: readonly number[];
  /** Its policy: the first server's (they share `backupPlan` and `copies`). */
  readonly policy: BackupPolicy;
  /** Its rules and copies, as the protection metadata says them. */
  readonly summary: string;
  /** The AWS Backup plan as created, selecting its servers. */
  readonly awsBackupPlan: AwsBackupPlanPlan;
}

/** Everything a `PostgresBackupBlueprint` creates, decided once for every front end. */
export interface PostgresBackupBlueprintPlan {
  /** Key prefix of the fleet. */
  readonly prefix: string;
  /**
   * Name of the shared bucket: `bucketName`, else the default the construct's path gives (see `constructPath`).
   * @default - generated at deployment
   */
  readonly bucketName?: string;
  /**
   * How every schedule of the fleet starts its task: a start it could not make retried as every schedule retries it
   * (then sent to the fleet's dead-letter queue), and the runner container whose command each run overrides.
   */
  readonly scheduleStart: { readonly retryAttempts: number; readonly maxEventAgeSeconds: number; readonly containerName: string };
  /** CloudWatch namespace of the metrics. */
  readonly metricNamespace: string;
  /** The blueprint tier's policy. */
  readonly basePolicy?: BackupPolicy;
  /** The bucket's Object Lock and the vault lock: the blueprint tier's immutability. */
  readonly lock?: ImmutabilityPolicy;
  /** The bucket's lifecycle: one rule per server, each keeping its dumps as long as its own tier says. */
  readonly lifecycleRules: readonly LifecycleRule[];
  /** The PostgreSQL majors of the fleet, ascending: one dump and one verify task definition each. */
  readonly majors: readonly number[];
  /** The servers, those with problems left out (there are none once the plan is returned). */
  readonly servers: readonly BlueprintServerPlan[];
  /** The dump task, and its ephemeral storage per major. */
  readonly dumpTask: {
    readonly cpu: number;
    readonly memoryLimitMiB: number;
    readonly ephemeralStorageGiB: Readonly<Record<number, number | undefined>>;
    /** pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest. */
    readonly stopTimeoutSeconds: number;
    /** The runner container's plain environment: the age recipients when dumps are encrypted (public keys only). */
    readonly environment: Readonly<Record<string, string>>;
  };
  /**
   * The age public keys every dump is encrypted to.
   * @default - not encrypted
   */
  readonly encryption?: { readonly recipients: readonly string[] };
  /**
   * The fleet's prune task, when a server's dumps have a retention policy: its size, the role's grants (read, list and
   * delete under the fleet's prefix; the only role that may delete) and descriptions. Each server's schedule and alarms
   * are its `prune`.
   * @default - none
   */
  readonly prune?: Pick<ScheduledPrunePlan, 'task' | 'roleGrants' | 'replica'> & {
    readonly descriptions: {
      readonly taskRole: string;
      readonly executionRole: string;
      readonly securityGroup: string;
      readonly scheduleRole: string;
      readonly taskFailedRule: string;
    };
    /** How a failed prune task is named in its notification. */
    readonly taskFailureSubject: string;
  };
  /**
   * The offsite copy of the bucket, when `replication` is set (its alarms are among `alarms`).
   * @default - none
   */
  readonly replication?: BucketReplicationPlan;
  /** The restore drills, when a tier drills. */
  readonly drills?: BlueprintDrillsPlan;
  /** The AWS Backup plans of the managed servers whose tier has one. */
  readonly backupPlans: readonly BlueprintBackupPlanPlan[];
  /**
   * The lock of the fleet's vault: the blueprint tier's immutability with `vaultLock`.
   * @default - no lock
   */
  readonly vaultLock?: ResolvedVaultLock;
  /**
   * The AWS Backup restore testing of the managed servers, when `restoreTesting` is set.
   * @default - none
   */
  readonly restoreTesting?: BlueprintRestoreTestingPlan;
  /** The fleet-wide alarms: a schedule that could not start a task, a failed drill execution, failed and late replication. */
  readonly alarms: readonly AlarmPlan[];
  /** What the dump schedules' role may do, by resource kind. */
  readonly dumpScheduleRoleGrants: readonly IamActionGroup<ScheduledTaskResourceKind>[];
  /** Descriptions of the resources, as the console shows them. */
  readonly descriptions: {
    readonly dumpSecurityGroup: string;
    readonly drillSecurityGroup: string;
    readonly dumpScheduleRole: string;
    readonly dumpTaskRole: string;
    readonly dumpExecutionRole: string;
    readonly drillTaskRole: string;
    readonly drillExecutionRole: string;
    readonly drillRole: string;
    readonly drillStateMachine: string;
    readonly backupSelectionRole: string;
    readonly scratchPassword: string;
    readonly dumpTaskFailedRule: string;
  };
  /** The rule on each server's security group that lets the fleet's dump tasks in. */
  readonly databaseIngress: DatabaseIngressPlan;
  /** How a failed dump task is named in its notification. */
  readonly dumpTaskFailureSubject: string;
  /** Information for the user (a tier's `pitr` section the blueprint does not apply). */
  readonly notes: readonly string[];
}

/**
 * Checks the options of a `PostgresBackupBlueprint`, every problem at once, and works out each server: its tier's
 * policy with the overrides, the RPO, the PostgreSQL major, the managed checks; problems are reported to `validator`.
 */
function planServers(
  validator: Validator, options: PostgresBackupBlueprintOptions, environment: PostgresBackupBlueprintEnvironment,
  tierOptions: BackupTierOptions, lock: ImmutabilityPolicy | undefined, notes: string[],
): Array<Omit<BlueprintServerPlan, 'databases' | 'dump' | 'schedule' | 'dumpPrefix' | 'costEstimate'>> {
  const ids = new Set<string>();
  const fleet = {
    tier: options.tier,
    tierOptions,
    givenTierOptions: options.tierOptions,
    lock,
    maxRpoHours: MAX_ALARM_RPO_HOURS,
    validation: environment.validation,
    retention: options.retention,
  };
  const servers: Array<Omit<BlueprintServerPlan, 'databases' | 'dump' | 'schedule' | 'dumpPrefix' | 'costEstimate'>> = [];
  options.databases.forEach((entry, index) => {
    const path = `databases[${index}]`;
    const handle = environment.servers[index] ?? { managed: false };
    const planned = planBlueprintServer(validator, { ...entry, index, managed: handle.managed }, fleet, ids);
    const major = entry.postgresMajorVersion ?? handle.postgresMajorVersion;
    if (major === undefined) {
      validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    }
    validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
    if (!planned) return;
    const policy = planned.policy;
    if (handle.managed && (policy.backupPlan || policy.managedSnapshots)) {
      checkManagedBackupPlan({
        policy: {
          managedSnapshots: policy.managedSnapshots,
          backupPlan: policy.backupPlan,
          copies: policy.copies,
          immutability: lock,
          sourceRegion: policy.sourceRegion,
        },
        vaultLock: options.vaultLock,
        storageEncryption: handle.storageEncryption ?? 'unknown',
        sourceAccount: environment.account,
      }, { ...environment.validation, propPaths: planned.propPaths }).forEach((issue) => validator.include([issue]));
    }
    if (planned.pitrNotApplied) notes.push(pitrNotAppliedMessage(entry.id, handle.managed));
    if (major === undefined) return;
    servers.push({
      index,
      id: entry.id,
      policy,
      managed: handle.managed,
      rpoHours: planned.rpoHours,
      major,
      databaseNames: planned.databaseNames,
      secretVariable: `PG_BACKUP_SECRET_${index}`,
    });
  });
  return servers;
}

/**
 * Refuses every value known only at deploy time where the blueprint needs a literal (throwing a `PolicyValidationError`
 * that names each), before a front end reads the servers for their handles: a `databases` list, a server entry or a
 * tier given as a CDK token or a Pulumi output has no entries or fields to read then.
 */
export function checkBlueprintLiterals(options: PostgresBackupBlueprintOptions, validation: ValidationOptions = {}): void {
  const validator = new Validator(validation);
  validator.requireLiterals(POSTGRES_BACKUP_BLUEPRINT_LITERAL_PROPS, options);
  validator.throwIfInvalid();
}

/**
 * Validates the options (throwing a `PolicyValidationError` that lists every problem, the front end's own checks
 * included) and decides what a `PostgresBackupBlueprint` creates: per server its policy, dump schedule and cost
 * estimate; per database its schedule, RPO alarm and runbook file; the dump and verify tasks per major; the drill
 * groups, state machine and schedules; the AWS Backup plans of the managed servers; the fleet's alarms, grants and
 * descriptions.
 */
export function planPostgresBackupBlueprint(
  options: PostgresBackupBlueprintOptions, environment: PostgresBackupBlueprintEnvironment,
): PostgresBackupBlueprintPlan {
  const validator = new Validator(environment.validation);
  // What follows reads the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(POSTGRES_BACKUP_BLUEPRINT_LITERAL_PROPS, options)) validator.throwIfInvalid();
  const tierOptions: BackupTierOptions = { sourceRegion: environment.region, ...options.tierOptions };
  const prefix = options.prefix ?? 'pg-dumps';
  const metricNamespace = options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
  const notes: string[] = [];
  const basePolicy = blueprintTierPolicy(options.tier, undefined, tierOptions, validator, 'tier');
  const lock = basePolicy?.immutability && resolveImmutability(basePolicy.immutability);
  const checked = planServers(validator, options, environment, tierOptions, lock, notes);
  checkBlueprintFleetSettings(validator, { ...options, serverCount: options.databases.length });
  checkDumpEncryption(validator, options.encryption);
  checkDrillIdentitySecret(validator, options.encryption, checked.some((server) => server.policy.verification), {
    given: environment.identitySecret?.given ?? false,
    path: environment.identitySecret?.path ?? 'encryption.identitySecret',
    drilledBy: 'a tier of the fleet drills its dumps',
  });
  const restoreTestingServers = checked.map((server) => ({
    ...server, kind: environment.servers[server.index]?.kind, restoreTesting: options.databases[server.index].restoreTesting,
  }));
  checkBlueprintRestoreTesting(validator, options.restoreTesting, restoreTestingServers);
  checkFleetDrillAge(validator, options.maxDrillAgeDays, checked.map((server) => server.policy));
  // The shared dump task takes each server's connection from its secret, and from nothing else.
  environment.servers.forEach((server, index) => {
    if (server.connectionSecret !== false) return;
    validator.report({
      path: `databases[${index}].database`,
      value: 'PostgresDatabase.fromSecret({ host })',
      allowed: 'a database whose secret holds its host (RDS-style JSON)',
      reason: 'the shared dump task takes each server\'s connection from its secret',
    });
  });
  environment.check?.(validator);
  // The bucket's lifecycle is what replication is checked against, once every server's policy is valid.
  const fleetLifecycle = validator.issues.length === 0 ? fleetLifecycleRules(checked, prefix) : [];
  checkBucketReplication(validator, options.replication, replicatedFleetBucket(fleetLifecycle));
  validator.throwIfInvalid();
  // Every server's dumps are replicated with the whole bucket and kept as long as the destination keeps them.
  const replicaCost = options.replication && replicationCostInputs(options.replication, fleetLifecycle);

  const servers = checked.map((server): BlueprintServerPlan => {
    const dump = resolveLogicalDump(server.policy.logicalDump!);
    const dumpPrefix = `${prefix}/${server.id}`;
    const entry = options.databases[server.index];
    return {
      ...server,
      dumpPrefix,
      dump,
      schedule: renderEventBridgeSchedule(dump.schedule, `databases[${server.index}].logicalDump.schedule`),
      databases: server.databaseNames.map((databaseName) => ({
        serverId: server.id,
        databaseName,
        label: `${server.id}/${databaseName}`,
        id: `${server.id}-${databaseName}`,
        name: `${server.id}-${databaseName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`,
        scheduleDescription: `pg_dump of ${databaseName} on ${server.id} to ${dumpPrefix}/`,
        rpoAlarm: {
          id: `RpoAlarm-${server.id}-${databaseName}`,
          name: `${server.id}-${databaseName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-rpo`,
          description: `No successful pg_dump of ${databaseName} on ${server.id} within the RPO of ${server.rpoHours} hours`,
          metric: blueprintDumpSucceededMetric(metricNamespace, server.id, databaseName, server.rpoHours * 3600),
          threshold: 1,
          comparisonOperator: 'LessThanThreshold',
          // A dump that stops silently publishes nothing: that must page too.
          treatMissingData: 'breaching',
        },
        runbookFile: runbookFileName(server.id, databaseName),
      })),
      costEstimate: estimateBlueprintServerCost(
        server, server.policy, entry.estimate, environment.servers[server.index]?.allocatedStorageGb, replicaCost),
      ...(dump.retention ? { prune: planServerPrune(server, dump, dumpPrefix, metricNamespace) } : {}),
    };
  });
  const majors = [...new Set(servers.map((server) => server.major))].sort((a, b) => a - b);
  const drills = planDrills(options, servers, prefix, metricNamespace);
  const lifecycleRules = fleetLifecycleRules(servers, prefix);
  const replication = options.replication && planBucketReplication(options.replication, replicatedFleetBucket(lifecycleRules));
  const pruned = servers.find((server) => server.prune);
  return {
    prefix,
    bucketName: options.bucketName ?? defaultBucketName(environment),
    scheduleStart: {
      retryAttempts: SCHEDULE_START_RETRY.attempts,
      maxEventAgeSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds,
      containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    },
    metricNamespace,
    basePolicy,
    lock,
    lifecycleRules,
    majors,
    servers,
    dumpTask: {
      cpu: options.dumpCpu ?? 1024,
      memoryLimitMiB: options.dumpMemoryLimitMiB ?? 2048,
      ephemeralStorageGiB: Object.fromEntries(majors.map((major) => [
        major, dumpTaskEphemeralStorageGiB(servers.filter((server) => server.major === major).map((server) => server.policy.logicalDump)),
      ])),
      stopTimeoutSeconds: 30,
      environment: dumpEncryptionEnvironment(options.encryption),
    },
    ...(options.encryption ? { encryption: { recipients: [...options.encryption.recipients] } } : {}),
    ...(pruned?.prune ? {
      prune: {
        task: pruned.prune.task,
        roleGrants: pruned.prune.roleGrants,
        // Each server's runs prune its folder of the offsite copy too; the role may do so under the fleet's prefix.
        ...(replication?.prunable ? { replica: planReplicaPrune(replication, prefix) } : {}),
        descriptions: {
          taskRole: 'Fleet pg-backup prune tasks: the only role that may delete dumps, under the fleet prefix only',
          executionRole: 'Starts the fleet pg-backup prune tasks: their logs',
          securityGroup: 'Fleet pg-backup prune tasks: no inbound traffic; outbound to AWS APIs',
          scheduleRole: 'Starts the fleet\'s scheduled pg-backup prune tasks in its cluster and tags them',
          taskFailedRule: 'A fleet pg-backup prune task stopped with a non-zero exit code or failed to start',
        },
        taskFailureSubject: 'A fleet pg-backup prune task',
      },
    } : {}),
    ...(replication ? { replication } : {}),
    drills: drills && options.encryption ? { ...drills, identityEnvironmentVariable: AGE_IDENTITY_ENV } : drills,
    backupPlans: planBackupPlans(servers),
    vaultLock: basePolicy && resolveVaultLock({ immutability: basePolicy.immutability }, options.vaultLock),
    restoreTesting: planBlueprintRestoreTesting(options.restoreTesting, restoreTestingServers, environment.name ?? 'postgres_backup_blueprint'),
    alarms: [
      {
        id: 'ScheduleDeadLetterAlarm',
        name: 'schedule-dead-letters',
        description: 'EventBridge Scheduler could not start a fleet pg_dump or prune task or restore drill, or EventBridge could not send a task-failed notification to the topic; the event is in the dead-letter queue. When the topic is what fails, this alarm reaches no one either: it still shows in CloudWatch',
        metric: deadLetterQueueMetric('dead-letter-queue'),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
      ...(drills ? [{
        id: 'FailedDrillAlarm',
        name: 'failed-drill',
        description: 'A fleet restore drill failed: each failed database was notified by name, and its drill metric is 1',
        metric: failedExecutionsExpression(),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      } satisfies AlarmPlan] : []),
      ...(replication?.alarms ?? []),
    ],
    dumpScheduleRoleGrants: SCHEDULED_TASK_IAM_ACTIONS,
    descriptions: {
      dumpSecurityGroup: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
      drillSecurityGroup: 'Fleet restore drill tasks: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      dumpScheduleRole: 'Starts the fleet\'s scheduled pg_dump tasks in its cluster and tags them',
      dumpTaskRole: 'Fleet pg_dump tasks: write new dumps under the fleet prefix, nothing else',
      dumpExecutionRole: 'Starts the fleet pg_dump tasks: their logs and the servers\' secrets',
      drillTaskRole: 'Fleet restore drill tasks: read the dumps, write each drill\'s result beside them, nothing else',
      drillExecutionRole: 'Starts the fleet restore drill tasks: their logs, the scratch server\'s password, the age identity of encrypted dumps',
      drillRole: 'Runs the fleet restore drill: its tasks, its metrics and its failure notifications, nothing else',
      drillStateMachine: 'Restore drills of the fleet: the latest pg_dump of each database given in the input',
      backupSelectionRole: 'AWS Backup backs up the fleet\'s managed databases with this role',
      scratchPassword: 'Password of the throwaway PostgreSQL inside the fleet restore drill tasks',
      dumpTaskFailedRule: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
    },
    databaseIngress: { protocol: 'tcp', description: 'pg_dump from the fleet backup tasks' },
    dumpTaskFailureSubject: 'A fleet pg_dump task',
    notes,
  };
}

/** `pg-backups-<account>-<region>-<hash of the construct's path>` when the path, account and region are known. */
function defaultBucketName(environment: PostgresBackupBlueprintEnvironment): string | undefined {
  const { constructPath, account, region } = environment;
  if (constructPath === undefined || account === undefined || region === undefined) return undefined;
  return `pg-backups-${account}-${region}-${crypto.createHash('sha256').update(constructPath).digest('hex').slice(0, 8)}`;
}

/** The bucket's lifecycle: one rule per server, each keeping its dumps as long as its own policy says. */
function fleetLifecycleRules(servers: ReadonlyArray<Pick<BlueprintServerPlan, 'id' | 'policy'>>, prefix: string): LifecycleRule[] {
  return servers.flatMap((server) => dumpBucketLifecycleRules(server.policy.logicalDump!, { prefix: `${prefix}/${server.id}/`, id: `pg-dumps-${server.id}` }));
}

/** The fleet's bucket as its replication sees it. */
function replicatedFleetBucket(lifecycleRules: readonly LifecycleRule[]): ReplicatedBucket {
  return { path: 'replication', contents: 'the fleet\'s dumps', lifecycleRules, sourceBucket: 'backup-bucket' };
}

/** The prune runs of a server whose dumps have a retention policy: one per database, its alarm carrying the `Server` dimension. */
function planServerPrune(
  server: Pick<BlueprintServerPlan, 'index' | 'id' | 'databaseNames'>, dump: LogicalDumpPolicy, dumpPrefix: string, metricNamespace: string,
): ScheduledPrunePlan {
  return planScheduledPrune(resolveBackupRetention(dump.retention!), server.databaseNames.map((database, index) => {
    const name = `${server.id}-${database.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
    return {
      index,
      database,
      description: `pg-backup prune of ${database} on ${server.id} under ${dumpPrefix}/`,
      subject: `${database} on ${server.id}`,
      alarm: { id: `PruneAlarm-${server.id}-${database}`, name: `${name}-prune` },
      dimensions: { [BLUEPRINT_SERVER_DIMENSION]: server.id },
    };
  }), metricNamespace, `databases[${server.index}].logicalDump.retention.pruneSchedule`);
}

function planDrills(
  options: PostgresBackupBlueprintOptions, servers: readonly BlueprintServerPlan[], prefix: string, metricNamespace: string,
): BlueprintDrillsPlan | undefined {
  const groups = blueprintDrillGroups(servers.map((server) => ({
    id: server.id, dumpPrefix: server.dumpPrefix, policy: server.policy, major: server.major, databaseNames: server.databaseNames,
  })));
  if (groups.length === 0) return undefined;
  const cpu = options.drillCpu ?? 2048;
  const jobs = String(Math.max(1, Math.floor(cpu / 1024)));
  const longestRtoSeconds = Math.max(...groups.map((group) => group.rtoSeconds), 60);
  const largestGroup = Math.max(...groups.map((group) => group.databases.length), 1);
  const maxConcurrency = options.maxConcurrentDrills ?? 2;
  const checkFiles = groups.map((group, index) => ({
    variable: `PG_BACKUP_CHECKS_${index}`, path: `${CHECKS_DIRECTORY}/group-${index}.sql`, sql: drillGroupCheckFile(group.checks),
  }));
  const schedules: BlueprintDrillSchedulePlan[] = [];
  const protections: Array<BlueprintDrillsPlan['protections'][number]> = [];
  const alarms: AlarmPlan[] = [];
  groups.forEach((group, groupIndex) => {
    const schedule = renderEventBridgeSchedule(group.schedule, 'verification.schedule');
    alarms.push(...fleetRtoAlarms({
      groupIndex, rtoSeconds: group.rtoSeconds, metricNamespace, databases: group.databases.map((database) => `${database.id}/${database.name}`),
    }));
    chunkDrillDatabases(group.databases).forEach((databases: FleetDrillDatabase[], chunkIndex) => {
      schedules.push({
        id: `DrillSchedule${groupIndex}-${chunkIndex}`,
        namePrefix: 'drill',
        name: `drill-schedule-${groupIndex}-${chunkIndex}`,
        description: `Restore drills of ${databases.length} database(s): ${databases.map((d) => `${d.id}/${d.name}`).join(', ')}`.slice(0, 512),
        schedule,
        startRetry: SCHEDULE_START_RETRY,
        deadLetterQueue: true,
        major: group.major,
        input: {
          bucket: `\${${DrillPlaceholder.DUMP_BUCKET}}`,
          prefix,
          rtoSeconds: group.rtoSeconds,
          taskDefinitionArn: `\${${DrillPlaceholder.TASK_DEFINITION_ARN}}`,
          jobs,
          checkFile: checkFiles[groupIndex].path,
          databases,
        },
      });
      for (const database of databases) {
        if (options.maxDrillAgeDays !== undefined) alarms.push(fleetDrillAgeAlarm(database, metricNamespace, options.maxDrillAgeDays));
        protections.push({
          serverIndex: servers.find((server) => server.id === database.id)!.index,
          databaseName: database.name,
          schedule: `${schedule.scheduleExpression} ${schedule.scheduleExpressionTimezone}`,
          rtoMinutes: group.rtoSeconds / 60,
          checks: group.checks.length,
        });
      }
    });
  });
  return {
    groups,
    task: { cpu, memoryLimitMiB: options.drillMemoryLimitMiB ?? 8192, ephemeralStorageGiB: options.drillEphemeralStorageGiB ?? 50 },
    checkFiles,
    stateMachine: fleetDumpRestoreDrill({
      maxConcurrency,
      maxRestoreDurationSeconds: longestRtoSeconds,
      metricNamespace,
      executionTimeoutSeconds: fleetDrillExecutionTimeoutSeconds(largestGroup, maxConcurrency, longestRtoSeconds + 600),
    }),
    schedules,
    alarms,
    protections,
  };
}

/**
 * `maxDrillAgeDays` of a fleet: the check `VerifyRestore`'s takes, against the schedule and RTO of every drilled
 * server's drills (each pair once), and refused when no server is drilled.
 */
function checkFleetDrillAge(validator: Validator, days: number | undefined, policies: readonly BackupPolicy[]): void {
  if (days === undefined) return;
  const drilled = policies.filter((policy) => policy.verification && policy.logicalDump);
  if (drilled.length === 0) {
    validator.report({ path: 'maxDrillAgeDays', value: days, allowed: 'no value', reason: 'no tier of the fleet drills its dumps (verification)' });
    return;
  }
  const windows = new Map(drilled.map((policy) => {
    const verification = resolveVerification(policy.verification!);
    return [JSON.stringify([verification.schedule, verification.maxRestoreDurationMinutes]), verification] as const;
  }));
  for (const verification of windows.values()) {
    checkMaxDrillAgeDays(validator, 'maxDrillAgeDays', days, verification.schedule, verification.maxRestoreDurationMinutes);
  }
}

/**
 * A drilled database's "no successful drill within `maxDrillAgeDays`" alarm, as `VerifyRestore` plans it for its database
 * (`drillAgeAlarm`), on the fleet drill's metrics (`Database` = `<server>/<database>`) with an id and a name of its own.
 *
 * Its RTO is watched by its group's `fleetRtoAlarms`, ten databases an alarm, rather than by an alarm of its own: one
 * more resource a database would take a 100-database fleet from 338 to 438 of a CloudFormation stack's 500.
 */
function fleetDrillAgeAlarm(database: FleetDrillDatabase, metricNamespace: string, days: number): AlarmPlan {
  return {
    ...drillAgeAlarm({ days, metricNamespace, databaseName: `${database.id}/${database.name}`, drillKind: 'dump' }),
    id: `DrillAgeAlarm-${database.id}-${database.name}`,
    name: `${database.id}-${database.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-drill-age`,
  };
}

/** One plan per distinct plan (rules and copies) among the managed servers, each selecting all of its servers. */
function planBackupPlans(servers: readonly BlueprintServerPlan[]): BlueprintBackupPlanPlan[] {
  const byPlan = new Map<string, BlueprintServerPlan[]>();
  for (const server of servers.filter((candidate) => candidate.managed && candidate.policy.backupPlan)) {
    const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
    byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
  }
  return [...byPlan.values()].map((group, index) => {
    const policy = group[0].policy;
    const resolved = resolveBackupPlan(policy.backupPlan!);
    const rules = [
      ...resolved.rules.map((rule) => `${rule.name} ${renderAwsBackupSchedule(rule.schedule)} kept ${rule.retentionDays} d`),
      ...(resolved.continuousBackupRetentionDays !== undefined ? [`continuous (PITR) kept ${resolved.continuousBackupRetentionDays} d`] : []),
    ];
    const serverIndexes = group.map((server) => server.index);
    const copies = policy.copies ?? [];
    const awsBackupPlan = planAwsBackupPlan(planBackupRules(resolved, copies), copies, index, serverIndexes);
    return { index, serverIndexes, policy, summary: rules.join('; '), awsBackupPlan };
  });
}

/** The protection a managed server of a backup plan records: its plan's rules, snapshot retention, copies and vault lock. */
export function blueprintManagedBackupProtection(
  plan: BlueprintBackupPlanPlan, server: BlueprintServerPlan, vaultLock: { readonly mode: string; readonly minRetentionDays: number } | undefined,
): DatabaseProtection {
  return {
    kind: 'managed-backup',
    schedule: plan.summary,
    retentionDays: server.policy.managedSnapshots && resolveManagedSnapshots(server.policy.managedSnapshots).backupRetentionDays,
    copies: (server.policy.copies ?? []).map((copy: CopyPolicy) => (copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`)),
    vaultLock: vaultLock ? `${vaultLock.mode} ${vaultLock.minRetentionDays} days` : undefined,
  };
}

/**
 * What a front end that cannot set a managed server's automated backups itself (Pulumi) warns about: each setting of
 * the database (`current`; undefined for an imported database, whose settings are unknown) that is not its tier's.
 */
export function blueprintAutomatedBackupWarning(server: BlueprintServerPlan, current: ManagedDatabaseSettings | undefined): string | undefined {
  const wanted = resolveManagedSnapshots(server.policy.managedSnapshots!);
  if (current === undefined) {
    return `${server.id}: the database is imported, so its automated backups cannot be set from here; check that it keeps `
      + `them ${wanted.backupRetentionDays} days, copies tags to snapshots and keeps automated backups on deletion.`;
  }
  const differences = managedSettingsDifferences(current, wanted, 'the tier');
  if (differences.length === 0) return undefined;
  return `${server.id}: the database's automated backups differ from its tier: ${differences.join('; ')}. `
    + 'Give the database resource PostgresBackupBlueprint.managedSnapshotArgs(...) of its tier.';
}

/** The protection a dumped database records. */
export function blueprintDumpProtection(
  plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan, databaseName: string,
): DatabaseProtection {
  return {
    kind: 'logical-dump',
    databaseNames: [databaseName],
    schedule: `${server.schedule.scheduleExpression} ${server.schedule.scheduleExpressionTimezone}`,
    prefix: `${server.dumpPrefix}/`,
    retentionDays: server.dump.retentionDays,
    objectLock: plan.lock ? `${plan.lock.mode} ${plan.lock.days} days` : undefined,
    rpoHours: server.rpoHours,
    ...(server.prune && server.dump.retention ? { retention: retentionCounts(server.dump.retention) } : {}),
    ...(plan.encryption ? { encryptedTo: [...plan.encryption.recipients] } : {}),
    ...(plan.replication ? {
      replica: { ...plan.replication.protection, ...(server.prune && plan.replication.prunable ? { pruned: true } : {}) },
    } : {}),
  };
}

/**
 * The container command of one database's dump schedule: `pg-backup dump …` into `location` (`s3://bucket/<prefix>/<id>`),
 * the server's secret from its own variable, its `Server` metric dimension, and `--database-url` when the connection
 * is given as a URL.
 */
export function blueprintDumpCommand(
  plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan, databaseName: string, location: string,
  connection: { readonly managed: boolean; readonly databaseUrl?: string },
): string[] {
  return [
    ...runnerDumpArgv(server.dump, {
      to: location, database: databaseName, noRolePasswords: connection.managed, metricsNamespace: plan.metricNamespace,
    }),
    '--secret-env', server.secretVariable,
    '--metric-dimension', `${BLUEPRINT_SERVER_DIMENSION}=${server.id}`,
    ...(connection.databaseUrl === undefined ? [] : ['--database-url', connection.databaseUrl]),
  ];
}

/**
 * The container command of one database's prune schedule: `pg-backup prune …` of `location` (`s3://bucket/<prefix>/<id>`)
 * and, when the bucket is replicated, of the same folder of the offsite copy, with every count and the server's RPO
 * spelled out, and its `Server` metric dimension.
 */
export function blueprintPruneCommand(
  plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan, databaseName: string, location: string,
): string[] {
  if (!server.prune) throw new Error(`server ${server.id} has no prune task (its dumps have no retention policy)`);
  return [
    ...runnerPruneArgv(server.prune.retention, {
      from: location,
      database: databaseName,
      rpoHours: server.rpoHours,
      metricsNamespace: plan.metricNamespace,
      ...(plan.replication?.prunable ? { replicas: [planReplicaPrune(plan.replication, server.dumpPrefix).location] } : {}),
    }),
    '--metric-dimension', `${BLUEPRINT_SERVER_DIMENSION}=${server.id}`,
  ];
}

/** Where the fleet's dumps are: `s3://<bucket>/<prefix>`. */
export function blueprintFleetLocation(bucketName: string, plan: Pick<PostgresBackupBlueprintPlan, 'prefix'>): string {
  return `s3://${bucketName}/${plan.prefix}`;
}

/** Where a server's dumps are: `s3://<bucket>/<prefix>/<id>`. */
export function blueprintDumpLocation(bucketName: string, server: BlueprintServerPlan): string {
  return `s3://${bucketName}/${server.dumpPrefix}`;
}

/** The stack output (CDK) with the command that restores a database's latest dump, and where its whole runbook is. */
export function blueprintRestoreOutput(
  server: BlueprintServerPlan, database: BlueprintDatabasePlan, dumpLocation: string, runbookPath: string,
): { readonly id: string; readonly description: string; readonly value: string } {
  return {
    id: `Restore-${database.id}`,
    description: `Restore ${database.databaseName} on ${server.id}; the whole runbook is ${runbookPath} in the cloud assembly`,
    value: blueprintRestoreCommand(dumpLocation, database.databaseName),
  };
}

/** The command that restores the latest dump of a database from `location` into `$TARGET_URL`. */
export function blueprintRestoreCommand(location: string, databaseName: string): string {
  return `pg-backup restore --from ${location} --database ${databaseName} --latest --target-url "$TARGET_URL"`;
}

/** What a database's runbook needs that only the deployment knows. */
export interface BlueprintRunbookFacts {
  /** The bucket's name. */
  readonly bucket: string;
  /** The region of the bucket and the databases. */
  readonly region: string;
  /** The topic failures go to. */
  readonly notificationTopic: string;
  /**
   * The RDS instance or Aurora cluster, when the server is one and its identifier is known.
   * @default - no snapshot section
   */
  readonly managedDatabase?: { readonly kind: ManagedPostgresKind; readonly identifier: string };
  /** How values are checked. */
  readonly validation?: ValidationOptions;
}

/** The restore runbook of one database of the fleet. */
export function blueprintDatabaseRunbook(
  plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan, databaseName: string, facts: BlueprintRunbookFacts,
): string {
  return renderBlueprintRunbook({
    encryptedTo: plan.encryption?.recipients,
    serverIndex: server.index,
    databaseName,
    policy: server.policy,
    rpoHours: server.rpoHours,
    bucket: facts.bucket,
    region: facts.region,
    prefix: server.dumpPrefix,
    managedDatabase: facts.managedDatabase && {
      kind: facts.managedDatabase.kind === 'instance' ? 'rds-instance' : 'aurora-cluster', identifier: facts.managedDatabase.identifier, region: facts.region,
    },
    notificationTopic: facts.notificationTopic,
    validation: facts.validation,
  });
}

/** Successful dumps of one database of a blueprint, summed over `periodSeconds`: what its RPO alarm watches. */
export function blueprintDumpSucceededMetric(metricNamespace: string, serverId: string, databaseName: string, periodSeconds: number): MetricPlan {
  return {
    namespace: metricNamespace,
    metricName: 'BackupSucceeded',
    dimensions: { Database: databaseName, [BLUEPRINT_SERVER_DIMENSION]: serverId },
    statistic: 'Sum',
    periodSeconds,
  };
}

/** The storage-cost estimate of each server with sizes, by server id. */
export function blueprintCostEstimates(plan: PostgresBackupBlueprintPlan): Map<string, CostEstimate> {
  return new Map(plan.servers.flatMap((server) => (server.costEstimate ? [[server.id, server.costEstimate] as const] : [])));
}

/**
 * What a `PostgresBackupBlueprint` exposes of core's plan, the same in every front end: each front end's class declares
 * these attributes by extending this interface and takes their values from {@link postgresBackupBlueprintAttributes}.
 */
export interface PostgresBackupBlueprintAttributes {
  /** What this construct creates, as core decided it. */
  readonly plan: PostgresBackupBlueprintPlan;
  /** The key prefix of the fleet. */
  readonly prefix: string;
  /** The CloudWatch namespace of the metrics. */
  readonly metricNamespace: string;
  /** Storage-cost estimates by server id (servers with sizes only). */
  readonly costEstimates: ReadonlyMap<string, CostEstimate>;
}

/** The attributes of a `PostgresBackupBlueprint` with `plan`. */
export function postgresBackupBlueprintAttributes(plan: PostgresBackupBlueprintPlan): PostgresBackupBlueprintAttributes {
  return { plan, prefix: plan.prefix, metricNamespace: plan.metricNamespace, costEstimates: blueprintCostEstimates(plan) };
}

/** The line a front end logs for each server's storage-cost estimate. */
export function blueprintCostMessages(plan: PostgresBackupBlueprintPlan): string[] {
  return [...blueprintCostEstimates(plan)].map(([serverId, estimate]) =>
    `${serverId}: estimated backup storage ${estimate.totalMonthlyUsd.toFixed(2)} USD a month (${estimate.summary})`);
}

/** A protection of one server of a blueprint, by its position in `databases`. */
export interface BlueprintServerProtection {
  /** Position of the server in the blueprint's `databases`. */
  readonly serverIndex: number;
  /** What protects it. */
  readonly protection: DatabaseProtection;
  /** Whether it protects all that the server's managed backups cover (an Aurora cluster and its instances), not only its connection. */
  readonly coversManagedBackups: boolean;
  /** The label (`<serverId>/<database>`) of the database whose runbook a dump record names. */
  readonly runbookLabel?: string;
}

/**
 * Every protection of a blueprint's servers, decided once for both front ends: each dumped database's dumps (and
 * storage-cost estimate), each managed server's backup plan, and the restore drills and restore testing that prove
 * them. `vaultLock` is the lock of the fleet's vault, when it has one.
 */
export function blueprintProtections(
  plan: PostgresBackupBlueprintPlan, vaultLock?: { readonly mode: string; readonly minRetentionDays: number },
): BlueprintServerProtection[] {
  const protections: BlueprintServerProtection[] = [];
  const add = (serverIndex: number, protection: DatabaseProtection, runbookLabel?: string) => protections.push({
    serverIndex, protection, coversManagedBackups: protection.kind === 'managed-backup' || protection.kind === 'restore-testing', runbookLabel,
  });
  for (const server of plan.servers) {
    for (const database of server.databases) add(server.index, blueprintDumpProtection(plan, server, database.databaseName), database.label);
    if (server.costEstimate) add(server.index, costEstimateProtection(server.costEstimate, server.databaseNames));
  }
  for (const backupPlan of plan.backupPlans) {
    for (const serverIndex of backupPlan.serverIndexes) {
      add(serverIndex, blueprintManagedBackupProtection(backupPlan, plan.servers.find((candidate) => candidate.index === serverIndex)!, vaultLock));
    }
  }
  for (const { serverIndex, databaseName, schedule, rtoMinutes, checks } of plan.drills?.protections ?? []) {
    add(serverIndex, { kind: 'restore-drill', databaseNames: [databaseName], schedule, rtoMinutes, checks });
  }
  for (const serverIndex of plan.restoreTesting?.serverIndexes ?? []) add(serverIndex, plan.restoreTesting!.protection);
  return protections;
}
