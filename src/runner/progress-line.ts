import { formatBytes } from './cli-output';

/** What the work is expected to amount to, so progress can be shown as a share of it. */
export interface ProgressEstimate {
  /** The expected amount, in `unit`. */
  readonly total: number;
  /** Bytes moved, or tables whose data was restored. */
  readonly unit: 'bytes' | 'tables';
  /** Whether `total` is only an estimate (the database's size for a dump), which the work may exceed. */
  readonly approximate: boolean;
}

/** Where the work stands when the line is drawn. */
export interface ProgressState {
  /** What is being done: `dump`, `download`, `restore`. */
  readonly phase: string;
  /** Bytes moved so far. */
  readonly bytes: number;
  /** Tables done so far, when the tool reports them. */
  readonly tablesDone?: number;
  /** Seconds since the work started. */
  readonly elapsedSeconds: number;
  /** Whether the work has ended (finished or failed): the line then says what was moved in how long, no share or ETA. */
  readonly ended?: boolean;
}

/** `45s`, `3m05s`, `2h10m`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The one line a person watching a terminal reads: the share done, what that is, the throughput and the time left at
 * the average pace so far. Past an estimate it says so and gives no ETA rather than a share above 100% or a
 * countdown stuck at zero.
 */
export function formatProgressLine(state: ProgressState, estimate?: ProgressEstimate): string {
  const { phase, bytes, tablesDone, elapsedSeconds } = state;
  const rate = elapsedSeconds > 0 ? `${formatBytes(bytes / elapsedSeconds)}/s` : undefined;
  const done = estimate?.unit === 'tables' ? tablesDone ?? 0 : bytes;
  const amount = (value: number) => (estimate?.unit === 'tables' ? `${value} ${value === 1 ? 'table' : 'tables'}` : formatBytes(value));
  const parts: string[] = [];
  if (state.ended) {
    const tables = tablesDone === undefined ? '' : `, ${tablesDone} ${tablesDone === 1 ? 'table' : 'tables'}`;
    return `${phase}: ${formatBytes(bytes)}${tables} in ${formatDuration(elapsedSeconds)}${rate ? ` (${rate})` : ''}`;
  }
  if (estimate === undefined || estimate.total <= 0) {
    parts.push(formatBytes(bytes));
    if (tablesDone !== undefined) parts.push(`${tablesDone} ${tablesDone === 1 ? 'table' : 'tables'}`);
    if (rate) parts.push(rate);
    parts.push(`${formatDuration(elapsedSeconds)} elapsed`);
    return `${phase}: ${parts.join(', ')}`;
  }
  const about = estimate.approximate ? '~' : '';
  if (done > estimate.total) {
    parts.push(`${amount(done)}, past the ${about}${amount(estimate.total)} estimate`);
    if (rate) parts.push(rate);
    parts.push('ETA unknown');
    return `${phase}: ${parts.join(', ')}`;
  }
  const fraction = done / estimate.total;
  const unitText = estimate.unit === 'tables' ? `${done} of ${amount(estimate.total)}` : `${amount(done)} of ${about}${amount(estimate.total)}`;
  parts.push(`${Math.floor(fraction * 100)}% ${unitText}`);
  if (estimate.unit === 'tables') parts.push(formatBytes(bytes));
  if (rate) parts.push(rate);
  parts.push(fraction > 0 && elapsedSeconds > 0 ? `ETA ${formatDuration((elapsedSeconds / fraction) - elapsedSeconds)}` : 'ETA unknown');
  return `${phase}: ${parts.join(', ')}`;
}
