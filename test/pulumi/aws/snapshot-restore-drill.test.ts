import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { SnapshotRestoreDrill, SnapshotRestoreDrillProps } from '../../../src/pulumi/aws/snapshot-restore-drill';
import { TaskHandler, aslProblems, expectFailurePath, runDrill, withFailures } from '../../core/aws/state-machines/drill-harness';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!shop';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/shop-storage';
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'pg-drill-1.abc.eu-west-1.rds.amazonaws.com', Port: 5433 };
const NETWORK = { vpcId: 'vpc-0123', scratchSubnetIds: ['subnet-db-a', 'subnet-db-b'], taskSubnetIds: ['subnet-task-a', 'subnet-task-b'] };

/** What the drill's AWS calls answer when everything works: the newest snapshot, a scratch instance that comes up. */
function succeeding(snapshotsKey: string, idField: string): Record<string, TaskHandler> {
  return {
    'Find snapshots': () => ({
      [snapshotsKey]: [
        { [idField]: 'rds:shop-2026-11-23-02-05', Status: 'available', SnapshotCreateTime: '2026-11-23T02:05:00Z', Engine: 'aurora-postgresql', EngineVersion: '16.4' },
        { [idField]: 'rds:shop-2026-11-24-02-05', Status: 'available', SnapshotCreateTime: '2026-11-24T02:05:00Z', Engine: 'aurora-postgresql', EngineVersion: '16.4' },
      ],
    }),
    'Restore scratch instance': () => ({}),
    'Restore scratch cluster': () => ({}),
    'Create scratch instance': () => ({}),
    'Describe scratch instance': (_input, call) => ({ DbInstances: [{ DbInstanceStatus: call === 0 ? 'creating' : 'available', ...(call === 0 ? {} : { Endpoint: ENDPOINT }) }] }),
    'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED' }),
    'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
    'Stop checks task': () => ({}),
    'Delete scratch instance': () => ({}),
    'Delete scratch cluster': () => ({}),
    'Delete scratch instance after failure': () => ({}),
    'Delete scratch cluster after failure': () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    'Notify failure': () => ({ MessageId: 'm-1' }),
  };
}

async function deploy(props: Partial<SnapshotRestoreDrillProps> = {}): Promise<SnapshotRestoreDrill> {
  const drill = new SnapshotRestoreDrill('shop-drill', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance', storageEncryption: 'customer-managed-key' }),
    secretArn: SECRET,
    storageEncryptionKeyArn: KEY,
    databaseName: 'shop',
    port: 5433,
    postgresMajorVersion: 16,
    image: IMAGE,
    ...NETWORK,
    ...props,
  });
  await Promise.all([valueOf(drill.urn), valueOf(drill.definition), valueOf(drill.schedule.arn), ...drill.alarms.map((alarm) => valueOf(alarm.arn))]);
  await new Promise((resolve) => setImmediate(resolve));
  return drill;
}

const deployedDefinition = () => JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'shop-drill-drill').inputs.definition);
const container = () => JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'shop-drill-task').inputs.containerDefinitions)[0];
const drillStatements = () => engine.roleStatements('shop-drill-drill-role');
const resourcesOf = (action: string) => drillStatements().filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);

