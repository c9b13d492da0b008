/**
 * The cloud-neutral backup policy. Every front end (CDK, Pulumi AWS, Pulumi Azure) and the runner
 * read the same model; durations carry their unit in the prop name because core knows no cloud's
 * Duration type.
 */

/** Archive format of `pg_dump`: `custom` (`-Fc`, one streamable file) or `directory` (`-Fd`, parallel with `jobs`). */
export type DumpFormat = 'custom' | 'directory';

/**
 * `pg_dump --compress`: a level `0`–`9` (gzip), or `gzip:N`, `lz4:N` (1–12), `zstd:N` (1–22), or `none`; a method
 * alone (`gzip`, `lz4`, `zstd`) takes its default level (gzip 6, lz4 1, zstd 3), as pg_dump 16 does.
 * pg_dump 16+ compresses with lz4 and zstd itself; with an older client the runner streams pg_dump's
 * uncompressed archive through the `zstd` or `lz4` program (recorded in the backup's manifest).
 */
export type DumpCompression = number | string;

/** How the runner counts rows in the dump's snapshot, to compare them after a restore. */
export type RowCountMode = 'exact' | 'estimate' | 'off';

/**
 * A schedule: a 5-field cron expression (`minute hour day-of-month month day-of-week`, e.g. `0 2 * * *`)
 * or a rate (`rate(6 hours)`, `rate(1 day)`), evaluated in `timezone`.
 */
export interface ScheduleSpec {
  /**
   * Cron (5 fields: numbers, names, `*`, `?`, `,`, `-`, `/`; day-of-month or day-of-week restricted, not
   * both) or `rate(N minutes|hours|days)`.
   */
  readonly expression: string;
  /**
   * IANA time zone the cron expression is evaluated in.
   * @default 'UTC'
   */
  readonly timezone?: string;
}

/** Scheduled logical backups with `pg_dump`. */
export interface LogicalDumpPolicy {
  /**
   * When dumps run.
   * @default - daily at 02:00 UTC (`0 2 * * *`)
   */
  readonly schedule?: ScheduleSpec;
  /**
   * Archive format.
   * @default 'custom'
   */
  readonly format?: DumpFormat;
  /**
   * `pg_dump --compress`. zstd is several times faster than pg_dump's gzip for a backup of about the same size;
   * `gzip:6` keeps pg_dump's own archive, readable by `pg_restore` as it is.
   * @default 'zstd:1' (DEFAULT_DUMP_COMPRESSION)
   */
  readonly compression?: DumpCompression;
  /**
   * Parallel dump jobs (`pg_dump -j`); more than 1 needs `format: 'directory'`.
   * @default 1
   */
  readonly jobs?: number;
  /**
   * Size of the largest table the dump holds, GiB. No longer used: a directory-format dump's scratch disk holds only
   * what pg_dump has written and the runner not yet uploaded, whatever the size of a table (see `directoryDumpScratchGiB`),
   * and a custom-format dump stages nothing.
   * @deprecated the scratch disk no longer depends on it; leave it out
   * @default - not used
   */
  readonly largestTableGiB?: number;
  /**
   * Only these tables (`-t`, patterns as in pg_dump).
   * @default - every table
   */
  readonly tables?: string[];
  /**
   * Leave these tables out (`-T`).
   * @default - none
   */
  readonly excludeTables?: string[];
  /**
   * Only these schemas (`-n`).
   * @default - every schema
   */
  readonly schemas?: string[];
  /**
   * Leave these schemas out (`-N`).
   * @default - none
   */
  readonly excludeSchemas?: string[];
  /**
   * Dump only the object definitions (`-s`); excludes `dataOnly`.
   * @default false
   */
  readonly schemaOnly?: boolean;
  /**
   * Dump only the data (`-a`); excludes `schemaOnly`.
   * @default false
   */
  readonly dataOnly?: boolean;
  /**
   * Do not dump ownership (`--no-owner`).
   * @default false
   */
  readonly noOwner?: boolean;
  /**
   * Do not dump privileges (`--no-acl`).
   * @default false
   */
  readonly noAcl?: boolean;
  /**
   * Also dump roles and tablespaces with `pg_dumpall --globals-only`.
   * @default false
   */
  readonly includeGlobals?: boolean;
  /**
   * Days a dump is kept before the object store's lifecycle deletes it: the simple retention, by age alone. With
   * `retention` it is only the lifecycle's safety net behind the prune task, and must be at least twice the longest
   * class.
   * @default 30; with `retention`, twice its longest class and at least 60
   */
  readonly retentionDays?: number;
  /**
   * Grandfather-father-son retention with a floor, done by a prune task (`pg-backup prune`) whose role alone may
   * delete: it keeps the first backup of the newest days, ISO weeks, months and years, never fewer than
   * `minimumKept`, never the one `latest` names, and deletes nothing while no dump has succeeded within the RPO.
   * @default - no prune task; dumps expire by `retentionDays` alone
   */
  readonly retention?: BackupRetentionPolicy;
  /**
   * `pg_dump --lock-wait-timeout`, in seconds: fail rather than queue behind a long lock.
   * @default 300
   */
  readonly lockWaitTimeoutSeconds?: number;
  /**
   * How rows are counted in the dump's snapshot for the restore comparison.
   * @default 'exact'
   */
  readonly rowCounts?: RowCountMode;
}

