import { RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { RestoreTestingProps } from './restore-testing';
import { ManagedPostgresBackupPlanOptions } from '../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the CDK handles. */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions {
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
   * Key of a created vault.
   * @default - a key is created
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRole?: iam.IRole;
  /**
   * The topic failed jobs, vault events and alarms go to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How long the restorable-time check's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to a created vault and its key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

