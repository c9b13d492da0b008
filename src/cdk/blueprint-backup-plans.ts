import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { PostgresBackupVault } from './backup-vault';
import { ServerPlan } from './blueprint-server-plan';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { addPlannedBackupRules, applyAutomatedBackupSettings } from './planned-backup-rules';
import { PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { acknowledgeAwsManagedPolicy } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { planBackupRules } from '../core/aws/backup-plan-rules';
import { resolveVaultLock } from '../core/aws/managed-backup-plan';
import { resolveBackupPlan, resolveManagedSnapshots } from '../core/policy/defaults';
import { BackupPolicy } from '../core/policy/policy';
import { renderAwsBackupSchedule } from '../core/policy/schedule';

/**
 * The managed servers' own automated backups, and their AWS Backup plans: one vault for the fleet, one plan per
 * distinct plan (rules and copies), each selecting all of its servers, so a server adds no resource.
 */
export function createFleetBackupPlans(
  scope: Construct, props: PostgresBackupBlueprintProps, servers: ServerPlan[], basePolicy: BackupPolicy | undefined,
  notifications: BackupNotifications,
): { vault?: PostgresBackupVault; plans: backup.BackupPlan[] } {
  const managed = servers.filter((server) => server.managed !== undefined);
  for (const server of managed) {
    if (server.policy.managedSnapshots) applyTierBackupSettings(server.managed!, server.policy);
  }
  const withPlan = managed.filter((server) => server.policy.backupPlan);
  if (withPlan.length === 0) return { plans: [] };
  const vault = new PostgresBackupVault(scope, 'Vault', {
    adminRole: props.breakGlassRole,
    lock: basePolicy && resolveVaultLock({ immutability: basePolicy.immutability }, props.vaultLock),
    notifications,
    removalPolicy: props.removalPolicy,
  });
  const selectionRole = new iam.Role(scope, 'BackupSelectionRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    // Backups only: restores are started by an operator following the runbook, with a role of their own.
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
  });
  acknowledgeAwsManagedPolicy(selectionRole, 'service-role/AWSBackupServiceRolePolicyForBackup');
  const byPlan = new Map<string, ServerPlan[]>();
  for (const server of withPlan) {
    const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
    byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
  }
  const plans: backup.BackupPlan[] = [];
  [...byPlan.values()].forEach((group, index) => {
    const policy = group[0].policy;
    const resolved = resolveBackupPlan(policy.backupPlan!);
    const plan = new backup.BackupPlan(scope, `BackupPlan${index}`, { backupVault: vault.vault });
    const copies = policy.copies ?? [];
    const copyVaults = copies.map((copy, copyIndex) => backup.BackupVault.fromBackupVaultArn(scope, `CopyVault${index}-${copyIndex}`, copy.vaultArn!));
    addPlannedBackupRules(plan, planBackupRules(resolved, copies), copyVaults);
    plan.addSelection('Databases', {
      resources: group.map((server) => backup.BackupResource.fromArn(server.managed!.arn(scope))),
      role: selectionRole,
    });
    plans.push(plan);
    const rules = [
      ...resolved.rules.map((rule) => `${rule.name} ${renderAwsBackupSchedule(rule.schedule)} kept ${rule.retentionDays} d`),
      ...(resolved.continuousBackupRetentionDays !== undefined ? [`continuous (PITR) kept ${resolved.continuousBackupRetentionDays} d`] : []),
    ];
    for (const server of group) {
      for (const path of server.managed!.protectedPaths()) {
        scope.node.addMetadata(PROTECTION_METADATA_TYPE, {
          kind: 'managed-backup',
          database: path,
          schedule: rules.join('; '),
          retentionDays: server.policy.managedSnapshots && resolveManagedSnapshots(server.policy.managedSnapshots).backupRetentionDays,
          copies: (server.policy.copies ?? []).map((copy) => (copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`)),
          vaultLock: vault.lock ? `${vault.lock.mode} ${vault.lock.minRetentionDays} days` : undefined,
        });
      }
    }
  });
  return { vault, plans };
}

/** The tier's automated-backup settings on an RDS instance or Aurora cluster of this app. */
function applyTierBackupSettings(database: ManagedPostgresDatabase, policy: BackupPolicy): void {
  if (database.resource !== undefined) applyAutomatedBackupSettings(database.resource, resolveManagedSnapshots(policy.managedSnapshots!));
}
