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
exports.CHECK_ARCHIVE_METRICS = exports.CHECK_ARCHIVE_COMMAND_FLAGS = exports.DEFAULT_ARCHIVE_CHECK_URL = void 0;
exports.readArchiverStatus = readArchiverStatus;
exports.archiverIsFailing = archiverIsFailing;
exports.archiverProblems = archiverProblems;
exports.archiveCheckMetrics = archiveCheckMetrics;
exports.checkArchiveCommand = checkArchiveCommand;
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const core_1 = require("../core");
const child_process_1 = require("./child-process");
const database_client_1 = require("./database-client");
const database_connection_1 = require("./database-connection");
const embedded_metrics_1 = require("./embedded-metrics");
const runner_error_1 = require("./runner-error");
/** Where `check-archive` connects when no `--target-url` is given: the local server over its socket, as `postgres`. */
exports.DEFAULT_ARCHIVE_CHECK_URL = 'postgresql://postgres@localhost/postgres?host=/var/run/postgresql';
/** The flags of `pg-backup check-archive`. */
exports.CHECK_ARCHIVE_COMMAND_FLAGS = [
    { name: 'target-url', value: 'URL', description: 'the server whose archiver is read', default: exports.DEFAULT_ARCHIVE_CHECK_URL, example: '--target-url postgres://postgres@localhost/postgres' },
    { name: 'cluster', value: 'NAME', description: 'the name the metrics carry (dimension Database)', default: 'the stanza', example: '--cluster orders' },
    { name: 'pgbackrest-config', value: 'FILE', description: 'pgbackrest.conf of the repository', default: core_1.PGBACKREST_DEFAULT_CONFIG_FILE, example: '--pgbackrest-config /etc/pgbackrest/pgbackrest.conf' },
    { name: 'stanza', value: 'NAME', description: 'the pgBackRest stanza', default: 'main', example: '--stanza orders' },
    { name: 'no-archive-get', description: 'do not fetch the newest archived segment back from the repository', example: '--no-archive-get' },
    { name: 'max-archive-age', value: 'DUR', description: 'unhealthy when nothing was archived for longer, 1s to 7 days', default: 'no limit', example: '--max-archive-age 15m' },
    { name: 'heartbeat', description: 'commit an empty transaction first, so a quiet server still archives', example: '--heartbeat' },
];
/** Names of the metrics of `pg-backup check-archive` (dimension `Database`: the `--cluster` name). */
exports.CHECK_ARCHIVE_METRICS = {
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
};
/** Reads `pg_stat_archiver` (and `archive_mode`) on the server `client` is connected to. */
async function readArchiverStatus(client) {
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
function archiverIsFailing(status) {
    if (status.lastFailedTime === undefined)
        return false;
    return status.lastArchivedTime === undefined || status.lastFailedTime.getTime() > status.lastArchivedTime.getTime();
}
/** The problems a status shows, in the operator's terms (empty when healthy). */
function archiverProblems(status, maxArchiveAgeSeconds, newestWalReadable) {
    const problems = [];
    if (status.archiveMode === 'off')
        problems.push('archive_mode is off: no WAL is archived');
    if (archiverIsFailing(status)) {
        problems.push(`archive_command is failing: ${status.lastFailedWal} failed at ${status.lastFailedTime.toISOString()}, `
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
function archiveCheckMetrics(status, newestWalReadable, healthy) {
    return [
        { name: exports.CHECK_ARCHIVE_METRICS.checkSucceeded, value: healthy ? 1 : 0, unit: 'Count' },
        { name: exports.CHECK_ARCHIVE_METRICS.checkFailed, value: healthy ? 0 : 1, unit: 'Count' },
        { name: exports.CHECK_ARCHIVE_METRICS.failedCount, value: status.failedCount, unit: 'Count' },
        { name: exports.CHECK_ARCHIVE_METRICS.archivedCount, value: status.archivedCount, unit: 'Count' },
        { name: exports.CHECK_ARCHIVE_METRICS.failing, value: archiverIsFailing(status) ? 1 : 0, unit: 'Count' },
        { name: exports.CHECK_ARCHIVE_METRICS.secondsSinceLastArchived, value: status.secondsSinceLastArchived, unit: 'Seconds' },
        ...(newestWalReadable === undefined ? [] : [{ name: exports.CHECK_ARCHIVE_METRICS.newestWalReadable, value: newestWalReadable ? 1 : 0, unit: 'Count' }]),
    ];
}
/**
 * Fetches `segment` from the repository with `pgbackrest archive-get` into a temporary file, as a recovery would.
 * Returns whether it could.
 */
async function fetchArchivedSegment(configFile, stanza, segment, logger, signal) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-archive-get-'));
    try {
        await (0, child_process_1.runTool)('pgbackrest', [`--config=${configFile}`, `--stanza=${stanza}`, '--log-level-file=off', '--archive-async=n', 'archive-get', segment, path.join(directory, segment)], { signal });
        return fs.existsSync(path.join(directory, segment));
    }
    catch (error) {
        logger.warn({ segment, error: (0, runner_error_1.errorMessage)(error) }, 'cannot fetch the newest archived segment');
        return false;
    }
    finally {
        fs.rmSync(directory, { recursive: true, force: true });
    }
}
/**
 * `pg-backup check-archive`: reads `pg_stat_archiver` on the database host, optionally commits an empty transaction
 * first (`--heartbeat`, so a quiet server still writes a commit that `archive_timeout` ships within its bound), and
 * fetches the newest archived segment back from the pgBackRest repository. A healthy archive returns the metrics for
 * the CLI to write; an unhealthy one writes them itself (so the alarms see the failing values) and throws a
 * {@link RunnerError} naming every problem (exit 1).
 */
async function checkArchiveCommand(reader, context) {
    const { common, logger, env, signal } = context;
    const url = reader.string('target-url') ?? exports.DEFAULT_ARCHIVE_CHECK_URL;
    const clusterName = reader.string('cluster') ?? reader.string('stanza') ?? 'main';
    const stanza = reader.string('stanza') ?? 'main';
    const configFile = reader.string('pgbackrest-config') ?? core_1.PGBACKREST_DEFAULT_CONFIG_FILE;
    const archiveGet = !reader.boolean('no-archive-get');
    const maxArchiveAge = reader.string('max-archive-age') === undefined ? undefined : reader.seconds('max-archive-age', 1, 7 * 86_400, 0);
    const heartbeat = reader.boolean('heartbeat');
    reader.throwIfInvalid('check-archive');
    const connection = (0, database_connection_1.resolveConnection)({ url, flag: '--target-url' }, { ...env, PG_BACKUP_DATABASE_SECRET: '' });
    const client = await (0, database_client_1.connectDatabase)(connection, 'the server whose archive is checked');
    let status;
    try {
        // txid_current() assigns a transaction id, so the statement's commit is a WAL commit record with a timestamp.
        if (heartbeat)
            await client.query('SELECT txid_current()');
        status = await readArchiverStatus(client);
    }
    finally {
        await client.end().catch(() => undefined);
    }
    const newestWalReadable = archiveGet && status.lastArchivedWal !== undefined
        ? await fetchArchivedSegment(configFile, stanza, status.lastArchivedWal, logger, signal)
        : undefined;
    const problems = archiverProblems(status, maxArchiveAge, newestWalReadable);
    const metrics = archiveCheckMetrics(status, newestWalReadable, problems.length === 0);
    logger.info({ cluster: clusterName, ...status, newestWalReadable, problems: problems.length }, 'archive checked');
    if (problems.length > 0) {
        (0, embedded_metrics_1.emitMetrics)(common.metrics, clusterName, metrics, { command: 'check-archive' });
        throw new runner_error_1.RunnerError(`the WAL archive of ${clusterName} is unhealthy: ${problems.join('; ')}`);
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
