import { resolveImmutability } from '../policy/defaults';
import { BackupPolicy, CopyPolicy } from '../policy/policy';
import { AWS_BACKUP_MAX_RETENTION_DAYS } from '../policy/rules/backup-plan';
import { isKnownNumber } from '../policy/rules/bounds';
import { checkPolicy } from '../policy/validate-policy';
import { ValidationIssue, ValidationOptions, Validator } from '../policy/validation';

/**
 * How a managed database's storage is encrypted, which decides where its snapshots may be copied: a snapshot
 * encrypted with the AWS managed key `aws/rds` cannot be shared with another account, so it cannot be copied there.
 */
export type DatabaseStorageEncryption = 'none' | 'aws-managed-key' | 'customer-managed-key' | 'unknown';

/** Settings of an AWS Backup vault lock beyond its mode and minimum retention (which are `immutability`). */
export interface VaultLockSettings {
  /**
   * Days after which a compliance-mode lock can no longer be changed or removed, by anyone (3–36500). Only for
   * `immutability.mode: 'compliance'`: giving it is what turns a vault lock into compliance mode.
   * @default 3 in compliance mode
   */
  readonly changeableForDays?: number;
  /**
   * The longest retention the vault accepts; backup and copy jobs kept longer fail.
   * @default - no maximum
   */
  readonly maxRetentionDays?: number;
}

/** A vault lock with its defaults applied, ready to be mapped onto `AWS::Backup::BackupVault.LockConfiguration`. */
export interface ResolvedVaultLock {
  /** `governance` (removable by a principal allowed to) or `compliance` (immutable once `changeableForDays` pass). */
  readonly mode: 'governance' | 'compliance';
  /** Recovery points are kept at least this long. */
  readonly minRetentionDays: number;
  /**
   * The longest retention accepted.
   * @default - none
   */
  readonly maxRetentionDays?: number;
  /**
   * Grace time of a compliance lock; absent in governance mode.
   * @default - none
   */
  readonly changeableForDays?: number;
}

/** What {@link checkManagedBackupPlan} checks: the policy and the facts about the database the front end knows. */
export interface ManagedBackupPlanCheck {
  /** The policy: `managedSnapshots`, `backupPlan`, `copies`, `immutability` (the vault lock), `alarms`, `sourceRegion`. */
  readonly policy: BackupPolicy;
  /**
   * Vault lock settings; the lock itself exists when `policy.immutability` is set.
   * @default - none
   */
  readonly vaultLock?: VaultLockSettings;
  /** How the database is encrypted. */
  readonly storageEncryption: DatabaseStorageEncryption;
  /**
   * The account the database is in, to reject an "account" copy into that same account.
   * @default - unknown: not checked
   */
  readonly sourceAccount?: string;
}

/** The fewest days a compliance lock stays changeable (AWS Backup's minimum). */
export const MIN_VAULT_LOCK_CHANGEABLE_DAYS = 3;
/** The longest retention AWS Backup accepts, days. */
export const MAX_BACKUP_RETENTION_DAYS = AWS_BACKUP_MAX_RETENTION_DAYS;

const BACKUP_VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):backup-vault:([A-Za-z0-9_-]{2,50})$/;

/** The parts of an AWS Backup vault ARN. */
export interface BackupVaultArnParts {
  /** Region of the vault. */
  readonly region: string;
  /** Account of the vault. */
  readonly account: string;
  /** Name of the vault. */
  readonly name: string;
}

/** Splits `arn:aws:backup:<region>:<account>:backup-vault:<name>`; `undefined` when it is not one. */
export function parseBackupVaultArn(arn: string): BackupVaultArnParts | undefined {
  const match = BACKUP_VAULT_ARN.exec(arn);
  return match ? { region: match[1], account: match[2], name: match[3] } : undefined;
}

/** Which part of a string that is not an AWS Backup vault ARN is wrong, said so a user can fix it. */
export function backupVaultArnProblem(arn: string): string {
  const parts = arn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn') return `it does not have the 7 parts of an ARN separated by ":" (it has ${parts.length})`;
  const [, partition, service, region, account, resource, name] = parts;
  if (!/^aws[a-z-]*$/.test(partition)) return `its partition "${partition}" is not an AWS partition such as "aws"`;
  if (service !== 'backup') return `its service is "${service}", not "backup"`;
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(region)) return `its region "${region}" is not an AWS region such as "eu-west-1"`;
  if (!/^\d{12}$/.test(account)) return `its account "${account}" is not a 12-digit AWS account id`;
  if (resource !== 'backup-vault') return `its resource type is "${resource}", not "backup-vault"`;
  if (name.length < 2 || name.length > 50) return `its vault name "${name}" has ${name.length} character${name.length === 1 ? '' : 's'}; a vault name has 2 to 50`;
  return `its vault name "${name}" has characters other than letters, digits, "-" and "_"`;
}

