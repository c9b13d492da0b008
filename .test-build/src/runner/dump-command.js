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
exports.LatestNotMovedError = void 0;
exports.explainPgDumpFailure = explainPgDumpFailure;
exports.runDump = runDump;
exports.dumpMetrics = dumpMetrics;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const core_1 = require("../core");
const archive_pipe_1 = require("./archive-pipe");
const archive_toc_1 = require("./archive-toc");
const backup_id_1 = require("./backup-id");
const backup_layout_1 = require("./backup-layout");
const backup_location_1 = require("./backup-location");
const child_process_1 = require("./child-process");
const content_digest_1 = require("./content-digest");
const database_client_1 = require("./database-client");
const directory_dump_upload_1 = require("./directory-dump-upload");
const embedded_metrics_1 = require("./embedded-metrics");
const latest_pointer_1 = require("./latest-pointer");
const operation_abort_1 = require("./operation-abort");
const postgres_tools_1 = require("./postgres-tools");
const preflight_1 = require("./preflight");
const progress_reporter_1 = require("./progress-reporter");
const row_counts_1 = require("./row-counts");
const runner_error_1 = require("./runner-error");
const runner_version_1 = require("./runner-version");
const stream_compression_1 = require("./stream-compression");
const table_filters_1 = require("./table-filters");
/** Archives start with this magic; anything else is not a pg_dump archive. */
const ARCHIVE_MAGIC = 'PGDMP';
/** The smallest believable custom-format archive (header and an empty TOC take more). */
const MIN_ARCHIVE_BYTES = 64;
/** The smallest believable `pg_dumpall --globals-only` output (its header comment alone is longer). */
const MIN_GLOBALS_BYTES = 16;
/** Files of a directory-format dump uploaded at the same time. */
const DIRECTORY_UPLOAD_FILES = 4;
/**
 * The backup is complete (its manifest is written, so it lists, verifies and restores by its id), but
 * `latest` could not be moved to it. Its message says so; it exits like its cause.
 */
class LatestNotMovedError extends runner_error_1.RunnerError {
    constructor(backupId, manifestKey, cause) {
        super(`backup ${backupId} is complete (${manifestKey} was written; verify or restore it with --backup ${backupId}), ` +
            `but moving latest to it failed, so latest may still name an older backup: ${(0, runner_error_1.errorMessage)(cause)}`, { cause, exitCode: cause instanceof runner_error_1.RunnerError ? cause.exitCode : 1 });
        this.name = 'LatestNotMovedError';
    }
}
exports.LatestNotMovedError = LatestNotMovedError;
/** Stream a child's output into a new object, ending the object only if the child (and what feeds it) exits with 0. */
async function streamToolOutput(output, toolExited, store, key, digest, abort, check, expectedBytes) {
    // The object is only completed once the child's exit status is known: ending it when stdout closes
    // would commit a truncated dump whenever the child dies mid-way.
    output.pipe(digest, { end: false });
    const exited = toolExited.then(() => {
        check(digest);
        digest.end();
    });
    exited.catch((error) => digest.destroy(error));
    abort.signal.addEventListener('abort', () => digest.destroy(abort.signal.reason), { once: true });
    await abort.all([exited, store.putStream(key, digest, { signal: abort.signal, expectedBytes })]);
}
function checkFrameHead(what, method, head) {
    if (!(0, stream_compression_1.startsWithFrame)(head, method))
        throw new runner_error_1.RunnerError(`${what} does not start with a ${method} frame`);
}
function checkArchiveHead(what, head, bytes, minBytes) {
    if (bytes < minBytes)
        throw new runner_error_1.RunnerError(`${what} is only ${bytes} bytes; a real archive is at least ${minBytes}`);
    if (head.subarray(0, ARCHIVE_MAGIC.length).toString('latin1') !== ARCHIVE_MAGIC) {
        throw new runner_error_1.RunnerError(`${what} does not start with the pg_dump archive header`);
    }
}
/**
 * A quarter of the scratch disk's free space: pg_dump is paused above it while finished files wait to be
 * stored, leaving the rest for the files it is still writing and for what it writes before the pause lands.
 */
