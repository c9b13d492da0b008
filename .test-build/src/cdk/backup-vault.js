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
exports.PostgresBackupVault = exports.PROTECTED_RECOVERY_POINT_ACTIONS = exports.VAULT_NOTIFICATION_EVENTS = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const backup = __importStar(require("aws-cdk-lib/aws-backup"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const constructs_1 = require("constructs");
/**
 * The vault events sent to the notification topic. AWS Backup no longer sends the `*_JOB_FAILED` events of backup and
 * restore jobs: their failures arrive as `*_JOB_COMPLETED` with the job's state (filter a pager subscription with
 * `{"State": [{"anything-but": "COMPLETED"}]}`), while copy failures have an event of their own.
 */
exports.VAULT_NOTIFICATION_EVENTS = [
    backup.BackupVaultEvents.BACKUP_JOB_COMPLETED,
    backup.BackupVaultEvents.COPY_JOB_FAILED,
    backup.BackupVaultEvents.RESTORE_JOB_COMPLETED,
];
/** Actions on recovery points the vault's access policy denies to everyone but the admin role. */
exports.PROTECTED_RECOVERY_POINT_ACTIONS = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'];
/**
 * An AWS Backup vault for PostgreSQL recovery points: encrypted with its own key, an access policy that denies
 * deleting recovery points or shortening their retention to everyone but an admin role, an optional vault lock, and
 * its events sent to the backup notification topic.
 *
 * As the destination of copies from another account, call {@link allowCopiesFromAccount}; the source account must
 * also have cross-account backup enabled in AWS Organizations, and the source database's key must be shared with
 * this account.
 */
class PostgresBackupVault extends constructs_1.Construct {
    /** The vault. */
    vault;
    /** The key of the vault. */
    encryptionKey;
    /** The lock, when there is one. */
    lock;
    constructor(scope, id, props = {}) {
        super(scope, id);
        const removalPolicy = props.removalPolicy ?? aws_cdk_lib_1.RemovalPolicy.RETAIN;
        this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
            description: 'Encrypts the PostgreSQL recovery points of the backup vault',
            enableKeyRotation: true,
            removalPolicy,
        });
        this.lock = props.lock;
        if (props.notifications && !props.notifications.allowServicePublish('backup.amazonaws.com')) {
            aws_cdk_lib_1.Annotations.of(this).addWarningV2('postgres-backup:vault-topic-key', 'The notification topic was given: if it is encrypted, its key policy must let backup.amazonaws.com use '
                + 'kms:GenerateDataKey* and kms:Decrypt, or vault notifications are dropped.');
        }
        this.vault = new backup.BackupVault(this, 'Vault', {
            backupVaultName: props.backupVaultName,
            encryptionKey: this.encryptionKey,
            removalPolicy,
            notificationTopic: props.notifications?.topic,
            notificationEvents: props.notifications ? [...(props.notificationEvents ?? exports.VAULT_NOTIFICATION_EVENTS)] : undefined,
            lockConfiguration: props.lock && {
                minRetention: aws_cdk_lib_1.Duration.days(props.lock.minRetentionDays),
                maxRetention: props.lock.maxRetentionDays === undefined ? undefined : aws_cdk_lib_1.Duration.days(props.lock.maxRetentionDays),
                changeableFor: props.lock.changeableForDays === undefined ? undefined : aws_cdk_lib_1.Duration.days(props.lock.changeableForDays),
            },
        });
        this.vault.addToAccessPolicy(new iam.PolicyStatement({
            sid: 'DenyRecoveryPointDeletion',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...exports.PROTECTED_RECOVERY_POINT_ACTIONS],
            resources: ['*'],
            conditions: props.adminRole ? { ArnNotEquals: { 'aws:PrincipalArn': props.adminRole.roleArn } } : undefined,
        }));
    }
    /** The vault's name. */
    get backupVaultName() {
        return this.vault.backupVaultName;
    }
    /** The vault's ARN. */
    get backupVaultArn() {
        return this.vault.backupVaultArn;
    }
    /**
     * Lets AWS Backup of another account copy recovery points into this vault (`backup:CopyIntoBackupVault`), for a
     * vault that is the destination of an account copy.
     */
    allowCopiesFromAccount(account) {
        this.vault.addToAccessPolicy(new iam.PolicyStatement({
            sid: `AllowCopyFrom${account.replace(/[^A-Za-z0-9]/g, '')}`,
            principals: [new iam.AccountPrincipal(account)],
            actions: ['backup:CopyIntoBackupVault'],
            resources: ['*'],
        }));
    }
}
exports.PostgresBackupVault = PostgresBackupVault;
