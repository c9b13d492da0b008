import { createHash } from 'node:crypto';
import {
  DrillRun, EXECUTION_NAME, STATE_ENTERED_TIME, TaskHandler, aslProblems, expectFailurePath, runDrill, taskError, taskStates, withFailures,
} from './drill-harness';
import {
  DrillStateName, RestoreDrillStateMachine, allIamActions, dumpRestoreDrill, fleetDumpRestoreDrill, pitrRestoreDrill, pointInTimeRestoreDrill,
  restoreTestingValidation, scratchRdsDumpRestoreDrill, snapshotRestoreDrill,
} from '../../../../src/core/aws/state-machines';
import { drillResultsFolder } from '../../../../src/core/policy/backup-store-layout';
import { BackupLayout } from '../../../../src/runner/backup-layout';
import { parseBackupLocation } from '../../../../src/runner/backup-location';
import { drillRecordKey } from '../../../../src/runner/drill-record';

const SCRATCH = `pg-drill-${createHash('md5').update(EXECUTION_NAME).digest('hex')}`;
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
const STORE = DrillStateName.STORE_FAILED_DRILL_RECORD;
const DELETE = 'Delete scratch instance after failure';

const instanceStatus = (status: string) => ({
  DbInstances: [{ DbInstanceIdentifier: SCRATCH, DbInstanceStatus: status, ...(status === 'available' ? { Endpoint: ENDPOINT } : {}) }],
});

