/**
 * The lifecycle rules of the two kinds of backup bucket: the dump bucket (logical backups kept for a
 * number of days) and the WAL archive (base backups and WAL kept as long as recovery needs them).
 */
import {
  dumpRetentionDaysDefault,
  DEFAULT_FULL_BACKUP_SCHEDULE,
  DEFAULT_PITR_WINDOW_DAYS,
  DEFAULT_RETAIN_FULL,
  resolveExpireBy,
} from './defaults';
import { LifecycleRule, LifecycleTransition, MAX_LIFECYCLE_DAYS, validateLifecycleRules } from './lifecycle-rules';
import { Archiver, LogicalDumpPolicy, PitrPolicy } from './policy';
import { longestIntervalMinutes } from './schedule';
import { STORAGE_CLASS_FACTS, storageClassFacts } from './storage-class';
import { PolicyValidationError, Validator } from './validation';
import { PLAIN_ARCHIVE_WAL_FOLDER } from '../postgres/archive-command';
import { ArchiveRepository, repositoryPrefix } from '../postgres/archive-repository';

/**
 * Days a noncurrent object version is kept. The buckets are versioned, so an expired or overwritten
 * object only becomes noncurrent; a week leaves time to undo an accidental delete before it is gone.
 */
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 7;

/**
 * Days an offsite replica stays once the destination's lifecycle expired it: nothing at the destination overwrites or
 * deletes a replica (deletes are not replicated), so a noncurrent replica is only ever an expired one.
 */
export const REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS = 1;

/** Days after which the parts of an unfinished multipart upload (a dump that failed mid-stream) are deleted. */
export const DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 1;

/** Folder of `pg_basebackup` base backups under the repository prefix, next to the plain archive's `wal/`. */
export const PLAIN_BASE_BACKUP_FOLDER = 'base';

/** Options of {@link dumpBucketLifecycleRules}. */
export interface DumpBucketLifecycleOptions {
  /**
   * Key prefix of the dumps.
   * @default '' (every object of the bucket)
   */
  readonly prefix?: string;
  /**
   * Rule id.
   * @default 'pg-dumps'
   */
  readonly id?: string;
  /**
   * Moves to colder classes before the dumps expire.
   * @default - none
   */
  readonly transitions?: LifecycleTransition[];
  /**
   * Days a noncurrent version is kept.
   * @default DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS (7)
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days before the parts of an unfinished upload are deleted.
   * @default DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS (1)
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Where problems are reported.
   * @default - a new validator; a `PolicyValidationError` listing every problem is thrown
   */
  readonly validator?: Validator;
  /**
   * Path the rules are reported under.
   * @default 'lifecycleRules'
   */
  readonly path?: string;
}

/**
 * The lifecycle of the dump bucket: dumps expire after `retentionDays` (default 30; with a `retention` policy only a
 * safety net far beyond its longest class, behind the prune task), noncurrent
 * versions after a week, unfinished uploads after a day, with optional transitions in between.
 */