/**
 * Grandfather-father-son retention of dumps with a floor: a prune task deletes what no class keeps, never leaves fewer
 * than `minimumKept` complete backups, never deletes the backup `latest` names, and deletes nothing at all while no
 * new backup has succeeded within the RPO (so a failing dump never eats the last good backups).
 *
 * Each class counts periods that have a backup (as restic's `--keep-daily` does), not calendar time: `daily: 7` keeps
 * the first backup of each of the 7 newest UTC days that have one, however far back a gap pushes them.
 */
export interface BackupRetentionPolicy {
  /**
   * Days (UTC) whose first backup is kept, newest first.
   * @default 7
   */
  readonly daily?: number;
  /**
   * ISO weeks whose first backup is kept, newest first.
   * @default 4
   */
  readonly weekly?: number;
  /**
   * Months (UTC) whose first backup is kept, newest first.
   * @default 12
   */
  readonly monthly?: number;
  /**
   * Years (UTC) whose first backup is kept, newest first.
   * @default 0
   */
  readonly yearly?: number;
  /**
   * The newest complete backups that are always kept, whatever their class: the floor a prune never goes below.
   * @default 3
   */
  readonly minimumKept?: number;
  /**
   * When the prune task runs.
   * @default - daily at 05:00 UTC
   */
  readonly pruneSchedule?: ScheduleSpec;
}

/** Automated snapshots of a managed database (RDS, Aurora). */
export interface ManagedSnapshotPolicy {
  /**
   * Days automated backups are kept (1–35).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Daily backup window, `hh:mm-hh:mm` in UTC, at least 30 minutes, not overlapping the maintenance window.
   * @default - chosen by the cloud
   */
  readonly preferredBackupWindow?: string;
  /**
   * Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` in UTC (e.g. `sun:05:00-sun:06:00`).
   * @default - chosen by the cloud
   */
  readonly preferredMaintenanceWindow?: string;
  /**
   * Copy the database's tags to its snapshots.
   * @default true
   */
  readonly copyTagsToSnapshot?: boolean;
  /**
   * Take a final snapshot when the database is deleted, and keep automated backups after deletion.
   * @default true
   */
  readonly finalSnapshot?: boolean;
}

/** How often a backup-plan rule runs. */
export type BackupFrequency = 'hourly' | 'daily' | 'weekly' | 'monthly';

