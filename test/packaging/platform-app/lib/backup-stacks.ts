import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { existingVpc, platformCluster, platformInstance, platformKey, platformVpc } from './platform-network';
import {
  BackupBucket, BackupDashboard, BackupNotifications, ManagedPostgresBackupPlan, ManagedPostgresDatabase, OffsiteBackupBucket, PgDumpLocation,
  PostgresBackupBlueprint, PostgresBackupVault, PostgresDatabase, ScheduledPgDump, SelfHostedPitrArchive, SnapshotRestoreDrill, VerifyRestore,
} from '../../../../src/cdk';
import { BackupTier } from '../../../../src/core';

/** The platform's home account and region. */
export const HOME = { account: '123456789012', region: 'eu-west-1' };
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const COPY_VAULTS = {
  region: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:postgres-copies',
  account: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:postgres-offsite',
};

/** Every backup construct with only the props it requires, over a VPC, an instance and a cluster the stack defines. */
export class RequiredPropsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = platformVpc(this);
    const instance = platformInstance(this, 'Orders', vpc);
    const cluster = platformCluster(this, 'Analytics', vpc);
    const dump = new ScheduledPgDump(this, 'Dump', { vpc, database: PostgresDatabase.fromInstance(instance) });
    const verify = new VerifyRestore(this, 'Verify', { vpc, source: dump });
    const managed = ManagedPostgresDatabase.fromCluster(cluster);
    new ManagedPostgresBackupPlan(this, 'Plan', { database: managed });
    const drill = new SnapshotRestoreDrill(this, 'SnapshotDrill', { database: managed, vpc });
    new SelfHostedPitrArchive(this, 'Archive', { postgresMajorVersion: 16 });
    new PostgresBackupBlueprint(this, 'Fleet', { vpc, tier: BackupTier.BRONZE, databases: [{ id: 'orders', database: instance }] });
    new BackupDashboard(this, 'Dashboard', { dump, drills: [verify, drill] });
    // An offsite bucket is named by physical ARNs in its sources' stacks, so it needs a stack with an account and region.
    if (!cdk.Token.isUnresolved(this.region)) {
      new OffsiteBackupBucket(this, 'Offsite', { bucketName: `platform-offsite-${this.node.addr.slice(0, 8)}`, replicationRoleNames: ['platform-replication'] });
    }
    new BackupBucket(this, 'Exports', { prefix: 'exports' });
    new BackupNotifications(this, 'Notifications');
    new PostgresBackupVault(this, 'Vault');
  }
}

