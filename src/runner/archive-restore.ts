import type { Logger } from 'pino';
import { databaseLevelListEntries, pgRestoreArgv } from '../core';
import { ArchiveFollower } from './archive-follower';
import { parseArchiveToc, type ArchiveToc } from './archive-toc';
import { ArrivingArchiveRestore } from './arriving-archive-restore';
import { customArchivePath, type DownloadedArchive } from './backup-download';
import type { BackupManifest } from './backup-manifest';
import { runTool, ToolProcess } from './child-process';
import type { ArchiveTocItem } from './custom-archive-format';
import type { DatabaseConnection } from './database-connection';
import { whenAborted } from './operation-abort';
import { restoreEstimate } from './progress-estimates';
import { ProgressReporter } from './progress-reporter';
import { RunnerError, errorMessage } from './runner-error';

/** What restoring a backup's archive into a database needs (verify's scratch database, or restore's target). */
export interface ArchiveRestoreStep {
  /** The pg_restore program. */
  readonly pgRestore: string;
  /** The database to restore into (with `create`, the one pg_restore connects to first). */
  readonly connection: DatabaseConnection;
  /** `pg_restore -j`, and pg_restore runs at a time while the archive arrives. */
  readonly jobs: number;
  /** `--no-owner`. */
  readonly noOwner: boolean;
  /** `--no-acl`. */
  readonly noAcl: boolean;
  /**
   * `--table`: only these tables.
   * @default - every table
   */
  readonly tables?: readonly string[];
  /**
   * `--clean --if-exists`.
   * @default false
   */
  readonly clean?: boolean;
  /**
   * `--create`.
   * @default false
   */
  readonly create?: boolean;
  /** The scratch directory the archive is downloaded into. */
  readonly scratch: string;
  /** The log. */
  readonly logger: Logger;
  /** Stops the restore. */
  readonly signal: AbortSignal;
  /** Milliseconds between progress lines; 0 for none. */
  readonly progressIntervalMs: number;
  /**
   * Told each table once its data is loaded, while other tables may still load.
   * @default - nobody is told
   */
  readonly onTableLoaded?: (schema: string, table: string) => void;
  /**
   * psql, and who is told the rows the server's `COPY` inserted into each table it loads while the archive arrives
   * (before {@link onTableLoaded} is told the same table); tables loaded otherwise are only told to `onTableLoaded`.
   * @default - pg_restore loads every table and nobody is told rows
   */
  readonly copyCounts?: {
    readonly psql: string;
    readonly onTableCopied: (schema: string, table: string, rows: number) => void;
    /**
     * The blocks pg_restore writes the tables' scripts in and psql reads them in (`stdbuf`, which must be there).
     * @default - stdio's own buffering
     */
    readonly blockBytes?: number;
  };
  /**
   * Run once the archive's table of contents is in the file and listed, before anything is restored into the database,
   * with the archive's database-level entries (as `pg_restore --list --create` lists them): a check that rejects stops
   * the restore before any data is loaded, with its own error.
   * @default - nothing runs first, and the archive is listed without its database-level entries
   */
  readonly beforeRestore?: (archive: ListedArchive) => Promise<void>;
  /**
   * Run once the archive's pre-data entries are restored (its tables exist, empty) and before their data is loaded,
   * when the archive is restored while it arrives.
   * @default - nothing
   */
  readonly afterPreData?: () => Promise<void>;
}

/** An archive whose table of contents is in the file, as {@link ArchiveRestoreStep.beforeRestore} is given it. */
export interface ListedArchive {
  /** The archive's path. */
  readonly archivePath: string;
  /** Its database-level entries, as `pg_restore --list --create` lists them (none unless asked for). */
  readonly databaseLevelEntries: readonly string[];
}

/** What a restore of a backup's archive did. */
export interface ArchiveRestoreResult {
  /** The archive's table of contents as `pg_restore --list` printed it. */
  readonly toc: ArchiveToc;
  /** Seconds from the first pg_restore's start to the last one's end. */
  readonly restoreSeconds: number;
  /** Tables whose data pg_restore loaded. */
  readonly tablesRestored: number;
}

