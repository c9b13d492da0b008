import type { Client } from 'pg';
import { refuseCheckStatement } from './check-files';
import type { FlagDefinition, FlagReader } from './cli-options';
import { inReadOnlyTransaction, querySingleStatement } from './read-only-query';
import { RunnerError, errorMessage } from './runner-error';
import { Validator, validateRecoveryTargetOptions } from '../core';

/** The environment variable a point-in-time drill names its target time in. */
export const DRILL_TARGET_TIME_ENV = 'PG_BACKUP_DRILL_TARGET_TIME';
/** The environment variable that may hold the recovery point query (a task definition carries SQL there). */
export const RECOVERY_POINT_QUERY_ENV = 'PG_BACKUP_RECOVERY_POINT_QUERY';

/** The metric `pg-backup check` publishes when it measured a recovery point (dimension `Database`). */
export const RECOVERY_POINT_METRICS = {
  /** The target time minus the newest commit time the restored data shows, seconds. */
  gapSeconds: 'RecoveryPointGapSeconds',
} as const;

/** The flags of `pg-backup check` that compare a point-in-time restore with its target. */
export const RECOVERY_POINT_FLAGS: readonly FlagDefinition[] = [
  {
    name: 'target-time',
    value: 'TIME',
    description: `the time the database was restored to, ISO 8601 with a zone (env ${DRILL_TARGET_TIME_ENV})`,
    example: '--target-time 2026-11-24T05:00:00Z',
  },
  {
    name: 'recovery-point-query',
    value: 'SQL',
    description: `a read-only query returning the newest commit time the data shows; fails when it is after --target-time (env ${RECOVERY_POINT_QUERY_ENV})`,
    example: "--recovery-point-query 'SELECT max(updated_at) FROM orders'",
  },
  {
    name: 'max-recovery-point-gap',
    value: 'DUR',
    description: 'fail when the newest commit time is older than --target-time by more than this, 0 to 7d',
    default: 'no limit',
    example: '--max-recovery-point-gap 15m',
  },
];

/** What the recovery point flags ask for. */
export interface RecoveryPointFlags {
  /** The time the database was restored to, as given. */
  readonly targetTime: string;
  /** The query returning the newest commit time, when given. */
  readonly query?: string;
  /** The largest gap accepted, seconds, when given. */
  readonly maxGapSeconds?: number;
}

/** What the check found of the recovery point. */
export interface RecoveryPointResult {
  /** The target time, as given. */
  readonly targetTime: string;
  /** The newest commit time the data shows (ISO 8601, UTC), `null` when the query found none. */
  readonly observed?: string | null;
  /** Target minus observed, seconds (negative: the data is newer than the target). */
  readonly gapSeconds?: number;
  /** Why the recovery point fails the check, when it does. */
  readonly problem?: string;
}

const MAX_GAP_SECONDS = 7 * 86_400;

/**
 * Reads `--target-time`, `--recovery-point-query` and `--max-recovery-point-gap` (reporting problems on `reader`);
 * `undefined` when none is given.
 */
export function readRecoveryPointFlags(reader: FlagReader): RecoveryPointFlags | undefined {
  const targetTime = reader.string('target-time', DRILL_TARGET_TIME_ENV);
  const query = reader.string('recovery-point-query', RECOVERY_POINT_QUERY_ENV);
  const maxGap = reader.string('max-recovery-point-gap');
  const maxGapSeconds = maxGap === undefined ? undefined : reader.seconds('max-recovery-point-gap', 0, MAX_GAP_SECONDS, 0);
  if (targetTime !== undefined) {
    const validator = new Validator();
    validateRecoveryTargetOptions({ target: { kind: 'time', time: targetTime } }, validator);
    validator.issues.forEach((issue) => reader.report('target-time', targetTime, issue.allowed));
  }
  if (query !== undefined) {
    const refused = refuseCheckStatement(query);
    if (refused) reader.report('recovery-point-query', query, 'one query (SELECT, WITH, VALUES or TABLE) returning a single timestamp', refused);
    if (targetTime === undefined) reader.report('target-time', undefined, `the time the database was restored to (--recovery-point-query compares with it; or set ${DRILL_TARGET_TIME_ENV})`);
  }
  if (maxGap !== undefined && query === undefined) {
    reader.report('recovery-point-query', undefined, 'a query returning the newest commit time (--max-recovery-point-gap bounds its distance to --target-time)');
  }
  if (targetTime === undefined) return undefined;
  return { targetTime, ...(query !== undefined ? { query } : {}), ...(maxGapSeconds !== undefined ? { maxGapSeconds } : {}) };
}

/**
 * Runs the recovery point query alone, read-only, as a scalar subquery cast to `timestamptz` (a `timestamp` without
 * zone is read as UTC, as RDS stores it by default): the newest commit time in milliseconds since the epoch, `null`
 * when the query returned NULL. Throws a {@link RunnerError} when the query raises or does not return one timestamp.
 */
export async function observeRecoveryPoint(client: Client, query: string): Promise<number | null> {
  const statement = query.trim().replace(/;\s*$/, '');
  try {
    const result = await inReadOnlyTransaction(client, async () => {
      await client.query("SET LOCAL TimeZone = 'UTC'");
      return querySingleStatement<[number | null]>(client, `SELECT (extract(epoch FROM (${statement})::timestamptz) * 1000)::float8`);
    }, { asCheckRole: true });
    const value = result.rows[0][0];
    return value === null ? null : Number(value);
  } catch (error) {
    throw new RunnerError(`the recovery point query (${statement}) did not return one timestamp: ${errorMessage(error)}`, { cause: error });
  }
}

/** `2026-11-24 11:15:00+01` as JavaScript parses it. */
function parseTargetTime(time: string): number {
  return Date.parse(time.trim().replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * Compares the newest commit time the restored data shows with the target: data newer than the target means the
 * database was not restored to that time; data older than the target by more than the maximum gap means the restore
 * lost the last stretch of commits (or the data was quiet for longer than the user expects).
 */
export function checkRecoveryPoint(flags: RecoveryPointFlags, observedMs: number | null | undefined): RecoveryPointResult {
  if (observedMs === undefined) return { targetTime: flags.targetTime };
  if (observedMs === null) {
    return {
      targetTime: flags.targetTime,
      observed: null,
      problem: `the recovery point query returned NULL: the restored data shows no commit time to compare with the target ${flags.targetTime}`,
    };
  }
  const targetMs = parseTargetTime(flags.targetTime);
  const gapSeconds = Math.round(targetMs - observedMs) / 1000;
  const observed = new Date(observedMs).toISOString();
  let problem: string | undefined;
  if (gapSeconds < 0) {
    problem = `the restored data is newer than the target: its newest commit time ${observed} is ${-gapSeconds} s after the target ${flags.targetTime}, `
      + 'so this is no restore to the target time';
  } else if (flags.maxGapSeconds !== undefined && gapSeconds > flags.maxGapSeconds) {
    problem = `the restored data ends ${gapSeconds} s before the target ${flags.targetTime} (newest commit time ${observed}), `
      + `more than --max-recovery-point-gap ${flags.maxGapSeconds} s`;
  }
  return { targetTime: flags.targetTime, observed, gapSeconds, ...(problem !== undefined ? { problem } : {}) };
}
