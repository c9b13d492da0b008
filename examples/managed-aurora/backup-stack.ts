import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ManagedPostgresBackupPlan, ManagedPostgresDatabase, SnapshotRestoreDrill } from '../../src/cdk';
// In an application: import { … } from 'postgres-backup-constructs/cdk';

/**
 * An Aurora PostgreSQL 16 cluster whose backups are set up by a ManagedPostgresBackupPlan: automated backups kept
 * 14 days, AWS Backup daily rule plus continuous backup (PITR), a copy to Frankfurt, a governance vault lock, alarms;
 * a weekly drill that restores the newest cluster snapshot into a scratch cluster with one instance and checks it; and a
 * weekly point-in-time drill that restores the cluster as it was 1 to 2 hours before into a scratch cluster, checks it,
 * and measures how far before that target the newest restored commit is.
 */
export class ManagedAuroraExampleStack extends Stack {
  /** The backup plan. */
  public readonly plan: ManagedPostgresBackupPlan;
  /** The weekly snapshot drill. */
  public readonly drill: SnapshotRestoreDrill;
  /** The weekly point-in-time drill of the continuous backups. */
  public readonly pointInTimeDrill: SnapshotRestoreDrill;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [`${this.region}a`, `${this.region}b`],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    const storageKey = new kms.Key(this, 'ClusterKey', {
      description: 'Encrypts the ledger cluster and its snapshots',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) }),
      readers: [rds.ClusterInstance.provisioned('reader', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) })],
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      defaultDatabaseName: 'ledger',
      port: 5433,
      storageEncryptionKey: storageKey,
      iamAuthentication: true,
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql'],
    });
    cluster.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    const managed = ManagedPostgresDatabase.fromCluster(cluster, { storageEncryptionKey: storageKey, databaseName: 'ledger' });

    this.plan = new ManagedPostgresBackupPlan(this, 'Backups', {
      database: managed,
      managedSnapshots: { preferredBackupWindow: '01:00-01:30', preferredMaintenanceWindow: 'sat:03:00-sat:04:00' },
      backupPlan: {
        rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }],
        continuousBackupRetentionDays: 14,
      },
      copies: [
        { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:ledger-copies' },
      ],
      immutability: { days: 7 },
    });

    this.drill = new SnapshotRestoreDrill(this, 'WeeklyDrill', {
      database: managed,
      vpc,
      notificationTopic: this.plan.notificationTopic,
      verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 60 },
    });

    // Restores to a time an hour (plus up to another hour, drawn each run) before the drill starts; the query reads the
    // newest commit the restored data shows, and a gap above 30 minutes fails the drill and alarms.
    this.pointInTimeDrill = new SnapshotRestoreDrill(this, 'PointInTimeDrill', {
      database: managed,
      vpc,
      notificationTopic: this.plan.notificationTopic,
      scratchIdentifierPrefix: 'ledger-pit',
      verification: { schedule: { expression: '0 7 * * 1' }, maxRestoreDurationMinutes: 90 },
      pointInTime: {
        targetLagMinutes: 60,
        randomExtraLagMinutes: 60,
        recoveryPointQuery: 'SELECT max(posted_at) FROM ledger.entries',
        maxRecoveryPointGapMinutes: 30,
      },
    });
  }
}
