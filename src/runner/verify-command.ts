import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'pg';
import type { Logger } from 'pino';
import { requireIdentityFor, type AgeIdentities } from './age-encryption';
import { PgRestoreFailure, restoreArchive, type ArchiveRestoreResult } from './archive-restore';
import { findBackup, type BackupSelection } from './backup-catalog';
import { downloadArchive, downloadBackupObject, requireDecompressionPrograms } from './backup-download';
import { BackupLayout } from './backup-layout';
import type { BackupLocation } from './backup-location';
import type { BackupManifest } from './backup-manifest';
import { applyGlobalsScript, requireGlobalsObject, restoreFailure, type GlobalsOutcome } from './backup-roles';
import type { BackupStore } from './backup-store';
import { readCheckFiles, runCheckScripts, type CheckOutcome } from './check-files';
import type { DigestingStream } from './content-digest';
import { connectDatabase, quoteIdentifier } from './database-client';
import type { DatabaseConnection } from './database-connection';
import type { DrillRecord } from './drill-record';
import { RUNNER_METRICS, type MetricValue } from './embedded-metrics';
import { latestProblemOf } from './latest-pointer';
import { findPostgresTool, parseToolMajorVersion, type PostgresTool } from './postgres-tools';
import { requireClientNotOlder } from './preflight';
import { downloadEstimate } from './progress-estimates';
import { ProgressReporter } from './progress-reporter';
import { inReadOnlyTransaction } from './read-only-query';
import { locateProgram } from './required-programs';
import { RestoredRowCounts, type RowCountMismatch } from './row-counts';
import { RunnerError, errorMessage } from './runner-error';

/** Everything `pg-backup verify` needs. */
export interface VerifyOptions {
  /** Where the backups are. */
  readonly location: BackupLocation;
  /** The store of that location. */
  readonly store: BackupStore;
  /** Which backup. */
  readonly selection: BackupSelection;
  /** A server to restore into; a fresh scratch database is created on it. */
  readonly target: DatabaseConnection;
  /** `pg_restore -j`. */
  readonly jobs: number;
  /** SQL files whose every statement must return a single `true`. */
  readonly checkFiles: readonly string[];
  /** Run `amcheck`'s `bt_index_check` on every B-tree index of the restored database. */
  readonly amcheck: boolean;
  /** Keep the scratch database afterwards. */
  readonly keep: boolean;
  /**
   * `--globals`: apply the backup's `globals.sql` to the server first and restore with ownership and privileges
   * (without it the restore leaves both out, so a server without the backup's roles can verify it).
   */
  readonly globals: boolean;
  /** Local scratch space for the downloaded archive. */
  readonly scratchDirectory: string;
  /** Milliseconds between progress lines; 0 for none. */
  readonly progressIntervalMs: number;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the verification. */
  readonly signal: AbortSignal;
  /**
   * The age identities that decrypt an encrypted backup (from PG_BACKUP_AGE_IDENTITY_FILE or PG_BACKUP_AGE_IDENTITY).
   * @default - none: an encrypted backup fails before any work
   */
  readonly identities?: AgeIdentities;
  /**
   * Told which backup is verified as soon as it is found, so a failure later on can name it.
   * @default - nobody is told
   */
  readonly onBackupFound?: (manifest: BackupManifest) => void;
}

/** What a verification found. */
export interface VerifyOutcome {
  /** The backup verified. */
  readonly manifest: BackupManifest;
  /** The scratch database (dropped unless `keep`). */
  readonly scratchDatabase: string;
  /** Whether it was kept. */
  readonly kept: boolean;
  /** Bytes downloaded and checked. */
  readonly downloadedBytes: number;
  /** Entries in the archive's table of contents. */
  readonly tocEntries: number;
  /** Seconds pg_restore took: the restore time objective actually reached. */
  readonly restoreSeconds: number;
  /** Whether row counts were compared (only exact counts are). */
  readonly rowCountsCompared: boolean;
  /** Tables compared. */
  readonly tablesCompared: number;
  /** Rows in those tables. */
  readonly rowsCompared: number;
  /** Each check statement and its outcome. */
  readonly checks: CheckOutcome[];
  /** B-tree indexes checked by amcheck (0 when not asked). */
  readonly indexesChecked: number;
  /**
   * What applying the backup's `globals.sql` did.
   * @default - not applied (no `--globals`)
   */
  readonly globals?: GlobalsOutcome;
  /** Wall time of the whole verification. */
  readonly durationSeconds: number;
}

