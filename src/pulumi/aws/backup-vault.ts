import * as backup from '@pulumi/aws/backup';
import * as kms from '@pulumi/aws/kms';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupKeyArgs, retainOnDeleteOf } from './backup-store-handles';
import { plannedStatement, policyDocument } from './policy-document';
import { BACKUP_VAULT_PLAN, VAULT_NOTIFICATION_EVENT_NAMES, vaultAccessPolicy } from '../../core/aws/backup-vault';
import { ResolvedVaultLock } from '../../core/aws/managed-backup-plan';

/** Props of {@link PostgresBackupVault}. */
export interface PostgresBackupVaultProps extends BackupKeyArgs {
  /**
   * ARN of the one role allowed to delete recovery points or shorten their retention.
   * @default - nobody (AWS Backup still expires recovery points at the end of their retention)
   */
  readonly adminRoleArn?: pulumi.Input<string>;
  /**
   * Vault lock (from `resolveVaultLock`): governance mode without a grace time, compliance mode with one.
   * @default - no lock
   */
  readonly lock?: ResolvedVaultLock;
  /**
   * ARN of the topic vault events go to; its policy must let `backup.amazonaws.com` publish.
   * @default - no vault notifications
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * Accounts whose AWS Backup may copy recovery points into this vault, when it is the destination of account copies.
   * The access policy is one document in Pulumi, so they are named here (CDK's `allowCopiesFromAccount`).
   * @default - none
   */
  readonly allowCopiesFromAccounts?: string[];
  /**
   * Vault name.
   * @default - generated
   */
  readonly backupVaultName?: pulumi.Input<string>;
  /**
   * The environment whose partition the copying accounts' principals are in.
   * @default - read from the provider
   */
  readonly environment?: AwsEnvironment;
}

/**
 * An AWS Backup vault for PostgreSQL recovery points: encrypted with its own key, an access policy that denies deleting
 * recovery points or shortening their retention to everyone but an admin role, an optional vault lock, and its events
 * sent to the backup notification topic.
 */
export class PostgresBackupVault extends pulumi.ComponentResource {
  /** The vault. */
  public readonly vault: backup.Vault;
  /** Name of the vault. */
  public readonly backupVaultName: pulumi.Output<string>;
  /** ARN of the vault. */
  public readonly backupVaultArn: pulumi.Output<string>;
  /** ARN of the vault's key. */
  public readonly encryptionKeyArn: pulumi.Output<string>;
  /** The access policy. */
  public readonly accessPolicy: backup.VaultPolicy;
  /** The lock, when there is one. */
  public readonly lock?: ResolvedVaultLock;

  constructor(name: string, props: PostgresBackupVaultProps = {}, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:PostgresBackupVault', name, {}, opts);
    const retainOnDelete = retainOnDeleteOf(props);
    this.encryptionKeyArn = props.encryptionKeyArn !== undefined
      ? pulumi.output(props.encryptionKeyArn)
      : new kms.Key(`${name}-key`, { description: BACKUP_VAULT_PLAN.keyDescription, enableKeyRotation: true },
        { parent: this, retainOnDelete }).arn;
    this.lock = props.lock;
    this.vault = new backup.Vault(`${name}-vault`, { name: props.backupVaultName, kmsKeyArn: this.encryptionKeyArn }, { parent: this, retainOnDelete });
    this.backupVaultName = this.vault.name;
    this.backupVaultArn = this.vault.arn;
    const copiesFrom = props.allowCopiesFromAccounts ?? [];
    // The copying accounts' roots are in this environment's partition, read only when there are any.
    const references = {
      'admin-role': props.adminRoleArn,
      ...(copiesFrom.length > 0 ? { partition: (props.environment ?? awsEnvironment(this)).partition } : {}),
    };
    this.accessPolicy = new backup.VaultPolicy(`${name}-access-policy`, {
      backupVaultName: this.vault.name,
      policy: policyDocument(vaultAccessPolicy(props.adminRoleArn !== undefined, copiesFrom)
        .map((statement) => plannedStatement(statement, undefined, references))),
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
        backupVaultEvents: [...VAULT_NOTIFICATION_EVENT_NAMES],
      }, { parent: this });
    }
    this.registerOutputs({ backupVaultName: this.backupVaultName, backupVaultArn: this.backupVaultArn, encryptionKeyArn: this.encryptionKeyArn });
  }
}
