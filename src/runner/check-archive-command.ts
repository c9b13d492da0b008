import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { PGBACKREST_DEFAULT_CONFIG_FILE } from '../core';
import { runTool } from './child-process';
import type { CommonOptions, FlagDefinition, FlagReader } from './cli-options';
import { connectDatabase } from './database-client';
import { resolveConnection } from './database-connection';
import { emitMetrics, type MetricValue } from './embedded-metrics';
import { requireProgram } from './required-programs';
import { RunnerError, UsageError, errorMessage } from './runner-error';

/** Where `check-archive` connects when no `--target-url` is given: the local server over its socket, as `postgres`. */
export const DEFAULT_ARCHIVE_CHECK_URL = 'postgresql://postgres@localhost/postgres?host=/var/run/postgresql';

/** The flags of `pg-backup check-archive`. */
export const CHECK_ARCHIVE_COMMAND_FLAGS: readonly FlagDefinition[] = [
  { name: 'target-url', value: 'URL', description: 'the server whose archiver is read', default: DEFAULT_ARCHIVE_CHECK_URL, example: '--target-url postgres://postgres@localhost/postgres' },
  { name: 'cluster', value: 'NAME', description: 'the name the metrics carry (dimension Database)', default: 'the stanza', example: '--cluster orders' },
  { name: 'pgbackrest-config', value: 'FILE', description: 'pgbackrest.conf of the repository', default: PGBACKREST_DEFAULT_CONFIG_FILE, example: '--pgbackrest-config /etc/pgbackrest/pgbackrest.conf' },
  { name: 'stanza', value: 'NAME', description: 'the pgBackRest stanza', default: 'main', example: '--stanza orders' },
  { name: 'no-archive-get', description: 'do not fetch the newest archived segment back from the repository', example: '--no-archive-get' },
  { name: 'max-archive-age', value: 'DUR', description: 'unhealthy when nothing was archived for longer, 1s to 7 days', default: 'no limit', example: '--max-archive-age 15m' },
  { name: 'heartbeat', description: 'commit an empty transaction first, so a quiet server still archives', example: '--heartbeat' },
];

/** Names of the metrics of `pg-backup check-archive` (dimension `Database`: the `--cluster` name). */
export const CHECK_ARCHIVE_METRICS = {
  /** `pg_stat_archiver.failed_count`: cumulative, so an alarm watches its growth (`DIFF`). */
  failedCount: 'ArchiveFailedCount',
  /** `pg_stat_archiver.archived_count`, cumulative. */
  archivedCount: 'ArchivedWalCount',
  /** 1 when the last failure is newer than the last success: the archiver is failing right now. */
  failing: 'ArchiveFailing',
  /** Seconds since the last segment was archived (since the server started, when none was). */
  secondsSinceLastArchived: 'SecondsSinceLastArchivedWal',
  /** 1 when the newest archived segment could be fetched back from the repository, 0 when not. */
  newestWalReadable: 'NewestArchivedWalReadable',
  /** 1 for each check that found the archive healthy. */
  checkSucceeded: 'ArchiveCheckSucceeded',
  /** 1 for each check that found it unhealthy (or could not check). */
  checkFailed: 'ArchiveCheckFailed',
} as const;

/** What `pg_stat_archiver` and the server's settings say about WAL archiving. */
export interface ArchiverStatus {
  /** `archive_mode`. */
  readonly archiveMode: string;
  /** Segments archived since the statistics were reset. */
  readonly archivedCount: number;
  /** Name of the last segment archived. */
  readonly lastArchivedWal?: string;
  /** When it was archived. */
  readonly lastArchivedTime?: Date;
  /** Failed attempts since the statistics were reset. */
  readonly failedCount: number;
  /** The segment of the last failed attempt. */
  readonly lastFailedWal?: string;
  /** When it failed. */
  readonly lastFailedTime?: Date;
  /** Seconds since the last archived segment, or since the server started when none was. */
  readonly secondsSinceLastArchived: number;
}

/** Reads `pg_stat_archiver` (and `archive_mode`) on the server `client` is connected to. */
export async function readArchiverStatus(client: { query: (sql: string) => Promise<{ rows: any[] }> }): Promise<ArchiverStatus> {
  const { rows: [row] } = await client.query(`SELECT current_setting('archive_mode') AS archive_mode,
      archived_count::text AS archived_count, last_archived_wal, last_archived_time,
      failed_count::text AS failed_count, last_failed_wal, last_failed_time,
      extract(epoch FROM clock_timestamp() - coalesce(last_archived_time, pg_postmaster_start_time()))::float8 AS age
    FROM pg_stat_archiver`);
  return {
    archiveMode: row.archive_mode,
    archivedCount: Number(row.archived_count),
    lastArchivedWal: row.last_archived_wal ?? undefined,
    lastArchivedTime: row.last_archived_time ?? undefined,
    failedCount: Number(row.failed_count),
    lastFailedWal: row.last_failed_wal ?? undefined,
    lastFailedTime: row.last_failed_time ?? undefined,
    secondsSinceLastArchived: Math.max(0, Math.round(Number(row.age))),
  };
}

