import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { BlueprintServer, PostgresBackupBlueprint } from '../../../src/pulumi/aws/postgres-backup-blueprint';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';

const engine = new AwsMockEngine();
installAwsMocks(engine);

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';

function instanceServer(id: string, extra: Partial<BlueprintServer> = {}): BlueprintServer {
  const instance = new rds.Instance(id, {
    identifier: `${id}-db`,
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 100,
    manageMasterUserPassword: true,
    username: 'postgres',
    storageEncrypted: true,
    ...PostgresBackupBlueprint.managedSnapshotArgs(BackupTier.BRONZE, { finalSnapshotIdentifier: `${id}-final` }),
  });
  return {
    id,
    database: PostgresDatabase.fromInstance(instance, { postgresMajorVersion: 16 }),
    managedDatabase: ManagedPostgresDatabase.fromInstance(instance, { storageEncryption: 'customer-managed-key' }),
    databaseNames: [id],
    ...extra,
  };
}

function auroraServer(id: string): BlueprintServer {
  const cluster = new rds.Cluster(id, {
    clusterIdentifier: id,
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    manageMasterUserPassword: true,
    masterUsername: 'postgres',
    storageEncrypted: true,
  });
  return {
    id,
    database: PostgresDatabase.fromCluster(cluster, { postgresMajorVersion: 16 }),
    managedDatabase: ManagedPostgresDatabase.fromCluster(cluster, { storageEncryption: 'customer-managed-key' }),
    databaseNames: [id],
  };
}

describe('PostgresBackupBlueprint restore testing in Pulumi', () => {
  let blueprint: PostgresBackupBlueprint;

  beforeAll(async () => {
    blueprint = new PostgresBackupBlueprint('fleet', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a', 'subnet-b'],
      image: IMAGE,
      tier: BackupTier.BRONZE,
      restoreTesting: { recoveryPoint: 'random', dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
      databases: [instanceServer('orders'), instanceServer('scratch', { restoreTesting: false }), auroraServer('ledger')],
    });
    await Promise.all([
      valueOf(blueprint.urn),
      valueOf(blueprint.restoreTesting!.plan.arn),
      ...blueprint.restoreTesting!.selections.map((selection) => valueOf(selection.id)),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('one restore testing plan restores a random recovery point of the fleet vault on the schedule', () => {
    const plans = engine.ofType('aws:backup/restoreTestingPlan:RestoreTestingPlan');
    expect(plans.map((plan) => plan.name)).toEqual(['fleet-restore-testing']);
    expect(plans[0].inputs).toMatchObject({
      name: 'fleet',
      scheduleExpression: 'cron(0 6 ? * MON *)',
      startWindowHours: 24,
      recoveryPointSelection: { algorithm: 'RANDOM_WITHIN_WINDOW', recoveryPointTypes: ['SNAPSHOT'], selectionWindowDays: 7 },
    });
    expect(plans[0].inputs.recoveryPointSelection.includeVaults).toEqual(['arn:aws:backup:eu-west-1:123456789012:backup-vault:fleet-vault-vault']);
  });

  test('the RDS instances and the Aurora cluster are selected apart, isolated alike, the server left out not at all', () => {
    const selections = engine.ofType('aws:backup/restoreTestingSelection:RestoreTestingSelection');
    expect(selections.map((selection) => selection.name).sort()).toEqual(['fleet-restore-testing-selection-aurora', 'fleet-restore-testing-selection-rds']);
    const byType = (type: string) => selections.find((selection) => selection.inputs.protectedResourceType === type)!.inputs;
    expect(byType('RDS').protectedResourceArns).toEqual(['arn:aws:rds:eu-west-1:123456789012:instance/orders']);
    expect(byType('Aurora').protectedResourceArns).toEqual(['arn:aws:rds:eu-west-1:123456789012:cluster/ledger']);
    for (const selection of selections) {
      expect(selection.inputs).toMatchObject({
        restoreTestingPlanName: 'fleet',
        restoreMetadataOverrides: { dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' },
        validationWindowHours: 1,
        iamRoleArn: 'arn:aws:iam::123456789012:role/fleet-restore-testing-role',
      });
    }
  });

  test('AWS Backup restores with a role of its own holding the restores policy', () => {
    expect(engine.named('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'fleet-restore-testing-restores').inputs.policyArn)
      .toBe('arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores');
  });
});

test('security groups of the restored databases given as outputs are written as the JSON list of their ids', async () => {
  engine.reset();
  new PostgresBackupBlueprint('outputs', {
    vpcId: 'vpc-0123',
    subnetIds: ['subnet-a'],
    image: IMAGE,
    tier: BackupTier.BRONZE,
    // The type takes plain ids; a JavaScript program may give the outputs of the security groups it creates.
    restoreTesting: { dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: [pulumi.output('sg-0aaaaaaaaaaaaaaaa'), 'sg-0bbbbbbbbbbbbbbbb'] as never },
    databases: [instanceServer('billing')],
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const [selection] = engine.ofType('aws:backup/restoreTestingSelection:RestoreTestingSelection');
  expect(selection.inputs.restoreMetadataOverrides).toEqual({
    dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["sg-0aaaaaaaaaaaaaaaa","sg-0bbbbbbbbbbbbbbbb"]',
  });
});
