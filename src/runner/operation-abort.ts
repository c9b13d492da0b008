/**
 * Ties the concurrent steps of one operation together: the first failure (or a signal) aborts every
 * other step, and it is that first failure, the cause, that is reported, not the consequences of
 * stopping the rest.
 */
export class OperationAbort {
  private readonly controller = new AbortController();
  private cause?: unknown;

  constructor(outer?: AbortSignal) {
    if (outer?.aborted) this.fail(outer.reason);
    outer?.addEventListener('abort', () => this.fail(outer.reason), { once: true });
  }

  /** Aborted on the first failure. */
  public get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Records a failure (only the first one counts) and aborts every step. */
  public fail(error: unknown): void {
    if (this.controller.signal.aborted) return;
    this.cause = error;
    this.controller.abort(error);
  }

  /** Throws the first failure, if any. */
  public throwIfFailed(): void {
    if (this.controller.signal.aborted) throw this.cause;
  }

  /** A step whose failure aborts the others. */
  public watch<T>(step: Promise<T>): Promise<T> {
    return step.catch((error: unknown) => {
      this.fail(error);
      throw error;
    });
  }

  /** Waits for every step to settle and throws the first failure, or returns every result. */
  public async all<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
    const settled = await Promise.allSettled(steps.map((step) => this.watch(step)));
    this.throwIfFailed();
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
  }
}

/**
 * Calls `stop` when `signal` aborts, and at once when it already has: a listener added after the abort is never called,
 * so a step that starts after a SIGTERM arrived (a tool spawned, a download begun) would otherwise run to its end.
 * Returns what removes the listener.
 */
export function whenAborted(signal: AbortSignal, stop: () => void): () => void {
  if (signal.aborted) {
    stop();
    return () => undefined;
  }
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}
