import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { requireIdentityFor, type AgeIdentities } from './age-encryption';
import { PgRestoreFailure, restoreArchive } from './archive-restore';
import { findBackup, type BackupSelection } from './backup-catalog';
import { downloadArchive, downloadBackupObject, requireDecompressionPrograms } from './backup-download';
import { BackupLayout } from './backup-layout';
import type { BackupLocation } from './backup-location';
import type { BackupManifest, ManifestObject } from './backup-manifest';
import { applyGlobalsScript, requireGlobalsObject, restoreFailure, type GlobalsOutcome } from './backup-roles';
import type { BackupStore } from './backup-store';
import type { DigestingStream } from './content-digest';
import { connectDatabase, quoteIdentifier } from './database-client';
import type { DatabaseConnection } from './database-connection';
import { applyDatabaseLevelStatements, checkDatabaseLevelStatements, readDatabaseLevelStatements } from './database-level-restore';
import { RUNNER_METRICS, type MetricValue } from './embedded-metrics';
import { latestProblemOf } from './latest-pointer';
import { whenAborted } from './operation-abort';
import { findPostgresTool, parseToolMajorVersion } from './postgres-tools';
import { requireClientNotOlder } from './preflight';
import { downloadEstimate } from './progress-estimates';
import { ProgressReporter } from './progress-reporter';
import { errorMessage } from './runner-error';

/** Everything `pg-backup restore` needs. */
export interface RestoreOptions {
  /** Where the backups are. */
  readonly location: BackupLocation;
  /** The store of that location. */
  readonly store: BackupStore;
  /** Which backup. */
  readonly selection: BackupSelection;
  /** The database to restore into (with `create`, the database to connect to while creating the archive's own). */
  readonly target: DatabaseConnection;
  /** `pg_restore -j`. */
  readonly jobs: number;
  /** Only these tables. */
  readonly tables: readonly string[];
  /** `--clean --if-exists`. */
  readonly clean: boolean;
  /** `--create`. */
  readonly create: boolean;
  /** `--no-owner`. */
  readonly noOwner: boolean;
  /** `--no-acl`. */
  readonly noAcl: boolean;
  /** `--globals`: apply the backup's `globals.sql` to the target server first. */
  readonly globals: boolean;
  /** Local scratch space for the downloaded archive. */
  readonly scratchDirectory: string;
  /** Milliseconds between progress lines; 0 for none. */
  readonly progressIntervalMs: number;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the restore. */
  readonly signal: AbortSignal;
  /**
   * The age identities that decrypt an encrypted backup (from PG_BACKUP_AGE_IDENTITY_FILE or PG_BACKUP_AGE_IDENTITY).
   * @default - none: an encrypted backup fails before any work
   */
  readonly identities?: AgeIdentities;
}

/** What a restore did. */
export interface RestoreOutcome {
  /** The backup restored. */
  readonly manifest: BackupManifest;
  /** Bytes downloaded and checked. */
  readonly downloadedBytes: number;
  /** Seconds pg_restore took. */
  readonly restoreSeconds: number;
  /** Tables whose data was restored. */
  readonly tablesRestored: number;
  /** Whether the target database did not exist and was created (empty) for the restore. */
  readonly databaseCreated: boolean;
  /**
   * What applying the backup's `globals.sql` did.
   * @default - not applied (no `--globals`)
   */
  readonly globals?: GlobalsOutcome;
  /**
   * Statements that gave a database the restore created the dumped database's owner, settings, comment and
   * privileges (what `pg_restore --create` applies), renamed to the target.
   * @default - none: the target database was there before, or `--create` restored the archive's own
   */
  readonly databaseSettingsApplied?: number;
  /** Wall time of the whole restore. */
  readonly durationSeconds: number;
}

