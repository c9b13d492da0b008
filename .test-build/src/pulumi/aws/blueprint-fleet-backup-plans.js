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
exports.fleetHasBackupPlans = fleetHasBackupPlans;
exports.createFleetBackupPlans = createFleetBackupPlans;
const backup = __importStar(require("@pulumi/aws/backup"));
const iam = __importStar(require("@pulumi/aws/iam"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const backup_plan_rules_1 = require("./backup-plan-rules");
const backup_vault_1 = require("./backup-vault");
const policy_document_1 = require("./policy-document");
const require_postgres_backups_1 = require("./require-postgres-backups");
const defaults_1 = require("../../core/defaults");
const managed_backup_plan_1 = require("../../core/managed-backup-plan");
/** Whether any server of the fleet gets an AWS Backup plan, so the topic must accept AWS Backup's events. */
function fleetHasBackupPlans(servers) {
    return servers.some((server) => server.entry.managedDatabase !== undefined && server.policy.backupPlan !== undefined);
}
/**
 * The managed servers' AWS Backup plans: one vault for the fleet, one plan per distinct plan (rules and copies), each
 * selecting all of its servers, so a server adds no resource. Their own automated backups are the instances'
 * arguments in Pulumi: each managed server whose settings differ from its tier's gets a warning naming them.
 */
function createFleetBackupPlans(fleet, servers, basePolicy) {
    const { name, parent, props } = fleet;
    const managed = servers.filter((server) => server.entry.managedDatabase !== undefined);
    for (const server of managed) {
        if (server.policy.managedSnapshots)
            warnAboutAutomatedBackups(server, parent);
    }
    const withPlan = managed.filter((server) => server.policy.backupPlan);
    if (withPlan.length === 0)
        return { plans: [] };
    const vault = new backup_vault_1.PostgresBackupVault(`${name}-vault`, {
        adminRoleArn: props.breakGlassRoleArn,
        lock: basePolicy && (0, managed_backup_plan_1.resolveVaultLock)({ immutability: basePolicy.immutability }, props.vaultLock),
        notificationTopicArn: fleet.notificationTopicArn,
        retainOnDelete: props.retainOnDelete,
    }, { parent });
    const selectionRole = new iam.Role(`${name}-backup-selection-role`, {
        // Backups only: restores are started by an operator following the runbook, with a role of their own.
        description: 'AWS Backup backs up the fleet\'s managed databases with this role',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('backup.amazonaws.com'),
    }, { parent });
    const attachment = new iam.RolePolicyAttachment(`${name}-backup-selection-policy`, {
        role: selectionRole.name,
        policyArn: pulumi.interpolate `arn:${fleet.environment.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
    }, { parent });
    const byPlan = new Map();
    for (const server of withPlan) {
        const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
        byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
    }
    const plans = [...byPlan.values()].map((group, index) => {
        const policy = group[0].policy;
        const rules = (0, backup_plan_rules_1.awsBackupPlanRules)((0, defaults_1.resolveBackupPlan)(policy.backupPlan), vault.backupVaultName, policy.copies ?? []);
        const plan = new backup.Plan(`${name}-backup-plan-${index}`, { rules }, { parent });
        new backup.Selection(`${name}-backup-selection-${index}`, {
            name: 'Databases',
            planId: plan.id,
            iamRoleArn: selectionRole.arn,
            resources: group.map((server) => server.entry.managedDatabase.arn(fleet.environment)),
        }, { parent, dependsOn: [attachment] });
        for (const server of group)
            (0, require_postgres_backups_1.recordProtectedDatabase)(server.entry.managedDatabase.resource, 'managed-backup');
        return plan;
    });
    return { vault, plans };
}
/**
 * A component cannot change another resource's arguments in Pulumi: the tier's automated-backup settings are given
 * to the instance with `managedSnapshotArgs`, and each one the database does not have is named here.
 */
function warnAboutAutomatedBackups(server, parent) {
    const database = server.entry.managedDatabase;
    const wanted = (0, defaults_1.resolveManagedSnapshots)(server.policy.managedSnapshots);
    if (database.settings === undefined) {
        void pulumi.log.warn(`${server.entry.id}: the database is imported, so its automated backups cannot be set from here; check that it keeps `
            + `them ${wanted.backupRetentionDays} days, copies tags to snapshots and keeps automated backups on deletion.`, parent);
        return;
    }
    database.settings.apply((current) => {
        const differences = [];
        const compare = (key, want) => {
            if (want !== undefined && current[key] !== want)
                differences.push(`${key} is ${String(current[key])}, the tier asks for ${String(want)}`);
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
