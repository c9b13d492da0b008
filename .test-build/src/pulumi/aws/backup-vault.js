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
const backup = __importStar(require("@pulumi/aws/backup"));
const kms = __importStar(require("@pulumi/aws/kms"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const policy_document_1 = require("./policy-document");
/**
 * The vault events sent to the notification topic. AWS Backup no longer sends the `*_JOB_FAILED` events of backup and
 * restore jobs: their failures arrive as `*_JOB_COMPLETED` with the job's state, while copy failures have their own.
 */
exports.VAULT_NOTIFICATION_EVENTS = ['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED'];
/** Actions on recovery points the vault's access policy denies to everyone but the admin role. */
exports.PROTECTED_RECOVERY_POINT_ACTIONS = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'];
/**
 * An AWS Backup vault for PostgreSQL recovery points: encrypted with its own key, an access policy that denies deleting
 * recovery points or shortening their retention to everyone but an admin role, an optional vault lock, and its events
 * sent to the backup notification topic.
 */
class PostgresBackupVault extends pulumi.ComponentResource {
    /** The vault. */
    vault;
    /** Name of the vault. */
    backupVaultName;
    /** ARN of the vault. */
    backupVaultArn;
    /** ARN of the vault's key. */
    encryptionKeyArn;
    /** The access policy. */
    accessPolicy;
    /** The lock, when there is one. */
    lock;
    constructor(name, props = {}, opts) {
        super('postgres-backup:aws:PostgresBackupVault', name, {}, opts);
        const retainOnDelete = props.retainOnDelete ?? true;
        this.encryptionKeyArn = props.encryptionKeyArn !== undefined
            ? pulumi.output(props.encryptionKeyArn)
            : new kms.Key(`${name}-key`, { description: 'Encrypts the PostgreSQL recovery points of the backup vault', enableKeyRotation: true }, { parent: this, retainOnDelete }).arn;
        this.lock = props.lock;
        this.vault = new backup.Vault(`${name}-vault`, { name: props.backupVaultName, kmsKeyArn: this.encryptionKeyArn }, { parent: this, retainOnDelete });
        this.backupVaultName = this.vault.name;
        this.backupVaultArn = this.vault.arn;
        this.accessPolicy = new backup.VaultPolicy(`${name}-access-policy`, {
            backupVaultName: this.vault.name,
            policy: (0, policy_document_1.policyDocument)([
                {
                    Sid: 'DenyRecoveryPointDeletion',
                    Effect: 'Deny',
                    Principal: { AWS: '*' },
                    Action: [...exports.PROTECTED_RECOVERY_POINT_ACTIONS],
                    Resource: '*',
                    ...(props.adminRoleArn !== undefined ? { Condition: { ArnNotEquals: { 'aws:PrincipalArn': props.adminRoleArn } } } : {}),
                },
                ...(props.allowCopiesFromAccounts ?? []).map((account) => ({
                    Sid: `AllowCopyFrom${account.replace(/[^A-Za-z0-9]/g, '')}`,
                    Effect: 'Allow',
                    Principal: { AWS: `arn:aws:iam::${account}:root` },
                    Action: 'backup:CopyIntoBackupVault',
                    Resource: '*',
                })),
            ]),
        }, { parent: this });
        if (props.lock) {
            new backup.VaultLockConfiguration(`${name}-lock`, {
                backupVaultName: this.vault.name,
                minRetentionDays: props.lock.minRetentionDays,
                maxRetentionDays: props.lock.maxRetentionDays,
                changeableForDays: props.lock.changeableForDays,
            }, { parent: this });
        }
        if (props.notificationTopicArn !== undefined) {
            new backup.VaultNotifications(`${name}-notifications`, {
                backupVaultName: this.vault.name,
                snsTopicArn: props.notificationTopicArn,
                backupVaultEvents: [...exports.VAULT_NOTIFICATION_EVENTS],
            }, { parent: this });
        }
        this.registerOutputs({ backupVaultName: this.backupVaultName, backupVaultArn: this.backupVaultArn, encryptionKeyArn: this.encryptionKeyArn });
    }
}
exports.PostgresBackupVault = PostgresBackupVault;
