import * as pulumi from '@pulumi/pulumi';
import { BackupKeyArgs } from './backup-store-handles';
import { PostgresBackupVaultProps } from './backup-vault';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { NotificationTopicArgs } from './notification-handles';
import { RestoreValidationArgs } from './restore-testing-validation';
import { LogRetentionArgs } from './task-placement-handles';
import { ManagedPostgresBackupPlanOptions } from '../../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the Pulumi handles (a created vault's `adminRoleArn` among them). */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions<RestoreValidationArgs>, BackupKeyArgs,
  NotificationTopicArgs, LogRetentionArgs, Pick<PostgresBackupVaultProps, 'adminRoleArn'> {
  /** The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})` or `.fromArn(arn)`. */
  readonly database: ManagedPostgresDatabase;
  /**
   * Name of an existing vault recovery points go to; it keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vaultName?: pulumi.Input<string>;
}
