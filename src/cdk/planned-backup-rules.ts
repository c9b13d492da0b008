import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge, awsManagedPolicyFinding } from './reviewed-findings';
import { AWS_BACKUP_SERVICE_PRINCIPAL, AwsBackupPlanPlan, BACKUP_SELECTION_MANAGED_POLICY, BackupServiceRolePlan } from '../core/aws/backup-plan-rules';
import { ResolvedManagedSnapshotPolicy } from '../core/policy/defaults';

/** The handles an AWS Backup plan of core's is rendered with. */
export interface BackupPlanHandles {
  /** The vault the rules write to. */
  readonly vault: backup.IBackupVault;
  /**
   * The logically air-gapped vault, when a rule copies to it.
   * @default - none
   */
  readonly airGappedVault?: backup.IBackupVault;
  /** ARN of the database at a position of the selection's `databases`. */
  readonly databaseArn: (position: number) => string;
  /**
   * The selection's role.
   * @default - the selection creates its own, with AWS Backup's service role policy for backups
   */
  readonly role?: iam.IRole;
}

/** Core's AWS Backup plan in `scope`, its copies going to the plan's copy vaults, and its selection of databases. */
export function renderBackupPlan(
  scope: Construct, planned: AwsBackupPlanPlan, handles: BackupPlanHandles,
): { readonly plan: backup.BackupPlan; readonly selection: backup.BackupSelection } {
  const copyVaults = planned.copyVaults.map((copy) => backup.BackupVault.fromBackupVaultArn(scope, copy.id, copy.arn));
  const plan = new backup.BackupPlan(scope, planned.id, {
    backupVault: handles.vault,
    backupPlanName: `${Names.uniqueResourceName(scope, { maxLength: planned.name.maxLength })}${planned.name.suffix}`,
    backupPlanRules: planned.rules.map((rule) => new backup.BackupPlanRule({
      ruleName: rule.name,
      enableContinuousBackup: rule.continuous ? true : undefined,
      scheduleExpression: events.Schedule.expression(rule.scheduleExpression),
      deleteAfter: Duration.days(rule.deleteAfterDays),
      copyActions: rule.copies.map((copy, index) => ({
        destinationBackupVault: copy.airGapped ? handles.airGappedVault! : copyVaults[index],
        deleteAfter: Duration.days(copy.deleteAfterDays),
      })),
    })),
  });
  const selection = plan.addSelection(planned.selection.name, {
    resources: planned.selection.databases.map((position) => backup.BackupResource.fromArn(handles.databaseArn(position))),
    role: handles.role,
  });
  // A role of the selection's own, created by aws-backup with the AWS Backup service role policy.
  if (handles.role === undefined) acknowledge(selection.node.findChild('Role'), awsManagedPolicyFinding(BACKUP_SELECTION_MANAGED_POLICY));
  return { plan, selection };
}

/** A role AWS Backup acts with, holding core's AWS managed policy (acknowledged as reviewed). */
export function renderBackupServiceRole(scope: Construct, id: string, planned: BackupServiceRolePlan): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal(AWS_BACKUP_SERVICE_PRINCIPAL),
    description: planned.description,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(planned.managedPolicy)],
  });
  acknowledge(role, awsManagedPolicyFinding(planned.managedPolicy));
  return role;
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
