"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.createFleetBackupPlans = createFleetBackupPlans;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const backup = __importStar(require("aws-cdk-lib/aws-backup"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const backup_vault_1 = require("./backup-vault");
const reviewed_findings_1 = require("./reviewed-findings");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const defaults_1 = require("../core/defaults");
const managed_backup_plan_1 = require("../core/managed-backup-plan");
const schedule_1 = require("../core/schedule");
/**
 * The managed servers' own automated backups, and their AWS Backup plans: one vault for the fleet, one plan per
 * distinct plan (rules and copies), each selecting all of its servers, so a server adds no resource.
 */
function createFleetBackupPlans(scope, props, servers, basePolicy, notifications) {
    const managed = servers.filter((server) => server.managed !== undefined);
    for (const server of managed) {
        if (server.policy.managedSnapshots)
            applyAutomatedBackupSettings(server.managed, server.policy);
    }
    const withPlan = managed.filter((server) => server.policy.backupPlan);
    if (withPlan.length === 0)
        return { plans: [] };
    const vault = new backup_vault_1.PostgresBackupVault(scope, 'Vault', {
        adminRole: props.breakGlassRole,
        lock: basePolicy && (0, managed_backup_plan_1.resolveVaultLock)({ immutability: basePolicy.immutability }, props.vaultLock),
        notifications,
        removalPolicy: props.removalPolicy,
    });
    const selectionRole = new iam.Role(scope, 'BackupSelectionRole', {
        assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
        // Backups only: restores are started by an operator following the runbook, with a role of their own.
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
    });
    (0, reviewed_findings_1.acknowledgeAwsManagedPolicy)(selectionRole, 'service-role/AWSBackupServiceRolePolicyForBackup');
    const byPlan = new Map();
    for (const server of withPlan) {
        const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
        byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
    }
    const plans = [];
    [...byPlan.values()].forEach((group, index) => {
        const policy = group[0].policy;
        const resolved = (0, defaults_1.resolveBackupPlan)(policy.backupPlan);
        const plan = new backup.BackupPlan(scope, `BackupPlan${index}`, { backupVault: vault.vault });
        const copyActions = (policy.copies ?? []).map((copy, copyIndex) => ({
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(scope, `CopyVault${index}-${copyIndex}`, copy.vaultArn),
            deleteAfter: aws_cdk_lib_1.Duration.days(copy.retentionDays),
        }));
        resolved.rules.forEach((rule, ruleIndex) => plan.addRule(new backup.BackupPlanRule({
            ruleName: rule.name,
            scheduleExpression: events.Schedule.expression((0, schedule_1.renderAwsBackupSchedule)(rule.schedule, `backupPlan.rules[${ruleIndex}].schedule`)),
            deleteAfter: aws_cdk_lib_1.Duration.days(rule.retentionDays),
            moveToColdStorageAfter: rule.moveToColdStorageAfterDays === undefined ? undefined : aws_cdk_lib_1.Duration.days(rule.moveToColdStorageAfterDays),
            copyActions,
        })));
        if (resolved.continuousBackupRetentionDays !== undefined) {
            plan.addRule(new backup.BackupPlanRule({
                ruleName: 'continuous',
                enableContinuousBackup: true,
                scheduleExpression: events.Schedule.expression((0, schedule_1.renderAwsBackupSchedule)(resolved.rules[0]?.schedule ?? (0, defaults_1.defaultBackupPlanSchedule)('daily'))),
                deleteAfter: aws_cdk_lib_1.Duration.days(resolved.continuousBackupRetentionDays),
                copyActions,
            }));
        }
        plan.addSelection('Databases', {
            resources: group.map((server) => backup.BackupResource.fromArn(server.managed.arn(scope))),
            role: selectionRole,
        });
        plans.push(plan);
        const rules = [
            ...resolved.rules.map((rule) => `${rule.name} ${(0, schedule_1.renderAwsBackupSchedule)(rule.schedule)} kept ${rule.retentionDays} d`),
            ...(resolved.continuousBackupRetentionDays !== undefined ? [`continuous (PITR) kept ${resolved.continuousBackupRetentionDays} d`] : []),
        ];
        for (const server of group) {
            for (const path of server.managed.protectedPaths()) {
                scope.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                    kind: 'managed-backup',
                    database: path,
                    schedule: rules.join('; '),
                    retentionDays: server.policy.managedSnapshots && (0, defaults_1.resolveManagedSnapshots)(server.policy.managedSnapshots).backupRetentionDays,
                    copies: (server.policy.copies ?? []).map((copy) => (copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`)),
                    vaultLock: vault.lock ? `${vault.lock.mode} ${vault.lock.minRetentionDays} days` : undefined,
                });
            }
        }
    });
    return { vault, plans };
}
/** The tier's automated-backup settings on an RDS instance or Aurora cluster of this app. */
function applyAutomatedBackupSettings(database, policy) {
    const resource = database.resource;
    if (resource === undefined)
        return;
    const snapshots = (0, defaults_1.resolveManagedSnapshots)(policy.managedSnapshots);
    resource.backupRetentionPeriod = snapshots.backupRetentionDays;
    if (snapshots.preferredBackupWindow !== undefined)
        resource.preferredBackupWindow = snapshots.preferredBackupWindow;
    if (snapshots.preferredMaintenanceWindow !== undefined)
        resource.preferredMaintenanceWindow = snapshots.preferredMaintenanceWindow;
    resource.copyTagsToSnapshot = snapshots.copyTagsToSnapshot;
    if (snapshots.finalSnapshot) {
        resource.deleteAutomatedBackups = false;
        resource.applyRemovalPolicy(aws_cdk_lib_1.RemovalPolicy.SNAPSHOT);
    }
}