export function dumpBucketLifecycleRules(dump: LogicalDumpPolicy, options: DumpBucketLifecycleOptions = {}): LifecycleRule[] {
  const validator = options.validator ?? new Validator();
  const retentionDays = dump.retentionDays ?? dumpRetentionDaysDefault(dump);
  validator.integer('logicalDump.retentionDays', dump.retentionDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  const rule: LifecycleRule = {
    id: options.id ?? 'pg-dumps',
    prefix: options.prefix ?? '',
    transitions: options.transitions,
    expirationDays: retentionDays,
    noncurrentVersionExpirationDays: options.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
    abortIncompleteMultipartUploadDays: options.abortIncompleteMultipartUploadDays ?? DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  };
  const rules = [withoutUndefined(rule)];
  validateLifecycleRules(rules, validator, options.path ?? 'lifecycleRules');
  if (!options.validator) validator.throwIfInvalid();
  return rules;
}

/** Options of {@link walArchiveLifecycleRules}. */
export interface WalArchiveLifecycleOptions {
  /**
   * Key prefix the archiver writes WAL under (see {@link archiverObjectPrefixes}).
   * @default 'wal/'
   */
  readonly walPrefix?: string;
  /**
   * Key prefix the archiver writes base backups under.
   * @default 'base/'
   */
  readonly basePrefix?: string;
  /**
   * Moves of WAL to colder classes; only classes readable without a restore request are accepted.
   * @default - none
   */
  readonly walTransitions?: LifecycleTransition[];
  /**
   * Moves of base backups to colder classes; only classes readable without a restore request are accepted.
   * @default - none
   */
  readonly baseTransitions?: LifecycleTransition[];
  /**
   * Days a noncurrent version is kept.
   * @default DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS (7)
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days before the parts of an unfinished upload are deleted.
   * @default DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS (1)
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Where problems are reported.
   * @default - a new validator; a `PolicyValidationError` listing every problem is thrown
   */
  readonly validator?: Validator;
  /**
   * Path the rules are reported under.
   * @default 'lifecycleRules'
   */
  readonly path?: string;
}

/**
 * The lifecycle of the WAL archive, given the least number of days WAL must be kept
 * (`minimumWalRetentionDays`, from the WAL-retention rule).
 *
 * - When the archiver expires its own backups (`expireBy: 'archiver'`, the default for pgBackRest), the
 *   rules only clean up: unfinished uploads and noncurrent versions (what the archiver deleted) go; no
 *   current object is ever expired behind the archiver's back.
 * - When the lifecycle expires (`expireBy: 'lifecycle'`), WAL expires after `pitr.walRetentionDays`
 *   (default: the minimum), and a value under the minimum is rejected; base backups expire once the
 *   retained fulls no longer need them: `max(retainFull × interval, windowDays + interval) + 1` days, where
 *   `interval` is the longest gap between two full backups. The window term keeps a base backup old enough
 *   to start the whole PITR window even when `retainFull` is small; the extra day keeps the oldest full
 *   until its successor has finished.
 */
export function walArchiveLifecycleRules(
  pitr: PitrPolicy,
  minimumWalRetentionDays: number,
  options: WalArchiveLifecycleOptions = {},
): LifecycleRule[] {
  const validator = options.validator ?? new Validator();
  const path = options.path ?? 'lifecycleRules';
  const walPrefix = options.walPrefix ?? 'wal/';
  const basePrefix = options.basePrefix ?? 'base/';
  const minimumValid = validator.integer('minimumWalRetentionDays', minimumWalRetentionDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  const housekeeping = {
    noncurrentVersionExpirationDays: options.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
    abortIncompleteMultipartUploadDays: options.abortIncompleteMultipartUploadDays ?? DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  };
  const walRule: LifecycleRule = { id: 'wal-archive', prefix: walPrefix, transitions: options.walTransitions, ...housekeeping };
  const baseRule: LifecycleRule = { id: 'base-backups', prefix: basePrefix, transitions: options.baseTransitions, ...housekeeping };
  let rules: LifecycleRule[];
  if (resolveExpireBy(pitr) === 'archiver') {
    rules = [walRule, baseRule];
  } else {
    const baseExpiration = baseBackupExpirationDays(pitr, validator);
    rules = [
      { ...walRule, expirationDays: pitr.walRetentionDays ?? minimumWalRetentionDays },
      { ...baseRule, expirationDays: baseExpiration },
    ];
  }
  rules = rules.map(withoutUndefined);
  (options.baseTransitions ?? []).forEach((transition, index) => {
    const facts = storageClassFacts(transition.storageClass);
    if (facts === undefined || facts.readableWithoutRestore) return;
    validator.report({
      path: `${path}[1].transitions[${index}].storageClass`,
      value: transition.storageClass,
      allowed: `a class readable without a restore request for base backups: ${
        Object.entries(STORAGE_CLASS_FACTS).filter(([, f]) => f.transitionTarget && f.readableWithoutRestore).map(([c]) => c).join(', ')}`,
      reason: 'a base backup that needs a restore request first cannot be restored when it is needed',
    });
  });
  validateLifecycleRules(rules, validator, path, {
    minimumWalRetentionDays: minimumValid ? minimumWalRetentionDays : undefined,
    walPrefix,
  });
  if (!options.validator) validator.throwIfInvalid();
  return rules;
}

/**
 * Days a base backup object is kept when the lifecycle expires base backups:
 * `max(retainFull × interval, windowDays + interval) + 1`, with `interval` the longest gap in days between
 * two full backups of `pitr.fullBackupSchedule`. `undefined` when the schedule is invalid (reported).
 */
export function baseBackupExpirationDays(pitr: PitrPolicy, validator: Validator = new Validator()): number | undefined {
  const interval = fullBackupIntervalDays(pitr, validator);
  if (interval === undefined) return undefined;
  const retainFull = pitr.retainFull ?? DEFAULT_RETAIN_FULL;
  const windowDays = pitr.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
  return Math.ceil(Math.max(retainFull * interval, windowDays + interval)) + 1;
}

/**
 * The longest gap, in days, between two consecutive full base backups of `pitr.fullBackupSchedule`
 * (default weekly), as the schedule model measures it. Reports an invalid schedule and returns `undefined`.
 */
export function fullBackupIntervalDays(pitr: PitrPolicy, validator: Validator = new Validator()): number | undefined {
  const schedule = pitr.fullBackupSchedule ?? DEFAULT_FULL_BACKUP_SCHEDULE;
  if (validator.isUnresolved(schedule, schedule.expression, schedule.timezone)) return undefined;
  try {
    return longestIntervalMinutes(schedule, 'pitr.fullBackupSchedule') / MINUTES_PER_DAY;
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    error.issues.forEach((issue) => validator.report(issue, []));
    return undefined;
  }
}

/** Where an archiver keeps WAL and base backups, as object-key prefixes (each ending in `/`). */
export interface ArchiveObjectPrefixes {
  /** Prefix of the archived WAL segments. */
  readonly wal: string;
  /** Prefix of the base backups. */
  readonly base: string;
}

/**
 * The key prefixes an archiver writes WAL and base backups under in a repository, so lifecycle rules
 * select exactly its objects: pgBackRest `<prefix>/archive/<stanza>/` and `<prefix>/backup/<stanza>/`
 * (`repo1-path` is the prefix); WAL-G `<prefix>/wal_005/` and `<prefix>/basebackups_005/`; barman-cloud
 * `<prefix>/<server>/wals/` and `<prefix>/<server>/base/`; a plain `archive_command` with `pg_basebackup`
 * `<prefix>/wal/` and `<prefix>/base/`.
 *
 * @param archiver the archiver
 * @param repository the repository (its prefix is the archiver's root)
 * @param name the pgBackRest stanza or barman-cloud server name; unused by the other archivers
 */
export function archiverObjectPrefixes(archiver: Archiver, repository: ArchiveRepository, name = 'main'): ArchiveObjectPrefixes {
  const root = repositoryPrefix(repository);
  const under = (suffix: string): string => (root === '' ? suffix : `${root}/${suffix}`);
  switch (archiver) {
    case 'pgbackrest':
      return { wal: under(`archive/${name}/`), base: under(`backup/${name}/`) };
    case 'wal-g':
      return { wal: under('wal_005/'), base: under('basebackups_005/') };
    case 'barman-cloud':
      return { wal: under(`${name}/wals/`), base: under(`${name}/base/`) };
    case 'archive-command':
      return { wal: under(`${PLAIN_ARCHIVE_WAL_FOLDER}/`), base: under(`${PLAIN_BASE_BACKUP_FOLDER}/`) };
  }
}

const MINUTES_PER_DAY = 1440;

function withoutUndefined(rule: LifecycleRule): LifecycleRule {
  return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined)) as unknown as LifecycleRule;
}
