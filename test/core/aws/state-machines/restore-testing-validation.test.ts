// jsonata (installed with asl-validator) evaluates the JSONata drill-result state here, since the local engine does not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line import/no-extraneous-dependencies
import jsonata from 'jsonata';
import { DrillRun, EXECUTION_NAME, STATE_ENTERED_TIME, TaskHandler, expectFailurePath, runDrill, withFailures } from './drill-harness';
import {
  RestoreValidationStateName, StateMachineDefinition, allIamActions, drillResultExpression, restoreTestingValidation,
} from '../../../../src/core/aws/state-machines';
import { drillResultsFolder } from '../../../../src/core/policy/backup-store-layout';
import { BackupLayout } from '../../../../src/runner/backup-layout';
import { parseBackupLocation } from '../../../../src/runner/backup-location';
import { drillRecordKey, readDatabaseDrills } from '../../../../src/runner/drill-record';
import { FileBackupStore } from '../../../../src/runner/file-backup-store';

const names = RestoreValidationStateName;
const RESTORED_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:awsbackup-restore-test-4f2a';
const RESTORED_CLUSTER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:awsbackup-restore-test-4f2a';
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';

/** The EventBridge event of a restore test's restore job that completed: what starts the validation. */
function restoreJobCompleted(resourceArn = RESTORED_ARN) {
  return {
    'version': '0',
    'detail-type': 'Restore Job State Change',
    'source': 'aws.backup',
    'detail': {
      restoreJobId: 'E8B1C2D3-restore-job',
      status: 'COMPLETED',
      resourceType: 'RDS',
      createdResourceArn: resourceArn,
      creationDate: '2026-11-24T06:00:00.000Z',
      completionDate: '2026-11-24T06:25:30.000Z',
      restoreTestingPlanArn: 'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:orders_plan-abc',
    },
  };
}

