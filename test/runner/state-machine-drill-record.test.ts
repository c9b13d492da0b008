import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cli } from './support/in-process-cli';
import { DrillStateName, dumpRestoreDrill, snapshotRestoreDrill } from '../../src/core/aws/state-machines';
import { DRILL_ID_ENV, drillResultsFolder } from '../../src/core/policy/backup-store-layout';
import { BackupLayout } from '../../src/runner/backup-layout';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { withDrillId, writeDrillRecord, type DrillRecord } from '../../src/runner/drill-record';
import { openBackupStore } from '../../src/runner/open-backup-store';
import { STATE_ENTERED_TIME, runDrill, taskError, taskStates } from '../core/aws/state-machines/drill-harness';
import { useS3 } from '../support/s3';

const REFUSAL = 'The snapshot is encrypted with a key the drill may not use';

/**
 * The S3 PutObject a snapshot drill makes when its restore is refused, executed locally: every call answers, but the
 * restore, and the cleanup finds nothing to delete.
 */
async function refusedRestorePut(
  substitutions: Record<string, string> = {},
): Promise<{ Bucket: string; Key: string; Body: string; ContentType: string }> {
  const { definition } = snapshotRestoreDrill({ writeFailedDrillResult: true });
  const handlers = Object.fromEntries(taskStates(definition).map(([name]) => [name, () => ({})]));
  const run = await runDrill(definition, {
    ...handlers,
    'Find snapshots': () => ({ DbSnapshots: [{ DbSnapshotIdentifier: 'rds:orders-1', Status: 'available', SnapshotCreateTime: '2026-11-23T03:05:09Z' }] }),
    'Restore scratch instance': () => { throw taskError('Rds.InvalidRestoreException', REFUSAL); },
    'Delete scratch instance after failure': () => { throw taskError('Rds.DbInstanceNotFoundException'); },
  }, {}, substitutions);
  expect(run.error?.name).toBe('Rds.InvalidRestoreException');
  return run.calls.find((c) => c.state === DrillStateName.STORE_FAILED_DRILL_RECORD)!.input;
}

/**
 * A dump drill whose verify task restored and checked in two hours, against an RTO of one: the task's own successful
 * result, and the PutObject the state machine makes after judging the RTO, both as they reach the store.
 */