/** pg_restore failed (the download, checked on its own, did not): its caller says into what and why. */
export class PgRestoreFailure extends Error {
  constructor(public readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

/**
 * Restores a backup's archive while it downloads where it can: a custom-format archive of a version the runner reads
 * (pg_dump 10–15), restored whole (no `--table`, `--clean` or `--create`, which pg_restore applies to the archive as a
 * whole), is followed as it arrives (see {@link restoreWhileDownloading}); anything else is restored by one
 * `pg_restore --jobs` once downloaded. pg_restore's failures reject as {@link PgRestoreFailure}.
 */
export async function restoreArchive(
  step: ArchiveRestoreStep, downloading: Promise<DownloadedArchive>, manifest: BackupManifest,
): Promise<ArchiveRestoreResult> {
  const whole = (step.tables?.length ?? 0) === 0 && !step.clean && !step.create;
  return manifest.format === 'custom' && whole
    ? restoreWhileDownloading(step, downloading, manifest)
    : restoreDownloaded(step, await downloading, manifest);
}

/**
 * Lists an archive with pg_restore and checks it against the manifest: entries at all, and data of every counted table.
 * With {@link ArchiveRestoreStep.beforeRestore}, the one listing is `--list --create`, whose database-level entries are
 * handed over apart from the table of contents.
 */
async function listArchive(
  step: ArchiveRestoreStep, archivePath: string, manifest: BackupManifest,
): Promise<{ toc: ArchiveToc; databaseLevelEntries: string[] }> {
  const create = step.beforeRestore !== undefined;
  const listing = await runTool(step.pgRestore, pgRestoreArgv({ archive: archivePath, list: true, create }), { signal: step.signal });
  const databaseLevelEntries = create ? databaseLevelListEntries(listing) : [];
  const databaseLevel = new Set(databaseLevelEntries);
  const toc = parseArchiveToc(create ? listing.split('\n').filter((line) => !databaseLevel.has(line)).join('\n') : listing);
  if (toc.entries.length === 0) throw new RunnerError(`pg_restore --list found no entries in backup ${manifest.backupId}`);
  if (manifest.rowCounts.mode !== 'off' && toc.tableDataOids.length !== manifest.rowCounts.tables.length) {
    throw new RunnerError(`the archive holds data of ${toc.tableDataOids.length} tables but the manifest counts ${manifest.rowCounts.tables.length}`);
  }
  return { toc, databaseLevelEntries };
}

/** Restores a whole downloaded archive with one `pg_restore --jobs` (a directory-format backup, or a layout the runner cannot follow). */
async function restoreDownloaded(step: ArchiveRestoreStep, archive: DownloadedArchive, manifest: BackupManifest): Promise<ArchiveRestoreResult> {
  const { toc, databaseLevelEntries } = await listArchive(step, archive.archivePath, manifest);
  await step.beforeRestore?.({ archivePath: archive.archivePath, databaseLevelEntries });
  let tablesRestored = 0;
  const progress = new ProgressReporter(step.logger, 'restore', step.progressIntervalMs, () => ({ bytes: archive.bytes, tablesDone: tablesRestored }), {
    estimate: restoreEstimate(toc, step.tables),
  }).start();
  const started = Date.now();
  try {
    const restore = new ToolProcess(step.pgRestore, pgRestoreArgv({
      archive: archive.archivePath,
      dbname: step.connection.dbname,
      jobs: step.jobs,
      tables: [...step.tables ?? []],
      clean: step.clean,
      create: step.create,
      noOwner: step.noOwner,
      noAcl: step.noAcl,
      exitOnError: true,
      verbose: true,
    }), {
      env: step.connection.childEnv(),
      signal: step.signal,
      onStderrLine: (line) => {
        step.logger.debug({ tool: 'pg_restore', line }, line);
        if (/processing data for table/.test(line)) tablesRestored += 1;
      },
    });
    await restore.exited;
  } catch (error) {
    throw new PgRestoreFailure(error);
  } finally {
    progress.stop();
  }
  return { toc, restoreSeconds: (Date.now() - started) / 1000, tablesRestored };
}

/**
 * Restores a custom-format archive while it downloads: the runner follows the file the download writes, restores the
 * pre-data entries once the table of contents is there, each table's data once its block is, and each index,
 * constraint and the like once what it depends on is restored (see {@link ArrivingArchiveRestore}). An archive the
 * runner cannot follow (a newer archive version: pg_dump 16 and later) is restored whole once downloaded.
 */
async function restoreWhileDownloading(
  step: ArchiveRestoreStep, downloading: Promise<DownloadedArchive>, manifest: BackupManifest,
): Promise<ArchiveRestoreResult> {
  const archivePath = customArchivePath(step.scratch);
  const early: Array<[number, number]> = [];
  let onBlock = (dumpId: number, bytes: number) => {
    early.push([dumpId, bytes]);
  };
  const follower = new ArchiveFollower(archivePath, (dumpId, bytes) => onBlock(dumpId, bytes));
  downloading.then(() => follower.finish(), () => follower.stop());
  const followed = await follower.toc;
  if (followed === undefined) {
    follower.stop();
    step.logger.info('the archive is not a layout the runner follows while it downloads (pg_dump 16 and later); restoring it once downloaded');
    return restoreDownloaded(step, await downloading, manifest);
  }
  const stop = new AbortController();
  const stopWatching = whenAborted(step.signal, () => stop.abort());
  // The table of contents is whole in the file now, which is all pg_restore --list reads: it is listed (and checked
  // against the manifest) while the pre-data is restored, and a failed check stops the restore.
  let listFailure: { error: unknown } | undefined;
  const listed = listArchive({ ...step, signal: stop.signal }, archivePath, manifest);
  const listing = listed.then(({ toc }) => toc);
  listing.catch((error: unknown) => {
    listFailure ??= { error };
    stop.abort();
  });
  if (step.beforeRestore) {
    // What must hold before anything is restored is checked first: the pre-data waits for the listing and the check.
    try {
      await step.beforeRestore({ archivePath, databaseLevelEntries: (await listed).databaseLevelEntries });
    } catch (error) {
      stopWatching();
      stop.abort();
      follower.stop();
      throw error;
    }
  }
  const restore = new ArrivingArchiveRestore({
    pgRestore: step.pgRestore,
    archivePath,
    toc: followed,
    connection: step.connection,
    jobs: step.jobs,
    noOwner: step.noOwner,
    noAcl: step.noAcl,
    listDirectory: step.scratch,
    logger: step.logger,
    signal: stop.signal,
    ...(step.afterPreData ? { afterPreData: step.afterPreData } : {}),
    onRestored: (entries) => {
      for (const entry of entries) if (entry.desc === 'TABLE DATA') step.onTableLoaded?.(entry.namespace, entry.tag);
    },
    ...(step.copyCounts ? {
      psql: step.copyCounts.psql,
      onCopied: (entry: ArchiveTocItem, rows: number) => step.copyCounts!.onTableCopied(entry.namespace, entry.tag, rows),
      ...(step.copyCounts.blockBytes ? { scriptBlockBytes: step.copyCounts.blockBytes } : {}),
    } : {}),
  });
  onBlock = (dumpId, bytes) => restore.blockArrived(dumpId, bytes);
  for (const [dumpId, bytes] of early) restore.blockArrived(dumpId, bytes);
  let followFailure: { error: unknown } | undefined;
  follower.ended.then(() => restore.archiveEnded(), (error: unknown) => {
    // The download stopped or the archive ends inside an item: what is restored so far cannot become the whole.
    followFailure = { error };
    restore.archiveEnded();
    stop.abort();
  });
  const bytes = manifest.objects.filter((object) => object.role === 'dump').reduce((sum, object) => sum + object.bytes, 0);
  let progress: ProgressReporter | undefined;
  listing.then((toc) => {
    progress = stop.signal.aborted ? undefined : new ProgressReporter(step.logger, 'restore', step.progressIntervalMs, () => ({
      bytes, tablesDone: restore.tablesStarted,
    }), { estimate: restoreEstimate(toc) }).start();
  }, () => undefined);
  const started = Date.now();
  let toc: ArchiveToc;
  try {
    [, toc] = await Promise.all([restore.run(), listing]);
  } catch (error) {
    if (listFailure) throw listFailure.error;
    if (followFailure) throw followFailure.error;
    throw new PgRestoreFailure(error);
  } finally {
    progress?.stop();
    stopWatching();
    follower.stop();
  }
  await follower.ended;
  return { toc, restoreSeconds: (Date.now() - started) / 1000, tablesRestored: restore.tablesStarted };
}
