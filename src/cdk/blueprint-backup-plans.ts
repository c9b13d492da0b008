import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { applyAutomatedBackupSettings, renderBackupPlan, renderBackupServiceRole } from './planned-backup-rules';
import { renderRestoreTesting } from './restore-testing';
import { backupSelectionRole } from '../core/aws/backup-plan-rules';
import { resolveManagedSnapshots } from '../core/policy/defaults';

/**
 * The managed servers' own automated backups, and their AWS Backup plans as core grouped them: one vault for the
 * fleet, one plan per distinct plan (rules and copies), each selecting all of its servers, so a server adds no resource;
 * and the restore testing of the vault's recovery points, when `restoreTesting` is set.
 */
export function createFleetBackupPlans(fleet: BlueprintFleetInfrastructure): Pick<CdkBlueprintResources, 'vault' | 'backupPlans' | 'restoreTesting'> {
  const { plan, scope, handles, props } = fleet;
  for (const server of plan.servers) {
    const resource = handles[server.index].managed?.resource;
    if (resource && server.policy.managedSnapshots) applyAutomatedBackupSettings(resource, resolveManagedSnapshots(server.policy.managedSnapshots));
  }
  if (plan.backupPlans.length === 0) return { backupPlans: [] };
  const vault = new PostgresBackupVault(scope, 'Vault', {
    adminRole: props.breakGlassRole, lock: plan.vaultLock, notifications: fleet.notifications, removalPolicy: props.removalPolicy,
  });
  const role = renderBackupServiceRole(scope, 'BackupSelectionRole', backupSelectionRole(plan.descriptions.backupSelectionRole));
  const backupPlans = plan.backupPlans.map(({ awsBackupPlan }) => renderBackupPlan(scope, awsBackupPlan, {
    vault: vault.vault, role, databaseArn: (index) => handles[index].managed!.arn(scope),
  }).plan);
  const restoreTesting = plan.restoreTesting && renderRestoreTesting(scope, plan.restoreTesting, {
    vaultArn: vault.backupVaultArn, databaseArn: (index) => handles[index].managed!.arn(scope),
  });
  return { vault, backupPlans, restoreTesting };
}
