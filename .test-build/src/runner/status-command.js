"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.STATUS_COMMAND_FLAGS = void 0;
exports.databaseStatuses = databaseStatuses;
exports.statusCommand = statusCommand;
const backup_commands_1 = require("./backup-commands");
const backup_layout_1 = require("./backup-layout");
const backup_location_1 = require("./backup-location");
const backup_survey_1 = require("./backup-survey");
const cli_output_1 = require("./cli-output");
const open_backup_store_1 = require("./open-backup-store");
/** The flags of `pg-backup status`. */
exports.STATUS_COMMAND_FLAGS = [
    backup_commands_1.FROM_FLAG,
    { ...backup_commands_1.BACKUP_DATABASE_FLAG, description: 'only this database', default: 'every database under the location' },
    { name: 'rpo', value: 'DUR', description: 'exit 1 when a database\'s newest complete backup is older than this, 1s to 365 days', default: 'no limit', example: '--rpo 26h' },
    cli_output_1.OUTPUT_FLAG,
];
/** The status of each database from a survey of its location, at `now`. */
function databaseStatuses(entries, now, rpoSeconds) {
    const databases = [...new Set(entries.map((entry) => entry.database))].sort();
    return databases.map((database) => {
        const own = entries.filter((entry) => entry.database === database);
        const complete = own.flatMap((entry) => (entry.state === 'complete' ? [entry.manifest] : []))
            .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
        const newestManifest = complete[complete.length - 1];
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
            broken: own.flatMap((entry) => (entry.state === 'broken' ? [{ backupId: entry.backupId, manifestKey: entry.manifestKey, problem: entry.problem }] : [])),
            partial: own.flatMap((entry) => (entry.state === 'partial' ? [{ backupId: entry.backupId, objects: entry.objects }] : [])),
        };
    });
}
function statusTable(statuses, rpoSeconds) {
    const rows = statuses.map((status) => [
        status.database,
        status.newest?.backupId ?? 'none',
        status.newest ? (0, cli_output_1.formatDuration)(status.newest.ageSeconds) : '',
        status.newest ? (0, cli_output_1.formatBytes)(status.newest.bytes) : '',
        status.newest ? status.newest.rows : '',
        status.complete,
        rpoSeconds === undefined ? '' : status.olderThanRpo ? `OLDER THAN ${(0, cli_output_1.formatDuration)(rpoSeconds)}` : 'ok',
        status.broken.length,
        status.partial.length,
    ]);
    const problems = statuses.flatMap((status) => [
        ...status.broken.map((entry) => `broken: ${status.database} ${entry.backupId}: ${entry.problem}`),
        ...status.partial.map((entry) => `partial: ${status.database} ${entry.backupId}: ${entry.objects} object(s), no manifest (running, failed or interrupted)`),
    ]);
    const table = (0, cli_output_1.formatTable)(['DATABASE', 'NEWEST BACKUP', 'AGE', 'SIZE', 'ROWS', 'COMPLETE', 'RPO', 'BROKEN', 'PARTIAL'], rows);
    return problems.length === 0 ? table : `${table}\n${problems.join('\n')}\n`;
}
/**
 * `pg-backup status`: per database under the location, the newest complete backup (age, size, rows), whether it is
 * older than `--rpo`, and the broken and partial backups. Fails (exit 1, with the whole status in the result line)
 * when a database's newest complete backup is older than the RPO.
 */
async function statusCommand(reader, context) {
    const { common, env } = context;
    const from = reader.required('from');
    const rpoSeconds = reader.string('rpo') === undefined ? undefined : reader.seconds('rpo', 1, 365 * 86_400, 0);
    const output = (0, cli_output_1.readOutputMode)(reader, context);
    reader.throwIfInvalid('status');
    const location = (0, backup_location_1.parseBackupLocation)(from, '--from');
    const store = await (0, open_backup_store_1.openBackupStore)(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
    try {
        const entries = (await (0, backup_survey_1.surveyBackups)(store, new backup_layout_1.BackupLayout(location)))
            .filter((entry) => common.database === undefined || entry.database === common.database);
        const statuses = databaseStatuses(entries, new Date(), rpoSeconds);
        const late = statuses.filter((status) => status.olderThanRpo);
        if (common.database !== undefined && statuses.length === 0 && rpoSeconds !== undefined) {
            late.push({ database: common.database, complete: 0, olderThanRpo: true, broken: [], partial: [] });
        }
        return {
            database: common.database ?? '',
            metrics: [],
            result: {
                location: (0, backup_location_1.formatBackupLocation)(location),
                ...(rpoSeconds === undefined ? {} : { rpoSeconds }),
                databases: statuses,
                ...(rpoSeconds === undefined ? {} : { olderThanRpo: late.map((status) => status.database) }),
            },
            table: output === 'table' ? statusTable(statuses, rpoSeconds) : undefined,
            failure: late.length === 0 ? undefined
                : `${late.map((status) => (status.newest ? `${status.database} (newest complete backup ${(0, cli_output_1.formatDuration)(status.newest.ageSeconds)} old)` : `${status.database} (no complete backup)`)).join(', ')} `
                    + `${late.length === 1 ? 'is' : 'are'} older than the RPO of ${(0, cli_output_1.formatDuration)(rpoSeconds)}`,
        };
    }
    finally {
        store.close();
    }
}
