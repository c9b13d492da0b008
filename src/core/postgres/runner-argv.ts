import type { ResolvedBackupRetentionPolicy } from '../policy/backup-retention';
import { LogicalDumpPolicy } from '../policy/policy';

/** Where and how a scheduled `pg-backup dump` runs, besides the policy. */
export interface RunnerDumpArgvOptions {
  /** Where the backups go: `s3://bucket/prefix`, `azblob://account/container/prefix` or `file:///path`. */
  readonly to: string;
  /**
   * The database to dump (`--database`), overriding the one the connection names.
   * @default - the database of the connection (URL or secret)
   */
  readonly database?: string;
  /**
   * `--no-role-passwords` for `--globals` (managed services such as RDS forbid reading role passwords).
   * @default false
   */
  readonly noRolePasswords?: boolean;
  /**
   * `--metrics-namespace`.
   * @default - the runner's own default (`PostgresBackup`)
   */
  readonly metricsNamespace?: string;
}

/**
 * The arguments of `pg-backup dump` for a logical-dump policy, after the executable: the same flags an operator
 * would type, so a scheduled container and a dump by hand are the same command. Values are separate arguments,
 * never a shell string. Validate the policy first (`validatePolicy`); this only renders it.
 */
export function runnerDumpArgv(policy: LogicalDumpPolicy, options: RunnerDumpArgvOptions): string[] {
  const argv = ['dump', '--to', options.to];
  if (options.database !== undefined) argv.push('--database', options.database);
  if (policy.format !== undefined) argv.push('--format', policy.format);
  if (policy.jobs !== undefined && policy.jobs !== 1) argv.push('--jobs', String(policy.jobs));
  if (policy.compression !== undefined) argv.push('--compress', String(policy.compression));
  for (const table of policy.tables ?? []) argv.push('--table', table);
  for (const table of policy.excludeTables ?? []) argv.push('--exclude-table', table);
  for (const schema of policy.schemas ?? []) argv.push('--schema', schema);
  for (const schema of policy.excludeSchemas ?? []) argv.push('--exclude-schema', schema);
  if (policy.schemaOnly) argv.push('--schema-only');
  if (policy.dataOnly) argv.push('--data-only');
  if (policy.noOwner) argv.push('--no-owner');
  if (policy.noAcl) argv.push('--no-acl');
  if (policy.includeGlobals) {
    argv.push('--globals');
    if (options.noRolePasswords) argv.push('--no-role-passwords');
  }
  if (policy.rowCounts !== undefined) argv.push('--row-counts', policy.rowCounts);
  if (policy.lockWaitTimeoutSeconds !== undefined) argv.push('--lock-wait-timeout', `${policy.lockWaitTimeoutSeconds}s`);
  if (options.metricsNamespace !== undefined) argv.push('--metrics-namespace', options.metricsNamespace);
  return argv;
}

/** What a scheduled `pg-backup status` watches. */
export interface RunnerStatusArgvOptions {
  /** The location the dumps are written to, as `--to` of the dump. */
  readonly from: string;
  /** The database whose newest complete backup is watched. */
  readonly database: string;
  /** The recovery-point objective: the status fails when the newest complete backup is older, or there is none. */
  readonly rpoHours: number;
  /**
   * The status also fails when the newest successful restore drill of the database is older than this, or there is none.
   * @default - drills are not watched
   */
  readonly drillAgeDays?: number;
}

/**
 * The arguments of `pg-backup status` that fail (exit 1) when the newest complete dump of one database is older than
 * the RPO or missing: run on a schedule by a job of its own, it pages when dumps stop for any reason, including a
 * dump job that no longer runs at all and so never reports a failure.
 */
export function runnerStatusArgv(options: RunnerStatusArgvOptions): string[] {
  return [
    'status', '--from', options.from, '--database', options.database, '--rpo', `${options.rpoHours}h`,
    ...(options.drillAgeDays === undefined ? [] : ['--drill-age', `${options.drillAgeDays}d`]),
  ];
}

/** What a scheduled `pg-backup prune` prunes. */
export interface RunnerPruneArgvOptions {
  /** The backup location, `s3://bucket/prefix`. */
  readonly from: string;
  /** The database whose backups it prunes. */
  readonly database: string;
  /** Nothing is deleted unless a backup finished within this many hours. */
  readonly rpoHours: number;
  /**
   * `--metrics-namespace`.
   * @default - the runner's default
   */
  readonly metricsNamespace?: string;
  /**
   * The offsite copies of `from` pruned in the same run with the same retention (`--replica`).
   * @default - none
   */
  readonly replicas?: readonly string[];
}

/** The arguments of `pg-backup prune` for a retention policy (the counts always spelled out, so the runner's defaults never decide). */
export function runnerPruneArgv(retention: ResolvedBackupRetentionPolicy, options: RunnerPruneArgvOptions): string[] {
  return [
    'prune', '--from', options.from, '--database', options.database, '--rpo', `${options.rpoHours}h`,
    '--daily', String(retention.daily), '--weekly', String(retention.weekly), '--monthly', String(retention.monthly),
    '--yearly', String(retention.yearly), '--minimum-kept', String(retention.minimumKept),
    ...(options.replicas ?? []).flatMap((replica) => ['--replica', replica]),
    ...(options.metricsNamespace !== undefined ? ['--metrics-namespace', options.metricsNamespace] : []),
  ];
}
