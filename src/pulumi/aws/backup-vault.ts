import * as backup from '@pulumi/aws/backup';
import * as kms from '@pulumi/aws/kms';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupKeyArgs, retainOnDeleteOf } from './backup-store-handles';
import { plannedStatement, policyDocument } from './policy-document';
import { PostgresBackupVaultOptions, planBackupVault } from '../../core/aws/backup-vault';
import { ResolvedVaultLock } from '../../core/aws/managed-backup-plan';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Props of {@link PostgresBackupVault}. */
export interface PostgresBackupVaultProps extends PostgresBackupVaultOptions, BackupKeyArgs {
  /**
   * ARN of the one role allowed to delete recovery points or shorten their retention.
   * @default - nobody (AWS Backup still expires recovery points at the end of their retention)
   */
  readonly adminRoleArn?: pulumi.Input<string>;
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
    const copyFromAccounts = props.allowCopiesFromAccounts ?? [];
    const plan = planBackupVault({
      keyGiven: props.encryptionKeyArn !== undefined,
      adminRole: props.adminRoleArn !== undefined,
      lock: props.lock,
      notifications: props.notificationTopicArn !== undefined,
      notificationEvents: props.notificationEvents,
      copyFromAccounts,
      backupVaultName: props.backupVaultName as string | undefined,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
    });
    this.encryptionKeyArn = plan.key ? new kms.Key(`${name}-key`, plan.key, { parent: this, retainOnDelete }).arn : pulumi.output(props.encryptionKeyArn!);
    this.lock = plan.lock;
    this.vault = new backup.Vault(`${name}-vault`, { name: props.backupVaultName, kmsKeyArn: this.encryptionKeyArn }, { parent: this, retainOnDelete });
    this.backupVaultName = this.vault.name;
    this.backupVaultArn = this.vault.arn;
    // The copying accounts' roots are in this environment's partition, read only when there are any.
    const references = {
      'admin-role': props.adminRoleArn,
      ...(copyFromAccounts.length > 0 ? { partition: (props.environment ?? awsEnvironment(this)).partition } : {}),
    };
    this.accessPolicy = new backup.VaultPolicy(`${name}-access-policy`, {
      backupVaultName: this.vault.name,
      policy: policyDocument(plan.accessPolicy.map((statement) => plannedStatement(statement, undefined, references))),
    }, { parent: this });
    if (plan.lock) {
      const { minRetentionDays, maxRetentionDays, changeableForDays } = plan.lock;
      new backup.VaultLockConfiguration(`${name}-lock`, { backupVaultName: this.vault.name, minRetentionDays, maxRetentionDays, changeableForDays }, { parent: this });
    }
    if (plan.notificationEvents) {
      new backup.VaultNotifications(`${name}-notifications`, {
        backupVaultName: this.vault.name, snsTopicArn: props.notificationTopicArn!, backupVaultEvents: [...plan.notificationEvents],
      }, { parent: this });
    }
    this.registerOutputs({ backupVaultName: this.backupVaultName, backupVaultArn: this.backupVaultArn, encryptionKeyArn: this.encryptionKeyArn });
  }
}
