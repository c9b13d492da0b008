import { BackupPlanPolicy } from '../policy';
import { checkSchedule } from '../schedule';
import { Validator } from '../validation';
import { checkIntegerAtLeast, checkNonBlank, isKnownNumber } from './bounds';

/** Days a recovery point must stay in cold storage before it may be deleted (AWS Backup's minimum). */
export const COLD_STORAGE_MINIMUM_DAYS = 90;

/**
 * Checks backup-plan rules (unique non-empty names, frequency, schedule, retention, cold storage kept
 * at least 90 days before deletion) and continuous backup retention (1–35 days).
 */
export function checkBackupPlan(validator: Validator, plan: BackupPlanPolicy | undefined): void {
  if (plan === undefined || validator.isUnresolved(plan)) return;
  const seen = new Map<string, number>();
  (plan.rules ?? []).forEach((rule, index) => {
    const path = `backupPlan.rules[${index}]`;
    if (validator.isUnresolved(rule)) return;
    if (checkNonBlank(validator, `${path}.name`, rule.name, 'a non-empty rule name') && !validator.isUnresolved(rule.name)) {
      const first = seen.get(rule.name);
      if (first === undefined) seen.set(rule.name, index);
      else validator.report({ path: `${path}.name`, value: rule.name, allowed: `a name not used by another rule (${validator.propPath(`backupPlan.rules[${first}]`)} has it)` });
    }
    validator.oneOf(`${path}.frequency`, rule.frequency, ['hourly', 'daily', 'weekly', 'monthly']);
    checkSchedule(validator, `${path}.schedule`, rule.schedule);
    const retentionValid = checkIntegerAtLeast(validator, `${path}.retentionDays`, rule.retentionDays, 1, 'days');
    const coldValid = checkIntegerAtLeast(validator, `${path}.moveToColdStorageAfterDays`, rule.moveToColdStorageAfterDays, 1, 'days');
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
  validator.integer('backupPlan.continuousBackupRetentionDays', plan.continuousBackupRetentionDays, 1, 35, 'days');
}
