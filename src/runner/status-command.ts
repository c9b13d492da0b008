import { describeBrokenEntry, describePartialEntry, readCatalog, type BackupCatalog } from './backup-catalog';
import { BACKUP_DATABASE_FLAG, FROM_FLAG } from './backup-commands';
import { BackupLayout } from './backup-layout';
import { formatBackupLocation, parseBackupLocation } from './backup-location';
import type { CommandContext, CommandReport, FlagDefinition, FlagReader } from './cli-options';
import { OUTPUT_FLAG, formatBytes, formatDuration, formatTable, readOutputMode } from './cli-output';
import { isGoodDrill, readDatabaseDrills, type DatabaseDrills, type StoredDrillRecord } from './drill-record';
import { catalogLatestProblems } from './latest-pointer';
import { openBackupStore } from './open-backup-store';
import { newestSnapshot } from './snapshot-order';

/** The flags of `pg-backup status`. */
export const STATUS_COMMAND_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { ...BACKUP_DATABASE_FLAG, description: 'only this database', default: 'every database under the location' },
  { name: 'rpo', value: 'DUR', description: 'exit 1 when a database\'s newest complete backup is older than this, 1s to 365 days', default: 'no limit', example: '--rpo 26h' },
  { name: 'drill-age', value: 'DUR', description: 'exit 1 when a database\'s newest successful drill (of any kind) is older than this, 1s to 365 days', default: 'no limit', example: '--drill-age 8d' },
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
  /** The newest drill result stored beside the backups, whatever its outcome. */
  readonly lastDrill?: DrillStatus;
  /** The newest successful drill. */
  readonly lastGoodDrill?: DrillStatus;
  /** Whether the newest successful drill is older than `--drill-age` (or there is none); absent without `--drill-age`. */
  readonly olderThanDrillAge?: boolean;
  /** Backups whose manifest cannot be read, as `list` shows them. */
  readonly broken: { readonly backupId: string; readonly manifestKey: string; readonly reason: string }[];
  /** Backups without a manifest: running, failed or interrupted dumps. */
  readonly partial: { readonly backupId: string; readonly objects: number }[];
  /**
   * What is wrong with the database's `latest` pointer: it names a backup without a complete manifest, or is no pointer.
   * @default - nothing: latest names a complete backup, or there is none
   */
  readonly latestProblem?: string;
}

/** One drill result as status shows it. */
export interface DrillStatus {
  /** `dump` (verify), `pitr` (drill-pitr), `snapshot`, `point-in-time` or `restore-testing` (a managed database's drills). */
  readonly kind: string;
  /** When it finished. */
  readonly finishedAt: string;
  /** Seconds since it finished. */
  readonly ageSeconds: number;
  /** Whether it succeeded (its restore and checks passed, within its RTO). */
  readonly succeeded: boolean;
  /** Whether its restore was slower than its RTO; such a drill is not a good one. */
  readonly rtoExceeded?: boolean;
  /** Why it failed. */
  readonly reason?: string;
  /** The backup (or base backup) it restored. */
  readonly restored?: string;
  /** Its recovery time, seconds. */
  readonly rtoSeconds?: number;
  /** The stored result. */
  readonly key: string;
}

function drillStatus(stored: StoredDrillRecord | undefined, now: Date): DrillStatus | undefined {
  if (stored === undefined) return undefined;
  const { record, key } = stored;
  const restored = record.restored.backupId ?? record.restored.baseBackup ?? record.restored.snapshot ?? record.restored.targetTime
    ?? record.restored.resource;
  return {
    kind: record.kind,
    finishedAt: record.finishedAt,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(record.finishedAt)) / 1000)),
    succeeded: isGoodDrill(record),
    ...(record.rtoExceeded === true ? { rtoExceeded: true } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(restored !== undefined ? { restored } : {}),
    ...(record.rtoSeconds !== undefined ? { rtoSeconds: record.rtoSeconds } : {}),
    key,
  };
}

/** The limits status checks, each absent when not asked for. */
export interface StatusLimits {
  /** `--rpo`, seconds. */
  readonly rpoSeconds?: number;
  /** `--drill-age`, seconds. */
  readonly drillAgeSeconds?: number;
}

