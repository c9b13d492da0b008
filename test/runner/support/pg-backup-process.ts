import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { runCli } from '../../../src/runner/cli-main';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The `pg-backup` entry point of the sources transpiled once for the run (jest-global-setup.ts). */
function cliPath(): string {
  const built = process.env.PG_BACKUP_TEST_CLI;
  if (!built) throw new Error('PG_BACKUP_TEST_CLI is not set: run the tests through jest, whose global setup transpiles the sources');
  return built;
}

/** The outcome of one `pg-backup` process. */
export interface PgBackupRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON result line (the last line of stdout). */
  readonly result: Record<string, any>;
}

/** A running `pg-backup` process. */
export interface PgBackupProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly done: Promise<PgBackupRun>;
  /** Resolves with the first stderr line matching `pattern` (rejects if the process exits first). */
  waitForStderr(pattern: RegExp): Promise<string>;
}

/** How a `pg-backup` process is started. */
export interface PgBackupProcessOptions {
  /**
   * A program (and its arguments) that runs node with the CLI, e.g. `setpriv` with the capabilities to drop.
   * @default - node is started directly
   */
  readonly through?: readonly string[];
}

/**
 * Starts the real CLI as its own process (`node <the transpiled src/runner/cli.js>`),
 * so exit statuses, stdout/stderr and signals are those an operator or a scheduler sees.
 */
export function startPgBackup(args: readonly string[], env: Record<string, string> = {}, options: PgBackupProcessOptions = {}): PgBackupProcess {
  const [program, ...programArgs] = [...(options.through ?? []), process.execPath, cliPath(), ...args];
  const child = spawn(program, programArgs, {
    cwd: ROOT,
    env: { ...process.env, PG_BACKUP_PROGRESS_INTERVAL: '0.2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  let partial = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const done = new Promise<PgBackupRun>((resolve) => {
    child.once('close', (exitCode, signal) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`pg-backup exited (${exitCode}) before logging ${waiter.pattern}:\n${stderr}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      let result: Record<string, any> = {};
      try {
        result = JSON.parse(last);
      } catch {
        result = { unparsable: last };
      }
      resolve({ exitCode, signal, stdout, stderr, result });
    });
  });
  return {
    child,
    done,
    waitForStderr: (pattern) => new Promise<string>((resolve, reject) => waiters.push({ pattern, resolve, reject })),
  };
}

/** Runs `pg-backup` to its end. */
export function runPgBackup(args: readonly string[], env: Record<string, string> = {}, options: PgBackupProcessOptions = {}): Promise<PgBackupRun> {
  return startPgBackup(args, env, options).done;
}

/**
 * Runs `pg-backup` inside the test's own process through the CLI's entry function: the same parsing, checks and result
 * line as the program, without starting a Node process (for table-driven cases that need no exit status of a process).
 */
export async function runPgBackupInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<Pick<PgBackupRun, 'exitCode' | 'result'>> {
  let line = '';
  const exitCode = await runCli(args, { env: { ...process.env, PG_BACKUP_METRICS: 'off', PG_BACKUP_LOG_LEVEL: 'fatal', ...env }, writeResult: (text) => { line = text; } });
  return { exitCode, result: JSON.parse(line) };
}