/**
 * Every problem with an AWS Backup plan for a managed database, without throwing: the whole policy
 * ({@link checkPolicy}: retention 1–35 days, windows, no cold storage, vault-lock minimum within every retention,
 * copies out of the source region, …) and the rules of AWS Backup itself:
 *
 * - a vault lock is in governance mode unless compliance is asked for explicitly; `changeableForDays` (3–36500) belongs
 *   to compliance mode only, because a compliance lock can never be lifted once that time has passed;
 * - `maxRetentionDays` of the lock admits every retention the vault receives;
 * - every copy names its destination vault by ARN, in the copy's region and account;
 * - a database encrypted with the AWS managed key `aws/rds` cannot be copied to another account (that key cannot be
 *   shared), and an account copy goes to another account;
 * - with continuous backup, AWS Backup manages the database's automated backups, whose retention then has to be the
 *   continuous backup's (another value would be reset by every deploy and changed back by AWS Backup).
 */
export function checkManagedBackupPlan(check: ManagedBackupPlanCheck, options: ValidationOptions = {}): readonly ValidationIssue[] {
  const validator = new Validator(options);
  validator.include(checkPolicy(check.policy, options));
  checkVaultLock(validator, check);
  // A list given as a deploy-time value is refused by the plan's literal props: it has no entries to check here.
  if (!validator.isUnresolved(check.policy.copies)) {
    (check.policy.copies ?? []).forEach((copy, index) => checkCopyDestination(validator, check, copy, index));
  }
  checkContinuousRetention(validator, check.policy);
  return validator.issues;
}

/** {@link checkManagedBackupPlan}, throwing a `PolicyValidationError` that lists every problem. */
export function validateManagedBackupPlan(check: ManagedBackupPlanCheck, options: ValidationOptions = {}): void {
  const validator = new Validator(options);
  validator.include(checkManagedBackupPlan(check, options));
  validator.throwIfInvalid();
}

/** The vault lock of a policy with its defaults, or `undefined` when the policy asks for none. Call after validation. */
export function resolveVaultLock(policy: BackupPolicy, settings: VaultLockSettings = {}): ResolvedVaultLock | undefined {
  if (policy.immutability === undefined) return undefined;
  const { mode, days } = resolveImmutability(policy.immutability);
  return {
    mode,
    minRetentionDays: days,
    maxRetentionDays: settings.maxRetentionDays,
    changeableForDays: mode === 'compliance' ? settings.changeableForDays ?? MIN_VAULT_LOCK_CHANGEABLE_DAYS : undefined,
  };
}

/**
 * The automated-backup retention a database gets: the policy's, else the continuous backup's (AWS Backup manages it
 * then), else `current` (what the database construct already says), else `fallback`.
 */
export function effectiveBackupRetentionDays(policy: BackupPolicy, current: number | undefined, fallback: number): number {
  return policy.managedSnapshots?.backupRetentionDays ?? policy.backupPlan?.continuousBackupRetentionDays ?? current ?? fallback;
}

function checkVaultLock(validator: Validator, check: ManagedBackupPlanCheck): void {
  const settings = check.vaultLock;
  const immutability = check.policy.immutability;
  if (settings === undefined || validator.isUnresolved(settings)) return;
  if (immutability === undefined) {
    validator.report({
      path: 'vaultLock',
      value: settings,
      allowed: `unset, or set together with ${validator.propPath('immutability.days')} (the lock's minimum retention)`,
    });
    return;
  }
  const mode = validator.isUnresolved(immutability.mode) ? undefined : immutability.mode ?? 'governance';
  if (settings.changeableForDays !== undefined && mode === 'governance') {
    validator.report({
      path: 'vaultLock.changeableForDays',
      value: settings.changeableForDays,
      allowed: `unset in governance mode; set ${validator.propPath('immutability.mode')} to "compliance" to ask for a compliance lock`,
      reason: 'a changeable-for time makes the lock a compliance lock, which nobody can remove once that time has passed',
    });
  } else {
    validator.integer('vaultLock.changeableForDays', settings.changeableForDays, MIN_VAULT_LOCK_CHANGEABLE_DAYS, MAX_BACKUP_RETENTION_DAYS, 'days');
  }
  if (!validator.integer('vaultLock.maxRetentionDays', settings.maxRetentionDays, 1, MAX_BACKUP_RETENTION_DAYS, 'days')) return;
  if (!isKnownNumber(validator, settings.maxRetentionDays)) return;
  const max = settings.maxRetentionDays;
  const retained: Array<{ path: string; value: unknown }> = [{ path: 'immutability.days', value: immutability.days }];
  const plan = check.policy.backupPlan;
  (plan?.rules ?? []).forEach((rule, index) => retained.push({ path: `backupPlan.rules[${index}].retentionDays`, value: rule?.retentionDays }));
  retained.push({ path: 'backupPlan.continuousBackupRetentionDays', value: plan?.continuousBackupRetentionDays });
  for (const { path, value } of retained) {
    if (isKnownNumber(validator, value) && value > max) {
      validator.report({
        path: 'vaultLock.maxRetentionDays',
        value: max,
        allowed: `an integer from ${value} to ${MAX_BACKUP_RETENTION_DAYS} days (${validator.propPath(path)} is ${value})`,
        reason: 'the locked vault would fail every backup kept longer than its maximum retention',
      });
    }
  }
}

