import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DRILL_RUNNER_SCRIPT, DRILL_SIGNAL_DIRECTORY, SCRATCH_PASSWORD_FILE, SCRATCH_TARGET_URL, restoreDrillCommand,
} from '../../src/pulumi/azure/restore-drill-containers';
import { usePostgres } from '../support/postgres';
import { cli } from './support/in-process-cli';

/** The scratch server's port in a replica, which the script and the target URL name. */
const REPLICA_SCRATCH_PORT = 5432;

/**
 * The Azure dump drill's runner container, run for real: its exact shell script, with the replica's shared volume and
 * the scratch server's loopback port moved to what this machine has (the only two substitutions), the real `pg-backup`
 * on PATH, and a real PostgreSQL that takes password (scram-sha-256) connections only on TCP, as the scratch server
 * started with POSTGRES_PASSWORD_FILE does. The password reaches the runner through the file alone.
 */
describe('the Azure dump drill reads the scratch server\'s password from the replica\'s shared volume', () => {
  const password = randomBytes(16).toString('hex');
  const pg = usePostgres({ password });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-azure-drill-'));
  const store = `file://${work}/store/pg-dumps`;
  const volume = path.join(work, 'run-drill');
  const bin = path.join(work, 'bin');

  beforeAll(async () => {
    await pg().createDatabase('shop');
    await pg().query('CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 500); ANALYZE;', 'shop');
    const dump = await cli(['dump', '--database-url', pg().url('shop'), '--to', store], { PG_BIN_DIR: pg().binDir });
    expect(dump.exitCode).toBe(0);
    fs.mkdirSync(bin);
    const pgBackup = path.join(bin, 'pg-backup');
    fs.writeFileSync(pgBackup, `#!/bin/sh\nexec "${process.execPath}" "${process.env.PG_BACKUP_TEST_CLI}" "$@"\n`, { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** Runs the runner container's command with `secret` in the password file, as the scratch container writes it. */
  async function runDrill(secret: string) {
    fs.rmSync(volume, { recursive: true, force: true });
    fs.mkdirSync(volume);
    // As the scratch container writes it: hex, no newline, readable by its owner only.
    fs.writeFileSync(path.join(volume, path.basename(SCRATCH_PASSWORD_FILE)), secret, { mode: 0o600 });
    const port = String(pg().port);
    const command = restoreDrillCommand({ from: store, database: 'shop', rtoMinutes: 60 });
    expect(command.slice(0, 3)).toEqual(['/bin/sh', '-c', DRILL_RUNNER_SCRIPT]);
    const script = DRILL_RUNNER_SCRIPT.replaceAll(DRILL_SIGNAL_DIRECTORY, volume).replaceAll(`-p ${REPLICA_SCRATCH_PORT}`, `-p ${port}`);
    const argv = command.slice(3).map((word) => (word === SCRATCH_TARGET_URL ? word.replace(`:${REPLICA_SCRATCH_PORT}/`, `:${port}/`) : word));
    // Nothing but the file may carry the password: no PGPASSWORD, no password file, no password in any argument.
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: work,
      PG_BIN_DIR: pg().binDir,
      PGPASSFILE: path.join(work, 'no-pgpass'),
      PG_BACKUP_METRICS: 'off',
      PG_BACKUP_LOG_LEVEL: 'info',
    };
    expect([script, ...argv].join(' ')).not.toContain(secret);
    const child = spawn('/bin/sh', ['-c', script, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { exitCode, stdout, stderr, result: JSON.parse(stdout.trim().split('\n').pop() ?? '{}'), done: fs.existsSync(path.join(volume, 'done')) };
  }

  test('with the password from the file the drill restores and checks the latest dump, tells the scratch server it is done, and logs no password', async () => {
    const run = await runDrill(password);
    expect(run.stderr).not.toMatch(/password authentication failed/);
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ command: 'verify', ok: true, database: 'shop' });
    expect(run.done).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  test('with another password in the file the server refuses the runner: the drill fails, the scratch server is still told, and neither password is logged', async () => {
    const wrong = randomBytes(16).toString('hex');
    const run = await runDrill(wrong);
    expect(run.exitCode).not.toBe(0);
    expect(run.result.error).toMatch(/^cannot connect to postgres@127\.0\.0\.1:\d+\/postgres \(the verification server\): password authentication failed for user "postgres"$/);
    expect(run.done).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(password);
  });
});
