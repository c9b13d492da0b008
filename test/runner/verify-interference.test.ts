import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';

/** The pids of the `name` processes the process `parent` started. */
function childrenNamed(parent: number, name: string): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent), '-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Sends `signal` to `pid`; false when the process has already exited. */
function signalIfAlive(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * The scratch database of a verification dropped by someone else while pg_restore loads it (a cleanup job, an
 * operator): verify fails saying what happened, never reports success, and leaves nothing behind.
 */
describe('a scratch database dropped while verify restores into it', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-interference-'));
  const uri = `file://${root}`;
  let backupId: string;

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    await pg().query('CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 200000) g; ANALYZE bulk;', 'shop');
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], { PG_BIN_DIR: pg().binDir });
    expect(dump.exitCode).toBe(0);
    backupId = dump.result.backupId;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('fails verify with the server\'s reason, exit 1 and VerifyFailed, and leaves no scratch database', async () => {
    const verify = startPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', pg().url(), '--log-level', 'debug'], { PG_BIN_DIR: pg().binDir });
    // pg_restore is held still once it is loading table data, so the drop lands in the middle of the restore.
    await verify.waitForStderr(/processing data for table .{0,6}public.{0,6}bulk/);
    const runner = verify.child.pid!;
    // The runner is held first, so it starts nothing new, then whichever of its pg_restore and psql runs are still going
    // (a table's pg_restore may already have written its script and exited, and a small table's psql finished): the
    // drop then lands while the restore has work left, however fast this machine loaded the table.
    expect(signalIfAlive(runner, 'SIGSTOP')).toBe(true);
    const restorers = [runner, ...childrenNamed(runner, 'pg_restore'), ...childrenNamed(runner, 'psql')].filter((pid) => pid === runner || signalIfAlive(pid, 'SIGSTOP'));
    try {
      const [scratch] = await pg().query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'");
      expect(scratch).toBeDefined();
      await pg().query(`DROP DATABASE "${scratch.datname}" WITH (FORCE)`);
    } finally {
      for (const pid of restorers) signalIfAlive(pid, 'SIGCONT');
    }
    const run = await verify.done;
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ command: 'verify', ok: false, metrics: { VerifyFailed: 1, VerifySucceeded: 0 } });
    expect(run.result.error).toMatch(/terminat|does not exist|connection/i);
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
  });
});
