import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
// In an application: import { … } from 'postgres-backup-constructs/pulumi/aws';
import {
  ManagedPostgresBackupPlan, ManagedPostgresDatabase, PostgresDatabase, ScheduledPgDump, VerifyRestore, managedSnapshotArgs,
} from '../../src/pulumi/aws';

/** What the example exports. */
export interface PostgresBackupExample {
  readonly databaseIdentifier: pulumi.Output<string>;
  readonly dumpLocation: pulumi.Output<string>;
  readonly drillStateMachineArn: pulumi.Output<string>;
  readonly backupVaultName: pulumi.Output<string>;
  readonly notificationTopicArn: pulumi.Output<string>;
}

/**
 * An RDS for PostgreSQL 16 instance protected three ways: its own automated backups (14 days, a window clear of the
 * maintenance window, tags copied, a final snapshot), an AWS Backup plan (daily kept 35 days, monthly kept a year, 14
 * days of point-in-time recovery) in a locked vault, and a nightly pg_dump of `shop` into a locked-down bucket, encrypted
 * with age (only the drill reads the identity), pruned by grandfather-father-son retention and replicated to a bucket
 * in another region, with a weekly restore drill. Everything pages one topic.
 */
export function definePostgresBackups(): PostgresBackupExample {
  const config = new pulumi.Config();
  const vpcId = config.get('vpcId') ?? 'vpc-0example';
  const subnetIds = (config.get('privateSubnetIds') ?? 'subnet-0examplea,subnet-0exampleb').split(',');
  const image = config.get('runnerImage') ?? '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
  const snapshots = { backupRetentionDays: 14, preferredBackupWindow: '01:00-02:00', preferredMaintenanceWindow: 'sun:04:00-sun:05:00' };

  const instance = new rds.Instance('shop', {
    identifier: 'shop-db',
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 50,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'shop_admin',
    dbSubnetGroupName: config.get('dbSubnetGroupName') ?? 'shop-db-subnets',
    // The component checks these; in Pulumi they are the instance's own arguments.
    ...managedSnapshotArgs(snapshots, { finalSnapshotIdentifier: 'shop-db-final' }),
  });

  const plan = new ManagedPostgresBackupPlan('shop', {
    database: ManagedPostgresDatabase.fromInstance(instance, { storageEncryption: 'aws-managed-key' }),
    managedSnapshots: snapshots,
    backupPlan: {
      rules: [
        { name: 'daily', frequency: 'daily', retentionDays: 35 },
        { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
      ],
      continuousBackupRetentionDays: 14,
    },
    immutability: { mode: 'governance', days: 14 },
  });

  const dump = new ScheduledPgDump('shop', {
    vpcId,
    subnetIds,
    database: PostgresDatabase.fromInstance(instance, { postgresMajorVersion: 16 }),
    image,
    databaseNames: ['shop'],
    dump: {
      schedule: { expression: '30 2 * * *' },
      includeGlobals: true,
      // A prune task, whose role alone may delete, keeps 7 daily, 4 weekly and 12 monthly dumps and never fewer than 3;
      // the bucket's lifecycle is only a safety net far beyond the longest class.
      retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
    },
    encryption: {
      // The public key of the team's age identity (age-keygen); the identity itself is only in the secret the drill reads.
      recipients: [config.get('ageRecipient') ?? 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
      identitySecretArn: config.get('ageIdentitySecretArn') ?? 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/age-identity-AbCdEf',
    },
    // Every dump is replicated to a bucket in another region (versioned, encrypted with the replica key there), with
    // alarms on failed and late replication; delete markers are not replicated.
    replication: {
      destinationBucketArn: config.get('offsiteBucketArn') ?? 'arn:aws:s3:::shop-pg-dumps-offsite-123456789012-eu-central-1',
      replicaKmsKeyArn: config.get('offsiteKeyArn') ?? 'arn:aws:kms:eu-central-1:123456789012:alias/shop-pg-dumps-offsite',
    },
    notificationTopicArn: plan.notificationTopicArn,
  });

  const drill = new VerifyRestore('shop-drill', {
    source: dump,
    vpcId,
    subnetIds,
    image,
    verification: { checks: ['select count(*) > 0 from orders'], maxRestoreDurationMinutes: 60 },
  });

  return {
    databaseIdentifier: instance.identifier,
    dumpLocation: dump.dumpLocation,
    drillStateMachineArn: drill.stateMachine.arn,
    backupVaultName: plan.vaultName,
    notificationTopicArn: plan.notificationTopicArn,
  };
}
