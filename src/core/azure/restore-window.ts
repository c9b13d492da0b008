import { Validator } from '../policy/validation';

/** What bounds a point-in-time restore of a flexible server. */
export interface RestoreWindow {
  /** The moment the check is made; a restore point cannot be later. */
  readonly now: Date;
  /**
   * Days the source server keeps its backups: the window reaches back that far from `now`.
   * @default - not checked against a retention
   */
  readonly backupRetentionDays?: number;
  /**
   * The source server's earliest restore point, as it reports it (`backup.earliestRestoreDate`).
   * @default - not checked against it
   */
  readonly earliestRestoreDate?: string;
  /**
   * A geo-restore, from the copy in the paired region, which lags by up to an hour.
   * @default false
   */
  readonly geoRestore?: boolean;
}

/** How far the geo-redundant copy of a flexible server's backups can lag (Azure's documented geo-restore RPO). */
export const GEO_BACKUP_LAG_HOURS = 1;

const UTC_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,7})?(Z|\+00:00)$/;
const UTC_TIME_ALLOWED = 'an ISO-8601 time in UTC with seconds, e.g. 2026-11-24T10:15:00Z';
const MS_PER_HOUR = 3_600_000;

/** Parses an ISO-8601 UTC time with seconds (`…Z` or `…+00:00`); `undefined` when it is not one or names no real moment. */
export function parseUtcTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = UTC_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(value.replace('+00:00', 'Z'));
  const exact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return exact ? date : undefined;
}

/**
 * Checks a restore point against the window the source server can restore: a UTC time, not in the future
 * (nor within the last hour for a geo-restore), not before the retention reaches back, and not before the
 * server's earliest restore point. Reports under `path`; an unresolved time is skipped.
 */
export function checkRestorePointInTime(validator: Validator, path: string, time: unknown, window: RestoreWindow): void {
  if (time === undefined || validator.isUnresolved(time)) return;
  const moment = parseUtcTime(time);
  if (moment === undefined) {
    validator.report({ path, value: time, allowed: UTC_TIME_ALLOWED });
    return;
  }
  const latest = new Date(window.now.getTime() - (window.geoRestore ? GEO_BACKUP_LAG_HOURS * MS_PER_HOUR : 0));
  const bounds: Array<{ from: Date; why: string }> = [];
  const retention = window.backupRetentionDays;
  if (retention !== undefined && !validator.isUnresolved(retention) && Number.isFinite(retention)) {
    bounds.push({ from: new Date(window.now.getTime() - retention * 24 * MS_PER_HOUR), why: `the source server keeps ${retention} days of backups` });
  }
  const earliest = window.earliestRestoreDate === undefined ? undefined : new Date(window.earliestRestoreDate);
  if (earliest !== undefined && !Number.isNaN(earliest.getTime())) {
    bounds.push({ from: earliest, why: 'the source server\'s earliest restore point' });
  }
  const lower = bounds.sort((a, b) => b.from.getTime() - a.from.getTime())[0];
  const range = `${lower ? lower.from.toISOString() : 'the start of the retention window'} to ${latest.toISOString()}`;
  if (moment.getTime() > latest.getTime()) {
    validator.report({
      path,
      value: time,
      allowed: `a time from ${range}`,
      reason: window.geoRestore
        ? `a geo-restore reads the paired region's copy, which lags up to ${GEO_BACKUP_LAG_HOURS} hour`
        : 'a restore point cannot be in the future',
    });
  } else if (lower !== undefined && moment.getTime() < lower.from.getTime()) {
    validator.report({ path, value: time, allowed: `a time from ${range}`, reason: `${lower.why}` });
  }
}
