import * as rds from '@pulumi/aws/rds';
import { AwsMockEngine, installAwsMocks } from './aws-mocks';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { PostgresBackupBlueprint } from '../../../src/pulumi/aws/postgres-backup-blueprint';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';

// A stack without `aws:region` in its configuration: its provider takes the region from the environment, as in CI.
const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
const saved = REGION_VARIABLES.map((variable) => process.env[variable]);
beforeAll(() => {
  process.env.AWS_REGION = 'eu-central-1';
});
afterAll(() => REGION_VARIABLES.forEach((variable, index) => {
  if (saved[index] === undefined) delete process.env[variable];
  else process.env[variable] = saved[index];
}));

const engine = new AwsMockEngine();
installAwsMocks(engine);

/** A blueprint of one RDS instance whose SILVER tier copies every backup to `copyRegion`. */
function silverFleet(copyRegion: string): () => PostgresBackupBlueprint {
  return () => {
    const instance = new rds.Instance(`orders-${copyRegion}`, {
      engine: 'postgres',
      engineVersion: '16.4',
      instanceClass: 'db.t4g.medium',
      allocatedStorage: 100,
      manageMasterUserPassword: true,
      username: 'postgres',
      storageEncrypted: true,
      ...PostgresBackupBlueprint.managedSnapshotArgs(BackupTier.SILVER, { finalSnapshotIdentifier: 'orders-final' }, { copyRegion }),
    });
    return new PostgresBackupBlueprint(`fleet-${copyRegion}`, {
      vpcId: 'vpc-0example',
      subnetIds: ['subnet-0a', 'subnet-0b'],
      image: () => '123456789012.dkr.ecr.eu-central-1.amazonaws.com/pg-backup:16',
      tier: BackupTier.SILVER,
      tierOptions: { copyRegion, copyRegionVaultArn: `arn:aws:backup:${copyRegion}:123456789012:backup-vault:fleet-copies` },
      databases: [{
        id: 'orders',
        database: PostgresDatabase.fromInstance(instance, { postgresMajorVersion: 16 }),
        managedDatabase: ManagedPostgresDatabase.fromInstance(instance, { storageEncryption: 'customer-managed-key' }),
      }],
    });
  };
}

describe('PostgresBackupBlueprint (Pulumi AWS) in a stack whose region comes from AWS_REGION, not from aws:region', () => {
  test("a tier's copy to the stack's own region is refused, as with aws:region set: it would be no second region", () => {
    expect(silverFleet('eu-central-1')).toThrow(/fleet-eu-central-1: tierOptions\.copyRegion is "eu-central-1"; allowed: a region other than the source region "eu-central-1"/);
  });

  test('a copy to another region is built', () => {
    expect(silverFleet('eu-west-1')).not.toThrow();
  });
});
