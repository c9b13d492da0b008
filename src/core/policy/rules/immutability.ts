import { resolveLogicalDump } from '../defaults';
import { BackupPolicy } from '../policy';
import { Validator } from '../validation';
import { isKnownNumber } from './bounds';

/**
 * Checks immutability: mode, days from 1 to 36500, and that the lock is no longer than what it locks:
 * the dumps' retention, and, as the vault-lock minimum retention, every backup-plan rule's, continuous
 * backup's and copy's retention (a vault lock rejects recovery points kept for less).
 */
export function checkImmutability(validator: Validator, policy: BackupPolicy): void {
  const immutability = policy.immutability;
  if (immutability === undefined || validator.isUnresolved(immutability)) return;
  validator.oneOf('immutability.mode', immutability.mode, ['governance', 'compliance']);
  if (!validator.integer('immutability.days', immutability.days, 1, 36_500, 'days')) return;
  if (!isKnownNumber(validator, immutability.days)) return;
  const days = immutability.days;

  const limits: Array<{ path: string; value: unknown }> = [];
  if (policy.logicalDump && !validator.isUnresolved(policy.logicalDump)) {
    limits.push({
      path: policy.logicalDump.retentionDays === undefined ? 'logicalDump.retentionDays (default)' : 'logicalDump.retentionDays',
      value: resolveLogicalDump(policy.logicalDump).retentionDays,
    });
  }
  const plan = policy.backupPlan;
  if (plan && !validator.isUnresolved(plan)) {
    const rules = validator.isUnresolved(plan.rules) ? [] : plan.rules ?? [];
    rules.forEach((rule, index) => limits.push({ path: `backupPlan.rules[${index}].retentionDays`, value: rule?.retentionDays }));
    limits.push({ path: 'backupPlan.continuousBackupRetentionDays', value: plan.continuousBackupRetentionDays });
  }
  if (policy.copies && !validator.isUnresolved(policy.copies)) {
    policy.copies.forEach((copy, index) => limits.push({ path: `copies[${index}].retentionDays`, value: copy?.retentionDays }));
  }
  for (const limit of limits) {
    if (isKnownNumber(validator, limit.value) && limit.value >= 1 && days > limit.value) {
      validator.report({
        path: 'immutability.days',
        value: days,
        allowed: `an integer from 1 to ${limit.value} days (${validator.propPath(limit.path)})`,
        reason: 'a backup cannot be locked longer than it is kept',
      });
    }
  }
}
