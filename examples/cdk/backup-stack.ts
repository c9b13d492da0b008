import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DUMP_REPLICATION_ROLE_NAME } from './offsite-stack';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { BackupDashboard, OffsiteBackupBucket, PostgresDatabase, ScheduledPgDump, VerifyRestore } from '../../src/cdk';

/** Props of {@link PostgresBackupExampleStack}. */
export interface PostgresBackupExampleStackProps extends StackProps {
  /** The offsite bucket (in its own stack and region) every dump is replicated into. */
  readonly offsite: OffsiteBackupBucket;
}

/**
 * A VPC, an RDS for PostgreSQL 16 instance, a nightly pg_dump of its `shop` database into a locked-down bucket,
 * encrypted with age to the team's public key, pruned by grandfather-father-son retention and replicated to the
 * offsite bucket, a weekly restore drill that proves the latest dump restores, alarms and a dashboard.
 */
export class PostgresBackupExampleStack extends Stack {
  /** The nightly dump. */
  public readonly dump: ScheduledPgDump;
  /** The weekly drill. */
  public readonly drill: VerifyRestore;

  constructor(scope: Construct, id: string, props: PostgresBackupExampleStackProps) {
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
      dump: {
        schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' },
        noOwner: true,
        // pg-backup prune keeps 7 daily, 4 weekly and 12 monthly dumps and never fewer than 3; the bucket's lifecycle
        // is only a safety net far beyond the longest class.
        retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
      },
      encryption: {
        // The public key of the team's age identity (age-keygen); the identity itself is only in the secret the drill reads.
        recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
        identitySecret: secretsmanager.Secret.fromSecretNameV2(this, 'AgeIdentity', 'shop/age-identity'),
      },
      objectLock: { mode: 'governance', days: 7 },
      replication: props.offsite.replicationFor(DUMP_REPLICATION_ROLE_NAME),
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

