import { BackupPlanPolicy, DatabasePlatform } from '../policy';
import { checkSchedule, shortestIntervalMinutes } from '../schedule';
import { Validator } from '../validation';
import { checkNonBlank } from './bounds';

/**
 * The longest AWS Backup keeps a recovery point, in days: 100 years, the most a rule's retention and a vault lock's
 * `MaxRetentionDays` accept (AWS Backup Developer Guide; the same bound as `vaultLock.maxRetentionDays`).
 */
export const AWS_BACKUP_MAX_RETENTION_DAYS = 36_500;

/**
 * The shortest time AWS Backup accepts between two runs of a rule, in minutes: it refuses a plan whose rule runs more
 * often ("The interval between backup jobs shouldn't be less than 60 minutes"), so hourly is the most frequent.
 */
export const AWS_BACKUP_MIN_INTERVAL_MINUTES = 60;

/**
 * The longest Azure Backup keeps a PostgreSQL flexible server backup in a vault, in days: 10 years (Azure Backup's
 * support matrix for Azure Database for PostgreSQL flexible server: long-term retention up to 10 years).
 */
export const AZURE_BACKUP_MAX_RETENTION_DAYS = 3650;

/**
 * Why a rule's `moveToColdStorageAfterDays` is refused, per platform. AWS Backup tiers to cold storage only the resource
 * types its "Feature availability by resource" table lists, and RDS and Aurora are not among them; for every other type
 * it ignores the setting (AWS Backup API reference, `Lifecycle`: "AWS Backup ignores this expression for other resource
 * types"), so the recovery points would stay in warm storage, at its price, for their whole retention. Azure Backup
 * keeps a flexible server's backups in the vault store (its support matrix offers no archive tier for them).
 */
const COLD_STORAGE_REFUSAL: Record<DatabasePlatform, { readonly allowed: string; readonly reason: string }> = {
  'aws': {
    allowed: 'unset on AWS',
    reason: 'AWS Backup does not move RDS or Aurora recovery points to cold storage: it ignores this setting for them, '
      + 'so they would stay in warm storage, at its price, for their whole retention',
  },
  'azure': { allowed: 'unset on Azure', reason: 'Azure Backup keeps PostgreSQL flexible server backups in the vault store only' },
  'self-hosted': { allowed: 'unset', reason: 'a self-hosted server has no AWS Backup or Azure Backup recovery points to move to cold storage' },
};

/** The longest retention the backup service of `platform` accepts for a backup-plan rule or a copy, in days. */
export function maxBackupRetentionDays(platform: DatabasePlatform): number {
  return platform === 'azure' ? AZURE_BACKUP_MAX_RETENTION_DAYS : AWS_BACKUP_MAX_RETENTION_DAYS;
}

/**
 * Checks backup-plan rules (unique non-empty names, frequency, schedule, on AWS at most hourly, retention up to the
 * backup service's longest, no cold storage: neither cloud moves a PostgreSQL server's recovery points there) and
 * continuous backup retention (1–35 days).
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
    if (checkSchedule(validator, `${path}.schedule`, rule.schedule) && platform === 'aws' && rule.schedule !== undefined
      && !validator.isUnresolved(rule.schedule, rule.schedule.expression, rule.schedule.timezone)) {
      const gap = shortestIntervalMinutes(rule.schedule, `${path}.schedule`);
      if (gap < AWS_BACKUP_MIN_INTERVAL_MINUTES) {
        validator.report({
          path: `${path}.schedule.expression`,
          value: rule.schedule.expression,
          allowed: `a cron expression whose runs are at least ${AWS_BACKUP_MIN_INTERVAL_MINUTES} minutes apart (hourly at most)`,
          reason: `its runs are ${gap} minutes apart, and AWS Backup refuses the plan when it is deployed: the interval `
            + 'between backup jobs may not be less than 60 minutes',
        }, [rule.schedule.expression, rule.schedule.timezone]);
      }
    }
    validator.integer(`${path}.retentionDays`, rule.retentionDays, 1, maxRetention, 'days');
    if (rule.moveToColdStorageAfterDays !== undefined) {
      validator.report({
        path: `${path}.moveToColdStorageAfterDays`,
        value: rule.moveToColdStorageAfterDays,
        ...COLD_STORAGE_REFUSAL[platform],
      });
    }
  });
  // AWS Backup's continuous backup of RDS and Aurora keeps 1 to 35 days (AWS Backup Developer Guide, "Continuous backups
  // and point-in-time recovery": "The maximum retention period is 35 days").
  validator.integer('backupPlan.continuousBackupRetentionDays', plan.continuousBackupRetentionDays, 1, 35, 'days');
}
