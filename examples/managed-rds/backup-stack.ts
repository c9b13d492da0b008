import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ManagedPostgresBackupPlan, ManagedPostgresDatabase, SnapshotRestoreDrill } from '../../src/cdk';
// In an application: import { … } from 'postgres-backup-constructs/cdk';

/**
 * An RDS for PostgreSQL 16 instance whose backups are set up by a ManagedPostgresBackupPlan: automated backups kept
 * 14 days, AWS Backup daily, weekly and monthly rules plus continuous backup (PITR), copies to Frankfurt and to an
 * offsite account, a governance vault lock, alarms; AWS Backup restore testing of a random recovery point, validated by
 * pg-backup check; and a weekly drill that restores the newest snapshot and checks it.
 */
export class ManagedRdsExampleStack extends Stack {
  /** The backup plan. */
  public readonly plan: ManagedPostgresBackupPlan;
  /** The weekly snapshot drill. */
  public readonly drill: SnapshotRestoreDrill;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      // Named zones: synthesis needs no lookup in the account.
      availabilityZones: [`${this.region}a`, `${this.region}b`],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    // A customer managed key: snapshots encrypted with the AWS managed aws/rds key cannot be copied to another account.
    const storageKey = new kms.Key(this, 'DatabaseKey', {
      description: 'Encrypts the shop database and its snapshots',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'shop',
      port: 5433,
      multiAz: true,
      storageEncryptionKey: storageKey,
      iamAuthentication: true,
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    database.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    const managed = ManagedPostgresDatabase.fromInstance(database, { storageEncryptionKey: storageKey, databaseName: 'shop' });
    const restoreTestSubnets = new rds.SubnetGroup(this, 'RestoreTestSubnets', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'Isolated subnets the AWS Backup restore tests restore the shop database into',
    });

    this.plan = new ManagedPostgresBackupPlan(this, 'Backups', {
      database: managed,
      managedSnapshots: { backupRetentionDays: 14, preferredBackupWindow: '02:00-02:30', preferredMaintenanceWindow: 'sun:04:00-sun:05:00' },
      backupPlan: {
        rules: [
          { name: 'daily', frequency: 'daily', retentionDays: 35 },
          { name: 'weekly', frequency: 'weekly', retentionDays: 90 },
          { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
        ],
        continuousBackupRetentionDays: 14,
      },
      copies: [
        { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:shop-copies' },
        { destination: 'account', account: '210987654321', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:shop-offsite' },
      ],
      immutability: { mode: 'governance', days: 7 },
      // AWS Backup's own restore testing: every Monday a random recovery point of the last two weeks is restored into
      // the isolated subnets, checked with pg-backup check (the result reported to AWS Backup) and deleted after 2 hours.
      restoreTesting: {
        recoveryPoint: 'random',
        selectionWindowDays: 14,
        validationWindowHours: 2,
        dbSubnetGroupName: restoreTestSubnets.subnetGroupName,
        validation: {
          vpc,
          checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables', "SELECT current_setting('server_version_num')::int >= 160000"],
          checksTimeoutMinutes: 60,
        },
      },
    });

    this.drill = new SnapshotRestoreDrill(this, 'WeeklyDrill', {
      database: managed,
      vpc,
      notificationTopic: this.plan.notificationTopic,
      verification: {
        checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables', "SELECT current_setting('server_version_num')::int >= 160000"],
        maxRestoreDurationMinutes: 45,
      },
    });

  }
}