function checkCopyDestination(validator: Validator, check: ManagedBackupPlanCheck, copy: CopyPolicy, index: number): void {
  const path = `copies[${index}]`;
  if (copy === undefined || validator.isUnresolved(copy)) return;
  if (copy.vaultArn === undefined) {
    const tierOption = copy.destination === 'account' ? 'copyAccountVaultArn' : 'copyRegionVaultArn';
    const where = validator.propPath(`${path}.vaultArn`).endsWith(tierOption) ? '' : `; a tier's copies take it from tierOptions.${tierOption}`;
    validator.report({
      path: `${path}.vaultArn`,
      value: undefined,
      allowed: `the ARN of the destination vault, "arn:aws:backup:<region>:<account>:backup-vault:<name>" (create it in the destination first${where})`,
    });
  } else if (!validator.isUnresolved(copy.vaultArn)) {
    const parts = parseBackupVaultArn(copy.vaultArn);
    if (parts === undefined) {
      validator.report({
        path: `${path}.vaultArn`,
        value: copy.vaultArn,
        allowed: 'an AWS Backup vault ARN, "arn:aws:backup:<region>:<account>:backup-vault:<name>"',
        reason: backupVaultArnProblem(copy.vaultArn),
      });
    } else {
      if (copy.region !== undefined && !validator.isUnresolved(copy.region) && parts.region !== copy.region) {
        validator.report({ path: `${path}.vaultArn`, value: copy.vaultArn, allowed: `a vault in the copy's region "${copy.region}" (${validator.propPath(`${path}.region`)})` });
      }
      if (copy.destination === 'region' && copy.region === undefined && parts.region === check.policy.sourceRegion) {
        validator.report({ path: `${path}.vaultArn`, value: copy.vaultArn, allowed: `a vault in a region other than the source region "${check.policy.sourceRegion}"` });
      }
      if (copy.account !== undefined && !validator.isUnresolved(copy.account) && parts.account !== copy.account) {
        validator.report({ path: `${path}.vaultArn`, value: copy.vaultArn, allowed: `a vault in the copy's account "${copy.account}" (${validator.propPath(`${path}.account`)})` });
      }
    }
  }
  if (copy.destination !== 'account') return;
  if (check.sourceAccount !== undefined && copy.account !== undefined && copy.account === check.sourceAccount) {
    validator.report(
      { path: `${path}.account`, value: copy.account, allowed: `an account other than the source account "${check.sourceAccount}" (use destination "region" for a copy in the same account)` },
      [copy.account, check.sourceAccount],
    );
  }
  if (check.storageEncryption === 'aws-managed-key') {
    validator.report({
      path: `${path}.destination`,
      value: copy.destination,
      allowed: '"region" for a database encrypted with the AWS managed key aws/rds',
      reason: 'snapshots encrypted with aws/rds cannot be shared with another account; encrypt the database with a customer managed KMS key to copy it to another account',
    });
  }
}

function checkContinuousRetention(validator: Validator, policy: BackupPolicy): void {
  const automated = policy.managedSnapshots?.backupRetentionDays;
  const continuous = policy.backupPlan?.continuousBackupRetentionDays;
  if (!isKnownNumber(validator, automated) || !isKnownNumber(validator, continuous) || automated === continuous) return;
  validator.report({
    path: 'managedSnapshots.backupRetentionDays',
    value: automated,
    allowed: `${continuous} days, the value of ${validator.propPath('backupPlan.continuousBackupRetentionDays')} (or unset)`,
    reason: 'AWS Backup continuous backup manages the automated backups of the database and sets their retention to its own',
  });
}
