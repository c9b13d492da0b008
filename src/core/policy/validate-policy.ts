import { DEFAULT_PLATFORM } from './defaults';
import { BackupPolicy, DatabasePlatform } from './policy';
import {
  checkBackupPlanKeys, checkCopyKeys, checkImmutabilityKeys, checkLogicalDumpKeys, checkManagedSnapshotKeys, checkPitrKeys, checkVerificationKeys,
} from './policy-option-keys';
import { checkAlarms } from './rules/alarms';
import { checkBackupPlan } from './rules/backup-plan';
import { checkCopies } from './rules/copies';
import { checkImmutability } from './rules/immutability';
import { checkLogicalDump } from './rules/logical-dump';
import { checkManagedSnapshots } from './rules/managed-snapshots';
import { checkPitr } from './rules/pitr';
import { checkPlatformSchedules } from './rules/platform-schedules';
import { checkVerification } from './rules/verification';
import { PolicyValidationError, ValidationIssue, ValidationOptions, Validator } from './validation';

const PLATFORMS: readonly DatabasePlatform[] = ['aws', 'azure', 'self-hosted'];

/**
 * Every problem with a policy, without throwing: each option's name (a misspelt one is reported, not ignored), each
 * value against its range, and the rules that tie values together (parallel dumps need the directory format, cold
 * storage lasts 90 days, locks do not outlast retention, WAL outlives the oldest base backup, copies leave the source
 * region, …).
 * Values for which `options.isUnresolved` returns true are skipped, as is every rule that depends on one.
 */
export function checkPolicy(policy: BackupPolicy, options: ValidationOptions = {}): readonly ValidationIssue[] {
  const validator = new Validator(options);
  validator.oneOf('platform', policy.platform, PLATFORMS);
  const platform = policy.platform !== undefined && PLATFORMS.includes(policy.platform) ? policy.platform : DEFAULT_PLATFORM;
  checkLogicalDumpKeys(validator, 'logicalDump', policy.logicalDump);
  checkManagedSnapshotKeys(validator, 'managedSnapshots', policy.managedSnapshots);
  checkBackupPlanKeys(validator, 'backupPlan', policy.backupPlan);
  checkCopyKeys(validator, 'copies', policy.copies);
  checkPitrKeys(validator, 'pitr', policy.pitr);
  checkVerificationKeys(validator, 'verification', policy.verification);
  checkImmutabilityKeys(validator, 'immutability', policy.immutability);
  checkLogicalDump(validator, policy.logicalDump);
  checkManagedSnapshots(validator, policy.managedSnapshots, platform);
  checkBackupPlan(validator, policy.backupPlan, platform);
  checkCopies(validator, policy, platform);
  checkPitr(validator, policy);
  checkVerification(validator, policy.verification);
  checkAlarms(validator, policy);
  checkImmutability(validator, policy);
  checkPlatformSchedules(validator, policy, platform);
  return validator.issues;
}

/**
 * Validates a whole policy and throws a {@link PolicyValidationError} listing every problem at once
 * (see {@link checkPolicy} for what is checked). Front ends call it in their constructor with an
 * `isUnresolved` that recognizes their tokens or outputs.
 */
export function validatePolicy(policy: BackupPolicy, options: ValidationOptions = {}): void {
  const issues = checkPolicy(policy, options);
  if (issues.length > 0) throw new PolicyValidationError(issues);
}
