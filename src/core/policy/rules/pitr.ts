import { DEFAULT_PITR_WINDOW_DAYS, DEFAULT_RETAIN_FULL, resolveExpireBy } from '../defaults';
import { MAX_LIFECYCLE_DAYS } from '../lifecycle-rules';
import { BackupPolicy, PitrPolicy } from '../policy';
import { checkSchedule } from '../schedule';
import { Validator } from '../validation';
import { minimumRetainFull, minimumWalRetentionDays } from '../wal-retention';

/** `archive_timeout`'s own limit in PostgreSQL (seconds; 0 turns it off). */
const POSTGRES_ARCHIVE_TIMEOUT_MAX = 1_073_741_823;

/**
 * Checks `archive_timeout`: 30–3600 s, or anything PostgreSQL accepts (0 turns it off) when
 * `allowArchiveTimeoutOutsideRange` is set. Shared by policy validation and the archive-block renderer.
 */
export function checkArchiveTimeout(validator: Validator, path: string, pitr: PitrPolicy): void {
  if (pitr.allowArchiveTimeoutOutsideRange === true) {
    validator.integer(`${path}.archiveTimeoutSeconds`, pitr.archiveTimeoutSeconds, 0, POSTGRES_ARCHIVE_TIMEOUT_MAX, 'seconds');
  } else {
    validator.integer(`${path}.archiveTimeoutSeconds`, pitr.archiveTimeoutSeconds, 30, 3600, 'seconds (or set allowArchiveTimeoutOutsideRange)');
  }
}

/**
 * Checks WAL archiving: window, `archive_timeout` (30–3600 s unless allowed outside), base-backup
 * schedules, `retainFull` (enough fulls to reach over the window), archiver and expiry (an archiver
 * that expires needs one that can, and Object Lock forbids it), and WAL retention no shorter than
 * {@link minimumWalRetentionDays}.
 */
export function checkPitr(validator: Validator, policy: BackupPolicy): void {
  const pitr = policy.pitr;
  if (pitr === undefined || validator.isUnresolved(pitr)) return;
  const path = 'pitr';
  // The window and the WAL kept for it end up as days of the archive's lifecycle rules, which take at most
  // MAX_LIFECYCLE_DAYS.
  const windowValid = validator.integer(`${path}.windowDays`, pitr.windowDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  checkArchiveTimeout(validator, path, pitr);
  const fullValid = checkSchedule(validator, `${path}.fullBackupSchedule`, pitr.fullBackupSchedule);
  checkSchedule(validator, `${path}.diffBackupSchedule`, pitr.diffBackupSchedule);
  const retainValid = validator.integer(`${path}.retainFull`, pitr.retainFull, 1, 9_999_999);
  const archiverValid = validator.oneOf(`${path}.archiver`, pitr.archiver, ['pgbackrest', 'wal-g', 'barman-cloud', 'archive-command']);
  const expireValid = validator.oneOf(`${path}.expireBy`, pitr.expireBy, ['archiver', 'lifecycle']);
  const walValid = validator.integer(`${path}.walRetentionDays`, pitr.walRetentionDays, 1, MAX_LIFECYCLE_DAYS, 'days');

  const expireBy = resolveExpireBy(pitr);
  if (archiverValid && expireValid && expireBy === 'archiver' && pitr.archiver === 'archive-command') {
    validator.report(
      { path: `${path}.expireBy`, value: expireBy, allowed: '"lifecycle" with archiver "archive-command"', reason: 'a plain archive_command has no expire of its own' },
      [pitr.expireBy, pitr.archiver],
    );
  }
  if (expireValid && expireBy === 'archiver' && policy.immutability !== undefined) {
    validator.report(
      {
        path: `${path}.expireBy`,
        value: expireBy,
        allowed: `"lifecycle" when ${validator.propPath('immutability')} is set`,
        reason: `the archiver cannot delete objects under Object Lock${pitr.expireBy === undefined ? '; "archiver" is the default for pgbackrest' : ''}`,
      },
      [pitr.expireBy, pitr.archiver, policy.immutability],
    );
  }

  const full = pitr.fullBackupSchedule;
  const derivedInputs = [pitr.windowDays, pitr.retainFull, full, full?.expression, full?.timezone];
  if (!windowValid || !fullValid || !retainValid || validator.isUnresolved(...derivedInputs)) return;
  const leastFulls = minimumRetainFull(pitr);
  const retainFull = pitr.retainFull ?? DEFAULT_RETAIN_FULL;
  if (retainFull < leastFulls) {
    validator.report({
      path: `${path}.retainFull`,
      value: retainFull,
      allowed: `an integer of at least ${leastFulls}`,
      reason: `the full backups kept must reach back over the ${pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS}-day window`,
    });
  }
  const least = minimumWalRetentionDays(pitr);
  if (expireBy === 'lifecycle' && least > MAX_LIFECYCLE_DAYS && (pitr.walRetentionDays === undefined || walValid)) {
    const windowDays = pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
    const fullsDays = least - windowDays;
    validator.report({
      path: fullsDays < MAX_LIFECYCLE_DAYS ? `${path}.windowDays` : `${path}.retainFull`,
      value: fullsDays < MAX_LIFECYCLE_DAYS ? windowDays : retainFull,
      allowed: fullsDays < MAX_LIFECYCLE_DAYS
        ? `an integer from 1 to ${MAX_LIFECYCLE_DAYS - fullsDays} days with these full backups`
        : `fewer full backups, or more frequent ones, so that retainFull × full-backup interval stays under ${MAX_LIFECYCLE_DAYS} days`,
      reason: `the lifecycle rule must keep WAL retainFull × full-backup interval + windowDays = ${least} days, and takes at most ${MAX_LIFECYCLE_DAYS}`,
    });
  } else if (walValid && pitr.walRetentionDays !== undefined && !validator.isUnresolved(pitr.walRetentionDays)) {
    if (pitr.walRetentionDays < least) {
      validator.report({
        path: `${path}.walRetentionDays`,
        value: pitr.walRetentionDays,
        allowed: `an integer of at least ${least} days (retainFull × full-backup interval + windowDays)`,
        reason: 'the lifecycle rule would delete WAL the oldest retained base backup still needs to replay',
      });
    }
  }
}
