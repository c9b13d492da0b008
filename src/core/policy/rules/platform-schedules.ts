import { BackupPolicy, DatabasePlatform, ScheduleSpec } from '../policy';
import { checkUtcRenderable } from '../schedule';
import { Validator } from '../validation';

/**
 * Checks that every schedule can be rendered for the scheduler that will run it. EventBridge Scheduler
 * takes any valid schedule in its own time zone; AWS Backup rules and, on Azure, Container Apps Jobs and
 * backup-vault policies evaluate cron in UTC, so their schedules must convert to UTC exactly.
 */
export function checkPlatformSchedules(validator: Validator, policy: BackupPolicy, platform: DatabasePlatform): void {
  const targets: Array<[string, ScheduleSpec | undefined, string]> = [];
  if (platform === 'azure') {
    const jobs = 'Azure Container Apps Jobs';
    targets.push(['logicalDump.schedule', policy.logicalDump?.schedule, jobs]);
    targets.push(['verification.schedule', policy.verification?.schedule, jobs]);
    targets.push(['pitr.fullBackupSchedule', policy.pitr?.fullBackupSchedule, jobs]);
    targets.push(['pitr.diffBackupSchedule', policy.pitr?.diffBackupSchedule, jobs]);
  }
  if (policy.backupPlan && !validator.isUnresolved(policy.backupPlan, policy.backupPlan.rules)) {
    const vault = platform === 'azure' ? 'Azure Backup' : 'AWS Backup';
    (policy.backupPlan.rules ?? []).forEach((rule, index) => {
      if (!validator.isUnresolved(rule)) targets.push([`backupPlan.rules[${index}].schedule`, rule.schedule, vault]);
    });
  }
  for (const [path, spec, target] of targets) checkUtcRenderable(validator, path, spec, target);
}
