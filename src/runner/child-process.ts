import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { whenAborted } from './operation-abort';
import { MissingProgramError, isRequiredProgram, missingProgramMessage } from './required-programs';
import { RunnerError } from './runner-error';
import { RUNNER_DATABASE_SECRET_ENV } from '../core/postgres/runner-connection';

/**
 * Credentials of the runner itself that the client tools never need: they are left out of the
 * children's environment, which other users of the host can read under /proc.
 */
const RUNNER_ONLY_ENV = [RUNNER_DATABASE_SECRET_ENV, 'AZURE_STORAGE_CONNECTION_STRING', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** coreutils' program that sets a child's stdio buffering (see {@link ToolProcessOptions.stdoutBlockBytes}). */
export const STDBUF = 'stdbuf';

/** How many of a child's last stderr lines are kept for the error message. */
const STDERR_TAIL_LINES = 20;

/** Options of a spawned client program. */
export interface ToolProcessOptions {
  /** Extra environment (e.g. `PGPASSWORD`), on top of the runner's own. */
  readonly env?: Record<string, string>;
  /**
   * Gives stdout to the caller as a stream instead of discarding it.
   * @default false
   */
  readonly captureStdout?: boolean;
  /**
   * A file descriptor the program writes its stdout to (a file the runner opened): the bytes go to the file without
   * passing through the runner. Excludes `captureStdout`.
   * @default - stdout is discarded, or a pipe with `captureStdout`
   */
  readonly stdoutTo?: number;
  /**
   * Gives stdin to the caller as a stream.
   * @default false
   */
  readonly pipeStdin?: boolean;
  /**
   * Another child's stdout to read as stdin, joined by the operating system so the bytes never pass
   * through the runner (e.g. pg_dump's archive into the compression program). Excludes `pipeStdin`.
   * @default - no stdin, or a pipe with `pipeStdin`
   */
  readonly stdinFrom?: Readable;
  /**
   * Called with each stderr line (e.g. pg_dump's `--verbose` progress).
   * @default - lines are only kept for the error message
   */
  readonly onStderrLine?: (line: string) => void;
  /**
   * Has the program's C library write its stdout in blocks of this many bytes instead of the pipe's 4 KiB (coreutils'
   * `stdbuf -o`, which the program is run through): a program that writes its output through stdio in small pieces,
   * as pg_dump writes its archive, then wakes the reader once a block instead of once every 4 KiB.
   * @default - the program's own buffering
   */
  readonly stdoutBlockBytes?: number;
  /**
   * Has the program's C library read its stdin in blocks of this many bytes instead of the pipe's 4 KiB (coreutils'
   * `stdbuf -i`): a program that reads its input through stdio line by line, as psql reads a script, then makes one
   * `read()` a block instead of one every 4 KiB.
   * @default - the program's own buffering
   */
  readonly stdinBlockBytes?: number;
  /**
   * Stops the child with SIGTERM when aborted.
   * @default - runs to its end
   */
  readonly signal?: AbortSignal;
}

/**
 * A spawned PostgreSQL client program whose exit status is always checked: `exited` resolves only
 * on exit status 0 and rejects with the program's own last words otherwise, so a failure inside a
 * pipe cannot pass unnoticed.
 */
export class ToolProcess {
  /** The child's stdout when `captureStdout` was asked for. */
  public readonly stdout?: Readable;
  /** The child's stdin when `pipeStdin` was asked for. */
  public readonly stdin?: Writable;
  /** Resolves when the program exits with status 0; rejects with a {@link RunnerError} otherwise. */
  public readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly progressTail: string[] = [];

  constructor(program: string, args: readonly string[], options: ToolProcessOptions = {}) {
    const name = program.split('/').pop() ?? program;
    const buffering = [
      ...options.stdinBlockBytes === undefined ? [] : [`-i${options.stdinBlockBytes}`],
      ...options.stdoutBlockBytes === undefined ? [] : [`-o${options.stdoutBlockBytes}`],
    ];
    const [command, argv] = buffering.length === 0 ? [program, args] : [STDBUF, [...buffering, program, ...args]];
    this.child = spawn(command, argv, {
      env: { ...withoutRunnerCredentials(process.env), ...options.env },
      stdio: [options.stdinFrom ?? (options.pipeStdin ? 'pipe' : 'ignore'), options.stdoutTo ?? (options.captureStdout ? 'pipe' : 'ignore'), 'pipe'],
    });
    // The child holds its own copy of the pipe now; the runner's end would only keep the writer from seeing a closed reader.
    options.stdinFrom?.destroy();
    this.stdout = this.child.stdout ?? undefined;
    this.stdin = this.child.stdin ?? undefined;
    let partial = '';
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.line(line, options.onStderrLine);
    });
    const stopWatching = options.signal ? whenAborted(options.signal, () => this.kill()) : () => undefined;
    this.exited = new Promise<void>((resolve, reject) => {
      this.child.once('error', (error) => {
        const through = command === program ? '' : ` (to run ${name})`;
        const started = path.basename(command);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && isRequiredProgram(started)) {
          reject(new MissingProgramError(started, `${missingProgramMessage(started)}${through} (${error.message})`, { cause: error }));
          return;
        }
        reject(new RunnerError(`cannot start ${command}${through}: ${error.message}`, { cause: error }));
      });
      this.child.once('close', (code, signal) => {
        stopWatching();
        if (partial) this.line(partial, options.onStderrLine);
        if (code === 0) {
          resolve();
          return;
        }
        const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        const said = this.stderrTail.length > 0 ? `: ${this.stderrTail.join(' | ')}` : '';
        reject(new RunnerError(`${name} ${status}${said}`));
      });
    });
    // The caller observes `exited` when it is ready; a rejection before then is not unhandled.
    this.exited.catch(() => undefined);
  }

  /** The process id. */
  public get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last stderr lines that look like errors (or, when there are none, the last progress lines). */
  public get stderrTail(): readonly string[] {
    return this.tail.length > 0 ? this.tail : this.progressTail;
  }

  /** Asks the program to stop (SIGTERM); it still exits through `exited`. */
  public kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }

  private line(line: string, onLine?: (line: string) => void): void {
    if (line.trim() === '') return;
    onLine?.(line);
    // The client tools print progress as `pg_dump: <message>` and problems as `pg_dump: error: …` (also warning,
    // detail, hint); only problems, and lines that continue them (`Command was: …`), make the failure message.
    const progress = isProgressLine(line);
    const kept = progress ? this.progressTail : this.tail;
    kept.push(line.trim());
    if (kept.length > STDERR_TAIL_LINES) kept.shift();
  }
}

/** Whether a client tool's stderr line is a progress message (`pg_restore: creating TABLE …`) rather than a problem. */
export function isProgressLine(line: string): boolean {
  const match = /^(pg_dump|pg_dumpall|pg_restore|psql|pgbackrest|pg_ctl): (\w+)/.exec(line.trim());
  return match !== null && !/^(error|warning|detail|hint|fatal|while|from|FATAL|ERROR|WARNING|DETAIL|HINT)$/.test(match[2]);
}

function withoutRunnerCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of RUNNER_ONLY_ENV) delete copy[name];
  return copy;
}

/** Runs a client program to its end and returns its stdout (for short outputs such as `pg_restore --list`). */
export async function runTool(program: string, args: readonly string[], options: Omit<ToolProcessOptions, 'captureStdout'> = {}): Promise<string> {
  const tool = new ToolProcess(program, args, { ...options, captureStdout: true });
  const chunks: Buffer[] = [];
  tool.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  await tool.exited;
  return Buffer.concat(chunks).toString('utf8');
}
