import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

/** A few runs of the CLI a test, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;

/**
 * verify and restore given a backup id that is not a complete backup of the database asked for say which it is (a
 * backup of another database, one whose dump never finished, or none at all) and what to take instead, and restore
 * creates nothing; an id alone is enough where several databases keep their backups.
 */
describe('a backup named by its id', () => {
  const pg = usePostgres();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-selection-'));
  const uri = `file://${directory}`;
  const cli = (args: string[]) => runPgBackup(args, { PG_BIN_DIR: pg().binDir });
  let till: string;
  let other: string;
  const unfinished = '20260101T020000Z-0badf00d';
  const nowhere = '20260101T020000Z-deadbeef';

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'till');
    await seedShopDatabase(pg(), 'other');
    till = (await cli(['dump', '--database-url', pg().url('till'), '--to', uri])).result.backupId;
    other = (await cli(['dump', '--database-url', pg().url('other'), '--to', uri])).result.backupId;
    // What a dump that was killed mid-upload leaves: its dump object, no manifest.
    fs.mkdirSync(path.join(directory, 'till', unfinished));
    fs.writeFileSync(path.join(directory, 'till', unfinished, 'dump.pgdump.zst'), 'part of a dump');
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const createdDatabases = () => pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'selected_%' OR datname LIKE 'pg_backup_verify_%'");

  test('is verified without --database where several databases keep their backups', async () => {
    const run = await cli(['verify', '--from', uri, '--backup', other, '--target-url', pg().url()]);
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, backupId: other, database: 'other' } });
  }, SLOW_TEST_MS);

  test('of another database than --database: restore says whose it is and which flag takes it, and creates nothing', async () => {
    const run = await cli(['restore', '--from', uri, '--database', 'till', '--backup', other, '--target-url', pg().url('selected_other')]);
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toBe(`backup ${other} is not a backup of till: it is one of other (choose it with --database other); `
      + `the newest complete backup of till is ${till} (--latest takes it)`);
    expect(await createdDatabases()).toEqual([]);
  }, SLOW_TEST_MS);

  test.each(['verify', 'restore'])('whose dump never finished: %s says it is incomplete, what its folder holds, and the backup to take instead', async (command) => {
    const target = command === 'verify' ? pg().url() : pg().url('selected_unfinished');
    const run = await cli([command, '--from', uri, '--database', 'till', '--backup', unfinished, '--target-url', target]);
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { [command === 'verify' ? 'VerifyFailed' : 'RestoreFailed']: 1 } } });
    expect(run.result.error).toBe(`backup ${unfinished} of till is incomplete: ${uri}/till/${unfinished}/ holds 1 object(s) but no manifest `
      + `(its dump is still running, or failed or was interrupted), so it is never verified or restored; the newest complete backup of till is ${till} (--latest takes it)`);
    expect(await createdDatabases()).toEqual([]);
  }, SLOW_TEST_MS);

  test('that does not exist: verify with --database names the database and the backup to take instead', async () => {
    const run = await cli(['verify', '--from', uri, '--database', 'till', '--backup', nowhere, '--target-url', pg().url()]);
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { VerifyFailed: 1 } } });
    expect(run.result.error).toBe(`there is no backup ${nowhere} of till under ${uri}/till (no folder of that id under any database there: deleted by prune, `
      + `or a typo); the newest complete backup of till is ${till} (--latest takes it)`);
  }, SLOW_TEST_MS);

  test('that does not exist: restore without --database says there is no such backup, not to choose a database, and creates nothing', async () => {
    const run = await cli(['restore', '--from', uri, '--backup', nowhere, '--target-url', pg().url('selected_nowhere')]);
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { RestoreFailed: 1 } } });
    expect(run.result.error).toMatch(new RegExp(`^there is no backup ${nowhere} under ${uri}/? \\(no folder of that id under any database there`));
    expect(await createdDatabases()).toEqual([]);
  }, SLOW_TEST_MS);
});
