import { resolveBackupRetention, retentionSafetyNetDays } from './backup-retention';
import {
  DEFAULT_ARCHIVER, DEFAULT_DIFF_BACKUP_SCHEDULE, DEFAULT_DUMP_RETENTION_DAYS, DEFAULT_FULL_BACKUP_SCHEDULE,
  DEFAULT_LOGICAL_DUMP_SCHEDULE, DEFAULT_MANAGED_BACKUP_RETENTION_DAYS, DEFAULT_MAX_RESTORE_DURATION_MINUTES,
  DEFAULT_PITR_WINDOW_DAYS, DEFAULT_PLATFORM, DEFAULT_RETAIN_FULL, DEFAULT_RPO_HOURS, DEFAULT_VERIFICATION_SCHEDULE,
  DEFAULT_ARCHIVE_TIMEOUT_SECONDS, DEFAULT_DUMP_COMPRESSION, DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS, RPO_MARGIN_HOURS, ResolvedScheduleSpec,
} from './default-values';
import {
  AlarmPolicy,
  Archiver,
  BackupFrequency,
  BackupPlanPolicy,
  BackupPlanRule,
  BackupPolicy,
  CopyPolicy,
  DatabasePlatform,
  DumpCompression,
  DumpFormat,
  ImmutabilityPolicy,
  LogicalDumpPolicy,
  ManagedSnapshotPolicy,
  PitrPolicy,
  RowCountMode,
  ScheduleSpec,
  VerificationPolicy,
} from './policy';
import { DEFAULT_SCHEDULE_TIMEZONE, longestIntervalMinutes } from './schedule';
import { ValidationOptions } from './validation';
import { minimumWalRetentionDays } from './wal-retention';

export * from './default-values';


/** {@link LogicalDumpPolicy} with every default filled in. */
export interface ResolvedLogicalDumpPolicy extends LogicalDumpPolicy {
  /** When dumps run. */
  readonly schedule: ResolvedScheduleSpec;
  /** Archive format. */
  readonly format: DumpFormat;
  /** `pg_dump --compress`. */
  readonly compression: DumpCompression;
  /** Parallel dump jobs. */
  readonly jobs: number;
  /** Only these tables (empty: every table). */
  readonly tables: string[];
  /** Leave these tables out. */
  readonly excludeTables: string[];
  /** Only these schemas (empty: every schema). */
  readonly schemas: string[];
  /** Leave these schemas out. */
  readonly excludeSchemas: string[];
  /** `-s`. */
  readonly schemaOnly: boolean;
  /** `-a`. */
  readonly dataOnly: boolean;
  /** `--no-owner`. */
  readonly noOwner: boolean;
  /** `--no-acl`. */
  readonly noAcl: boolean;
  /** `pg_dumpall --globals-only` as well. */
  readonly includeGlobals: boolean;
  /** Days a dump is kept. */
  readonly retentionDays: number;
  /** `--lock-wait-timeout`, seconds. */
  readonly lockWaitTimeoutSeconds: number;
  /** Row counting for the restore comparison. */
  readonly rowCounts: RowCountMode;
}

/** {@link ManagedSnapshotPolicy} with every default filled in (the windows stay the cloud's choice when unset). */
export interface ResolvedManagedSnapshotPolicy extends ManagedSnapshotPolicy {
  /** Days automated backups are kept. */
  readonly backupRetentionDays: number;
  /** Copy tags to snapshots. */
  readonly copyTagsToSnapshot: boolean;
  /** Final snapshot on deletion. */
  readonly finalSnapshot: boolean;
}

/** {@link BackupPlanRule} with its schedule filled in from its frequency. */
export interface ResolvedBackupPlanRule extends BackupPlanRule {
  /** When the rule runs. */
  readonly schedule: ResolvedScheduleSpec;
}

/** {@link BackupPlanPolicy} with every default filled in (`continuousBackupRetentionDays` stays unset for none). */
export interface ResolvedBackupPlanPolicy extends BackupPlanPolicy {
  /** Scheduled snapshot rules. */
  readonly rules: ResolvedBackupPlanRule[];
}