/** The name of the scratch database of a verification: unique per backup and run, within 63 bytes. */
export function scratchDatabaseName(backupId: string): string {
  return `pg_backup_verify_${backupId.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${process.pid}`;
}

function describeMismatches(mismatches: readonly RowCountMismatch[]): string {
  const shown = mismatches.slice(0, 10).map((m) => `${m.schema}.${m.table}: ${m.actual === 'missing' ? 'table missing' : `${m.actual} rows`}, manifest ${m.expected}`);
  return `${shown.join('; ')}${mismatches.length > 10 ? `; and ${mismatches.length - 10} more` : ''}`;
}

/**
 * Runs `bt_index_check` on every B-tree index that has storage: relkind `i` only (a partitioned index, `I`, has
 * none and is checked through its partitions' indexes), valid and ready, and not in another session's temporary schema.
 */
async function runAmcheck(client: Client): Promise<number> {
  await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
  return inReadOnlyTransaction(client, async () => {
    const result = await client.query<{ indexes: string }>(`
      SELECT count(bt_index_check(c.oid))::text AS indexes
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE a.amname = 'btree' AND c.relkind = 'i' AND i.indisvalid AND i.indisready AND i.indislive
         AND NOT pg_is_other_temp_schema(n.oid)
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`);
    return Number(result.rows[0].indexes);
  });
}

/**
 * The blocks pg_restore writes each table's script in and psql reads it in when coreutils' `stdbuf` is there: 1 MiB
 * instead of stdio's 4 KiB on a pipe.
 */
const SCRIPT_BLOCK_BYTES = 1024 * 1024;

/**
 * Turns autovacuum off for every table of the scratch database. The tables exist once the pre-data is restored; turned
 * off then, before any rows are loaded, a table loaded early is not vacuumed and analyzed while the others load, on the
 * server the restore is bound by, for a database that is dropped once verified (a kept one is left as the backup
 * defines it).
 */
async function pauseAutovacuum(client: Client): Promise<void> {
  await client.query(`DO $$
    DECLARE t regclass;
    BEGIN
      FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT pg_is_other_temp_schema(n.oid)
      LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = off, toast.autovacuum_enabled = off)', t);
      END LOOP;
    END $$`);
}

/**
 * Whether psql is the same client release as pg_restore: it runs pg_restore's scripts, which a newer pg_restore frames
 * with psql commands an older psql lacks; without such a psql, the tables are counted.
 */
function sameRelease(psql: PostgresTool, pgRestore: PostgresTool): boolean {
  const release = (tool: PostgresTool) => tool.version.replace(/^\S+\s*/, '');
  return release(psql) === release(pgRestore);
}