/** One rule of a backup plan (AWS Backup, Azure Backup vault). */
export interface BackupPlanRule {
  /** Rule name, unique within the plan. */
  readonly name: string;
  /** How often it runs. */
  readonly frequency: BackupFrequency;
  /**
   * Explicit schedule, overriding the frequency's default time. On AWS its runs must be at least 60 minutes apart,
   * since AWS Backup refuses a plan whose backup jobs are closer.
   * @default - the frequency's default: hourly on the hour, daily 05:00 UTC, weekly Sunday 05:00, monthly the 1st 05:00
   */
  readonly schedule?: ScheduleSpec;
  /** Days a recovery point is kept. */
  readonly retentionDays: number;
  /**
   * Refused on every platform: neither AWS Backup nor Azure Backup moves a PostgreSQL server's recovery points to cold
   * storage. AWS Backup tiers only the resource types of its "Feature availability by resource" table, which RDS and
   * Aurora are not among, and ignores the setting for the others, so the recovery points would stay in warm storage,
   * at its price, for their whole retention; Azure Backup keeps flexible server backups in the vault store.
   * @deprecated Leave it unset: it is refused, naming the rule, because no cloud applies it to PostgreSQL.
   * @default - never moved
   */
  readonly moveToColdStorageAfterDays?: number;
}

/** A managed backup plan (AWS Backup on AWS, the Data Protection vault on Azure). */
export interface BackupPlanPolicy {
  /**
   * Scheduled snapshot rules.
   * @default - none
   */
  readonly rules?: BackupPlanRule[];
  /**
   * Continuous backup (point-in-time recovery) retention in days (1–35).
   * @default - no continuous backup
   */
  readonly continuousBackupRetentionDays?: number;
}

/** An offsite copy of every recovery point. */
export interface CopyPolicy {
  /** Where the copy goes: another region of the same account, or another account. */
  readonly destination: 'region' | 'account';
  /** Destination region (required for `region` copies; must differ from the source region). */
  readonly region?: string;
  /**
   * Destination account: a 12-digit AWS account id (an Azure subscription id on Azure); required for `account` copies.
   * @default - the source account
   */
  readonly account?: string;
  /**
   * ARN of the destination AWS Backup vault, `arn:aws:backup:<region>:<account>:backup-vault:<name>`, in the copy's
   * region and account. AWS Backup copies only into a vault that exists, so create it there first (`PostgresBackupVault`
   * in the destination stack); a tier's copies take it from `BackupTierOptions.copyRegionVaultArn` and
   * `copyAccountVaultArn`. Nothing creates or guesses it.
   * @default - none: a construct that renders copies on AWS (`ManagedPostgresBackupPlan`, `PostgresBackupBlueprint`)
   * refuses a copy without it
   */
  readonly vaultArn?: string;
  /** Days the copy is kept. */
  readonly retentionDays: number;
}

/** The program that ships WAL and base backups to object storage. */
export type Archiver = 'pgbackrest' | 'wal-g' | 'barman-cloud' | 'archive-command';

/** Continuous WAL archiving for point-in-time recovery of self-hosted PostgreSQL. */
export interface PitrPolicy {
  /**
   * How far back a recovery must reach, in days.
   * @default 7
   */
  readonly windowDays?: number;
  /**
   * `archive_timeout` in seconds: the longest a quiet server waits before switching WAL segments,
   * which bounds the data lost with the host. 30–3600 unless `allowArchiveTimeoutOutsideRange`.
   * @default 60
   */
  readonly archiveTimeoutSeconds?: number;
  /**
   * Accept an `archive_timeout` under 30 s (many near-empty segments) or over 1 h (a wide loss window).
   * @default false
   */
  readonly allowArchiveTimeoutOutsideRange?: boolean;
  /**
   * Full base backups.
   * @default - weekly, Sunday 01:00 UTC
   */
  readonly fullBackupSchedule?: ScheduleSpec;
  /**
   * Differential base backups between fulls.
   * @default - daily 01:00 UTC except Sunday
   */
  readonly diffBackupSchedule?: ScheduleSpec;
  /**
   * Number of full base backups kept (pgBackRest `repo1-retention-full`); enough that the oldest reaches back over the window.
   * @default 2
   */
  readonly retainFull?: number;
  /**
   * The archiver.
   * @default 'pgbackrest'
   */
  readonly archiver?: Archiver;
  /**
   * Who deletes old WAL and base backups: the archiver's own expire (`pgbackrest expire`), or only the
   * object store's lifecycle rules. Object Lock forbids `archiver`.
   * @default 'archiver' for pgbackrest, 'lifecycle' otherwise
   */
  readonly expireBy?: 'archiver' | 'lifecycle';
  /**
   * Days WAL objects are kept by the lifecycle rule; at least `retainFull` × the full-backup interval + `windowDays`.
   * @default - that least value, which still replays the oldest retained base backup
   */
  readonly walRetentionDays?: number;
}

