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
exports.ManagedPostgresBackupPlan = exports.DEFAULT_MANAGED_BACKUP_PLAN = void 0;
exports.validateManagedBackupPlanWhenKnown = validateManagedBackupPlanWhenKnown;
const backup = __importStar(require("@pulumi/aws/backup"));
const iam = __importStar(require("@pulumi/aws/iam"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const backup_notifications_1 = require("./backup-notifications");
const backup_plan_rules_1 = require("./backup-plan-rules");
const backup_vault_1 = require("./backup-vault");
const managed_backup_alarms_1 = require("./managed-backup-alarms");
const policy_document_1 = require("./policy-document");
const require_postgres_backups_1 = require("./require-postgres-backups");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const construct_prop_paths_1 = require("../../core/construct-prop-paths");
const defaults_1 = require("../../core/defaults");
const managed_backup_plan_1 = require("../../core/managed-backup-plan");
const validation_1 = require("../../core/validation");
const pulumi_validation_1 = require("../pulumi-validation");
/** The backup plan a {@link ManagedPostgresBackupPlan} gets when it is given none: one daily rule, kept 35 days. */
exports.DEFAULT_MANAGED_BACKUP_PLAN = { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] };
/**
 * Backups of a managed PostgreSQL database (RDS instance or Aurora cluster) done right: the database's automated
 * backup settings checked, an AWS Backup plan with the policy's rules and continuous backup into a vault with its own
 * key, a deletion-denying access policy and an optional lock; copies to another region and another account; and paging
 * when a job fails, when no backup completed within the RPO, and when point-in-time recovery falls behind. The same
 * plan, vault, rules, alarms and check as the CDK `ManagedPostgresBackupPlan`.
 */
class ManagedPostgresBackupPlan extends pulumi.ComponentResource {
    /** The AWS Backup plan. */
    plan;
    /** Name of the vault recovery points go to. */
    vaultName;
    /** The vault component, when the vault was created here. */
    backupVault;
    /** The selection of the database. */
    selection;
    /** ARN of the topic failures go to. */
    notificationTopicArn;
    /** Failed-job rules, backup-age and restorable-time alarms. */
    monitoring;
    /** The RPO the backup-job alarm watches, hours. */
    rpoHours;
    /** Automated backup retention the database should have, days. */
    backupRetentionDays;
    /** The vault lock of a created vault. */
    vaultLock;
    /** The plan's rules with their schedules, continuous backup excluded. */
    rules;
    constructor(name, props, opts) {
        super('postgres-backup:aws:ManagedPostgresBackupPlan', name, {}, opts);
        const database = props.database;
        const environment = (0, aws_environment_1.awsEnvironment)(this);
        const known = planFacts(props, { storageEncryption: 'unknown', current: {} });
        // What is known now (the policy) is checked now; the database's facts are checked again once known, and the plan is
        // not created with a policy they make invalid.
        (0, pulumi_validation_1.validateWhenKnown)(known, checkPlanFacts, name);
        const checkedFacts = validateManagedBackupPlanWhenKnown(props, environment, name);
        const policy = planPolicy(known);
        const resolved = (0, defaults_1.resolveBackupPolicy)(policy, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS);
        this.rpoHours = resolved.alarms.rpoHours;
        if (this.rpoHours > scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS) {
            const validator = new validation_1.Validator({ construct: name });
            validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the backup plan rules; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
            validator.throwIfInvalid();
        }
        this.rules = resolved.backupPlan.rules;
        this.backupRetentionDays = checkedFacts.apply((checked) => {
            const snapshots = planPolicy(checked).managedSnapshots;
            warnAboutDatabaseSettings(this, checked, snapshots, database.managedHere);
            return snapshots.backupRetentionDays;
        });
        const notifications = new backup_notifications_1.BackupNotifications(`${name}-notifications`, {
            topicArn: props.notificationTopicArn,
            additionalPublishingServices: ['backup.amazonaws.com'],
            retainOnDelete: props.retainOnDelete,
            environment,
        }, { parent: this });
        this.notificationTopicArn = notifications.topicArn;
        if (props.vaultName !== undefined) {
            this.vaultName = pulumi.output(props.vaultName);
        }
        else {
            if (!notifications.created) {
                void pulumi.log.warn('The notification topic was given: if it is encrypted, its key policy must let backup.amazonaws.com use '
                    + 'kms:GenerateDataKey* and kms:Decrypt, and its topic policy must let it publish, or vault notifications are dropped.', this);
            }
            this.vaultLock = (0, managed_backup_plan_1.resolveVaultLock)(policy, props.vaultLock);
            this.backupVault = new backup_vault_1.PostgresBackupVault(`${name}-vault`, {
                encryptionKeyArn: props.encryptionKeyArn,
                adminRoleArn: props.adminRoleArn,
                lock: this.vaultLock,
                notificationTopicArn: this.notificationTopicArn,
                retainOnDelete: props.retainOnDelete,
            }, { parent: this });
            this.vaultName = this.backupVault.backupVaultName;
        }
        const planRules = (0, backup_plan_rules_1.awsBackupPlanRules)(resolved.backupPlan, this.vaultName, resolved.copies);
        if (resolved.backupPlan.continuousBackupRetentionDays !== undefined && resolved.copies.length > 0) {
            void pulumi.log.info('Copies of continuous backups are snapshots: the copies restore to the time they were taken, without point-in-time recovery.', this);
        }
        this.plan = new backup.Plan(`${name}-plan`, {
            // Created only once the database's facts pass the checks.
            name: checkedFacts.apply(() => name),
            rules: planRules,
        }, { parent: this });
        const selectionRole = new iam.Role(`${name}-selection-role`, {
            description: 'AWS Backup backs up the selected database with this role',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('backup.amazonaws.com'),
        }, { parent: this });
        const attachment = new iam.RolePolicyAttachment(`${name}-selection-backup`, {
            role: selectionRole.name,
            policyArn: pulumi.interpolate `arn:${environment.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
        }, { parent: this });
        this.selection = new backup.Selection(`${name}-selection`, {
            name: 'Database',
            planId: this.plan.id,
            iamRoleArn: selectionRole.arn,
            resources: [database.arn(environment)],
        }, { parent: this, dependsOn: [attachment] });
        warnAboutCopyKeys(this, resolved.copies);
        this.monitoring = new managed_backup_alarms_1.ManagedBackupAlarms(`${name}-monitoring`, {
            database,
            environment,
            backupVaultName: this.vaultName,
            topicArn: this.notificationTopicArn,
            rpoHours: this.rpoHours,
            maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes ?? 15,
            restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes ?? 5,
            metricNamespace: props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE,
            logRetentionDays: props.logRetentionDays ?? 30,
        }, { parent: this });
        (0, require_postgres_backups_1.recordProtectedDatabase)(props.database.resource, 'managed-backup');
        this.registerOutputs({
            planId: this.plan.id,
            vaultName: this.vaultName,
            notificationTopicArn: this.notificationTopicArn,
            backupRetentionDays: this.backupRetentionDays,
            alarmArns: this.monitoring.alarms.map((alarm) => alarm.arn),
        });
    }
}
exports.ManagedPostgresBackupPlan = ManagedPostgresBackupPlan;
/** The facts of the props, with what is known of the database. */
function planFacts(props, database) {
    return {
        asked: props.managedSnapshots,
        backupPlan: props.backupPlan ?? exports.DEFAULT_MANAGED_BACKUP_PLAN,
        copies: props.copies,
        immutability: props.immutability,
        vaultLock: props.vaultLock,
        rpoHours: props.rpoHours,
        maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes,
        restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes,
        vaultGiven: props.vaultName !== undefined,
        createdVaultSettings: [props.immutability, props.vaultLock, props.adminRoleArn, props.encryptionKeyArn].some((setting) => setting !== undefined),
        ...database,
    };
}
/**
 * The check of a {@link ManagedPostgresBackupPlan} that waits for the database's facts: its storage encryption, its
 * region and account (for copies), and its current automated-backup settings (retention, windows). The output fails
 * with core's `PolicyValidationError` when they make the policy invalid; the plan resource takes its name from it, so
 * it is never created then.
 */
function validateManagedBackupPlanWhenKnown(props, environment, construct) {
    const database = props.database;
    const accountOfArn = database.arn(environment).apply((arn) => /^arn:aws[a-z-]*:rds:[a-z0-9-]+:(\d{12}):/.exec(arn)?.[1]);
    const facts = pulumi.all([
        database.storageEncryption, environment.region, accountOfArn, database.settings ?? pulumi.output({}),
    ]).apply(([storageEncryption, region, account, current]) => planFacts(props, {
        storageEncryption, sourceRegion: region, sourceAccount: account, current,
    }));
    return (0, pulumi_validation_1.validateWhenKnown)(facts, checkPlanFacts, construct);
}
/** The policy core checks: the asked snapshot settings over the database's current ones, the plan, copies and lock. */
function planPolicy(facts) {
    const managedSnapshots = {
        ...facts.asked,
        backupRetentionDays: (0, managed_backup_plan_1.effectiveBackupRetentionDays)({ managedSnapshots: facts.asked, backupPlan: facts.backupPlan }, facts.current.backupRetentionDays, defaults_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS),
        preferredBackupWindow: facts.asked?.preferredBackupWindow ?? facts.current.preferredBackupWindow,
        preferredMaintenanceWindow: facts.asked?.preferredMaintenanceWindow ?? facts.current.preferredMaintenanceWindow,
    };
    return {
        sourceRegion: facts.sourceRegion,
        managedSnapshots,
        backupPlan: facts.backupPlan,
        copies: facts.copies,
        immutability: facts.immutability,
        alarms: facts.rpoHours !== undefined ? { rpoHours: facts.rpoHours } : undefined,
    };
}
/** The checks of the CDK construct, with its messages. */
function checkPlanFacts(validator, facts) {
    if (validator.isUnresolved(facts))
        return;
    validator.include((0, managed_backup_plan_1.checkManagedBackupPlan)({
        policy: planPolicy(facts),
        vaultLock: facts.vaultLock,
        storageEncryption: facts.storageEncryption,
        sourceAccount: facts.sourceAccount,
    }, validator.optionsFor(construct_prop_paths_1.MANAGED_BACKUP_PLAN_PROP_PATHS)));
    if ((facts.backupPlan.rules ?? []).length === 0 && facts.backupPlan.continuousBackupRetentionDays === undefined) {
        validator.report({ path: 'backupPlan.rules', value: facts.backupPlan.rules ?? [], allowed: 'at least one rule, or continuousBackupRetentionDays' });
    }
    if (facts.vaultGiven && facts.createdVaultSettings) {
        validator.report({ path: 'vault', value: 'vaultName', allowed: 'no vault, when immutability, vaultLock, adminRole or encryptionKey is set (they configure a created vault)' }, []);
    }
    validator.integer('rpoHours', facts.rpoHours, 1, scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS, 'hours');
    validator.integer('maxRestorableTimeLagMinutes', facts.maxRestorableTimeLagMinutes, 5, 1440, 'minutes');
    validator.integer('restorableTimeCheckIntervalMinutes', facts.restorableTimeCheckIntervalMinutes, 1, 60, 'minutes');
}
/**
 * Names each automated-backup setting the database does not have, so nobody takes it for applied: a component cannot
 * change another resource's arguments in Pulumi (give the database `managedSnapshotArgs`).
 */
function warnAboutDatabaseSettings(parent, facts, wanted, managedHere) {
    const current = facts.current;
    if (!managedHere) {
        const asked = Object.entries(facts.asked ?? {}).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${String(value)}`);
        void pulumi.log.warn('The database is imported: its automated backups cannot be set from here'
            + `${asked.length > 0 ? ` (${asked.join(', ')} are NOT applied)` : ''}. Check that its backup retention is at least 1 day, `
            + 'that it copies tags to snapshots and keeps automated backups on deletion (aws rds modify-db-instance / modify-db-cluster).', parent);
        return;
    }
    const differences = [];
    const compare = (key, want) => {
        if (want !== undefined && current[key] !== want)
            differences.push(`${key} is ${String(current[key])}, the policy asks for ${String(want)}`);
    };
    compare('backupRetentionDays', wanted.backupRetentionDays);
    compare('preferredBackupWindow', wanted.preferredBackupWindow);
    compare('preferredMaintenanceWindow', wanted.preferredMaintenanceWindow);
    compare('copyTagsToSnapshot', wanted.copyTagsToSnapshot ?? true);
    compare('finalSnapshot', wanted.finalSnapshot ?? true);
    if (differences.length > 0) {
        void pulumi.log.warn(`The database's automated backups differ from the backup policy: ${differences.join('; ')}. `
            + 'Give the database resource managedSnapshotArgs(...) of the same policy.', parent);
    }
}
/** Account copies re-encrypt in the destination account, which must be able to use the source snapshot's key. */
function warnAboutCopyKeys(parent, copies) {
    const accounts = copies.filter((copy) => copy.destination === 'account' && copy.account !== undefined).map((copy) => copy.account);
    if (accounts.length === 0)
        return;
    void pulumi.log.warn(`Copies to account(s) ${accounts.join(', ')} need the database's KMS key shared with them (kms:Decrypt, DescribeKey, `
        + 'Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant with kms:GrantIsForAWSResource): add that to its key policy.', parent);
}