const handlers: Record<string, TaskHandler> = {
  [names.DESCRIBE_INSTANCE]: () => ({
    DbInstances: [{ DbInstanceIdentifier: 'awsbackup-restore-test-4f2a', DbInstanceStatus: 'available', Endpoint: { Address: 'restored.abc.eu-west-1.rds.amazonaws.com', Port: 5432 } }],
  }),
  [names.DESCRIBE_CLUSTER]: () => ({
    DbClusters: [{ DbClusterIdentifier: 'awsbackup-restore-test-4f2a', Status: 'available', Endpoint: 'restored.cluster-abc.eu-west-1.rds.amazonaws.com', Port: 5432 }],
  }),
  [names.RUN_CHECKS]: () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running checks task': () => ({ TaskArns: [] }),
  'Stop checks task': () => ({ Task: { TaskArn: TASK_ARN } }),
  [names.REPORT_SUCCESSFUL]: () => ({}),
  [names.REPORT_FAILED]: () => ({}),
  [names.WRITE_SUCCESS_RESULT]: () => ({ ETag: '"1"' }),
  [names.WRITE_FAILURE_RESULT]: () => ({ ETag: '"2"' }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

/** Only the handlers of the Task states a definition has. */
function handlersOf(definition: StateMachineDefinition, base: Record<string, TaskHandler> = handlers): Record<string, TaskHandler> {
  return Object.fromEntries(Object.entries(base).filter(([state]) => definition.States[state] !== undefined));
}

/**
 * The local engine does not evaluate JSONata, so the Pass states that build the drill result are replaced by JSONPath
 * Pass states with a fixed result; the JSONata itself is evaluated below with jsonata.
 */
function locally(definition: StateMachineDefinition): StateMachineDefinition {
  const states = { ...definition.States };
  const builders = [[names.PREPARE_SUCCESS_RESULT, names.WRITE_SUCCESS_RESULT], [names.PREPARE_FAILURE_RESULT, names.WRITE_FAILURE_RESULT]];
  for (const [prepare, next] of builders) {
    if (states[prepare] === undefined) continue;
    states[prepare] = { Type: 'Pass', Result: { key: `dumps/orders/drills/${prepare}.json`, body: { version: 1 } }, ResultPath: '$.drillResult', Next: next };
  }
  return { ...definition, States: states };
}

function call(run: DrillRun, state: string): any {
  return run.calls.find((c) => c.state === state)?.input;
}

describe('validation of a restore test of an RDS instance', () => {
  const { definition, iamActions } = restoreTestingValidation({ checksArgs: ['check', '--min-rows', 'public.orders=1000'] });

  test('a restored database that passes its checks is reported SUCCESSFUL to AWS Backup, then the success and restore time are published', async () => {
    const run = await runDrill(definition, handlersOf(definition), restoreJobCompleted());
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([names.DESCRIBE_INSTANCE, names.RUN_CHECKS, names.REPORT_SUCCESSFUL, 'Publish restore duration', 'Publish success metric']);
    expect(call(run, names.REPORT_SUCCESSFUL)).toEqual({
      RestoreJobId: 'E8B1C2D3-restore-job',
      ValidationStatus: 'SUCCESSFUL',
      ValidationStatusMessage: `pg-backup check of orders passed on ${RESTORED_ARN}`,
    });
  });

  test('the restored instance named by the event is described, and the checks task gets its endpoint', async () => {
    const run = await runDrill(definition, handlersOf(definition), restoreJobCompleted());
    expect(call(run, names.DESCRIBE_INSTANCE)).toEqual({ DbInstanceIdentifier: RESTORED_ARN });
    const override = call(run, names.RUN_CHECKS).Overrides.ContainerOverrides[0];
    expect(override.Command).toEqual(['pg-backup', 'check', '--min-rows', 'public.orders=1000']);
    expect(override.Environment).toEqual([
      { Name: 'PG_BACKUP_DRILL_ID', Value: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}` },
      { Name: 'PGHOST', Value: 'restored.abc.eu-west-1.rds.amazonaws.com' },
      { Name: 'PGPORT', Value: '5432' },
    ]);
  });

  test('checks that fail are reported FAILED with the error, counted and notified', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, [names.RUN_CHECKS])), restoreJobCompleted());
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Find running checks task', names.REPORT_FAILED] });
    expect(run.order).not.toContain(names.REPORT_SUCCESSFUL);
    expect(call(run, names.REPORT_FAILED)).toEqual({
      RestoreJobId: 'E8B1C2D3-restore-job',
      ValidationStatus: 'FAILED',
      ValidationStatusMessage: 'pg-backup validation of orders failed with States.TaskFailed: Run checks task failed',
    });
    expect(call(run, 'Publish failure metric').MetricData[0].Dimensions).toEqual([{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'restore-testing' }]);
  });

  test('a checks task still running when it timed out is stopped before the failure is reported', async () => {
    const run = await runDrill(definition, handlersOf(definition, {
      ...withFailures(handlers, [names.RUN_CHECKS], 'States.Timeout'),
      'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
    }), restoreJobCompleted());
    expectFailurePath(run, { error: 'States.Timeout', cleanup: ['Find running checks task', 'Stop checks task', names.REPORT_FAILED] });
    expect(call(run, 'Stop checks task').Task).toBe(TASK_ARN);
  });

  test('a checks task that cannot start is reported FAILED, and nothing is left to stop', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, [names.RUN_CHECKS], 'Ecs.AccessDeniedException')), restoreJobCompleted());
    expectFailurePath(run, { error: 'Ecs.AccessDeniedException', cleanup: ['Find running checks task', names.REPORT_FAILED] });
    expect(run.order).not.toContain('Stop checks task');
  });

  test('a restored instance that cannot be found is reported FAILED without running the checks', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, [names.DESCRIBE_INSTANCE], 'Rds.DbInstanceNotFoundException')), restoreJobCompleted());
    expectFailurePath(run, { error: 'Rds.DbInstanceNotFoundException', cleanup: [names.REPORT_FAILED] });
    expect(run.order).toEqual([names.DESCRIBE_INSTANCE, names.REPORT_FAILED, 'Publish failure metric', 'Notify failure']);
  });

  test('a restored instance without an endpoint is reported FAILED, naming it', async () => {
    const run = await runDrill(definition, handlersOf(definition, {
      ...handlers,
      [names.DESCRIBE_INSTANCE]: () => ({ DbInstances: [{ DbInstanceIdentifier: 'awsbackup-restore-test-4f2a', DbInstanceStatus: 'creating' }] }),
    }), restoreJobCompleted());
    expectFailurePath(run, { error: 'RestoreTesting.NoEndpoint', cleanup: [names.REPORT_FAILED] });
    expect(call(run, 'Notify failure').Message).toContain(`The restored database ${RESTORED_ARN} has no endpoint to check`);
  });

  test('a failed report of a failure still counts and notifies the drill\'s own error', async () => {
    const failing = withFailures(handlers, [names.RUN_CHECKS, names.REPORT_FAILED]);
    const run = await runDrill(definition, handlersOf(definition, failing), restoreJobCompleted());
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: [names.REPORT_FAILED] });
    expect(call(run, 'Notify failure').Message).toContain('Run checks task failed');
  });

  test('a success AWS Backup refuses to take is a failed drill, reported once', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, [names.REPORT_SUCCESSFUL], 'Backup.InvalidRequestException')), restoreJobCompleted());
    expectFailurePath(run, { error: 'Backup.InvalidRequestException', cleanup: [] });
    expect(run.order).not.toContain(names.REPORT_FAILED);
  });

  test('its role may describe restored instances, run and stop its task, report, count and notify: nothing that creates or deletes a database', () => {
    expect(allIamActions(iamActions)).toEqual([
      'backup:PutRestoreValidationResult', 'cloudwatch:PutMetricData', 'ecs:DescribeTasks', 'ecs:ListTasks', 'ecs:RunTask', 'ecs:StopTask',
      'ecs:TagResource', 'events:DescribeRule', 'events:PutRule', 'events:PutTargets', 'iam:PassRole', 'rds:DescribeDBInstances', 'sns:Publish',
    ]);
  });

  test('publishes RestoreDrillSucceeded, as every drill does, for Database and Drill=restore-testing', async () => {
    const run = await runDrill(definition, handlersOf(definition), restoreJobCompleted());
    expect(call(run, 'Publish success metric').MetricData).toEqual([expect.objectContaining({
      MetricName: 'RestoreDrillSucceeded', Value: 1, Dimensions: [{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'restore-testing' }],
    })]);
  });

  test('publishes RestoreDurationSeconds from the start of AWS Backup\'s restore job to its completion, the RTO its drill result records', async () => {
    const run = await runDrill(definition, handlersOf(definition), restoreJobCompleted());
    expect(call(run, 'Publish restore duration').MetricData).toEqual([{
      MetricName: 'RestoreDurationSeconds',
      Value: 1530,
      Unit: 'Seconds',
      Dimensions: [{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'restore-testing' }],
    }]);
  });

  test('a success metric that cannot be published is a failed drill, counted and notified', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, ['Publish success metric'], 'CloudWatch.ThrottlingException')), restoreJobCompleted());
    expectFailurePath(run, { error: 'CloudWatch.ThrottlingException', cleanup: [] });
    expect(run.order).not.toContain(names.REPORT_FAILED);
  });
});

describe('validation of a restore test of an Aurora cluster', () => {
  const { definition, iamActions } = restoreTestingValidation({ source: 'aurora-cluster' });

  test('describes the restored cluster and checks its writer endpoint', async () => {
    const run = await runDrill(definition, handlersOf(definition), restoreJobCompleted(RESTORED_CLUSTER_ARN));
    expect(run.error).toBeUndefined();
    expect(call(run, names.DESCRIBE_CLUSTER)).toEqual({ DbClusterIdentifier: RESTORED_CLUSTER_ARN });
    expect(call(run, names.RUN_CHECKS).Overrides.ContainerOverrides[0].Environment).toEqual([
      { Name: 'PG_BACKUP_DRILL_ID', Value: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}` },
      { Name: 'PGHOST', Value: 'restored.cluster-abc.eu-west-1.rds.amazonaws.com' },
      { Name: 'PGPORT', Value: '5432' },
    ]);
    expect(allIamActions(iamActions)).toContain('rds:DescribeDBClusters');
  });

  test('a restored cluster that cannot be described is reported FAILED', async () => {
    const run = await runDrill(definition, handlersOf(definition, withFailures(handlers, [names.DESCRIBE_CLUSTER], 'Rds.DbClusterNotFoundException')), restoreJobCompleted(RESTORED_CLUSTER_ARN));
    expectFailurePath(run, { error: 'Rds.DbClusterNotFoundException', cleanup: [names.REPORT_FAILED] });
  });
});

describe('validation that writes its drill result beside the backups', () => {
  const { definition, iamActions, placeholders } = restoreTestingValidation({ writeDrillResult: true });
  const local = locally(definition);

  test('writes the result after reporting a success, then publishes it', async () => {
    const run = await runDrill(local, handlersOf(definition), restoreJobCompleted());
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([
      names.DESCRIBE_INSTANCE, names.RUN_CHECKS, names.REPORT_SUCCESSFUL, names.WRITE_SUCCESS_RESULT, 'Publish restore duration', 'Publish success metric',
    ]);
    expect(call(run, names.WRITE_SUCCESS_RESULT)).toEqual({
      Bucket: 'orders-backups',
      Key: `dumps/orders/drills/${names.PREPARE_SUCCESS_RESULT}.json`,
      Body: '{"version":1}',
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(placeholders).toEqual(expect.arrayContaining(['DrillResultsBucket', 'DrillResultsFolder']));
    expect(allIamActions(iamActions)).toContain('s3:PutObject');
  });

  test('writes the failed result after reporting the failure, and a failed write still notifies the drill\'s own error', async () => {
    const failing = withFailures(handlers, [names.RUN_CHECKS, names.WRITE_FAILURE_RESULT]);
    const run = await runDrill(local, handlersOf(definition, failing), restoreJobCompleted());
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: [names.REPORT_FAILED, names.WRITE_FAILURE_RESULT] });
  });

  test('a result that cannot be written after a success is a failed drill', async () => {
    const run = await runDrill(local, handlersOf(definition, withFailures(handlers, [names.WRITE_SUCCESS_RESULT], 'S3.AccessDenied')), restoreJobCompleted());
    expectFailurePath(run, { error: 'S3.AccessDenied', cleanup: [] });
  });

  test.each([
    ['a success', true, 3600, true, { rtoSeconds: 1530, rtoObjectiveSeconds: 3600, rtoExceeded: false }],
    ['a failure', false, 3600, false, { reason: 'States.TaskFailed: checks failed' }],
    ['checks that passed on a restore slower than the RTO', true, 1500, false, {
      rtoSeconds: 1530,
      rtoObjectiveSeconds: 1500,
      rtoExceeded: true,
      reason: 'RestoreDrill.RtoExceeded: The restore took 1530 seconds; the RTO is 1500 seconds',
    }],
  ])('the result of %s is a drill record pg-backup status reads as the newest drill', async (_name, checksPassed, rto, succeeded, extra) => {
    const input = { ...restoreJobCompleted(), ...(checksPassed ? {} : { error: { Error: 'States.TaskFailed', Cause: 'checks failed' } }) };
    const expression = drillResultExpression(checksPassed, rto).replace(/^\{%|%\}$/g, '')
      .split('${DrillResultsFolder}').join(drillResultsFolder('dumps', 'orders')).split('${DatabaseName}').join('orders');
    const output = await jsonata(expression).evaluate({}, { states: { input, context: { State: { EnteredTime: STATE_ENTERED_TIME } } } });
    expect(output.detail).toEqual(input.detail);
    expect(output.drillResult.key).toBe('dumps/orders/drills/20261124T070000.000Z.json');
    expect(output.drillResult.body).toEqual({
      version: 1,
      kind: 'restore-testing',
      database: 'orders',
      succeeded,
      startedAt: '2026-11-24T06:00:00.000Z',
      finishedAt: STATE_ENTERED_TIME,
      restored: { restoreJobId: 'E8B1C2D3-restore-job', resource: RESTORED_ARN },
      checks: [],
      ...extra,
    });

    const root = mkdtempSync(path.join(tmpdir(), 'restore-testing-result-'));
    try {
      const store = new FileBackupStore(root);
      await store.putBytes(output.drillResult.key, Buffer.from(JSON.stringify(output.drillResult.body)));
      const [drills] = await readDatabaseDrills(store, new BackupLayout(parseBackupLocation('s3://orders-backups/dumps')));
      expect(drills.database).toBe('orders');
      expect(drills.newest?.record.succeeded).toBe(succeeded);
      expect(drills.newestSucceeded?.key).toBe(succeeded ? output.drillResult.key : undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the key of a restore test\'s drill result', () => {
  // The placeholders as a front end fills them for a store under `backups`: the prefix (which an older definition
  // read) and the folder core names.
  const substituted = (succeeded: boolean, database: string) => drillResultExpression(succeeded, 3600).replace(/^\{%|%\}$/g, '')
    .split('${DrillResultsPrefix}').join('backups')
    .split('${DrillResultsFolder}').join(drillResultsFolder('backups', database))
    .split('${DatabaseName}').join(database);

  test.each(['..', '.', 'a/b', 'Bestellungen März'])('for a database named %j stays in its drills folder, where pg-backup writes and reads', async (database) => {
    const states = { input: restoreJobCompleted(), context: { State: { EnteredTime: STATE_ENTERED_TIME } } };
    const output = await jsonata(substituted(true, database)).evaluate({}, { states });
    const layout = new BackupLayout(parseBackupLocation('s3://orders-backups/backups'));
    expect(output.drillResult.key).toBe(drillRecordKey(layout, database, new Date(STATE_ENTERED_TIME)));
    expect(output.drillResult.key.startsWith(`${drillResultsFolder('backups', database)}/`)).toBe(true);
    expect(output.drillResult.key.split('/')).not.toContain('..');
    expect(layout.parseObjectKey(output.drillResult.key)).toMatchObject({ database, backupId: 'drills' });
  });
});

test.each([
  [{ source: 'cluster' as never }, /source is "cluster"/],
  [{ checksTimeoutSeconds: 10 }, /checksTimeoutSeconds is 10/],
  [{ checksArgs: ['check', "--sql 'x'"] }, /checksArgs\[1\]/],
])('refuses bad options: %j', (options, message) => {
  expect(() => restoreTestingValidation(options)).toThrow(message);
});
