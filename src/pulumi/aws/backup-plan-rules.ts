import * as iam from '@pulumi/aws/iam';
import type * as inputs from '@pulumi/aws/types/input';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { assumedByService } from './policy-document';
import { BackupRulePlan, planBackupRules } from '../../core/aws/backup-plan-rules';
import { ResolvedBackupPlanPolicy } from '../../core/policy/defaults';
import { CopyPolicy } from '../../core/policy/policy';

export { CONTINUOUS_BACKUP_RULE_NAME } from '../../core/aws/backup-plan-rules';

/**
 * Core's planned rules of an AWS Backup plan as `aws.backup.Plan` rules writing to `targetVaultName`, an air-gapped
 * copy going to `airGappedVaultArn`.
 */
export function renderBackupRules(
  rules: readonly BackupRulePlan[], targetVaultName: pulumi.Input<string>, airGappedVaultArn?: pulumi.Input<string>,
): inputs.backup.PlanRule[] {
  return rules.map((rule) => ({
    ruleName: rule.name,
    targetVaultName,
    ...(rule.continuous ? { enableContinuousBackup: true } : {}),
    schedule: rule.scheduleExpression,
    lifecycle: {
      deleteAfter: rule.deleteAfterDays,
      ...(rule.moveToColdStorageAfterDays !== undefined ? { coldStorageAfter: rule.moveToColdStorageAfterDays } : {}),
    },
    copyActions: rule.copies.map((copy) => ({
      destinationVaultArn: copy.airGapped ? airGappedVaultArn! : copy.vaultArn!,
      lifecycle: { deleteAfter: copy.deleteAfterDays },
    })),
  }));
}

/**
 * The rules of an AWS Backup plan for a resolved plan policy (core's `planBackupRules`): one rule per scheduled rule,
 * then continuous backup on the first rule's schedule, each copying every recovery point to the `copies`' vaults.
 */
export function awsBackupPlanRules(
  plan: ResolvedBackupPlanPolicy, targetVaultName: pulumi.Input<string>, copies: readonly CopyPolicy[],
): inputs.backup.PlanRule[] {
  return renderBackupRules(planBackupRules(plan, copies), targetVaultName);
}

/** A role AWS Backup acts with (`names.role`), holding core's AWS managed policy (`names.attachment`), which its users wait for. */
export function createBackupServiceRole(
  names: { readonly role: string; readonly attachment: string }, planned: { readonly description: string; readonly managedPolicy: string },
  environment: AwsEnvironment, parent: pulumi.Resource,
): { readonly role: iam.Role; readonly attachment: iam.RolePolicyAttachment } {
  const role = new iam.Role(names.role, { description: planned.description, assumeRolePolicy: assumedByService('backup.amazonaws.com') }, { parent });
  const attachment = new iam.RolePolicyAttachment(names.attachment, {
    role: role.name,
    policyArn: pulumi.interpolate`arn:${environment.partition}:iam::aws:policy/${planned.managedPolicy}`,
  }, { parent });
  return { role, attachment };
}
