import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { EXECUTION_NAME, TaskHandler, aslProblems, evaluatingJsonataPassStates, sampleSubstitutions, taskError } from './drill-harness';
import {
  FleetDrillDefinition, FleetDrillInput, FleetDrillStateName, StateMachineDefinition, allIamActions, fleetDumpRestoreDrill,
  fleetDrillExecutionTimeoutSeconds, renderDefinition,
} from '../../../../src/core/aws/state-machines';
import { drillResultsFolder } from '../../../../src/core/policy/backup-store-layout';
import { BackupLayout } from '../../../../src/runner/backup-layout';
import { parseBackupLocation } from '../../../../src/runner/backup-location';
import { drillRecordKey } from '../../../../src/runner/drill-record';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/0f1e2d';

const input: FleetDrillInput = {
  bucket: 'fleet-backups',
  prefix: 'pg-dumps',
  rtoSeconds: 3600,
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/verify-16:1',
  jobs: '2',
  checkFile: '/checks/group-0.sql',
  databases: [
    { id: 'orders-db', name: 'orders', resultsFolder: drillResultsFolder('pg-dumps/orders-db', 'orders') },
    { id: 'billing-db', name: 'billing', resultsFolder: drillResultsFolder('pg-dumps/billing-db', 'billing') },
  ],
};

/** When each database's drill starts, as the local run's context says. */
const DRILL_STARTED_AT = '2026-11-24T06:00:00.000Z';
const STORE = FleetDrillStateName.STORE_FAILED_DRILL_RECORD;

function handlers(failFor: string[] = []): Record<string, TaskHandler> {
  return {
    'Run verify task': (request) => {
      const database = request.Overrides.ContainerOverrides[0].Command.at(-5) as string;
      if (failFor.includes(database)) throw taskError('States.TaskFailed', `pg_restore of ${database} failed`);
      return { TaskArn: TASK_ARN, LastStatus: 'STOPPED' };
    },
    'Find running verify task': () => ({ TaskArns: [] }),
    'Stop verify task': () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    [STORE]: () => ({ ETag: '"1"' }),
    'Notify failure': () => ({ MessageId: 'message-1' }),
  };
}

interface FleetRun {
  readonly calls: Array<{ state: string; input: any }>;
  readonly output?: any;
  readonly error?: { name: string; cause: string };
}

/**
 * Runs the fleet drill locally with every task mocked. aws-local-stepfunctions does not evaluate JSONata: the state
 * that measures a restore is replaced by a Pass state giving `restoreSeconds`, the verdict after the Map by the same
 * condition in JSONPath, and the failed drill's result is built by jsonata itself (see `evaluatingJsonataPassStates`).
 */
async function runFleetDrill(
  definition: FleetDrillDefinition, mocks: Record<string, TaskHandler>, executionInput: object, restoreSeconds = 600,
): Promise<FleetRun> {
  const map = definition.States[FleetDrillStateName.DRILL_EACH_DATABASE] as any;
  const measured = { Type: 'Pass', Result: restoreSeconds, ResultPath: '$.restoreSeconds', Next: FleetDrillStateName.PUBLISH_RESTORE_DURATION };
  const local = {
    ...definition,
    States: {
      ...definition.States,
      [FleetDrillStateName.DRILL_EACH_DATABASE]: {
        ...map, ItemProcessor: { ...map.ItemProcessor, States: { ...map.ItemProcessor.States, [FleetDrillStateName.MEASURE_RESTORE]: measured } },
      },
      // The end-of-run verdict is JSONata too: the same condition, in JSONPath.
      [FleetDrillStateName.ANY_FAILED]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.results[?(@.outcome == \'failed\')]', IsPresent: true, Next: FleetDrillStateName.DRILLS_FAILED }],
        Default: FleetDrillStateName.DRILLS_PASSED,
      },
      [FleetDrillStateName.DRILLS_FAILED]: { Type: 'Fail', Error: 'RestoreDrill.Failed', Cause: 'failed' },
    },
  };
  const calls: Array<{ state: string; input: any }> = [];
  const recording = (state: string, handler: TaskHandler) => async (taskInput: any) => {
    calls.push({ state, input: taskInput });
    return handler(taskInput, calls.filter((call) => call.state === state).length - 1) as any;
  };
  const localHandlers: Record<string, (input: any) => Promise<any>> = Object.fromEntries(
    Object.entries(mocks).map(([state, handler]) => [state, recording(state, handler)]),
  );
  const context = {
    Execution: { Name: EXECUTION_NAME, Id: `arn:aws:states:eu-west-1:123456789012:execution:fleet:${EXECUTION_NAME}` },
    State: { EnteredTime: DRILL_STARTED_AT },
  };
  const rendered = evaluatingJsonataPassStates(
    JSON.parse(renderDefinition(JSON.stringify(local), sampleSubstitutions(local as unknown as StateMachineDefinition))), context, localHandlers,
  );
  const machine = new StateMachine(rendered, { validationOptions: { noValidate: true } });
  const execution = machine.run(executionInput as Record<string, never>, {
    overrides: { taskResourceLocalHandlers: localHandlers },
    context,
  } as any);
  try {
    return { calls, output: await execution.result };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    const cause = error.cause as Error;
    return { calls, error: { name: cause.name, cause: cause.message } };
  }
}

