import { createHash } from 'node:crypto';
import { EXECUTION_NAME, TaskHandler, expectFailurePath, runDrill, taskError, withFailures } from './drill-harness';
import { snapshotRestoreDrill } from '../../../../src/core/aws/state-machines';

const SCRATCH = `pg-drill-${createHash('md5').update(EXECUTION_NAME).digest('hex')}`;
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };

/** Snapshots as DescribeDB(Cluster)Snapshots lists them: unsorted, one still being taken. */
function snapshots(idField: string, extra: object = {}) {
  return [
    { [idField]: 'rds:orders-2026-11-22-03-05', Status: 'available', SnapshotCreateTime: '2026-11-22T03:05:11.123Z', ...extra },
    { [idField]: 'rds:orders-2026-11-24-03-05', Status: 'creating', ...extra },
    { [idField]: 'rds:orders-2026-11-23-03-05', Status: 'available', SnapshotCreateTime: '2026-11-23T03:05:09.456Z', ...extra },
    { [idField]: 'rds:orders-2026-11-21-03-05', Status: 'available', SnapshotCreateTime: '2026-11-21T03:04:58.000Z', ...extra },
  ];
}

const instanceStatus = (status: string) => ({
  DbInstances: [{ DbInstanceIdentifier: SCRATCH, DbInstanceStatus: status, ...(status === 'available' ? { Endpoint: ENDPOINT } : {}) }],
});

