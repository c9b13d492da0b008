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
exports.ManagedPostgresBackupPlan = exports.CONTINUOUS_BACKUP_RULE_NAME = exports.DEFAULT_MANAGED_BACKUP_PLAN = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const backup = __importStar(require("aws-cdk-lib/aws-backup"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const constructs_1 = require("constructs");
const backup_notifications_1 = require("./backup-notifications");
const backup_vault_1 = require("./backup-vault");
const cdk_validation_1 = require("./cdk-validation");
const managed_backup_alarms_1 = require("./managed-backup-alarms");
const reviewed_findings_1 = require("./reviewed-findings");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const construct_prop_paths_1 = require("../core/construct-prop-paths");
const defaults_1 = require("../core/defaults");
const managed_backup_plan_1 = require("../core/managed-backup-plan");
const schedule_1 = require("../core/schedule");
const validation_1 = require("../core/validation");
/** The backup plan a {@link ManagedPostgresBackupPlan} gets when it is given none: one daily rule, kept 35 days. */
exports.DEFAULT_MANAGED_BACKUP_PLAN = { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] };
/** Name of the backup-plan rule of continuous backup. */
exports.CONTINUOUS_BACKUP_RULE_NAME = 'continuous';
/**
 * Backups of a managed PostgreSQL database (RDS instance or Aurora cluster) done right: the database's automated
 * backups set (retention, window, tags copied to snapshots, automated backups kept and a snapshot taken on deletion);
 * an AWS Backup plan with the policy's rules and continuous backup into a vault with its own key, a deletion-denying
 * access policy and an optional lock; copies to another region and another account; and paging when a job fails, when
 * no backup completed within the RPO, and when point-in-time recovery falls behind.
 *
 * Prove the backups restore with a `SnapshotRestoreDrill` of the same database.
 */
class ManagedPostgresBackupPlan extends constructs_1.Construct {
    /** The AWS Backup plan. */
    plan;
    /** The vault recovery points go to. */
    vault;
    /** The vault construct, when the vault was created here. */
    backupVault;
    /** The selection of the database. */
    selection;
    /** The topic failures go to. */
    notificationTopic;
    /** Failed-job rules, backup-age and restorable-time alarms. */
    monitoring;
    /** The RPO the backup-job alarm watches, hours. */
    rpoHours;
    /** Automated backup retention the database gets, days. */
    backupRetentionDays;
    /** The vault lock of a created vault. */
    vaultLock;
    /** The plan's rules with their schedules, continuous backup excluded. */
    rules;
    constructor(scope, id, props) {
        super(scope, id);
        const database = props.database;
        const stack = aws_cdk_lib_1.Stack.of(this);
        const current = currentSettings(database);
        const backupPlan = props.backupPlan ?? exports.DEFAULT_MANAGED_BACKUP_PLAN;
        const managedSnapshots = {
            ...props.managedSnapshots,
            backupRetentionDays: (0, managed_backup_plan_1.effectiveBackupRetentionDays)({ managedSnapshots: props.managedSnapshots, backupPlan }, current.backupRetentionDays, defaults_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS),
            preferredBackupWindow: props.managedSnapshots?.preferredBackupWindow ?? current.preferredBackupWindow,
            preferredMaintenanceWindow: props.managedSnapshots?.preferredMaintenanceWindow ?? current.preferredMaintenanceWindow,
        };
        const policy = {
            sourceRegion: aws_cdk_lib_1.Token.isUnresolved(stack.region) ? undefined : stack.region,
            managedSnapshots,
            backupPlan,
            copies: props.copies,
            immutability: props.immutability,
            alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
        };
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        if (database.engineFamily !== undefined && database.engineFamily !== 'POSTGRESQL') {
            validator.report({ path: 'database', value: database.engineFamily, allowed: 'an RDS for PostgreSQL instance or an Aurora PostgreSQL cluster' });
        }
        validator.include((0, managed_backup_plan_1.checkManagedBackupPlan)({
            policy,
            vaultLock: props.vaultLock,
            storageEncryption: database.storageEncryption,
            sourceAccount: aws_cdk_lib_1.Token.isUnresolved(stack.account) ? undefined : stack.account,
        }, (0, cdk_validation_1.cdkValidationOptions)(this, construct_prop_paths_1.MANAGED_BACKUP_PLAN_PROP_PATHS)));
        if ((backupPlan.rules ?? []).length === 0 && backupPlan.continuousBackupRetentionDays === undefined) {
            validator.report({ path: 'backupPlan.rules', value: backupPlan.rules ?? [], allowed: 'at least one rule, or continuousBackupRetentionDays' });
        }
        if (props.vault && (props.immutability || props.vaultLock || props.adminRole || props.encryptionKey)) {
            validator.report({ path: 'vault', value: props.vault.backupVaultName, allowed: 'no vault, when immutability, vaultLock, adminRole or encryptionKey is set (they configure a created vault)' }, []);
        }
        validator.integer('rpoHours', props.rpoHours, 1, scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS, 'hours');
        validator.integer('maxRestorableTimeLagMinutes', props.maxRestorableTimeLagMinutes, 5, 1440, 'minutes');
        validator.integer('restorableTimeCheckIntervalMinutes', props.restorableTimeCheckIntervalMinutes, 1, 60, 'minutes');
        validator.throwIfInvalid();
        const resolved = (0, defaults_1.resolveBackupPolicy)(policy, cdk_validation_1.CDK_VALIDATION_OPTIONS);
        this.rpoHours = resolved.alarms.rpoHours;
        if (this.rpoHours > scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS) {
            validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the backup plan rules; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
            validator.throwIfInvalid();
        }
        this.backupRetentionDays = resolved.managedSnapshots.backupRetentionDays;
        this.rules = resolved.backupPlan.rules;
        this.applyDatabaseSettings(database, resolved.managedSnapshots, props.managedSnapshots ?? {}, current);
        const notifications = new backup_notifications_1.BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
        this.notificationTopic = notifications.topic;
        if (props.vault) {
            this.vault = props.vault;
        }
        else {
            this.vaultLock = (0, managed_backup_plan_1.resolveVaultLock)(policy, props.vaultLock);
            this.backupVault = new backup_vault_1.PostgresBackupVault(this, 'Vault', {
                encryptionKey: props.encryptionKey,
                adminRole: props.adminRole,
                lock: this.vaultLock,
                notifications,
                removalPolicy: props.removalPolicy,
            });
            this.vault = this.backupVault.vault;
        }
        this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
        const copyActions = resolved.copies.map((copy, index) => ({
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, `CopyVault${index}`, copy.vaultArn),
            deleteAfter: aws_cdk_lib_1.Duration.days(copy.retentionDays),
        }));
        this.rules.forEach((rule, index) => this.plan.addRule(new backup.BackupPlanRule({
            ruleName: rule.name,
            scheduleExpression: events.Schedule.expression((0, schedule_1.renderAwsBackupSchedule)(rule.schedule, `backupPlan.rules[${index}].schedule`)),
            deleteAfter: aws_cdk_lib_1.Duration.days(rule.retentionDays),
            moveToColdStorageAfter: rule.moveToColdStorageAfterDays === undefined ? undefined : aws_cdk_lib_1.Duration.days(rule.moveToColdStorageAfterDays),
            copyActions,
        })));
        const continuous = resolved.backupPlan.continuousBackupRetentionDays;
        if (continuous !== undefined) {
            this.plan.addRule(new backup.BackupPlanRule({
                ruleName: exports.CONTINUOUS_BACKUP_RULE_NAME,
                enableContinuousBackup: true,
                scheduleExpression: events.Schedule.expression((0, schedule_1.renderAwsBackupSchedule)(this.rules[0]?.schedule ?? (0, defaults_1.defaultBackupPlanSchedule)('daily'))),
                deleteAfter: aws_cdk_lib_1.Duration.days(continuous),
                copyActions,
            }));
            if (copyActions.length > 0) {
                aws_cdk_lib_1.Annotations.of(this).addInfo('Copies of continuous backups are snapshots: the copies restore to the time they were taken, without point-in-time recovery.');
            }
        }
        this.selection = this.plan.addSelection('Database', {
            resources: [backup.BackupResource.fromArn(database.arn(this))],
        });
        // The selection's own role, created by aws-backup with the AWS Backup service role policy.
        (0, reviewed_findings_1.acknowledgeAwsManagedPolicy)(this.selection.node.findChild('Role'), 'service-role/AWSBackupServiceRolePolicyForBackup');
        this.shareKeyWithCopyAccounts(database, resolved.copies);
        this.monitoring = new managed_backup_alarms_1.ManagedBackupAlarms(this, 'Monitoring', {
            database,
            backupVaultName: this.vault.backupVaultName,
            topic: this.notificationTopic,
            rpoHours: this.rpoHours,
            maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes ?? 15,
            restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes ?? 5,
            metricNamespace: props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE,
            databaseLabel: database.identifier,
            logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        });
        const rules = [
            ...this.rules.map((rule) => `${rule.name} ${(0, schedule_1.renderAwsBackupSchedule)(rule.schedule)} kept ${rule.retentionDays} d`),
            ...(continuous !== undefined ? [`continuous (PITR) kept ${continuous} d`] : []),
        ];
        for (const path of database.protectedPaths()) {
            this.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                kind: 'managed-backup',
                database: path,
                schedule: rules.join('; '),
                retentionDays: this.backupRetentionDays,
                copies: resolved.copies.map((copy) => copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`),
                vaultLock: this.vaultLock ? `${this.vaultLock.mode} ${this.vaultLock.minRetentionDays} days` : undefined,
                rpoHours: this.rpoHours,
            });
        }
    }
    /**
     * Sets the automated-backup settings on a database defined in this app; for an imported one, says in a synth
     * warning which settings it cannot set, so nobody takes them for applied.
     */
    applyDatabaseSettings(database, snapshots, asked, current) {
        const resource = database.resource;
        if (resource === undefined) {
            const settings = Object.entries(asked).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${String(value)}`);
            aws_cdk_lib_1.Annotations.of(this).addWarningV2('postgres-backup:imported-database', `${database.identifier} is imported: its automated backups cannot be set from here`
                + `${settings.length > 0 ? ` (${settings.join(', ')} are NOT applied)` : ''}. Check that its backup retention is at least 1 day, `
                + 'that it copies tags to snapshots and keeps automated backups on deletion (aws rds modify-db-instance / modify-db-cluster).');
            return;
        }
        if (current.backupRetentionDays !== undefined && current.backupRetentionDays !== snapshots.backupRetentionDays) {
            aws_cdk_lib_1.Annotations.of(this).addWarningV2('postgres-backup:retention-replaced', `The database's backup retention of ${current.backupRetentionDays} days is replaced by ${snapshots.backupRetentionDays} days from the backup policy.`);
        }
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
    /**
     * An account copy re-encrypts in the destination account, which must be able to use the source snapshot's key: the
     * key policy of a key defined in this app is extended; for another key a warning names what to add.
     */
    shareKeyWithCopyAccounts(database, copies) {
        const accounts = copies.filter((copy) => copy.destination === 'account' && copy.account !== undefined).map((copy) => copy.account);
        if (accounts.length === 0)
            return;
        const key = database.storageEncryptionKey;
        const shared = key instanceof kms.Key;
        if (shared) {
            key.addToResourcePolicy(new iam.PolicyStatement({
                sid: 'AllowBackupCopyAccountsToUseKey',
                principals: accounts.map((account) => new iam.AccountPrincipal(account)),
                actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
                resources: ['*'],
            }));
            key.addToResourcePolicy(new iam.PolicyStatement({
                sid: 'AllowBackupCopyAccountsToGrant',
                principals: accounts.map((account) => new iam.AccountPrincipal(account)),
                actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
                resources: ['*'],
                conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
            }));
        }
        else {
            aws_cdk_lib_1.Annotations.of(this).addWarningV2('postgres-backup:copy-key-policy', `Copies to account(s) ${accounts.join(', ')} need the database's KMS key shared with them (kms:Decrypt, DescribeKey, `
                + 'Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant with kms:GrantIsForAWSResource); the key is not defined '
                + 'in this app, so add that to its key policy.');
        }
    }
}
exports.ManagedPostgresBackupPlan = ManagedPostgresBackupPlan;
function currentSettings(database) {
    const resource = database.resource;
    if (resource === undefined)
        return {};
    return {
        backupRetentionDays: resource.backupRetentionPeriod,
        preferredBackupWindow: resource.preferredBackupWindow,
        preferredMaintenanceWindow: resource.preferredMaintenanceWindow,
    };
}
