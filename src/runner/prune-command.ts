import {
  DEFAULT_ABANDONED_BACKUP_GRACE_HOURS, DEFAULT_BACKUP_RETENTION, MAX_BACKUP_RETENTION_COUNTS, selectRetainedBackups,
  type ResolvedBackupRetentionPolicy, type RetainedBackup,
} from '../core';
import { readCatalog, type BackupCatalog } from './backup-catalog';
import { BACKUP_DATABASE_FLAG, FROM_FLAG } from './backup-commands';
import { BackupLayout } from './backup-layout';
import { formatBackupLocation, parseBackupLocation } from './backup-location';
import { parseLatestPointer } from './backup-manifest';
import { DeleteRefusedError, type BackupStore } from './backup-store';
import type { CommandContext, CommandReport, FlagDefinition, FlagReader } from './cli-options';
import { OUTPUT_FLAG, formatDuration, formatTable, readOutputMode } from './cli-output';
import type { MetricValue } from './embedded-metrics';
import { latestPointerProblem } from './latest-pointer';
import { openBackupStore } from './open-backup-store';
import { StoppedPartwayError, errorMessage } from './runner-error';

const COUNT_FLAGS = [
  { name: 'daily', what: 'UTC days' },
  { name: 'weekly', what: 'ISO weeks' },
  { name: 'monthly', what: 'UTC months' },
  { name: 'yearly', what: 'UTC years' },
] as const;

/** The flags of `pg-backup prune`. */
export const PRUNE_COMMAND_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { ...BACKUP_DATABASE_FLAG, description: 'prune only the backups of this database', default: 'every database under the location' },
  { name: 'rpo', value: 'DUR', description: 'delete nothing (and exit 1) unless a backup finished within this time, 1s to 365 days (required)', example: '--rpo 26h' },
  ...COUNT_FLAGS.map(({ name, what }): FlagDefinition => ({
    name,
    value: 'N',
    description: `keep the first backup of each of the newest N ${what} that have one, 0 to ${MAX_BACKUP_RETENTION_COUNTS[name]}`,
    default: String(DEFAULT_BACKUP_RETENTION[name]),
    example: `--${name} ${DEFAULT_BACKUP_RETENTION[name] + 1}`,
  })),
  {
    name: 'minimum-kept',
    value: 'N',
    description: `always keep the newest N complete backups, 1 to ${MAX_BACKUP_RETENTION_COUNTS.minimumKept}`,
    default: String(DEFAULT_BACKUP_RETENTION.minimumKept),
    example: '--minimum-kept 5',
  },
  {
    name: 'grace',
    value: 'DUR',
    description: 'remove a backup folder without a manifest (a failed dump) only when its dump started longer ago, 1h to 365 days',
    default: `${DEFAULT_ABANDONED_BACKUP_GRACE_HOURS}h`,
    example: '--grace 3d',
  },
  {
    name: 'replica',
    value: 'URI',
    repeatable: true,
    description: 'also prune this offsite copy of --from (S3 or object replication) with the same retention, floor and RPO, by its own '
      + 'manifests and latest; a folder it holds without a manifest is left while --from has that backup complete (still replicating)',
    default: 'no replica',
    example: '--replica s3://backups-offsite/nightly',
  },
  { name: 'dry-run', description: 'decide and report, delete nothing', example: '--dry-run' },
  OUTPUT_FLAG,
];

/** The counts of a retention, as a result reports them. */
function countsOf({ pruneSchedule: _schedule, ...counts }: ResolvedBackupRetentionPolicy): Omit<ResolvedBackupRetentionPolicy, 'pruneSchedule'> {
  return counts;
}

/** A backup a prune meant to delete and could not, with the store's reason. */
export interface NotDeletedBackup {
  /** The backup id. */
  readonly backupId: string;
  /** Why it stays (an Object Lock, an immutability policy, a read-only file). */
  readonly reason: string;
}

