import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import { BackupRulePlan } from '../core/aws/backup-plan-rules';
import { ResolvedManagedSnapshotPolicy } from '../core/policy/defaults';

/**
 * Adds core's planned rules to an AWS Backup plan, each copy going to the vault at the same position in
 * `copyVaults` (the destinations of the plan's copies, in their order), an air-gapped copy to `airGappedVault`.
 */
export function addPlannedBackupRules(
  plan: backup.BackupPlan, rules: readonly BackupRulePlan[], copyVaults: readonly backup.IBackupVault[], airGappedVault?: backup.IBackupVault,
): void {
  for (const rule of rules) {
    plan.addRule(new backup.BackupPlanRule({
      ruleName: rule.name,
      enableContinuousBackup: rule.continuous ? true : undefined,
      scheduleExpression: events.Schedule.expression(rule.scheduleExpression),
      deleteAfter: Duration.days(rule.deleteAfterDays),
      moveToColdStorageAfter: rule.moveToColdStorageAfterDays === undefined ? undefined : Duration.days(rule.moveToColdStorageAfterDays),
      copyActions: rule.copies.map((copy, index) => ({
        destinationBackupVault: copy.airGapped ? airGappedVault! : copyVaults[index],
        deleteAfter: Duration.days(copy.deleteAfterDays),
      })),
    }));
  }
}

/**
 * Sets resolved automated-backup settings on the CloudFormation resource of an RDS instance or Aurora cluster of this
 * app: retention, windows, tags copied to snapshots, and on deletion a final snapshot with automated backups kept.
 */
export function applyAutomatedBackupSettings(resource: rds.CfnDBInstance | rds.CfnDBCluster, snapshots: ResolvedManagedSnapshotPolicy): void {
  resource.backupRetentionPeriod = snapshots.backupRetentionDays;
  if (snapshots.preferredBackupWindow !== undefined) resource.preferredBackupWindow = snapshots.preferredBackupWindow;
  if (snapshots.preferredMaintenanceWindow !== undefined) resource.preferredMaintenanceWindow = snapshots.preferredMaintenanceWindow;
  resource.copyTagsToSnapshot = snapshots.copyTagsToSnapshot;
  if (snapshots.finalSnapshot) {
    resource.deleteAutomatedBackups = false;
    resource.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  }
}