/** Every backup construct with every option it has: encryption, replication, GFS retention, drills of every kind, offsite copies. */
export class AllOptionsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: cdk.StackProps & { readonly offsite: OffsiteBackupBucket }) {
    super(scope, id, props);
    const vpc = platformVpc(this);
    const key = platformKey(this, 'DatabaseKey');
    const instance = platformInstance(this, 'Orders', vpc, key);
    const cluster = platformCluster(this, 'Analytics', vpc, key);
    const breakGlass = new iam.Role(this, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    const ageIdentity = secretsmanager.Secret.fromSecretCompleteArn(this, 'AgeIdentity', `arn:aws:secretsmanager:${HOME.region}:${HOME.account}:secret:age-identity-AbCdEf`);
    const notifications = new BackupNotifications(this, 'Notifications');
    const checkFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-checks-')), 'orders.sql');
    fs.writeFileSync(checkFile, 'SELECT count(*) > 0 FROM pg_catalog.pg_tables');

    const dump = new ScheduledPgDump(this, 'Dump', {
      vpc,
      database: PostgresDatabase.fromInstance(instance),
      databaseNames: ['shop', 'billing'],
      dump: {
        schedule: { expression: '30 1 * * *', timezone: 'Europe/Berlin' },
        format: 'directory',
        jobs: 4,
        compression: 'zstd:6',
        includeGlobals: true,
        noOwner: true,
        excludeTables: ['public.audit_log'],
        retentionDays: 800,
        retention: { daily: 7, weekly: 4, monthly: 12, yearly: 1, minimumKept: 3 },
        lockWaitTimeoutSeconds: 30,
        rowCounts: 'exact',
      },
      rpoHours: 26,
      objectLock: { mode: 'governance', days: 7 },
      cpu: 1024,
      memoryLimitMiB: 4096,
      ephemeralStorageGiB: 60,
      metricNamespace: 'Platform/Backups',
      retryAttempts: 2,
      encryption: { recipients: [AGE_RECIPIENT], identitySecret: ageIdentity },
      replication: props.offsite.replicationFor('shop-dumps-replication'),
      breakGlassRole: breakGlass,
      notificationTopic: notifications.topic,
      maxEventAge: cdk.Duration.hours(2),
    });
    const verify = new VerifyRestore(this, 'Verify', {
      vpc,
      source: dump,
      databaseName: 'shop',
      verification: { schedule: { expression: '0 6 * * *' }, checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 90 },
      checkFiles: [checkFile],
      restoreTarget: 'scratch-rds',
      scratchInstance: { maxAllocatedStorageGiB: 2000, storageHeadroomPercent: 150 },
      maxDrillAgeDays: 2,
      notificationTopic: notifications.topic,
    });
    const admin = new iam.Role(this, 'BackupAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    const drillResults = new s3.Bucket(this, 'DrillResults', {
      encryption: s3.BucketEncryption.KMS,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsPrefix: 'access-logs/',
    });
    const managed = ManagedPostgresDatabase.fromCluster(cluster, { storageEncryptionKey: key, databaseName: 'events' });
    new ManagedPostgresBackupPlan(this, 'Plan', {
      database: managed,
      managedSnapshots: { backupRetentionDays: 14, preferredBackupWindow: '02:00-02:30' },
      backupPlan: {
        rules: [
          { name: 'daily', frequency: 'daily', retentionDays: 35 },
          { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
        ],
        continuousBackupRetentionDays: 14,
      },
      copies: [
        { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULTS.region },
        { destination: 'account', account: '210987654321', retentionDays: 35, vaultArn: COPY_VAULTS.account },
      ],
      airGappedCopy: { retentionDays: 90 },
      immutability: { mode: 'governance', days: 7 },
      adminRole: admin,
      notificationTopic: notifications.topic,
      restoreTesting: {
        recoveryPoint: 'random',
        dbSubnetGroupName: 'isolated',
        validation: { vpc, rowCounts: [{ table: 'public.events', min: 1 }], checks: ['SELECT true'], drillResults: { bucket: drillResults, prefix: 'drills' } },
      },
    });
    const snapshotDrill = new SnapshotRestoreDrill(this, 'SnapshotDrill', {
      database: managed,
      vpc,
      snapshotType: 'awsbackup',
      scratchIdentifierPrefix: 'events-drill',
      verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 45 },
      rowCounts: [{ table: 'public.events', min: 1 }],
      notificationTopic: notifications.topic,
    });
    const pointInTimeDrill = new SnapshotRestoreDrill(this, 'PointInTimeDrill', {
      database: managed,
      vpc,
      rowCounts: [{ table: 'public.events', min: 1 }],
      pointInTime: { targetLagMinutes: 60, randomExtraLagMinutes: 60, recoveryPointQuery: 'SELECT max(created_at) FROM events', maxRecoveryPointGapMinutes: 30 },
      drillResults: dump,
    });
    new SelfHostedPitrArchive(this, 'Archive', {
      clusterName: 'ledger',
      postgresMajorVersion: 15,
      prefix: 'postgres/ledger',
      pitr: { windowDays: 14, archiveTimeoutSeconds: 60, retainFull: 3, expireBy: 'lifecycle' },
      immutability: { mode: 'governance', days: 7 },
      createInstanceRole: true,
      drill: { vpc, verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'] } },
      encryption: { secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'CipherPass', `arn:aws:secretsmanager:${HOME.region}:${HOME.account}:secret:ledger-cipher-AbCdEf`) },
      replication: props.offsite.replicationFor('ledger-wal-replication'),
      notificationTopic: notifications.topic,
    });
    new PostgresBackupBlueprint(this, 'Fleet', {
      vpc,
      tier: BackupTier.GOLD,
      tierOptions: { copyRegion: 'eu-central-1', copyAccount: '210987654321', copyRegionVaultArn: COPY_VAULTS.region, copyAccountVaultArn: COPY_VAULTS.account },
      breakGlassRole: breakGlass,
      notificationTopic: notifications.topic,
      encryption: { recipients: [AGE_RECIPIENT], identitySecret: ageIdentity },
      retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
      restoreTesting: { recoveryPoint: 'latest', dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
      databases: [
        { id: 'orders', database: instance, databaseNames: ['shop', 'billing'], overrides: { verification: { checks: ['SELECT true'] } } },
        { id: 'analytics', database: cluster, databaseNames: ['events'], tier: BackupTier.BRONZE },
      ],
    });
    new BackupDashboard(this, 'Dashboard', { dump, drills: [verify, snapshotDrill, pointInTimeDrill] });
  }
}

