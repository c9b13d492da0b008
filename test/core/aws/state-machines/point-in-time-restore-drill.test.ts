import { createHash } from 'node:crypto';
import { EXECUTION_NAME, STATE_ENTERED_TIME, TaskHandler, expectFailurePath, runDrill, taskError, withFailures } from './drill-harness';
import { pointInTimeRestoreDrill } from '../../../../src/core/aws/state-machines';

const SCRATCH = `pg-drill-${createHash('md5').update(EXECUTION_NAME).digest('hex')}`;
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
/** Restorable times far before and after any execution's start, so a test decides on which side of the target they are. */
const LONG_AGO = '2000-01-01T00:00:00Z';
const FAR_AHEAD = '2100-01-01T00:00:00Z';

const window = (latest: string, earliest: string = LONG_AGO) => ({ EarliestRestorableTime: earliest, LatestRestorableTime: latest });

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
  'Describe source': () => ({ DbInstances: [{ DbInstanceIdentifier: 'orders-db', DbInstanceStatus: 'available', ...window(FAR_AHEAD) }] }),
  'Restore scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: SCRATCH, DbInstanceStatus: 'creating' } }),
};

const clusterHandlers: Record<string, TaskHandler> = {
  ...common,
  'Describe source': () => ({ DbClusters: [{ DbClusterIdentifier: 'orders-db', Engine: 'aurora-postgresql', ...window(FAR_AHEAD) }] }),
  'Restore scratch cluster': () => ({ DbCluster: { DbClusterIdentifier: SCRATCH, Status: 'creating' } }),
  'Create scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: `${SCRATCH}-1`, DbInstanceStatus: 'creating' } }),
  'Delete scratch cluster': () => ({ DbCluster: { Status: 'deleting' } }),
  'Delete scratch cluster after failure': () => ({ DbCluster: { Status: 'deleting' } }),
};

const polledAndChecked = ['Describe scratch instance', 'Describe scratch instance', 'Run checks task'];
const stoppedChecks = ['Find running checks task', 'Stop checks task'];
const reported = ['Publish failure metric', 'Notify failure'];

/** The target the execution recorded: the time its restore call asked for. */
function restoreTime(run: Awaited<ReturnType<typeof runDrill>>, state: string): string {
  return run.calls.find((c) => c.state === state)!.input.RestoreTime;
}

