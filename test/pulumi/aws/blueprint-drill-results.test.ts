import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { BlueprintServer, PostgresBackupBlueprint, PostgresBackupBlueprintProps } from '../../../src/pulumi/aws/postgres-backup-blueprint';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

/** A drill every day, so that an alarm can watch for a missing one. */
const DAILY_DRILLS = { verification: { schedule: { expression: '0 5 * * *' }, maxRestoreDurationMinutes: 45 } };

const ORDERS: BlueprintServer = {
  id: 'orders-db',
  database: PostgresDatabase.fromSecret({
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf', securityGroupId: 'sg-orders', postgresMajorVersion: 16,
  }),
  databaseNames: ['orders', 'invoices'],
  overrides: DAILY_DRILLS,
};

async function deploy(extra: Partial<PostgresBackupBlueprintProps> = {}): Promise<PostgresBackupBlueprint> {
  const blueprint = new PostgresBackupBlueprint('fleet', {
    vpcId: 'vpc-0123',
    subnetIds: ['subnet-a', 'subnet-b'],
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
    tier: BackupTier.BRONZE,
    databases: [ORDERS],
    ...extra,
  });
  await Promise.all([
    valueOf(blueprint.urn),
    valueOf(blueprint.drillDefinition!),
    ...blueprint.drillSchedules.map((schedule) => valueOf(schedule.arn)),
    ...blueprint.databases.map((database) => valueOf(database.rpoAlarm.arn)),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return blueprint;
}

describe('PostgresBackupBlueprint (Pulumi) drills end in the tails every drill shares', () => {
  test('a failed database\'s result is put into the bucket and folder its schedule names, before the notification', async () => {
    const blueprint = await deploy();
    const perDatabase = JSON.parse(await valueOf(blueprint.drillDefinition!)).States['Drill each database'].ItemProcessor.States;
    expect(perDatabase['Publish failure metric'].Next).toBe('Build failed drill record');
    expect(perDatabase['Store failed drill record']).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:s3:putObject', Parameters: { 'Bucket.$': '$.bucket' }, Next: 'Notify failure',
    });
    const schedule = engine.ofType('aws:scheduler/schedule:Schedule').find((candidate) => candidate.name.startsWith('fleet-drill-schedule'))!;
    expect(JSON.parse(schedule.inputs.target.input).databases).toEqual([
      { id: 'orders-db', name: 'orders', resultsFolder: 'pg-dumps/orders-db/orders/drills' },
      { id: 'orders-db', name: 'invoices', resultsFolder: 'pg-dumps/orders-db/invoices/drills' },
    ]);
  });

  test('each drill task\'s scratch PostgreSQL and runner share a generated password only the execution role reads, never trust', async () => {
    await deploy();
    const secret = engine.named('aws:secretsmanager/secret:Secret', 'fleet-scratch-password');
    const secretArn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret/${secret.name}`;
    expect(secret.inputs.description).toBe('Password of the throwaway PostgreSQL inside the fleet restore drill tasks');
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'fleet-drill-task-16').inputs.containerDefinitions);
    const byName = Object.fromEntries(containers.map((container: { name: string }) => [container.name, container]));
    expect(byName['scratch-postgres'].secrets).toEqual([{ name: 'POSTGRES_PASSWORD', valueFrom: secretArn }]);
    expect(byName.runner.secrets).toContainEqual({ name: 'PGPASSWORD', valueFrom: secretArn });
    expect(JSON.stringify(containers)).not.toMatch(/POSTGRES_HOST_AUTH_METHOD|trust/);
    const readers = engine.ofType('aws:iam/role:Role').map((role) => role.name)
      .filter((role) => engine.roleStatements(role).some((statement) => [statement.Resource].flat().includes(secretArn)));
    expect(readers).toEqual(['fleet-drill-execution-role']);
  });

  test('the drill role may put objects only into the databases\' drill results folders of the fleet\'s bucket', async () => {
    await deploy();
    const put = engine.roleStatements('fleet-drill-role').filter((statement) => [statement.Action].flat().includes('s3:PutObject'));
    expect(put).toEqual([expect.objectContaining({ Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::fleet-backups-bucket-bucket/pg-dumps/*/drills/*' })]);
  });

  test.each(['orders', 'invoices'])('%s gets the drill-age alarm VerifyRestore gives its database, and no RTO alarm of its own', async (database) => {
    await deploy({ maxDrillAgeDays: 2 });
    const alarms = engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').map((alarm) => alarm.inputs)
      .filter((alarm) => alarm.dimensions?.Database === `orders-db/${database}` && alarm.dimensions?.Drill === 'dump');
    expect(alarms).toEqual([expect.objectContaining({
      metricName: 'RestoreDrillSucceeded',
      statistic: 'Sum',
      period: 2 * 86_400,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    })]);
  });

  test('maxDrillAgeDays is refused when a drilled server\'s drills are further apart than it allows', () => {
    expect(() => new PostgresBackupBlueprint('weekly', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a'],
      image: 'pg-backup:16',
      tier: BackupTier.BRONZE,
      maxDrillAgeDays: 3,
      databases: [{ ...ORDERS, overrides: { verification: { schedule: { expression: '0 5 * * 1' } } } }],
    })).toThrow(/maxDrillAgeDays is 3; allowed: /);
  });
});