/** The backup constructs over what the app did not create: an existing VPC, database, secret, bucket and key. */
export class ImportedResourcesStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = existingVpc(this);
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'BillingSg', 'sg-0123456789abcdef0');
    const billing = rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Billing', {
      instanceIdentifier: 'billing',
      instanceEndpointAddress: 'billing.abc123.eu-west-1.rds.amazonaws.com',
      port: 5432,
      securityGroups: [securityGroup],
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'BillingSecret', `arn:aws:secretsmanager:${HOME.region}:${HOME.account}:secret:billing-AbCdEf`);
    const bucket = s3.Bucket.fromBucketName(this, 'CompanyBackups', 'company-postgres-backups');
    const key = kms.Key.fromKeyArn(this, 'CompanyBackupsKey', `arn:aws:kms:${HOME.region}:${HOME.account}:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`);
    const dump = new ScheduledPgDump(this, 'Dump', {
      vpc,
      database: PostgresDatabase.fromInstance(billing, { secret }),
      databaseNames: ['billing'],
      bucket,
      encryptionKey: key,
      prefix: 'teams/billing/dumps',
    });
    new VerifyRestore(this, 'Verify', { vpc, source: dump });
    new VerifyRestore(this, 'VerifyElsewhere', {
      vpc,
      source: PgDumpLocation.fromBucket({ bucket, prefix: 'teams/ledger/dumps', databaseNames: ['ledger'], postgresMajorVersion: 15 }),
    });
    const managed = ManagedPostgresDatabase.fromInstance(billing, { databaseName: 'billing', secret });
    new ManagedPostgresBackupPlan(this, 'Plan', { database: managed, encryptionKey: key });
    new SnapshotRestoreDrill(this, 'SnapshotDrill', { database: managed, vpc, postgresMajorVersion: 16 });
    new SelfHostedPitrArchive(this, 'Archive', { clusterName: 'billing-ledger', postgresMajorVersion: 15, encryptionKey: key, drill: { vpc } });
    new PostgresBackupBlueprint(this, 'Fleet', {
      vpc,
      tier: BackupTier.BRONZE,
      databases: [{
        id: 'billing', database: PostgresDatabase.fromSecret({ secret, connections: securityGroup, postgresMajorVersion: 16 }), databaseNames: ['billing'],
      }],
    });
  }
}

