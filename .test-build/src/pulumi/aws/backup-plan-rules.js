"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CONTINUOUS_BACKUP_RULE_NAME = void 0;
exports.awsBackupPlanRules = awsBackupPlanRules;
const defaults_1 = require("../../core/defaults");
const schedule_1 = require("../../core/schedule");
/** Name of the backup-plan rule of continuous backup. */
exports.CONTINUOUS_BACKUP_RULE_NAME = 'continuous';
/**
 * The rules of an AWS Backup plan for a resolved plan policy: one rule per scheduled rule (retention, cold storage),
 * then continuous backup (point-in-time recovery) on the first rule's schedule, each copying every recovery point to
 * the `copies`' vaults.
 */
function awsBackupPlanRules(plan, targetVaultName, copies) {
    const copyActions = copies.map((copy) => ({ destinationVaultArn: copy.vaultArn, lifecycle: { deleteAfter: copy.retentionDays } }));
    const rules = plan.rules.map((rule, index) => ({
        ruleName: rule.name,
        targetVaultName,
        schedule: (0, schedule_1.renderAwsBackupSchedule)(rule.schedule, `backupPlan.rules[${index}].schedule`),
        lifecycle: {
            deleteAfter: rule.retentionDays,
            ...(rule.moveToColdStorageAfterDays !== undefined ? { coldStorageAfter: rule.moveToColdStorageAfterDays } : {}),
        },
        copyActions,
    }));
    if (plan.continuousBackupRetentionDays === undefined)
        return rules;
    return [...rules, {
            ruleName: exports.CONTINUOUS_BACKUP_RULE_NAME,
            targetVaultName,
            enableContinuousBackup: true,
            schedule: (0, schedule_1.renderAwsBackupSchedule)(plan.rules[0]?.schedule ?? (0, defaults_1.defaultBackupPlanSchedule)('daily')),
            lifecycle: { deleteAfter: plan.continuousBackupRetentionDays },
            copyActions,
        }];
}
