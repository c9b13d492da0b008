import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { freePort } from '../support/free-port';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup, type PgBackupProcess } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** What a store holds for a database: every key, and the content of `latest`. */
interface StoreState {
  readonly keys: string[];
  readonly latest: string | undefined;
}

/** A progress line with bytes already moved: the dump is under way. */
const DUMP_IN_FLIGHT = /"phase":"dump","bytes":[1-9]/;

describe('a failed dump leaves no manifest, keeps latest and every earlier backup restorable', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['fault-backups'] });
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-fault-store-'));
  const fileUri = () => `file://${fileRoot}`;
  const s3Uri = 's3://fault-backups/dumps';
  const env = () => ({ PG_BIN_DIR: pg().binDir, ...s3().env });
  let earlierFileBackup: string;
  let earlierS3Backup: string;

  const fileState = async (): Promise<StoreState> => {
    const keys: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else keys.push(path.relative(fileRoot, full));
      }
    };
    walk(fileRoot);
    const latestFile = path.join(fileRoot, 'orders', 'latest');
    return { keys: keys.sort(), latest: fs.existsSync(latestFile) ? fs.readFileSync(latestFile, 'utf8') : undefined };
  };
  const s3State = async (): Promise<StoreState> => {
    const page = await s3().client.send(new ListObjectsV2Command({ Bucket: 'fault-backups', Prefix: 'dumps/' }));
    const keys = (page.Contents ?? []).map((object) => object.Key!).sort();
    const latest = await s3().client.send(new GetObjectCommand({ Bucket: 'fault-backups', Key: 'dumps/orders/latest' }));
    return { keys, latest: await latest.Body!.transformToString() };
  };

  /** The store is exactly as before the failed run, and the earlier backup still verifies. */
  async function expectEarlierBackupIntact(state: () => Promise<StoreState>, before: StoreState, uri: string, backupId: string) {
    const after = await state();
    expect(after.keys.filter((key) => key.endsWith('manifest.json'))).toEqual(before.keys.filter((key) => key.endsWith('manifest.json')));
    expect(after).toEqual(before);
    const verify = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', pg().url()], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true } });
  }

  function expectFailure(run: { exitCode: number | null; result: Record<string, any> }, message: RegExp, exitCode = 1) {
    expect(run.exitCode).toBe(exitCode);
    expect(run.result).toMatchObject({ command: 'dump', ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } });
    expect(run.result.error).toMatch(message);
    expect(run.result.error).toMatch(/no manifest was written and latest is unchanged/);
  }

  async function waitForDumpConnections(count: number) {
    // Poll until the server has noticed; no time limit beyond the test's own.
    for (;;) {
      const rows = await pg().query("SELECT pid FROM pg_stat_activity WHERE application_name IN ('pg_dump', 'pg-backup') AND datname = 'orders'");
      if (rows.length === count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'orders');
    const toFile = await runPgBackup(['dump', '--database-url', pg().url('orders'), '--to', fileUri()], env());
    const toS3 = await runPgBackup(['dump', '--database-url', pg().url('orders'), '--to', s3Uri], env());
    expect([toFile.exitCode, toS3.exitCode]).toEqual([0, 0]);
    earlierFileBackup = toFile.result.backupId;
    earlierS3Backup = toS3.result.backupId;
    // Large enough that a dump of it is still streaming when a test interferes with it.
    await pg().query(`CREATE TABLE bulk AS
      SELECT g AS id, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) AS payload
        FROM generate_series(1, 3000000) g`, 'orders');
  });
  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  test('a server that is down fails with the address it could not reach', async () => {
    const before = await fileState();
    const url = pg().url('orders').replace(`:${pg().port}/`, `:${await freePort()}/`);
    const run = await runPgBackup(['dump', '--database-url', url, '--to', fileUri()], env());
    expectFailure(run, /cannot connect to postgres@127\.0\.0\.1:\d+\/orders .*ECONNREFUSED/);
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });

  test('a wrong password fails with the server\'s reason and never shows the password', async () => {
    const before = await fileState();
    const url = pg().url('orders').replace(encodeURIComponent(pg().password), 'not-the-password');
    const run = await runPgBackup(['dump', '--database-url', url, '--to', fileUri()], env());
    expectFailure(run, /password authentication failed for user "postgres"/);
    expect(run.stdout + run.stderr).not.toContain('not-the-password');
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });

  test.each([
    ['', () => []],
    [', encrypted with age,', () => ['--recipient', execFileSync('age-keygen', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).match(/public key: (age1\w+)/)![1]]],
  ])('the dump\'s connection killed mid-dump fails the dump%s and stores no object', async (_how, flags) => {
    const before = await fileState();
    const dump = startPgBackup(['dump', '--database-url', pg().url('orders'), '--to', fileUri(), ...flags()], env());
    // pg_dump is copying the big table: its backend shows the COPY.
    let pid: number | undefined;
    while (pid === undefined) {
      const rows = await pg().query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'pg_dump' AND query LIKE 'COPY public.bulk %'", 'orders');
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await pg().query(`SELECT pg_terminate_backend(${pid})`);
    const run = await dump.done;
    expectFailure(run, /pg_dump exited with status 1: .*(terminating connection|server closed the connection|connection to server)/);
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });

  test('a database server that goes away mid-dump fails saying so, whichever connection notices first', async () => {
    const before = await fileState();
    const proxy = await startTcpProxy(pg().port);
    const url = pg().url('orders').replace(`:${pg().port}/`, `:${proxy.port}/`);
    const dump = startPgBackup(['dump', '--database-url', url, '--to', fileUri()], env());
    await dump.waitForStderr(DUMP_IN_FLIGHT);
    await proxy.cut();
    const run = await dump.done;
    expectFailure(run, /\(the database server closed the connection during the run: it was stopped, restarted or failed over, or the network to it dropped; run the command again once the server answers\)/);
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });

  test('an object store that goes away mid-upload fails naming its endpoint and abandons the upload', async () => {
    const before = await s3State();
    const proxy = await startTcpProxy(s3().port);
    const dump = startPgBackup(['dump', '--database-url', pg().url('orders'), '--to', s3Uri, '--part-size-mb', '5'],
      { ...env(), AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`, AWS_MAX_ATTEMPTS: '2' });
    await dump.waitForStderr(DUMP_IN_FLIGHT);
    await proxy.cut();
    const run = await dump.done;
    expectFailure(run, new RegExp(`the object store at http://127\\.0\\.0\\.1:${proxy.port} became unreachable while uploading ` +
      's3://fault-backups/dumps/orders/\\S+/dump\\.pgdump(\\.zst)?: .*(ECONNREFUSED|ECONNRESET|socket hang up).*'
      // Cut before a part was stored, there is no multipart upload; after, its abort cannot reach the store either, and says so.
      + '(the multipart upload was abandoned, so no partial object is left|the multipart upload could not be aborted either \\(the object store at \\S+ became unreachable'
      + ' while aborting it.*abort-multipart-upload --bucket fault-backups)'));
    await expectEarlierBackupIntact(s3State, before, s3Uri, earlierS3Backup);
  });

  test('a table locked ACCESS EXCLUSIVE past the lock-wait timeout fails the dump', async () => {
    const before = await fileState();
    const holder = new Client({ connectionString: pg().url('orders') });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const run = await runPgBackup(['dump', '--database-url', pg().url('orders'), '--to', fileUri(), '--lock-wait-timeout', '1s'], env());
      expectFailure(run, /pg_dump could not lock table public\.customers within the lock-wait timeout \(1 s\): another session holds a conflicting lock/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });

  test('SIGTERM mid-dump stops pg_dump, removes the partial object and exits 143', async () => {
    const before = await fileState();
    const dump: PgBackupProcess = startPgBackup(['dump', '--database-url', pg().url('orders'), '--to', fileUri()], env());
    await dump.waitForStderr(DUMP_IN_FLIGHT);
    dump.child.kill('SIGTERM');
    const run = await dump.done;
    expectFailure(run, /interrupted by SIGTERM/, 143);
    await waitForDumpConnections(0);
    await expectEarlierBackupIntact(fileState, before, fileUri(), earlierFileBackup);
  });
});
