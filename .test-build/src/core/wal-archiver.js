"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ARCHIVERS = void 0;
exports.archiverOf = archiverOf;
exports.validateWalArchiverOptions = validateWalArchiverOptions;
exports.walArchiverCommands = walArchiverCommands;
const archive_command_1 = require("./archive-command");
const archive_repository_1 = require("./archive-repository");
const barman_cloud_1 = require("./barman-cloud");
const pgbackrest_conf_1 = require("./pgbackrest-conf");
const wal_g_1 = require("./wal-g");
/** Every archiver that ships WAL, in the order they are documented. */
exports.ARCHIVERS = ['pgbackrest', 'wal-g', 'barman-cloud', 'archive-command'];
/** The archiver chosen by the policy (`pitr.archiver`), pgBackRest when none is. */
function archiverOf(options) {
    return options.pitr?.archiver ?? 'pgbackrest';
}
/** Checks the repository and the chosen archiver's options, reporting under `path` (e.g. `pitr`). */
function validateWalArchiverOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    const archiver = archiverOf(options);
    (0, archive_repository_1.validateArchiveRepository)(options.repository, validator, `${at}repository`);
    if (!validator.oneOf(`${at}pitr.archiver`, archiver, exports.ARCHIVERS))
        return;
    switch (archiver) {
        case 'pgbackrest':
            (0, pgbackrest_conf_1.validatePgBackRestCommandOptions)(options.pgBackRest ?? {}, validator, `${at}pgBackRest`);
            return;
        case 'wal-g':
            (0, wal_g_1.validateWalGCommandOptions)(options.walG ?? {}, validator, `${at}walG`);
            return;
        case 'barman-cloud':
            (0, barman_cloud_1.validateBarmanCloudCommandOptions)({ repository: options.repository, ...options.barmanCloud }, validator, `${at}barmanCloud`, `${at}repository`);
            return;
        case 'archive-command':
            return;
    }
}
/**
 * The `archive_command` and `restore_command` of the policy's archiver, ready for `postgresql.conf`
 * (a user's `%` is already escaped as `%%`). Throws a {@link PolicyValidationError} for invalid options.
 */
function walArchiverCommands(options, validation = {}) {
    const archiver = archiverOf(options);
    switch (archiver) {
        case 'pgbackrest':
            return {
                archiver,
                archiveCommand: (0, pgbackrest_conf_1.pgBackRestArchivePushCommand)(options.pgBackRest, validation),
                restoreCommand: (0, pgbackrest_conf_1.pgBackRestArchiveGetCommand)(options.pgBackRest, validation),
            };
        case 'wal-g':
            return {
                archiver,
                archiveCommand: (0, wal_g_1.walGArchiveCommand)(options.walG, validation),
                restoreCommand: (0, wal_g_1.walGRestoreCommand)(options.walG, validation),
            };
        case 'barman-cloud': {
            const barman = { repository: options.repository, ...options.barmanCloud };
            return {
                archiver,
                archiveCommand: (0, barman_cloud_1.barmanCloudWalArchiveCommand)(barman, validation),
                restoreCommand: (0, barman_cloud_1.barmanCloudWalRestoreCommand)(barman, validation),
            };
        }
        case 'archive-command':
            return {
                archiver,
                archiveCommand: (0, archive_command_1.conditionalArchiveCommand)(options.repository, validation),
                restoreCommand: (0, archive_command_1.conditionalRestoreCommand)(options.repository, validation),
            };
    }
    throw new Error(`unknown archiver ${JSON.stringify(archiver)}`);
}