const common: Record<string, TaskHandler> = {
  'Describe scratch instance': (_input, call) => instanceStatus(call === 0 ? 'creating' : 'available'),
  'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
  'Stop checks task': () => ({ Task: { TaskArn: TASK_ARN } }),
  'Delete scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  'Delete scratch instance after failure': () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

const instanceHandlers: Record<string, TaskHandler> = {
  ...common,
  'Find snapshots': () => ({ DbSnapshots: snapshots('DbSnapshotIdentifier') }),
  'Restore scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: SCRATCH, DbInstanceStatus: 'creating' } }),
};

const clusterHandlers: Record<string, TaskHandler> = {
  ...common,
  'Describe scratch instance': (_input, call) => instanceStatus(call === 0 ? 'creating' : 'available'),
  'Find snapshots': () => ({ DbClusterSnapshots: snapshots('DbClusterSnapshotIdentifier', { Engine: 'aurora-postgresql', EngineVersion: '16.4' }) }),
  'Restore scratch cluster': () => ({ DbCluster: { DbClusterIdentifier: SCRATCH, Status: 'creating' } }),
  'Create scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: `${SCRATCH}-1`, DbInstanceStatus: 'creating' } }),
  'Delete scratch cluster': () => ({ DbCluster: { Status: 'deleting' } }),
  'Delete scratch cluster after failure': () => ({ DbCluster: { Status: 'deleting' } }),
};

const polledAndChecked = ['Describe scratch instance', 'Describe scratch instance', 'Run checks task'];
const stoppedChecks = ['Find running checks task', 'Stop checks task'];
const reported = ['Publish failure metric', 'Notify failure'];

describe('snapshot restore drill of an RDS instance', () => {
  const { definition } = snapshotRestoreDrill();
  const restored = ['Find snapshots', 'Restore scratch instance'];
  const deleted = ['Delete scratch instance after failure'];

  test('a successful drill restores, checks, deletes the scratch instance, then publishes success and duration', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...restored, ...polledAndChecked, 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls.find((c) => c.state === 'Delete scratch instance')!.input).toEqual({
      DbInstanceIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true,
    });
  });

  test('the newest available snapshot is restored, whatever order the API lists them in', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.calls.find((c) => c.state === 'Restore scratch instance')!.input.DbSnapshotIdentifier).toBe('rds:orders-2026-11-23-03-05');
  });

  test('snapshots of the source are listed by type, one page of 100', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.calls[0].input).toEqual({ DbInstanceIdentifier: 'orders-db', SnapshotType: 'automated', MaxRecords: 100 });
  });

  test('the scratch instance is small, private, in the drill network, tagged, and named after the execution', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.calls.find((c) => c.state === 'Restore scratch instance')!.input).toEqual({
      DbInstanceIdentifier: SCRATCH,
      DbSnapshotIdentifier: 'rds:orders-2026-11-23-03-05',
      DbInstanceClass: 'db.t4g.micro',
      DbSubnetGroupName: 'drill-subnets',
      VpcSecurityGroupIds: ['sg-222', 'sg-333'],
      PubliclyAccessible: false,
      DeletionProtection: false,
      CopyTagsToSnapshot: false,
      Tags: [{ Key: 'postgres-backup:drill', Value: EXECUTION_NAME }, { Key: 'postgres-backup:database', Value: 'orders' }],
    });
  });

  test('the checks task gets the scratch endpoint, the restored snapshot and the drill\'s start (where its RTO begins)', async () => {
    const run = await runDrill(definition, instanceHandlers);
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override).toEqual({
      Name: 'runner',
      Command: ['pg-backup', 'check'],
      Environment: [
        { Name: 'PG_BACKUP_DRILL_ID', Value: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}` },
        { Name: 'PGHOST', Value: ENDPOINT.Address },
        { Name: 'PGPORT', Value: '5432' },
        { Name: 'PG_BACKUP_DRILL_SNAPSHOT', Value: 'rds:orders-2026-11-23-03-05' },
        { Name: 'PG_BACKUP_DRILL_STARTED_AT', Value: expect.any(String) },
      ],
    });
    expect((definition.States['Run checks task'] as any).Parameters.Overrides.ContainerOverrides[0].Environment)
      .toContainEqual({ 'Name': 'PG_BACKUP_DRILL_STARTED_AT', 'Value.$': '$$.Execution.StartTime' });
  });

  test.each([
    { name: 'listing the snapshots fails', failing: ['Find snapshots'], error: 'States.TaskFailed', order: ['Find snapshots', ...reported], cleanup: [] },
    {
      name: 'the restore call fails',
      failing: ['Restore scratch instance'],
      error: 'Rds.StorageQuotaExceededException',
      order: [...restored, ...deleted, ...reported],
      cleanup: deleted,
    },
    {
      name: 'describing the scratch instance fails',
      failing: ['Describe scratch instance'],
      error: 'States.TaskFailed',
      order: [...restored, 'Describe scratch instance', ...deleted, ...reported],
      cleanup: deleted,
    },
    {
      name: 'the checks fail',
      failing: ['Run checks task'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported],
      cleanup: [...stoppedChecks, ...deleted],
    },
    {
      name: 'the checks time out',
      failing: ['Run checks task'],
      error: 'States.Timeout',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported],
      cleanup: [...stoppedChecks, ...deleted],
    },
    {
      name: 'stopping the checks task fails',
      failing: ['Run checks task', 'Stop checks task'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported],
      cleanup: [...stoppedChecks, ...deleted],
    },
    {
      name: 'finding the running checks task fails',
      failing: ['Run checks task', 'Find running checks task'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, 'Find running checks task', ...deleted, ...reported],
      cleanup: ['Find running checks task', ...deleted],
    },
    {
      name: 'the success metric cannot be published',
      failing: ['Publish success metric'],
      error: 'CloudWatch.InternalServiceException',
      order: [...restored, ...polledAndChecked, 'Delete scratch instance', 'Publish restore duration', 'Publish success metric', ...reported],
      cleanup: ['Delete scratch instance'],
    },
    {
      name: 'the restore duration cannot be published',
      failing: ['Publish restore duration'],
      error: 'CloudWatch.InternalServiceException',
      order: [...restored, ...polledAndChecked, 'Delete scratch instance', 'Publish restore duration', ...reported],
      cleanup: ['Delete scratch instance'],
    },
    {
      name: 'the failure metric cannot be published',
      failing: ['Run checks task', 'Publish failure metric'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported],
      cleanup: [...stoppedChecks, ...deleted],
    },
    {
      name: 'the notification cannot be sent',
      failing: ['Run checks task', 'Notify failure'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported],
      cleanup: [...stoppedChecks, ...deleted],
    },
  ])('when $name, the drill cleans up, publishes the failure metric, notifies and fails', async ({ failing, error, order, cleanup }) => {
    const run = await runDrill(definition, withFailures(instanceHandlers, failing, error));
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error, cleanup });
  });

  test('when deleting the scratch instance after a success fails, the drill fails as a cleanup failure naming the instance', async () => {
    const run = await runDrill(definition, withFailures(instanceHandlers, ['Delete scratch instance']));
    expect(run.order).toEqual([...restored, ...polledAndChecked, 'Delete scratch instance', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.CleanupFailed', cleanup: ['Delete scratch instance'] });
    expect(run.error?.cause).toContain(SCRATCH);
  });

  test('when the cleanup after a failure fails too, the drill fails as a cleanup failure that keeps the first error', async () => {
    const run = await runDrill(definition, withFailures(instanceHandlers, ['Run checks task', 'Delete scratch instance after failure']));
    expect(run.order).toEqual([...restored, ...polledAndChecked, ...stoppedChecks, ...deleted, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.CleanupFailed', cleanup: [...stoppedChecks, ...deleted] });
    expect(run.error?.cause).toContain('Run checks task failed');
    expect(run.error?.cause).toContain(SCRATCH);
  });

  test('a scratch instance that was never created counts as cleaned up', async () => {
    const run = await runDrill(definition, {
      ...withFailures(instanceHandlers, ['Restore scratch instance']),
      'Delete scratch instance after failure': () => { throw taskError('Rds.DbInstanceNotFoundException'); },
    });
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: deleted });
  });

  test('a delete refused while RDS is busy with the instance is retried', async () => {
    const run = await runDrill(definition, {
      ...instanceHandlers,
      'Delete scratch instance': (_input, call) => {
        if (call === 0) throw taskError('Rds.InvalidDbInstanceStateException');
        return {};
      },
    });
    expect(run.error).toBeUndefined();
    expect(run.order.filter((state) => state === 'Delete scratch instance')).toHaveLength(2);
  });

  test('without an available snapshot, the drill fails before creating anything', async () => {
    const run = await runDrill(definition, {
      ...instanceHandlers,
      'Find snapshots': () => ({ DbSnapshots: [{ DbSnapshotIdentifier: 'rds:orders-2026-11-24-03-05', Status: 'creating' }] }),
    });
    expect(run.order).toEqual(['Find snapshots', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.NoSnapshot', cleanup: [] });
  });

  test('a scratch instance that never becomes available fails the drill after the poll bound, and is deleted', async () => {
    const drill = snapshotRestoreDrill({ maxPolls: 3 });
    const run = await runDrill(drill.definition, { ...instanceHandlers, 'Describe scratch instance': () => instanceStatus('creating') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', 'Describe scratch instance', 'Describe scratch instance', ...deleted, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: deleted });
    expect(run.error?.cause).toContain('still creating after 3 checks 60 seconds apart');
  });

  test('a restore that ends in a failed status fails the drill at once, and the instance is deleted', async () => {
    const run = await runDrill(definition, { ...instanceHandlers, 'Describe scratch instance': () => instanceStatus('incompatible-restore') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', ...deleted, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.RestoreFailed', cleanup: deleted });
  });

  test('the poll interval is the Wait state\'s duration', () => {
    const drill = snapshotRestoreDrill({ pollIntervalSeconds: 30 });
    expect(drill.definition.States['Wait for scratch instance']).toMatchObject({ Type: 'Wait', Seconds: 30 });
  });

  test('by default the polls cover the maximum restore duration', () => {
    const drill = snapshotRestoreDrill({ maxRestoreDurationSeconds: 5400, pollIntervalSeconds: 60 });
    const choice = drill.definition.States['Is scratch instance available?'] as { Choices: Array<{ NumericGreaterThanEquals?: number }> };
    expect(choice.Choices.map((c) => c.NumericGreaterThanEquals).filter((n) => n !== undefined)).toEqual([90]);
  });
});

describe('snapshot restore drill of an Aurora cluster', () => {
  const { definition } = snapshotRestoreDrill({ source: 'aurora-cluster' });
  const restored = ['Find snapshots', 'Restore scratch cluster', 'Create scratch instance'];
  const deletedBoth = ['Delete scratch instance after failure', 'Delete scratch cluster after failure'];

  test('a successful drill deletes the instance, then the cluster, then publishes success and duration', async () => {
    const run = await runDrill(definition, clusterHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([
      ...restored, ...polledAndChecked, 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric',
    ]);
    expect(run.calls.find((c) => c.state === 'Delete scratch instance')!.input.DbInstanceIdentifier).toBe(`${SCRATCH}-1`);
    expect(run.calls.find((c) => c.state === 'Delete scratch cluster')!.input).toEqual({
      DbClusterIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true,
    });
  });

  test('the newest cluster snapshot is restored with its engine into a private cluster with one small instance', async () => {
    const run = await runDrill(definition, clusterHandlers);
    expect(run.calls[0].input).toEqual({ DbClusterIdentifier: 'orders-db', SnapshotType: 'automated', MaxRecords: 100 });
    expect(run.calls.find((c) => c.state === 'Restore scratch cluster')!.input).toMatchObject({
      DbClusterIdentifier: SCRATCH,
      SnapshotIdentifier: 'rds:orders-2026-11-23-03-05',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DbSubnetGroupName: 'drill-subnets',
      VpcSecurityGroupIds: ['sg-222', 'sg-333'],
      DeletionProtection: false,
    });
    expect(run.calls.find((c) => c.state === 'Create scratch instance')!.input).toMatchObject({
      DbInstanceIdentifier: `${SCRATCH}-1`,
      DbClusterIdentifier: SCRATCH,
      DbInstanceClass: 'db.t4g.medium',
      Engine: 'aurora-postgresql',
      PubliclyAccessible: false,
    });
  });

  test.each([
    { name: 'listing the snapshots fails', failing: ['Find snapshots'], error: 'States.TaskFailed', order: ['Find snapshots', ...reported], cleanup: [] },
    {
      name: 'the cluster restore fails',
      failing: ['Restore scratch cluster'],
      error: 'States.TaskFailed',
      order: ['Find snapshots', 'Restore scratch cluster', 'Delete scratch cluster after failure', ...reported],
      cleanup: ['Delete scratch cluster after failure'],
    },
    {
      name: 'creating the instance fails',
      failing: ['Create scratch instance'],
      error: 'States.TaskFailed',
      order: [...restored, ...deletedBoth, ...reported],
      cleanup: deletedBoth,
    },
    {
      name: 'describing the instance fails',
      failing: ['Describe scratch instance'],
      error: 'States.TaskFailed',
      order: [...restored, 'Describe scratch instance', ...deletedBoth, ...reported],
      cleanup: deletedBoth,
    },
    {
      name: 'the checks fail',
      failing: ['Run checks task'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deletedBoth, ...reported],
      cleanup: [...stoppedChecks, ...deletedBoth],
    },
    {
      name: 'the checks time out',
      failing: ['Run checks task'],
      error: 'States.Timeout',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deletedBoth, ...reported],
      cleanup: [...stoppedChecks, ...deletedBoth],
    },
    {
      name: 'deleting the cluster after a success fails',
      failing: ['Delete scratch cluster'],
      error: 'States.TaskFailed',
      expected: 'RestoreDrill.CleanupFailed',
      order: [...restored, ...polledAndChecked, 'Delete scratch instance', 'Delete scratch cluster', ...reported],
      cleanup: ['Delete scratch instance', 'Delete scratch cluster'],
    },
    {
      name: 'deleting the instance after a failure fails',
      failing: ['Run checks task', 'Delete scratch instance after failure'],
      error: 'States.TaskFailed',
      expected: 'RestoreDrill.CleanupFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, 'Delete scratch instance after failure', ...reported],
      cleanup: [...stoppedChecks, 'Delete scratch instance after failure'],
    },
    {
      name: 'deleting the cluster after a failure fails',
      failing: ['Run checks task', 'Delete scratch cluster after failure'],
      error: 'States.TaskFailed',
      expected: 'RestoreDrill.CleanupFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deletedBoth, ...reported],
      cleanup: [...stoppedChecks, ...deletedBoth],
    },
  ])('when $name, the drill cleans up what exists, publishes the failure metric, notifies and fails', async ({ failing, error, expected, order, cleanup }) => {
    const run = await runDrill(definition, withFailures(clusterHandlers, failing, error));
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error: expected ?? error, cleanup });
  });

  test('a scratch instance that never becomes available fails the drill, and the instance and cluster are deleted', async () => {
    const drill = snapshotRestoreDrill({ source: 'aurora-cluster', maxPolls: 2 });
    const run = await runDrill(drill.definition, { ...clusterHandlers, 'Describe scratch instance': () => instanceStatus('creating') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', 'Describe scratch instance', ...deletedBoth, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: deletedBoth });
  });

  test('a cluster that was never created counts as cleaned up', async () => {
    const run = await runDrill(definition, {
      ...withFailures(clusterHandlers, ['Restore scratch cluster']),
      'Delete scratch cluster after failure': () => { throw taskError('Rds.DbClusterNotFoundException'); },
    });
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Delete scratch cluster after failure'] });
  });
});

describe('snapshot restore drill options', () => {
  test.each([
    { options: { scratchIdentifierPrefix: 'Drill' }, path: 'scratchIdentifierPrefix' },
    { options: { scratchIdentifierPrefix: 'pg--drill' }, path: 'scratchIdentifierPrefix' },
    { options: { scratchIdentifierPrefix: 'a-very-long-prefix-for-drills' }, path: 'scratchIdentifierPrefix' },
    { options: { pollIntervalSeconds: 5 }, path: 'pollIntervalSeconds' },
    { options: { maxPolls: 0 }, path: 'maxPolls' },
    { options: { scratchInstanceClass: 't4g.micro' }, path: 'scratchInstanceClass' },
    { options: { source: 'cluster' as never }, path: 'source' },
    { options: { snapshotType: 'shared' as never }, path: 'snapshotType' },
    { options: { checksArgs: ['check', "--sql='x'"] }, path: 'checksArgs[1]' },
    { options: { maxRestoreDurationSeconds: 30 }, path: 'maxRestoreDurationSeconds' },
    { options: { metricNamespace: 'AWS/RDS' }, path: 'metricNamespace' },
  ])('rejects $path in $options', ({ options, path }) => {
    expect(() => snapshotRestoreDrill(options)).toThrow(new RegExp(`${path.replace(/[[\]]/g, '\\$&')} is `));
  });

  test('every problem is reported at once', () => {
    expect(() => snapshotRestoreDrill({ pollIntervalSeconds: 1, maxPolls: -1 })).toThrow(/2 problems/);
  });
});
