"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BARMAN_CLOUD_COMPRESSIONS = void 0;
exports.validateBarmanCloudCommandOptions = validateBarmanCloudCommandOptions;
exports.validateBarmanCloudOptions = validateBarmanCloudOptions;
exports.barmanCloudUrl = barmanCloudUrl;
exports.barmanCloudWalArchiveArgv = barmanCloudWalArchiveArgv;
exports.barmanCloudWalRestoreArgv = barmanCloudWalRestoreArgv;
exports.barmanCloudWalArchiveCommand = barmanCloudWalArchiveCommand;
exports.barmanCloudWalRestoreCommand = barmanCloudWalRestoreCommand;
exports.barmanCloudBackupArgv = barmanCloudBackupArgv;
exports.barmanCloudRestoreArgv = barmanCloudRestoreArgv;
exports.barmanCloudBackupDeleteArgv = barmanCloudBackupDeleteArgv;
const archive_repository_1 = require("./archive-repository");
const shell_quote_1 = require("./shell-quote");
const validation_1 = require("./validation");
/** Every {@link BarmanCloudCompression}. */
exports.BARMAN_CLOUD_COMPRESSIONS = ['gzip', 'bzip2', 'snappy', 'none'];
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const WORD = /^[^\s'"\\]+$/;
/**
 * Checks the barman-cloud options, reporting under `path`; problems of the repository that only
 * barman-cloud has (a directory repository, skipped TLS verification) are reported under `repositoryPath`.
 */
function validateBarmanCloudCommandOptions(options, validator, path = '', repositoryPath = path ? `${path}.repository` : 'repository') {
    const at = path ? `${path}.` : '';
    const repo = options.repository;
    if (repo?.kind === 'posix') {
        validator.report({ path: `${repositoryPath}.kind`, value: 'posix', allowed: 'one of: s3, azure', reason: 'barman-cloud stores only in object storage' });
    }
    if (repo?.kind === 's3' && repo.verifyTls === false) {
        validator.report({
            path: `${repositoryPath}.verifyTls`,
            value: false,
            allowed: 'true',
            reason: 'barman-cloud cannot skip certificate verification; give the endpoint a certificate the host trusts',
        });
    }
    validator.matches(`${at}serverName`, options.serverName, SERVER_NAME, '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit');
    validator.oneOf(`${at}compression`, options.compression, exports.BARMAN_CLOUD_COMPRESSIONS);
    validator.oneOf(`${at}azureCredential`, options.azureCredential, ['azure-cli', 'managed-identity']);
}
/** Checks the repository and the barman-cloud options, reporting under `path`. */
function validateBarmanCloudOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    (0, archive_repository_1.validateArchiveRepository)(options.repository, validator, `${at}repository`);
    validateBarmanCloudCommandOptions(options, validator, path);
}
function validated(options, extra, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validateBarmanCloudOptions(options, validator);
    extra?.(validator);
    validator.throwIfInvalid();
}
/**
 * The URL barman-cloud takes as source or destination: `s3://<bucket>/<prefix>`, or
 * `https://<account>.blob.core.windows.net/<container>/<prefix>`.
 */