/** What a prune did to the backups of one database. */
export interface DatabasePruneResult {
  /** The database. */
  readonly database: string;
  /** Why nothing was deleted (no backup within the RPO), if so. */
  readonly halted?: string;
  /**
   * What is wrong with the database's `latest` pointer (it names a backup without a complete manifest): reported,
   * and never a reason to delete anything; the backups are kept and deleted by their manifests alone.
   */
  readonly latestProblem?: string;
  /** The backups kept, with their classes and why. */
  readonly kept: readonly RetainedBackup[];
  /** The complete backups the retention lets go. */
  readonly delete: readonly string[];
  /** Those deleted (none on a dry run). */
  readonly deleted: readonly string[];
  /** Abandoned folders (no manifest: a dump that failed or was interrupted) older than the grace period: removed, or to be on a dry run. */
  readonly abandoned: readonly string[];
  /** Abandoned folders left for now (within the grace period, or named by latest). */
  readonly abandonedKept: readonly string[];
  /**
   * Backups whose manifest exists but cannot be read (damaged, or written by a newer runner): never deleted by prune,
   * whatever their age, since their data may still restore by hand; a person decides.
   */
  readonly unreadableKept: readonly NotDeletedBackup[];
  /** Backups or folders the store would not delete. */
  readonly notDeleted: readonly NotDeletedBackup[];
  /** Objects whose data the store keeps behind a delete marker (versioning, Object Lock) until its lifecycle or lock allows. */
  readonly objectsRetainedByStore: number;
  /**
   * Backups and abandoned folders it meant to delete and did not begin, because the run was interrupted.
   * @default - none
   */
  readonly notBegun?: readonly string[];
}

/** What one backup folder's deletion did. */
interface FolderDeletion {
  readonly refused?: string;
  readonly retained: number;
}

/**
 * Deletes every object of a backup folder, its manifest first: from that moment the backup is never listed, verified
 * or restored, and if the deletion stops half-way what is left is a folder without a manifest that the next prune
 * removes. A manifest the store refuses to delete stops it before any other object is touched, so a protected backup
 * stays whole.
 */
async function deleteBackupFolder(store: BackupStore, layout: BackupLayout, database: string, backupId: string): Promise<FolderDeletion> {
  const folder = `${layout.backupFolder(database, backupId)}/`;
  const keys: string[] = [];
  for await (const key of store.list(folder)) keys.push(key);
  const manifestKey = layout.manifestKey(database, backupId);
  const ordered = [...keys.filter((key) => key === manifestKey), ...keys.filter((key) => key !== manifestKey).sort()];
  let retained = 0;
  const refused: string[] = [];
  for (const key of ordered) {
    try {
      if ((await store.delete(key)).dataRetained) retained += 1;
    } catch (error) {
      if (!(error instanceof DeleteRefusedError)) throw error;
      refused.push(error.message);
      if (key === manifestKey) break;
    }
  }
  return { refused: refused.length > 0 ? refused.join('; ') : undefined, retained };
}

/** The id a `latest` pointer names, or `undefined` (none, or unreadable: the newest backups are kept by the floor then). */
async function latestBackupIdOf(store: BackupStore, layout: BackupLayout, database: string): Promise<string | undefined> {
  const data = await store.getBytes(layout.latestKey(database));
  if (data === undefined) return undefined;
  try {
    return parseLatestPointer(data, layout.latestKey(database)).backupId;
  } catch {
    return undefined;
  }
}

/** The start time of a dump from its backup id (`20261124T020000Z-…`). */
function startOfBackupId(backupId: string): string {
  const stamp = backupId.slice(0, 16);
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
}

/** How every location of one prune run is pruned. */
interface PruneSettings {
  readonly retention: ResolvedBackupRetentionPolicy;
  readonly rpoSeconds: number;
  readonly graceSeconds: number;
  readonly dryRun: boolean;
  /** SIGTERM: no folder is begun after it (the one being deleted is finished, so none is left half-deleted by the run). */
  readonly signal: AbortSignal;
}

/**
 * Prunes one database of a catalog. `stillArriving` names the backups (`database/backupId`) complete at the source of
 * a replica: a folder of the replica without a manifest is then a copy still replicating, not a failed dump,
 * and is left whatever its age (its manifest may arrive after its other objects).
 */
