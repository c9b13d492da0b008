import { DEFAULT_FULL_BACKUP_SCHEDULE, DEFAULT_PITR_WINDOW_DAYS, DEFAULT_RETAIN_FULL } from './default-values';
import { PitrPolicy } from './policy';
import { longestIntervalMinutes } from './schedule';

const MINUTES_PER_DAY = 1440;

/**
 * The fewest days the object store must keep WAL so that no restore the policy promises is broken by
 * a lifecycle rule: `retainFull × F + windowDays`, rounded up, where `F` is the longest interval between
 * two full base backups ({@link longestIntervalMinutes} of `fullBackupSchedule`, in days).
 *
 * Why this sum. A lifecycle rule deletes WAL by age; it does not know which base backup still needs it.
 * Two restores must keep working:
 *
 * 1. Replaying the oldest retained full. Fulls are kept by count, so just before the next full expires
 *    it, the oldest is up to `retainFull × F` old, and every WAL segment since its start must still exist.
 * 2. Recovering to the earliest point of the window, `windowDays` ago. That restore starts from the
 *    last full taken before that point, which is up to `F` older, so WAL must reach `windowDays + F` back.
 *
 * Since `retainFull ≥ 1`, `retainFull × F + windowDays` is at least both `retainFull × F` and
 * `windowDays + F`, so one number covers both, however the window and the full schedule relate.
 *
 * Throws a {@link PolicyValidationError} when `fullBackupSchedule` is not a valid schedule.
 */
export function minimumWalRetentionDays(pitr: PitrPolicy): number {
  const retainFull = pitr.retainFull ?? DEFAULT_RETAIN_FULL;
  const windowDays = pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
  const fullIntervalMinutes = longestIntervalMinutes(pitr.fullBackupSchedule ?? DEFAULT_FULL_BACKUP_SCHEDULE, 'pitr.fullBackupSchedule');
  // Whole minutes until the final division keep 2 × 7 days + 7 days at exactly 21, not 21.000000001.
  return Math.ceil((retainFull * fullIntervalMinutes + windowDays * MINUTES_PER_DAY) / MINUTES_PER_DAY);
}

/**
 * The fewest full base backups that still reach back over the whole PITR window:
 * `⌈windowDays / F⌉ + 1`, with `F` the longest interval between fulls in days.
 *
 * Just after a new full, the `retainFull` fulls kept were taken now, `F` ago, …, `(retainFull − 1) × F`
 * ago; a recovery to `windowDays` ago needs one taken at or before that point, so
 * `(retainFull − 1) × F ≥ windowDays`.
 *
 * Throws a {@link PolicyValidationError} when `fullBackupSchedule` is not a valid schedule.
 */
export function minimumRetainFull(pitr: PitrPolicy): number {
  const windowDays = pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
  const fullIntervalMinutes = longestIntervalMinutes(pitr.fullBackupSchedule ?? DEFAULT_FULL_BACKUP_SCHEDULE, 'pitr.fullBackupSchedule');
  return Math.ceil((windowDays * MINUTES_PER_DAY) / fullIntervalMinutes) + 1;
}
