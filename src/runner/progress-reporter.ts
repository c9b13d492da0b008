import type { Logger } from 'pino';

/** A snapshot of long work, taken each time progress is logged. */
export interface ProgressSample {
  /** Bytes moved so far. */
  readonly bytes: number;
  /** Tables done so far, when the tool reports them. */
  readonly tablesDone?: number;
}

/**
 * Logs progress of long work every few seconds: bytes, throughput since the last line and overall,
 * and tables done, so a stalled dump is visible in the logs long before it times out.
 */
export class ProgressReporter {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private last = { at: Date.now(), bytes: 0 };

  constructor(
    private readonly logger: Logger,
    private readonly phase: string,
    private readonly intervalMs: number,
    private readonly sample: () => ProgressSample,
  ) {}

  /** Starts logging; the timer never keeps the process alive. */
  public start(): this {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.report(), this.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  /** Logs one line now. */
  public report(): void {
    const now = Date.now();
    const { bytes, tablesDone } = this.sample();
    const mb = (value: number) => Math.round((value / 1e6) * 100) / 100;
    const seconds = (now - this.last.at) / 1000;
    this.logger.info({
      phase: this.phase,
      bytes,
      megabytes: mb(bytes),
      mbPerSecond: seconds > 0 ? mb((bytes - this.last.bytes) / seconds) : 0,
      averageMbPerSecond: now > this.startedAt ? mb(bytes / ((now - this.startedAt) / 1000)) : 0,
      ...(tablesDone === undefined ? {} : { tablesDone }),
      elapsedSeconds: Math.round((now - this.startedAt) / 1000),
    }, `${this.phase}: ${mb(bytes)} MB`);
    this.last = { at: now, bytes };
  }

  /** Stops logging. */
  public stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