async function pruneDatabase(
  store: BackupStore, layout: BackupLayout, catalog: BackupCatalog, database: string, settings: PruneSettings,
  stillArriving: ReadonlySet<string> = new Set(),
): Promise<DatabasePruneResult> {
  const backups = catalog.backups.filter((backup) => backup.database === database);
  // Only folders without a manifest are abandoned: a manifest is written after every other object, so a folder that has
  // one held a finished backup. If it cannot be read (damaged since, or written by a newer runner), the data may still
  // restore by hand, and prune keeps it and says so.
  const abandoned = catalog.partial
    .filter((entry) => entry.database === database && !stillArriving.has(`${entry.database}/${entry.backupId}`));
  const unreadable = catalog.broken.filter((entry) => entry.database === database);
  const selection = selectRetainedBackups({
    backups: backups.map((backup) => ({
      backupId: backup.backupId, snapshotAt: backup.snapshotAt, finishedAt: backup.manifest.finishedAt, classes: backup.manifest.retentionClasses,
    })),
    latestBackupId: await latestBackupIdOf(store, layout, database),
    abandoned: abandoned.map((entry) => ({ backupId: entry.backupId, startedAt: startOfBackupId(entry.backupId) })),
    retention: settings.retention,
    now: new Date(),
    rpoSeconds: settings.rpoSeconds,
    abandonedGraceSeconds: settings.graceSeconds,
  });
  const deleted: string[] = [];
  const notDeleted: NotDeletedBackup[] = [];
  let retained = 0;
  const notBegun: string[] = [];
  if (!settings.dryRun) {
    for (const backupId of [...selection.delete, ...selection.deleteAbandoned]) {
      if (settings.signal.aborted) {
        notBegun.push(backupId);
        continue;
      }
      const outcome = await deleteBackupFolder(store, layout, database, backupId);
      retained += outcome.retained;
      if (outcome.refused) notDeleted.push({ backupId, reason: outcome.refused });
      else if (selection.delete.includes(backupId)) deleted.push(backupId);
    }
  }
  const latestProblem = await latestPointerProblem(store, layout, database, backups.map((backup) => backup.backupId));
  return {
    database,
    ...(selection.halted ? { halted: selection.halted } : {}),
    ...(latestProblem ? { latestProblem } : {}),
    kept: selection.keep,
    delete: selection.delete,
    deleted,
    abandoned: selection.deleteAbandoned,
    abandonedKept: selection.keepAbandoned,
    unreadableKept: unreadable.map((entry) => ({ backupId: entry.backupId, reason: entry.reason })),
    notDeleted,
    objectsRetainedByStore: retained,
    ...(notBegun.length > 0 ? { notBegun } : {}),
  };
}

/** The table of each location, a replica's under its own heading. */
function pruneTables(places: readonly LocationPruneResult[], dryRun: boolean): string {
  if (places.length === 1) return pruneTable(places[0].databases, dryRun);
  return places.map((place, index) => `${index === 0 ? 'source' : 'replica'} ${place.location}\n${pruneTable(place.databases, dryRun)}`).join('\n');
}

function pruneTable(results: readonly DatabasePruneResult[], dryRun: boolean): string {
  const rows = results.map((result) => [
    result.database, result.kept.length, dryRun ? `${result.delete.length} (dry run)` : result.deleted.length, result.abandoned.length,
    result.notDeleted.length, result.halted ? 'HALTED' : 'ok',
  ]);
  const lines = results.flatMap((result) => [
    ...(result.halted ? [`halted: ${result.database}: ${result.halted}`] : []),
    ...(result.latestProblem ? [`latest: ${result.database}: ${result.latestProblem}`] : []),
    ...result.notDeleted.map((entry) => `not deleted: ${result.database} ${entry.backupId}: ${entry.reason}`),
    ...result.unreadableKept.map((entry) => `kept, manifest unreadable: ${result.database} ${entry.backupId}: ${entry.reason}`),
  ]);
  const table = formatTable(['DATABASE', 'KEPT', 'DELETED', 'ABANDONED REMOVED', 'NOT DELETED', 'PRUNE'], rows);
  return lines.length === 0 ? table : `${table}\n${lines.join('\n')}\n`;
}

