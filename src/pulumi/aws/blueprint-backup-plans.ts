import * as pulumi from '@pulumi/pulumi';
import { createBackupServiceRole, renderBackupPlan } from './backup-plan-rules';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { recordProtectedDatabase } from './require-postgres-backups';
import { renderRestoreTesting } from './restore-testing';
import { backupSelectionRole } from '../../core/aws/backup-plan-rules';
import { BlueprintServerPlan, blueprintAutomatedBackupWarning } from '../../core/aws/postgres-backup-blueprint';

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
    lock: plan.vaultLock,
    notificationTopicArn: fleet.notificationTopicArn,
    retainOnDelete: props.retainOnDelete,
  }, { parent });
  const role = createBackupServiceRole({ role: `${name}-backup-selection-role`, attachment: `${name}-backup-selection-policy` },
    backupSelectionRole(plan.descriptions.backupSelectionRole), fleet.environment, parent);
  const backupPlans = plan.backupPlans.map(({ awsBackupPlan, serverIndexes }) => {
    for (const index of serverIndexes) recordProtectedDatabase(props.databases[index].managedDatabase!.resource, 'managed-backup');
    return renderBackupPlan(name, parent, awsBackupPlan, {
      vaultName: vault.backupVaultName, role, databaseArn: (index) => props.databases[index].managedDatabase!.arn(fleet.environment),
    }).plan;
  });
  const restoreTesting = plan.restoreTesting && renderRestoreTesting(name, parent, plan.restoreTesting, {
    environment: fleet.environment,
    vaultArn: vault.backupVaultArn,
    databaseArn: (index) => props.databases[index].managedDatabase!.arn(fleet.environment),
  });
  return { vault, backupPlans, restoreTesting };
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