/** The status of each database of a location's catalog and drill results, at `now`. */
export function databaseStatuses(
  catalog: BackupCatalog, now: Date, limits: StatusLimits = {}, drills: readonly DatabaseDrills[] = [],
  latestProblems: ReadonlyMap<string, string> = new Map(),
): DatabaseBackupStatus[] {
  const { rpoSeconds, drillAgeSeconds } = limits;
  const databases = [...new Set([...catalog.backups, ...catalog.broken, ...catalog.partial, ...drills].map((entry) => entry.database))].sort();
  return databases.map((database) => {
    const drillsOf = drills.find((entry) => entry.database === database);
    const lastDrill = drillStatus(drillsOf?.newest, now);
    const lastGoodDrill = drillStatus(drillsOf?.newestSucceeded, now);
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
      ...(lastDrill ? { lastDrill } : {}),
      ...(lastGoodDrill ? { lastGoodDrill } : {}),
      ...(drillAgeSeconds === undefined ? {} : { olderThanDrillAge: lastGoodDrill === undefined || lastGoodDrill.ageSeconds > drillAgeSeconds }),
      broken: catalog.broken.filter((entry) => entry.database === database)
        .map(({ backupId, manifestKey, reason }) => ({ backupId, manifestKey, reason })),
      partial: catalog.partial.filter((entry) => entry.database === database).map(({ backupId, objects }) => ({ backupId, objects })),
      ...(latestProblems.has(database) ? { latestProblem: latestProblems.get(database) } : {}),
    };
  });
}

function drillCell(status: DatabaseBackupStatus, drillAgeSeconds: number | undefined): string {
  const good = status.lastGoodDrill ? `${status.lastGoodDrill.kind} ${formatDuration(status.lastGoodDrill.ageSeconds)} ago` : 'none';
  const failed = status.lastDrill && !status.lastDrill.succeeded
    ? `; FAILED ${formatDuration(status.lastDrill.ageSeconds)} ago${status.lastDrill.rtoExceeded ? ' (RTO exceeded)' : ''}` : '';
  const limit = drillAgeSeconds === undefined ? '' : status.olderThanDrillAge ? ` (OLDER THAN ${formatDuration(drillAgeSeconds)})` : ' (ok)';
  return `${good}${failed}${limit}`;
}

function statusTable(
  statuses: readonly DatabaseBackupStatus[], catalog: BackupCatalog, limits: StatusLimits, drills: readonly DatabaseDrills[],
): string {
  const { rpoSeconds, drillAgeSeconds } = limits;
  const rows = statuses.map((status) => [
    status.database,
    status.newest?.backupId ?? 'none',
    status.newest ? formatDuration(status.newest.ageSeconds) : '',
    status.newest ? formatBytes(status.newest.bytes) : '',
    status.newest ? status.newest.rows : '',
    status.complete,
    rpoSeconds === undefined ? '' : status.olderThanRpo ? `OLDER THAN ${formatDuration(rpoSeconds)}` : 'ok',
    drillCell(status, drillAgeSeconds),
    status.broken.length,
    status.partial.length,
  ]);
  const failedDrills = statuses.flatMap((status) => (status.lastDrill && !status.lastDrill.succeeded
    ? [`failed drill: ${status.database} ${status.lastDrill.finishedAt}: ${status.lastDrill.reason
      ?? (status.lastDrill.rtoExceeded ? `the restore took longer than the RTO${status.lastDrill.rtoSeconds === undefined ? '' : ` (${formatDuration(status.lastDrill.rtoSeconds)})`}` : 'no reason recorded')}`] : []));
  const unreadable = drills.flatMap((entry) => entry.unreadable.map((item) => `unreadable drill result: ${item.key}: ${item.reason}`));
  const latest = statuses.flatMap((status) => (status.latestProblem ? [`latest: ${status.database}: ${status.latestProblem}`] : []));
  const problems = [
    ...catalog.broken.map(describeBrokenEntry), ...catalog.partial.map(describePartialEntry), ...latest, ...failedDrills, ...unreadable,
  ];
  const table = formatTable(['DATABASE', 'NEWEST BACKUP', 'AGE', 'SIZE', 'ROWS', 'COMPLETE', 'RPO', 'LAST GOOD DRILL', 'BROKEN', 'PARTIAL'], rows);
  return problems.length === 0 ? table : `${table}\n${problems.join('\n')}\n`;
}

