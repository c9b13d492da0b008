import * as pulumi from '@pulumi/pulumi';
import { BackupKeyArgs } from './backup-store-handles';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { NotificationTopicArgs } from './notification-handles';
import { RestoreTestingArgs } from './restore-testing';
import { LogRetentionArgs } from './task-placement-handles';
import { ManagedPostgresBackupPlanOptions } from '../../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the Pulumi handles. */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions, BackupKeyArgs, NotificationTopicArgs, LogRetentionArgs {
  /** The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})` or `.fromArn(arn)`. */
  readonly database: ManagedPostgresDatabase;
  /**
   * AWS Backup restore testing of the database's recovery points, and the validation of each test with `pg-backup check`.
   * @default - no restore testing
   */
  readonly restoreTesting?: RestoreTestingArgs;
  /**
   * Name of an existing vault recovery points go to; it keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vaultName?: pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRoleArn?: pulumi.Input<string>;
}