/** Two of each construct side by side in one stack, as a team protecting two databases writes it. */
export class TwoOfEachStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = platformVpc(this);
    for (const name of ['Orders', 'Billing']) {
      const instance = platformInstance(this, `${name}Db`, vpc);
      const dump = new ScheduledPgDump(this, `${name}Dump`, { vpc, database: PostgresDatabase.fromInstance(instance), databaseNames: ['shop'] });
      const verify = new VerifyRestore(this, `${name}Verify`, { vpc, source: dump });
      const managed = ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'shop' });
      new ManagedPostgresBackupPlan(this, `${name}Plan`, {
        database: managed,
        airGappedCopy: { retentionDays: 90 },
        restoreTesting: { dbSubnetGroupName: 'isolated' },
        immutability: { days: 7 },
      });
      const drill = new SnapshotRestoreDrill(this, `${name}SnapshotDrill`, { database: managed, vpc });
      new SnapshotRestoreDrill(this, `${name}PointInTimeDrill`, { database: managed, vpc, pointInTime: { targetLagMinutes: 30 } });
      new SelfHostedPitrArchive(this, `${name}Archive`, { clusterName: name.toLowerCase(), postgresMajorVersion: 15, createInstanceRole: true, drill: { vpc } });
      new PostgresBackupBlueprint(this, `${name}Fleet`, {
        vpc, tier: BackupTier.BRONZE, databases: [{ id: name.toLowerCase(), database: instance }], restoreTesting: { dbSubnetGroupName: 'isolated' },
      });
      new BackupDashboard(this, `${name}Dashboard`, { dump, drills: [verify, drill] });
    }
  }
}

/** An offsite bucket in another region of the same account, which the home stacks replicate into. */
export class OffsiteStack extends cdk.Stack {
  public readonly offsite: OffsiteBackupBucket;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.offsite = new OffsiteBackupBucket(this, 'Offsite', {
      bucketName: 'platform-pg-backups-offsite-eu-central-1',
      replicationRoleNames: ['shop-dumps-replication', 'ledger-wal-replication'],
      objectLock: { mode: 'compliance', days: 7 },
      expirationDays: 900,
    });
  }
}

/** A platform team's network and databases in a stack of their own, which other stacks of the app back up. */
export class DataStack extends cdk.Stack {
  public readonly vpc: ec2.Vpc;
  public readonly instance: rds.DatabaseInstance;
  public readonly cluster: rds.DatabaseCluster;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.vpc = platformVpc(this);
    this.instance = platformInstance(this, 'Orders', this.vpc);
    this.cluster = platformCluster(this, 'Analytics', this.vpc);
  }
}

/**
 * Every construct backing up the databases of a {@link DataStack}, in another stack of the same account and region
 * (whose names must not meet those of the app's other backup stacks there).
 */
export class CrossStackBackupsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: cdk.StackProps & { readonly data: DataStack }) {
    super(scope, id, props);
    const { vpc, instance, cluster } = props.data;
    const dump = new ScheduledPgDump(this, 'Dump', { vpc, database: PostgresDatabase.fromInstance(instance) });
    const verify = new VerifyRestore(this, 'Verify', { vpc, source: dump, restoreTarget: 'scratch-rds' });
    const managed = ManagedPostgresDatabase.fromCluster(cluster);
    new ManagedPostgresBackupPlan(this, 'Plan', {
      database: managed, restoreTesting: { dbSubnetGroupName: 'isolated', validation: { vpc, checks: ['SELECT true'] } },
    });
    const drill = new SnapshotRestoreDrill(this, 'SnapshotDrill', { database: managed, vpc });
    new SelfHostedPitrArchive(this, 'Archive', { clusterName: 'data-ledger', postgresMajorVersion: 16, createInstanceRole: true, drill: { vpc } });
    new PostgresBackupBlueprint(this, 'Fleet', { vpc, tier: BackupTier.BRONZE, databases: [{ id: 'orders', database: instance }, { id: 'analytics', database: cluster }] });
    new BackupDashboard(this, 'Dashboard', { dump, drills: [verify, drill] });
  }
}
