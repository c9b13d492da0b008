"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PGBACKREST_DEFAULT_CONFIG_FILE = exports.PGBACKREST_LOG_LEVELS = exports.PGBACKREST_COMPRESS_TYPES = void 0;
exports.validatePgBackRestCommandOptions = validatePgBackRestCommandOptions;
exports.validatePgBackRestConfOptions = validatePgBackRestConfOptions;
exports.renderPgBackRestConf = renderPgBackRestConf;
exports.pgBackRestArchivePushCommand = pgBackRestArchivePushCommand;
exports.pgBackRestArchiveGetCommand = pgBackRestArchiveGetCommand;
exports.pgBackRestStanzaCreateArgv = pgBackRestStanzaCreateArgv;
exports.pgBackRestCheckArgv = pgBackRestCheckArgv;
exports.pgBackRestBackupArgv = pgBackRestBackupArgv;
exports.pgBackRestExpireArgv = pgBackRestExpireArgv;
exports.pgBackRestInfoArgv = pgBackRestInfoArgv;
exports.pgBackRestRestoreArgv = pgBackRestRestoreArgv;
const archive_repository_1 = require("./archive-repository");
const recovery_target_1 = require("./recovery-target");
const shell_quote_1 = require("./shell-quote");
const validation_1 = require("./validation");
/** Every {@link PgBackRestCompressType}. */
exports.PGBACKREST_COMPRESS_TYPES = ['zst', 'lz4', 'gz', 'bz2', 'none'];
/** Every {@link PgBackRestLogLevel}. */
exports.PGBACKREST_LOG_LEVELS = ['off', 'error', 'warn', 'info', 'detail', 'debug', 'trace'];
/** pgBackRest's own configuration file location, which needs no `--config` on the command line. */
exports.PGBACKREST_DEFAULT_CONFIG_FILE = '/etc/pgbackrest/pgbackrest.conf';
const STANZA = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const STANZA_ALLOWED = '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit';
const SINGLE_LINE = /^[^\s]+$/;
const BACKUP_LABEL = /^\d{8}-\d{6}F(?:_\d{8}-\d{6}[DI])?$/;
/** Checks the stanza and configuration file, reporting under `path`. */
function validatePgBackRestCommandOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    validator.matches(`${at}stanza`, options.stanza, STANZA, STANZA_ALLOWED);
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}configFile`, options.configFile);
}
/** Checks every option of a `pgbackrest.conf`, reporting under `path`. */
function validatePgBackRestConfOptions(options, validator, path = '') {
    const at = path ? `${path}.` : '';
    const repo = options.repository;
    validatePgBackRestCommandOptions(options, validator, path);
    (0, archive_repository_1.validateArchiveRepository)(repo, validator, `${at}repository`);
    if (repo.kind === 's3' && repo.endpoint !== undefined) {
        validator.matches(`${at}repository.endpoint`, repo.endpoint, /^https:/, 'an https:// URL (pgBackRest speaks to S3 only over TLS)');
    }
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}pgPath`, options.pgPath, true);
    validator.integer(`${at}pgPort`, options.pgPort, 1, 65535);
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}pgSocketPath`, options.pgSocketPath);
    validator.integer(`${at}pitr.retainFull`, options.pitr?.retainFull, 1, 9999999);
    validator.oneOf(`${at}compressType`, options.compressType, exports.PGBACKREST_COMPRESS_TYPES);
    validator.integer(`${at}processMax`, options.processMax, 1, 999);
    validator.oneOf(`${at}archiveAsync`, options.archiveAsync, [true, false]);
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}spoolPath`, options.spoolPath);
    validator.oneOf(`${at}startFast`, options.startFast, [true, false]);
    validator.oneOf(`${at}logLevelConsole`, options.logLevelConsole, exports.PGBACKREST_LOG_LEVELS);
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}logPath`, options.logPath);
    (0, archive_repository_1.validateAbsolutePath)(validator, `${at}lockPath`, options.lockPath);
    validateCredentials(options, validator, at);
}
function validateCredentials(options, validator, at) {
    const kind = options.repository.kind;
    if (options.s3KeyType !== undefined && kind !== 's3') {
        validator.report({ path: `${at}s3KeyType`, value: options.s3KeyType, allowed: 'nothing unless the repository is s3' });
    }
    else if (options.s3Keys !== undefined && options.s3KeyType !== undefined && options.s3KeyType !== 'shared') {
        validator.report({
            path: `${at}s3KeyType`, value: options.s3KeyType, allowed: 'shared', reason: 's3Keys are shared keys',
        }, [options.s3KeyType, options.s3Keys]);
    }
    else {
        validator.oneOf(`${at}s3KeyType`, options.s3KeyType, ['auto', 'web-id', 'shared']);
    }
    if (options.s3Keys !== undefined) {
        if (kind !== 's3') {
            validator.report({ path: `${at}s3Keys`, value: '(keys)', allowed: 'nothing unless the repository is s3' }, []);
        }
        else {
            validator.matches(`${at}s3Keys.accessKeyId`, options.s3Keys.accessKeyId, SINGLE_LINE, 'a non-empty key without spaces');
            if (!SINGLE_LINE.test(options.s3Keys.secretAccessKey ?? '') && !validator.isUnresolved(options.s3Keys.secretAccessKey)) {
                // Never echo a secret into an error message.
                validator.report({ path: `${at}s3Keys.secretAccessKey`, value: '(hidden)', allowed: 'a non-empty key without spaces' }, []);
            }
        }
    }
    if (options.azureKeyType !== undefined && kind !== 'azure') {
        validator.report({ path: `${at}azureKeyType`, value: options.azureKeyType, allowed: 'nothing unless the repository is azure' });
    }
    else {
        validator.oneOf(`${at}azureKeyType`, options.azureKeyType, ['shared', 'sas']);
    }
    if (options.azureKey !== undefined && !validator.isUnresolved(options.azureKey)) {
        if (kind !== 'azure') {
            validator.report({ path: `${at}azureKey`, value: '(hidden)', allowed: 'nothing unless the repository is azure' }, []);
        }
        else if (!SINGLE_LINE.test(options.azureKey)) {
            validator.report({ path: `${at}azureKey`, value: '(hidden)', allowed: 'a non-empty key without spaces' }, []);
        }
    }
}
function repositoryOptions(options) {
    const repo = options.repository;
    const opt = (name, value) => ({ name, value });
    switch (repo.kind) {
        case 'posix':
            return [opt('repo1-type', 'posix'), opt('repo1-path', repo.path)];
        case 's3': {
            const endpoint = repo.endpoint ? new URL(repo.endpoint) : undefined;
            const keyType = options.s3KeyType ?? (options.s3Keys ? 'shared' : 'auto');
            return [
                opt('repo1-type', 's3'),
                opt('repo1-path', `/${(0, archive_repository_1.repositoryPrefix)(repo)}`),
                opt('repo1-s3-bucket', repo.bucket),
                opt('repo1-s3-endpoint', endpoint ? endpoint.hostname : `s3.${repo.region}.amazonaws.com`),
                ...(endpoint?.port ? [opt('repo1-storage-port', endpoint.port)] : []),
                opt('repo1-s3-region', repo.region),
                opt('repo1-s3-key-type', keyType),
                ...(options.s3Keys ? [opt('repo1-s3-key', options.s3Keys.accessKeyId), opt('repo1-s3-key-secret', options.s3Keys.secretAccessKey)] : []),
                ...(repo.kmsKeyArn ? [opt('repo1-s3-kms-key-id', repo.kmsKeyArn)] : []),
                opt('repo1-s3-uri-style', repo.uriStyle ?? 'host'),
                ...(repo.verifyTls === false ? [opt('repo1-storage-verify-tls', 'n')] : []),
            ];
        }
        case 'azure':
            return [
                opt('repo1-type', 'azure'),
                opt('repo1-path', `/${(0, archive_repository_1.repositoryPrefix)(repo)}`),
                opt('repo1-azure-account', repo.account),
                opt('repo1-azure-container', repo.container),
                opt('repo1-azure-key-type', options.azureKeyType ?? 'shared'),
                ...(options.azureKey ? [opt('repo1-azure-key', options.azureKey)] : []),
            ];
    }
}
const yesNo = (value) => (value ? 'y' : 'n');
/**
 * Renders `pgbackrest.conf`: `[global]` with the repository (`repo1-*`), retention, compression,
 * parallelism, asynchronous archiving and logging, then `[<stanza>]` with the cluster (`pg1-*`).
 * Throws a {@link PolicyValidationError} listing every invalid option.
 */
function renderPgBackRestConf(options, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validatePgBackRestConfOptions(options, validator);
    validator.throwIfInvalid();
    const stanza = options.stanza ?? 'main';
    const opt = (name, value) => ({ name, value });
    const archiveAsync = options.archiveAsync ?? true;
    const global = [
        ...repositoryOptions(options),
        opt('repo1-retention-full', String(options.pitr?.retainFull ?? 2)),
        opt('repo1-retention-full-type', 'count'),
        ...(options.pitr?.expireBy === 'lifecycle' ? [opt('expire-auto', 'n')] : []),
        opt('compress-type', options.compressType ?? 'zst'),
        opt('process-max', String(options.processMax ?? 1)),
        opt('archive-async', yesNo(archiveAsync)),
        ...(archiveAsync ? [opt('spool-path', options.spoolPath ?? '/var/spool/pgbackrest')] : []),
        opt('start-fast', yesNo(options.startFast ?? true)),
        opt('log-level-console', options.logLevelConsole ?? 'info'),
        ...(options.logPath ? [opt('log-path', options.logPath)] : []),
        ...(options.lockPath ? [opt('lock-path', options.lockPath)] : []),
    ];
    const cluster = [
        opt('pg1-path', options.pgPath),
        ...(options.pgPort !== undefined ? [opt('pg1-port', String(options.pgPort))] : []),
        ...(options.pgSocketPath ? [opt('pg1-socket-path', options.pgSocketPath)] : []),
    ];
    const sections = [{ name: 'global', options: global }, { name: stanza, options: cluster }];
    const header = [
        `# pgBackRest configuration for stanza "${stanza}".`,
        '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
    ];
    const body = sections.map((section) => [`[${section.name}]`, ...section.options.map((o) => `${o.name}=${o.value}`)].join('\n'));
    return { sections, text: `${header.join('\n')}\n\n${body.join('\n\n')}\n` };
}
/** `pgbackrest [--config=…] --stanza=… <command> <args…>`, the shape every pgBackRest argv here has. */
function pgBackRestArgv(options, command, args, validation) {
    const validator = new validation_1.Validator(validation);
    validatePgBackRestCommandOptions(options, validator);
    validator.throwIfInvalid();
    const configFile = options.configFile ?? exports.PGBACKREST_DEFAULT_CONFIG_FILE;
    return [
        'pgbackrest',
        ...(configFile !== exports.PGBACKREST_DEFAULT_CONFIG_FILE ? [`--config=${configFile}`] : []),
        `--stanza=${options.stanza ?? 'main'}`,
        command,
        ...args,
    ];
}
/** `archive_command` for pgBackRest: `pgbackrest --stanza=<stanza> archive-push %p`. */
function pgBackRestArchivePushCommand(options = {}, validation = {}) {
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(pgBackRestArgv(options, 'archive-push', [], validation)))} %p`;
}
/** `restore_command` for pgBackRest: `pgbackrest --stanza=<stanza> archive-get %f "%p"`. */
function pgBackRestArchiveGetCommand(options = {}, validation = {}) {
    return `${(0, shell_quote_1.escapePercent)((0, shell_quote_1.shellJoin)(pgBackRestArgv(options, 'archive-get', [], validation)))} %f "%p"`;
}
/** argv of `pgbackrest stanza-create`, run once before the first backup. */
function pgBackRestStanzaCreateArgv(options = {}, validation = {}) {
    return pgBackRestArgv(options, 'stanza-create', [], validation);
}
/** argv of `pgbackrest check`: the repository is reachable and `archive_command` really archives. */
function pgBackRestCheckArgv(options = {}, validation = {}) {
    return pgBackRestArgv(options, 'check', [], validation);
}
/** argv of `pgbackrest backup --type=<type>`. */
function pgBackRestBackupArgv(options, type, validation = {}) {
    const validator = new validation_1.Validator(validation);
    validator.oneOf('type', type, ['full', 'diff', 'incr']);
    validator.throwIfInvalid();
    return pgBackRestArgv(options, 'backup', [`--type=${type}`], validation);
}
/** argv of `pgbackrest expire`: removes backups and WAL past `repo1-retention-full`. */
function pgBackRestExpireArgv(options = {}, validation = {}) {
    return pgBackRestArgv(options, 'expire', [], validation);
}
/** argv of `pgbackrest info --output=json`, the machine-readable list of backups. */
function pgBackRestInfoArgv(options = {}, validation = {}) {
    return pgBackRestArgv(options, 'info', ['--output=json'], validation);
}
/**
 * argv of `pgbackrest restore`; with a target, e.g. `--type=time --target=<time> --target-action=promote`.
 * Without one it replays the whole archive. Throws a {@link PolicyValidationError} for a bad target.
 */
function pgBackRestRestoreArgv(options, restore = {}, validation = {}) {
    const validator = new validation_1.Validator(validation);
    if (restore.target !== undefined)
        (0, recovery_target_1.validateRecoveryTargetOptions)({ ...restore, target: restore.target }, validator);
    validator.matches('set', restore.set, BACKUP_LABEL, 'a pgBackRest backup label such as 20261124-010000F');
    validator.throwIfInvalid();
    const args = [];
    if (restore.delta)
        args.push('--delta');
    if (restore.set)
        args.push(`--set=${restore.set}`);
    const target = restore.target;
    if (target) {
        switch (target.kind) {
            case 'time':
                args.push('--type=time', `--target=${(0, recovery_target_1.normalizeRecoveryTime)(target.time)}`);
                break;
            case 'xid':
                args.push('--type=xid', `--target=${target.xid}`);
                break;
            case 'lsn':
                args.push('--type=lsn', `--target=${target.lsn}`);
                break;
            case 'name':
                args.push('--type=name', `--target=${target.name}`);
                break;
            case 'immediate':
                args.push('--type=immediate');
                break;
        }
        if ((0, recovery_target_1.recoveryTargetAcceptsInclusive)(target) && restore.inclusive === false)
            args.push('--target-exclusive');
        args.push(`--target-action=${restore.action ?? 'promote'}`);
        if (restore.timeline !== undefined)
            args.push(`--target-timeline=${restore.timeline}`);
    }
    return pgBackRestArgv(options, 'restore', args, validation);
}
