import { Names } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, BlueprintRestoreTesting, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { addPlannedBackupRules, applyAutomatedBackupSettings } from './planned-backup-rules';
import { renderRestoreTestingPlan, renderRestoreTestingSelection } from './restore-testing';
import { acknowledgeAwsManagedPolicy } from './reviewed-findings';
import { planBackupRules } from '../core/aws/backup-plan-rules';
import { resolveVaultLock } from '../core/aws/managed-backup-plan';
import { resolveBackupPlan, resolveManagedSnapshots } from '../core/policy/defaults';
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
    adminRole: props.breakGlassRole,
    lock: plan.basePolicy && resolveVaultLock({ immutability: plan.basePolicy.immutability }, props.vaultLock),
    notifications: fleet.notifications,
    removalPolicy: props.removalPolicy,
  });
  const selectionRole = new iam.Role(scope, 'BackupSelectionRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    // Backups only: restores are started by an operator following the runbook, with a role of their own.
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
  });
  acknowledgeAwsManagedPolicy(selectionRole, 'service-role/AWSBackupServiceRolePolicyForBackup');
  const backupPlans = plan.backupPlans.map((planned) => {
    const { index, policy } = planned;
    const resolved = resolveBackupPlan(policy.backupPlan!);
    // AWS Backup refuses a second plan of the same name in an account and region: the name carries the blueprint's path.
    const backupPlan = new backup.BackupPlan(scope, `BackupPlan${index}`, {
      backupVault: vault.vault, backupPlanName: `${Names.uniqueResourceName(scope, { maxLength: 44 })}-plan${index}`,
    });
    const copies = policy.copies ?? [];
    const copyVaults = copies.map((copy, copyIndex) => backup.BackupVault.fromBackupVaultArn(scope, `CopyVault${index}-${copyIndex}`, copy.vaultArn!));
    addPlannedBackupRules(backupPlan, planBackupRules(resolved, copies), copyVaults);
    const managed = planned.serverIndexes.map((serverIndex) => handles[serverIndex].managed!);
    backupPlan.addSelection('Databases', {
      resources: managed.map((database) => backup.BackupResource.fromArn(database.arn(scope))),
      role: selectionRole,
    });
    return backupPlan;
  });
  return { vault, backupPlans, restoreTesting: createBlueprintRestoreTesting(fleet, vault) };
}

/** Restore testing of the tested servers' recovery points in the vault. */
function createBlueprintRestoreTesting(fleet: BlueprintFleetInfrastructure, vault: PostgresBackupVault): BlueprintRestoreTesting | undefined {
  const { plan: { restoreTesting: planned }, scope, handles } = fleet;
  if (planned === undefined) return undefined;
  const tested = renderRestoreTestingPlan(scope, planned, vault.vault.backupVaultArn);
  const selections = planned.selections.map((selection) => renderRestoreTestingSelection(
    scope, selection.id, selection.selection, tested, selection.serverIndexes.map((index) => handles[index].managed!.arn(scope)),
  ));
  return { ...tested, selections };
}

/** The tier's automated-backup settings on an RDS instance or Aurora cluster of this app. */
function applyTierBackupSettings(database: ManagedPostgresDatabase, policy: BackupPolicy): void {
  if (database.resource !== undefined) applyAutomatedBackupSettings(database.resource, resolveManagedSnapshots(policy.managedSnapshots!));
}