async function scratchBudget(directory) {
    const stats = await fs.promises.statfs(directory);
    return Math.floor((stats.bavail * stats.bsize) / 4);
}
/**
 * Restates a pg_dump failure an operator meets often in plain terms: pg_dump reports a lock it could
 * not get within `--lock-wait-timeout` as a cancelled `LOCK TABLE` statement.
 */
function explainPgDumpFailure(error, lockWaitSeconds) {
    const message = (0, runner_error_1.errorMessage)(error);
    const lock = /LOCK TABLE (\S+) IN ACCESS SHARE MODE/.exec(message);
    if (lock && /statement timeout|lock timeout|could not obtain lock/.test(message)) {
        return new runner_error_1.RunnerError(`pg_dump could not lock table ${lock[1]} within the lock-wait timeout (${lockWaitSeconds} s): another session holds a ` +
            `conflicting lock (ALTER TABLE, VACUUM FULL, LOCK … ACCESS EXCLUSIVE); pg_dump said: ${message}`, { cause: error });
    }
    return error;
}
/**
 * Rejects a dump that lacks rows the statistics say it should hold: no table data at all from a database (or from
 * the tables a filter selected) that holds rows, data of partitions missing under a partitioned table the dump
 * selected, and row counts that show an empty snapshot.
 */
async function checkRowsPresent(client, policy, toc, counts, preflight, excludedOids) {
    if (policy.schemaOnly)
        return;
    const estimated = (oids) => [...oids].reduce((sum, oid) => sum + (preflight.estimatedRowsByOid.get(oid) ?? 0), 0);
    const filtered = [policy.tables, policy.schemas, policy.excludeTables, policy.excludeSchemas].some((list) => (list?.length ?? 0) > 0);
    if (toc.tableDataOids.length === 0 && estimated(filtered ? toc.tableOids : preflight.estimatedRowsByOid.keys()) > 0) {
        throw new runner_error_1.RunnerError(filtered
            ? 'the dump holds no table data, but the statistics show rows in the tables the filters select; refusing to record it as a backup'
            : 'the dump holds no table data, but the database statistics show rows; refusing to record it as a backup');
    }
    const missing = await (0, table_filters_1.findMissingChildData)(client, toc.tableOids, toc.tableDataOids, preflight.estimatedRowsByOid, excludedOids);
    if (missing.length > 0) {
        const named = missing.slice(0, 5).map((child) => `${child.schema}.${child.name} of ${child.parent} (about ${child.estimatedRows} rows)`).join(', ');
        throw new runner_error_1.RunnerError(`the dump holds the partitioned table but not the data of ${missing.length} of its partitions: ${named}${missing.length > 5 ? ', …' : ''}; `
            + 'include their schemas (--schema) or exclude the partitioned table too; refusing to record it as a backup');
    }
    if (counts.mode !== 'off' && counts.tables.length > 0 && counts.totalRows === 0 && estimated(toc.tableDataOids) > 0) {
        throw new runner_error_1.RunnerError('the dump\'s snapshot shows zero rows in every table, but the statistics show data; refusing to record it as a backup');
    }
}
/**
 * Dumps a database into a new backup: preflight, an exported snapshot with its row counts, pg_dump
 * (and pg_dumpall) streamed into the store with SHA-256 on the fly, then the manifest and only then
 * the `latest` pointer. Any failure aborts every upload and writes neither.
 */
