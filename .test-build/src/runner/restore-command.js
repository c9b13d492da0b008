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
exports.runRestore = runRestore;
exports.restoreMetrics = restoreMetrics;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const core_1 = require("../core");
const backup_catalog_1 = require("./backup-catalog");
const backup_download_1 = require("./backup-download");
const backup_layout_1 = require("./backup-layout");
const child_process_1 = require("./child-process");
const database_client_1 = require("./database-client");
const embedded_metrics_1 = require("./embedded-metrics");
const postgres_tools_1 = require("./postgres-tools");
const preflight_1 = require("./preflight");
const progress_reporter_1 = require("./progress-reporter");
const runner_error_1 = require("./runner-error");
/** Restores a backup (checked against its manifest first) into a database with pg_restore. */
async function runRestore(options) {
    const { store, logger, target } = options;
    const started = Date.now();
    const layout = new backup_layout_1.BackupLayout(options.location);
    const { manifest } = await (0, backup_catalog_1.findBackup)(store, layout, options.selection);
    const pgRestore = await (0, postgres_tools_1.findPostgresTool)('pg_restore');
    const dumpMajor = (0, postgres_tools_1.parseToolMajorVersion)(manifest.tools.pgDump);
    if (dumpMajor !== undefined)
        (0, preflight_1.requireClientNotOlder)('pg_restore', pgRestore.majorVersion, dumpMajor);
    logger.info({ backupId: manifest.backupId, database: manifest.database, target: target.describe() }, 'restoring backup');
    // The target is reached (and, when missing, created) before the download, which can take an hour.
    const databaseCreated = options.create ? false : await ensureTargetDatabase(target, logger);
    const scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-restore-'));
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
        let tablesRestored = 0;
        const progress = new progress_reporter_1.ProgressReporter(logger, 'restore', options.progressIntervalMs, () => ({ bytes: archive.bytes, tablesDone: tablesRestored })).start();
        const restoreStarted = Date.now();
        try {
            const restore = new child_process_1.ToolProcess(pgRestore.path, (0, core_1.pgRestoreArgv)({
                archive: archive.archivePath,
                dbname: target.dbname,
                jobs: options.jobs,
                tables: [...options.tables],
                clean: options.clean,
                create: options.create,
                noOwner: options.noOwner,
                noAcl: options.noAcl,
                exitOnError: true,
                verbose: true,
            }), {
                env: target.childEnv(),
                signal: options.signal,
                onStderrLine: (line) => {
                    logger.debug({ tool: 'pg_restore', line }, line);
                    if (/processing data for table/.test(line))
                        tablesRestored += 1;
                },
            });
            await restore.exited;
        }
        catch (error) {
            const message = (0, runner_error_1.errorMessage)(error);
            const hint = /role "[^"]+" does not exist/.test(message) && !options.noOwner
                ? '; the backup names roles this server does not have: create them first (the backup\'s globals.sql holds them when it was dumped '
                    + 'with --globals) or restore without ownership with --no-owner'
                : '';
            throw new runner_error_1.RunnerError(`restoring backup ${manifest.backupId} into ${target.describe()} failed: ${message}${hint}`, { cause: error });
        }
        finally {
            progress.stop();
        }
        const restoreSeconds = (Date.now() - restoreStarted) / 1000;
        const durationSeconds = (Date.now() - started) / 1000;
        return { manifest, downloadedBytes: archive.bytes, restoreSeconds, tablesRestored, databaseCreated, durationSeconds };
    }
    finally {
        await fs.promises.rm(scratch, { recursive: true, force: true });
    }
}
/** SQLSTATE `invalid_catalog_name`: the database named in the connection does not exist. */
const NO_SUCH_DATABASE = '3D000';
/**
 * Connects to the target database, creating it (empty, owned by the connecting role) when the server says it does
 * not exist; returns whether it was created.
 */
async function ensureTargetDatabase(target, logger) {
    try {
        await (await (0, database_client_1.connectDatabase)(target, 'the restore target')).end();
        return false;
    }
    catch (error) {
        if (error.cause?.code !== NO_SUCH_DATABASE)
            throw error;
    }
    const admin = await (0, database_client_1.connectDatabase)(target.withDatabase('postgres'), 'the restore target\'s server, to create the database');
    try {
        await admin.query(`CREATE DATABASE ${(0, database_client_1.quoteIdentifier)(target.database)}`);
    }
    finally {
        await admin.end().catch(() => undefined);
    }
    logger.info({ database: target.database, target: target.describe() }, 'the target database did not exist; created it');
    return true;
}
/** The metrics of a successful restore. */
function restoreMetrics(outcome) {
    return [
        { name: embedded_metrics_1.RUNNER_METRICS.restoreSucceeded, value: 1, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.restoreFailed, value: 0, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
    ];
}
