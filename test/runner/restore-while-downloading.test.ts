import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** Runs of the CLI against a stalled store, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;

/**
 * `restore` and `verify` restore a backup while it downloads: each table as soon as its rows have arrived, and its
 * primary key right after, while the next table's rows are still on their way. Shown by a store that stalls after the
 * first table's rows: the first table is restored, keyed and queryable, and when the store then goes away the run fails
 * saying so and leaves the target as the restore found it.
 */
describe('restore and verify build what has arrived while the rest downloads', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['arriving-backups'] });
  const uri = 's3://arriving-backups/nightly';
  let backupId: string;

  const through = (port: number) => ({ PG_BIN_DIR: pg().binDir, ...s3().env, AWS_MAX_ATTEMPTS: '2', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` });
  /** The stored dump's rows do not compress away (md5 of a counter): the first table's block arrives well before the second's. */
  beforeAll(async () => {
    await pg().createDatabase('bulky');
    await pg().query(`
      CREATE TABLE early (id int PRIMARY KEY, note text);
      INSERT INTO early SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
      CREATE TABLE late (id int PRIMARY KEY, early_id int REFERENCES early, note text);
      INSERT INTO late SELECT g, 1 + g % 1000, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 20000) g;`, 'bulky');
    const dump = startPgBackup(['dump', '--database-url', pg().url('bulky'), '--to', uri], { PG_BIN_DIR: pg().binDir, ...s3().env });
    const run = await dump.done;
    expect(run.exitCode).toBe(0);
    backupId = run.result.backupId;
  });

  /** Starts `args` through a store that stalls after the first 256 KiB of the dump object; resolves once early's key is built. */
  async function stallAfterEarly(args: string[]) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-arriving-scratch-'));
    const proxy = await startTcpProxy(s3().port, { holdInResponse: { request: /GET \S*\/dump\.pgdump/, afterBytes: 256 * 1024 } });
    const run = startPgBackup([...args, '--from', uri, '--backup', backupId, '--log-level', 'debug'], { ...through(proxy.port), PG_BACKUP_SCRATCH_DIR: scratch });
    await run.waitForStderr(/pg_restore: creating CONSTRAINT \\"public.early early_pkey\\"/);
    return { run, proxy, scratch };
  }

  test('restore into a database it creates: early is in and keyed before late has arrived; the store going away drops that database', async () => {
    const { run, proxy, scratch } = await stallAfterEarly(['restore', '--target-url', pg().url('bulky_created')]);
    try {
      expect(await pg().query('SELECT count(*)::int AS rows FROM early', 'bulky_created')).toEqual([{ rows: 1000 }]);
      await proxy.cut();
      const result = await run.done;
      expect(result).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { RestoreFailed: 1 } } });
      expect(result.result.error).toMatch(/became unreachable while downloading \S+\/dump\.pgdump|the download of \S+\/dump\.pgdump\S* stopped after \d+ of \d+ bytes/);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'bulky_created'")).toEqual([]);
      expect(fs.readdirSync(scratch)).toEqual([]);
    } finally {
      await proxy.cut();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, SLOW_TEST_MS);

  test('restore into a database that was there: the store going away leaves that database in place', async () => {
    await pg().createDatabase('bulky_existing');
    const { run, proxy, scratch } = await stallAfterEarly(['restore', '--target-url', pg().url('bulky_existing')]);
    try {
      await proxy.cut();
      expect(await run.done).toMatchObject({ exitCode: 1, result: { ok: false } });
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'bulky_existing'")).toEqual([{ datname: 'bulky_existing' }]);
    } finally {
      await proxy.cut();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, SLOW_TEST_MS);

  test('verify: early is keyed before late has arrived; the store going away leaves no scratch database and no scratch files', async () => {
    const { run, proxy, scratch } = await stallAfterEarly(['verify', '--target-url', pg().url()]);
    try {
      await proxy.cut();
      expect(await run.done).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { VerifyFailed: 1 } } });
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
      expect(fs.readdirSync(scratch)).toEqual([]);
    } finally {
      await proxy.cut();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, SLOW_TEST_MS);
});
