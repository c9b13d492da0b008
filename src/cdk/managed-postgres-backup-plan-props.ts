import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BackupKeyProps } from './backup-store-handles';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { NotificationTopicProps } from './notification-handles';
import { RestoreTestingProps } from './restore-testing';
import { LogRetentionProps } from './task-placement-handles';
import { ManagedPostgresBackupPlanOptions } from '../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the CDK handles. */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions, BackupKeyProps, NotificationTopicProps, LogRetentionProps {
  /**
   * The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})`
   * or `.fromArn(arn)`.
   */
  readonly database: ManagedPostgresDatabase;
  /**
   * AWS Backup restore testing of the database's recovery points, and the validation of each test with `pg-backup check`.
   * @default - no restore testing
   */
  readonly restoreTesting?: RestoreTestingProps;
  /**
   * The vault recovery points go to. A given vault keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vault?: backup.IBackupVault;
  /**
   * The one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRole?: iam.IRole;
}
