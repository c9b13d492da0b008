import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './support/in-process-cli';
import { runnerStatusArgv } from '../../src/core/postgres/runner-argv';
import { formatBytes, formatDuration } from '../../src/runner/cli-output';
import { usePostgres } from '../support/postgres';

const TORN_ID = '20200101T000000Z-0badc0de';
const PARTIAL_ID = '20200102T000000Z-0000beef';
const OLD_ID = '20200103T000000Z-00000010';

describe('pg-backup list and status of a location with complete, broken, partial and old backups', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-status-'));
  const from = `file://${root}`;
  let fresh: Record<string, any>;
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    await pg().createDatabase('orders');
    await pg().query('CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 250);', 'orders');
    const dump = await cli(['dump', '--database-url', pg().url('orders'), '--to', from], { PG_BIN_DIR: pg().binDir });
    expect(dump.exitCode).toBe(0);
    fresh = dump.results[0];
    // A torn manifest (disk full while it was written) beside the good backup.
    fs.mkdirSync(path.join(root, 'orders', TORN_ID));
    const dumpName: string = fresh.objects.find((object: { role: string }) => object.role === 'dump').name;
    fs.copyFileSync(path.join(root, 'orders', fresh.backupId, dumpName), path.join(root, 'orders', TORN_ID, dumpName));
    fs.writeFileSync(path.join(root, 'orders', TORN_ID, 'manifest.json'), '');
    // A dump that never finished: objects, no manifest.
    fs.mkdirSync(path.join(root, 'orders', PARTIAL_ID));
    fs.writeFileSync(path.join(root, 'orders', PARTIAL_ID, 'dump.pgdump'), 'PGDMP');
    // Another database whose only backup finished in 2020: the real manifest, moved back in time.
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'orders', fresh.backupId, 'manifest.json'), 'utf8'));
    fs.mkdirSync(path.join(root, 'billing', OLD_ID), { recursive: true });
    fs.writeFileSync(path.join(root, 'billing', OLD_ID, 'manifest.json'),
      JSON.stringify({ ...manifest, database: 'billing', backupId: OLD_ID, startedAt: '2020-01-03T00:00:00.000Z', finishedAt: '2020-01-03T00:01:00.000Z' }));
    // A folder another program made, whose name is no percent-encoding the runner writes (a stray %).
    fs.mkdirSync(path.join(root, 'stray%zz', OLD_ID), { recursive: true });
    fs.writeFileSync(path.join(root, 'stray%zz', OLD_ID, 'manifest.json'), '{}');
  });

  test('list and status read the location alike: the same complete backups, and the broken one with the same reason', async () => {
    const list = (await cli(['list', '--from', from, '--output', 'table'])).stdout;
    const status = (await cli(['status', '--from', from, '--output', 'table'])).stdout;
    const brokenLines = (text: string) => text.split('\n').filter((line) => line.startsWith('broken: '));
    expect(brokenLines(list)).toHaveLength(1);
    expect(brokenLines(status)).toEqual(brokenLines(list));
    const [listResult, statusResult] = [JSON.parse(list.trimEnd().split('\n').pop()!), JSON.parse(status.trimEnd().split('\n').pop()!)];
    expect(statusResult.databases.flatMap((db: any) => db.broken.map((entry: any) => entry.reason)))
      .toEqual(listResult.broken.map((entry: any) => entry.reason));
    expect(statusResult.databases.map((db: any) => [db.database, db.complete])).toEqual([['billing', 1], ['orders', 1]]);
    expect(listResult.backups.map((backup: any) => backup.database)).toEqual(['billing', 'orders']);
  });

  test('list shows every complete backup and the broken one, and an empty manifest does not fail the listing', async () => {
    const run = await cli(['list', '--from', from]);
    expect(run.exitCode).toBe(0);
    expect(run.results).toHaveLength(1);
    expect(run.results[0].backups.map((backup: any) => [backup.database, backup.backupId])).toEqual([['billing', OLD_ID], ['orders', fresh.backupId]]);
    expect(run.results[0].broken).toEqual([expect.objectContaining({ database: 'orders', backupId: TORN_ID, manifestKey: `orders/${TORN_ID}/manifest.json` })]);
  });

  test('list --output table prints a table a person can read, then the result line', async () => {
    const run = await cli(['list', '--from', from, '--database', 'orders', '--output', 'table']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DATABASE +BACKUP +FINISHED +FORMAT +SIZE +ROWS +TABLES +GLOBALS$/);
    expect(lines[1]).toMatch(new RegExp(`^orders +${fresh.backupId} +${fresh.finishedAt} +custom +${formatBytes(fresh.bytes).replace('.', '\\.')} +250 +1 +no$`));
    expect(lines[2]).toMatch(new RegExp(`^broken: orders ${TORN_ID}: \\S+/manifest\\.json is not a valid backup manifest: it is empty \\(0 bytes\\)`));
    expect(JSON.parse(lines[3])).toMatchObject({ command: 'list', ok: true, count: 1, metrics: { ListSucceeded: 1, ListFailed: 0 } });
    expect(lines).toHaveLength(4);
  });

  test('list prints a table on a terminal and only the result line elsewhere', async () => {
    expect((await cli(['list', '--from', from], {}, { stdout: true })).stdout).toMatch(/^DATABASE +BACKUP/);
    const piped = await cli(['list', '--from', from], {}, { stdout: false });
    expect(piped.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect((await cli(['list', '--from', from, '--output', 'json'], {}, { stdout: true })).stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  test('status reports each database\'s newest complete backup with its age, size and rows, and the broken and partial ones', async () => {
    const before = Date.now();
    const run = await cli(['status', '--from', from]);
    const after = Date.now();
    expect(run.exitCode).toBe(0);
    const [billing, orders] = run.results[0].databases;
    expect(orders).toEqual({
      database: 'orders',
      newest: { backupId: fresh.backupId, finishedAt: fresh.finishedAt, ageSeconds: expect.any(Number), bytes: fresh.bytes, rows: 250 },
      complete: 1,
      broken: [{ backupId: TORN_ID, manifestKey: `orders/${TORN_ID}/manifest.json`, reason: expect.stringMatching(/is not a valid backup manifest: it is empty \(0 bytes\)/) }],
      partial: [{ backupId: PARTIAL_ID, objects: 1 }],
    });
    expect(billing).toMatchObject({ database: 'billing', newest: { backupId: OLD_ID, finishedAt: '2020-01-03T00:01:00.000Z' }, complete: 1, broken: [], partial: [] });
    const finished = Date.parse('2020-01-03T00:01:00.000Z');
    expect(billing.newest.ageSeconds).toBeGreaterThanOrEqual(Math.floor((before - finished) / 1000));
    expect(billing.newest.ageSeconds).toBeLessThanOrEqual(Math.ceil((after - finished) / 1000));
  });

  test('status --rpo exits 1 naming the databases whose newest complete backup is older, with the whole status in the result line', async () => {
    const run = await cli(['status', '--from', from, '--rpo', '365d', '--output', 'json']);
    expect(run.exitCode).toBe(1);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ command: 'status', ok: false, exitCode: 1, rpoSeconds: 31_536_000, olderThanRpo: ['billing'] });
    // The run itself read the location: the late backup is its finding, not a failed run.
    expect(run.results[0].metrics).toEqual({ StatusSucceeded: 1, StatusFailed: 0 });
    expect(run.results[0].error).toMatch(/^billing \(newest complete backup \d+d( \d+h)? old\) is older than the RPO of 365d$/);
    expect(run.results[0].databases.map((status: any) => [status.database, status.olderThanRpo])).toEqual([['billing', true], ['orders', false]]);
  });

  test('the status a scheduled RPO watch runs fails on a database whose newest dump is too old or missing, and passes on a fresh one', async () => {
    const watch = async (database: string) => cli(runnerStatusArgv({ from, database, rpoHours: 26 }));
    const [old, missing, recent] = await Promise.all([watch('billing'), watch('inventory'), watch('orders')]);
    expect([old.exitCode, missing.exitCode, recent.exitCode]).toEqual([1, 1, 0]);
    expect(old.results[0].error).toMatch(/^billing \(newest complete backup \d+d( \d+h)? old\) is older than the RPO of 1d 2h/);
    expect(missing.results[0].error).toMatch(/^inventory \(no complete backup\) is older than the RPO of 1d 2h/);
  });

  test('status --rpo of a database that is within it exits 0', async () => {
    const run = await cli(['status', '--from', from, '--database', 'orders', '--rpo', '365d']);
    expect(run.exitCode).toBe(0);
    expect(run.results[0]).toMatchObject({ ok: true, olderThanRpo: [], databases: [{ database: 'orders', olderThanRpo: false }] });
  });

  test('status --output table shows one row a database and lists the broken and partial backups', async () => {
    const run = await cli(['status', '--from', from, '--rpo', '365d', '--output', 'table']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DATABASE +NEWEST BACKUP +AGE +SIZE +ROWS +COMPLETE +RPO +LAST GOOD DRILL +BROKEN +PARTIAL$/);
    expect(lines[1]).toMatch(new RegExp(`^billing +${OLD_ID} +\\d+d( \\d+h)? +\\S+ \\S+ +250 +1 +OLDER THAN 365d +none +0 +0$`));
    expect(lines[2]).toMatch(new RegExp(`^orders +${fresh.backupId} +\\S+( \\S+)? +\\S+ \\S+ +250 +1 +ok +none +1 +1$`));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^broken: orders ${TORN_ID}: \\S+ is not a valid backup manifest: it is empty \\(0 bytes\\)`)));
    expect(lines).toContain(`partial: orders ${PARTIAL_ID}: 1 object(s), no manifest (running, failed or interrupted)`);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ command: 'status', ok: false });
  });

  test.each<[string[], RegExp]>([
    [['status', '--from', 'file:///tmp', '--rpo', 'soon'], /^status: --rpo is "soon"; allowed: a duration from 1s to 365d, such as 30s/],
    [['status', '--from', 'file:///tmp', '--rpo', '0s'], /^status: --rpo is "0s"; allowed: a duration from 1s to 365d/],
    [['status', '--from', 'file:///tmp', '--output', 'yaml'], /^status: --output is "yaml"; allowed: one of: table, json/],
    [['status'], /^status: --from is undefined; allowed: a value \(the flag is required\)/],
  ])('status %j is a usage error naming the flag, the value and what is allowed', async (argv, message) => {
    const run = await cli(argv);
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toMatch(message);
  });
});

describe('durations and sizes for people', () => {
  test.each([[0, '0s'], [45, '45s'], [725, '12m 5s'], [11_520, '3h 12m'], [187_200, '2d 4h'], [86_400, '1d']])('%i seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test.each([[512, '512 B'], [1500, '1.5 kB'], [1_500_000, '1.5 MB'], [340_400_000, '340 MB'], [23_100_000_000, '23.1 GB']])('%i bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
