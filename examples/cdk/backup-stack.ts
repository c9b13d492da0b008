import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { BackupDashboard, PostgresDatabase, ScheduledPgDump, VerifyRestore } from '../../src/cdk';

/**
 * A VPC, an RDS for PostgreSQL 16 instance, a nightly pg_dump of its `shop` database into a locked-down
 * bucket, a weekly restore drill that proves the latest dump restores, alarms and a dashboard.
 */
export class PostgresBackupExampleStack extends Stack {
  /** The nightly dump. */
  public readonly dump: ScheduledPgDump;
  /** The weekly drill. */
  public readonly drill: VerifyRestore;

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

    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'shop',
      port: 5433,
      multiAz: true,
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: true,
      backupRetention: Duration.days(7),
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    database.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });

    this.dump = new ScheduledPgDump(this, 'NightlyDump', {
      vpc,
      database: PostgresDatabase.fromInstance(database),
      databaseNames: ['shop'],
      dump: { schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' }, retentionDays: 35, noOwner: true },
      objectLock: { mode: 'governance', days: 7 },
    });

    this.drill = new VerifyRestore(this, 'WeeklyDrill', {
      vpc,
      source: this.dump,
      verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 30 },
      ephemeralStorageGiB: 40,
      // The shop restores in the task while its dump fits the task's disk; once it outgrows it, the drill restores into a
      // scratch RDS instance in the isolated subnets instead of failing for want of space.
      restoreTarget: 'auto',
      scratchInstance: { maxAllocatedStorageGiB: 500 },
    });

    new BackupDashboard(this, 'Dashboard', { dump: this.dump, drills: [this.drill] });

  }
}