async function slowDumpDrillResults(): Promise<{ taskRecord: DrillRecord; put: { Bucket: string; Key: string; Body: string } }> {
  const drill = dumpRestoreDrill({ writeFailedDrillResult: true });
  const handlers = Object.fromEntries(taskStates(drill.definition).map(([name]) => [name, () => ({})]));
  const startedAt = new Date(Date.parse(STATE_ENTERED_TIME) - 7200 * 1000).toISOString();
  // A database of its own: the other tests write newer results of `orders` into the same stores.
  const substitutions = { DatabaseName: 'invoices', DrillResultsFolder: drillResultsFolder('dumps', 'invoices') };
  const run = await runDrill(drill.definition, {
    ...handlers, 'Run verify task': () => ({ TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/backups/1' }),
  }, {}, substitutions, { startTime: startedAt });
  expect(run.error?.name).toBe('RestoreDrill.RtoExceeded');
  // The drill's identity, as the task was told it, which pg-backup writes into its result.
  const environment = run.calls.find((c) => c.state === 'Run verify task')!.input.Overrides.ContainerOverrides[0].Environment;
  const drillId = environment.find((variable: { Name: string }) => variable.Name === DRILL_ID_ENV).Value;
  const taskRecord: DrillRecord = withDrillId({
    version: 1,
    kind: 'dump',
    database: 'invoices',
    succeeded: true,
    startedAt,
    // The verify task finished, and wrote its result, just before the state machine measured the drill.
    finishedAt: new Date(Date.parse(STATE_ENTERED_TIME) - 1000).toISOString(),
    restored: { backupId: '20261124T020000Z-9f1c2a7b' },
    rtoSeconds: 7100,
    rowsMatched: 42,
    checks: [{ file: '--sql', statement: 'SELECT true', passed: true }],
  }, { [DRILL_ID_ENV]: drillId });
  return { taskRecord, put: run.calls.find((c) => c.state === DrillStateName.STORE_FAILED_DRILL_RECORD)!.input };
}

describe('a failed drill the state machine wrote is shown by pg-backup status as a failed drill with its reason', () => {
  // The bucket and prefix are the ones the drill harness fills in: `orders-backups`, `dumps`.
  const s3 = useS3({ buckets: ['orders-backups'] });
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-state-machine-record-'));
  // The AWS SDK reads its region and credentials from the process environment, and these runs are in-process.
  beforeAll(() => Object.assign(process.env, s3().env));
  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  describe.each([
    {
      kind: 's3',
      uri: () => 's3://orders-backups/dumps',
      env: () => s3().env,
      // What Step Functions does with the state's parameters: one PutObject call.
      put: async (put: Awaited<ReturnType<typeof refusedRestorePut>>) => { await s3().client.send(new PutObjectCommand(put)); },
    },
    {
      kind: 'file',
      uri: () => `file://${fileRoot}/dumps`,
      env: () => ({}),
      put: async (put: Awaited<ReturnType<typeof refusedRestorePut>>) => {
        fs.mkdirSync(path.dirname(path.join(fileRoot, put.Key)), { recursive: true });
        fs.writeFileSync(path.join(fileRoot, put.Key), put.Body);
      },
    },
  ])('in a $kind store', ({ uri, env, put }) => {
    test('status shows the refused restore as the newest drill, failed, with the error and its cause', async () => {
      const call = await refusedRestorePut();
      await put(call);

      const status = await cli(['status', '--from', uri(), '--output', 'table'], env());
      const result = JSON.parse(status.stdout.trimEnd().split('\n').pop()!);
      const orders = result.databases.find((entry: any) => entry.database === 'orders');
      expect(orders.lastDrill).toMatchObject({
        kind: 'snapshot',
        succeeded: false,
        reason: `Rds.InvalidRestoreException: ${REFUSAL}`,
      });
      // Status names keys from the location's root; the state machine's key starts at the bucket's.
      expect(call.Key).toBe(`dumps/${orders.lastDrill.key.replace(/^dumps\//, '')}`);
      expect(orders.lastGoodDrill).toBeUndefined();
      expect(status.stdout).toContain(`failed drill: orders ${orders.lastDrill.finishedAt}: Rds.InvalidRestoreException: ${REFUSAL}`);
    });

    test('a result the checks task wrote during the same drill is newer, so status shows the task\'s own words', async () => {
      const call = await refusedRestorePut();
      await put(call);
      const record = JSON.parse(call.Body);
      const location = parseBackupLocation(uri());
      const tuning = { partSizeBytes: 8 * 1024 * 1024, concurrency: 1 };
      const environment: NodeJS.ProcessEnv = { ...process.env, ...env() };
      const store = await openBackupStore(location, { tuning, s3Endpoint: environment.AWS_ENDPOINT_URL_S3 }, environment);
      // The task finished after the execution started, and before the state machine wrote its record.
      const finishedAt = new Date(Date.parse(record.startedAt) + 1000).toISOString();
      await writeDrillRecord(store, new BackupLayout(location), {
        version: 1,
        kind: 'snapshot',
        database: 'orders',
        succeeded: false,
        reason: 'check failed: SELECT count(*) > 0 FROM orders',
        startedAt: record.startedAt,
        finishedAt,
        restored: { snapshot: 'rds:orders-1' },
        checks: [],
      });

      const status = await cli(['status', '--from', uri()], env());
      const orders = status.results[0].databases.find((entry: any) => entry.database === 'orders');
      expect(orders.lastDrill).toMatchObject({ succeeded: false, reason: 'check failed: SELECT count(*) > 0 FROM orders', restored: 'rds:orders-1' });
    });

    test('a dump drill whose checks passed on a restore slower than its RTO is the newest drill, failed with RTO exceeded, and no good drill', async () => {
      const { taskRecord, put: call } = await slowDumpDrillResults();
      const location = parseBackupLocation(uri());
      const tuning = { partSizeBytes: 8 * 1024 * 1024, concurrency: 1 };
      const environment: NodeJS.ProcessEnv = { ...process.env, ...env() };
      const store = await openBackupStore(location, { tuning, s3Endpoint: environment.AWS_ENDPOINT_URL_S3 }, environment);
      // The task's success, then the state machine's verdict: each writer as it writes, in the order they write.
      await writeDrillRecord(store, new BackupLayout(location), taskRecord);
      await put({ ...call, ContentType: 'application/json' });

      const status = await cli(['status', '--from', uri(), '--database', 'invoices', '--drill-age', '8d', '--output', 'table'], env());
      const orders = JSON.parse(status.stdout.trimEnd().split('\n').pop()!).databases[0];
      expect(orders.lastDrill).toMatchObject({
        kind: 'dump',
        succeeded: false,
        rtoExceeded: true,
        rtoSeconds: 7200,
        reason: 'RestoreDrill.RtoExceeded: The restore took 7200 seconds; the RTO is 3600 seconds',
      });
      // The verify task's success is of the same drill: not a good one.
      expect(orders.lastGoodDrill).toBeUndefined();
      expect(status.stdout).toContain('(RTO exceeded)');
      expect(status.exitCode).toBe(1);
    });
  });

  test('a drill result that says it succeeded and exceeded its RTO is not a good drill to status', async () => {
    const fileStore = `file://${fileRoot}/both-said`;
    const location = parseBackupLocation(fileStore);
    const store = await openBackupStore(location, { tuning: { partSizeBytes: 8 * 1024 * 1024, concurrency: 1 } }, process.env);
    const finishedAt = new Date(Date.now() - 3600 * 1000).toISOString();
    await writeDrillRecord(store, new BackupLayout(location), {
      version: 1,
      kind: 'snapshot',
      database: 'orders',
      succeeded: true,
      rtoExceeded: true,
      rtoSeconds: 5400,
      rtoObjectiveSeconds: 3600,
      startedAt: finishedAt,
      finishedAt,
      restored: { snapshot: 'rds:orders-1' },
      checks: [],
    });
    const status = await cli(['status', '--from', fileStore, '--output', 'table'], {});
    const orders = JSON.parse(status.stdout.trimEnd().split('\n').pop()!).databases[0];
    expect(orders.lastDrill).toMatchObject({ succeeded: false, rtoExceeded: true });
    expect(orders.lastGoodDrill).toBeUndefined();
    expect(status.stdout).toContain('failed drill: orders');
    expect(status.stdout).toContain('the restore took longer than the RTO (1h 30m)');
  });

  test('a record written at the root of a bucket for a database whose name has spaces and umlauts is that database\'s drill to status', async () => {
    const database = 'Bestellungen März 2026';
    const call = await refusedRestorePut({ DatabaseName: database, DrillResultsFolder: drillResultsFolder('', database) });
    await s3().client.send(new PutObjectCommand(call));

    const status = await cli(['status', '--from', 's3://orders-backups', '--database', database], s3().env);
    const drilled = status.results[0].databases[0];
    expect(drilled).toMatchObject({ database, lastDrill: { kind: 'snapshot', succeeded: false, restored: 'rds:orders-1', key: call.Key } });
  });
});