const snapshotHandlers: Record<string, TaskHandler> = {
  'Find snapshots': () => ({
    DbSnapshots: [{ DbSnapshotIdentifier: 'rds:orders-2026-11-23-03-05', Status: 'available', SnapshotCreateTime: '2026-11-23T03:05:09.456Z' }],
  }),
  'Restore scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: SCRATCH, DbInstanceStatus: 'creating' } }),
  'Describe scratch instance': (_input, index) => instanceStatus(index === 0 ? 'creating' : 'available'),
  'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running checks task': () => ({ TaskArns: [] }),
  'Stop checks task': () => ({ Task: { TaskArn: TASK_ARN } }),
  'Delete scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  [DELETE]: () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  [STORE]: () => ({ ETag: '"1"' }),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

/** What ECS reports of a checks task whose container exited 1 (`pg-backup check` found a failed check). */
const STOPPED_TASK_CAUSE = JSON.stringify({ TaskArn: TASK_ARN, StopCode: 'EssentialContainerExited', Containers: [{ Name: 'runner', ExitCode: 1 }] });

/** `20261124T060000.000Z` from `2026-11-24T06:00:00.000Z`, as `pg-backup` names its drill results. */
const compact = (time: string) => time.replace(/[-:]/g, '');

function call(run: DrillRun, state: string): any {
  return run.calls.find((c) => c.state === state)?.input;
}

/**
 * The record the drill put: the body its Build state made, after checking that the put's Body is that body's JSON
 * text. The local engine strips every backslash from an intrinsic's result (Step Functions does not), so a reason with
 * quotes reaches the mocked put unescaped; the comparison allows for that and nothing else.
 */
function storedRecord(run: DrillRun): any {
  const body = run.stateOutputs[DrillStateName.BUILD_FAILED_DRILL_RECORD].failedDrillRecord.body;
  expect(call(run, STORE).Body).toBe(JSON.stringify(body).replaceAll('\\', ''));
  return body;
}

/** Runs a drill and returns the run with the window its execution started in. */
async function timedRun(drill: RestoreDrillStateMachine, handlers: Record<string, TaskHandler>) {
  const before = Date.now();
  const run = await runDrill(drill.definition, handlers);
  return { run, before, after: Date.now() };
}

describe('a snapshot drill that writes its failures beside the backups', () => {
  const drill = snapshotRestoreDrill({ writeFailedDrillResult: true, maxPolls: 2 });

  test.each([
    {
      name: 'the restore is refused',
      handlers: {
        ...snapshotHandlers,
        'Restore scratch instance': () => { throw taskError('Rds.InvalidRestoreException', 'The snapshot is encrypted with a key the drill may not use'); },
        [DELETE]: () => { throw taskError('Rds.DbInstanceNotFoundException'); },
      },
      error: 'Rds.InvalidRestoreException',
      reason: 'Rds.InvalidRestoreException: The snapshot is encrypted with a key the drill may not use',
    },
    {
      name: 'the scratch instance never becomes available',
      handlers: { ...snapshotHandlers, 'Describe scratch instance': () => instanceStatus('creating') },
      error: 'RestoreDrill.ScratchNeverAvailable',
      reason: `RestoreDrill.ScratchNeverAvailable: The scratch instance ${SCRATCH} never became available: still creating after 2 checks 60 seconds apart`,
    },
    {
      name: 'the checks task cannot start',
      handlers: {
        ...snapshotHandlers,
        'Run checks task': () => { throw taskError('ECS.AccessDeniedException', 'User is not authorized to perform ecs:RunTask'); },
      },
      error: 'ECS.AccessDeniedException',
      reason: 'ECS.AccessDeniedException: User is not authorized to perform ecs:RunTask',
    },
    {
      name: 'the checks fail',
      handlers: { ...snapshotHandlers, 'Run checks task': () => { throw taskError('States.TaskFailed', STOPPED_TASK_CAUSE); } },
      error: 'States.TaskFailed',
      reason: `States.TaskFailed: ${STOPPED_TASK_CAUSE}`,
    },
  ])('when $name, the scratch instance is deleted, then a failed drill with the reason is written before the notification', async ({
    handlers, error, reason,
  }) => {
    const { run, before, after } = await timedRun(drill, handlers);
    expectFailurePath(run, { error, cleanup: [DELETE] });
    expect(call(run, DELETE)).toEqual({ DbInstanceIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true });
    expect(run.order.slice(-3)).toEqual(['Publish failure metric', STORE, 'Notify failure']);

    const put = call(run, STORE);
    const body = storedRecord(run);
    expect(put).toEqual({
      Bucket: 'orders-backups', Key: `dumps/orders/drills/${compact(body.startedAt)}.json`, Body: expect.any(String), ContentType: 'application/json', ChecksumAlgorithm: 'SHA256',
    });
    expect(body).toEqual({
      version: 1,
      kind: 'snapshot',
      database: 'orders',
      succeeded: false,
      reason,
      startedAt: expect.any(String),
      finishedAt: STATE_ENTERED_TIME,
      drillId: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}`,
      // What the drill was restoring: the snapshot its scan chose, as the checks task records it.
      restored: { snapshot: 'rds:orders-2026-11-23-03-05' },
      checks: [],
    });
    expect(Date.parse(body.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.startedAt)).toBeLessThanOrEqual(after);
  });

  test('a failure before a snapshot was chosen records nothing as restored', async () => {
    const run = await runDrill(drill.definition, withFailures(snapshotHandlers, ['Find snapshots'], 'Rds.AccessDenied'));
    expectFailurePath(run, { error: 'Rds.AccessDenied', cleanup: [] });
    expect(storedRecord(run).restored).toEqual({});
  });

  test('a record that cannot be written is lost, and the drill\'s own error is still notified', async () => {
    const run = await runDrill(drill.definition, withFailures(
      { ...snapshotHandlers, 'Describe scratch instance': () => instanceStatus('incompatible-restore') }, [STORE], 'S3.AccessDenied',
    ));
    expectFailurePath(run, { error: 'RestoreDrill.RestoreFailed', cleanup: [DELETE] });
    expect(call(run, 'Notify failure').Message).toContain('Error: RestoreDrill.RestoreFailed');
  });

  test('a successful drill writes nothing from the state machine: its checks task records it', async () => {
    const run = await runDrill(drill.definition, snapshotHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).not.toContain(STORE);
  });

  test('a cleanup that fails after passing checks is written as a failed drill, never as a success', async () => {
    const run = await runDrill(drill.definition, withFailures(snapshotHandlers, ['Delete scratch instance'], 'Rds.InvalidDbInstanceStateException'));
    expectFailurePath(run, { error: 'RestoreDrill.CleanupFailed', cleanup: [] });
    const body = storedRecord(run);
    expect(body.succeeded).toBe(false);
    expect(body.reason).toMatch(/^RestoreDrill\.CleanupFailed: The restore and checks passed, but deleting the scratch resources failed/);
  });

  test('the role may put objects where drill results go, and the definition names the result store\'s bucket and folder', () => {
    expect(drill.iamActions).toContainEqual(expect.objectContaining({ resource: 'drill-result-objects', actions: ['s3:PutObject'] }));
    expect(drill.placeholders).toEqual(expect.arrayContaining(['DrillResultsBucket', 'DrillResultsFolder']));
  });

  test('without writeFailedDrillResult, the failure tail writes nothing and the role may not put objects', async () => {
    const plain = snapshotRestoreDrill();
    const run = await runDrill(plain.definition, withFailures(snapshotHandlers, ['Restore scratch instance']));
    expect(run.order.slice(-2)).toEqual(['Publish failure metric', 'Notify failure']);
    expect(allIamActions(plain.iamActions)).not.toContain('s3:PutObject');
    expect(plain.placeholders).not.toContain('DrillResultsBucket');
  });
});

// What each drill knows it restores when its first call fails: a target time is chosen before any call; a snapshot or
// a backup id only once a call has found it.
const TARGET_KNOWN = { targetTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) };
describe.each([
  ['dump', () => dumpRestoreDrill({ writeFailedDrillResult: true }), {}],
  ['dump', () => scratchRdsDumpRestoreDrill({ writeFailedDrillResult: true }), {}],
  ['pitr', () => pitrRestoreDrill({ writeFailedDrillResult: true }), TARGET_KNOWN],
  ['snapshot', () => snapshotRestoreDrill({ writeFailedDrillResult: true, source: 'aurora-cluster' }), {}],
  ['point-in-time', () => pointInTimeRestoreDrill({ writeFailedDrillResult: true }), TARGET_KNOWN],
  ['point-in-time', () => pointInTimeRestoreDrill({ writeFailedDrillResult: true, source: 'aurora-cluster' }), TARGET_KNOWN],
])('a %s drill that writes its failures', (kind, build, restored) => {
  const drill = build();

  test('is a valid definition', () => {
    expect(aslProblems(drill.definition)).toEqual([]);
  });

  test('writes a failed drill of its kind when its first call fails, after cleaning up and before notifying', async () => {
    // Every call fails but the outcome's: the first failure starts the failure path, and the cleanup fails too.
    const tail = ['Publish failure metric', STORE, 'Notify failure'];
    const handlers = Object.fromEntries(taskStates(drill.definition).map(([name]) => [name, tail.includes(name)
      ? () => ({})
      : () => { throw taskError('States.TaskFailed', `${name} failed`); }]));
    const run = await runDrill(drill.definition, handlers);
    expect(run.error?.name).toMatch(/^(States\.TaskFailed|RestoreDrill\.CleanupFailed)$/);
    expect(run.order.slice(-3)).toEqual(tail);
    const body = storedRecord(run);
    expect(body).toMatchObject({ version: 1, kind, database: 'orders', succeeded: false, reason: `${run.error!.name}: ${run.error!.cause}` });
    expect(body.restored).toEqual(restored);
  });

  test('writes its record where pg-backup lays out a store with no prefix and a database name with spaces and umlauts', async () => {
    const database = 'Bestellungen März 2026';
    const tail = ['Publish failure metric', STORE, 'Notify failure'];
    const handlers = Object.fromEntries(taskStates(drill.definition).map(([name]) => [name, tail.includes(name)
      ? () => ({})
      : () => { throw taskError('States.TaskFailed', `${name} failed`); }]));
    const run = await runDrill(drill.definition, handlers, {}, {
      DatabaseName: database, DrillResultsFolder: drillResultsFolder('', database),
    });
    const body = storedRecord(run);
    const layout = new BackupLayout(parseBackupLocation('s3://orders-backups'));
    expect(call(run, STORE).Key).toBe(drillRecordKey(layout, database, new Date(body.startedAt)));
    expect(call(run, STORE).Key).toMatch(/^Bestellungen%20M%C3%A4rz%202026\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/);
    expect(layout.parseObjectKey(call(run, STORE).Key)).toMatchObject({ database, backupId: 'drills' });
    expect(body.database).toBe(database);
  });
});

describe('a dump drill into a scratch RDS instance that writes its failures', () => {
  test('records the backup the latest pointer named when reading its manifest fails', async () => {
    const drill = scratchRdsDumpRestoreDrill({ writeFailedDrillResult: true });
    const handlers = Object.fromEntries(taskStates(drill.definition).map(([name]) => [name, () => ({})]));
    const run = await runDrill(drill.definition, {
      ...handlers,
      'Read latest pointer': () => ({ Body: JSON.stringify({ backupId: '20261124T020000Z-4f2a' }) }),
      'Read backup manifest': () => { throw taskError('S3.NoSuchKey', 'The specified key does not exist.'); },
    });
    expect(run.error?.name).toBe('S3.NoSuchKey');
    expect(storedRecord(run).restored).toEqual({ backupId: '20261124T020000Z-4f2a' });
  });
});

describe('every drill kind that writes its result', () => {
  /** Every state, those inside a Map's item processor too. */
  const statesOf = (definition: any): any[] => Object.values<any>(definition.States)
    .flatMap((state) => [state, ...(state.ItemProcessor ? statesOf(state.ItemProcessor) : [])]);

  test.each([
    ['dump', dumpRestoreDrill({ writeFailedDrillResult: true }).definition],
    ['dump into a scratch RDS instance', scratchRdsDumpRestoreDrill({ writeFailedDrillResult: true }).definition],
    ['dump of a fleet', fleetDumpRestoreDrill().definition],
    ['pitr', pitrRestoreDrill({ writeFailedDrillResult: true }).definition],
    ['snapshot', snapshotRestoreDrill({ writeFailedDrillResult: true }).definition],
    ['point-in-time', pointInTimeRestoreDrill({ writeFailedDrillResult: true, source: 'aurora-cluster' }).definition],
    ['restore-testing', restoreTestingValidation({ writeDrillResult: true }).definition],
  ])('%s asks S3 to check a SHA-256 of the result, which a bucket with Object Lock requires', (_kind, definition) => {
    const puts = statesOf(definition).filter((state) => state.Resource === 'arn:${Partition}:states:::aws-sdk:s3:putObject');
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.map((state) => state.Parameters.ChecksumAlgorithm)).toEqual(puts.map(() => 'SHA256'));
  });
});