describe('fleet dump restore drill', () => {
  const { definition, placeholders } = fleetDumpRestoreDrill({ maxConcurrency: 3 });

  test('passes asl-validator', () => {
    expect(aslProblems(definition)).toEqual([]);
  });

  test('needs only the fleet-wide placeholders: the database, its dumps and its task definition come from the input', () => {
    expect(placeholders).toEqual(['ClusterArn', 'ContainerName', 'NotificationTopicArn', 'Partition', 'SecurityGroups', 'Subnets', 'TargetUrl']);
  });

  test('drills every database of the input with pg-backup verify of its own dumps, then succeeds', async () => {
    const run = await runFleetDrill(definition, handlers(), input);
    expect(run.error).toBeUndefined();
    const requests = run.calls.filter((call) => call.state === 'Run verify task').map((call) => call.input);
    expect(requests.map((request) => request.Overrides.ContainerOverrides[0].Command)).toEqual(expect.arrayContaining([
      ['pg-backup', 'verify', '--from', 's3://fleet-backups/pg-dumps/orders-db', '--latest', '--target-url',
        'postgresql://drill@scratch.internal:5432/postgres', '--database', 'orders', '--jobs', '2', '--check', '/checks/group-0.sql'],
      ['pg-backup', 'verify', '--from', 's3://fleet-backups/pg-dumps/billing-db', '--latest', '--target-url',
        'postgresql://drill@scratch.internal:5432/postgres', '--database', 'billing', '--jobs', '2', '--check', '/checks/group-0.sql'],
    ]));
    expect(requests.every((request) => request.TaskDefinition === input.taskDefinitionArn)).toBe(true);
    expect(new Set(requests.map((request) => request.StartedBy)).size).toBe(2);
    expect(run.output.results).toEqual(expect.arrayContaining([
      expect.objectContaining({ database: 'orders-db/orders', outcome: 'succeeded' }),
      expect.objectContaining({ database: 'billing-db/billing', outcome: 'succeeded' }),
    ]));
  });

  test('a failed database is notified by name, the others still run, and the execution fails naming it', async () => {
    const run = await runFleetDrill(definition, handlers(['billing']), input);
    expect(run.error?.name).toBe('RestoreDrill.Failed');
    expect(run.calls.filter((call) => call.state === 'Run verify task')).toHaveLength(2);
    const notification = run.calls.find((call) => call.state === 'Notify failure')!.input;
    expect(notification.Subject).toBe('billing-db/billing: dump restore drill failed');
    expect(notification.Message).toContain('pg_restore of billing failed');
    const metrics = run.calls.filter((call) => call.state.startsWith('Publish')).map((call) => [call.input.MetricData[0].MetricName, call.input.MetricData[0].Dimensions[0].Value]);
    expect(metrics).toEqual(expect.arrayContaining([['RestoreDrillSucceeded', 'orders-db/orders'], ['RestoreDrillFailed', 'billing-db/billing']]));
  });

  test('the verdict and the restore time are JSONata: the failed databases named in the cause, the time since the drill started', () => {
    const states = definition.States as any;
    expect(states[FleetDrillStateName.DRILLS_FAILED].Cause).toBe('{% "Restore drills failed: " & $join($states.input.results[outcome = "failed"].database, ", ") %}');
    const measure = states[FleetDrillStateName.DRILL_EACH_DATABASE].ItemProcessor.States[FleetDrillStateName.MEASURE_RESTORE];
    expect(measure.Output).toContain('$millis() - $toMillis($states.input.drill.startedAt)');
  });

  test('a restore slower than the RTO fails that database\'s drill', async () => {
    const run = await runFleetDrill(definition, handlers(), { ...input, databases: [input.databases[0]] }, 3601);
    expect(run.error?.name).toBe('RestoreDrill.Failed');
    const notification = run.calls.find((call) => call.state === 'Notify failure')!.input;
    expect(notification.Message).toContain('RestoreDrill.RtoExceeded');
  });

  test('a successful database publishes its success and its measured restore time, and the state machine writes no result: its verify task did', async () => {
    const run = await runFleetDrill(definition, handlers(), { ...input, databases: [input.databases[0]] }, 742);
    expect(run.error).toBeUndefined();
    const metrics = run.calls.filter((call) => call.state.startsWith('Publish')).map((call) => call.input.MetricData[0]);
    expect(metrics).toEqual([
      { MetricName: 'RestoreDurationSeconds', Dimensions: [{ Name: 'Database', Value: 'orders-db/orders' }, { Name: 'Drill', Value: 'dump' }], Value: 742, Unit: 'Seconds' },
      { MetricName: 'RestoreDrillSucceeded', Dimensions: [{ Name: 'Database', Value: 'orders-db/orders' }, { Name: 'Drill', Value: 'dump' }], Value: 1, Unit: 'Count' },
    ]);
    expect(run.calls.map((call) => call.state)).not.toContain(STORE);
  });

  test('a failed database\'s result is written into its own drill results folder, as pg-backup names it, before it is notified', async () => {
    const run = await runFleetDrill(definition, handlers(['billing']), input);
    expect(run.error?.name).toBe('RestoreDrill.Failed');
    const stores = run.calls.filter((call) => call.state === STORE);
    expect(stores).toHaveLength(1);
    const put = stores[0].input;
    const layout = new BackupLayout(parseBackupLocation('s3://fleet-backups/pg-dumps/billing-db'));
    expect(put).toEqual({
      Bucket: 'fleet-backups',
      Key: drillRecordKey(layout, 'billing', new Date(DRILL_STARTED_AT)),
      Body: expect.any(String),
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(put.Key).toBe('pg-dumps/billing-db/billing/drills/20261124T060000.000Z.json');
    expect(JSON.parse(put.Body)).toEqual({
      version: 1,
      kind: 'dump',
      database: 'billing',
      succeeded: false,
      reason: 'States.TaskFailed: pg_restore of billing failed',
      startedAt: DRILL_STARTED_AT,
      finishedAt: DRILL_STARTED_AT,
      drillId: `arn:aws:states:eu-west-1:123456789012:execution:fleet:${EXECUTION_NAME}`,
      restored: {},
      checks: [],
    });
    const billing = run.calls.filter((call) => call.state !== 'Run verify task' && JSON.stringify(call.input).includes('billing'));
    expect(billing.map((call) => call.state)).toEqual(['Publish failure metric', STORE, 'Notify failure']);
  });

  test('a verify task that times out while still running is stopped before the failure is counted, written and notified', async () => {
    const run = await runFleetDrill(definition, {
      ...handlers(),
      'Run verify task': () => { throw taskError('States.Timeout', 'The task did not finish within its timeout'); },
      'Find running verify task': () => ({ TaskArns: [TASK_ARN] }),
    }, { ...input, databases: [input.databases[0]] });
    expect(run.error?.name).toBe('RestoreDrill.Failed');
    expect(run.calls.map((call) => call.state)).toEqual([
      'Run verify task', 'Find running verify task', 'Stop verify task', 'Publish failure metric', STORE, 'Notify failure',
    ]);
    expect(run.calls.find((call) => call.state === 'Stop verify task')!.input).toMatchObject({ Task: TASK_ARN });
    expect(JSON.parse(run.calls.find((call) => call.state === STORE)!.input.Body)).toMatchObject({
      database: 'orders', succeeded: false, reason: 'States.Timeout: The task did not finish within its timeout',
    });
  });

  test('a restore slower than the RTO is written as a failed drill that says so, after its duration is published', async () => {
    const run = await runFleetDrill(definition, handlers(), { ...input, databases: [input.databases[0]] }, 3601);
    const record = JSON.parse(run.calls.find((call) => call.state === STORE)!.input.Body);
    expect(record).toMatchObject({
      succeeded: false,
      reason: 'RestoreDrill.RtoExceeded: The restore took 3601 seconds; the RTO is 3600 seconds',
      rtoSeconds: 3601,
      rtoObjectiveSeconds: 3600,
      rtoExceeded: true,
    });
    expect(run.calls.map((call) => call.state)).toEqual([
      'Run verify task', 'Publish restore duration', 'Publish failure metric', STORE, 'Notify failure',
    ]);
    expect(run.calls[1].input.MetricData[0]).toMatchObject({ MetricName: 'RestoreDurationSeconds', Value: 3601 });
  });

  test('a database whose group has a longer RTO is held to its own', async () => {
    const run = await runFleetDrill(definition, handlers(), { ...input, rtoSeconds: 7200, databases: [input.databases[0]] }, 3601);
    expect(run.error).toBeUndefined();
  });

  test('a result that cannot be written is lost, and the database is still notified with its own error', async () => {
    const run = await runFleetDrill(definition, {
      ...handlers(['orders']), [STORE]: () => { throw taskError('S3.AccessDenied', 'Access Denied'); },
    }, { ...input, databases: [input.databases[0]] });
    expect(run.error?.name).toBe('RestoreDrill.Failed');
    expect(run.calls.find((call) => call.state === 'Notify failure')!.input.Message).toContain('Error: States.TaskFailed');
  });

  test('the role may put drill results, as the single-database drills\' may', () => {
    expect(allIamActions(fleetDumpRestoreDrill().iamActions)).toContain('s3:PutObject');
    expect(fleetDumpRestoreDrill().iamActions).toContainEqual(expect.objectContaining({ resource: 'drill-result-objects', actions: ['s3:PutObject'] }));
  });

  test('the execution timeout lets every round of drills finish', () => {
    // Each drill: its task, then at most five calls (list, stop, metric, record, notification).
    expect(fleetDrillExecutionTimeoutSeconds(5, 2, 4200, 60)).toBe(3 * (4200 + 300) + 300);
  });

  test.each([0, 41, 1.5])('rejects a maxConcurrency of %p', (maxConcurrency) => {
    expect(() => fleetDumpRestoreDrill({ maxConcurrency })).toThrow(/maxConcurrency is .*; allowed: an integer from 1 to 40/);
  });
});
