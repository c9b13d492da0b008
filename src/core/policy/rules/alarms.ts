import { rpoSchedules } from '../defaults';
import { BackupPolicy } from '../policy';
import { longestIntervalMinutes } from '../schedule';
import { PolicyValidationError, Validator } from '../validation';
import { checkNonBlank } from './bounds';

/**
 * Checks alarms: an RPO from 1 hour to a year, not shorter than the gap between two runs of the most
 * frequent watched backup (it would alarm between every two backups), and a non-empty notification target.
 */
export function checkAlarms(validator: Validator, policy: BackupPolicy): void {
  const alarms = policy.alarms;
  if (alarms === undefined || validator.isUnresolved(alarms)) return;
  checkNonBlank(validator, 'alarms.notificationTarget', alarms.notificationTarget, 'a topic ARN or action group id');
  const rpoValid = validator.integer('alarms.rpoHours', alarms.rpoHours, 1, 8784, 'hours');
  if (!rpoValid || alarms.rpoHours === undefined || validator.isUnresolved(alarms.rpoHours)) return;
  // Schedules that are invalid are reported where they are; unresolved ones cannot be measured.
  const gaps = rpoSchedules(policy)
    .filter(({ schedule }) => !validator.isUnresolved(schedule, schedule.expression, schedule.timezone))
    .map(({ path, schedule }) => ({ path, minutes: measure(() => longestIntervalMinutes(schedule, path)) }))
    .filter((gap): gap is { path: string; minutes: number } => gap.minutes !== undefined);
  if (gaps.length === 0) return;
  const shortest = gaps.reduce((best, gap) => (gap.minutes < best.minutes ? gap : best));
  const leastHours = Math.ceil(shortest.minutes / 60);
  if (alarms.rpoHours < leastHours) {
    validator.report({
      path: 'alarms.rpoHours',
      value: alarms.rpoHours,
      allowed: `an integer from ${leastHours} to 8784 hours`,
      reason: `${validator.propPath(shortest.path)} runs up to ${leastHours} hours apart, so a shorter RPO alarms between every two backups`,
    });
  }
}

function measure(interval: () => number): number | undefined {
  try {
    return interval();
  } catch (error) {
    if (error instanceof PolicyValidationError) return undefined;
    throw error;
  }
}
