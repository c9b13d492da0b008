import type * as inputs from '@pulumi/aws/types/input';
import * as pulumi from '@pulumi/pulumi';
import { ResolvedBackupPlanPolicy, defaultBackupPlanSchedule } from '../../core/policy/defaults';
import { CopyPolicy } from '../../core/policy/policy';
import { renderAwsBackupSchedule } from '../../core/policy/schedule';

/** Name of the backup-plan rule of continuous backup. */
export const CONTINUOUS_BACKUP_RULE_NAME = 'continuous';

/**
 * The rules of an AWS Backup plan for a resolved plan policy: one rule per scheduled rule (retention, cold storage),
 * then continuous backup (point-in-time recovery) on the first rule's schedule, each copying every recovery point to
 * the `copies`' vaults.
 */
export function awsBackupPlanRules(
  plan: ResolvedBackupPlanPolicy, targetVaultName: pulumi.Input<string>, copies: readonly CopyPolicy[],
): inputs.backup.PlanRule[] {
  const copyActions = copies.map((copy) => ({ destinationVaultArn: copy.vaultArn!, lifecycle: { deleteAfter: copy.retentionDays } }));
  const rules: inputs.backup.PlanRule[] = plan.rules.map((rule, index) => ({
    ruleName: rule.name,
    targetVaultName,
    schedule: renderAwsBackupSchedule(rule.schedule, `backupPlan.rules[${index}].schedule`),
    lifecycle: {
      deleteAfter: rule.retentionDays,
      ...(rule.moveToColdStorageAfterDays !== undefined ? { coldStorageAfter: rule.moveToColdStorageAfterDays } : {}),
    },
    copyActions,
  }));
  if (plan.continuousBackupRetentionDays === undefined) return rules;
  return [...rules, {
    ruleName: CONTINUOUS_BACKUP_RULE_NAME,
    targetVaultName,
    enableContinuousBackup: true,
    schedule: renderAwsBackupSchedule(plan.rules[0]?.schedule ?? defaultBackupPlanSchedule('daily')),
    lifecycle: { deleteAfter: plan.continuousBackupRetentionDays },
    copyActions,
  }];
}
