"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PLAIN_BASE_BACKUP_FOLDER = exports.DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = exports.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = void 0;
exports.dumpBucketLifecycleRules = dumpBucketLifecycleRules;
exports.walArchiveLifecycleRules = walArchiveLifecycleRules;
exports.baseBackupExpirationDays = baseBackupExpirationDays;
exports.fullBackupIntervalDays = fullBackupIntervalDays;
exports.archiverObjectPrefixes = archiverObjectPrefixes;
/**
 * The lifecycle rules of the two kinds of backup bucket: the dump bucket (logical backups kept for a
 * number of days) and the WAL archive (base backups and WAL kept as long as recovery needs them).
 */
const archive_command_1 = require("./archive-command");
const archive_repository_1 = require("./archive-repository");
const defaults_1 = require("./defaults");
const lifecycle_rules_1 = require("./lifecycle-rules");
const schedule_1 = require("./schedule");
const storage_class_1 = require("./storage-class");
const validation_1 = require("./validation");
/**
 * Days a noncurrent object version is kept. The buckets are versioned, so an expired or overwritten
 * object only becomes noncurrent; a week leaves time to undo an accidental delete before it is gone.
 */
exports.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 7;
/** Days after which the parts of an unfinished multipart upload (a dump that failed mid-stream) are deleted. */
exports.DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 1;
/** Folder of `pg_basebackup` base backups under the repository prefix, next to the plain archive's `wal/`. */
exports.PLAIN_BASE_BACKUP_FOLDER = 'base';
/**
 * The lifecycle of the dump bucket: dumps expire after `retentionDays` (default 30), noncurrent
 * versions after a week, unfinished uploads after a day, with optional transitions in between.
 */
