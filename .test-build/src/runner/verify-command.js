"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.scratchDatabaseName = scratchDatabaseName;
exports.runVerify = runVerify;
exports.verifyMetrics = verifyMetrics;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const core_1 = require("../core");
const archive_toc_1 = require("./archive-toc");
const backup_catalog_1 = require("./backup-catalog");
const backup_download_1 = require("./backup-download");
const backup_layout_1 = require("./backup-layout");
const check_files_1 = require("./check-files");
const child_process_1 = require("./child-process");
const database_client_1 = require("./database-client");
const embedded_metrics_1 = require("./embedded-metrics");
const postgres_tools_1 = require("./postgres-tools");
const preflight_1 = require("./preflight");
const progress_reporter_1 = require("./progress-reporter");
const read_only_query_1 = require("./read-only-query");
const row_counts_1 = require("./row-counts");
const runner_error_1 = require("./runner-error");
/** The name of the scratch database of a verification: unique per backup and run, within 63 bytes. */
function scratchDatabaseName(backupId) {
    return `pg_backup_verify_${backupId.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${process.pid}`;
}
function describeMismatches(mismatches) {
    const shown = mismatches.slice(0, 10).map((m) => `${m.schema}.${m.table}: ${m.actual === 'missing' ? 'table missing' : `${m.actual} rows`}, manifest ${m.expected}`);
    return `${shown.join('; ')}${mismatches.length > 10 ? `; and ${mismatches.length - 10} more` : ''}`;
}
/**
 * Runs `bt_index_check` on every B-tree index that has storage: relkind `i` only (a partitioned index, `I`, has
 * none and is checked through its partitions' indexes), valid and ready, and not in another session's temporary schema.
 */