/** True when the archiver's last attempt failed: its last failure is newer than its last success. */
export function archiverIsFailing(status: ArchiverStatus): boolean {
  if (status.lastFailedTime === undefined) return false;
  return status.lastArchivedTime === undefined || status.lastFailedTime.getTime() > status.lastArchivedTime.getTime();
}

/** The problems a status shows, in the operator's terms (empty when healthy). */
export function archiverProblems(status: ArchiverStatus, maxArchiveAgeSeconds: number | undefined, newestWalReadable: boolean | undefined): string[] {
  const problems: string[] = [];
  if (status.archiveMode === 'off') problems.push('archive_mode is off: no WAL is archived');
  if (archiverIsFailing(status)) {
    problems.push(`archive_command is failing: ${status.lastFailedWal} failed at ${status.lastFailedTime!.toISOString()}, `
      + `after the last success (${status.lastArchivedWal ?? 'none'} at ${status.lastArchivedTime?.toISOString() ?? 'never'}); `
      + `${status.failedCount} failures since the statistics were reset`);
  }
  if (maxArchiveAgeSeconds !== undefined && status.secondsSinceLastArchived > maxArchiveAgeSeconds) {
    problems.push(`the last WAL segment was archived ${status.secondsSinceLastArchived} s ago, more than --max-archive-age ${maxArchiveAgeSeconds} s`);
  }
  if (newestWalReadable === false) {
    problems.push(`the newest archived segment ${status.lastArchivedWal} cannot be fetched back from the repository`);
  }
  return problems;
}

/** The metrics of a check, healthy or not. */
export function archiveCheckMetrics(status: ArchiverStatus, newestWalReadable: boolean | undefined, healthy: boolean): MetricValue[] {
  return [
    { name: CHECK_ARCHIVE_METRICS.checkSucceeded, value: healthy ? 1 : 0, unit: 'Count' },
    { name: CHECK_ARCHIVE_METRICS.checkFailed, value: healthy ? 0 : 1, unit: 'Count' },
    { name: CHECK_ARCHIVE_METRICS.failedCount, value: status.failedCount, unit: 'Count' },
    { name: CHECK_ARCHIVE_METRICS.archivedCount, value: status.archivedCount, unit: 'Count' },
    { name: CHECK_ARCHIVE_METRICS.failing, value: archiverIsFailing(status) ? 1 : 0, unit: 'Count' },
    { name: CHECK_ARCHIVE_METRICS.secondsSinceLastArchived, value: status.secondsSinceLastArchived, unit: 'Seconds' },
    ...(newestWalReadable === undefined ? [] : [{ name: CHECK_ARCHIVE_METRICS.newestWalReadable, value: newestWalReadable ? 1 : 0, unit: 'Count' as const }]),
  ];
}

/**
 * Fetches `segment` from the repository with `pgbackrest archive-get` into a temporary file, as a recovery would.
 * Returns whether it could.
 */
