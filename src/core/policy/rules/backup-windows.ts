import { Validator } from '../validation';

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINIMUM_WINDOW_MINUTES = 30;

/** A window on a circular clock: where it starts (minutes from the clock's origin) and how long it lasts. */
export interface ClockWindow {
  /** Start, minutes from midnight (daily) or from Sunday 00:00 (weekly), UTC. */
  readonly start: number;
  /** Length in minutes; a window whose end is before its start runs past midnight (or past Saturday). */
  readonly minutes: number;
}

/** Parses a daily window `hh:mm-hh:mm` (UTC); `undefined` when it is not one. */
export function parseDailyWindow(text: string): ClockWindow | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]) * 60 + Number(match[2]);
  const end = Number(match[3]) * 60 + Number(match[4]);
  return { start, minutes: mod(end - start, MINUTES_PER_DAY) };
}

/** Parses a weekly window `ddd:hh:mm-ddd:hh:mm` (UTC, e.g. `sun:05:00-sun:06:00`); `undefined` when it is not one. */
export function parseWeeklyWindow(text: string): ClockWindow | undefined {
  const match = /^([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)-([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)$/i.exec(text);
  if (!match) return undefined;
  const startDay = WEEKDAYS.indexOf(match[1].toLowerCase());
  const endDay = WEEKDAYS.indexOf(match[4].toLowerCase());
  if (startDay < 0 || endDay < 0) return undefined;
  const start = startDay * MINUTES_PER_DAY + Number(match[2]) * 60 + Number(match[3]);
  const end = endDay * MINUTES_PER_DAY + Number(match[5]) * 60 + Number(match[6]);
  return { start, minutes: mod(end - start, MINUTES_PER_WEEK) };
}

/**
 * Whether a daily window overlaps a weekly one, both read on the week's clock. The daily window is
 * laid on each of the seven days; windows are half-open, so one ending at 05:00 and one starting at
 * 05:00 do not overlap.
 */
export function dailyOverlapsWeekly(daily: ClockWindow, weekly: ClockWindow): boolean {
  for (let day = 0; day < 7; day++) {
    if (arcsOverlap(day * MINUTES_PER_DAY + daily.start, daily.minutes, weekly.start, weekly.minutes, MINUTES_PER_WEEK)) return true;
  }
  return false;
}

/**
 * Checks the preferred backup window (`hh:mm-hh:mm` UTC, at least 30 minutes), the maintenance window
 * (`ddd:hh:mm-ddd:hh:mm` UTC, at least 30 minutes) and that they do not overlap, windows across midnight
 * and across the end of the week included.
 */
export function checkBackupWindows(
  validator: Validator, path: string, backupWindow: string | undefined, maintenanceWindow: string | undefined,
): void {
  const daily = checkWindow(validator, `${path}.preferredBackupWindow`, backupWindow, parseDailyWindow,
    'a daily window "hh:mm-hh:mm" in UTC of at least 30 minutes, e.g. "03:00-03:30"');
  const weekly = checkWindow(validator, `${path}.preferredMaintenanceWindow`, maintenanceWindow, parseWeeklyWindow,
    'a weekly window "ddd:hh:mm-ddd:hh:mm" in UTC of at least 30 minutes, e.g. "sun:05:00-sun:06:00"');
  if (daily && weekly && dailyOverlapsWeekly(daily, weekly)) {
    validator.report({
      path: `${path}.preferredBackupWindow`,
      value: backupWindow,
      allowed: `a window that does not overlap the maintenance window "${maintenanceWindow}"`,
    }, [backupWindow, maintenanceWindow]);
  }
}

function checkWindow(
  validator: Validator, path: string, text: string | undefined, parse: (text: string) => ClockWindow | undefined, allowed: string,
): ClockWindow | undefined {
  if (text === undefined || validator.isUnresolved(text)) return undefined;
  const window = typeof text === 'string' ? parse(text) : undefined;
  if (!window) {
    validator.report({ path, value: text, allowed });
    return undefined;
  }
  if (window.minutes < MINIMUM_WINDOW_MINUTES) {
    validator.report({ path, value: text, allowed, reason: `it lasts ${window.minutes} minutes` });
    return undefined;
  }
  return window;
}

/** Whether arcs `[a, a + lengthA)` and `[b, b + lengthB)` meet on a circle of `period` minutes. */
function arcsOverlap(a: number, lengthA: number, b: number, lengthB: number, period: number): boolean {
  return mod(b - a, period) < lengthA || mod(a - b, period) < lengthB;
}

function mod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
