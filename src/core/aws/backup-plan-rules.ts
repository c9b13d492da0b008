import { ReviewedAwsManagedPolicy } from './reviewed-findings';
import { ResolvedBackupPlanPolicy, defaultBackupPlanSchedule } from '../policy/defaults';
import { CopyPolicy } from '../policy/policy';
import { renderAwsBackupSchedule } from '../policy/schedule';

/** Name of the backup-plan rule of continuous backup. */
export const CONTINUOUS_BACKUP_RULE_NAME = 'continuous';

/** The AWS managed policy AWS Backup's selection role gets: back up the selected resources, nothing else. */
export const BACKUP_SELECTION_MANAGED_POLICY = 'service-role/AWSBackupServiceRolePolicyForBackup';

/** The service that assumes the roles of backup selections and restore tests, and publishes vault events. */
export const AWS_BACKUP_SERVICE_PRINCIPAL = 'backup.amazonaws.com';

/** A role AWS Backup acts with: what it is for, and the one AWS managed policy it holds. */
export interface BackupServiceRolePlan {
  readonly description: string;
  readonly managedPolicy: ReviewedAwsManagedPolicy;
}

/**
 * The role AWS Backup backs up a selection with, `description` saying whose databases. Backups only: restores are
 * started by an operator following the runbook, with a role of their own.
 */
export function backupSelectionRole(description: string): BackupServiceRolePlan {
  return { description, managedPolicy: BACKUP_SELECTION_MANAGED_POLICY };
}

/** A copy of every recovery point of a rule into another vault. */
export interface BackupCopyActionPlan {
  /** ARN of the destination vault; none for the plan's logically air-gapped vault, whose ARN the front end knows. */
  readonly vaultArn?: string;
  /** Days the copy is kept. */
  readonly deleteAfterDays: number;
  /**
   * Whether the copy goes to the plan's logically air-gapped vault.
   * @default false
   */
  readonly airGapped?: boolean;
}

/** One rule of an AWS Backup plan, as both front ends render it. */
export interface BackupRulePlan {
  /** Rule name, e.g. `daily` or `continuous`. */
  readonly name: string;
  /** AWS Backup's schedule expression, `cron(…)` in UTC. */
  readonly scheduleExpression: string;
  /** Days a recovery point is kept. */
  readonly deleteAfterDays: number;
  /** Whether this is the continuous-backup (point-in-time recovery) rule. */
  readonly continuous: boolean;
  /** The copies every recovery point of the rule gets. */
  readonly copies: readonly BackupCopyActionPlan[];
}

/** One AWS Backup plan a construct creates and its selection of databases, as each front end renders it. */
export interface AwsBackupPlanPlan {
  /** Construct id of the plan in CDK; the resource is `<name>-<resourceName>` in Pulumi. */
  readonly id: string;
  /** Resource name suffix in Pulumi. */
  readonly resourceName: string;
  /**
   * The plan's name in CDK: the construct's unique name of at most `maxLength` characters, then `suffix`, because AWS
   * Backup refuses a second plan of the same name in an account and region.
   */
  readonly name: { readonly maxLength: number; readonly suffix: string };
  /** Its rules. */
  readonly rules: readonly BackupRulePlan[];
  /** The vaults the rules' copies go to, in the order of each rule's copies (the air-gapped vault excepted): CDK ids and ARNs. */
  readonly copyVaults: ReadonlyArray<{ readonly id: string; readonly arn: string }>;
  /** The selection: its name (the construct id in CDK), Pulumi's resource name suffix, the databases it selects (positions). */
  readonly selection: { readonly name: string; readonly resourceName: string; readonly databases: readonly number[] };
}

/**
 * An AWS Backup plan of `rules`, its copies going to `copies`' vaults: the construct's one plan (`index` undefined), or
 * the `index`th of a fleet, which selects `databases`.
 */
export function planAwsBackupPlan(
  rules: readonly BackupRulePlan[], copies: readonly CopyPolicy[], index?: number, databases: readonly number[] = [0],
): AwsBackupPlanPlan {
  const fleet = index !== undefined;
  return {
    id: fleet ? `BackupPlan${index}` : 'Plan',
    resourceName: fleet ? `backup-plan-${index}` : 'plan',
    name: fleet ? { maxLength: 44, suffix: `-plan${index}` } : { maxLength: 50, suffix: '' },
    rules,
    copyVaults: copies.map((copy, copyIndex) => ({ id: fleet ? `CopyVault${index}-${copyIndex}` : `CopyVault${copyIndex}`, arn: copy.vaultArn! })),
    selection: fleet
      ? { name: 'Databases', resourceName: `backup-selection-${index}`, databases }
      : { name: 'Database', resourceName: 'selection', databases },
  };
}

/**
 * The rules of an AWS Backup plan for a resolved plan policy: one rule per scheduled rule (its retention),
 * then continuous backup (point-in-time recovery) on the first rule's schedule, each copying every recovery point to
 * the `copies`' vaults and, with `airGapped`, last to the plan's logically air-gapped vault (kept `retentionDays`, or
 * as long as the rule keeps its own).
 */
export function planBackupRules(
  plan: ResolvedBackupPlanPolicy, copies: readonly CopyPolicy[], airGapped?: { readonly retentionDays?: number },
): BackupRulePlan[] {
  const copyActions = (ruleRetentionDays: number): BackupCopyActionPlan[] => [
    ...copies.map((copy) => ({ vaultArn: copy.vaultArn!, deleteAfterDays: copy.retentionDays })),
    ...(airGapped ? [{ airGapped: true, deleteAfterDays: airGapped.retentionDays ?? ruleRetentionDays }] : []),
  ];
  const rules: BackupRulePlan[] = plan.rules.map((rule, index) => ({
    name: rule.name,
    scheduleExpression: renderAwsBackupSchedule(rule.schedule, `backupPlan.rules[${index}].schedule`),
    deleteAfterDays: rule.retentionDays,
    continuous: false,
    copies: copyActions(rule.retentionDays),
  }));
  if (plan.continuousBackupRetentionDays === undefined) return rules;
  return [...rules, {
    name: CONTINUOUS_BACKUP_RULE_NAME,
    scheduleExpression: renderAwsBackupSchedule(plan.rules[0]?.schedule ?? defaultBackupPlanSchedule('daily')),
    deleteAfterDays: plan.continuousBackupRetentionDays,
    continuous: true,
    copies: copyActions(plan.continuousBackupRetentionDays),
  }];
}