async function fetchArchivedSegment(configFile: string, stanza: string, segment: string, logger: Logger, signal: AbortSignal): Promise<boolean> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-archive-get-'));
  try {
    await runTool('pgbackrest', [`--config=${configFile}`, `--stanza=${stanza}`, '--log-level-file=off', '--archive-async=n', 'archive-get', segment, path.join(directory, segment)], { signal });
    return fs.existsSync(path.join(directory, segment));
  } catch (error) {
    logger.warn({ segment, error: errorMessage(error) }, 'cannot fetch the newest archived segment');
    return false;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** What `pg-backup check-archive` gets besides its flags (the CLI's command context). */
export interface CheckArchiveCommandContext {
  /** Flags every command shares (metrics settings among them). */
  readonly common: CommonOptions;
  /** The log. */
  readonly logger: Logger;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/** What `pg-backup check-archive` reports: the cluster (metric dimension), the result line's fields, the metrics. */
export interface CheckArchiveCommandReport {
  /** The metric dimension `Database`: the `--cluster` name. */
  readonly database: string;
  /** Fields of the JSON result line. */
  readonly result: Record<string, unknown>;
  /** Metrics of the run. */
  readonly metrics: MetricValue[];
}

/**
 * `pg-backup check-archive`: reads `pg_stat_archiver` on the database host, optionally commits an empty transaction
 * first (`--heartbeat`, so a quiet server still writes a commit that `archive_timeout` ships within its bound), and
 * fetches the newest archived segment back from the pgBackRest repository. A healthy archive returns the metrics for
 * the CLI to write; an unhealthy one writes them itself (so the alarms see the failing values) and throws a
 * {@link RunnerError} naming every problem (exit 1).
 */
export async function checkArchiveCommand(reader: FlagReader, context: CheckArchiveCommandContext): Promise<CheckArchiveCommandReport> {
  const { common, logger, env, signal } = context;
  const url = reader.string('target-url') ?? DEFAULT_ARCHIVE_CHECK_URL;
  const clusterName = reader.string('cluster') ?? reader.string('stanza') ?? 'main';
  const stanza = reader.string('stanza') ?? 'main';
  const configFile = reader.string('pgbackrest-config') ?? PGBACKREST_DEFAULT_CONFIG_FILE;
  const archiveGet = !reader.boolean('no-archive-get');
  const maxArchiveAge = reader.string('max-archive-age') === undefined ? undefined : reader.seconds('max-archive-age', 1, 7 * 86_400, 0);
  const heartbeat = reader.boolean('heartbeat');
  reader.throwIfInvalid('check-archive');
  const readArchive = async (): Promise<{ status: ArchiverStatus; newestWalReadable?: boolean }> => {
    // Missing, pgBackRest would only show as a newest segment that cannot be fetched: that is no finding about the archive.
    if (archiveGet) {
      requireProgram('pgbackrest', { neededFor: 'check-archive fetches the newest archived WAL segment back with it (--no-archive-get skips that)' });
    }
    const connection = resolveConnection({ url, flag: '--target-url' }, { ...env, PG_BACKUP_DATABASE_SECRET: '' });
    const client = await connectDatabase(connection, 'the server whose archive is checked');
    let read: ArchiverStatus;
    try {
      // txid_current() assigns a transaction id, so the statement's commit is a WAL commit record with a timestamp.
      if (heartbeat) await client.query('SELECT txid_current()');
      read = await readArchiverStatus(client);
    } finally {
      await client.end().catch(() => undefined);
    }
    const readable = archiveGet && read.lastArchivedWal !== undefined
      ? await fetchArchivedSegment(configFile, stanza, read.lastArchivedWal, logger, signal)
      : undefined;
    return { status: read, newestWalReadable: readable };
  };
  let status: ArchiverStatus;
  let newestWalReadable: boolean | undefined;
  try {
    ({ status, newestWalReadable } = await readArchive());
  } catch (error) {
    // A check that cannot run (no pgBackRest, no server) is a failed check for the alarms, as an unhealthy archive is.
    if (error instanceof UsageError) throw error;
    emitMetrics(common.metrics, clusterName, [
      { name: CHECK_ARCHIVE_METRICS.checkSucceeded, value: 0, unit: 'Count' },
      { name: CHECK_ARCHIVE_METRICS.checkFailed, value: 1, unit: 'Count' },
    ], { command: 'check-archive', error: errorMessage(error).slice(0, 500) });
    throw error;
  }
  const problems = archiverProblems(status, maxArchiveAge, newestWalReadable);
  const metrics = archiveCheckMetrics(status, newestWalReadable, problems.length === 0);
  logger.info({ cluster: clusterName, ...status, newestWalReadable, problems: problems.length }, 'archive checked');
  if (problems.length > 0) {
    emitMetrics(common.metrics, clusterName, metrics, { command: 'check-archive' });
    throw new RunnerError(`the WAL archive of ${clusterName} is unhealthy: ${problems.join('; ')}`);
  }
  return {
    database: clusterName,
    metrics,
    result: {
      cluster: clusterName,
      archiveMode: status.archiveMode,
      archivedCount: status.archivedCount,
      lastArchivedWal: status.lastArchivedWal,
      lastArchivedTime: status.lastArchivedTime?.toISOString(),
      failedCount: status.failedCount,
      lastFailedWal: status.lastFailedWal,
      lastFailedTime: status.lastFailedTime?.toISOString(),
      secondsSinceLastArchived: status.secondsSinceLastArchived,
      ...(newestWalReadable !== undefined ? { newestWalReadable } : {}),
      heartbeat,
    },
  };
}
