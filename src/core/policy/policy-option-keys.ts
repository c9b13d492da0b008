import {
  BackupPlanPolicy, BackupPlanRule, BackupRetentionPolicy, CopyPolicy, ImmutabilityPolicy, LogicalDumpPolicy, ManagedSnapshotPolicy, PitrPolicy,
  ScheduleSpec, VerificationPolicy,
} from './policy';
import { Validator } from './validation';

/**
 * The options each part of the policy takes. A key that is none of them is a misspelt option (`retentionDay`), which
 * JavaScript and options read from JSON or YAML would otherwise drop without a word, leaving the default in force.
 * Each set is a record over the interface's keys, so adding an option to an interface without adding it here does not
 * compile.
 */
type OptionKeys<T> = Readonly<Record<keyof T, true>>;

const SCHEDULE_KEYS: OptionKeys<ScheduleSpec> = { expression: true, timezone: true };

const RETENTION_KEYS: OptionKeys<BackupRetentionPolicy> = {
  daily: true, weekly: true, monthly: true, yearly: true, minimumKept: true, pruneSchedule: true,
};

const LOGICAL_DUMP_KEYS: OptionKeys<LogicalDumpPolicy> = {
  schedule: true,
  format: true,
  compression: true,
  jobs: true,
  largestTableGiB: true,
  tables: true,
  excludeTables: true,
  schemas: true,
  excludeSchemas: true,
  schemaOnly: true,
  dataOnly: true,
  noOwner: true,
  noAcl: true,
  includeGlobals: true,
  retentionDays: true,
  retention: true,
  lockWaitTimeoutSeconds: true,
  rowCounts: true,
};

const MANAGED_SNAPSHOT_KEYS: OptionKeys<ManagedSnapshotPolicy> = {
  backupRetentionDays: true, preferredBackupWindow: true, preferredMaintenanceWindow: true, copyTagsToSnapshot: true, finalSnapshot: true,
};

const BACKUP_PLAN_KEYS: OptionKeys<BackupPlanPolicy> = { rules: true, continuousBackupRetentionDays: true };

const BACKUP_PLAN_RULE_KEYS: OptionKeys<BackupPlanRule> = {
  name: true, frequency: true, schedule: true, retentionDays: true, moveToColdStorageAfterDays: true,
};

const COPY_KEYS: OptionKeys<CopyPolicy> = { destination: true, region: true, account: true, vaultArn: true, retentionDays: true };

const PITR_KEYS: OptionKeys<PitrPolicy> = {
  windowDays: true,
  archiveTimeoutSeconds: true,
  allowArchiveTimeoutOutsideRange: true,
  fullBackupSchedule: true,
  diffBackupSchedule: true,
  retainFull: true,
  archiver: true,
  expireBy: true,
  walRetentionDays: true,
};

const VERIFICATION_KEYS: OptionKeys<VerificationPolicy> = { schedule: true, checks: true, maxRestoreDurationMinutes: true };

const IMMUTABILITY_KEYS: OptionKeys<ImmutabilityPolicy> = { mode: true, days: true };

/**
 * Reports each key of `value` that `keys` does not name, at `path.key`, with the options `path` takes. `undefined`,
 * non-objects (their own check reports them) and unresolved values pass. Returns whether it passed.
 */
export function checkOptionKeys<T>(validator: Validator, path: string, value: T | undefined, keys: OptionKeys<T>): boolean {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value) || validator.isUnresolved(value)) return true;
  const known = Object.keys(keys);
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  for (const key of unknown) {
    validator.report(
      { path: `${path}.${key}`, value: (value as Record<string, unknown>)[key], allowed: `an option ${validator.propPath(path)} takes: ${known.join(', ')}` },
      [],
    );
  }
  return unknown.length === 0;
}

/** Checks the keys of a schedule (`expression`, `timezone`). */
export function checkScheduleKeys(validator: Validator, path: string, schedule: ScheduleSpec | undefined): void {
  checkOptionKeys(validator, path, schedule, SCHEDULE_KEYS);
}

/** Checks the keys of a grandfather-father-son retention and of its prune schedule. */
export function checkRetentionKeys(validator: Validator, path: string, retention: BackupRetentionPolicy | undefined): void {
  if (checkOptionKeys(validator, path, retention, RETENTION_KEYS)) checkScheduleKeys(validator, `${path}.pruneSchedule`, retention?.pruneSchedule);
}

/** Checks the keys of a logical dump policy, its schedule and its retention. */
export function checkLogicalDumpKeys(validator: Validator, path: string, dump: LogicalDumpPolicy | undefined): void {
  if (!checkOptionKeys(validator, path, dump, LOGICAL_DUMP_KEYS) || dump === undefined || validator.isUnresolved(dump)) return;
  checkScheduleKeys(validator, `${path}.schedule`, dump.schedule);
  checkRetentionKeys(validator, `${path}.retention`, dump.retention);
}

/** Checks the keys of automated-snapshot settings. */
export function checkManagedSnapshotKeys(validator: Validator, path: string, snapshots: ManagedSnapshotPolicy | undefined): void {
  checkOptionKeys(validator, path, snapshots, MANAGED_SNAPSHOT_KEYS);
}

/** Checks the keys of a backup plan, of each of its rules and of their schedules. */
export function checkBackupPlanKeys(validator: Validator, path: string, plan: BackupPlanPolicy | undefined): void {
  if (!checkOptionKeys(validator, path, plan, BACKUP_PLAN_KEYS) || plan === undefined || validator.isUnresolved(plan.rules)) return;
  if (!Array.isArray(plan.rules)) return;
  plan.rules.forEach((rule, index) => {
    if (checkOptionKeys(validator, `${path}.rules[${index}]`, rule, BACKUP_PLAN_RULE_KEYS) && rule && !validator.isUnresolved(rule)) {
      checkScheduleKeys(validator, `${path}.rules[${index}].schedule`, rule.schedule);
    }
  });
}

/** Checks the keys of each copy. */
export function checkCopyKeys(validator: Validator, path: string, copies: readonly CopyPolicy[] | undefined): void {
  if (copies === undefined || !Array.isArray(copies) || validator.isUnresolved(copies)) return;
  copies.forEach((copy, index) => checkOptionKeys(validator, `${path}[${index}]`, copy, COPY_KEYS));
}

/** Checks the keys of a point-in-time recovery policy and of its base-backup schedules. */
export function checkPitrKeys(validator: Validator, path: string, pitr: PitrPolicy | undefined): void {
  if (!checkOptionKeys(validator, path, pitr, PITR_KEYS) || pitr === undefined || validator.isUnresolved(pitr)) return;
  checkScheduleKeys(validator, `${path}.fullBackupSchedule`, pitr.fullBackupSchedule);
  checkScheduleKeys(validator, `${path}.diffBackupSchedule`, pitr.diffBackupSchedule);
}

/** Checks the keys of a restore drill's verification and of its schedule. */
export function checkVerificationKeys(validator: Validator, path: string, verification: VerificationPolicy | undefined): void {
  const keysKnown = checkOptionKeys(validator, path, verification, VERIFICATION_KEYS);
  if (!keysKnown || verification === undefined || validator.isUnresolved(verification)) return;
  checkScheduleKeys(validator, `${path}.schedule`, verification.schedule);
}

/** Checks the keys of an immutability (Object Lock, vault lock) policy. */
export function checkImmutabilityKeys(validator: Validator, path: string, immutability: ImmutabilityPolicy | undefined): void {
  checkOptionKeys(validator, path, immutability, IMMUTABILITY_KEYS);
}