describe('Pulumi SnapshotRestoreDrill of an RDS instance', () => {
  const checksFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-checks-')), 'shop.sql');
  fs.writeFileSync(checksFile, "SELECT count(*) > 0 FROM orders;\nSELECT max(placed_at) > now() - interval '2 days' FROM orders;\n");
  const shopDrill = () => deploy({
    verification: { checks: ["SELECT count(*) > 0 FROM customers WHERE email LIKE '%@%'"], maxRestoreDurationMinutes: 45 },
    checkFiles: [checksFile],
    rowCounts: [{ table: 'public.orders', min: 1000 }, { table: 'customers', min: 1, max: 10_000_000 }],
  });

  test('the scratch database goes into a DB subnet group of the isolated subnets, behind a group open only to the checks task on the database port', async () => {
    await shopDrill();
    expect(engine.named('aws:rds/subnetGroup:SubnetGroup', 'shop-drill-scratch-subnets').inputs).toMatchObject({
      subnetIds: NETWORK.scratchSubnetIds, description: expect.stringMatching(/snapshot drill/),
    });
    const taskGroup = engine.named('aws:ec2/securityGroup:SecurityGroup', 'shop-drill-task-sg');
    expect(engine.named('aws:ec2/securityGroup:SecurityGroup', 'shop-drill-scratch-sg').inputs).toMatchObject({
      ingress: [{ protocol: 'tcp', fromPort: 5433, toPort: 5433, securityGroups: [taskGroup.id] }],
      egress: [],
    });
  });

  test('the checks task runs pg-backup check with the row-count bounds and one environment variable per SQL check', async () => {
    await shopDrill();
    expect(container().command).toEqual(['pg-backup', 'check',
      '--min-rows', 'public.orders=1000', '--min-rows', 'customers=1', '--max-rows', 'customers=10000000',
      '--sql-env', 'PG_BACKUP_CHECK_0', '--sql-env', 'PG_BACKUP_CHECK_1', '--sql-env', 'PG_BACKUP_CHECK_2']);
    expect(Object.fromEntries(container().environment.map((e: any) => [e.name, e.value]))).toEqual({
      PGDATABASE: 'shop',
      PGSSLMODE: 'require',
      PG_BACKUP_CHECK_0: "SELECT count(*) > 0 FROM customers WHERE email LIKE '%@%'",
      PG_BACKUP_CHECK_1: 'SELECT count(*) > 0 FROM orders',
      PG_BACKUP_CHECK_2: "SELECT max(placed_at) > now() - interval '2 days' FROM orders",
    });
  });

  test('the checks task logs in with the master credentials from the secret, never in plain text', async () => {
    await shopDrill();
    expect(container().secrets).toEqual([{ name: 'PGUSER', valueFrom: `${SECRET}:username::` }, { name: 'PGPASSWORD', valueFrom: `${SECRET}:password::` }]);
    expect(engine.roleStatements('shop-drill-execution-role')).toContainEqual(expect.objectContaining({ Resource: SECRET }));
  });

  test('the state machine is core\'s snapshot drill, valid by asl-validator, with every placeholder filled', async () => {
    const drill = await shopDrill();
    const definition = deployedDefinition();
    expect(aslProblems(definition)).toEqual([]);
    expect(JSON.stringify(definition)).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
    expect(Object.keys(definition.States)).toEqual(Object.keys(drill.drill.definition.States));
    expect(definition.States['Find snapshots'].Parameters.DbInstanceIdentifier).toBe('shop');
    expect(definition.States['Run checks task'].TimeoutSeconds).toBe(45 * 60 + 600);
  });

  test('a successful deployed drill restores the newest snapshot, checks it, deletes the scratch instance, then publishes success and duration', async () => {
    await shopDrill();
    const run = await runDrill(deployedDefinition(), succeeding('DbSnapshots', 'DbSnapshotIdentifier'));
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Find snapshots', 'Restore scratch instance', 'Describe scratch instance', 'Describe scratch instance',
      'Run checks task', 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
    const restore = run.calls[1].input;
    expect(restore).toMatchObject({ DbSnapshotIdentifier: 'rds:shop-2026-11-24-02-05', DbSubnetGroupName: 'shop-drill-scratch-subnets' });
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override.Command).toEqual(container().command);
  });

  test('when the deployed drill\'s checks fail, the task is stopped, the scratch instance deleted and the failure notified', async () => {
    await shopDrill();
    const run = await runDrill(deployedDefinition(), withFailures(succeeding('DbSnapshots', 'DbSnapshotIdentifier'), ['Run checks task']));
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Stop checks task', 'Delete scratch instance after failure'] });
    expect(run.calls[run.calls.length - 1].input).toMatchObject({ Subject: 'shop: snapshot restore drill failed' });
  });

  test('the drill role creates, polls and deletes only instances with the scratch prefix, and lists only the source\'s snapshots', async () => {
    await shopDrill();
    const scratch = 'arn:aws:rds:eu-west-1:123456789012:db:pg-drill-*';
    expect(resourcesOf('rds:DeleteDBInstance')).toEqual([scratch]);
    expect(resourcesOf('rds:DescribeDBInstances')).toEqual([scratch]);
    expect(resourcesOf('rds:DescribeDBSnapshots')).toEqual(expect.arrayContaining(['arn:aws:rds:eu-west-1:123456789012:db:shop']));
    expect(resourcesOf('rds:RestoreDBInstanceFromDBSnapshot')).toEqual(expect.arrayContaining([
      'arn:aws:rds:eu-west-1:123456789012:snapshot:*', 'arn:aws:rds:eu-west-1:123456789012:subgrp:shop-drill-scratch-subnets',
    ]));
  });

  test('the drill role may use the database key only to let RDS create grants for the restore', async () => {
    await shopDrill();
    expect(drillStatements().find((s) => [s.Action].flat().includes('kms:CreateGrant'))).toEqual({
      Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:CreateGrant'], Resource: KEY, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  test('it runs weekly, Monday 06:00 UTC, and alarms on a failed drill and on a restore slower than the RTO', async () => {
    await shopDrill();
    expect(engine.named('aws:scheduler/schedule:Schedule', 'shop-drill-schedule').inputs).toMatchObject({
      scheduleExpression: 'cron(0 6 ? * MON *)', flexibleTimeWindow: { mode: 'OFF' },
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-drill-rto').inputs).toMatchObject({
      metricName: 'RestoreDurationSeconds',
      threshold: 45 * 60,
      comparisonOperator: 'GreaterThanThreshold',
      dimensions: { Database: 'shop', Drill: 'snapshot' },
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-drill-failed-drill').inputs.alarmDescription)
      .toBe('A snapshot restore drill of shop failed: the backup could not be restored and checked');
  });
});

describe('Pulumi SnapshotRestoreDrill of an Aurora cluster', () => {
  const clusterDrill = () => deploy({
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop-cluster', kind: 'aurora-cluster', storageEncryption: 'aws-managed-key' }),
    storageEncryptionKeyArn: undefined,
  });

  test('a successful deployed drill restores a scratch cluster and one instance, checks, and deletes both', async () => {
    await clusterDrill();
    const run = await runDrill(deployedDefinition(), succeeding('DbClusterSnapshots', 'DbClusterSnapshotIdentifier'));
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Find snapshots', 'Restore scratch cluster', 'Create scratch instance', 'Describe scratch instance',
      'Describe scratch instance', 'Run checks task', 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls[2].input).toMatchObject({ DbInstanceClass: 'db.t4g.medium', PubliclyAccessible: false });
  });

  test('the drill role restores and deletes only clusters with the scratch prefix, and has no key statement for an AWS-managed key', async () => {
    await clusterDrill();
    expect(resourcesOf('rds:DeleteDBCluster')).toEqual(['arn:aws:rds:eu-west-1:123456789012:cluster:pg-drill-*']);
    expect(drillStatements().filter((s) => [s.Action].flat().includes('kms:CreateGrant'))).toEqual([]);
  });
});

describe('Pulumi SnapshotRestoreDrill rejects bad props', () => {
  test('a database whose PostgreSQL major is not given cannot choose its runner image', () => {
    expect(() => new SnapshotRestoreDrill('drill', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
      secretArn: SECRET,
      image: IMAGE,
      ...NETWORK,
    })).toThrow(/drill: postgresMajorVersion is undefined; allowed: a PostgreSQL major version such as 16/);
  });
});
