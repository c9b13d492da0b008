"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderRecoveryConf = renderRecoveryConf;
const archive_repository_1 = require("./archive-repository");
const postgres_settings_1 = require("./postgres-settings");
const recovery_target_1 = require("./recovery-target");
const validation_1 = require("./validation");
const wal_archiver_1 = require("./wal-archiver");
/**
 * Renders the recovery settings of a point-in-time restore: `restore_command` of the policy's archiver,
 * the target, `recovery_target_inclusive` (time, xid and lsn targets), `recovery_target_action` and
 * `recovery_target_timeline`; and the files that apply them. Throws a {@link PolicyValidationError}
 * listing every invalid option.
 */
function renderRecoveryConf(options, validation = {}) {
    const validator = new validation_1.Validator(validation);
    (0, wal_archiver_1.validateWalArchiverOptions)(options, validator);
    (0, recovery_target_1.validateRecoveryTargetOptions)(options, validator);
    (0, archive_repository_1.validateAbsolutePath)(validator, 'dataDirectory', options.dataDirectory, true);
    validator.throwIfInvalid();
    const { archiver, restoreCommand } = (0, wal_archiver_1.walArchiverCommands)(options, validation);
    const settings = [{ name: 'restore_command', value: restoreCommand }, ...(0, recovery_target_1.recoveryTargetSettings)(options)];
    const header = [
        `Point-in-time recovery to ${(0, recovery_target_1.describeRecoveryTarget)(options.target)} (archiver: ${archiver}).`,
        'Rendered by postgres-backup-constructs; the server starts in recovery while recovery.signal exists.',
    ];
    const text = (0, postgres_settings_1.renderPostgresSettings)(settings, header);
    return {
        settings,
        text,
        files: [
            { path: `${options.dataDirectory}/postgresql.auto.conf`, write: 'append', content: text },
            { path: `${options.dataDirectory}/recovery.signal`, write: 'create', content: '' },
        ],
    };
}
