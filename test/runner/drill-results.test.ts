import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { cli } from './support/in-process-cli';
import { readCatalog } from '../../src/runner/backup-catalog';
import { BackupLayout } from '../../src/runner/backup-layout';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { readDatabaseDrills } from '../../src/runner/drill-record';
import { openBackupStore } from '../../src/runner/open-backup-store';
import { databaseStatuses } from '../../src/runner/status-command';

const CHECKS = 'SELECT count(*) = 300 FROM items;\n';
const FAILING_CHECKS = 'SELECT count(*) = 301 FROM items;\n';

describe('every drill writes its result beside the backups, and status shows the last good drill', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['drill-results'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-drill-results-'));
  const checkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-drill-checks-'));
  const passing = path.join(checkDir, 'passing.sql');
  const failing = path.join(checkDir, 'failing.sql');

  beforeAll(async () => {
    // The AWS SDK reads its region and credentials from the process environment, and these runs are in-process.
    Object.assign(process.env, s3().env);
    await pg().createDatabase('depot');
    await pg().query('CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 300);', 'depot');
    await azure().createContainer('drills');
    fs.writeFileSync(passing, CHECKS);
    fs.writeFileSync(failing, FAILING_CHECKS);
  });
  afterAll(() => {
    fs.rmSync(fileRoot, { recursive: true, force: true });
    fs.rmSync(checkDir, { recursive: true, force: true });
  });

  describe.each([
    { kind: 's3', uri: () => 's3://drill-results/nightly', env: () => s3().env },
    { kind: 'azblob', uri: () => `azblob://${azure().account}/drills/nightly`, env: () => azure().env },
    { kind: 'file', uri: () => `file://${fileRoot}`, env: () => ({}) },
  ])('with $kind', ({ uri, env }) => {
    const cliEnv = () => ({ PG_BIN_DIR: pg().binDir, ...env() });
    let backupId: string;

    beforeAll(async () => {
      const dump = await cli(['dump', '--database-url', pg().url('depot'), '--to', uri()], cliEnv());
      expect(dump.results[0].error).toBeUndefined();
      backupId = dump.results[0].backupId;
    });

    test('before any drill, status shows no good drill, and --drill-age exits 1 saying so', async () => {
      const status = await cli(['status', '--from', uri(), '--database', 'depot', '--drill-age', '8d'], cliEnv());
      expect(status.exitCode).toBe(1);
      expect(status.results[0]).toMatchObject({ ok: false, drillAgeSeconds: 8 * 86_400, olderThanDrillAge: ['depot'] });
      expect(status.results[0].error).toBe('depot (no successful drill) has no successful drill within 8d');
      expect(status.results[0].databases[0].lastGoodDrill).toBeUndefined();
    });

    test('a verify writes its result object, and status reads it back as the last good drill with its age', async () => {
      const verify = await cli(['verify', '--from', uri(), '--latest', '--target-url', pg().url(), '--check', passing], cliEnv());
      expect(verify.exitCode).toBe(0);
      const { drillResult } = verify.results[0];
      expect(drillResult).toMatchObject({ written: true, key: expect.stringMatching(/depot\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/) });
      expect(verify.results[0].metrics).toMatchObject({ DrillSucceeded: 1, DrillRtoSeconds: verify.results[0].restoreSeconds });

      const status = await cli(['status', '--from', uri(), '--drill-age', '8d', '--rpo', '1d'], cliEnv());
      expect(status.exitCode).toBe(0);
      const depot = status.results[0].databases.find((entry: any) => entry.database === 'depot');
      expect(depot.lastGoodDrill).toEqual({
        kind: 'dump',
        finishedAt: expect.any(String),
        ageSeconds: expect.any(Number),
        succeeded: true,
        restored: backupId,
        rtoSeconds: verify.results[0].restoreSeconds,
        key: drillResult.key,
      });
      expect(depot.lastGoodDrill.ageSeconds).toBeLessThan(86_400);
      expect(depot.lastDrill).toEqual(depot.lastGoodDrill);
      expect(depot.olderThanDrillAge).toBe(false);
      expect(status.results[0].olderThanDrillAge).toEqual([]);
    });

    test('the stored result says what was restored, its RTO, its recovery point, the rows matched and every check', async () => {
      const verify = await cli(['verify', '--from', uri(), '--latest', '--target-url', pg().url(), '--check', passing], cliEnv());
      const status = await cli(['status', '--from', uri(), '--database', 'depot'], cliEnv());
      const key: string = verify.results[0].drillResult.key;
      expect(status.results[0].databases[0].lastGoodDrill.key).toBe(key);
      // The record itself, read through the same store the runner wrote it to.
      const record = await readRecord(uri(), key, cliEnv());
      expect(record).toMatchObject({
        version: 1,
        kind: 'dump',
        database: 'depot',
        succeeded: true,
        restored: { backupId },
        rtoSeconds: verify.results[0].restoreSeconds,
        rowsMatched: 300,
        checks: [{ file: passing, statement: 'SELECT count(*) = 300 FROM items', passed: true }],
      });
      expect(Date.parse(record.recoveryPoint)).toBeLessThanOrEqual(Date.parse(record.startedAt));
      expect(record.reason).toBeUndefined();
    });

    test('a verify held to --rto and run by a drill state machine records its objective, that it was met, and the drill it belongs to', async () => {
      const verify = await cli(['verify', '--from', uri(), '--latest', '--target-url', pg().url(), '--check', passing, '--rto', '1h'], {
        ...cliEnv(), PG_BACKUP_DRILL_ID: 'arn:aws:states:eu-west-1:123456789012:execution:drill:weekly',
      });
      expect(verify.exitCode).toBe(0);
      const record = await readRecord(uri(), verify.results[0].drillResult.key, cliEnv());
      expect(record).toMatchObject({
        succeeded: true, rtoObjectiveSeconds: 3600, rtoExceeded: false, drillId: 'arn:aws:states:eu-west-1:123456789012:execution:drill:weekly',
      });
    });

    test('a failed drill writes a failure result with its reason, exits non-zero, and status reports the failure beside the last good drill', async () => {
      const verify = await cli(['verify', '--from', uri(), '--latest', '--target-url', pg().url(), '--check', failing], cliEnv());
      expect(verify.exitCode).toBe(1);
      expect(verify.results[0]).toMatchObject({ ok: false, metrics: { VerifyFailed: 1 } });

      const status = await cli(['status', '--from', uri(), '--database', 'depot', '--drill-age', '8d', '--output', 'table'], cliEnv());
      expect(status.exitCode).toBe(0);
      const result = JSON.parse(status.stdout.trimEnd().split('\n').pop()!);
      const depot = result.databases[0];
      expect(depot.lastDrill).toMatchObject({ kind: 'dump', succeeded: false, restored: backupId, reason: expect.stringMatching(/^check failed \(.*failing\.sql\): SELECT count\(\*\) = 301 FROM items/) });
      expect(depot.lastGoodDrill).toMatchObject({ succeeded: true });
      expect(Date.parse(depot.lastDrill.finishedAt)).toBeGreaterThan(Date.parse(depot.lastGoodDrill.finishedAt));
      expect(status.stdout).toMatch(/^DATABASE .* LAST GOOD DRILL/m);
      expect(status.stdout).toMatch(/^depot .* dump \d+s ago; FAILED \d+s ago \(ok\)/m);
      expect(status.stdout).toContain(`failed drill: depot ${depot.lastDrill.finishedAt}: check failed`);
      const record = await readRecord(uri(), depot.lastDrill.key, cliEnv());
      expect(record).toMatchObject({ succeeded: false, restored: { backupId }, reason: depot.lastDrill.reason });
    });

    test('status judges --drill-age against the last good drill: nine days later an 8-day limit is breached, a 10-day one is not', async () => {
      const { store, layout } = await openStore(uri(), cliEnv());
      try {
        const catalog = await readCatalog(store, layout, 'depot');
        const drills = await readDatabaseDrills(store, layout, 'depot');
        const lastGood = Date.parse(drills[0].newestSucceeded!.record.finishedAt);
        const nineDaysLater = new Date(lastGood + 9 * 86_400_000);
        const [breached] = databaseStatuses(catalog, nineDaysLater, { drillAgeSeconds: 8 * 86_400 }, drills);
        const [within] = databaseStatuses(catalog, nineDaysLater, { drillAgeSeconds: 10 * 86_400 }, drills);
        expect(breached).toMatchObject({ olderThanDrillAge: true, lastGoodDrill: { ageSeconds: 9 * 86_400 } });
        expect(within).toMatchObject({ olderThanDrillAge: false });
      } finally {
        store.close();
      }
    });
  });

  test.each([
    [['status', '--from', 'file:///tmp', '--drill-age', 'weekly'], /^status: --drill-age is "weekly"; allowed: a duration from 1s to 365d, such as 30s/],
    [['status', '--from', 'file:///tmp', '--drill-age', '0s'], /^status: --drill-age is "0s"; allowed: a duration from 1s to 365d/],
  ])('status %j is a usage error naming the flag, the value and what is allowed', async (argv, message) => {
    const run = await cli(argv);
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toMatch(message);
  });
});

/** The runner's own store for the location (the same code path status uses). */
async function openStore(uri: string, env: NodeJS.ProcessEnv) {
  const location = parseBackupLocation(uri, '--from');
  const tuning = { partSizeBytes: 8 * 1024 * 1024, concurrency: 1 };
  const store = await openBackupStore(location, { tuning, s3Endpoint: env.AWS_ENDPOINT_URL_S3 }, { ...process.env, ...env });
  return { store, layout: new BackupLayout(location) };
}

/** A drill result read back through the runner's own store. */
async function readRecord(uri: string, key: string, env: NodeJS.ProcessEnv): Promise<Record<string, any>> {
  const { store } = await openStore(uri, env);
  try {
    const data = await store.getBytes(key);
    expect(data).toBeDefined();
    return JSON.parse(data!.toString('utf8'));
  } finally {
    store.close();
  }
}