/**
 * `pg-backup status`: per database under the location, the newest complete backup (age, size, rows), whether it is
 * older than `--rpo`, the newest drill and the newest successful one (age, kind, RTO), whether that is older than
 * `--drill-age`, and the broken and partial backups. Fails (exit 1, with the whole status in the result line) when a
 * database's newest complete backup is older than the RPO, or its newest successful drill older than the drill age.
 * It only reads.
 */
export async function statusCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  const rpoSeconds = reader.string('rpo') === undefined ? undefined : reader.seconds('rpo', 1, 365 * 86_400, 0);
  const drillAgeSeconds = reader.string('drill-age') === undefined ? undefined : reader.seconds('drill-age', 1, 365 * 86_400, 0);
  const output = readOutputMode(reader, context);
  reader.throwIfInvalid('status');
  const location = parseBackupLocation(from, '--from');
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const layout = new BackupLayout(location);
    const catalog = await readCatalog(store, layout, common.database);
    const drills = await readDatabaseDrills(store, layout, common.database);
    const limits: StatusLimits = { rpoSeconds, drillAgeSeconds };
    const statuses = databaseStatuses(catalog, new Date(), limits, drills, await catalogLatestProblems(store, layout, catalog));
    // A database asked for by name that has nothing under the location is as late as can be.
    const judged: DatabaseBackupStatus[] = common.database !== undefined && statuses.length === 0
      ? [{
        database: common.database,
        complete: 0,
        broken: [],
        partial: [],
        olderThanRpo: rpoSeconds !== undefined,
        olderThanDrillAge: drillAgeSeconds !== undefined,
      }]
      : statuses;
    const late = judged.filter((status) => status.olderThanRpo);
    const undrilled = judged.filter((status) => status.olderThanDrillAge);
    const failures = [
      ...(late.length === 0 ? [] : [`${late.map((status) => (status.newest ? `${status.database} (newest complete backup ${formatDuration(status.newest.ageSeconds)} old)` : `${status.database} (no complete backup)`)).join(', ')} `
        + `${late.length === 1 ? 'is' : 'are'} older than the RPO of ${formatDuration(rpoSeconds!)}`]),
      ...(undrilled.length === 0 ? [] : [`${undrilled.map((status) => (status.lastGoodDrill ? `${status.database} (newest successful drill ${formatDuration(status.lastGoodDrill.ageSeconds)} old)` : `${status.database} (no successful drill)`)).join(', ')} `
        + `${undrilled.length === 1 ? 'has' : 'have'} no successful drill within ${formatDuration(drillAgeSeconds!)}`]),
    ];
    return {
      database: common.database ?? '',
      // The run could read the location (a late backup is the result's finding, not a failed run); one that could not
      // writes StatusFailed, so a watch that has gone blind pages as well.
      metrics: [{ name: 'StatusSucceeded', value: 1, unit: 'Count' }, { name: 'StatusFailed', value: 0, unit: 'Count' }],
      result: {
        location: formatBackupLocation(location),
        ...(rpoSeconds === undefined ? {} : { rpoSeconds }),
        ...(drillAgeSeconds === undefined ? {} : { drillAgeSeconds }),
        databases: statuses,
        ...(rpoSeconds === undefined ? {} : { olderThanRpo: late.map((status) => status.database) }),
        ...(drillAgeSeconds === undefined ? {} : { olderThanDrillAge: undrilled.map((status) => status.database) }),
      },
      table: output === 'table' ? statusTable(statuses, catalog, limits, drills) : undefined,
      failure: failures.length === 0 ? undefined : failures.join('; '),
    };
  } finally {
    store.close();
  }
}