/** {@link PitrPolicy} with every default filled in. */
export interface ResolvedPitrPolicy extends PitrPolicy {
  /** Recovery window, days. */
  readonly windowDays: number;
  /** `archive_timeout`, seconds. */
  readonly archiveTimeoutSeconds: number;
  /** Whether `archive_timeout` may leave 30–3600 s. */
  readonly allowArchiveTimeoutOutsideRange: boolean;
  /** Full base backups. */
  readonly fullBackupSchedule: ResolvedScheduleSpec;
  /** Differential base backups. */
  readonly diffBackupSchedule: ResolvedScheduleSpec;
  /** Full base backups kept. */
  readonly retainFull: number;
  /** The archiver. */
  readonly archiver: Archiver;
  /** Who deletes old WAL and base backups. */
  readonly expireBy: 'archiver' | 'lifecycle';
  /** Days WAL objects are kept. */
  readonly walRetentionDays: number;
}

/** {@link VerificationPolicy} with every default filled in. */
export interface ResolvedVerificationPolicy extends VerificationPolicy {
  /** When drills run. */
  readonly schedule: ResolvedScheduleSpec;
  /** SQL checks (empty: row counts only). */
  readonly checks: string[];
  /** RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
}

/** {@link AlarmPolicy} with the RPO filled in (`notificationTarget` stays unset when one is to be created). */
export interface ResolvedAlarmPolicy extends AlarmPolicy {
  /** The recovery-point objective in hours. */
  readonly rpoHours: number;
}

/** {@link ImmutabilityPolicy} with its mode filled in. */
export interface ResolvedImmutabilityPolicy extends ImmutabilityPolicy {
  /** Lock mode. */
  readonly mode: 'governance' | 'compliance';
}

/**
 * A {@link BackupPolicy} with every default filled in. Sections that default to "none" stay absent;
 * values whose default is the cloud's own choice (backup windows, a created
 * notification topic) stay unset, so a front end passes nothing and the cloud decides.
 */
export interface ResolvedBackupPolicy extends BackupPolicy {
  /** Platform. */
  readonly platform: DatabasePlatform;
  /**
   * Logical dumps.
   * @default - none
   */
  readonly logicalDump?: ResolvedLogicalDumpPolicy;
  /**
   * Automated snapshots.
   * @default - none
   */
  readonly managedSnapshots?: ResolvedManagedSnapshotPolicy;
  /**
   * Backup plan.
   * @default - none
   */
  readonly backupPlan?: ResolvedBackupPlanPolicy;
  /** Offsite copies (empty: none). */
  readonly copies: CopyPolicy[];
  /**
   * Point-in-time recovery.
   * @default - none
   */
  readonly pitr?: ResolvedPitrPolicy;
  /**
   * Restore drills.
   * @default - none
   */
  readonly verification?: ResolvedVerificationPolicy;
  /** Alarms. */
  readonly alarms: ResolvedAlarmPolicy;
  /**
   * Immutability.
   * @default - none
   */
  readonly immutability?: ResolvedImmutabilityPolicy;
}

/**
 * Returns `policy` with every default filled in, so front ends and the runner read one value and
 * never repeat a default. Call it after {@link validatePolicy}: it does not validate.
 *
 * Two defaults are derived from other values: `pitr.walRetentionDays` (see
 * {@link minimumWalRetentionDays}) and `alarms.rpoHours` (see {@link defaultRpoHours}). When a value they
 * depend on is not known yet (`options.isUnresolved`), this throws and asks for the value to be set
 * explicitly, rather than guessing.
 */
export function resolveBackupPolicy(policy: BackupPolicy, options: ValidationOptions = {}): ResolvedBackupPolicy {
  const isUnresolved = options.isUnresolved ?? (() => false);
  return {
    ...policy,
    platform: policy.platform ?? DEFAULT_PLATFORM,
    logicalDump: policy.logicalDump && resolveLogicalDump(policy.logicalDump),
    managedSnapshots: policy.managedSnapshots && resolveManagedSnapshots(policy.managedSnapshots),
    backupPlan: policy.backupPlan && resolveBackupPlan(policy.backupPlan),
    copies: [...(policy.copies ?? [])],
    pitr: policy.pitr && resolvePitr(policy.pitr, options),
    verification: policy.verification && resolveVerification(policy.verification),
    alarms: resolveAlarms(policy, isUnresolved),
    immutability: policy.immutability && resolveImmutability(policy.immutability),
  };
}

/** Fills in the time zone of a schedule. */
export function resolveSchedule(spec: ScheduleSpec): ResolvedScheduleSpec {
  return { ...spec, timezone: spec.timezone ?? DEFAULT_SCHEDULE_TIMEZONE };
}

/** The schedule a backup-plan rule of this frequency runs on when it gives none. */
export function defaultBackupPlanSchedule(frequency: BackupFrequency): ResolvedScheduleSpec {
  switch (frequency) {
    case 'hourly':
      return { expression: '0 * * * *', timezone: 'UTC' };
    case 'daily':
      return { expression: '0 5 * * *', timezone: 'UTC' };
    case 'weekly':
      return { expression: '0 5 * * 0', timezone: 'UTC' };
    case 'monthly':
      return { expression: '0 5 1 * *', timezone: 'UTC' };
  }
}

/** Fills in the defaults of logical dumps. */
export function resolveLogicalDump(dump: LogicalDumpPolicy): ResolvedLogicalDumpPolicy {
  return {
    ...dump,
    schedule: resolveSchedule(dump.schedule ?? DEFAULT_LOGICAL_DUMP_SCHEDULE),
    format: dump.format ?? 'custom',
    compression: dump.compression ?? DEFAULT_DUMP_COMPRESSION,
    jobs: dump.jobs ?? 1,
    tables: [...(dump.tables ?? [])],
    excludeTables: [...(dump.excludeTables ?? [])],
    schemas: [...(dump.schemas ?? [])],
    excludeSchemas: [...(dump.excludeSchemas ?? [])],
    schemaOnly: dump.schemaOnly ?? false,
    dataOnly: dump.dataOnly ?? false,
    noOwner: dump.noOwner ?? false,
    noAcl: dump.noAcl ?? false,
    includeGlobals: dump.includeGlobals ?? false,
    retentionDays: dump.retentionDays ?? dumpRetentionDaysDefault(dump),
    lockWaitTimeoutSeconds: dump.lockWaitTimeoutSeconds ?? DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS,
    rowCounts: dump.rowCounts ?? 'exact',
  };
}

/**
 * Days the bucket lifecycle keeps a dump when `retentionDays` is not given: 30, or with `retention` its safety net
 * far beyond the longest class.
 */
export function dumpRetentionDaysDefault(dump: LogicalDumpPolicy): number {
  return dump.retention === undefined ? DEFAULT_DUMP_RETENTION_DAYS : retentionSafetyNetDays(resolveBackupRetention(dump.retention));
}

/** Fills in the defaults of managed snapshots. */
export function resolveManagedSnapshots(snapshots: ManagedSnapshotPolicy): ResolvedManagedSnapshotPolicy {
  return {
    ...snapshots,
    backupRetentionDays: snapshots.backupRetentionDays ?? DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
    copyTagsToSnapshot: snapshots.copyTagsToSnapshot ?? true,
    finalSnapshot: snapshots.finalSnapshot ?? true,
  };
}

/** Fills in the defaults of a backup plan: each rule's schedule from its frequency. */
export function resolveBackupPlan(plan: BackupPlanPolicy): ResolvedBackupPlanPolicy {
  return {
    ...plan,
    rules: (plan.rules ?? []).map((rule) => ({
      ...rule,
      schedule: resolveSchedule(rule.schedule ?? defaultBackupPlanSchedule(rule.frequency)),
    })),
  };
}

/** Who deletes old WAL and base backups when `pitr.expireBy` is unset: pgBackRest's own expire, else lifecycle rules. */
export function resolveExpireBy(pitr: PitrPolicy): 'archiver' | 'lifecycle' {
  return pitr.expireBy ?? ((pitr.archiver ?? DEFAULT_ARCHIVER) === 'pgbackrest' ? 'archiver' : 'lifecycle');
}

/**
 * Fills in the defaults of PITR, `walRetentionDays` included (the least that still replays the oldest
 * retained full backup, {@link minimumWalRetentionDays}).
 */
export function resolvePitr(pitr: PitrPolicy, options: ValidationOptions = {}): ResolvedPitrPolicy {
  const base = {
    ...pitr,
    windowDays: pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS,
    archiveTimeoutSeconds: pitr.archiveTimeoutSeconds ?? DEFAULT_ARCHIVE_TIMEOUT_SECONDS,
    allowArchiveTimeoutOutsideRange: pitr.allowArchiveTimeoutOutsideRange ?? false,
    fullBackupSchedule: resolveSchedule(pitr.fullBackupSchedule ?? DEFAULT_FULL_BACKUP_SCHEDULE),
    diffBackupSchedule: resolveSchedule(pitr.diffBackupSchedule ?? DEFAULT_DIFF_BACKUP_SCHEDULE),
    retainFull: pitr.retainFull ?? DEFAULT_RETAIN_FULL,
    archiver: pitr.archiver ?? DEFAULT_ARCHIVER,
    expireBy: resolveExpireBy(pitr),
  };
  if (pitr.walRetentionDays !== undefined) return { ...base, walRetentionDays: pitr.walRetentionDays };
  const isUnresolved = options.isUnresolved ?? (() => false);
  const inputs = [base.windowDays, base.retainFull, base.fullBackupSchedule.expression, base.fullBackupSchedule.timezone];
  if (inputs.some((value) => isUnresolved(value))) {
    throw new Error('pitr.walRetentionDays cannot be derived while windowDays, retainFull or fullBackupSchedule is not known yet; set it explicitly');
  }
  return { ...base, walRetentionDays: minimumWalRetentionDays(base) };
}

/** Fills in the defaults of restore drills. */
export function resolveVerification(verification: VerificationPolicy): ResolvedVerificationPolicy {
  return {
    ...verification,
    schedule: resolveSchedule(verification.schedule ?? DEFAULT_VERIFICATION_SCHEDULE),
    checks: [...(verification.checks ?? [])],
    maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes ?? DEFAULT_MAX_RESTORE_DURATION_MINUTES,
  };
}

/** Fills in the mode of immutability. */
export function resolveImmutability(immutability: ImmutabilityPolicy): ResolvedImmutabilityPolicy {
  return { ...immutability, mode: immutability.mode ?? 'governance' };
}

/** A scheduled backup the RPO alarm watches, and where its schedule is in the policy. */
export interface RpoSchedule {
  /** Path of the schedule, e.g. `logicalDump.schedule` or `backupPlan.rules[0].schedule`. */
  readonly path: string;
  /** The schedule, defaults filled in. */
  readonly schedule: ResolvedScheduleSpec;
}

/**
 * The scheduled backups whose age the RPO alarm watches: logical dumps and backup-plan rules.
 * WAL archiving is not among them: its freshness is watched by the archive-gap alarm, and its base
 * backups alone do not bound the data lost.
 */
export function rpoSchedules(policy: BackupPolicy): RpoSchedule[] {
  const schedules: RpoSchedule[] = [];
  if (policy.logicalDump) {
    schedules.push({ path: 'logicalDump.schedule', schedule: resolveLogicalDump(policy.logicalDump).schedule });
  }
  resolveBackupPlan(policy.backupPlan ?? {}).rules.forEach((rule, index) => {
    schedules.push({ path: `backupPlan.rules[${index}].schedule`, schedule: rule.schedule });
  });
  return schedules;
}

/**
 * The default RPO in hours: the longest gap between two runs of the most frequent backup the RPO alarm
 * watches ({@link rpoSchedules}), rounded up to hours, plus a two-hour margin — 26 for daily dumps.
 * The alarm fires when the newest good backup of any kind is older, so the most frequent one sets it.
 * Without a scheduled backup it is {@link DEFAULT_RPO_HOURS}.
 */
export function defaultRpoHours(policy: BackupPolicy): number {
  const intervals = rpoSchedules(policy).map(({ path, schedule }) => longestIntervalMinutes(schedule, path));
  if (intervals.length === 0) return DEFAULT_RPO_HOURS;
  return Math.ceil(Math.min(...intervals) / 60) + RPO_MARGIN_HOURS;
}

function resolveAlarms(policy: BackupPolicy, isUnresolved: (value: unknown) => boolean): ResolvedAlarmPolicy {
  const alarms = policy.alarms ?? {};
  if (alarms.rpoHours !== undefined) return { ...alarms, rpoHours: alarms.rpoHours };
  const unknown = rpoSchedules(policy).find(({ schedule }) => isUnresolved(schedule.expression) || isUnresolved(schedule.timezone));
  if (unknown) {
    throw new Error(`alarms.rpoHours cannot be derived while ${unknown.path} is not known yet; set it explicitly`);
  }
  return { ...alarms, rpoHours: defaultRpoHours(policy) };
}
