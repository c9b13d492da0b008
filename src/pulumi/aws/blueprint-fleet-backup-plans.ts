import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { awsBackupPlanRules } from './backup-plan-rules';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintFleetInfrastructure, BlueprintServerPlan } from './blueprint-fleet';
import { ManagedDatabaseSettings } from './managed-postgres-database';
import { assumedByService } from './policy-document';
import { recordProtectedDatabase } from './require-postgres-backups';
import { resolveVaultLock } from '../../core/aws/managed-backup-plan';
import { resolveBackupPlan, resolveManagedSnapshots } from '../../core/policy/defaults';
import { BackupPolicy } from '../../core/policy/policy';

/** The fleet's AWS Backup vault and plans. */
export interface BlueprintFleetBackupPlans {
  /** The vault, when a managed server's tier has a backup plan. */
  readonly vault?: PostgresBackupVault;
  /** One plan per distinct plan (rules and copies) among the managed servers. */
  readonly plans: backup.Plan[];
}

/** Whether any server of the fleet gets an AWS Backup plan, so the topic must accept AWS Backup's events. */
export function fleetHasBackupPlans(servers: readonly BlueprintServerPlan[]): boolean {
  return servers.some((server) => server.entry.managedDatabase !== undefined && server.policy.backupPlan !== undefined);
}

/**
 * The managed servers' AWS Backup plans: one vault for the fleet, one plan per distinct plan (rules and copies), each
 * selecting all of its servers, so a server adds no resource. Their own automated backups are the instances'
 * arguments in Pulumi: each managed server whose settings differ from its tier's gets a warning naming them.
 */
export function createFleetBackupPlans(
  fleet: BlueprintFleetInfrastructure, servers: BlueprintServerPlan[], basePolicy: BackupPolicy | undefined,
): BlueprintFleetBackupPlans {
  const { name, parent, props } = fleet;
  const managed = servers.filter((server) => server.entry.managedDatabase !== undefined);
  for (const server of managed) {
    if (server.policy.managedSnapshots) warnAboutAutomatedBackups(server, parent);
  }
  const withPlan = managed.filter((server) => server.policy.backupPlan);
  if (withPlan.length === 0) return { plans: [] };
  const vault = new PostgresBackupVault(`${name}-vault`, {
    adminRoleArn: props.breakGlassRoleArn,
    lock: basePolicy && resolveVaultLock({ immutability: basePolicy.immutability }, props.vaultLock),
    notificationTopicArn: fleet.notificationTopicArn,
    retainOnDelete: props.retainOnDelete,
  }, { parent });
  const selectionRole = new iam.Role(`${name}-backup-selection-role`, {
    // Backups only: restores are started by an operator following the runbook, with a role of their own.
    description: 'AWS Backup backs up the fleet\'s managed databases with this role',
    assumeRolePolicy: assumedByService('backup.amazonaws.com'),
  }, { parent });
  const attachment = new iam.RolePolicyAttachment(`${name}-backup-selection-policy`, {
    role: selectionRole.name,
    policyArn: pulumi.interpolate`arn:${fleet.environment.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
  }, { parent });

  const byPlan = new Map<string, BlueprintServerPlan[]>();
  for (const server of withPlan) {
    const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
    byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
  }
  const plans = [...byPlan.values()].map((group, index) => {
    const policy = group[0].policy;
    const rules = awsBackupPlanRules(resolveBackupPlan(policy.backupPlan!), vault.backupVaultName, policy.copies ?? []);
    const plan = new backup.Plan(`${name}-backup-plan-${index}`, { rules }, { parent });
    new backup.Selection(`${name}-backup-selection-${index}`, {
      name: 'Databases',
      planId: plan.id,
      iamRoleArn: selectionRole.arn,
      resources: group.map((server) => server.entry.managedDatabase!.arn(fleet.environment)),
    }, { parent, dependsOn: [attachment] });
    for (const server of group) recordProtectedDatabase(server.entry.managedDatabase!.resource, 'managed-backup');
    return plan;
  });
  return { vault, plans };
}

/**
 * A component cannot change another resource's arguments in Pulumi: the tier's automated-backup settings are given
 * to the instance with `managedSnapshotArgs`, and each one the database does not have is named here.
 */
function warnAboutAutomatedBackups(server: BlueprintServerPlan, parent: pulumi.Resource): void {
  const database = server.entry.managedDatabase!;
  const wanted = resolveManagedSnapshots(server.policy.managedSnapshots!);
  if (database.settings === undefined) {
    void pulumi.log.warn(`${server.entry.id}: the database is imported, so its automated backups cannot be set from here; check that it keeps `
      + `them ${wanted.backupRetentionDays} days, copies tags to snapshots and keeps automated backups on deletion.`, parent);
    return;
  }
  database.settings.apply((current: ManagedDatabaseSettings) => {
    const differences: string[] = [];
    const compare = (key: keyof ManagedDatabaseSettings, want: unknown) => {
      if (want !== undefined && current[key] !== want) differences.push(`${key} is ${String(current[key])}, the tier asks for ${String(want)}`);
    };
    compare('backupRetentionDays', wanted.backupRetentionDays);
    compare('preferredBackupWindow', wanted.preferredBackupWindow);
    compare('preferredMaintenanceWindow', wanted.preferredMaintenanceWindow);
    compare('copyTagsToSnapshot', wanted.copyTagsToSnapshot);
    compare('finalSnapshot', wanted.finalSnapshot);
    if (differences.length > 0) {
      void pulumi.log.warn(`${server.entry.id}: the database's automated backups differ from its tier: ${differences.join('; ')}. `
        + 'Give the database resource PostgresBackupBlueprint.managedSnapshotArgs(...) of its tier.', parent);
    }
  });
}
