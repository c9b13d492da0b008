/**
 * A failure the operator has to act on. Its message is what the runner prints and logs, so it says
 * what went wrong in the operator's terms, and the state left behind (what was and was not written).
 */
export class RunnerError extends Error {
  /** Process exit status for this failure: 1 for a failed operation, 2 for a usage error. */
  public readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunnerError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * The scratch disk refused a write (full, over quota, read-only): the operator's fix is a bigger disk, so the message
 * is reported as it is, not wrapped in what was being restored.
 */
export class ScratchDiskError extends RunnerError {}

/** A command line the runner cannot act on (unknown flag, bad value); exits with status 2. */
export class UsageError extends RunnerError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** The operation was stopped by a signal (SIGTERM from the scheduler, SIGINT from a terminal). */
export class InterruptedError extends RunnerError {
  /** The signal that stopped the run. */
  public readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, { exitCode: signal === 'SIGINT' ? 130 : 143 });
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}

/**
 * A run that stopped (interrupted, or failed) after it had changed something that stays: its message says what the
 * store or database holds now, so it is reported as it is, never replaced by the bare signal. It exits like its cause.
 */
export class StoppedPartwayError extends RunnerError {
  constructor(message: string, cause: unknown) {
    super(message, { cause, exitCode: cause instanceof RunnerError ? cause.exitCode : 1 });
    this.name = 'StoppedPartwayError';
  }
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The errors in a chain of causes (and of AggregateErrors), outermost first. */
export function errorCauses(error: unknown): unknown[] {
  const found: unknown[] = [];
  const pending = [error];
  while (pending.length > 0 && found.length < 20) {
    const next = pending.shift();
    if (next === undefined || next === null || found.includes(next)) continue;
    found.push(next);
    if (next instanceof AggregateError) pending.push(...next.errors);
    if (typeof next === 'object' && 'cause' in next) pending.push((next as { cause?: unknown }).cause);
  }
  return found;
}
