import { describeBrokenEntry, describePartialEntry, readCatalog, type BackupCatalog } from './backup-catalog';
import { BACKUP_DATABASE_FLAG, FROM_FLAG } from './backup-commands';
import { BackupLayout } from './backup-layout';
import { formatBackupLocation, parseBackupLocation } from './backup-location';
import type { CommandContext, CommandReport, FlagDefinition, FlagReader } from './cli-options';
import { OUTPUT_FLAG, formatBytes, formatDuration, formatTable, readOutputMode } from './cli-output';
import { openBackupStore } from './open-backup-store';
import { newestSnapshot } from './snapshot-order';

/** The flags of `pg-backup status`. */
export const STATUS_COMMAND_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { ...BACKUP_DATABASE_FLAG, description: 'only this database', default: 'every database under the location' },
  { name: 'rpo', value: 'DUR', description: 'exit 1 when a database\'s newest complete backup is older than this, 1s to 365 days', default: 'no limit', example: '--rpo 26h' },
  OUTPUT_FLAG,
];

/** The state of the backups of one database. */
export interface DatabaseBackupStatus {
  /** The database. */
  readonly database: string;
  /** The complete backup with the newest snapshot (the one `latest` names and `--latest` takes), if any. */
  readonly newest?: {
    readonly backupId: string;
    readonly finishedAt: string;
    /** Seconds since it finished. */
    readonly ageSeconds: number;
    readonly bytes: number;
    readonly rows: number;
  };
  /** Complete backups. */
  readonly complete: number;
  /** Whether the newest complete backup is older than `--rpo` (or there is none); absent without `--rpo`. */
  readonly olderThanRpo?: boolean;
  /** Backups whose manifest cannot be read, as `list` shows them. */
  readonly broken: { readonly backupId: string; readonly manifestKey: string; readonly reason: string }[];
  /** Backups without a manifest: running, failed or interrupted dumps. */
  readonly partial: { readonly backupId: string; readonly objects: number }[];
}

/** The status of each database of a location's catalog, at `now`. */
export function databaseStatuses(catalog: BackupCatalog, now: Date, rpoSeconds?: number): DatabaseBackupStatus[] {
  const databases = [...new Set([...catalog.backups, ...catalog.broken, ...catalog.partial].map((entry) => entry.database))].sort();
  return databases.map((database) => {
    const complete = catalog.backups.filter((backup) => backup.database === database);
    const newestManifest = newestSnapshot(complete)?.manifest;
    const newest = newestManifest && {
      backupId: newestManifest.backupId,
      finishedAt: newestManifest.finishedAt,
      ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(newestManifest.finishedAt)) / 1000)),
      bytes: newestManifest.totalBytes,
      rows: newestManifest.rowCounts.totalRows,
    };
    return {
      database,
      ...(newest ? { newest } : {}),
      complete: complete.length,
      ...(rpoSeconds === undefined ? {} : { olderThanRpo: newest === undefined || newest.ageSeconds > rpoSeconds }),
      broken: catalog.broken.filter((entry) => entry.database === database)
        .map(({ backupId, manifestKey, reason }) => ({ backupId, manifestKey, reason })),
      partial: catalog.partial.filter((entry) => entry.database === database).map(({ backupId, objects }) => ({ backupId, objects })),
    };
  });
}

function statusTable(statuses: readonly DatabaseBackupStatus[], catalog: BackupCatalog, rpoSeconds: number | undefined): string {
  const rows = statuses.map((status) => [
    status.database,
    status.newest?.backupId ?? 'none',
    status.newest ? formatDuration(status.newest.ageSeconds) : '',
    status.newest ? formatBytes(status.newest.bytes) : '',
    status.newest ? status.newest.rows : '',
    status.complete,
    rpoSeconds === undefined ? '' : status.olderThanRpo ? `OLDER THAN ${formatDuration(rpoSeconds)}` : 'ok',
    status.broken.length,
    status.partial.length,
  ]);
  const problems = [...catalog.broken.map(describeBrokenEntry), ...catalog.partial.map(describePartialEntry)];
  const table = formatTable(['DATABASE', 'NEWEST BACKUP', 'AGE', 'SIZE', 'ROWS', 'COMPLETE', 'RPO', 'BROKEN', 'PARTIAL'], rows);
  return problems.length === 0 ? table : `${table}\n${problems.join('\n')}\n`;
}

/**
 * `pg-backup status`: per database under the location, the newest complete backup (age, size, rows), whether it is
 * older than `--rpo`, and the broken and partial backups. Fails (exit 1, with the whole status in the result line)
 * when a database's newest complete backup is older than the RPO.
 */
export async function statusCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  const rpoSeconds = reader.string('rpo') === undefined ? undefined : reader.seconds('rpo', 1, 365 * 86_400, 0);
  const output = readOutputMode(reader, context);
  reader.throwIfInvalid('status');
  const location = parseBackupLocation(from, '--from');
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const catalog = await readCatalog(store, new BackupLayout(location), common.database);
    const statuses = databaseStatuses(catalog, new Date(), rpoSeconds);
    const late = statuses.filter((status) => status.olderThanRpo);
    if (common.database !== undefined && statuses.length === 0 && rpoSeconds !== undefined) {
      late.push({ database: common.database, complete: 0, olderThanRpo: true, broken: [], partial: [] });
    }
    return {
      database: common.database ?? '',
      metrics: [],
      result: {
        location: formatBackupLocation(location),
        ...(rpoSeconds === undefined ? {} : { rpoSeconds }),
        databases: statuses,
        ...(rpoSeconds === undefined ? {} : { olderThanRpo: late.map((status) => status.database) }),
      },
      table: output === 'table' ? statusTable(statuses, catalog, rpoSeconds) : undefined,
      failure: late.length === 0 ? undefined
        : `${late.map((status) => (status.newest ? `${status.database} (newest complete backup ${formatDuration(status.newest.ageSeconds)} old)` : `${status.database} (no complete backup)`)).join(', ')} `
          + `${late.length === 1 ? 'is' : 'are'} older than the RPO of ${formatDuration(rpoSeconds!)}`,
    };
  } finally {
    store.close();
  }
}
