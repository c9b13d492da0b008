import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE } from './stacks';
import { PostgresBackupBlueprint, PostgresDatabase, RequirePostgresBackups, RequirePostgresBackupsProps, ScheduledPgDump } from '../../src/cdk';
import { BackupTier } from '../../src/core';

const ENV = { account: '123456789012', region: 'eu-west-1' };

interface Fleet {
  readonly stack: Stack;
  readonly annotations: Annotations;
}

/**
 * A stack with five databases: one dumped by a ScheduledPgDump, one in a blueprint, an Aurora PostgreSQL cluster
 * nothing covers, a PostgreSQL instance nothing covers, and a MySQL instance (not this library's business).
 */
function fleet(props?: RequirePostgresBackupsProps): Fleet {
  const app = new App();
  const stack = new Stack(app, 'Apps', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
  });
  const postgres = (id: string): rds.DatabaseInstance => new rds.DatabaseInstance(stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    allocatedStorage: 20,
  });
  const dumped = postgres('Dumped');
  new ScheduledPgDump(stack, 'Dump', { vpc, database: PostgresDatabase.fromInstance(dumped), databaseNames: ['shop'], image: TEST_RUNNER_IMAGE });
  const inFleet = postgres('InFleet');
  new PostgresBackupBlueprint(stack, 'Fleet', { vpc, tier: BackupTier.BRONZE, databases: [{ id: 'fleet', database: inFleet }], image: TEST_RUNNER_IMAGE });
  postgres('Forgotten');
  new rds.DatabaseCluster(stack, 'ForgottenAurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc,
    writer: rds.ClusterInstance.provisioned('writer'),
  });
  new rds.DatabaseInstance(stack, 'MySql', { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }), vpc });
  Aspects.of(app).add(new RequirePostgresBackups(props));
  app.synth();
  return { stack, annotations: Annotations.fromStack(stack) };
}

function messagesAt(annotations: Annotations, level: 'error' | 'warning'): Array<{ id: string; message: string }> {
  const found = level === 'error' ? annotations.findError('*', Match.anyValue()) : annotations.findWarning('*', Match.anyValue());
  return found.filter((entry) => String(entry.entry.data).includes('has no backups')).map((entry) => ({ id: entry.id, message: String(entry.entry.data) }));
}

describe('RequirePostgresBackups', () => {
  const { annotations } = fleet();

  test('an unprotected PostgreSQL instance gets an error naming its construct path', () => {
    expect(messagesAt(annotations, 'error')).toContainEqual({
      id: '/Apps/Forgotten',
      message: expect.stringMatching(/^The PostgreSQL database Apps\/Forgotten has no backups: no ScheduledPgDump, ManagedPostgresBackupPlan or PostgresBackupBlueprint protects it\./),
    });
  });

  test('an unprotected Aurora PostgreSQL cluster is flagged once, on the cluster, not on its instances', () => {
    const flagged = messagesAt(annotations, 'error').map((entry) => entry.id);
    expect(flagged.filter((id) => id.startsWith('/Apps/ForgottenAurora'))).toEqual(['/Apps/ForgottenAurora']);
  });

  test('databases protected by a ScheduledPgDump or a blueprint pass, and other engines are not checked', () => {
    expect(messagesAt(annotations, 'error').map((entry) => entry.id).sort()).toEqual(['/Apps/Forgotten', '/Apps/ForgottenAurora']);
  });

});

describe('RequirePostgresBackups at warning level', () => {
  const { annotations } = fleet({ level: 'warning' });

  test('the finding is a warning that can be acknowledged per database, and no error', () => {
    const warnings = messagesAt(annotations, 'warning');
    expect(warnings.map((entry) => entry.id).sort()).toEqual(['/Apps/Forgotten', '/Apps/ForgottenAurora']);
    expect(warnings[0].message).toContain('[ack: postgres-backup:unprotected-database]');
    expect(messagesAt(annotations, 'error')).toEqual([]);
  });
});
