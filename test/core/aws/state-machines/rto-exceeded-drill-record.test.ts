import { createHash } from 'node:crypto';
import { DrillClock, DrillRun, EXECUTION_NAME, STATE_ENTERED_TIME, TaskHandler, expectFailurePath, runDrill, taskStates } from './drill-harness';
import {
  DrillStateName, RestoreDrillStateMachine, dumpRestoreDrill, pitrRestoreDrill, pointInTimeRestoreDrill, restoreTestingValidation,
  snapshotRestoreDrill,
} from '../../../../src/core/aws/state-machines';
import { BackupLayout } from '../../../../src/runner/backup-layout';
import { parseBackupLocation } from '../../../../src/runner/backup-location';
import { drillRecordKey } from '../../../../src/runner/drill-record';

const SCRATCH = `pg-drill-${createHash('md5').update(EXECUTION_NAME).digest('hex')}`;
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/7a7a';
const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
const STORE = DrillStateName.STORE_FAILED_DRILL_RECORD;
const FAR_AHEAD = '2100-01-01T00:00:00Z';

/** Two hours before the states are entered: a drill of that long, against the default RTO of one hour. */
const TWO_HOURS_EARLIER = new Date(Date.parse(STATE_ENTERED_TIME) - 7200 * 1000).toISOString();
const TWO_HOURS_LATER = new Date(Date.parse(STATE_ENTERED_TIME) + 7200 * 1000).toISOString();

const instanceStatus = (status: string) => ({
  DbInstances: [{ DbInstanceIdentifier: SCRATCH, DbInstanceStatus: status, ...(status === 'available' ? { Endpoint: ENDPOINT } : {}) }],
});

/** Every task of `definition` answering as a successful one does: the drill's restore and checks pass. */
function passing(drill: RestoreDrillStateMachine, answers: Record<string, TaskHandler>): Record<string, TaskHandler> {
  const task = () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] });
  return {
    ...Object.fromEntries(taskStates(drill.definition).map(([name]) => [name, name.startsWith('Run ') ? task : () => ({})])),
    ...answers,
  };
}

const scratchInstance: Record<string, TaskHandler> = {
  'Restore scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: SCRATCH, DbInstanceStatus: 'creating' } }),
  'Describe scratch instance': () => instanceStatus('available'),
};

/** The drills that write their results beside the backups, each with its checks passing, and how long it took. */
const drills: Array<{ kind: string; drill: RestoreDrillStateMachine; answers: Record<string, TaskHandler>; clock: DrillClock; input?: object }> = [
  { kind: 'dump', drill: dumpRestoreDrill({ writeFailedDrillResult: true }), answers: {}, clock: { startTime: TWO_HOURS_EARLIER } },
  {
    kind: 'snapshot',
    drill: snapshotRestoreDrill({ writeFailedDrillResult: true }),
    answers: {
      ...scratchInstance,
      'Find snapshots': () => ({ DbSnapshots: [{ DbSnapshotIdentifier: 'rds:orders-1', Status: 'available', SnapshotCreateTime: '2026-11-23T03:05:09Z' }] }),
    },
    clock: { startTime: TWO_HOURS_EARLIER },
  },
  { kind: 'pitr', drill: pitrRestoreDrill({ writeFailedDrillResult: true }), answers: {}, clock: { startTime: TWO_HOURS_EARLIER }, input: { targetTime: '2026-11-24T04:30:00Z' } },
  {
    // Its restore starts when the states are entered: the clock reads two hours later when it is measured.
    kind: 'point-in-time',
    drill: pointInTimeRestoreDrill({ writeFailedDrillResult: true }),
    answers: {
      ...scratchInstance,
      'Describe source': () => ({ DbInstances: [{ DbInstanceIdentifier: 'orders-db', DbInstanceStatus: 'available', EarliestRestorableTime: '2000-01-01T00:00:00Z', LatestRestorableTime: FAR_AHEAD }] }),
    },
    clock: { now: TWO_HOURS_LATER },
  },
];

function stored(run: DrillRun): { key: string; body: any } {
  const { key, body } = run.stateOutputs[DrillStateName.BUILD_FAILED_DRILL_RECORD].failedDrillRecord;
  expect(run.calls.find((call) => call.state === STORE)!.input.Key).toBe(key);
  return { key, body };
}

