import * as iam from 'aws-cdk-lib/aws-iam';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { applyAutomatedBackupSettings, renderBackupPlan } from './planned-backup-rules';
import { renderRestoreTesting } from './restore-testing';
import { acknowledge, awsManagedPolicyFinding } from './reviewed-findings';
import { BACKUP_SELECTION_MANAGED_POLICY } from '../core/aws/backup-plan-rules';
import { resolveManagedSnapshots } from '../core/policy/defaults';
import { BackupPolicy } from '../core/policy/policy';

/**
 * The managed servers' own automated backups, and their AWS Backup plans as core grouped them: one vault for the
 * fleet, one plan per distinct plan (rules and copies), each selecting all of its servers, so a server adds no resource;
 * and the restore testing of the vault's recovery points, when `restoreTesting` is set.
 */
export function createFleetBackupPlans(fleet: BlueprintFleetInfrastructure): Pick<CdkBlueprintResources, 'vault' | 'backupPlans' | 'restoreTesting'> {
  const { plan, scope, handles, props } = fleet;
  for (const server of plan.servers) {
    const managed = handles[server.index].managed;
    if (managed && server.policy.managedSnapshots) applyTierBackupSettings(managed, server.policy);
  }
  if (plan.backupPlans.length === 0) return { backupPlans: [] };
  const vault = new PostgresBackupVault(scope, 'Vault', {
    adminRole: props.breakGlassRole, lock: plan.vaultLock, notifications: fleet.notifications, removalPolicy: props.removalPolicy,
  });
  const role = new iam.Role(scope, 'BackupSelectionRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: plan.descriptions.backupSelectionRole,
    // Backups only: restores are started by an operator following the runbook, with a role of their own.
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(BACKUP_SELECTION_MANAGED_POLICY)],
  });
  acknowledge(role, awsManagedPolicyFinding(BACKUP_SELECTION_MANAGED_POLICY));
  const backupPlans = plan.backupPlans.map(({ awsBackupPlan }) => renderBackupPlan(scope, awsBackupPlan, {
    vault: vault.vault, role, databaseArn: (index) => handles[index].managed!.arn(scope),
  }).plan);
  const restoreTesting = plan.restoreTesting && renderRestoreTesting(scope, plan.restoreTesting, {
    vaultArn: vault.backupVaultArn, databaseArn: (index) => handles[index].managed!.arn(scope),
  });
  return { vault, backupPlans, restoreTesting };
}

/** The tier's automated-backup settings on an RDS instance or Aurora cluster of this app. */
function applyTierBackupSettings(database: ManagedPostgresDatabase, policy: BackupPolicy): void {
  if (database.resource !== undefined) applyAutomatedBackupSettings(database.resource, resolveManagedSnapshots(policy.managedSnapshots!));
}