async function runDump(options) {
    const { connection, store, policy, logger } = options;
    const startedAt = new Date();
    const format = policy.format ?? 'custom';
    const rowMode = policy.rowCounts ?? 'exact';
    const abort = new operation_abort_1.OperationAbort(options.signal);
    const [pgDump, pgDumpall, pgRestore] = await Promise.all([
        (0, postgres_tools_1.findPostgresTool)('pg_dump'),
        policy.includeGlobals ? (0, postgres_tools_1.findPostgresTool)('pg_dumpall') : Promise.resolve(undefined),
        (0, postgres_tools_1.findPostgresTool)('pg_restore'),
    ]);
    // Before connecting: a policy this client cannot render is a usage problem, not a server one.
    const compression = (0, core_1.dumpCompressionPlan)(policy.compression, pgDump.majorVersion);
    if (compression.stream)
        await (0, stream_compression_1.requireCompressionProgram)(compression.stream.method);
    const client = await (0, database_client_1.connectDatabase)(connection, 'preflight');
    let scratch;
    try {
        const preflight = await (0, preflight_1.runPreflight)(client);
        (0, preflight_1.requireClientNotOlder)('pg_dump', pgDump.majorVersion, preflight.serverMajorVersion);
        logger.info({
            database: connection.database,
            server: connection.describe(),
            serverVersion: preflight.serverVersion,
            databaseSizeBytes: preflight.databaseSizeBytes,
            largestTables: preflight.largestTables,
            pgDump: pgDump.version,
        }, 'preflight done');
        for (const query of preflight.longRunningQueries) {
            logger.warn(query, `a query has been running for ${query.runningSeconds} s; it can hold locks the dump waits for`);
        }
        // A table filter takes the partitions of the tables it names (pg_dump before 16 has to be told each one).
        const dumpPolicy = await (0, table_filters_1.expandTableFilters)(client, policy, pgDump.majorVersion);
        if (dumpPolicy !== policy)
            logger.info({ tables: dumpPolicy.tables, excludeTables: dumpPolicy.excludeTables }, 'table filters with their partitions');
        const excludedOids = new Set((await (0, table_filters_1.relationsWithChildren)(client, policy.excludeTables ?? [])).map((relation) => relation.oid));
        // The snapshot is exported from a transaction that stays open until the dump is complete: pg_dump
        // reads from it, and the row counts are taken in it, so both describe the same instant.
        const lockWaitMs = Math.round((policy.lockWaitTimeoutSeconds ?? 300) * 1000);
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`SET LOCAL lock_timeout = ${lockWaitMs}`);
        // The counts run beside pg_dump and are not on its critical path: one core for them leaves the
        // others to pg_dump and the backend feeding it.
        await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
        // clock_timestamp() runs after the statement took the transaction's snapshot: the snapshot is at most
        // this old, by the server's clock, the one clock every dump of this database shares.
        const exported = (await client.query('SELECT pg_export_snapshot() AS id, to_char(clock_timestamp() AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') AS at')).rows[0];
        const snapshot = exported.id;
        const backupId = (0, backup_id_1.newBackupId)(startedAt);
        const layout = new backup_layout_1.BackupLayout(options.location);
        const database = connection.database;
        const key = (name) => layout.objectKey(database, backupId, name);
        logger.info({ backupId, to: (0, backup_location_1.formatBackupLocation)(options.location), format, snapshot, snapshotAt: exported.at }, 'dump started');
        let tablesDone = 0;
        const onStderrLine = (line) => {
            if (/dumping contents of table/.test(line))
                tablesDone += 1;
            logger.debug({ tool: 'pg_dump', line }, line);
        };
        const childEnv = connection.childEnv();
        const streams = [];
        const progress = new progress_reporter_1.ProgressReporter(logger, 'dump', options.progressIntervalMs, () => ({
            bytes: streams.reduce((sum, stream) => sum + stream.bytes, 0),
            tablesDone,
        })).start();
        const objects = [];
        let scratchPeakBytes;
        const steps = [];
        let toc;
        if (format === 'custom') {
            const dump = new child_process_1.ToolProcess(pgDump.path, (0, core_1.pgDumpArgv)(dumpPolicy, {
                dbname: connection.dbname, snapshot, verbose: true, clientMajorVersion: pgDump.majorVersion,
            }), { env: childEnv, captureStdout: true, onStderrLine, signal: abort.signal });
            // The TOC is read whatever the row-count mode: it is what shows the dump holds table data at all.
            const pipe = new archive_pipe_1.ArchivePipe(dump, pgRestore.path, compression.stream, abort.signal);
            const digest = new content_digest_1.DigestingStream((chunk) => pipe.observe(chunk));
            streams.push(digest);
            const explained = pipe.exited.catch((error) => {
                throw explainPgDumpFailure(error, policy.lockWaitTimeoutSeconds ?? 300);
            });
            const what = `the dump of ${database}`;
            const method = compression.stream?.method;
            const checkDump = (d) => (method
                ? checkFrameHead(what, method, d.head)
                : checkArchiveHead(what, d.head, d.bytes, MIN_ARCHIVE_BYTES));
            // A dump is rarely larger than the database; twice its size leaves room for text forms of binary data (bytea as hex).
            const expectedBytes = 2 * preflight.databaseSizeBytes;
            const name = method ? (0, stream_compression_1.compressedName)(backup_layout_1.CUSTOM_DUMP_NAME, method) : backup_layout_1.CUSTOM_DUMP_NAME;
            steps.push(streamToolOutput(pipe.output, explained, store, key(name), digest, abort, checkDump, expectedBytes)
                .then(() => objects.push({ name, role: 'dump', bytes: digest.bytes, sha256: digest.sha256, head: digest.head, ...(method ? { compression: method } : {}) })));
            toc = pipe.toc;
        }
        else {
            scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-dump-'));
            const directory = path.join(scratch, backup_layout_1.DIRECTORY_DUMP_NAME);
            // pg_dump takes an existing empty directory; creating it first lets the upload watch it from the start.
            await fs.promises.mkdir(directory);
            // --no-sync: the files are uploaded and deleted as pg_dump closes them; syncing the scratch copy would only slow it down.
            const dump = new child_process_1.ToolProcess(pgDump.path, (0, core_1.pgDumpArgv)(dumpPolicy, {
                dbname: connection.dbname, snapshot, verbose: true, file: directory, noSync: true, clientMajorVersion: pgDump.majorVersion,
            }), { env: childEnv, onStderrLine, signal: abort.signal });
            const upload = new directory_dump_upload_1.DirectoryDumpUpload({
                directory,
                store,
                keyOf: (name) => key(`${backup_layout_1.DIRECTORY_DUMP_NAME}/${name}`),
                parallelFiles: DIRECTORY_UPLOAD_FILES,
                scratchBudgetBytes: await scratchBudget(scratch),
                compression: compression.stream,
                abort,
                onDigest: (digest) => streams.push(digest),
            });
            upload.start(dump.pid);
            const dumped = dump.exited.catch((error) => {
                upload.stop();
                throw explainPgDumpFailure(error, policy.lockWaitTimeoutSeconds ?? 300);
            });
            toc = dumped.then(async () => (0, archive_toc_1.parseArchiveToc)(await (0, child_process_1.runTool)(pgRestore.path, ['--list', directory], { signal: abort.signal })));
            steps.push(toc.then(() => upload.finish()).then((uploaded) => {
                const tocFile = uploaded.find((file) => file.file === 'toc.dat');
                checkArchiveHead('toc.dat of the directory-format dump', tocFile.head, tocFile.bytes, MIN_ARCHIVE_BYTES);
                scratchPeakBytes = upload.peakScratchBytes;
                objects.push(...uploaded.map(({ file: _file, name, ...rest }) => ({ ...rest, name: `${backup_layout_1.DIRECTORY_DUMP_NAME}/${name}`, role: 'dump' })));
            }));
        }
        if (policy.includeGlobals && pgDumpall) {
            const digest = new content_digest_1.DigestingStream();
            streams.push(digest);
            const globals = new child_process_1.ToolProcess(pgDumpall.path, (0, core_1.pgDumpallGlobalsArgv)({ dbname: connection.dbname, noRolePasswords: options.noRolePasswords }), {
                env: childEnv, captureStdout: true, signal: abort.signal,
            });
            steps.push(streamToolOutput(globals.stdout, globals.exited, store, key(backup_layout_1.GLOBALS_NAME), digest, abort, (d) => {
                if (d.bytes < MIN_GLOBALS_BYTES)
                    throw new runner_error_1.RunnerError(`pg_dumpall --globals-only wrote only ${d.bytes} bytes`);
            }).then(() => objects.push({ name: backup_layout_1.GLOBALS_NAME, role: 'globals', bytes: digest.bytes, sha256: digest.sha256, head: digest.head })));
        }
        const counting = toc.then((archiveToc) => takeRowCounts(client, archiveToc, rowMode).then((counts) => ({ archiveToc, counts })));
        let counted;
        try {
            [counted] = await abort.all([counting, ...steps]);
        }
        finally {
            progress.stop();
        }
        progress.report();
        await checkRowsPresent(client, policy, counted.archiveToc, counted.counts, preflight, excludedOids);
        await client.query('ROLLBACK');
        const finishedAt = new Date();
        const manifestObjects = objects.map(({ head: _head, ...object }) => object).sort((a, b) => a.name.localeCompare(b.name));
        const manifest = {
            manifestVersion: 1,
            backupId,
            database,
            startedAt: startedAt.toISOString(),
            snapshotAt: exported.at,
            finishedAt: finishedAt.toISOString(),
            durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
            server: { version: preflight.serverVersion, versionNum: preflight.serverVersionNum, databaseSizeBytes: preflight.databaseSizeBytes },
            tools: { pgDump: pgDump.version, ...(pgDumpall ? { pgDumpall: pgDumpall.version } : {}), runner: (0, runner_version_1.runnerVersion)() },
            format,
            dumpOptions: { ...policy, format, rowCounts: rowMode },
            objects: manifestObjects,
            totalBytes: manifestObjects.reduce((sum, object) => sum + object.bytes, 0),
            rowCounts: counted.counts,
        };
        abort.throwIfFailed();
        const manifestKey = layout.manifestKey(database, backupId);
        // The manifest appears whole or not at all, and only once every object is complete.
        await store.putBytes(manifestKey, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
        logger.info({ backupId, manifestKey, bytes: manifest.totalBytes, rows: manifest.rowCounts.totalRows, durationSeconds: manifest.durationSeconds }, 'backup complete');
        let latest;
        try {
            abort.throwIfFailed();
            latest = await (0, latest_pointer_1.advanceLatest)(store, layout, manifest);
        }
        catch (error) {
            throw new LatestNotMovedError(backupId, manifestKey, options.signal.aborted ? options.signal.reason : error);
        }
        if (!latest.moved) {
            logger.warn({ backupId, latest: latest.backupId, snapshotAt: manifest.snapshotAt }, 'latest names a backup whose snapshot is newer than this one (an overlapping dump finished first); it stays there');
        }
        return { manifest, manifestKey, latestKey: layout.latestKey(database), latest, ...(scratchPeakBytes !== undefined ? { scratchPeakBytes } : {}) };
    }
    catch (error) {
        abort.fail(error);
        throw error;
    }
    finally {
        await client.end().catch(() => undefined);
        if (scratch)
            await fs.promises.rm(scratch, { recursive: true, force: true });
    }
}
async function takeRowCounts(client, toc, mode) {
    if (mode === 'off')
        return { mode, tables: [], totalRows: 0 };
    let tables;
    try {
        tables = await (0, row_counts_1.countRowsByOid)(client, toc.tableDataOids, mode);
    }
    catch (error) {
        throw new runner_error_1.RunnerError(`counting rows in the dump's snapshot failed: ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
    }
    return { mode, tables, totalRows: tables.reduce((sum, table) => sum + table.rows, 0) };
}
/** The metrics of a successful dump. */
function dumpMetrics(manifest) {
    return [
        { name: embedded_metrics_1.RUNNER_METRICS.backupSucceeded, value: 1, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.backupFailed, value: 0, unit: 'Count' },
        { name: embedded_metrics_1.RUNNER_METRICS.backupBytes, value: manifest.totalBytes, unit: 'Bytes' },
        { name: embedded_metrics_1.RUNNER_METRICS.backupDurationSeconds, value: manifest.durationSeconds, unit: 'Seconds' },
        { name: embedded_metrics_1.RUNNER_METRICS.backupRows, value: manifest.rowCounts.totalRows, unit: 'Count' },
    ];
}