function dumpBucketLifecycleRules(dump, options = {}) {
    const validator = options.validator ?? new validation_1.Validator();
    const retentionDays = dump.retentionDays ?? defaults_1.DEFAULT_DUMP_RETENTION_DAYS;
    validator.integer('logicalDump.retentionDays', dump.retentionDays, 1, lifecycle_rules_1.MAX_LIFECYCLE_DAYS, 'days');
    const rule = {
        id: options.id ?? 'pg-dumps',
        prefix: options.prefix ?? '',
        transitions: options.transitions,
        expirationDays: retentionDays,
        noncurrentVersionExpirationDays: options.noncurrentVersionExpirationDays ?? exports.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
        abortIncompleteMultipartUploadDays: options.abortIncompleteMultipartUploadDays ?? exports.DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
    };
    const rules = [withoutUndefined(rule)];
    (0, lifecycle_rules_1.validateLifecycleRules)(rules, validator, options.path ?? 'lifecycleRules');
    if (!options.validator)
        validator.throwIfInvalid();
    return rules;
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
function walArchiveLifecycleRules(pitr, minimumWalRetentionDays, options = {}) {
    const validator = options.validator ?? new validation_1.Validator();
    const path = options.path ?? 'lifecycleRules';
    const walPrefix = options.walPrefix ?? 'wal/';
    const basePrefix = options.basePrefix ?? 'base/';
    const minimumValid = validator.integer('minimumWalRetentionDays', minimumWalRetentionDays, 1, lifecycle_rules_1.MAX_LIFECYCLE_DAYS, 'days');
    const housekeeping = {
        noncurrentVersionExpirationDays: options.noncurrentVersionExpirationDays ?? exports.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
        abortIncompleteMultipartUploadDays: options.abortIncompleteMultipartUploadDays ?? exports.DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
    };
    const walRule = { id: 'wal-archive', prefix: walPrefix, transitions: options.walTransitions, ...housekeeping };
    const baseRule = { id: 'base-backups', prefix: basePrefix, transitions: options.baseTransitions, ...housekeeping };
    let rules;
    if ((0, defaults_1.resolveExpireBy)(pitr) === 'archiver') {
        rules = [walRule, baseRule];
    }
    else {
        const baseExpiration = baseBackupExpirationDays(pitr, validator);
        rules = [
            { ...walRule, expirationDays: pitr.walRetentionDays ?? minimumWalRetentionDays },
            { ...baseRule, expirationDays: baseExpiration },
        ];
    }
    rules = rules.map(withoutUndefined);
    (options.baseTransitions ?? []).forEach((transition, index) => {
        const facts = (0, storage_class_1.storageClassFacts)(transition.storageClass);
        if (facts === undefined || facts.readableWithoutRestore)
            return;
        validator.report({
            path: `${path}[1].transitions[${index}].storageClass`,
            value: transition.storageClass,
            allowed: `a class readable without a restore request for base backups: ${Object.entries(storage_class_1.STORAGE_CLASS_FACTS).filter(([, f]) => f.transitionTarget && f.readableWithoutRestore).map(([c]) => c).join(', ')}`,
            reason: 'a base backup that needs a restore request first cannot be restored when it is needed',
        });
    });
    (0, lifecycle_rules_1.validateLifecycleRules)(rules, validator, path, {
        minimumWalRetentionDays: minimumValid ? minimumWalRetentionDays : undefined,
        walPrefix,
    });
    if (!options.validator)
        validator.throwIfInvalid();
    return rules;
}
/**
 * Days a base backup object is kept when the lifecycle expires base backups:
 * `max(retainFull × interval, windowDays + interval) + 1`, with `interval` the longest gap in days between
 * two full backups of `pitr.fullBackupSchedule`. `undefined` when the schedule is invalid (reported).
 */
function baseBackupExpirationDays(pitr, validator = new validation_1.Validator()) {
    const interval = fullBackupIntervalDays(pitr, validator);
    if (interval === undefined)
        return undefined;
    const retainFull = pitr.retainFull ?? defaults_1.DEFAULT_RETAIN_FULL;
    const windowDays = pitr.windowDays ?? defaults_1.DEFAULT_PITR_WINDOW_DAYS;
    return Math.ceil(Math.max(retainFull * interval, windowDays + interval)) + 1;
}
/**
 * The longest gap, in days, between two consecutive full base backups of `pitr.fullBackupSchedule`
 * (default weekly), as the schedule model measures it. Reports an invalid schedule and returns `undefined`.
 */
function fullBackupIntervalDays(pitr, validator = new validation_1.Validator()) {
    const schedule = pitr.fullBackupSchedule ?? defaults_1.DEFAULT_FULL_BACKUP_SCHEDULE;
    if (validator.isUnresolved(schedule, schedule.expression, schedule.timezone))
        return undefined;
    try {
        return (0, schedule_1.longestIntervalMinutes)(schedule, 'pitr.fullBackupSchedule') / MINUTES_PER_DAY;
    }
    catch (error) {
        if (!(error instanceof validation_1.PolicyValidationError))
            throw error;
        error.issues.forEach((issue) => validator.report(issue, []));
        return undefined;
    }
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
function archiverObjectPrefixes(archiver, repository, name = 'main') {
    const root = (0, archive_repository_1.repositoryPrefix)(repository);
    const under = (suffix) => (root === '' ? suffix : `${root}/${suffix}`);
    switch (archiver) {
        case 'pgbackrest':
            return { wal: under(`archive/${name}/`), base: under(`backup/${name}/`) };
        case 'wal-g':
            return { wal: under('wal_005/'), base: under('basebackups_005/') };
        case 'barman-cloud':
            return { wal: under(`${name}/wals/`), base: under(`${name}/base/`) };
        case 'archive-command':
            return { wal: under(`${archive_command_1.PLAIN_ARCHIVE_WAL_FOLDER}/`), base: under(`${exports.PLAIN_BASE_BACKUP_FOLDER}/`) };
    }
}
const MINUTES_PER_DAY = 1440;
function withoutUndefined(rule) {
    return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined));
}
