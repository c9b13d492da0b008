/**
 * The default of every optional policy value, in one place so no front end repeats one.
 */
import { Archiver, DatabasePlatform, ScheduleSpec } from './policy';

/** A {@link ScheduleSpec} with its time zone filled in. */
export interface ResolvedScheduleSpec extends ScheduleSpec {
  /** IANA time zone. */
  readonly timezone: string;
}

/** The platform a policy without one is rendered for. */
export const DEFAULT_PLATFORM: DatabasePlatform = 'aws';
/** Logical dumps run daily at 02:00 UTC. */
export const DEFAULT_LOGICAL_DUMP_SCHEDULE: ResolvedScheduleSpec = { expression: '0 2 * * *', timezone: 'UTC' };
/** Days a dump is kept. */
export const DEFAULT_DUMP_RETENTION_DAYS = 30;
/** Days automated snapshots of a managed database are kept. */
export const DEFAULT_MANAGED_BACKUP_RETENTION_DAYS = 7;
/** Point-in-time recovery window, days. */
export const DEFAULT_PITR_WINDOW_DAYS = 7;
/** `archive_timeout`, seconds. */
export const DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 60;
/** Full base backups run weekly, Sunday 01:00 UTC. */
export const DEFAULT_FULL_BACKUP_SCHEDULE: ResolvedScheduleSpec = { expression: '0 1 * * 0', timezone: 'UTC' };
/** Differential base backups run daily at 01:00 UTC except Sunday, when the full runs. */
export const DEFAULT_DIFF_BACKUP_SCHEDULE: ResolvedScheduleSpec = { expression: '0 1 * * 1-6', timezone: 'UTC' };
/** Full base backups kept. */
export const DEFAULT_RETAIN_FULL = 2;
/** The archiver. */
export const DEFAULT_ARCHIVER: Archiver = 'pgbackrest';
/** Restore drills run weekly, Monday 06:00 UTC. */
export const DEFAULT_VERIFICATION_SCHEDULE: ResolvedScheduleSpec = { expression: '0 6 * * 1', timezone: 'UTC' };
/** The recovery-time objective of a drill, minutes. */
export const DEFAULT_MAX_RESTORE_DURATION_MINUTES = 60;
/** The RPO when nothing scheduled gives a better one: a day and a two-hour margin. */
export const DEFAULT_RPO_HOURS = 26;
/** Hours added to the longest gap between backups to make the default RPO, so a slow backup does not alarm. */
export const RPO_MARGIN_HOURS = 2;
/**
 * `pg_dump --compress` when none is given: zstd level 1, chosen on the shop benchmark (bench/runner/shop-bench.ts,
 * BENCHMARKS.md): of levels 1 to 4 it is both the fastest and the smallest there (zstd's levels 2 to 4 wrote 1.5 to 4%
 * more on that data), at 1.02× the size of pg_dump's gzip level 6 in about a quarter of its client CPU; the first
 * level smaller than gzip's archive, 6, costs as much CPU as gzip itself. With more than one vCPU the zstd program
 * runs one worker a vCPU. pg_dump 16+ compresses with it itself; an older client writes an uncompressed archive that
 * the runner streams through the zstd program.
 */
export const DEFAULT_DUMP_COMPRESSION = 'zstd:1';
/** `pg_dump --lock-wait-timeout`, seconds: fail rather than queue behind a long lock. */
export const DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS = 300;
