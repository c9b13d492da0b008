import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { PgDumpLocation } from '../../../src/pulumi/aws/pg-dump-source';
import { SnapshotRestoreDrill, SnapshotRestoreDrillProps } from '../../../src/pulumi/aws/snapshot-restore-drill';
import { TaskHandler, aslProblems, expectFailurePath, runDrill, withFailures } from '../../core/aws/state-machines/drill-harness';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!shop';
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'pg-drill-1.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
const NETWORK = { vpcId: 'vpc-0123', scratchSubnetIds: ['subnet-db-a', 'subnet-db-b'], taskSubnetIds: ['subnet-task-a', 'subnet-task-b'] };
const LONG_AGO = '2000-01-01T00:00:00Z';
const FAR_AHEAD = '2100-01-01T00:00:00Z';

/** What the drill's AWS calls answer when everything works: a source restorable past the target, a scratch database that comes up. */
const clusterHandlers: Record<string, TaskHandler> = {
  'Describe source': () => ({ DbClusters: [{ Engine: 'aurora-postgresql', EarliestRestorableTime: LONG_AGO, LatestRestorableTime: FAR_AHEAD }] }),
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

async function deploy(props: Partial<SnapshotRestoreDrillProps> = {}): Promise<SnapshotRestoreDrill> {
  const drill = new SnapshotRestoreDrill('shop-pit', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop-cluster', kind: 'aurora-cluster', storageEncryption: 'aws-managed-key' }),
    secretArn: SECRET,
    databaseName: 'shop',
    postgresMajorVersion: 16,
    image: IMAGE,
    ...NETWORK,
    verification: { maxRestoreDurationMinutes: 90 },
    rowCounts: [{ table: 'orders', min: 1 }],
    pointInTime: { targetLagMinutes: 60, recoveryPointQuery: 'SELECT max(placed_at) FROM orders', maxRecoveryPointGapMinutes: 15 },
    ...props,
  });
  await Promise.all([valueOf(drill.urn), valueOf(drill.definition), valueOf(drill.schedule.arn), ...drill.alarms.map((alarm) => valueOf(alarm.arn))]);
  await new Promise((resolve) => setImmediate(resolve));
  return drill;
}

const deployedDefinition = () => JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'shop-pit-drill').inputs.definition);
const container = () => JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'shop-pit-task').inputs.containerDefinitions)[0];
const resourcesOf = (action: string) => engine.roleStatements('shop-pit-drill-role').filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());

