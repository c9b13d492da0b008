import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  BackupDashboard, ManagedPostgresBackupPlan, ManagedPostgresDatabase, OffsiteBackupBucket, PgDumpLocation, PostgresBackupBlueprint, PostgresDatabase,
  RequirePostgresBackups, ScheduledPgDump, SelfHostedPitrArchive, SnapshotRestoreDrill, VerifyRestore,
} from '../../src/cdk';
import { BackupTier } from '../../src/core';

/**
 * Every construct, in each configuration it supports, in a user's app with cdk-nag's AwsSolutionsChecks registered the
 * way a user registers them, and no acknowledgement written here: the app's own resources (VPC, databases) are built
 * to pass the checks, so every finding would be one of ours.
 */

const ENV = { account: '123456789012', region: 'eu-west-1' };
const COPY_VAULTS = {
  region: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:postgres-copies',
  account: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:postgres-offsite',
};

/** What a user's stack holds besides our constructs: a VPC, and the databases it asks for, all passing the checks. */
class UserStack extends Stack {
  public readonly vpc: ec2.Vpc;

  constructor(app: App, id: string) {
    super(app, id, { env: ENV });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
  }

  /** An RDS for PostgreSQL 16 instance with its generated secret. */
  public instance(id = 'Database', storageEncryptionKey?: kms.IKey): rds.DatabaseInstance {
    const instance = new rds.DatabaseInstance(this, id, {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'shop',
      port: 5433,
      multiAz: true,
      storageEncrypted: true,
      storageEncryptionKey,
      iamAuthentication: true,
      deletionProtection: true,
      backupRetention: Duration.days(7),
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    instance.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    return instance;
  }

  /** An Aurora PostgreSQL 16 cluster with a writer and a reader. */
  public cluster(id = 'Aurora', storageEncryptionKey?: kms.IKey): rds.DatabaseCluster {
    const cluster = new rds.DatabaseCluster(this, id, {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer'),
      readers: [rds.ClusterInstance.provisioned('reader')],
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      port: 5433,
      storageEncrypted: true,
      storageEncryptionKey,
      iamAuthentication: true,
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql'],
      backup: { retention: Duration.days(7) },
    });
    cluster.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    return cluster;
  }

  /** A server outside CDK: its secret and security group, imported. */
  public externalServer(): { secret: secretsmanager.ISecret; securityGroup: ec2.ISecurityGroup } {
    return {
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'ServerSecret', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'ServerSecurityGroup', 'sg-0123456789abcdef0'),
    };
  }

  /** A key with rotation, as the checks want it. */
  public key(id: string): kms.Key {
    return new kms.Key(this, id, { enableKeyRotation: true });
  }
}

interface CheckedApp {
  /** `<rule> @ <construct path>` of every violation reported. */
  readonly findings: string[];
  /** Construct paths that carry an acknowledgement of an AwsSolutions finding. */
  readonly acknowledgedAt: string[];
  /** Those of them that are not a CloudFormation resource. */
  readonly acknowledgedAboveResources: string[];
}

/** Synthesizes an app with AwsSolutionsChecks registered as a user registers them; what the validation report says. */
function checkApp(build: (app: App) => IConstruct[]): CheckedApp & { ours: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-solutions-checks-'));
  try {
    const app = new App({ outdir });
    const ours = build(app).map((construct) => construct.node.path);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (error) {
      // A failed validation throws after writing the report, which the findings are read from.
      if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw error;
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((plugin: any) => (plugin.violations ?? [])
      .flatMap((violation: any) => violation.violatingConstructs.map((resource: any) => `${violation.ruleName} @ ${resource.constructPath}`)));
    const acknowledged = app.node.findAll()
      .filter((construct) => construct.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        && Object.keys(entry.data).some((id) => id.includes('AwsSolutions-'))));
    return {
      findings,
      acknowledgedAt: acknowledged.map((construct) => construct.node.path),
      acknowledgedAboveResources: acknowledged.filter((construct) => !CfnResource.isCfnResource(construct)).map((construct) => construct.node.path),
      ours,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

type Configuration = [name: string, build: (app: App) => IConstruct[]];

const configurations: Configuration[] = [
  ['ScheduledPgDump of an RDS instance with every default (runner image built from the package)', (app) => {
    const stack = new UserStack(app, 'User');
    return [new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] })];
  }],
  ['ScheduledPgDump in directory format with jobs, globals, several databases, Object Lock and a break-glass role', (app) => {
    const stack = new UserStack(app, 'User');
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    return [new ScheduledPgDump(stack, 'NightlyDump', {
      vpc: stack.vpc,
      database: PostgresDatabase.fromInstance(stack.instance()),
      databaseNames: ['shop', 'billing'],
      dump: { format: 'directory', jobs: 4, includeGlobals: true, noOwner: true, retentionDays: 35 },
      objectLock: { mode: 'compliance', days: 7 },
      breakGlassRole: breakGlass,
      ephemeralStorageGiB: 60,
    })];
  }],
  ['ScheduledPgDump with grandfather-father-son retention: a prune task whose role alone may delete, and a break-glass role', (app) => {
    const stack = new UserStack(app, 'User');
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    return [new ScheduledPgDump(stack, 'NightlyDump', {
      vpc: stack.vpc,
      database: PostgresDatabase.fromInstance(stack.instance()),
      databaseNames: ['shop', 'billing'],
      dump: { retention: { daily: 7, weekly: 4, monthly: 12, yearly: 1, minimumKept: 3 } },
      breakGlassRole: breakGlass,
    })];
  }],
  ['ScheduledPgDump of an Aurora cluster into a bucket, key and ECS cluster the user gives', (app) => {
    const stack = new UserStack(app, 'User');
    const cluster = new ecs.Cluster(stack, 'Tasks', { vpc: stack.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    return [new ScheduledPgDump(stack, 'NightlyDump', {
      vpc: stack.vpc,
      database: PostgresDatabase.fromCluster(stack.cluster()),
      bucket: s3.Bucket.fromBucketName(stack, 'Backups', 'company-postgres-backups'),
      encryptionKey: kms.Key.fromKeyArn(stack, 'BackupsKey', 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'),
      prefix: 'teams/shop/dumps',
      cluster,
    })];
  }],
  ['ScheduledPgDump of a server given by its secret (credentials only) and security group', (app) => {
    const stack = new UserStack(app, 'User');
    const server = stack.externalServer();
    return [new ScheduledPgDump(stack, 'NightlyDump', {
      vpc: stack.vpc,
      database: PostgresDatabase.fromSecret({ secret: server.secret, connections: server.securityGroup, host: 'orders.internal', port: 5432, postgresMajorVersion: 15 }),
      databaseNames: ['orders'],
    })];
  }],
  ['ScheduledPgDump with VerifyRestore (SQL checks and check files) and BackupDashboard, under RequirePostgresBackups', (app) => {
    const stack = new UserStack(app, 'User');
    Aspects.of(app).add(new RequirePostgresBackups());
    const checkFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checks-')), 'orders.sql');
    fs.writeFileSync(checkFile, 'SELECT count(*) > 0 FROM pg_catalog.pg_tables');
    const dump = new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] });
    const drill = new VerifyRestore(stack, 'WeeklyDrill', {
      vpc: stack.vpc,
      source: dump,
      verification: { checks: ["SELECT current_setting('server_version_num')::int >= 160000"], maxRestoreDurationMinutes: 30 },
      checkFiles: [checkFile],
    });
    return [dump, drill, new BackupDashboard(stack, 'Dashboard', { dump, drills: [drill] })];
  }],
  ['VerifyRestore without checks of dumps in a bucket written elsewhere', (app) => {
    const stack = new UserStack(app, 'User');
    const source = PgDumpLocation.fromBucket({
      bucket: s3.Bucket.fromBucketName(stack, 'Backups', 'company-postgres-backups'), prefix: 'pg-dumps', databaseNames: ['orders'], postgresMajorVersion: 15,
    });
    return [new VerifyRestore(stack, 'WeeklyDrill', { vpc: stack.vpc, source })];
  }],
  ['VerifyRestore of a large database into a scratch RDS instance, and one that chooses by size (auto)', (app) => {
    const stack = new UserStack(app, 'User');
    const dump = new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] });
    return [
      dump,
      new VerifyRestore(stack, 'LargeDrill', { vpc: stack.vpc, source: dump, restoreTarget: 'scratch-rds', scratchInstance: { maxAllocatedStorageGiB: 4000 } }),
      new VerifyRestore(stack, 'AutoDrill', { vpc: stack.vpc, source: dump, restoreTarget: 'auto' }),
    ];
  }],
  ['VerifyRestore in another stack than the ScheduledPgDump it checks', (app) => {
    const stack = new UserStack(app, 'User');
    const dump = new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] });
    const drills = new Stack(app, 'Drills', { env: ENV });
    return [dump, new VerifyRestore(drills, 'WeeklyDrill', { vpc: stack.vpc, source: dump })];
  }],
  ['ManagedPostgresBackupPlan of an RDS instance with every default', (app) => {
    const stack = new UserStack(app, 'User');
    return [new ManagedPostgresBackupPlan(stack, 'Backups', { database: ManagedPostgresDatabase.fromInstance(stack.instance()) })];
  }],
  ['ManagedPostgresBackupPlan of an RDS instance with restore testing into isolated subnets', (app) => {
    const stack = new UserStack(app, 'User');
    return [new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromInstance(stack.instance()),
      restoreTesting: { recoveryPoint: 'random', dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
    })];
  }],
  ['ManagedPostgresBackupPlan of an RDS instance copying every recovery point into a logically air-gapped vault', (app) => {
    const stack = new UserStack(app, 'User');
    return [new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromInstance(stack.instance()),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }], continuousBackupRetentionDays: 14 },
      airGappedCopy: { retentionDays: 90 },
    })];
  }],
  ['ManagedPostgresBackupPlan of an RDS instance with restore testing validated by pg-backup check, writing its drill results', (app) => {
    const stack = new UserStack(app, 'User');
    const results = new s3.Bucket(stack, 'DrillResults', {
      encryption: s3.BucketEncryption.KMS,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsPrefix: 'access-logs/',
    });
    return [new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromInstance(stack.instance()),
      restoreTesting: {
        dbSubnetGroupName: 'isolated',
        validation: { vpc: stack.vpc, rowCounts: [{ table: 'public.orders', min: 1 }], checks: ['SELECT true'], drillResults: { bucket: results, prefix: 'pg-dumps' } },
      },
    })];
  }],
  ['ManagedPostgresBackupPlan of an Aurora cluster: rules, continuous backup, region and account copies, vault lock, admin role', (app) => {
    const stack = new UserStack(app, 'User');
    const key = stack.key('DatabaseKey');
    const admin = new iam.Role(stack, 'BackupAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    return [new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromCluster(stack.cluster('Aurora', key), { storageEncryptionKey: key }),
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
      immutability: { mode: 'compliance', days: 7 },
      adminRole: admin,
    })];
  }],
  ['SnapshotRestoreDrill of an RDS instance with SQL checks and row counts', (app) => {
    const stack = new UserStack(app, 'User');
    const database = ManagedPostgresDatabase.fromInstance(stack.instance(), { databaseName: 'shop' });
    return [
      new ManagedPostgresBackupPlan(stack, 'Backups', { database }),
      new SnapshotRestoreDrill(stack, 'WeeklyDrill', {
        database,
        vpc: stack.vpc,
        verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 45 },
        rowCounts: [{ table: 'public.orders', min: 1 }],
      }),
    ];
  }],
  ['SnapshotRestoreDrill of AWS Backup recovery points of an Aurora cluster encrypted with a customer managed key', (app) => {
    const stack = new UserStack(app, 'User');
    const key = stack.key('DatabaseKey');
    const database = ManagedPostgresDatabase.fromCluster(stack.cluster('Aurora', key), { storageEncryptionKey: key });
    return [
      new ManagedPostgresBackupPlan(stack, 'Backups', { database }),
      new SnapshotRestoreDrill(stack, 'WeeklyDrill', { database, vpc: stack.vpc, snapshotType: 'awsbackup', scratchIdentifierPrefix: 'shop-drill' }),
    ];
  }],
  ['SnapshotRestoreDrill with pointInTime of an Aurora cluster encrypted with a customer managed key, its recovery point bounded', (app) => {
    const stack = new UserStack(app, 'User');
    const key = stack.key('DatabaseKey');
    const database = ManagedPostgresDatabase.fromCluster(stack.cluster('Aurora', key), { storageEncryptionKey: key });
    return [
      new ManagedPostgresBackupPlan(stack, 'Backups', { database }),
      new SnapshotRestoreDrill(stack, 'PointInTimeDrill', {
        database,
        vpc: stack.vpc,
        rowCounts: [{ table: 'public.orders', min: 1 }],
        pointInTime: { targetLagMinutes: 60, randomExtraLagMinutes: 60, recoveryPointQuery: 'SELECT max(placed_at) FROM orders', maxRecoveryPointGapMinutes: 30 },
        drillResults: PgDumpLocation.fromBucket({
          bucket: s3.Bucket.fromBucketName(stack, 'Dumps', 'shop-dumps'), prefix: 'pg-dumps', databaseNames: ['postgres'], postgresMajorVersion: 16,
        }),
      }),
    ];
  }],
  ['SelfHostedPitrArchive with pgBackRest, an instance role and a PITR drill with checks', (app) => {
    const stack = new UserStack(app, 'User');
    return [new SelfHostedPitrArchive(stack, 'OrdersArchive', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      pitr: { windowDays: 14, archiveTimeoutSeconds: 60, retainFull: 3 },
      createInstanceRole: true,
      drill: { vpc: stack.vpc, verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'] } },
    })];
  }],
  ['SelfHostedPitrArchive with pgBackRest encrypting its repository with a pass from a secret, and a PITR drill', (app) => {
    const stack = new UserStack(app, 'User');
    const pass = secretsmanager.Secret.fromSecretCompleteArn(stack, 'CipherPass', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cipher-AbCdEf');
    return [new SelfHostedPitrArchive(stack, 'OrdersArchive', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      createInstanceRole: true,
      drill: { vpc: stack.vpc },
      encryption: { secret: pass },
    })];
  }],
  ['SelfHostedPitrArchive with WAL-G encrypting with a libsodium key from a secret', (app) => {
    const stack = new UserStack(app, 'User');
    const key = secretsmanager.Secret.fromSecretCompleteArn(stack, 'LibsodiumKey', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-key-AbCdEf');
    return [new SelfHostedPitrArchive(stack, 'OrdersArchive', {
      clusterName: 'orders', postgresMajorVersion: 15, pitr: { archiver: 'wal-g' }, createInstanceRole: true, encryption: { secret: key, keyEncoding: 'base64' },
    })];
  }],
  ['SelfHostedPitrArchive with WAL-G under a prefix, Object Lock and lifecycle expiry', (app) => {
    const stack = new UserStack(app, 'User');
    return [new SelfHostedPitrArchive(stack, 'OrdersArchive', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      prefix: 'postgres/orders',
      pitr: { archiver: 'wal-g', expireBy: 'lifecycle' },
      immutability: { mode: 'governance', days: 7 },
      createInstanceRole: true,
    })];
  }],
  ['ScheduledPgDump and SelfHostedPitrArchive, each replicated to a bucket in another region or account', (app) => {
    const stack = new UserStack(app, 'User');
    const replicaKmsKeyArn = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    return [
      new ScheduledPgDump(stack, 'NightlyDump', {
        vpc: stack.vpc,
        database: PostgresDatabase.fromInstance(stack.instance()),
        databaseNames: ['shop'],
        replication: { destinationBucketArn: 'arn:aws:s3:::shop-dumps-offsite', replicaKmsKeyArn },
      }),
      new SelfHostedPitrArchive(stack, 'OrdersArchive', {
        clusterName: 'orders',
        postgresMajorVersion: 15,
        replication: { destinationBucketArn: 'arn:aws:s3:::orders-wal-offsite', replicaKmsKeyArn, destinationAccount: '210987654321' },
      }),
    ];
  }],
  ['OffsiteBackupBucket with Object Lock in another region, and the dump and WAL buckets replicated into it by one line each', (app) => {
    const offsiteStack = new Stack(app, 'Offsite', { env: { account: ENV.account, region: 'eu-central-1' } });
    const offsite = new OffsiteBackupBucket(offsiteStack, 'Offsite', {
      bucketName: 'acme-pg-backups-offsite-eu-central-1',
      replicationRoleNames: ['shop-dumps-replication', 'orders-wal-replication'],
      objectLock: { mode: 'compliance', days: 30 },
      expirationDays: 400,
    });
    const stack = new UserStack(app, 'User');
    return [
      offsite,
      new ScheduledPgDump(stack, 'NightlyDump', {
        vpc: stack.vpc,
        database: PostgresDatabase.fromInstance(stack.instance()),
        databaseNames: ['shop'],
        objectLock: { mode: 'governance', days: 14 },
        replication: offsite.replicationFor('shop-dumps-replication'),
      }),
      new SelfHostedPitrArchive(stack, 'OrdersArchive', {
        clusterName: 'orders', postgresMajorVersion: 15, replication: offsite.replicationFor('orders-wal-replication'),
      }),
    ];
  }],
  ['SelfHostedPitrArchive with barman-cloud and no instance role', (app) => {
    const stack = new UserStack(app, 'User');
    return [new SelfHostedPitrArchive(stack, 'OrdersArchive', { clusterName: 'orders', postgresMajorVersion: 15, pitr: { archiver: 'barman-cloud' } })];
  }],
  ['PostgresBackupBlueprint of the GOLD tier over an instance, a cluster and a server given by its secret, with a break-glass role and restore testing', (app) => {
    const stack = new UserStack(app, 'User');
    const server = stack.externalServer();
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    const key = stack.key('DatabaseKey');
    return [new PostgresBackupBlueprint(stack, 'Fleet', {
      vpc: stack.vpc,
      tier: BackupTier.GOLD,
      tierOptions: { copyRegion: 'eu-central-1', copyAccount: '210987654321' },
      breakGlassRole: breakGlass,
      restoreTesting: { recoveryPoint: 'random', dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
      databases: [
        {
          id: 'shop',
          database: stack.instance('Database', key),
          databaseNames: ['shop', 'billing'],
          overrides: {
            copies: [
              { destination: 'region', region: 'eu-central-1', retentionDays: 14, vaultArn: COPY_VAULTS.region },
              { destination: 'account', account: '210987654321', retentionDays: 14, vaultArn: COPY_VAULTS.account },
            ],
            verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'] },
          },
        },
        { id: 'analytics', database: stack.cluster(), databaseNames: ['events'], tier: BackupTier.BRONZE },
        {
          id: 'orders',
          database: PostgresDatabase.fromSecret({ secret: server.secret, connections: server.securityGroup, postgresMajorVersion: 15 }),
          databaseNames: ['orders'],
          tier: BackupTier.BRONZE,
        },
      ],
    })];
  }],
  ['PostgresBackupBlueprint with age-encrypted dumps, grandfather-father-son retention and replication of its bucket', (app) => {
    const stack = new UserStack(app, 'User');
    return [new PostgresBackupBlueprint(stack, 'Fleet', {
      vpc: stack.vpc,
      tier: BackupTier.BRONZE,
      databases: [{ id: 'shop', database: stack.instance(), databaseNames: ['shop'] }],
      encryption: {
        recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
        identitySecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'AgeIdentity', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-age-identity-AbCdEf'),
      },
      retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
      replication: {
        destinationBucketArn: 'arn:aws:s3:::shop-fleet-offsite',
        replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    })];
  }],
  ['PostgresBackupBlueprint of the BRONZE tier with every default', (app) => {
    const stack = new UserStack(app, 'User');
    return [new PostgresBackupBlueprint(stack, 'Fleet', {
      vpc: stack.vpc, tier: BackupTier.BRONZE, databases: [{ id: 'shop', database: stack.instance(), databaseNames: ['shop'] }],
    })];
  }],
];

describe('AwsSolutions checks in a user\'s app', () => {
  test.each(configurations)('%s: no finding, and every acknowledgement is on a resource of our constructs', (_name, build) => {
    const { findings, acknowledgedAt, acknowledgedAboveResources, ours } = checkApp(build);
    expect(findings).toEqual([]);
    expect(acknowledgedAt.filter((at) => !ours.some((own) => at.startsWith(`${own}/`)))).toEqual([]);
    expect(acknowledgedAboveResources).toEqual([]);
  });

  test('each acknowledgement is listed with its reason in the cloud assembly, on the resource it is for', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-solutions-checks-'));
    try {
      const app = new App({ outdir });
      const stack = new UserStack(app, 'User');
      const dump = new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      app.synth();
      const bucket = stack.getLogicalId(dump.bucket.node.defaultChild as CfnResource);
      const metadata: Record<string, Array<{ type: string; data: Record<string, string> }>> = JSON.parse(fs.readFileSync(path.join(outdir, 'User.metadata.json'), 'utf8'));
      const acknowledged = (constructPath: string) => (metadata[constructPath] ?? [])
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .map((entry) => entry.data);
      expect(acknowledged('/User/NightlyDump/DeadLetterQueue/Resource')).toEqual([{ 'AwsSolutions-SQS3': expect.stringMatching(/dead-letter queue of EventBridge Scheduler/) }]);
      expect(acknowledged('/User/NightlyDump/Task/TaskRole/DefaultPolicy/Resource')).toEqual([{
        [`AwsSolutions-IAM5[Resource::<${bucket}.Arn>/pg-dumps/*]`]: expect.stringMatching(/every backup has a new key/),
      }]);
      expect(acknowledged('/User/NightlyDump/Task/ExecutionRole/DefaultPolicy/Resource')).toEqual([{ 'AwsSolutions-IAM5[Resource::*]': expect.stringMatching(/ecr:GetAuthorizationToken/) }]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('the checks still report', () => {
  test('a deliberately bad queue and role of the app\'s own next to our constructs, and nothing of ours', () => {
    const { findings } = checkApp((app) => {
      const stack = new UserStack(app, 'User');
      new sqs.Queue(stack, 'UnreviewedQueue');
      const role = new iam.Role(stack, 'UnreviewedRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::some-bucket/*'] }));
      return [new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] })];
    });
    expect(findings).toEqual(expect.arrayContaining([
      'AwsSolutions-SQS3 @ User/UnreviewedQueue/Resource',
      'AwsSolutions-SQS4 @ User/UnreviewedQueue/Resource',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::some-bucket/*] @ User/UnreviewedRole/DefaultPolicy/Resource',
    ]));
    expect(findings.filter((finding) => finding.includes('NightlyDump'))).toEqual([]);
  });

  test('server access logs the app turns off, which is its own decision', () => {
    const { findings } = checkApp((app) => {
      const stack = new UserStack(app, 'User');
      return [new ScheduledPgDump(stack, 'NightlyDump', {
        vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'], serverAccessLogs: false,
      })];
    });
    expect(findings).toEqual(['AwsSolutions-S1 @ User/NightlyDump/Backups/Bucket/Resource']);
  });

  test('a wildcard the app adds to one of our roles, though our own wildcards on that role stay acknowledged', () => {
    const { findings } = checkApp((app) => {
      const stack = new UserStack(app, 'User');
      const dump = new ScheduledPgDump(stack, 'NightlyDump', { vpc: stack.vpc, database: PostgresDatabase.fromInstance(stack.instance()), databaseNames: ['shop'] });
      dump.taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [dump.bucket.arnForObjects('pg-dumps/*')] }));
      return [dump];
    });
    expect(findings).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<NightlyDumpBackupsBucket[0-9A-F]+\.Arn>\/pg-dumps\/\*\] @ User\/NightlyDump\/Task\/TaskRole\/DefaultPolicy\/Resource$/),
    ]);
  });
});
