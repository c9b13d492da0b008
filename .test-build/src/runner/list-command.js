"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LIST_COMMAND_FLAGS = void 0;
exports.listCommand = listCommand;
const backup_catalog_1 = require("./backup-catalog");
const backup_commands_1 = require("./backup-commands");
const backup_layout_1 = require("./backup-layout");
const backup_location_1 = require("./backup-location");
const cli_output_1 = require("./cli-output");
const open_backup_store_1 = require("./open-backup-store");
/** The flags of `pg-backup list`. */
exports.LIST_COMMAND_FLAGS = [
    backup_commands_1.FROM_FLAG,
    { ...backup_commands_1.BACKUP_DATABASE_FLAG, description: 'list only the backups of this database', default: 'every database' },
    cli_output_1.OUTPUT_FLAG,
];
/**
 * `pg-backup list`: every complete backup under the location, oldest snapshot first per database, and
 * beside them every manifest that cannot be read (`broken`, with the reason): one broken manifest never
 * hides the others. On a terminal (or with `--output table`) a table comes before the result line.
 */
async function listCommand(reader, context) {
    const { common, env, logger } = context;
    const from = reader.required('from');
    const output = (0, cli_output_1.readOutputMode)(reader, context);
    reader.throwIfInvalid('list');
    const location = (0, backup_location_1.parseBackupLocation)(from, '--from');
    const store = await (0, open_backup_store_1.openBackupStore)(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
    try {
        const catalog = await (0, backup_catalog_1.readCatalog)(store, new backup_layout_1.BackupLayout(location), common.database);
        const backups = catalog.backups.map(({ manifest, manifestKey, snapshotAt }) => ({
            database: manifest.database,
            backupId: manifest.backupId,
            snapshotAt,
            finishedAt: manifest.finishedAt,
            format: manifest.format,
            bytes: manifest.totalBytes,
            rows: manifest.rowCounts.totalRows,
            tables: manifest.rowCounts.tables.length,
            globals: manifest.objects.some((object) => object.role === 'globals'),
            manifestKey,
        }));
        for (const entry of catalog.broken)
            logger.warn(entry, `broken manifest ${entry.manifestKey}: ${entry.reason}`);
        const table = output === 'table' ? (0, cli_output_1.formatTable)(['DATABASE', 'BACKUP', 'FINISHED', 'FORMAT', 'SIZE', 'ROWS', 'TABLES', 'GLOBALS'], [
            ...backups.map((backup) => [
                backup.database, backup.backupId, backup.finishedAt, backup.format, (0, cli_output_1.formatBytes)(backup.bytes), backup.rows, backup.tables, backup.globals ? 'yes' : 'no',
            ]),
            ...catalog.broken.map((entry) => [entry.database, entry.backupId, `BROKEN: ${entry.reason}`, '', '', '', '', '']),
        ]) : undefined;
        return {
            database: common.database ?? '',
            metrics: [],
            result: {
                location: (0, backup_location_1.formatBackupLocation)(location), count: backups.length, backups, brokenCount: catalog.broken.length, broken: catalog.broken,
            },
            table,
        };
    }
    finally {
        store.close();
    }
}
