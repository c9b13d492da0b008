import { BackupPlanPolicy } from '../policy/policy';
import { Validator } from '../policy/validation';

/** The shortest minimum retention AWS Backup accepts for a logically air-gapped vault, days. */
export const AIR_GAPPED_VAULT_MIN_RETENTION_DAYS = 7;
/** The longest retention AWS Backup accepts for a logically air-gapped vault, days (100 years). */
export const AIR_GAPPED_VAULT_MAX_RETENTION_DAYS = 36500;

/**
 * Copies of every recovery point into a logically air-gapped vault the plan creates: AWS Backup keeps it locked in
 * compliance mode (nobody, the account's root user included, can delete a copy before its retention ends or change the
 * vault's retention range), encrypts it with a key AWS owns, and it can be shared with a recovery account through AWS
 * RAM even when this account is compromised.
 */
export interface AirGappedCopyOptions {
  /**
   * Name of the vault: 2–50 letters, digits, `-` and `_`, unique in the account and region.
   * @default - made from the construct's name, ending in `-air-gapped`
   */
  readonly vaultName?: string;
  /**
   * Days each copy is kept (7–36500): within the vault's `minRetentionDays` and `maxRetentionDays`.
   * @default - the retention of the rule whose recovery point is copied (continuous backup's for its snapshots)
   */
  readonly retentionDays?: number;
  /**
   * The shortest retention the vault accepts (7–36500 days): its lock keeps every copy at least this long.
   * @default - the shortest copy retention, at least 7 days
   */
  readonly minRetentionDays?: number;
  /**
   * The longest retention the vault accepts (7–36500 days, at least `minRetentionDays`).
   * @default - the longest copy retention
   */
  readonly maxRetentionDays?: number;
}

/** The logically air-gapped vault a front end creates, and how long the copies in it are kept. */
export interface AirGappedVaultPlan {
  /** `AWS::Backup::LogicallyAirGappedBackupVault.BackupVaultName` / `aws.backup.LogicallyAirGappedVault.name`. */
  readonly name: string;
  /** The vault's minimum retention, days. */
  readonly minRetentionDays: number;
  /** The vault's maximum retention, days. */
  readonly maxRetentionDays: number;
}

/** A logically air-gapped vault's name from a construct's name: letters, digits, `-` and `_`, at most 50 characters. */
export function airGappedVaultName(base: string): string {
  const suffix = '-air-gapped';
  return `${base.replace(/[^A-Za-z0-9_-]/g, '-').slice(-(50 - suffix.length))}${suffix}`;
}

/** Days the copy of each rule's recovery points is kept: scheduled rules in order, then continuous backup's snapshots. */
function copyRetentions(options: AirGappedCopyOptions, backupPlan: BackupPlanPolicy): Array<{ readonly path: string; readonly days: number }> {
  const given = options.retentionDays;
  const rules = (backupPlan.rules ?? []).map((rule, index) => ({ path: `backupPlan.rules[${index}].retentionDays`, days: rule.retentionDays }));
  const continuous = backupPlan.continuousBackupRetentionDays === undefined
    ? []
    : [{ path: 'backupPlan.continuousBackupRetentionDays', days: backupPlan.continuousBackupRetentionDays }];
  return [...rules, ...continuous].map((copy) => (given === undefined ? copy : { path: 'airGappedCopy.retentionDays', days: given }));
}

function resolveRange(options: AirGappedCopyOptions, retentions: readonly { readonly days: number }[]): { min: number; max: number } {
  const days = retentions.map((copy) => copy.days);
  // A default bound never crosses the other, given, bound: the copies outside the range are what is reported then.
  return {
    min: options.minRetentionDays ?? Math.max(AIR_GAPPED_VAULT_MIN_RETENTION_DAYS, Math.min(...days, options.maxRetentionDays ?? Infinity)),
    max: options.maxRetentionDays ?? Math.max(AIR_GAPPED_VAULT_MIN_RETENTION_DAYS, ...days, options.minRetentionDays ?? 0),
  };
}

/**
 * Every problem with `airGappedCopy`: the vault's name, each retention within what AWS Backup accepts (7–36500 days), a
 * maximum below the minimum, and each copy's retention outside the vault's range (AWS Backup would fail every copy job).
 */
export function checkAirGappedCopyOptions(validator: Validator, options: AirGappedCopyOptions | undefined, backupPlan: BackupPlanPolicy): void {
  if (options === undefined || validator.isUnresolved(options)) return;
  const path = 'airGappedCopy';
  validator.matches(`${path}.vaultName`, options.vaultName, /^[A-Za-z0-9_-]{2,50}$/, '2 to 50 letters, digits, - and _');
  const bounds = [AIR_GAPPED_VAULT_MIN_RETENTION_DAYS, AIR_GAPPED_VAULT_MAX_RETENTION_DAYS] as const;
  const fine = [
    validator.integer(`${path}.retentionDays`, options.retentionDays, ...bounds, 'days'),
    validator.integer(`${path}.minRetentionDays`, options.minRetentionDays, ...bounds, 'days'),
    validator.integer(`${path}.maxRetentionDays`, options.maxRetentionDays, ...bounds, 'days'),
  ].every(Boolean);
  if (!fine || validator.isUnresolved(backupPlan)) return;
  const retentions = copyRetentions(options, backupPlan);
  if (retentions.length === 0) return;
  const { min, max } = resolveRange(options, retentions);
  if (max < min) {
    validator.report({ path: `${path}.maxRetentionDays`, value: max, allowed: `at least ${path}.minRetentionDays, ${min} days` });
    return;
  }
  const reported = new Set<string>();
  for (const copy of retentions) {
    if ((copy.days >= min && copy.days <= max) || reported.has(copy.path)) continue;
    reported.add(copy.path);
    validator.report({
      path: copy.path,
      value: copy.days,
      allowed: `${min} to ${max} days, the retention range of the logically air-gapped vault (${path}.minRetentionDays and maxRetentionDays), `
        + `which AWS Backup requires of every copy into it${options.retentionDays === undefined ? `; or set ${path}.retentionDays` : ''}`,
    });
  }
}

/** The vault of `airGappedCopy` (call after {@link checkAirGappedCopyOptions}), named from `constructName` unless named. */
export function planAirGappedVault(options: AirGappedCopyOptions, backupPlan: BackupPlanPolicy, constructName: string): AirGappedVaultPlan {
  const { min, max } = resolveRange(options, copyRetentions(options, backupPlan));
  return { name: options.vaultName ?? airGappedVaultName(constructName), minRetentionDays: min, maxRetentionDays: max };
}
