import { ScheduleSpec } from './policy';
import { checkSchedule, longestIntervalMinutes } from './schedule';
import { Validator } from './validation';

/**
 * The slack between the longest gap of the drill schedule (plus the RTO) and the watched window: a watch reads the
 * success in whole periods or on its own schedule, and a drill may start a little late.
 */
const DRILL_AGE_SLACK_MINUTES = 60;

/** How a "no successful drill within N days" watch is bounded and how its messages name it. */
export interface DrillAgeWindowLimits {
  /** The longest window the watch can look back over, in days. */
  readonly maxDays: number;
  /** What the watch raises: `alarm` (CloudWatch) or `alert` (Azure Monitor). */
  readonly raises: 'alarm' | 'alert';
  /** Added to the reason when the window is too short, e.g. what to do when drills are rarer than the watch allows. */
  readonly note?: string;
}

/**
 * Checks a `maxDrillAgeDays` (reported under `path`): an integer from 1 to `limits.maxDays`, and longer than the longest
 * gap between two scheduled drills plus the RTO and an hour, so a drill that runs on time never leaves the watched
 * window empty and pages between two good drills.
 */
export function checkDrillAgeWindow(
  validator: Validator, path: string, days: number | undefined, schedule: ScheduleSpec, rtoMinutes: number, limits: DrillAgeWindowLimits,
): void {
  if (days === undefined) return;
  if (!validator.integer(path, days, 1, limits.maxDays, 'days') || validator.isUnresolved(days)) return;
  if (validator.isUnresolved(schedule, schedule.expression, schedule.timezone) || !checkSchedule(new Validator(), 'schedule', schedule)) return;
  const gapMinutes = longestIntervalMinutes(schedule);
  const neededMinutes = gapMinutes + rtoMinutes + DRILL_AGE_SLACK_MINUTES;
  if (days * 1440 < neededMinutes) {
    const shortest = Math.ceil(neededMinutes / 1440);
    validator.report({
      path,
      value: days,
      // A schedule whose drills are further apart than the longest window leaves no value to suggest.
      allowed: shortest <= limits.maxDays
        ? `an integer from ${shortest} to ${limits.maxDays} days`
        : `no value with this schedule (the window would need at least ${shortest} days; the ${limits.raises} looks back at most ${limits.maxDays})`,
      reason: `drills are up to ${formatMinutes(gapMinutes)} apart and may take the RTO of ${rtoMinutes} minutes, `
        + `so a shorter window would ${limits.raises} between two good drills${limits.note === undefined ? '' : `; ${limits.note}`}`,
    }, [days, schedule]);
  }
}

function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0 && minutes > 1440) return `${minutes / 1440} days`;
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return `${minutes} minutes`;
}
