import { BackupPlanPolicy, DatabasePlatform } from '../policy';
import { checkSchedule } from '../schedule';
import { Validator } from '../validation';
import { checkNonBlank, isKnownNumber } from './bounds';

/** Days a recovery point must stay in cold storage before it may be deleted (AWS Backup's minimum). */
export const COLD_STORAGE_MINIMUM_DAYS = 90;

/**
 * The longest AWS Backup keeps a recovery point, in days: 100 years, the most a rule's retention and a vault lock's
 * `MaxRetentionDays` accept (AWS Backup Developer Guide; the same bound as `vaultLock.maxRetentionDays`).
 */
export const AWS_BACKUP_MAX_RETENTION_DAYS = 36_500;

/**
 * The longest Azure Backup keeps a PostgreSQL flexible server backup in a vault, in days: 10 years (Azure Backup's
 * support matrix for Azure Database for PostgreSQL flexible server: long-term retention up to 10 years).
 */
export const AZURE_BACKUP_MAX_RETENTION_DAYS = 3650;

/** The longest retention the backup service of `platform` accepts for a backup-plan rule or a copy, in days. */
export function maxBackupRetentionDays(platform: DatabasePlatform): number {
  return platform === 'azure' ? AZURE_BACKUP_MAX_RETENTION_DAYS : AWS_BACKUP_MAX_RETENTION_DAYS;
}

/**
 * Checks backup-plan rules (unique non-empty names, frequency, schedule, retention up to the backup service's
 * longest, cold storage kept at least 90 days before deletion) and continuous backup retention (1–35 days).
 */
export function checkBackupPlan(validator: Validator, plan: BackupPlanPolicy | undefined, platform: DatabasePlatform = 'aws'): void {
  if (plan === undefined || validator.isUnresolved(plan)) return;
  const maxRetention = maxBackupRetentionDays(platform);
  const seen = new Map<string, number>();
  // A list not known yet is refused (when its entries need literals) or left to the cloud: it cannot be read here.
  const rules = validator.isUnresolved(plan.rules) ? [] : plan.rules ?? [];
  rules.forEach((rule, index) => {
    const path = `backupPlan.rules[${index}]`;
    if (validator.isUnresolved(rule)) return;
    if (checkNonBlank(validator, `${path}.name`, rule.name, 'a non-empty rule name') && !validator.isUnresolved(rule.name)) {
      const first = seen.get(rule.name);
      if (first === undefined) seen.set(rule.name, index);
      else validator.report({ path: `${path}.name`, value: rule.name, allowed: `a name not used by another rule (${validator.propPath(`backupPlan.rules[${first}]`)} has it)` });
    }
    validator.oneOf(`${path}.frequency`, rule.frequency, ['hourly', 'daily', 'weekly', 'monthly']);
    checkSchedule(validator, `${path}.schedule`, rule.schedule);
    const retentionValid = validator.integer(`${path}.retentionDays`, rule.retentionDays, 1, maxRetention, 'days');
    // A recovery point moved later than this could not stay the 90 days cold storage needs within the longest retention.
    const coldValid = validator.integer(
      `${path}.moveToColdStorageAfterDays`, rule.moveToColdStorageAfterDays, 1, maxRetention - COLD_STORAGE_MINIMUM_DAYS, 'days',
    );
    if (retentionValid && coldValid && isKnownNumber(validator, rule.retentionDays) && isKnownNumber(validator, rule.moveToColdStorageAfterDays)) {
      const minimum = rule.moveToColdStorageAfterDays + COLD_STORAGE_MINIMUM_DAYS;
      if (rule.retentionDays < minimum) {
        validator.report({
          path: `${path}.retentionDays`,
          value: rule.retentionDays,
          allowed: `an integer of at least ${minimum} days (moveToColdStorageAfterDays + ${COLD_STORAGE_MINIMUM_DAYS})`,
          reason: `a recovery point in cold storage must stay there at least ${COLD_STORAGE_MINIMUM_DAYS} days`,
        });
      }
    }
  });
  // AWS Backup's continuous backup of RDS and Aurora keeps 1 to 35 days (AWS Backup Developer Guide, "Continuous backups
  // and point-in-time recovery": "The maximum retention period is 35 days").
  validator.integer('backupPlan.continuousBackupRetentionDays', plan.continuousBackupRetentionDays, 1, 35, 'days');
}
