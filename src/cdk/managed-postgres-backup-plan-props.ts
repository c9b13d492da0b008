import * as backup from 'aws-cdk-lib/aws-backup';
import { BackupKeyProps } from './backup-store-handles';
import { PostgresBackupVaultProps } from './backup-vault';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { NotificationTopicProps } from './notification-handles';
import { RestoreValidationProps } from './restore-testing-validation';
import { LogRetentionProps } from './task-placement-handles';
import { ManagedPostgresBackupPlanOptions } from '../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the CDK handles (a created vault's `adminRole` among them). */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions<RestoreValidationProps>, BackupKeyProps,
  NotificationTopicProps, LogRetentionProps, Pick<PostgresBackupVaultProps, 'adminRole'> {
  /**
   * The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})`
   * or `.fromArn(arn)`.
   */
  readonly database: ManagedPostgresDatabase;
  /**
   * The vault recovery points go to. A given vault keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vault?: backup.IBackupVault;
}
