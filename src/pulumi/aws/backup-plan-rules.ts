import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsManagedPolicyArn } from './aws-environment';
import { assumedByService } from './policy-document';
import { AWS_BACKUP_SERVICE_PRINCIPAL, AwsBackupPlanPlan, BackupServiceRolePlan } from '../../core/aws/backup-plan-rules';

export { CONTINUOUS_BACKUP_RULE_NAME } from '../../core/aws/backup-plan-rules';

/** The handles an AWS Backup plan of core's is rendered with. */
export interface BackupPlanHandles {
  /** Name of the vault the rules write to. */
  readonly vaultName: pulumi.Input<string>;
  /**
   * The plan's name.
   * @default - generated
   */
  readonly planName?: pulumi.Input<string>;
  /**
   * ARN of the logically air-gapped vault, when a rule copies to it.
   * @default - none
   */
  readonly airGappedVaultArn?: pulumi.Input<string>;
  /** ARN of the database at a position of the selection's `databases`. */
  readonly databaseArn: (position: number) => pulumi.Input<string>;
  /** The selection's role, and the attachment of its managed policy, which the selection waits for. */
  readonly role: { readonly role: iam.Role; readonly attachment: iam.RolePolicyAttachment };
}

/** Core's AWS Backup plan (`<name>-<resourceName>`) and its selection of databases, as children of `parent`. */
export function renderBackupPlan(
  name: string, parent: pulumi.Resource, planned: AwsBackupPlanPlan, handles: BackupPlanHandles,
): { readonly plan: backup.Plan; readonly selection: backup.Selection } {
  const plan = new backup.Plan(`${name}-${planned.resourceName}`, {
    name: handles.planName,
    rules: planned.rules.map((rule) => ({
      ruleName: rule.name,
      targetVaultName: handles.vaultName,
      ...(rule.continuous ? { enableContinuousBackup: true } : {}),
      schedule: rule.scheduleExpression,
      lifecycle: {
        deleteAfter: rule.deleteAfterDays,
      },
      copyActions: rule.copies.map((copy) => ({
        destinationVaultArn: copy.airGapped ? handles.airGappedVaultArn! : copy.vaultArn!,
        lifecycle: { deleteAfter: copy.deleteAfterDays },
      })),
    })),
  }, { parent });
  const selection = new backup.Selection(`${name}-${planned.selection.resourceName}`, {
    name: planned.selection.name,
    planId: plan.id,
    iamRoleArn: handles.role.role.arn,
    resources: planned.selection.databases.map(handles.databaseArn),
  }, { parent, dependsOn: [handles.role.attachment] });
  return { plan, selection };
}

/** A role AWS Backup acts with (`names.role`), holding core's AWS managed policy (`names.attachment`), which its users wait for. */
export function createBackupServiceRole(
  names: { readonly role: string; readonly attachment: string }, planned: BackupServiceRolePlan, environment: AwsEnvironment, parent: pulumi.Resource,
): { readonly role: iam.Role; readonly attachment: iam.RolePolicyAttachment } {
  const assumeRolePolicy = assumedByService(AWS_BACKUP_SERVICE_PRINCIPAL);
  const role = new iam.Role(names.role, { description: planned.description, assumeRolePolicy }, { parent });
  const attachment = new iam.RolePolicyAttachment(names.attachment, {
    role: role.name,
    policyArn: awsManagedPolicyArn(environment, planned.managedPolicy),
  }, { parent });
  return { role, attachment };
}