describe('Pulumi SnapshotRestoreDrill with pointInTime of an Aurora cluster', () => {
  test('the scratch cluster goes into the isolated subnets, behind a group open only to the checks task', async () => {
    await deploy();
    expect(engine.named('aws:rds/subnetGroup:SubnetGroup', 'shop-pit-scratch-subnets').inputs).toMatchObject({
      subnetIds: NETWORK.scratchSubnetIds, description: 'Isolated subnets of the point-in-time drill\'s scratch databases',
    });
    const taskGroup = engine.named('aws:ec2/securityGroup:SecurityGroup', 'shop-pit-task-sg');
    expect(engine.named('aws:ec2/securityGroup:SecurityGroup', 'shop-pit-scratch-sg').inputs).toMatchObject({
      ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, securityGroups: [taskGroup.id] }], egress: [],
    });
  });

  test('the checks task compares the newest commit time with the target and publishes the gap under Drill=point-in-time', async () => {
    await deploy();
    expect(container().command).toEqual(['pg-backup', 'check', '--min-rows', 'orders=1', '--max-recovery-point-gap', '15m']);
    expect(Object.fromEntries(container().environment.map((e: any) => [e.name, e.value]))).toMatchObject({
      PG_BACKUP_RECOVERY_POINT_QUERY: 'SELECT max(placed_at) FROM orders', PG_BACKUP_METRIC_DIMENSIONS: 'Drill=point-in-time',
    });
  });

  test('the deployed state machine is core\'s point-in-time drill of the cluster, valid, every placeholder filled', async () => {
    const drill = await deploy();
    const definition = deployedDefinition();
    expect(aslProblems(definition)).toEqual([]);
    expect(JSON.stringify(definition)).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
    expect(Object.keys(definition.States)).toEqual(Object.keys(drill.drill.definition.States));
    expect(definition.States['Describe source'].Parameters).toEqual({ DbClusterIdentifier: 'shop-cluster' });
    expect(definition.States['Wait target lag'].Seconds).toBe(3600);
  });

  test('a successful deployed drill restores the cluster to the target, checks it with the target, and deletes both scratch resources', async () => {
    await deploy();
    const run = await runDrill(deployedDefinition(), clusterHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Describe source', 'Restore scratch cluster', 'Create scratch instance', 'Describe scratch instance', 'Describe scratch instance',
      'Run checks task', 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric']);
    const restore = run.calls.find((c) => c.state === 'Restore scratch cluster')!.input;
    expect(restore).toMatchObject({ SourceDbClusterIdentifier: 'shop-cluster', DbSubnetGroupName: 'shop-pit-scratch-subnets', RestoreType: 'full-copy' });
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override.Environment).toContainEqual({ Name: 'PG_BACKUP_DRILL_TARGET_TIME', Value: restore.RestoreTime });
  });

  test.each([
    { name: 'RDS refuses the restore', failing: ['Restore scratch cluster'], error: 'Rds.InvalidRestoreException', cleanup: ['Delete scratch cluster after failure'] },
    { name: 'the checks fail', failing: ['Run checks task'], error: 'States.TaskFailed', cleanup: ['Stop checks task', 'Delete scratch instance after failure', 'Delete scratch cluster after failure'] },
  ])('when $name, the deployed drill deletes what it created, then reports the failure', async ({ failing, error, cleanup }) => {
    await deploy();
    const run = await runDrill(deployedDefinition(), withFailures(clusterHandlers, failing, error));
    expectFailurePath(run, { error, cleanup });
  });

  test('when the scratch instance never becomes available, the deployed drill deletes the instance and the cluster', async () => {
    await deploy({ pollIntervalSeconds: 60 });
    const run = await runDrill(deployedDefinition(), { ...clusterHandlers, 'Describe scratch instance': () => ({ DbInstances: [{ DbInstanceStatus: 'creating' }] }) });
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: ['Delete scratch instance after failure', 'Delete scratch cluster after failure'] });
  });

  test('the drill role restores only the source cluster to a time and deletes only scratch clusters', async () => {
    await deploy();
    expect(resourcesOf('rds:RestoreDBClusterToPointInTime')).toEqual(expect.arrayContaining([
      'arn:aws:rds:eu-west-1:123456789012:cluster:shop-cluster', 'arn:aws:rds:eu-west-1:123456789012:cluster:pg-drill-*',
      'arn:aws:rds:eu-west-1:123456789012:subgrp:shop-pit-scratch-subnets',
    ]));
    expect(resourcesOf('rds:DeleteDBCluster')).toEqual(['arn:aws:rds:eu-west-1:123456789012:cluster:pg-drill-*']);
    expect(resourcesOf('rds:RestoreDBClusterFromSnapshot')).toEqual([]);
  });

  test('it alarms on a restore slower than the RTO and a recovery point further than the bound, both under Drill=point-in-time', async () => {
    const drill = await deploy();
    expect(drill.drillKind).toBe('point-in-time');
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-pit-rto').inputs).toMatchObject({
      metricName: 'RestoreDurationSeconds', threshold: 90 * 60, dimensions: { Database: 'shop', Drill: 'point-in-time' },
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-pit-recovery-point').inputs).toMatchObject({
      metricName: 'RecoveryPointGapSeconds', threshold: 15 * 60, comparisonOperator: 'GreaterThanThreshold', dimensions: { Database: 'shop', Drill: 'point-in-time' },
    });
  });

  test('with drillResults, the checks task records each drill beside the dumps and may put objects only under <prefix>/<database>/drills/', async () => {
    await deploy({
      drillResults: PgDumpLocation.fromBucket({
        bucketName: 'shop-dumps', bucketArn: 'arn:aws:s3:::shop-dumps', prefix: 'pg-dumps', databaseNames: ['shop'], postgresMajorVersion: 16,
      }),
    });
    expect(Object.fromEntries(container().environment.map((e: any) => [e.name, e.value]))).toMatchObject({
      PG_BACKUP_DRILL_KIND: 'point-in-time', PG_BACKUP_DRILL_RECORD_TO: 's3://shop-dumps/pg-dumps',
    });
    expect(engine.roleStatements('shop-pit-task-role')).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::shop-dumps/pg-dumps/*/drills/*' },
    ]);
  });

  test('with drillResults, the state machine writes the failures its task never saw there, and may put objects only in the database\'s drills folder', async () => {
    await deploy({
      drillResults: PgDumpLocation.fromBucket({
        bucketName: 'shop-dumps',
        bucketArn: 'arn:aws:s3:::shop-dumps',
        prefix: 'pg-dumps',
        databaseNames: ['shop'],
        postgresMajorVersion: 16,
        encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/dumps',
      }),
    });
    const definition = deployedDefinition();
    expect(aslProblems(definition)).toEqual([]);
    expect(definition.States['Store failed drill record'].Parameters).toMatchObject({ 'Bucket': 'shop-dumps', 'Key.$': '$.failedDrillRecord.key' });
    expect(definition.States['Build failed drill record'].Output).toContain("'failedDrillRecord': { 'key': 'pg-dumps/shop/drills' & '/' & ");
    expect(resourcesOf('s3:PutObject')).toEqual(['arn:aws:s3:::shop-dumps/pg-dumps/shop/drills/*']);
    expect(resourcesOf('kms:GenerateDataKey')).toContain('arn:aws:kms:eu-west-1:123456789012:key/dumps');
  });

  test('without drillResults, the state machine writes nothing and may put no object', async () => {
    await deploy();
    expect(deployedDefinition().States['Store failed drill record']).toBeUndefined();
    expect(resourcesOf('s3:PutObject')).toEqual([]);
  });
});