/** Restores a backup (checked against its manifest first) into a database with pg_restore. */
export async function runRestore(options: RestoreOptions): Promise<RestoreOutcome> {
  const { store, logger, target } = options;
  const started = Date.now();
  const layout = new BackupLayout(options.location);
  const { manifest } = await findBackup(store, layout, options.selection);
  // Before any work: an encrypted backup needs the identity of one of its recipients.
  const identities = requireIdentityFor(manifest, options.identities, 'restore');
  if (options.selection.backupId === undefined) {
    // --latest takes the newest complete manifest; a pointer that names something else is still the operator's to know.
    const latestProblem = await latestProblemOf(store, layout, manifest.database);
    if (latestProblem !== undefined) logger.warn({ database: manifest.database, backupId: manifest.backupId }, latestProblem);
  }
  // Before any work: a backup without globals.sql cannot give what --globals asks for.
  const globalsObject = options.globals ? requireGlobalsObject(manifest, 'restore') : undefined;
  const pgRestore = await findPostgresTool('pg_restore');
  const dumpMajor = parseToolMajorVersion(manifest.tools.pgDump);
  if (dumpMajor !== undefined) requireClientNotOlder('pg_restore', pgRestore.majorVersion, dumpMajor, `pg_dump ${dumpMajor}, which wrote backup ${manifest.backupId}`);
  requireDecompressionPrograms(manifest);
  logger.info({ backupId: manifest.backupId, database: manifest.database, target: target.describe() }, 'restoring backup');
  // A signal that came while the backup was looked up stops the restore before it creates anything.
  options.signal.throwIfAborted();
  // The target is reached (and, when missing, created) before the download, which can take an hour.
  const databaseCreated = options.create ? false : await ensureTargetDatabase(target, logger);
  try {
    return await restoreInto(options, manifest, identities, globalsObject, pgRestore.path, databaseCreated, started);
  } catch (error) {
    // A database the restore created holds at most part of the backup: it goes, so that no later look (or second
    // restore into it) takes it for the backup. A database that was there before is the operator's and stays.
    if (databaseCreated) await dropCreatedDatabase(target, logger);
    throw error;
  }
}

/**
 * Downloads the backup into a scratch directory and restores it into the (reachable) target database while it
 * downloads, as verify does (see {@link restoreArchive}); the roles of `--globals` are applied meanwhile, before
 * pg_restore starts.
 */