/**
 * Proves a backup restores: download with SHA-256 checks, `pg_restore --list`, a parallel restore into a
 * fresh database, row counts compared with the manifest exactly, the check files, optionally amcheck,
 * and the scratch database dropped (also after a failure) unless asked to keep it.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyOutcome> {
  const { store, logger, target } = options;
  const started = Date.now();
  // The check files are read before anything is downloaded or restored: a typo fails in a second, not after an hour.
  const checkScripts = await readCheckFiles(options.checkFiles);
  const layout = new BackupLayout(options.location);
  const { manifest, manifestKey } = await findBackup(store, layout, options.selection);
  options.onBackupFound?.(manifest);
  // Before any work: an encrypted backup needs the identity of one of its recipients.
  const identities = requireIdentityFor(manifest, options.identities, 'verify');
  if (options.selection.backupId === undefined) {
    // --latest takes the newest complete manifest; a pointer that names something else is still the operator's to know.
    const latestProblem = await latestProblemOf(store, layout, manifest.database);
    if (latestProblem !== undefined) logger.warn({ database: manifest.database, backupId: manifest.backupId }, latestProblem);
  }
  logger.info({ backupId: manifest.backupId, database: manifest.database, manifestKey }, 'verifying backup');
  // Before any work: a backup without globals.sql cannot give what --globals asks for.
  const globalsObject = options.globals ? requireGlobalsObject(manifest, 'verify') : undefined;
  // psql of the same client loads the tables whose COPY results stand for their row counts; without it they are counted.
  const [pgRestore, psqlFound] = await Promise.all([
    findPostgresTool('pg_restore'), manifest.rowCounts.mode === 'exact' ? findPostgresTool('psql').catch(() => undefined) : undefined,
  ]);
  const psql = psqlFound && sameRelease(psqlFound, pgRestore) ? psqlFound : undefined;
  const dumpMajor = parseToolMajorVersion(manifest.tools.pgDump);
  if (dumpMajor !== undefined) requireClientNotOlder('pg_restore', pgRestore.majorVersion, dumpMajor, `pg_dump ${dumpMajor}, which wrote backup ${manifest.backupId}`);
  requireDecompressionPrograms(manifest);

  const scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-verify-'));
  const scratchDatabase = scratchDatabaseName(manifest.backupId);
  const admin = await connectDatabase(target, 'the verification server');
  let created = false;
  let restored: Client | undefined;
  // The scratch database is created while the archive downloads: the server copies its template while the client
  // downloads, decompresses and hashes. The roles of --globals are only needed by pg_restore, which comes after both.
  const creating = admin.query(`CREATE DATABASE ${quoteIdentifier(scratchDatabase)}`).then(() => {
    created = true;
  });
  creating.catch(() => undefined);
  const scratchConnection = target.withDatabase(scratchDatabase);
  try {
    const digests: DigestingStream[] = [];
    const download = new ProgressReporter(logger, 'download', options.progressIntervalMs, () => ({
      bytes: digests.reduce((sum, digest) => sum + digest.bytes, 0),
    }), { estimate: downloadEstimate(manifest) }).start();
    const downloading = downloadArchive(store, layout, manifest, scratch, options.signal, (digest) => digests.push(digest), identities)
      .finally(() => download.stop());
    downloading.catch(() => undefined);

    let globals: GlobalsOutcome | undefined;
    const restoring = (async (): Promise<ArchiveRestoreResult & { rowCounts?: RestoredRowCounts; client: Client }> => {
      if (globalsObject) {
        // The roles come first, so pg_restore can give each object its owner and privileges.
        const file = path.join(scratch, globalsObject.name);
        await downloadBackupObject(store, layout, manifest, globalsObject, file, options.signal, identities);
        globals = await applyGlobalsScript(admin, await fs.promises.readFile(file, 'utf8'), logger);
      }
      await creating;
      const client = await connectDatabase(scratchConnection, 'the restored scratch database');
      restored = client;
      const rowCounts = manifest.rowCounts.mode === 'exact' ? new RestoredRowCounts(client, manifest.rowCounts.tables) : undefined;
      const result = await restoreArchive({
        pgRestore: pgRestore.path,
        connection: scratchConnection,
        jobs: options.jobs,
        noOwner: !options.globals,
        noAcl: !options.globals,
        scratch,
        logger,
        signal: options.signal,
        progressIntervalMs: options.progressIntervalMs,
        // Each table is counted as soon as it is loaded: a loaded table gains no rows from what follows.
        onTableLoaded: (schema, table) => rowCounts?.count(schema, table),
        // A table psql loads is counted by its COPY's own result, which costs the server no scan of the table.
        ...(rowCounts && psql ? {
          copyCounts: {
            psql: psql.path,
            onTableCopied: (schema: string, table: string, rows: number) => rowCounts.copied(schema, table, rows),
            ...(locateProgram('stdbuf') !== undefined ? { blockBytes: SCRIPT_BLOCK_BYTES } : {}),
          },
        } : {}),
        ...(options.keep ? {} : { afterPreData: () => pauseAutovacuum(client) }),
      }, downloading, manifest);
      return { ...result, rowCounts, client };
    })();
    // The download's own verdict (a truncated or changed object) explains a failed restore of what it delivered.
    const [downloaded, restoredResult] = await Promise.allSettled([downloading, restoring]);
    if (downloaded.status === 'rejected') throw downloaded.reason;
    if (restoredResult.status === 'rejected') {
      throw restoredResult.reason instanceof PgRestoreFailure
        ? restoreFailure(`restoring backup ${manifest.backupId} into ${scratchDatabase}`, restoredResult.reason.cause, {
          backupHasGlobals: manifest.objects.some((object) => object.role === 'globals'), globals, noOwner: !options.globals, noAcl: !options.globals,
        })
        : restoredResult.reason;
    }
    const archive = downloaded.value;
    const { toc, restoreSeconds, rowCounts, client } = restoredResult.value;
    logger.info({ bytes: archive.bytes, restoreSeconds, scratchDatabase }, 'restored; the archive\'s sizes and sha256 match the manifest');

    const compared = rowCounts !== undefined;
    if (rowCounts) {
      const mismatches = await rowCounts.mismatches();
      if (mismatches.length > 0) {
        throw new RunnerError(`row counts of the restored database differ from the manifest in ${mismatches.length} table(s): ${describeMismatches(mismatches)}`);
      }
    } else {
      logger.warn({ mode: manifest.rowCounts.mode }, 'row counts are not exact in this backup; they are not compared');
    }
    const checks = await runCheckScripts(client, checkScripts);
    const failed = checks.find((check) => !check.passed);
    if (failed) throw new RunnerError(`check failed (${failed.file}): ${failed.statement} — ${failed.detail}`);
    const indexesChecked = options.amcheck ? await runAmcheck(client) : 0;

    return {
      manifest,
      scratchDatabase,
      kept: options.keep,
      downloadedBytes: archive.bytes,
      tocEntries: toc.entries.length,
      restoreSeconds,
      rowCountsCompared: compared,
      tablesCompared: compared ? manifest.rowCounts.tables.length : 0,
      rowsCompared: compared ? manifest.rowCounts.totalRows : 0,
      checks,
      indexesChecked,
      ...(globals ? { globals } : {}),
      durationSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await restored?.end().catch(() => undefined);
    // The downloaded archive is removed while the server drops the scratch database: freeing a file the size of the
    // archive is the client's work, dropping the database the server's, and neither needs the other.
    const removing = fs.promises.rm(scratch, { recursive: true, force: true });
    removing.catch(() => undefined);
    // A failure while the database was still being created: it is dropped once it exists.
    await creating.catch(() => undefined);
    if (created && !options.keep) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(scratchDatabase)} WITH (FORCE)`).catch((error: unknown) => {
        logger.error({ scratchDatabase, error: errorMessage(error) }, 'could not drop the scratch database; drop it by hand');
      });
    }
    await admin.end().catch(() => undefined);
    await removing;
  }
}

/** The metrics of a successful verification. */
export function verifyMetrics(outcome: VerifyOutcome): MetricValue[] {
  return [
    { name: RUNNER_METRICS.verifySucceeded, value: 1, unit: 'Count' },
    { name: RUNNER_METRICS.verifyFailed, value: 0, unit: 'Count' },
    { name: RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
    { name: RUNNER_METRICS.verifyDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
    { name: RUNNER_METRICS.verifiedRows, value: outcome.rowsCompared, unit: 'Count' },
    { name: RUNNER_METRICS.verifiedBytes, value: outcome.downloadedBytes, unit: 'Bytes' },
    { name: RUNNER_METRICS.drillSucceeded, value: 1, unit: 'Count' },
    { name: RUNNER_METRICS.drillRtoSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
  ];
}

/** The stored result of a verification that finished: what it restored, its RTO, its recovery point and its checks. */
export function verifyDrillRecord(outcome: VerifyOutcome, startedAt: Date, finishedAt: Date): DrillRecord {
  return {
    version: 1,
    kind: 'dump',
    database: outcome.manifest.database,
    succeeded: true,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    restored: { backupId: outcome.manifest.backupId },
    rtoSeconds: outcome.restoreSeconds,
    recoveryPoint: outcome.manifest.snapshotAt ?? outcome.manifest.startedAt,
    rowsMatched: outcome.rowsCompared,
    checks: outcome.checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
  };
}
