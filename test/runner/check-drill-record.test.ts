import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { cli } from './support/in-process-cli';

/**
 * The checks task of a managed database's drill (snapshot, point in time) runs `pg-backup check` against the scratch
 * database; with --record-to it writes its outcome beside the backups, where `pg-backup status` shows it.
 */
describe('pg-backup check --record-to writes the drill result beside the backups, and status reads it back', () => {
  const pg = usePostgres({ password: 'drill-secret' });
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-check-record-'));
  const uri = () => `file://${store}/pg-dumps`;
  /** libpq's environment as the drill's checks task gets it: endpoint from the drill, credentials from the secret. */
  const drillEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PGHOST: pg().host, PGPORT: String(pg().port), PGUSER: pg().user, PGPASSWORD: pg().password, PGDATABASE: 'shop', ...extra,
  });
  const status = async () => (await cli(['status', '--from', uri(), '--database', 'shop', '--drill-age', '8d'], {})).results[0];
  const readRecord = (key: string) => JSON.parse(fs.readFileSync(path.join(store, 'pg-dumps', key), 'utf8'));

  beforeAll(async () => {
    await pg().createDatabase('shop');
    await pg().query(`
      CREATE TABLE orders (id int PRIMARY KEY, placed_at timestamptz NOT NULL);
      INSERT INTO orders SELECT n, timestamptz '2026-11-24T05:00:00Z' - n * interval '1 minute' FROM generate_series(1, 120) AS n;`, 'shop');
  });
  afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

  test('before any drill, status has no good drill of the database and --drill-age fails', async () => {
    const before = await cli(['status', '--from', uri(), '--database', 'shop', '--drill-age', '8d'], {});
    expect(before.exitCode).toBe(1);
    expect(before.results[0].databases).toEqual([]);
  });

  test('a passed snapshot drill is recorded with the snapshot it restored, its RTO from the restore start, the rows and checks', async () => {
    const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const run = await cli(['check', '--min-rows', 'orders=100', '--sql', 'SELECT count(*) = 120 FROM orders', '--record-to', uri()], drillEnv({
      PG_BACKUP_DRILL_SNAPSHOT: 'rds:shop-2026-11-24-02-05', PG_BACKUP_DRILL_KIND: 'snapshot', PG_BACKUP_DRILL_STARTED_AT: startedAt,
    }));
    expect(run.exitCode).toBe(0);
    const { drillResult } = run.results[0];
    expect(drillResult).toEqual({ written: true, key: expect.stringMatching(/^shop\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/) });
    const record = readRecord(drillResult.key);
    expect(record).toMatchObject({
      version: 1,
      kind: 'snapshot',
      database: 'shop',
      succeeded: true,
      startedAt,
      restored: { snapshot: 'rds:shop-2026-11-24-02-05' },
      rowsMatched: 120,
      checks: [
        { file: '--min-rows/--max-rows', statement: 'orders: 120 rows, expected at least 100', passed: true },
        { file: '--sql', statement: 'SELECT count(*) = 120 FROM orders', passed: true },
      ],
    });
    // Twenty minutes ago to the moment the database accepted the checks.
    expect(record.rtoSeconds).toBeGreaterThanOrEqual(20 * 60);
    expect(record.rtoSeconds).toBeLessThanOrEqual((Date.parse(record.finishedAt) - Date.parse(startedAt)) / 1000);

    const shop = (await status()).databases[0];
    expect(shop.lastGoodDrill).toEqual({
      kind: 'snapshot',
      finishedAt: record.finishedAt,
      ageSeconds: expect.any(Number),
      succeeded: true,
      restored: 'rds:shop-2026-11-24-02-05',
      rtoSeconds: record.rtoSeconds,
      key: drillResult.key,
    });
    expect(shop.olderThanDrillAge).toBe(false);
  });

  test('a point-in-time drill is recorded with its target time and the recovery point the data shows', async () => {
    const run = await cli([
      'check', '--target-time', '2026-11-24T05:10:00Z', '--recovery-point-query', 'SELECT max(placed_at) FROM orders', '--record-to', uri(),
    ], drillEnv());
    expect(run.exitCode).toBe(0);
    const record = readRecord(run.results[0].drillResult.key);
    expect(record).toMatchObject({
      kind: 'point-in-time', succeeded: true, restored: { targetTime: '2026-11-24T05:10:00Z' }, recoveryPoint: '2026-11-24T04:59:00.000Z',
    });
    expect(record.rtoSeconds).toBeUndefined();
    expect((await status()).databases[0].lastGoodDrill).toMatchObject({ kind: 'point-in-time', restored: '2026-11-24T05:10:00Z' });
  });

  test('failing checks are recorded as a failed drill with the reason, the run exits 1, and status shows it beside the last good drill', async () => {
    const run = await cli(['check', '--min-rows', 'orders=1000', '--record-to', uri(), '--drill-kind', 'snapshot'], drillEnv());
    expect(run.exitCode).toBe(1);
    expect(run.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/orders: 120 rows, expected at least 1000/) });
    const shop = (await status()).databases[0];
    expect(shop.lastDrill).toMatchObject({ kind: 'snapshot', succeeded: false, reason: expect.stringMatching(/orders: 120 rows, expected at least 1000/) });
    expect(shop.lastGoodDrill).toMatchObject({ kind: 'point-in-time', succeeded: true });
    expect(readRecord(shop.lastDrill.key)).toMatchObject({ succeeded: false, checks: [] });
  });

  test('a recovery point newer than the target is recorded as a failed point-in-time drill', async () => {
    const run = await cli([
      'check', '--target-time', '2026-11-24T04:00:00Z', '--recovery-point-query', 'SELECT max(placed_at) FROM orders', '--record-to', uri(),
    ], drillEnv());
    expect(run.exitCode).toBe(1);
    const shop = (await status()).databases[0];
    expect(shop.lastDrill).toMatchObject({ kind: 'point-in-time', succeeded: false, reason: expect.stringContaining('after the target') });
    expect(readRecord(shop.lastDrill.key)).toMatchObject({ recoveryPoint: '2026-11-24T04:59:00.000Z', restored: { targetTime: '2026-11-24T04:00:00Z' } });
  });

  test('checks that pass on a restore slower than --rto are recorded as a failed drill that exceeded its RTO, exit 1, and no good drill', async () => {
    const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const before = (await status()).databases[0].lastGoodDrill;
    const run = await cli(['check', '--min-rows', 'orders=100', '--record-to', uri(), '--rto', '10m'], drillEnv({
      PG_BACKUP_DRILL_KIND: 'snapshot', PG_BACKUP_DRILL_STARTED_AT: startedAt, PG_BACKUP_DRILL_ID: 'arn:aws:states:eu-west-1:1:execution:drill:slow',
    }));
    expect(run.exitCode).toBe(1);
    expect(run.results[0].error).toMatch(/restored and passed its checks, but took 20m( \d+s)?, longer than the RTO of 10m: it does not count as a good drill/);
    const shop = (await status()).databases[0];
    expect(shop.lastDrill).toMatchObject({ kind: 'snapshot', succeeded: false, rtoExceeded: true });
    expect(readRecord(shop.lastDrill.key)).toMatchObject({
      succeeded: false,
      rtoExceeded: true,
      rtoObjectiveSeconds: 600,
      drillId: 'arn:aws:states:eu-west-1:1:execution:drill:slow',
      checks: [{ file: '--min-rows/--max-rows', statement: 'orders: 120 rows, expected at least 100', passed: true }],
    });
    expect(shop.lastGoodDrill.key).toBe(before.key);
  });

  test('checks within --rto are a good drill that records its objective', async () => {
    const run = await cli(['check', '--min-rows', 'orders=100', '--record-to', uri(), '--rto', '1h'], drillEnv({
      PG_BACKUP_DRILL_KIND: 'snapshot', PG_BACKUP_DRILL_STARTED_AT: new Date(Date.now() - 20 * 60_000).toISOString(),
    }));
    expect(run.exitCode).toBe(0);
    expect(readRecord(run.results[0].drillResult.key)).toMatchObject({ succeeded: true, rtoObjectiveSeconds: 3600, rtoExceeded: false });
    expect((await status()).databases[0].lastGoodDrill).toMatchObject({ key: run.results[0].drillResult.key, succeeded: true });
  });

  test.each([
    { name: 'an unknown drill kind', args: ['--record-to', 'file:///tmp/x', '--drill-kind', 'dump'], message: /--drill-kind is "dump"; allowed: .*snapshot.*point-in-time.*restore-testing/ },
    { name: 'a start without a zone', args: ['--record-to', 'file:///tmp/x', '--drill-started-at', '2026-11-24 06:00'], message: /--drill-started-at is "2026-11-24 06:00"; allowed: an ISO 8601 time with a zone/ },
    { name: 'a store that is no location', args: ['--record-to', 'ftp://backups/x'], message: /--record-to is "ftp:\/\/backups\/x"/ },
    { name: 'an RTO of nothing', args: ['--rto', '0s'], message: /--rto is "0s"; allowed: a duration from 1s to 7d/ },
  ])('$name is a usage error naming the flag, before anything is checked or written', async ({ args, message }) => {
    const run = await cli(['check', ...args], drillEnv());
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toMatch(message);
  });
});
