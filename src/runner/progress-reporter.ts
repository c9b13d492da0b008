import type { Logger } from 'pino';
import { formatProgressLine, ProgressEstimate } from './progress-line';

/** A snapshot of long work, taken each time progress is logged. */
export interface ProgressSample {
  /** Bytes moved so far. */
  readonly bytes: number;
  /** Tables done so far, when the tool reports them. */
  readonly tablesDone?: number;
  /**
   * What the estimate is measured against, when that is not `bytes` (a dump's bytes before compression, while `bytes`
   * counts the stored ones). Shown on a terminal only; the JSON lines keep `bytes`.
   */
  readonly estimatedBytes?: number;
}

/** Where a person may be watching: a stream that says whether it is a terminal (`process.stderr`). */
export interface ProgressTerminal {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  /** What the work is expected to amount to, when known. @default - none: bytes and throughput only */
  readonly estimate?: ProgressEstimate;
  /** Where the progress line is drawn when it is a terminal. @default process.stderr */
  readonly terminal?: ProgressTerminal;
}

/** How often the terminal line is redrawn at most: a person needs no more, a slow link no less. */
const TERMINAL_REDRAW_MS = 1000;

/**
 * Reports progress of long work every few seconds. When a person watches (stderr is a terminal) it redraws one line:
 * the share done with an ETA when the total is known or estimated. Otherwise it logs JSON lines: bytes, throughput
 * since the last line and overall, and tables done, so a stalled dump is visible in the logs long before it times out.
 */
export class ProgressReporter {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private last = { at: Date.now(), bytes: 0 };
  private readonly estimate?: ProgressEstimate;
  private readonly terminal?: ProgressTerminal;
  /** Whether the final state was drawn and ended (by {@link ProgressReporter.stop} or a report after it). */
  private finished = false;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly phase: string,
    private readonly intervalMs: number,
    private readonly sample: () => ProgressSample,
    options: ProgressReporterOptions = {},
  ) {
    this.estimate = options.estimate;
    const terminal = options.terminal ?? process.stderr;
    this.terminal = terminal.isTTY ? terminal : undefined;
  }

  /** Starts reporting; the timer never keeps the process alive. */
  public start(): this {
    if (this.intervalMs > 0) {
      const every = this.terminal ? Math.min(this.intervalMs, TERMINAL_REDRAW_MS) : this.intervalMs;
      this.timer = setInterval(() => this.report(), every);
      this.timer.unref();
    }
    return this;
  }

  /** Reports now: redraws the terminal line, or logs one JSON line. */
  public report(): void {
    if (this.terminal) {
      if (this.finished) return;
      this.draw();
      if (this.stopped) this.finish();
      return;
    }
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

  /**
   * Stops reporting. On a terminal the line is drawn with its final state and ended, so later output starts on a line
   * of its own; also when the work ended before the first redraw, so a person sees every phase that ran.
   */
  public stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
    if (this.terminal && !this.finished) {
      this.draw();
      this.finish();
    }
  }

  private finish(): void {
    this.terminal!.write('\n');
    this.finished = true;
  }

  private draw(): void {
    const { bytes, tablesDone, estimatedBytes } = this.sample();
    const line = formatProgressLine({
      phase: this.phase, bytes: estimatedBytes ?? bytes, tablesDone, elapsedSeconds: (Date.now() - this.startedAt) / 1000, ended: this.stopped,
    }, this.estimate);
    // Back to the start of the line and clear it, so a shorter line leaves nothing of the longer one behind.
    this.terminal!.write(`\r\x1b[K${line}`);
  }
}
