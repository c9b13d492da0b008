import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PostgresFleetExample, definePostgresFleet } from '../../../examples/pulumi-aws-blueprint/fleet-program';
import { parseCommandLine } from '../../../src/runner/cli-commands';

const engine = new AwsMockEngine();
installAwsMocks(engine);

describe('the Pulumi AWS blueprint example', () => {
  let fleet: PostgresFleetExample;
  beforeAll(async () => {
    await pulumi.runtime.runInPulumiStack(async () => {
      fleet = definePostgresFleet();
      await Promise.all([valueOf(fleet.bucketName), ...Object.values(fleet.restoreCommands).map((command) => valueOf(command))]);
      return {};
    });
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('protects all seven databases of its five servers, and leaves only the acknowledged scratch instance without backups', () => {
    expect(Object.keys(fleet.restoreCommands).sort()).toEqual([
      'catalog/catalog', 'legacy-crm/crm', 'orders/orders', 'orders/orders_archive', 'payments/payments', 'reporting/exports', 'reporting/reports',
    ]);
    expect(fleet.unprotectedDatabases).toEqual([]);
  });

  test('runs on one cluster, one drill state machine and one topic, with a dump task and a verify task per PostgreSQL major and one prune task', () => {
    expect(engine.ofType('aws:ecs/cluster:Cluster')).toHaveLength(1);
    expect(engine.ofType('aws:sfn/stateMachine:StateMachine')).toHaveLength(1);
    expect(engine.ofType('aws:sns/topic:Topic')).toHaveLength(1);
    expect(engine.ofType('aws:ecs/taskDefinition:TaskDefinition').map((task) => task.inputs.family).sort())
      .toEqual(['fleet-pg-backup-prune', 'fleet-pg-dump-15', 'fleet-pg-dump-16', 'fleet-restore-drill-15', 'fleet-restore-drill-16']);
  });

  test('encrypts every dump to the team\'s public key, prunes each database by its retention, and replicates the bucket offsite', () => {
    const dumpTask = engine.ofType('aws:ecs/taskDefinition:TaskDefinition').find((candidate) => candidate.inputs.family === 'fleet-pg-dump-16')!;
    expect(JSON.parse(dumpTask.inputs.containerDefinitions)[0].environment)
      .toEqual([{ name: 'PG_BACKUP_AGE_RECIPIENTS', value: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p' }]);
    const prune = engine.named('aws:scheduler/schedule:Schedule', 'fleet-prune-payments-0').inputs;
    const command = parseCommandLine(JSON.parse(prune.target.input).containerOverrides[0].command);
    expect(command.flags).toMatchObject({ 'database': 'payments', 'daily': '35', 'weekly': '8', 'monthly': '12', 'minimum-kept': '5' });
    expect(engine.ofType('aws:s3/bucketReplicationConfig:BucketReplicationConfig').map((config) => config.inputs.rules[0].destination.bucket))
      .toEqual(['arn:aws:s3:::postgres-fleet-offsite-123456789012']);
  });

  test('dumps the payments database on its own schedule with the image of its major', async () => {
    const schedule = engine.named('aws:scheduler/schedule:Schedule', 'fleet-payments-payments-dump').inputs;
    expect(schedule.scheduleExpression).toBe('cron(0 1 * * ? *)');
    const dump = parseCommandLine(JSON.parse(schedule.target.input).containerOverrides[0].command);
    expect(dump.flags).toMatchObject({ database: 'payments', to: [`s3://${await valueOf(fleet.bucketName)}/pg-dumps/payments`] });
    const task = engine.ofType('aws:ecs/taskDefinition:TaskDefinition').find((candidate) => candidate.inputs.family === 'fleet-pg-dump-16')!;
    expect(JSON.parse(task.inputs.containerDefinitions)[0].image).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16');
  });

  test('gives each RDS instance the tier\'s automated backups', () => {
    expect(engine.named('aws:rds/instance:Instance', 'orders').inputs).toMatchObject({
      backupRetentionPeriod: 7, copyTagsToSnapshot: true, deleteAutomatedBackups: false, skipFinalSnapshot: false,
    });
  });
});