async function runAmcheck(client) {
    await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
    return (0, read_only_query_1.inReadOnlyTransaction)(client, async () => {
        const result = await client.query(`
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
 * Proves a backup restores: download with SHA-256 checks, `pg_restore --list`, a parallel restore into a
 * fresh database, row counts compared with the manifest exactly, the check files, optionally amcheck,
 * and the scratch database dropped (also after a failure) unless asked to keep it.
 */
async function runVerify(options) {
    const { store, logger, target } = options;
    const started = Date.now();
    // The check files are read before anything is downloaded or restored: a typo fails in a second, not after an hour.
    const checkScripts = await (0, check_files_1.readCheckFiles)(options.checkFiles);
    const layout = new backup_layout_1.BackupLayout(options.location);
    const { manifest, manifestKey } = await (0, backup_catalog_1.findBackup)(store, layout, options.selection);
    logger.info({ backupId: manifest.backupId, database: manifest.database, manifestKey }, 'verifying backup');
    const pgRestore = await (0, postgres_tools_1.findPostgresTool)('pg_restore');
    const dumpMajor = (0, postgres_tools_1.parseToolMajorVersion)(manifest.tools.pgDump);
    if (dumpMajor !== undefined)
        (0, preflight_1.requireClientNotOlder)('pg_restore', pgRestore.majorVersion, dumpMajor);
    const scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-verify-'));
    const scratchDatabase = scratchDatabaseName(manifest.backupId);
    const admin = await (0, database_client_1.connectDatabase)(target, 'the verification server');
    let created = false;
    let restored;
    try {
        const digests = [];
        const download = new progress_reporter_1.ProgressReporter(logger, 'download', options.progressIntervalMs, () => ({
            bytes: digests.reduce((sum, digest) => sum + digest.bytes, 0),
        })).start();
        let archive;
        try {
            archive = await (0, backup_download_1.downloadArchive)(store, layout, manifest, scratch, options.signal, (digest) => digests.push(digest));
        }
        finally {
            download.stop();
        }
        logger.info({ bytes: archive.bytes }, 'archive downloaded; sizes and sha256 match the manifest');
        const listing = await (0, child_process_1.runTool)(pgRestore.path, (0, core_1.pgRestoreArgv)({ archive: archive.archivePath, list: true }), { signal: options.signal });
        const toc = (0, archive_toc_1.parseArchiveToc)(listing);
        if (toc.entries.length === 0)
            throw new runner_error_1.RunnerError(`pg_restore --list found no entries in backup ${manifest.backupId}`);
        if (manifest.rowCounts.mode !== 'off' && toc.tableDataOids.length !== manifest.rowCounts.tables.length) {
            throw new runner_error_1.RunnerError(`the archive holds data of ${toc.tableDataOids.length} tables but the manifest counts ${manifest.rowCounts.tables.length}`);
        }
        await admin.query(`CREATE DATABASE ${(0, database_client_1.quoteIdentifier)(scratchDatabase)}`);
        created = true;
        const scratchConnection = target.withDatabase(scratchDatabase);
        let tablesDone = 0;
        const restoreProgress = new progress_reporter_1.ProgressReporter(logger, 'restore', options.progressIntervalMs, () => ({ bytes: archive.bytes, tablesDone })).start();
        const restoreStarted = Date.now();
        try {
            const restore = new child_process_1.ToolProcess(pgRestore.path, (0, core_1.pgRestoreArgv)({
                archive: archive.archivePath,
                dbname: scratchConnection.dbname,
                jobs: options.jobs,
                noOwner: true,
                noAcl: true,
                exitOnError: true,
                verbose: true,
            }), {
                env: scratchConnection.childEnv(),
                signal: options.signal,
                onStderrLine: (line) => {
                    logger.debug({ tool: 'pg_restore', line }, line);
                    if (/processing data for table/.test(line))
                        tablesDone += 1;
                },
            });
            await restore.exited;
        }
        catch (error) {
            throw new runner_error_1.RunnerError(`restoring backup ${manifest.backupId} into ${scratchDatabase} failed: ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
        }
        finally {
            restoreProgress.stop();
        }
        const restoreSeconds = (Date.now() - restoreStarted) / 1000;
        logger.info({ restoreSeconds, scratchDatabase }, 'restored');
        restored = await (0, database_client_1.connectDatabase)(scratchConnection, 'the restored scratch database');
        const compared = manifest.rowCounts.mode === 'exact';
        if (compared) {
            const mismatches = await (0, row_counts_1.compareRowCounts)(restored, manifest.rowCounts.tables);
            if (mismatches.length > 0) {
                throw new runner_error_1.RunnerError(`row counts of the restored database differ from the manifest in ${mismatches.length} table(s): ${describeMismatches(mismatches)}`);
            }
        }
        else {
            logger.warn({ mode: manifest.rowCounts.mode }, 'row counts are not exact in this backup; they are not compared');
        }
        const checks = await (0, check_files_1.runCheckScripts)(restored, checkScripts);
        const failed = checks.find((check) => !check.passed);
        if (failed)
            throw new runner_error_1.RunnerError(`check failed (${failed.file}): ${failed.statement} — ${failed.detail}`);
        const indexesChecked = options.amcheck ? await runAmcheck(restored) : 0;
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
            durationSeconds: (Date.now() - started) / 1000,
        };
    }
    finally {
        await restored?.end().catch(() => undefined);
        if (created && !options.keep) {
            await admin.query(`DROP DATABASE IF EXISTS ${(0, database_client_1.quoteIdentifier)(scratchDatabase)} WITH (FORCE)`).catch((error) => {
                logger.error({ scratchDatabase, error: (0, runner_error_1.errorMessage)(error) }, 'could not drop the scratch database; drop it by hand');
            });
        }
        await admin.end().catch(() => undefined);
        await fs.promises.rm(scratch, { recursive: true, force: true });
    }
}
/** The metrics of a successful verification. */
function verifyMetrics(outcome) {
    return [
        { name: embedded_metrics_1.RUNNER_METRICS.verifySucceeded, value: 1, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.verifyFailed, value: 0, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
        { name: embedded_metrics_1.RUNNER_METRICS.verifyDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
        { name: embedded_metrics_1.RUNNER_METRICS.verifiedRows, value: outcome.rowsCompared, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.verifiedBytes, value: outcome.downloadedBytes, unit: 'Bytes' },
    ];
}
