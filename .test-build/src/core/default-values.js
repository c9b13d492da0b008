"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS = exports.DEFAULT_DUMP_COMPRESSION = exports.RPO_MARGIN_HOURS = exports.DEFAULT_RPO_HOURS = exports.DEFAULT_MAX_RESTORE_DURATION_MINUTES = exports.DEFAULT_VERIFICATION_SCHEDULE = exports.DEFAULT_ARCHIVER = exports.DEFAULT_RETAIN_FULL = exports.DEFAULT_DIFF_BACKUP_SCHEDULE = exports.DEFAULT_FULL_BACKUP_SCHEDULE = exports.DEFAULT_ARCHIVE_TIMEOUT_SECONDS = exports.DEFAULT_PITR_WINDOW_DAYS = exports.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS = exports.DEFAULT_DUMP_RETENTION_DAYS = exports.DEFAULT_LOGICAL_DUMP_SCHEDULE = exports.DEFAULT_PLATFORM = void 0;
/** The platform a policy without one is rendered for. */
exports.DEFAULT_PLATFORM = 'aws';
/** Logical dumps run daily at 02:00 UTC. */
exports.DEFAULT_LOGICAL_DUMP_SCHEDULE = { expression: '0 2 * * *', timezone: 'UTC' };
/** Days a dump is kept. */
exports.DEFAULT_DUMP_RETENTION_DAYS = 30;
/** Days automated snapshots of a managed database are kept. */
exports.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS = 7;
/** Point-in-time recovery window, days. */
exports.DEFAULT_PITR_WINDOW_DAYS = 7;
/** `archive_timeout`, seconds. */
exports.DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 60;
/** Full base backups run weekly, Sunday 01:00 UTC. */
exports.DEFAULT_FULL_BACKUP_SCHEDULE = { expression: '0 1 * * 0', timezone: 'UTC' };
/** Differential base backups run daily at 01:00 UTC except Sunday, when the full runs. */
exports.DEFAULT_DIFF_BACKUP_SCHEDULE = { expression: '0 1 * * 1-6', timezone: 'UTC' };
/** Full base backups kept. */
exports.DEFAULT_RETAIN_FULL = 2;
/** The archiver. */
exports.DEFAULT_ARCHIVER = 'pgbackrest';
/** Restore drills run weekly, Monday 06:00 UTC. */
exports.DEFAULT_VERIFICATION_SCHEDULE = { expression: '0 6 * * 1', timezone: 'UTC' };
/** The recovery-time objective of a drill, minutes. */
exports.DEFAULT_MAX_RESTORE_DURATION_MINUTES = 60;
/** The RPO when nothing scheduled gives a better one: a day and a two-hour margin. */
exports.DEFAULT_RPO_HOURS = 26;
/** Hours added to the longest gap between backups to make the default RPO, so a slow backup does not alarm. */
exports.RPO_MARGIN_HOURS = 2;
/**
 * `pg_dump --compress` when none is given: zstd at a level that keeps up with pg_dump on one vCPU and writes a
 * backup no larger than pg_dump's own gzip level 6 (bench/runner/shop-bench.ts). pg_dump 16+ compresses with it
 * itself; an older client writes an uncompressed archive that the runner streams through the zstd program.
 */
exports.DEFAULT_DUMP_COMPRESSION = 'zstd:1';
/** `pg_dump --lock-wait-timeout`, seconds: fail rather than queue behind a long lock. */
exports.DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS = 300;