async function restoreInto(
  options: RestoreOptions, manifest: BackupManifest, identities: AgeIdentities | undefined, globalsObject: ManifestObject | undefined,
  pgRestorePath: string, databaseCreated: boolean, started: number,
): Promise<RestoreOutcome> {
  const { store, logger, target } = options;
  const layout = new BackupLayout(options.location);
  const scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-restore-'));
  try {
    const digests: DigestingStream[] = [];
    const download = new ProgressReporter(logger, 'download', options.progressIntervalMs, () => ({
      bytes: digests.reduce((sum, digest) => sum + digest.bytes, 0),
    }), { estimate: downloadEstimate(manifest) }).start();
    // A restore that fails its checks before loading stops the download too: nothing waits for the rest of an archive
    // that will not be restored.
    const stopDownload = new AbortController();
    const stopWatching = whenAborted(options.signal, () => stopDownload.abort());
    const downloading = downloadArchive(store, layout, manifest, scratch, stopDownload.signal, (digest) => digests.push(digest), identities)
      .finally(() => download.stop());
    downloading.catch(() => undefined);
    let globals: GlobalsOutcome | undefined;
    const failure = (error: unknown) => restoreFailure(`restoring backup ${manifest.backupId} into ${target.describe()}`, error, {
      backupHasGlobals: manifest.objects.some((object) => object.role === 'globals'), globals, noOwner: options.noOwner, noAcl: options.noAcl,
    });
    /** The database-level statements for a database the restore created, checked on it before any data was loaded. */
    let databaseLevel: string[] = [];
    let failedBeforeLoading: { error: unknown } | undefined;
    const restoring = (async () => {
      // The roles come first, so pg_restore can give each object its owner and privileges.
      if (globalsObject) globals = await applyBackupGlobals(store, layout, manifest, globalsObject, target, scratch, { ...options, identities });
      return restoreArchive({
        pgRestore: pgRestorePath,
        connection: target,
        jobs: options.jobs,
        tables: options.tables,
        clean: options.clean,
        create: options.create,
        noOwner: options.noOwner,
        noAcl: options.noAcl,
        scratch,
        logger,
        signal: options.signal,
        progressIntervalMs: options.progressIntervalMs,
        // The dumped database's owner, settings and privileges are applied once the data is in (its new owner could not
        // be the one loading it), but whether the server takes them is known from the table of contents: a role it
        // lacks fails the restore before the first table, not after the last.
        ...(databaseCreated ? {
          beforeRestore: async ({ archivePath, databaseLevelEntries }: { archivePath: string; databaseLevelEntries: readonly string[] }) => {
            try {
              const statements = await readDatabaseLevelStatements({
                pgRestore: pgRestorePath,
                archivePath,
                entries: databaseLevelEntries,
                scratch,
                dumpedDatabase: manifest.database,
                targetDatabase: target.database,
                noOwner: options.noOwner,
                noAcl: options.noAcl,
                signal: options.signal,
              });
              databaseLevel = await checkDatabaseLevelStatements(target, statements, options.noOwner, logger);
            } catch (error) {
              failedBeforeLoading = { error: failure(error) };
              stopDownload.abort();
              throw failedBeforeLoading.error;
            }
          },
        } : {}),
      }, downloading, manifest);
    })();
    // The download's own verdict (a truncated or changed object) explains a failed restore of what it delivered.
    const [downloaded, restoredResult] = await Promise.allSettled([downloading, restoring]);
    stopWatching();
    if (failedBeforeLoading) throw failedBeforeLoading.error;
    if (downloaded.status === 'rejected') throw downloaded.reason;
    if (restoredResult.status === 'rejected') {
      throw restoredResult.reason instanceof PgRestoreFailure ? failure(restoredResult.reason.cause) : restoredResult.reason;
    }
    const { restoreSeconds, tablesRestored } = restoredResult.value;
    let databaseSettingsApplied: number | undefined;
    if (databaseCreated) {
      try {
        databaseSettingsApplied = await applyDatabaseLevelStatements(target, databaseLevel);
      } catch (error) {
        throw failure(error);
      }
    }
    const durationSeconds = (Date.now() - started) / 1000;
    return {
      manifest,
      downloadedBytes: downloaded.value.bytes,
      restoreSeconds,
      tablesRestored,
      databaseCreated,
      ...(globals ? { globals } : {}),
      ...(databaseSettingsApplied !== undefined ? { databaseSettingsApplied } : {}),
      durationSeconds,
    };
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}

/** Downloads the backup's `globals.sql` (checked against the manifest) and applies it to the target's server. */
async function applyBackupGlobals(
  store: BackupStore, layout: BackupLayout, manifest: BackupManifest, object: ManifestObject, target: DatabaseConnection, scratch: string,
  options: Pick<RestoreOptions, 'logger' | 'signal' | 'identities'>,
): Promise<GlobalsOutcome> {
  const file = path.join(scratch, object.name);
  await downloadBackupObject(store, layout, manifest, object, file, options.signal, options.identities);
  const client = await connectDatabase(target, 'the restore target, to apply globals.sql');
  try {
    return await applyGlobalsScript(client, await fs.promises.readFile(file, 'utf8'), options.logger);
  } finally {
    await client.end().catch(() => undefined);
    await fs.promises.rm(file, { force: true });
  }
}

/** SQLSTATE `invalid_catalog_name`: the database named in the connection does not exist. */
const NO_SUCH_DATABASE = '3D000';

/**
 * Connects to the target database, creating it (empty, owned by the connecting role) when the server says it does
 * not exist; returns whether it was created.
 */
async function ensureTargetDatabase(target: DatabaseConnection, logger: Logger): Promise<boolean> {
  try {
    await (await connectDatabase(target, 'the restore target')).end();
    return false;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== NO_SUCH_DATABASE) throw error;
  }
  const admin = await connectDatabase(target.withDatabase('postgres'), 'the restore target\'s server, to create the database');
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(target.database)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  logger.info({ database: target.database, target: target.describe() }, 'the target database did not exist; created it');
  return true;
}

/** Drops the target database the failed restore created, saying so; a database it cannot drop is named for the operator. */
async function dropCreatedDatabase(target: DatabaseConnection, logger: Logger): Promise<void> {
  try {
    const admin = await connectDatabase(target.withDatabase('postgres'), 'the restore target\'s server, to drop the database the failed restore created');
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)} WITH (FORCE)`);
    } finally {
      await admin.end().catch(() => undefined);
    }
    logger.warn({ database: target.database, target: target.describe() }, 'the restore failed: dropped the database it had created for it');
  } catch (error) {
    logger.error({ database: target.database, error: errorMessage(error) },
      'the restore failed and the database it had created could not be dropped: it holds part of the backup at most; drop it by hand');
  }
}

/** The metrics of a successful restore. */
export function restoreMetrics(outcome: RestoreOutcome): MetricValue[] {
  return [
    { name: RUNNER_METRICS.restoreSucceeded, value: 1, unit: 'Count' },
    { name: RUNNER_METRICS.restoreFailed, value: 0, unit: 'Count' },
    { name: RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
  ];
}