/**
 * A prune stopped by a signal: what it deleted (each backup manifest first, and whole), and what it meant to delete and
 * left for the next prune, instead of the bare signal, which reads as if nothing or everything had been done.
 */
function interruptedPrune(reason: unknown, places: readonly LocationPruneResult[]): StoppedPartwayError {
  const listed = (pick: (result: DatabasePruneResult) => readonly string[]) => places.flatMap((place) => place.databases.flatMap((result) =>
    pick(result).map((backupId) => `${result.database}/${backupId}${places.length > 1 ? ` at ${place.location}` : ''}`)));
  const deleted = listed((result) => [...result.deleted, ...result.abandoned.filter((backupId) => !(result.notBegun ?? []).includes(backupId))]);
  const left = listed((result) => result.notBegun ?? []);
  const named = (ids: readonly string[]) => (ids.length === 0 ? '' : `: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`);
  return new StoppedPartwayError(`${errorMessage(reason)} during prune: it deleted ${deleted.length} backup folder(s) whole${named(deleted)}, and left `
    + `${left.length} it meant to delete untouched${named(left)}; the next prune deletes them`, reason);
}

/** What a prune did at one location: the source, or one of its replicas. */
export interface LocationPruneResult {
  /** The location, as a URI. */
  readonly location: string;
  /** Per database. */
  readonly databases: readonly DatabasePruneResult[];
}

/** Prunes every database under one location (only `database`, if given) and closes its store. */
async function pruneLocation(
  uri: string, flag: string, database: string | undefined, settings: PruneSettings, context: CommandContext,
  stillArriving?: ReadonlySet<string>,
): Promise<{ result: LocationPruneResult; complete: Set<string> }> {
  const location = parseBackupLocation(uri, flag);
  const store = await openBackupStore(location, { s3Endpoint: context.common.s3Endpoint, tuning: context.common.tuning }, context.env);
  try {
    const layout = new BackupLayout(location);
    const catalog = await readCatalog(store, layout, database);
    const databases = [...new Set([...catalog.backups, ...catalog.broken, ...catalog.partial].map((entry) => entry.database))].sort();
    if (database !== undefined && !databases.includes(database)) databases.push(database);
    const results: DatabasePruneResult[] = [];
    for (const name of databases) results.push(await pruneDatabase(store, layout, catalog, name, settings, stillArriving));
    const complete = new Set(catalog.backups.map((backup) => `${backup.database}/${backup.backupId}`));
    return { result: { location: formatBackupLocation(location), databases: results }, complete };
  } finally {
    store.close();
  }
}

/**
 * `pg-backup prune`: per database under the location, keeps the grandfather-father-son set, the newest
 * `--minimum-kept` and the backup `latest` names, and deletes the other complete backups (manifest first) and the
 * folders without a manifest older than `--grace`; a backup whose manifest cannot be read is kept and reported.
 * Deletes nothing for a database none of whose backups
 * finished within `--rpo`, and then exits 1 so the run alarms. A delete the store refuses (Object Lock, immutability)
 * is reported, and the backup stays whole. Each `--replica` (an offsite copy, whose deletes S3 replication never
 * brings) is then pruned the same way by its own catalog: a replica lagging behind keeps what it has by the same
 * rules, its own `latest` is never deleted, a copy still arriving is left alone, and a replica without a backup within
 * the RPO (replication has stopped) deletes nothing and fails the run.
 */
