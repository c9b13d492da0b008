"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateArchiveSettingsOptions = validateArchiveSettingsOptions;
exports.renderArchiveSettings = renderArchiveSettings;
const defaults_1 = require("./defaults");
const postgres_settings_1 = require("./postgres-settings");
const pitr_1 = require("./rules/pitr");
const validation_1 = require("./validation");
const wal_archiver_1 = require("./wal-archiver");
const DEFAULT_MAX_WAL_SENDERS = 10;
/** Checks the archive block's options, reporting under `path`. */
function validateArchiveSettingsOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    (0, wal_archiver_1.validateWalArchiverOptions)(options, validator, path);
    // The policy's own rule, so a renderer called on its own refuses exactly what policy validation refuses.
    if (options.pitr)
        (0, pitr_1.checkArchiveTimeout)(validator, `${at}pitr`, options.pitr);
    validator.integer(`${at}maxWalSenders`, options.maxWalSenders, 0, 262143);
}
/**
 * Renders the `postgresql.conf` block that archives every WAL segment with the policy's archiver:
 * `wal_level`, `archive_mode`, `archive_command`, `archive_timeout` and `max_wal_senders`, under a
 * header saying it was rendered. Throws a {@link PolicyValidationError} listing every invalid option.
 */
function renderArchiveSettings(options, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validateArchiveSettingsOptions(options, validator);
    validator.throwIfInvalid();
    const commands = (0, wal_archiver_1.walArchiverCommands)(options, validation);
    const settings = [
        { name: 'wal_level', value: 'replica' },
        { name: 'archive_mode', value: 'on' },
        { name: 'archive_command', value: commands.archiveCommand },
        { name: 'archive_timeout', value: options.pitr?.archiveTimeoutSeconds ?? defaults_1.DEFAULT_ARCHIVE_TIMEOUT_SECONDS },
        { name: 'max_wal_senders', value: options.maxWalSenders ?? DEFAULT_MAX_WAL_SENDERS },
    ];
    const header = [
        `WAL archiving for point-in-time recovery (archiver: ${commands.archiver}).`,
        'Rendered by postgres-backup-constructs from the backup policy: change the policy, not these lines.',
    ];
    return { settings, text: (0, postgres_settings_1.renderPostgresSettings)(settings, header) };
}