describe.each(drills)('a $kind drill whose checks pass on a restore slower than its RTO', ({ kind, drill, answers, clock, input }) => {
  let run: DrillRun;
  beforeAll(async () => {
    run = await runDrill(drill.definition, passing(drill, answers), input ?? {}, {}, clock);
  });

  test('fails with RestoreDrill.RtoExceeded after publishing the measured restore, counted and notified', () => {
    expectFailurePath(run, { error: 'RestoreDrill.RtoExceeded', cleanup: [] });
    expect(run.error!.cause).toBe('The restore took 7200 seconds; the RTO is 3600 seconds');
    const duration = run.calls.find((call) => call.state === DrillStateName.PUBLISH_RESTORE_DURATION)!.input.MetricData[0];
    expect(duration).toMatchObject({ MetricName: 'RestoreDurationSeconds', Value: 7200, Unit: 'Seconds' });
    expect(run.order).not.toContain(DrillStateName.PUBLISH_SUCCESS_METRIC);
    expect(run.order.slice(-4)).toEqual([
      DrillStateName.PUBLISH_RESTORE_DURATION, DrillStateName.PUBLISH_FAILURE_METRIC, STORE, DrillStateName.NOTIFY_FAILURE,
    ]);
  });

  test('writes a failed drill result that says the RTO was exceeded', () => {
    expect(stored(run).body).toMatchObject({
      version: 1,
      kind,
      database: 'orders',
      succeeded: false,
      reason: 'RestoreDrill.RtoExceeded: The restore took 7200 seconds; the RTO is 3600 seconds',
      rtoSeconds: 7200,
      rtoObjectiveSeconds: 3600,
      rtoExceeded: true,
      finishedAt: STATE_ENTERED_TIME,
    });
  });

  test('names that result after the moment it is written, so it is newer than the success the task wrote before it', () => {
    const layout = new BackupLayout(parseBackupLocation('s3://orders-backups/dumps'));
    const { key } = stored(run);
    expect(key).toBe(drillRecordKey(layout, 'orders', new Date(STATE_ENTERED_TIME)));
    // The task wrote its result when it finished: after the drill started, before the state machine judged the RTO.
    const taskFinished = new Date(Date.parse(STATE_ENTERED_TIME) - 1000);
    expect([drillRecordKey(layout, 'orders', taskFinished), key].sort().at(-1)).toBe(key);
  });
});

describe('a drill whose restore is within its RTO', () => {
  test('publishes its duration, then its success, and writes nothing', async () => {
    const drill = dumpRestoreDrill({ writeFailedDrillResult: true, maxRestoreDurationSeconds: 7200 });
    const run = await runDrill(drill.definition, passing(drill, {}), {}, {}, { startTime: TWO_HOURS_EARLIER });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Run verify task', DrillStateName.PUBLISH_RESTORE_DURATION, DrillStateName.PUBLISH_SUCCESS_METRIC]);
  });

  test('a failure before its task finished is still named after the drill\'s start, so the task\'s own result stays the newer', async () => {
    const drill = dumpRestoreDrill({ writeFailedDrillResult: true });
    const run = await runDrill(drill.definition, passing(drill, {
      'Run verify task': () => { throw Object.assign(new Error('checks failed'), { name: 'States.TaskFailed' }); },
      'Find running verify task': () => ({ TaskArns: [] }),
    }), {}, {}, { startTime: TWO_HOURS_EARLIER });
    expect(run.error?.name).toBe('States.TaskFailed');
    const { key, body } = stored(run);
    expect(key).toBe(drillRecordKey(new BackupLayout(parseBackupLocation('s3://orders-backups/dumps')), 'orders', new Date(TWO_HOURS_EARLIER)));
    expect(body).not.toHaveProperty('rtoExceeded');
    expect(body).not.toHaveProperty('rtoSeconds');
  });
});

describe('a validated AWS Backup restore test whose restore job took longer than the RTO', () => {
  const drill = restoreTestingValidation({ writeDrillResult: true, maxRestoreDurationSeconds: 1200 });
  const event = {
    detail: {
      restoreJobId: 'E8B1C2D3-restore-job',
      status: 'COMPLETED',
      createdResourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:awsbackup-restore-test-1',
      creationDate: '2026-11-24T06:00:00.000Z',
      completionDate: '2026-11-24T06:25:30.000Z',
    },
  };

  test('reports the checks to AWS Backup as they were, writes a result that is not a good drill, then fails, counted and notified', async () => {
    const run = await runDrill(drill.definition, passing(drill, {
      'Describe restored instance': () => ({ DbInstances: [{ Endpoint: { Address: ENDPOINT.Address, Port: ENDPOINT.Port } }] }),
    }), event);
    expectFailurePath(run, { error: 'RestoreDrill.RtoExceeded', cleanup: [] });
    expect(run.calls.find((call) => call.state === 'Report validation successful')).toBeDefined();
    const result = run.stateOutputs['Prepare drill result'].drillResult.body;
    expect(result).toMatchObject({
      kind: 'restore-testing',
      succeeded: false,
      rtoSeconds: 1530,
      rtoObjectiveSeconds: 1200,
      rtoExceeded: true,
      reason: 'RestoreDrill.RtoExceeded: The restore took 1530 seconds; the RTO is 1200 seconds',
    });
  });
});