export async function pruneCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common } = context;
  const from = reader.required('from');
  reader.required('rpo');
  const rpoSeconds = reader.seconds('rpo', 1, 365 * 86_400, 0);
  const retention: ResolvedBackupRetentionPolicy = {
    ...DEFAULT_BACKUP_RETENTION,
    daily: reader.integer('daily', 0, MAX_BACKUP_RETENTION_COUNTS.daily, DEFAULT_BACKUP_RETENTION.daily),
    weekly: reader.integer('weekly', 0, MAX_BACKUP_RETENTION_COUNTS.weekly, DEFAULT_BACKUP_RETENTION.weekly),
    monthly: reader.integer('monthly', 0, MAX_BACKUP_RETENTION_COUNTS.monthly, DEFAULT_BACKUP_RETENTION.monthly),
    yearly: reader.integer('yearly', 0, MAX_BACKUP_RETENTION_COUNTS.yearly, DEFAULT_BACKUP_RETENTION.yearly),
    minimumKept: reader.integer('minimum-kept', 1, MAX_BACKUP_RETENTION_COUNTS.minimumKept, DEFAULT_BACKUP_RETENTION.minimumKept),
  };
  const graceSeconds = reader.seconds('grace', 3600, 365 * 86_400, DEFAULT_ABANDONED_BACKUP_GRACE_HOURS * 3600);
  const dryRun = reader.boolean('dry-run');
  const output = readOutputMode(reader, context);
  reader.throwIfInvalid('prune');
  const replicas = reader.list('replica');
  replicas.forEach((uri) => parseBackupLocation(uri, '--replica'));
  const settings: PruneSettings = { retention, rpoSeconds, graceSeconds, dryRun, signal: context.signal };
  const source = await pruneLocation(from, '--from', common.database, settings, context);
  const replicaResults: LocationPruneResult[] = [];
  // A replica is not begun after a signal: what the source left is what the message lists.
  for (const uri of replicas) if (!context.signal.aborted) replicaResults.push((await pruneLocation(uri, '--replica', common.database, settings, context, source.complete)).result);
  const results = source.result.databases;
  const everywhere = [source.result, ...replicaResults];
  if (context.signal.aborted) throw interruptedPrune(context.signal.reason, everywhere);
  const halted = everywhere.flatMap((place, index) => place.databases
    .filter((result) => result.halted !== undefined)
    .map((result) => (index === 0 ? `${result.database}: ${result.halted}` : `${result.database} at the replica ${place.location}: ${result.halted}`)));
  const count = (places: readonly LocationPruneResult[], pick: (result: DatabasePruneResult) => number) =>
    places.reduce((sum, place) => sum + place.databases.reduce((subtotal, result) => subtotal + pick(result), 0), 0);
  const failed = halted.length > 0;
  const metrics: MetricValue[] = [
    { name: 'PruneSucceeded', value: failed ? 0 : 1, unit: 'Count' },
    { name: 'PruneFailed', value: failed ? 1 : 0, unit: 'Count' },
    { name: 'PruneHalted', value: halted.length, unit: 'Count' },
    { name: 'PruneDeletedBackups', value: count([source.result], (result) => result.deleted.length), unit: 'Count' },
    { name: 'PruneKeptBackups', value: count([source.result], (result) => result.kept.length), unit: 'Count' },
    { name: 'PruneNotDeleted', value: count(everywhere, (result) => result.notDeleted.length), unit: 'Count' },
    ...(replicas.length === 0 ? [] : [
      { name: 'PruneReplicaDeletedBackups', value: count(replicaResults, (result) => result.deleted.length), unit: 'Count' as const },
      { name: 'PruneReplicaKeptBackups', value: count(replicaResults, (result) => result.kept.length), unit: 'Count' as const },
    ]),
  ];
  return {
    database: common.database ?? '',
    metrics,
    result: {
      location: source.result.location,
      dryRun,
      rpoSeconds,
      graceSeconds,
      retention: countsOf(retention),
      databases: results,
      deletedBackups: count([source.result], (result) => result.deleted.length),
      halted: results.filter((result) => result.halted !== undefined).map((result) => result.database),
      replicas: replicaResults.map((replica) => ({
        ...replica,
        deletedBackups: count([replica], (result) => result.deleted.length),
        halted: replica.databases.filter((result) => result.halted !== undefined).map((result) => result.database),
      })),
    },
    table: output === 'table' ? pruneTables(everywhere, dryRun) : undefined,
    failure: failed ? `${halted.join('; ')} (RPO ${formatDuration(rpoSeconds)}; nothing was deleted there)` : undefined,
  };
}
