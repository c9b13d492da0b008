import { Annotations, Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { BackupKeyProps, removalPolicyOf } from './backup-store-handles';
import { cdkValidationOptions } from './cdk-validation';
import { renderPlannedStatement } from './planned-grants';
import { AWS_BACKUP_SERVICE_PRINCIPAL } from '../core/aws/backup-plan-rules';
import {
  PostgresBackupVaultOptions, VAULT_NOTIFICATION_EVENT_NAMES, checkedCopyFromAccountStatement, givenTopicWarning, planBackupVault,
} from '../core/aws/backup-vault';
import { ResolvedVaultLock } from '../core/aws/managed-backup-plan';

/** The vault events sent to the notification topic (core's `VAULT_NOTIFICATION_EVENT_NAMES`). */
export const VAULT_NOTIFICATION_EVENTS = VAULT_NOTIFICATION_EVENT_NAMES.map((name) => name as backup.BackupVaultEvents);

/** Props of {@link PostgresBackupVault}. */
export interface PostgresBackupVaultProps extends PostgresBackupVaultOptions, BackupKeyProps {
  /**
   * The one role allowed to delete recovery points or shorten their retention; the access policy denies it to all
   * other principals.
   * @default - nobody (AWS Backup still expires recovery points at the end of their retention)
   */
  readonly adminRole?: iam.IRole;
  /**
   * Where vault events go.
   * @default - no vault notifications
   */
  readonly notifications?: BackupNotifications;
  /**
   * The vault events sent, each one AWS Backup still sends (core's `SUPPORTED_VAULT_NOTIFICATION_EVENTS`); only with
   * `notifications`.
   * @default VAULT_NOTIFICATION_EVENTS
   */
  readonly notificationEvents?: backup.BackupVaultEvents[];
  /**
   * Vault name.
   * @default - generated
   */
  readonly backupVaultName?: string;
}

/**
 * An AWS Backup vault for PostgreSQL recovery points: encrypted with its own key, an access policy that denies
 * deleting recovery points or shortening their retention to everyone but an admin role, an optional vault lock, and
 * its events sent to the backup notification topic.
 *
 * As the destination of copies from another account, call {@link allowCopiesFromAccount}; the source account must
 * also have cross-account backup enabled in AWS Organizations, and the source database's key must be shared with
 * this account.
 */
export class PostgresBackupVault extends Construct {
  /** The vault. */
  public readonly vault: backup.BackupVault;
  /** The key of the vault. */
  public readonly encryptionKey: kms.IKey;
  /** The lock, when there is one. */
  public readonly lock?: ResolvedVaultLock;

  constructor(scope: Construct, id: string, props: PostgresBackupVaultProps = {}) {
    super(scope, id);
    const removalPolicy = removalPolicyOf(props);
    const plan = planBackupVault({
      keyGiven: props.encryptionKey !== undefined,
      adminRole: props.adminRole !== undefined,
      lock: props.lock,
      notifications: props.notifications !== undefined,
      notificationEvents: props.notificationEvents,
      backupVaultName: props.backupVaultName,
      validation: cdkValidationOptions(this),
    });
    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', { ...plan.key, removalPolicy });
    this.lock = plan.lock;
    if (props.notifications && !props.notifications.allowServicePublish(AWS_BACKUP_SERVICE_PRINCIPAL)) {
      Annotations.of(this).addWarningV2('postgres-backup:vault-topic-key', givenTopicWarning(false));
    }
    const days = (value?: number) => (value === undefined ? undefined : Duration.days(value));
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy,
      notificationTopic: props.notifications?.topic,
      notificationEvents: plan.notificationEvents && [...plan.notificationEvents as backup.BackupVaultEvents[]],
      lockConfiguration: plan.lock && {
        minRetention: Duration.days(plan.lock.minRetentionDays),
        maxRetention: days(plan.lock.maxRetentionDays),
        changeableFor: days(plan.lock.changeableForDays),
      },
    });
    const references = { 'admin-role': props.adminRole?.roleArn };
    for (const statement of plan.accessPolicy) this.vault.addToAccessPolicy(renderPlannedStatement(statement, undefined, references));
  }

  /** The vault's name. */
  public get backupVaultName(): string {
    return this.vault.backupVaultName;
  }

  /** The vault's ARN. */
  public get backupVaultArn(): string {
    return this.vault.backupVaultArn;
  }

  /**
   * Lets AWS Backup of another account copy recovery points into this vault (`backup:CopyIntoBackupVault`), for a
   * vault that is the destination of an account copy.
   */
  public allowCopiesFromAccount(account: string): void {
    const statement = checkedCopyFromAccountStatement(account, 'allowCopiesFromAccount(account)', cdkValidationOptions(this));
    this.vault.addToAccessPolicy(renderPlannedStatement(statement, undefined));
  }
}