function barmanCloudUrl(repo) {
    const prefix = (0, archive_repository_1.repositoryPrefix)(repo);
    const below = prefix ? `/${prefix}` : '';
    switch (repo.kind) {
        case 's3': return `s3://${repo.bucket}${below}`;
        case 'azure': return `https://${repo.account}.blob.core.windows.net/${repo.container}${below}`;
        case 'posix': throw new Error('barman-cloud stores only in object storage (s3 or azure)');
    }
}
function providerArgs(options) {
    const repo = options.repository;
    if (repo.kind === 's3')
        return ['--cloud-provider', 'aws-s3', ...(repo.endpoint ? ['--endpoint-url', repo.endpoint] : [])];
    return ['--cloud-provider', 'azure-blob-storage', ...(options.azureCredential ? ['--credential', options.azureCredential] : [])];
}
function compressionArgs(options) {
    const compression = options.compression ?? 'gzip';
    return compression === 'none' ? [] : [`--${compression}`];
}
function location(options) {
    return [barmanCloudUrl(options.repository), options.serverName ?? 'main'];
}
/** argv of `barman-cloud-wal-archive … <url> <server> <walPath>`. */
function barmanCloudWalArchiveArgv(options, walPath, validation = {}) {
    validated(options, undefined, validation);
    return ['barman-cloud-wal-archive', ...providerArgs(options), ...compressionArgs(options), ...location(options), walPath];
}
/** argv of `barman-cloud-wal-restore … <url> <server> <walName> <walDestination>`. */
function barmanCloudWalRestoreArgv(options, walName, walDestination, validation = {}) {
    validated(options, undefined, validation);
    return ['barman-cloud-wal-restore', ...providerArgs(options), ...location(options), walName, walDestination];
}
/** `archive_command` for barman-cloud: `barman-cloud-wal-archive … <url> <server> %p`. */
function barmanCloudWalArchiveCommand(options, validation = {}) {
    const argv = barmanCloudWalArchiveArgv(options, '', validation).slice(0, -1);
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(argv))} %p`;
}
/** `restore_command` for barman-cloud: `barman-cloud-wal-restore … <url> <server> %f %p`. */
function barmanCloudWalRestoreCommand(options, validation = {}) {
    const argv = barmanCloudWalRestoreArgv(options, '', '', validation).slice(0, -2);
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(argv))} %f %p`;
}
/** argv of `barman-cloud-backup`: a base backup of the running cluster, streamed to the repository. */
function barmanCloudBackupArgv(options, backup = {}, validation = {}) {
    validated(options, (validator) => {
        validator.matches('pgHost', backup.pgHost, WORD, 'a host name, address or socket directory without spaces or quotes');
        validator.integer('pgPort', backup.pgPort, 1, 65535);
        validator.matches('pgUser', backup.pgUser, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a role name of 1-63 letters, digits, "_", "$" and "-"');
        validator.oneOf('immediateCheckpoint', backup.immediateCheckpoint, [true, false]);
        validator.integer('jobs', backup.jobs, 1, 64);
        validator.matches('name', backup.name, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, '1-100 letters, digits, ".", "_" and "-"');
    }, validation);
    return [
        'barman-cloud-backup',
        ...providerArgs(options),
        ...compressionArgs(options),
        ...((backup.immediateCheckpoint ?? true) ? ['--immediate-checkpoint'] : []),
        ...(backup.pgHost ? ['--host', backup.pgHost] : []),
        ...(backup.pgPort !== undefined ? ['--port', String(backup.pgPort)] : []),
        ...(backup.pgUser ? ['--user', backup.pgUser] : []),
        ...(backup.jobs !== undefined ? ['--jobs', String(backup.jobs)] : []),
        ...(backup.name ? ['--name', backup.name] : []),
        ...location(options),
    ];
}
/** argv of `barman-cloud-restore … <url> <server> <backupId> <recoveryDirectory>`; `backupId` is a backup id or name. */
function barmanCloudRestoreArgv(options, backupId, recoveryDirectory, validation = {}) {
    validated(options, (validator) => {
        if (backupId === undefined)
            validator.report({ path: 'backupId', value: backupId, allowed: 'a backup id (YYYYMMDDThhmmss) or backup name' });
        validator.matches('backupId', backupId, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a backup id (YYYYMMDDThhmmss) or backup name');
        (0, archive_repository_1.validateAbsolutePath)(validator, 'recoveryDirectory', recoveryDirectory, true);
    }, validation);
    return ['barman-cloud-restore', ...providerArgs(options), ...location(options), backupId, recoveryDirectory];
}
/**
 * argv of `barman-cloud-backup-delete --retention-policy "REDUNDANCY <n>"`: keeps the newest `retainFull`
 * backups and the WAL they need, and deletes the rest.
 */
function barmanCloudBackupDeleteArgv(options, retainFull = 2, validation = {}) {
    validated(options, (validator) => validator.integer('retainFull', retainFull, 1, 9999999), validation);
    return ['barman-cloud-backup-delete', ...providerArgs(options), '--retention-policy', `REDUNDANCY ${retainFull}`, ...location(options)];
}
