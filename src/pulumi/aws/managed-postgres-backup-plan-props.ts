import * as pulumi from '@pulumi/pulumi';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { RestoreTestingArgs } from './restore-testing';
import { ManagedPostgresBackupPlanOptions } from '../../core/aws/managed-postgres-backup-plan';

/** Props of {@link ManagedPostgresBackupPlan}: core's options and the Pulumi handles. */
export interface ManagedPostgresBackupPlanProps extends ManagedPostgresBackupPlanOptions {
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
   * ARN of the key of a created vault.
   * @default - a key is created
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRoleArn?: pulumi.Input<string>;
  /**
   * ARN of the topic failed jobs, vault events and alarms go to; its policy must let EventBridge and AWS Backup publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * Days the restorable-time check's logs are kept.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Keep a created vault and its key when the stack is destroyed.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