describe('point-in-time restore drill of an RDS instance', () => {
  const { definition } = pointInTimeRestoreDrill();
  const restored = ['Describe source', 'Restore scratch instance'];
  const deleted = ['Delete scratch instance after failure'];

  test('a successful drill restores the source to its target time, checks, deletes the scratch instance, then publishes success and duration', async () => {
    const startedBefore = Date.now();
    const run = await runDrill(definition, instanceHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...restored, ...polledAndChecked, 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls.find((c) => c.state === 'Delete scratch instance')!.input).toEqual({
      DbInstanceIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true,
    });
    // The target is the execution's start, taken before anything else happened.
    const target = Date.parse(restoreTime(run, 'Restore scratch instance'));
    expect(target).toBeGreaterThanOrEqual(startedBefore - 1000);
    expect(target).toBeLessThanOrEqual(Date.now());
  });

  test('the source is read by its identifier, and restored into a small, private, tagged scratch instance in the drill network', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.calls[0]).toEqual({ state: 'Describe source', input: { DbInstanceIdentifier: 'orders-db' } });
    expect(run.calls.find((c) => c.state === 'Restore scratch instance')!.input).toEqual({
      SourceDbInstanceIdentifier: 'orders-db',
      TargetDbInstanceIdentifier: SCRATCH,
      RestoreTime: restoreTime(run, 'Restore scratch instance'),
      DbInstanceClass: 'db.t4g.micro',
      DbSubnetGroupName: 'drill-subnets',
      VpcSecurityGroupIds: ['sg-222', 'sg-333'],
      PubliclyAccessible: false,
      DeletionProtection: false,
      CopyTagsToSnapshot: false,
      Tags: [{ Key: 'postgres-backup:drill', Value: EXECUTION_NAME }, { Key: 'postgres-backup:database', Value: 'orders' }],
    });
  });

  test('the checks task gets the scratch endpoint and the target time', async () => {
    const run = await runDrill(definition, instanceHandlers);
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override).toEqual({
      Name: 'runner',
      Command: ['pg-backup', 'check'],
      Environment: [
        { Name: 'PG_BACKUP_DRILL_ID', Value: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}` },
        { Name: 'PGHOST', Value: ENDPOINT.Address },
        { Name: 'PGPORT', Value: '5432' },
        { Name: 'PG_BACKUP_DRILL_TARGET_TIME', Value: restoreTime(run, 'Restore scratch instance') },
        // The RTO the checks task records runs from the restore call, as the published restore duration does.
        { Name: 'PG_BACKUP_DRILL_STARTED_AT', Value: STATE_ENTERED_TIME },
      ],
    });
  });

  test('the restore duration is measured from the restore call, not from the start of the wait for the target to age', () => {
    const start = definition.States['Record restore start'] as { Parameters: object; Next: string };
    expect(start).toMatchObject({ Parameters: { 'startedAt.$': '$$.State.EnteredTime' }, Next: 'Restore scratch instance' });
    const measure = definition.States['Measure restore'] as unknown as { Output: string };
    expect(measure.Output).toBe("{% $merge([$states.input, { 'restoreSeconds': $round(($millis() - $toMillis($states.input.restore.startedAt)) / 1000) }]) %}");
    const duration = definition.States['Publish restore duration'] as unknown as { Parameters: { MetricData: Array<{ 'Value.$': string; 'Dimensions': object }> } };
    expect(duration.Parameters.MetricData[0]['Value.$']).toBe('$.restoreSeconds');
    expect(duration.Parameters.MetricData[0].Dimensions).toEqual([{ Name: 'Database', Value: '${DatabaseName}' }, { Name: 'Drill', Value: 'point-in-time' }]);
  });

  test('the restore start the duration reads is in the state data when the duration is published', async () => {
    const run = await runDrill(definition, instanceHandlers);
    expect(run.stateOutputs['Publish success metric']).toMatchObject({ restore: { startedAt: STATE_ENTERED_TIME } });
  });

  test('the drill waits the target lag before it reads the source', () => {
    const drill = pointInTimeRestoreDrill({ targetLagSeconds: 5400 });
    expect(drill.definition.States['Wait target lag']).toEqual({ Type: 'Wait', Seconds: 5400, Next: 'Start source reads' });
  });

  test('a random extra lag is drawn within the window by each execution and waited after the target lag', async () => {
    const drill = pointInTimeRestoreDrill({ randomExtraLagSeconds: 1800 });
    expect(drill.definition.States['Wait target lag']).toMatchObject({ Next: 'Draw extra lag' });
    expect(drill.definition.States['Wait extra lag']).toEqual({ Type: 'Wait', SecondsPath: '$.extraLag.seconds', Next: 'Start source reads' });
    const run = await runDrill(drill.definition, instanceHandlers);
    expect(run.error).toBeUndefined();
    const drawn = run.stateOutputs['Wait extra lag'].extraLag.seconds;
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn <= 1800).toBe(true);
  });

  test('when the target is not yet restorable, the drill reads the source again until it is, then restores', async () => {
    const run = await runDrill(definition, {
      ...instanceHandlers,
      'Describe source': (_input, call) => ({ DbInstances: [window(call < 2 ? LONG_AGO : FAR_AHEAD)] }),
    });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([
      'Describe source', 'Describe source', 'Describe source', 'Restore scratch instance', ...polledAndChecked,
      'Delete scratch instance', 'Publish restore duration', 'Publish success metric',
    ]);
  });

  test('a latest restorable time at the target is enough, not only one after it', () => {
    // The target is the execution's start, which a mocked API cannot know in advance: the rule is read instead.
    expect(definition.States['Is target restorable?']).toMatchObject({
      Choices: expect.arrayContaining([
        { Variable: '$.source.database.LatestRestorableTime', TimestampGreaterThanEqualsPath: '$.drill.targetTime', Next: 'Record restore start' },
      ]),
    });
  });

  test('a target that never becomes restorable fails the drill after the bounded reads, before anything is created', async () => {
    const drill = pointInTimeRestoreDrill({ maxRestorablePolls: 3 });
    const run = await runDrill(drill.definition, { ...instanceHandlers, 'Describe source': () => ({ DbInstances: [window(LONG_AGO)] }) });
    expect(run.order).toEqual(['Describe source', 'Describe source', 'Describe source', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.TargetNeverRestorable', cleanup: [] });
    expect(run.error?.cause).toMatch(/^The target time \S+ never became restorable: orders-db was restorable only up to 2000-01-01T00:00:00Z after 3 reads 60 seconds apart$/);
  });

  test('a target older than the earliest restorable time is refused with the reason recorded, before anything is created', async () => {
    const run = await runDrill(definition, { ...instanceHandlers, 'Describe source': () => ({ DbInstances: [window(FAR_AHEAD, FAR_AHEAD)] }) });
    expect(run.order).toEqual(['Describe source', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.NotRestorable', cleanup: [] });
    expect(run.error?.cause).toMatch(/is older than the earliest restorable time 2100-01-01T00:00:00Z of orders-db: the continuous backups do not reach back that far$/);
  });

  test('a source without a restorable window (automated backups off) is refused, before anything is created', async () => {
    const run = await runDrill(definition, { ...instanceHandlers, 'Describe source': () => ({ DbInstances: [{ DbInstanceIdentifier: 'orders-db', BackupRetentionPeriod: 0 }] }) });
    expect(run.order).toEqual(['Describe source', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.NotRestorable', cleanup: [] });
    expect(run.error?.cause).toMatch(/^orders-db has no restorable time window \(are its automated backups on\?\), so it cannot be restored to the target time /);
  });

  test.each([
    { name: 'reading the source fails', failing: ['Describe source'], error: 'Rds.DbInstanceNotFoundException', order: ['Describe source', ...reported], cleanup: [] },
    {
      name: 'RDS refuses the restore',
      failing: ['Restore scratch instance'],
      error: 'Rds.InvalidRestoreException',
      order: [...restored, ...deleted, ...reported],
      cleanup: deleted,
    },
    {
      name: 'point-in-time restore is not enabled on the source',
      failing: ['Restore scratch instance'],
      error: 'Rds.PointInTimeRestoreNotEnabledException',
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
      name: 'the checks fail (data newer than the target, say)',
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
      name: 'the restore duration cannot be published',
      failing: ['Publish restore duration'],
      error: 'CloudWatch.InternalServiceException',
      order: [...restored, ...polledAndChecked, 'Delete scratch instance', 'Publish restore duration', ...reported],
      cleanup: ['Delete scratch instance'],
    },
  ])('when $name, the drill cleans up what it created, publishes the failure metric, notifies and fails', async ({ failing, error, order, cleanup }) => {
    const run = await runDrill(definition, withFailures(instanceHandlers, failing, error));
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error, cleanup });
  });

  test('a refused restore leaves no instance: "not found" on the cleanup counts as cleaned up', async () => {
    const run = await runDrill(definition, {
      ...withFailures(instanceHandlers, ['Restore scratch instance'], 'Rds.InvalidRestoreException'),
      'Delete scratch instance after failure': () => { throw taskError('Rds.DbInstanceNotFoundException'); },
    });
    expectFailurePath(run, { error: 'Rds.InvalidRestoreException', cleanup: deleted });
  });

  test('a scratch instance that never becomes available fails the drill after the poll bound, and is deleted', async () => {
    const drill = pointInTimeRestoreDrill({ maxPolls: 2 });
    const run = await runDrill(drill.definition, { ...instanceHandlers, 'Describe scratch instance': () => instanceStatus('creating') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', 'Describe scratch instance', ...deleted, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: deleted });
  });

  test('a restore that ends in a failed status names the target time, and the instance is deleted', async () => {
    const run = await runDrill(definition, { ...instanceHandlers, 'Describe scratch instance': () => instanceStatus('incompatible-restore') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', ...deleted, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.RestoreFailed', cleanup: deleted });
    expect(run.error?.cause).toMatch(new RegExp(`^The scratch instance ${SCRATCH} restored to \\S+ is incompatible-restore$`));
  });

  test('when deleting the scratch instance after a success fails, the drill fails as a cleanup failure naming the instance', async () => {
    const run = await runDrill(definition, withFailures(instanceHandlers, ['Delete scratch instance']));
    expectFailurePath(run, { error: 'RestoreDrill.CleanupFailed', cleanup: ['Delete scratch instance'] });
    expect(run.error?.cause).toContain(SCRATCH);
  });
});

describe('point-in-time restore drill of an Aurora cluster', () => {
  const { definition } = pointInTimeRestoreDrill({ source: 'aurora-cluster' });
  const restored = ['Describe source', 'Restore scratch cluster', 'Create scratch instance'];
  const deletedBoth = ['Delete scratch instance after failure', 'Delete scratch cluster after failure'];

  test('a successful drill restores a full copy of the cluster to the target, adds one small instance, checks, and deletes both', async () => {
    const run = await runDrill(definition, clusterHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([
      ...restored, ...polledAndChecked, 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric',
    ]);
    expect(run.calls[0].input).toEqual({ DbClusterIdentifier: 'orders-db' });
    expect(run.calls.find((c) => c.state === 'Restore scratch cluster')!.input).toEqual({
      SourceDbClusterIdentifier: 'orders-db',
      DbClusterIdentifier: SCRATCH,
      RestoreTime: restoreTime(run, 'Restore scratch cluster'),
      RestoreType: 'full-copy',
      DbSubnetGroupName: 'drill-subnets',
      VpcSecurityGroupIds: ['sg-222', 'sg-333'],
      DeletionProtection: false,
      CopyTagsToSnapshot: false,
      Tags: [{ Key: 'postgres-backup:drill', Value: EXECUTION_NAME }, { Key: 'postgres-backup:database', Value: 'orders' }],
    });
    expect(run.calls.find((c) => c.state === 'Create scratch instance')!.input).toMatchObject({
      DbInstanceIdentifier: `${SCRATCH}-1`, DbClusterIdentifier: SCRATCH, DbInstanceClass: 'db.t4g.medium', Engine: 'aurora-postgresql', PubliclyAccessible: false,
    });
    expect(run.calls.find((c) => c.state === 'Delete scratch cluster')!.input).toEqual({
      DbClusterIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true,
    });
  });

  test('when the target is not yet restorable, the cluster is read again until it is', async () => {
    const run = await runDrill(definition, {
      ...clusterHandlers,
      'Describe source': (_input, call) => ({ DbClusters: [{ Engine: 'aurora-postgresql', ...window(call === 0 ? LONG_AGO : FAR_AHEAD) }] }),
    });
    expect(run.error).toBeUndefined();
    expect(run.order.slice(0, 3)).toEqual(['Describe source', 'Describe source', 'Restore scratch cluster']);
  });

  test('a target that never becomes restorable fails before anything is created', async () => {
    const drill = pointInTimeRestoreDrill({ source: 'aurora-cluster', maxRestorablePolls: 2 });
    const run = await runDrill(drill.definition, { ...clusterHandlers, 'Describe source': () => ({ DbClusters: [window(LONG_AGO)] }) });
    expect(run.order).toEqual(['Describe source', 'Describe source', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.TargetNeverRestorable', cleanup: [] });
  });

  test.each([
    {
      name: 'RDS refuses the cluster restore',
      failing: ['Restore scratch cluster'],
      error: 'Rds.InvalidRestoreException',
      order: ['Describe source', 'Restore scratch cluster', 'Delete scratch cluster after failure', ...reported],
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
      name: 'the checks fail',
      failing: ['Run checks task'],
      error: 'States.TaskFailed',
      order: [...restored, ...polledAndChecked, ...stoppedChecks, ...deletedBoth, ...reported],
      cleanup: [...stoppedChecks, ...deletedBoth],
    },
  ])('when $name, the drill deletes what exists, publishes the failure metric, notifies and fails', async ({ failing, error, order, cleanup }) => {
    const run = await runDrill(definition, withFailures(clusterHandlers, failing, error));
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error, cleanup });
  });

  test('a scratch instance that never becomes available fails the drill, and the instance and cluster are deleted', async () => {
    const drill = pointInTimeRestoreDrill({ source: 'aurora-cluster', maxPolls: 2 });
    const run = await runDrill(drill.definition, { ...clusterHandlers, 'Describe scratch instance': () => instanceStatus('creating') });
    expect(run.order).toEqual([...restored, 'Describe scratch instance', 'Describe scratch instance', ...deletedBoth, ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: deletedBoth });
  });
});

describe('point-in-time restore drill options', () => {
  test.each([
    { options: { targetLagSeconds: -1 }, path: 'targetLagSeconds' },
    { options: { targetLagSeconds: 8 * 86_400 }, path: 'targetLagSeconds' },
    { options: { randomExtraLagSeconds: 1.5 }, path: 'randomExtraLagSeconds' },
    { options: { restorablePollIntervalSeconds: 5 }, path: 'restorablePollIntervalSeconds' },
    { options: { maxRestorablePolls: 0 }, path: 'maxRestorablePolls' },
    { options: { scratchIdentifierPrefix: 'Drill' }, path: 'scratchIdentifierPrefix' },
    { options: { source: 'cluster' as never }, path: 'source' },
  ])('rejects $path in $options', ({ options, path }) => {
    expect(() => pointInTimeRestoreDrill(options)).toThrow(new RegExp(`${path} is `));
  });

  test('the execution timeout covers the target lag, the extra lag and the reads of the source', () => {
    const base = pointInTimeRestoreDrill({ targetLagSeconds: 0 }).definition.TimeoutSeconds;
    const lagged = pointInTimeRestoreDrill({ targetLagSeconds: 3600, randomExtraLagSeconds: 1800 }).definition.TimeoutSeconds;
    expect(lagged - base).toBe(5400);
  });
});
