import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { awsBackupPlanRules } from './backup-plan-rules';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, BlueprintRestoreTesting, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { assumedByService } from './policy-document';
import { recordProtectedDatabase } from './require-postgres-backups';
import { renderRestoreTestingPlan, renderRestoreTestingSelection } from './restore-testing';
import { resolveVaultLock } from '../../core/aws/managed-backup-plan';
import { BlueprintServerPlan, blueprintAutomatedBackupWarning } from '../../core/aws/postgres-backup-blueprint';
import { resolveBackupPlan } from '../../core/policy/defaults';

/**
 * The managed servers' AWS Backup plans: one vault for the fleet, one plan per distinct plan (rules and copies), each
 * selecting all of its servers, so a server adds no resource; and the restore testing of the vault's recovery points,
 * when `restoreTesting` is set. Their own automated backups are the instances'
 * arguments in Pulumi: each managed server whose settings differ from its tier's gets a warning naming them.
 */
export function createFleetBackupPlans(fleet: BlueprintFleetInfrastructure): Pick<PulumiBlueprintResources, 'vault' | 'backupPlans' | 'restoreTesting'> {
  const { name, parent, props, plan } = fleet;
  for (const server of plan.servers) {
    if (server.managed && server.policy.managedSnapshots) warnAboutAutomatedBackups(server, props.databases[server.index].managedDatabase!, parent);
  }
  if (plan.backupPlans.length === 0) return { backupPlans: [] };
  const vault = new PostgresBackupVault(`${name}-vault`, {
    adminRoleArn: props.breakGlassRoleArn,
    lock: plan.basePolicy && resolveVaultLock({ immutability: plan.basePolicy.immutability }, props.vaultLock),
    notificationTopicArn: fleet.notificationTopicArn,
    retainOnDelete: props.retainOnDelete,
  }, { parent });
  const selectionRole = new iam.Role(`${name}-backup-selection-role`, {
    // Backups only: restores are started by an operator following the runbook, with a role of their own.
    description: plan.descriptions.backupSelectionRole,
    assumeRolePolicy: assumedByService('backup.amazonaws.com'),
  }, { parent });
  const attachment = new iam.RolePolicyAttachment(`${name}-backup-selection-policy`, {
    role: selectionRole.name,
    policyArn: pulumi.interpolate`arn:${fleet.environment.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
  }, { parent });

  const backupPlans = plan.backupPlans.map(({ index, policy, serverIndexes }) => {
    const rules = awsBackupPlanRules(resolveBackupPlan(policy.backupPlan!), vault.backupVaultName, policy.copies ?? []);
    const backupPlan = new backup.Plan(`${name}-backup-plan-${index}`, { rules }, { parent });
    const managed = serverIndexes.map((serverIndex) => props.databases[serverIndex].managedDatabase!);
    new backup.Selection(`${name}-backup-selection-${index}`, {
      name: 'Databases',
      planId: backupPlan.id,
      iamRoleArn: selectionRole.arn,
      resources: managed.map((database) => database.arn(fleet.environment)),
    }, { parent, dependsOn: [attachment] });
    for (const database of managed) recordProtectedDatabase(database.resource, 'managed-backup');
    return backupPlan;
  });
  return { vault, backupPlans, restoreTesting: createFleetRestoreTesting(fleet, vault) };
}

/** Restore testing of the tested servers' recovery points in the vault (`<name>-restore-testing…`). */
function createFleetRestoreTesting(fleet: BlueprintFleetInfrastructure, vault: PostgresBackupVault): BlueprintRestoreTesting | undefined {
  const { name, parent, props, plan: { restoreTesting: planned } } = fleet;
  if (planned === undefined) return undefined;
  const tested = renderRestoreTestingPlan(name, parent, planned, fleet.environment, vault.backupVaultArn);
  const selections = planned.selections.map((selection) => renderRestoreTestingSelection(
    `${name}-${selection.name}`, parent, selection.selection, tested,
    selection.serverIndexes.map((index) => props.databases[index].managedDatabase!.arn(fleet.environment)),
  ));
  return { ...tested, selections };
}

/**
 * A component cannot change another resource's arguments in Pulumi: the tier's automated-backup settings are given
 * to the instance with `managedSnapshotArgs`, and each one the database does not have is named here.
 */
function warnAboutAutomatedBackups(server: BlueprintServerPlan, database: ManagedPostgresDatabase, parent: pulumi.Resource): void {
  const warn = (warning?: string): void => {
    if (warning !== undefined) void pulumi.log.warn(warning, parent);
  };
  if (database.settings === undefined) warn(blueprintAutomatedBackupWarning(server, undefined));
  else database.settings.apply((current) => warn(blueprintAutomatedBackupWarning(server, current)));
}
