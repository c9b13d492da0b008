import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk' and '…/core';
import { PostgresBackupBlueprint } from '../../src/cdk';
import { BackupTier } from '../../src/core';

/**
 * A platform team's fleet: four RDS for PostgreSQL servers in one stack, protected by one blueprint. Most get the
 * BRONZE tier; `billing` gets SILVER (a copy of every recovery point in a second region); `analytics` keeps more daily
 * dumps and checks its restored data. Every dump is encrypted with age to the team's public key (only the restore
 * drills read the identity, from a secret the team fills in), pruned by grandfather-father-son retention that never
 * keeps fewer than three, and replicated to a bucket in a second region. AWS Backup restore-tests a random recovery
 * point of every server each week, into the isolated subnets behind a security group nothing may enter. Each database
 * gets a runbook in `cdk.out` and a restore command as an output.
 */
export class PostgresFleetStack extends Stack {
  /** The blueprint. */
  public readonly blueprint: PostgresBackupBlueprint;

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
    const server = (name: string, allocatedStorage: number, storageEncryptionKey?: kms.IKey): rds.DatabaseInstance => {
      const instance = new rds.DatabaseInstance(this, name, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
        instanceIdentifier: `${name.toLowerCase()}-db`,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        allocatedStorage,
        storageEncrypted: true,
        storageEncryptionKey,
        // Not the well-known port, which scanners try first.
        port: 5433,
        multiAz: true,
        deletionProtection: true,
      });
      instance.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
      return instance;
    };
    // Where AWS Backup restores the recovery points it tests: isolated subnets, no inbound traffic.
    const restoreTestSubnets = new rds.SubnetGroup(this, 'RestoreTestSubnets', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'Databases restored by AWS Backup restore tests of the fleet',
    });
    const restoreTestSecurityGroup = new ec2.SecurityGroup(this, 'RestoreTestSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Databases restored by AWS Backup restore tests of the fleet: no inbound or outbound traffic',
    });

    this.blueprint = new PostgresBackupBlueprint(this, 'Fleet', {
      vpc,
      tier: BackupTier.BRONZE,
      tierOptions: { copyRegion: 'eu-central-1' },
      encryption: {
        // The public key of the team's age identity (age-keygen); the identity itself is only in the secret.
        recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
        identitySecret: secretsmanager.Secret.fromSecretNameV2(this, 'AgeIdentity', 'postgres-fleet/age-identity'),
      },
      retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
      restoreTesting: {
        recoveryPoint: 'random',
        dbSubnetGroupName: restoreTestSubnets.subnetGroupName,
        vpcSecurityGroupIds: [restoreTestSecurityGroup.securityGroupId],
      },
      replication: {
        destinationBucketArn: `arn:aws:s3:::postgres-fleet-offsite-${this.account}`,
        replicaKmsKeyArn: `arn:aws:kms:eu-central-1:${this.account}:alias/postgres-fleet-offsite`,
      },
      databases: [
        { id: 'orders', database: server('Orders', 200), databaseNames: ['orders', 'invoices'] },
        { id: 'catalog', database: server('Catalog', 50), databaseNames: ['catalog'] },
        {
          id: 'billing',
          database: server('Billing', 100, new kms.Key(this, 'BillingKey', { enableKeyRotation: true })),
          databaseNames: ['billing'],
          tier: BackupTier.SILVER.without('immutability'),
          overrides: {
            copies: [{
              destination: 'region',
              region: 'eu-central-1',
              retentionDays: 14,
              vaultArn: `arn:aws:backup:eu-central-1:${this.account}:backup-vault:postgres-copies`,
            }],
          },
          estimate: { databaseSizeGb: 60, dailyChangeGb: 2 },
        },
        {
          id: 'analytics',
          database: server('Analytics', 500),
          databaseNames: ['events'],
          overrides: {
            logicalDump: {
              retention: { daily: 30, weekly: 8, monthly: 12, minimumKept: 7 },
              schedule: { expression: '0 3 * * *', timezone: 'Europe/Berlin' },
            },
            verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 180 },
          },
        },
      ],
    });

  }
}

