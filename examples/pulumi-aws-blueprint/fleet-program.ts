import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
// In an application: import { … } from 'postgres-backup-constructs/core' and '…/pulumi/aws';
import { BackupTier } from '../../src/core';
import {
  BlueprintServer, ManagedPostgresDatabase, PostgresBackupBlueprint, PostgresDatabase, RequirePostgresBackups,
} from '../../src/pulumi/aws';

/** What the example exports. */
export interface PostgresFleetExample {
  readonly bucketName: pulumi.Output<string>;
  readonly drillStateMachineArn: pulumi.Output<string> | undefined;
  readonly restoreCommands: Record<string, pulumi.Output<string>>;
  readonly unprotectedDatabases: string[];
}

/**
 * A platform team's fleet in one program: three RDS for PostgreSQL instances of this program on SILVER (one with its
 * own nightly schedule and more daily dumps kept) and two self-managed servers on BRONZE, all on one blueprint, every
 * dump encrypted with age (only the restore drills read the identity), pruned by grandfather-father-son retention with
 * a floor of three, and replicated to a bucket in a second region; AWS Backup restore-tests a random recovery point
 * of each RDS instance every week, into the database subnets; a scratch instance that needs no backups is
 * acknowledged; and the program fails if any PostgreSQL database is left unprotected.
 */
export function definePostgresFleet(): PostgresFleetExample {
  const config = new pulumi.Config();
  const vpcId = config.get('vpcId') ?? 'vpc-0example';
  const subnetIds = (config.get('privateSubnetIds') ?? 'subnet-0examplea,subnet-0exampleb').split(',');
  const repository = config.get('runnerImageRepository') ?? '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup';
  // First, so it sees every database the program creates.
  const guard = new RequirePostgresBackups();

  const tier = BackupTier.SILVER.without('copies');
  const instance = (name: string, major: number): rds.Instance => new rds.Instance(name, {
    identifier: `${name}-db`,
    engine: 'postgres',
    engineVersion: `${major}.4`,
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 100,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
    dbSubnetGroupName: config.get('dbSubnetGroupName') ?? 'fleet-db-subnets',
    // A component cannot set another resource's arguments in Pulumi: the tier's automated backups are spread in here.
    ...PostgresBackupBlueprint.managedSnapshotArgs(tier, { finalSnapshotIdentifier: `${name}-db-final` }),
  });
  const managed = (id: string, major: number, extra: Partial<BlueprintServer> = {}): BlueprintServer => {
    const db = instance(id, major);
    return {
      id,
      database: PostgresDatabase.fromInstance(db, { postgresMajorVersion: major }),
      managedDatabase: ManagedPostgresDatabase.fromInstance(db, { storageEncryption: 'aws-managed-key' }),
      databaseNames: [id],
      estimate: { databaseSizeGb: 100 },
      ...extra,
    };
  };
  const selfManaged = (id: string, databaseNames: string[], sizeGb: number): BlueprintServer => ({
    id,
    database: PostgresDatabase.fromSecret({
      secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-postgres-AbCdEf`,
      securityGroupId: `sg-0${id}`,
      postgresMajorVersion: 15,
    }),
    databaseNames,
    tier: BackupTier.BRONZE.without('immutability'),
    estimate: { databaseSizeGb: sizeGb },
  });

  const blueprint = new PostgresBackupBlueprint('fleet', {
    vpcId,
    subnetIds,
    tier,
    image: (major) => `${repository}:${major}`,
    encryption: {
      // The public key of the team's age identity (age-keygen); the identity itself is only in the secret.
      recipients: [config.get('ageRecipient') ?? 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
      identitySecretArn: config.get('ageIdentitySecretArn') ?? 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:postgres-fleet/age-identity-AbCdEf',
    },
    retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
    restoreTesting: {
      recoveryPoint: 'random',
      dbSubnetGroupName: config.get('dbSubnetGroupName') ?? 'fleet-db-subnets',
      vpcSecurityGroupIds: [config.get('restoreTestSecurityGroupId') ?? 'sg-0restoretests'],
    },
    replication: {
      destinationBucketArn: config.get('offsiteBucketArn') ?? 'arn:aws:s3:::postgres-fleet-offsite-123456789012',
      replicaKmsKeyArn: config.get('offsiteKeyArn') ?? 'arn:aws:kms:eu-central-1:123456789012:alias/postgres-fleet-offsite',
    },
    databases: [
      managed('orders', 16, { databaseNames: ['orders', 'orders_archive'] }),
      managed('payments', 16, {
        overrides: {
          logicalDump: { schedule: { expression: '0 1 * * *' }, retention: { daily: 35, weekly: 8, monthly: 12, minimumKept: 5 } },
          verification: { checks: ['SELECT count(*) > 0 FROM payments'] },
        },
      }),
      managed('catalog', 16),
      selfManaged('legacy-crm', ['crm'], 40),
      selfManaged('reporting', ['reports', 'exports'], 250),
    ],
  });

  const scratch = new rds.Instance('load-test', {
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    manageMasterUserPassword: true,
    username: 'postgres',
    skipFinalSnapshot: true,
  });
  guard.acknowledge(scratch, 'load-test data is regenerated by every test run');
  // Last: throws, failing `pulumi preview` and `pulumi up`, when a PostgreSQL database has no backups.
  const unprotectedDatabases = guard.check();

  return {
    bucketName: blueprint.bucketName,
    drillStateMachineArn: blueprint.drillStateMachine?.arn,
    restoreCommands: Object.fromEntries(blueprint.databases.map((database) => [database.label, database.restoreCommand])),
    unprotectedDatabases,
  };
}