/** Scheduled restore drills. */
export interface VerificationPolicy {
  /**
   * When drills run.
   * @default - weekly, Monday 06:00 UTC (`0 6 * * 1`)
   */
  readonly schedule?: ScheduleSpec;
  /**
   * SQL statements that must each return a single `true` on the restored database.
   * @default - none (row counts are always compared)
   */
  readonly checks?: string[];
  /**
   * The recovery-time objective: a drill whose restore takes longer fails and alarms, in minutes.
   * @default 60
   */
  readonly maxRestoreDurationMinutes?: number;
}

/** Alarms and notifications. */
export interface AlarmPolicy {
  /**
   * The recovery-point objective in hours: alarm when the newest good backup is older. It may not be shorter
   * than the gap between two runs of the most frequent watched backup (logical dumps, backup-plan rules).
   * @default - that gap rounded up to hours plus a two-hour margin: 26 for daily dumps; 26 when nothing is scheduled
   */
  readonly rpoHours?: number;
  /**
   * Where notifications go (an SNS topic ARN, an Azure action group id).
   * @default - a topic or action group is created
   */
  readonly notificationTarget?: string;
}

/** Write-once protection for backups (S3 Object Lock, AWS Backup vault lock, Azure immutability policy). */
export interface ImmutabilityPolicy {
  /**
   * `governance` can be lifted by a privileged principal; `compliance` never can, not even by the account root.
   * @default 'governance'
   */
  readonly mode?: 'governance' | 'compliance';
  /** Days each backup is locked; must not exceed the backups' retention. */
  readonly days: number;
}

/** Where the database runs, which bounds some values (Azure flexible server retention is 7–35 days). */
export type DatabasePlatform = 'aws' | 'azure' | 'self-hosted';

/** A whole backup strategy for one database. Each part is optional; what is present is validated together. */
export interface BackupPolicy {
  /**
   * Platform the policy is rendered for.
   * @default 'aws'
   */
  readonly platform?: DatabasePlatform;
  /**
   * Logical dumps.
   * @default - none
   */
  readonly logicalDump?: LogicalDumpPolicy;
  /**
   * Automated snapshots of a managed database.
   * @default - none
   */
  readonly managedSnapshots?: ManagedSnapshotPolicy;
  /**
   * Backup plan rules and continuous backup.
   * @default - none
   */
  readonly backupPlan?: BackupPlanPolicy;
  /**
   * Offsite copies.
   * @default - none
   */
  readonly copies?: CopyPolicy[];
  /**
   * The source region, to reject a "copy" into the same region.
   * @default - unknown: not checked
   */
  readonly sourceRegion?: string;
  /**
   * Point-in-time recovery by WAL archiving.
   * @default - none
   */
  readonly pitr?: PitrPolicy;
  /**
   * Restore drills.
   * @default - none
   */
  readonly verification?: VerificationPolicy;
  /**
   * Alarms.
   * @default - defaults of AlarmPolicy
   */
  readonly alarms?: AlarmPolicy;
  /**
   * Immutability.
   * @default - none
   */
  readonly immutability?: ImmutabilityPolicy;
}
