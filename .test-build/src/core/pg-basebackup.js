"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validatePgBaseBackupOptions = validatePgBaseBackupOptions;
exports.pgBaseBackupArgv = pgBaseBackupArgv;
const archive_repository_1 = require("./archive-repository");
const validation_1 = require("./validation");
/** Checks the options, reporting under `path`. */
function validatePgBaseBackupOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}targetDirectory`, options.targetDirectory, true);
    validator.matches(`${at}label`, options.label, /^[^\n\r\0]{1,1023}$/, '1-1023 characters on one line');
    validator.oneOf(`${at}checkpoint`, options.checkpoint, ['fast', 'spread']);
    validator.oneOf(`${at}compress`, options.compress, [true, false]);
    validator.oneOf(`${at}progress`, options.progress, [true, false]);
    validator.matches(`${at}host`, options.host, /^[^\s]+$/, 'a host name, address or socket directory without spaces');
    validator.integer(`${at}port`, options.port, 1, 65535);
    validator.matches(`${at}user`, options.user, /^[^\s]{1,63}$/, 'a role name of 1-63 characters without spaces');
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}binDir`, options.binDir);
}
/**
 * argv of `pg_basebackup -D <dir> -Ft -z -Xs -P --checkpoint=fast --label=… --no-password`: a tar-format
 * base backup with the WAL it needs streamed alongside (`-Xs`, two replication connections), never
 * prompting for a password (a scheduled job has no one to answer; use `PGPASSWORD` or `.pgpass`).
 * An argv, never a shell string. Throws a {@link PolicyValidationError} listing every invalid option.
 */
function pgBaseBackupArgv(options, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validatePgBaseBackupOptions(options, validator);
    validator.throwIfInvalid();
    return [
        options.binDir ? `${options.binDir}/pg_basebackup` : 'pg_basebackup',
        '-D', options.targetDirectory,
        '-Ft',
        ...((options.compress ?? true) ? ['-z'] : []),
        '-Xs',
        ...((options.progress ?? true) ? ['-P'] : []),
        `--checkpoint=${options.checkpoint ?? 'fast'}`,
        `--label=${options.label ?? 'pg_basebackup base backup'}`,
        ...(options.host ? ['--host', options.host] : []),
        ...(options.port !== undefined ? ['--port', String(options.port)] : []),
        ...(options.user ? ['--username', options.user] : []),
        '--no-password',
    ];
}
