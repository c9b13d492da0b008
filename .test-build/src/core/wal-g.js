"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WALG_DEFAULT_CONFIG_FILE = exports.WALG_COMPRESSION_METHODS = void 0;
exports.validateWalGCommandOptions = validateWalGCommandOptions;
exports.validateWalGOptions = validateWalGOptions;
exports.renderWalGEnvironment = renderWalGEnvironment;
exports.walGArchiveCommand = walGArchiveCommand;
exports.walGRestoreCommand = walGRestoreCommand;
exports.walGBackupPushArgv = walGBackupPushArgv;
exports.walGBackupFetchArgv = walGBackupFetchArgv;
exports.walGDeleteRetainArgv = walGDeleteRetainArgv;
const archive_repository_1 = require("./archive-repository");
const shell_quote_1 = require("./shell-quote");
const validation_1 = require("./validation");
/** Every {@link WalGCompressionMethod}. */
exports.WALG_COMPRESSION_METHODS = ['lz4', 'lzma', 'zstd', 'brotli', 'none'];
/** Where the rendered WAL-G environment file is read from unless told otherwise. */
exports.WALG_DEFAULT_CONFIG_FILE = '/etc/wal-g/wal-g.env';
/** Characters no env-file dialect (WAL-G's dotenv, systemd, sh) reads the same way inside quotes. */
const ENV_VALUE = /^[^'"\\$`\n\r\0]*$/;
const ENV_VALUE_ALLOWED = 'a value without quotes, backslashes, "$", backticks or line breaks (it goes into an env file)';
const ENV_FILE = /\.env$/;
/** Checks the configuration file, reporting under `path`. */
function validateWalGCommandOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    if ((0, archive_repository_1.validateAbsolutePath)(validator, `${at}configFile`, options.configFile)) {
        validator.matches(`${at}configFile`, options.configFile, ENV_FILE, 'a path ending in .env (WAL-G reads the format from the extension)');
    }
}
/** Checks the environment's options, reporting under `path`. */
function validateWalGOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    validateWalGCommandOptions(options, validator, path);
    (0, archive_repository_1.validateArchiveRepository)(options.repository, validator, `${at}repository`);
    const repo = options.repository;
    if (repo.kind === 's3' && repo.verifyTls === false) {
        validator.report({
            path: `${at}repository.verifyTls`,
            value: false,
            allowed: 'true',
            reason: 'WAL-G cannot skip certificate verification; give the endpoint a certificate the host trusts',
        });
    }
    if (repo.kind === 'posix')
        validator.matches(`${at}repository.path`, repo.path, ENV_VALUE, ENV_VALUE_ALLOWED);
    validator.oneOf(`${at}compression`, options.compression, exports.WALG_COMPRESSION_METHODS);
    validator.matches(`${at}pgHost`, options.pgHost, /^[^\s'"\\$`]+$/, 'a host name, address or absolute socket directory without spaces or quotes');
    validator.integer(`${at}pgPort`, options.pgPort, 1, 65535);
    validator.matches(`${at}pgUser`, options.pgUser, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a role name of 1-63 letters, digits, "_", "$" and "-"');
}
function storageVariables(repo) {
    const prefix = (0, archive_repository_1.repositoryPrefix)(repo);
    const below = prefix ? `/${prefix}` : '';
    switch (repo.kind) {
        case 's3':
            return {
                WALG_S3_PREFIX: `s3://${repo.bucket}${below}`,
                AWS_REGION: repo.region,
                ...(repo.endpoint ? { AWS_ENDPOINT: repo.endpoint.replace(/\/$/, '') } : {}),
                ...(repo.uriStyle === 'path' ? { AWS_S3_FORCE_PATH_STYLE: 'true' } : {}),
                ...(repo.kmsKeyArn ? { WALG_S3_SSE: 'aws:kms', WALG_S3_SSE_KMS_ID: repo.kmsKeyArn } : {}),
            };
        case 'azure':
            return { WALG_AZ_PREFIX: `azure://${repo.container}${below}`, AZURE_STORAGE_ACCOUNT: repo.account };
        case 'posix':
            return { WALG_FILE_PREFIX: repo.path };
    }
}
function envLine(name, value) {
    return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? `${name}=${value}` : `${name}='${value}'`;
}
/**
 * Renders WAL-G's environment: the storage prefix (`WALG_S3_PREFIX`, `WALG_AZ_PREFIX` or `WALG_FILE_PREFIX`)
 * with its region, endpoint and encryption, `WALG_COMPRESSION_METHOD`, and the connection (`PGHOST`,
 * `PGPORT`, `PGUSER`). Credentials are not written: WAL-G takes them from the instance role or managed
 * identity. Throws a {@link PolicyValidationError} listing every invalid option.
 */
function renderWalGEnvironment(options, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validateWalGOptions(options, validator);
    validator.throwIfInvalid();
    const variables = {
        ...storageVariables(options.repository),
        WALG_COMPRESSION_METHOD: options.compression ?? 'zstd',
        PGHOST: options.pgHost ?? '/var/run/postgresql',
        PGPORT: String(options.pgPort ?? 5432),
        PGUSER: options.pgUser ?? 'postgres',
    };
    const header = [
        '# WAL-G environment, read with `wal-g --config <this file>`.',
        '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
    ];
    const lines = Object.entries(variables).map(([name, value]) => envLine(name, value));
    return { variables, text: `${[...header, ...lines].join('\n')}\n` };
}
function walGArgv(options, args, validation) {
    const validator = new validation_1.Validator(validation);
    validateWalGCommandOptions(options, validator);
    validator.throwIfInvalid();
    return ['wal-g', '--config', options.configFile ?? exports.WALG_DEFAULT_CONFIG_FILE, ...args];
}
/** `archive_command` for WAL-G: `wal-g --config <file> wal-push %p`. */
function walGArchiveCommand(options = {}, validation = {}) {
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(walGArgv(options, ['wal-push'], validation)))} %p`;
}
/** `restore_command` for WAL-G: `wal-g --config <file> wal-fetch %f %p`. */
function walGRestoreCommand(options = {}, validation = {}) {
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(walGArgv(options, ['wal-fetch'], validation)))} %f %p`;
}
/** argv of `wal-g backup-push <data directory>`; `full` forces a full backup when delta backups are configured. */
function walGBackupPushArgv(options, dataDirectory, full = false, validation = {}) {
    const validator = new validation_1.Validator(validation);
    (0, archive_repository_1.validateAbsolutePath)(validator, 'dataDirectory', dataDirectory, true);
    validator.throwIfInvalid();
    return walGArgv(options, ['backup-push', dataDirectory, ...(full ? ['--full'] : [])], validation);
}
/** argv of `wal-g backup-fetch <target directory> <backup>`; `LATEST` is the newest backup. */
function walGBackupFetchArgv(options, targetDirectory, backupName = 'LATEST', validation = {}) {
    const validator = new validation_1.Validator(validation);
    (0, archive_repository_1.validateAbsolutePath)(validator, 'targetDirectory', targetDirectory, true);
    validator.matches('backupName', backupName, /^(?:LATEST|base_[0-9A-F]{24}(?:_D_[0-9A-F]{24})?)$/, 'LATEST or a WAL-G backup name such as base_000000010000000000000003');
    validator.throwIfInvalid();
    return walGArgv(options, ['backup-fetch', targetDirectory, backupName], validation);
}
/**
 * argv of `wal-g delete retain FULL <n> --confirm`: keeps the newest `retainFull` full backups, their
 * deltas and the WAL they need, and deletes the rest.
 */
function walGDeleteRetainArgv(options, retainFull = 2, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validator.integer('retainFull', retainFull, 1, 9999999);
    validator.throwIfInvalid();
    return walGArgv(options, ['delete', 'retain', 'FULL', String(retainFull), '--confirm'], validation);
}
