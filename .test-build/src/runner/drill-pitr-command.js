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
exports.DRILL_PITR_COMMAND_FLAGS = exports.DEFAULT_RECOVERY_TIMEOUT_SECONDS = exports.DRILL_PITR_METRICS = exports.PGBACKREST_CONF_ENV = void 0;
exports.summarizeRecoveryLog = summarizeRecoveryLog;
exports.nextWalSegment = nextWalSegment;
exports.describeRecoveryFailure = describeRecoveryFailure;
exports.runPitrDrill = runPitrDrill;
exports.pgBackRestCredentialEnvironment = pgBackRestCredentialEnvironment;
exports.pitrDrillMetrics = pitrDrillMetrics;
exports.drillPitrCommand = drillPitrCommand;
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:timers/promises");
const node_util_1 = require("node:util");
const core_1 = require("../core");
const check_command_1 = require("./check-command");
const check_files_1 = require("./check-files");
const child_process_1 = require("./child-process");
const database_connection_1 = require("./database-connection");
const embedded_metrics_1 = require("./embedded-metrics");
const runner_error_1 = require("./runner-error");
const run = (0, node_util_1.promisify)(node_child_process_1.execFile);
/** The environment variable that may carry the text of `pgbackrest.conf` (how a task definition hands it over). */
exports.PGBACKREST_CONF_ENV = 'PG_BACKUP_PGBACKREST_CONF';
/** Names of the metrics of `pg-backup drill-pitr` (dimension `Database`). */
exports.DRILL_PITR_METRICS = {
    /** 1 for each drill that recovered to its target and passed its checks. */
    drillSucceeded: 'PitrDrillSucceeded',
    /** 1 for each failed drill (0 on success). */
    drillFailed: 'PitrDrillFailed',
    /** Seconds `pgbackrest restore` took to lay down the base backup. */
    restoreSeconds: 'PitrRestoreSeconds',
    /** Seconds PostgreSQL took to replay WAL up to the target and promote. */
    recoverySeconds: 'PitrRecoverySeconds',
    /** WAL segments PostgreSQL fetched from the archive during recovery. */
    walSegmentsRestored: 'PitrWalSegmentsRestored',
    /** Wall time of the whole drill, seconds. */
    drillDurationSeconds: 'PitrDrillDurationSeconds',
};
/** How long WAL replay may take by default before the drill gives up. */
exports.DEFAULT_RECOVERY_TIMEOUT_SECONDS = 3600;
/**
 * Settings the restored server always starts with, whatever the source cluster's configuration says: no TCP
 * listener and a socket in the drill's own directory (nothing else can connect, nothing collides with a server on the
 * same host), trust on that socket only, no archiving (a drill must never push WAL into the production archive), no
 * connections during recovery (so `pg_ctl -w` returns only once the target is reached and the server promoted), the
 * log in the file the drill reads, and no TLS (the source's certificate paths do not exist here).
 */
function drillServerSettings(workDirectory) {
    return {
        listen_addresses: '',
        port: '5432',
        unix_socket_directories: path.join(workDirectory, 'socket'),
        hba_file: path.join(workDirectory, 'pg_hba.conf'),
        archive_mode: 'off',
        hot_standby: 'off',
        logging_collector: 'off',
        log_destination: 'stderr',
        ssl: 'off',
    };
}
/** Reads a recovery's server log: where it stopped, which segments it fetched, and why it died if it did. */
function summarizeRecoveryLog(log) {
    const stop = /recovery stopping (before|after) (?:commit|abort) of transaction (\d+), time ([^\n]+)/.exec(log);
    const restoredSegments = [...log.matchAll(/restored log file "([0-9A-F]{24})" from archive/g)].map((match) => match[1]);
    const fatal = [...log.matchAll(/(?:FATAL|PANIC):\s+([^\n]+)/g)].map((match) => match[1].trim());
    return {
        stoppedAt: stop ? { position: stop[1], xid: stop[2], time: stop[3].trim() } : undefined,
        restoredSegments: [...new Set(restoredSegments)],
        fatal,
    };
}
/** The WAL segment that follows `segment` (24 hex digits: timeline, log, segment of 16 MiB WAL files). */
function nextWalSegment(segment) {
    const timeline = segment.slice(0, 8);
    const log = parseInt(segment.slice(8, 16), 16);
    const seg = parseInt(segment.slice(16, 24), 16);
    const [nextLog, nextSeg] = seg >= 0xff ? [log + 1, 0] : [log, seg + 1];
    const hex = (value) => value.toString(16).toUpperCase().padStart(8, '0');
    return `${timeline}${hex(nextLog)}${hex(nextSeg)}`;
}
/** Why a recovery failed, in the operator's terms, from its log. */
function describeRecoveryFailure(targetTime, summary) {
    const fatal = summary.fatal.length > 0 ? summary.fatal.join('; ') : 'the server stopped without a FATAL message';
    const last = summary.restoredSegments[summary.restoredSegments.length - 1];
    const where = last === undefined
        ? 'no WAL segment could be restored from the archive'
        : `the last WAL segment restored from the archive was ${last}, so ${nextWalSegment(last)} is missing from the archive `
            + '(or the archive holds no commit after the target time yet)';
    return `point-in-time recovery to ${targetTime} failed: ${fatal}; ${where}`;
}
/** Reads `LABEL` and `START TIME` from a restored `backup_label`. */
function readBackupLabel(dataDirectory) {
    try {
        const text = fs.readFileSync(path.join(dataDirectory, 'backup_label'), 'utf8');
        return { label: /^LABEL: (.+)$/m.exec(text)?.[1]?.trim(), startTime: /^START TIME: (.+)$/m.exec(text)?.[1]?.trim() };
    }
    catch {
        return {};
    }
}
/** Runs a program as `osUser` (through `runuser`) or as the current user; failures name the program, not runuser. */
async function runAs(osUser, argv, signal, env = {}) {
    const [program, args] = osUser ? ['runuser', ['-u', osUser, '--', ...argv]] : [argv[0], argv.slice(1)];
    try {
        return await (0, child_process_1.runTool)(program, args, { signal, env });
    }
    catch (error) {
        const name = path.basename(argv[0]);
        throw new runner_error_1.RunnerError((0, runner_error_1.errorMessage)(error).replace(/^runuser\b/, name), { cause: error });
    }
}
async function userIds(osUser) {
    try {
        const [uid, gid] = await Promise.all([run('id', ['-u', osUser]), run('id', ['-g', osUser])]);
        return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
    catch (error) {
        throw new runner_error_1.UsageError(`drill-pitr: --os-user names ${JSON.stringify(osUser)}, which is not a user of this system (${(0, runner_error_1.errorMessage)(error)})`);
    }
}
function isReadableFile(file) {
    try {
        fs.accessSync(file, fs.constants.R_OK);
        return fs.statSync(file).isFile();
    }
    catch {
        return false;
    }
}
/** `-o` of `pg_ctl`: each setting as `-c name=value`, quoted for the shell pg_ctl starts the server with. */
function serverOptions(settings) {
    return Object.entries(settings).map(([name, value]) => `-c ${(0, core_1.shellQuote)(`${name}=${value}`)}`).join(' ');
}
/**
 * Restores the base backup pgBackRest picks for `targetTime` into a directory of its own, starts PostgreSQL on it so
 * it replays archived WAL up to the target and promotes, checks that it stopped at the target, runs the checks, and
 * stops and removes it. Throws a {@link RunnerError} that says where recovery stopped and which WAL segment was
 * missing when the archive cannot reach the target.
 */
async function runPitrDrill(options) {
    const started = Date.now();
    const { logger, signal } = options;
    const targetTime = (0, core_1.normalizeRecoveryTime)(options.targetTime);
    const work = options.workDirectory;
    const dataDirectory = path.join(work, 'data');
    const logFile = path.join(work, 'server.log');
    const pgCtl = options.binDirectory ? path.join(options.binDirectory, 'pg_ctl') : 'pg_ctl';
    let serverStarted = false;
    try {
        // A check file that cannot be read fails the drill now, not after the restore and the replay.
        await (0, check_files_1.readCheckFiles)(options.checkFiles);
        const waitMs = Date.parse(options.targetTime) + options.archiveWaitSeconds * 1000 - Date.now();
        if (waitMs > 0) {
            logger.info({ targetTime, waitSeconds: Math.ceil(waitMs / 1000) }, 'waiting for the WAL holding the target to be archived');
            await (0, promises_1.setTimeout)(waitMs, undefined, { signal });
        }
        const owner = options.osUser ? await userIds(options.osUser) : undefined;
        fs.mkdirSync(path.join(work, 'socket'), { recursive: true, mode: 0o700 });
        fs.mkdirSync(dataDirectory, { mode: 0o700 });
        fs.writeFileSync(path.join(work, 'pg_hba.conf'), '# Only the drill itself, over its own socket.\nlocal all all trust\n', { mode: 0o600 });
        fs.mkdirSync(path.join(work, 'lock'), { mode: 0o700 });
        if (owner) {
            for (const entry of ['', 'socket', 'data', 'pg_hba.conf', 'lock'])
                fs.chownSync(path.join(work, entry), owner.uid, owner.gid);
        }
        // Synchronous archive-get needs no spool directory (the host's may not exist here); the environment reaches the
        // restore_command through the server, which inherits it.
        const pgBackRestEnv = { PGBACKREST_ARCHIVE_ASYNC: 'n', ...options.pgBackRestEnv };
        const restoreStarted = Date.now();
        const restoreArgv = [
            ...(0, core_1.pgBackRestRestoreArgv)({ stanza: options.stanza, configFile: options.pgBackRestConfigFile }, { target: { kind: 'time', time: options.targetTime }, action: 'promote' }),
            // The host's paths (data directory, locks, log files) do not exist where the drill runs; pgBackRest copies
            // these options into the restore_command it writes, so archive-get uses them too.
            `--pg1-path=${dataDirectory}`,
            `--lock-path=${path.join(work, 'lock')}`,
            '--log-level-file=off',
        ];
        logger.info({ targetTime, stanza: options.stanza }, 'restoring the base backup for the target time');
        await runAs(options.osUser, restoreArgv, signal, pgBackRestEnv);
        const restoreSeconds = (Date.now() - restoreStarted) / 1000;
        const backup = readBackupLabel(dataDirectory);
        logger.info({ restoreSeconds, baseBackup: backup.label }, 'base backup restored');
        // A cluster whose configuration lives outside its data directory (Debian's /etc/postgresql) restores without one.
        const conf = path.join(dataDirectory, 'postgresql.conf');
        if (!fs.existsSync(conf)) {
            fs.writeFileSync(conf, '# Written by pg-backup drill-pitr: the source keeps its configuration elsewhere.\n', { mode: 0o600 });
            if (owner)
                fs.chownSync(conf, owner.uid, owner.gid);
        }
        const settings = { ...drillServerSettings(work), ...options.serverSettings };
        const recoveryStarted = Date.now();
        serverStarted = true;
        logger.info({ recoveryTimeoutSeconds: options.recoveryTimeoutSeconds }, 'replaying WAL up to the target');
        try {
            // Without hot standby, pg_ctl -w returns once recovery has begun: the log says when it has ended.
            await runAs(options.osUser, [
                pgCtl, '-D', dataDirectory, '-l', logFile, '-w', '-t', '120', '-o', serverOptions(settings), 'start',
            ], signal, pgBackRestEnv);
            await waitForRecoveryEnd(logFile, recoveryStarted + options.recoveryTimeoutSeconds * 1000, signal);
        }
        catch (error) {
            const summary = summarizeRecoveryLog(readLog(logFile));
            throw new runner_error_1.RunnerError(`${describeRecoveryFailure(targetTime, summary)} (${(0, runner_error_1.errorMessage)(error)})`, { cause: error });
        }
        const recoverySeconds = (Date.now() - recoveryStarted) / 1000;
        const summary = summarizeRecoveryLog(readLog(logFile));
        if (summary.stoppedAt === undefined) {
            // Before PostgreSQL 14 a recovery that runs out of WAL promotes anyway, as if it had reached the target.
            throw new runner_error_1.RunnerError(`${describeRecoveryFailure(targetTime, summary)}: the server promoted without logging that it reached the target`);
        }
        logger.info({ recoverySeconds, stoppedAt: summary.stoppedAt, walSegments: summary.restoredSegments.length }, 'recovered to the target');
        const url = new URL(`postgres://localhost:5432/${encodeURIComponent(options.database)}`);
        url.username = encodeURIComponent(options.databaseUser);
        url.searchParams.set('host', settings.unix_socket_directories);
        const checks = await (0, check_command_1.runChecks)({
            target: new database_connection_1.DatabaseConnection(url, undefined),
            rowBounds: options.rowBounds,
            statements: ['SELECT NOT pg_is_in_recovery()', ...options.statements],
            checkFiles: options.checkFiles,
            connectTimeoutMs: 60_000,
            logger,
            signal,
        });
        return {
            targetTime,
            baseBackupLabel: backup.label,
            baseBackupStartTime: backup.startTime,
            stoppedAt: summary.stoppedAt,
            walSegmentsRestored: summary.restoredSegments.length,
            restoreSeconds,
            recoverySeconds,
            rowCounts: checks.rowCounts,
            checks: checks.checks,
            kept: options.keep,
            dataDirectory,
            durationSeconds: (Date.now() - started) / 1000,
        };
    }
    finally {
        if (serverStarted) {
            await runAs(options.osUser, [pgCtl, '-D', dataDirectory, '-m', options.keep ? 'fast' : 'immediate', '-w', 'stop'], new AbortController().signal)
                .catch(() => undefined);
        }
        if (!options.keep)
            fs.rmSync(work, { recursive: true, force: true });
    }
}
/** Pause between two looks at the server log while WAL is replayed. */
const RECOVERY_POLL_MS = 500;
/**
 * Waits until the server log says the server accepts connections (recovery reached its target and promoted), and
 * throws when it says the server shut down instead or the deadline passes.
 */
async function waitForRecoveryEnd(logFile, deadline, signal) {
    for (;;) {
        const log = readLog(logFile);
        if (/database system is ready to accept connections/.test(log))
            return;
        if (/database system is shut down|shutting down due to startup process failure/.test(log)) {
            throw new runner_error_1.RunnerError('the server shut down during recovery');
        }
        if (Date.now() > deadline)
            throw new runner_error_1.RunnerError('recovery did not finish within --recovery-timeout');
        await (0, promises_1.setTimeout)(RECOVERY_POLL_MS, undefined, { signal });
    }
}
function readLog(file) {
    try {
        return fs.readFileSync(file, 'utf8');
    }
    catch {
        return '';
    }
}
/**
 * pgBackRest 2.45's `repo1-s3-key-type=auto` reads only the EC2 instance metadata, not the credentials ECS gives a
 * Fargate task: these resolve with the AWS SDK's default chain (task role, instance role, environment, profile) and
 * hand them to pgBackRest as `shared` keys with a session token in its environment, which overrides the file.
 */
async function pgBackRestCredentialEnvironment() {
    // Loaded here, not at start-up: only drills against an S3 repository need the SDK.
    const { S3Client } = await Promise.resolve().then(() => __importStar(require('@aws-sdk/client-s3')));
    const client = new S3Client({});
    try {
        const credentials = await client.config.credentials();
        return {
            PGBACKREST_REPO1_S3_KEY_TYPE: 'shared',
            PGBACKREST_REPO1_S3_KEY: credentials.accessKeyId,
            PGBACKREST_REPO1_S3_KEY_SECRET: credentials.secretAccessKey,
            ...(credentials.sessionToken ? { PGBACKREST_REPO1_S3_TOKEN: credentials.sessionToken } : {}),
        };
    }
    catch (error) {
        throw new runner_error_1.RunnerError(`cannot resolve AWS credentials for pgBackRest (--aws-credentials): ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
    }
    finally {
        client.destroy();
    }
}
/** The metrics of a successful drill. */
function pitrDrillMetrics(outcome) {
    return [
        { name: exports.DRILL_PITR_METRICS.drillSucceeded, value: 1, unit: 'Count' },
        { name: exports.DRILL_PITR_METRICS.drillFailed, value: 0, unit: 'Count' },
        { name: exports.DRILL_PITR_METRICS.restoreSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
        { name: exports.DRILL_PITR_METRICS.recoverySeconds, value: outcome.recoverySeconds, unit: 'Seconds' },
        { name: embedded_metrics_1.RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds + outcome.recoverySeconds, unit: 'Seconds' },
        { name: exports.DRILL_PITR_METRICS.walSegmentsRestored, value: outcome.walSegmentsRestored, unit: 'Count' },
        { name: exports.DRILL_PITR_METRICS.drillDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
    ];
}
/** The flags of `pg-backup drill-pitr`. */
exports.DRILL_PITR_COMMAND_FLAGS = [
    { name: 'target-time', value: 'TIME', description: 'recover to this time, ISO 8601 with a zone (required)', example: '--target-time 2026-11-24T02:00:00Z' },
    { name: 'pgbackrest-config', value: 'FILE', description: 'pgbackrest.conf of the repository', default: 'the text in PG_BACKUP_PGBACKREST_CONF, else /etc/pgbackrest/pgbackrest.conf', example: '--pgbackrest-config /etc/pgbackrest/pgbackrest.conf' },
    { name: 'stanza', value: 'NAME', description: 'the pgBackRest stanza', default: 'main', example: '--stanza orders' },
    { name: 'archive-wait', value: 'DUR', description: 'wait this long for WAL up to the target to be archived, 0 to 24h', default: '0s', example: '--archive-wait 5m' },
    { name: 'recovery-timeout', value: 'DUR', description: 'give up when recovery has not reached the target within this time', default: `${exports.DEFAULT_RECOVERY_TIMEOUT_SECONDS}s`, example: '--recovery-timeout 2h' },
    { name: 'os-user', value: 'USER', description: 'operating-system user that runs the scratch server', default: 'postgres when run as root', example: '--os-user postgres' },
    { name: 'db-user', value: 'ROLE', description: 'database role the checks connect as', default: 'postgres', example: '--db-user postgres' },
    { name: 'database', value: 'NAME', description: 'the database the checks run in', default: 'postgres', example: '--database shop' },
    { name: 'server-setting', value: 'NAME=VALUE', repeatable: true, description: 'a setting of the scratch server', example: '--server-setting shared_buffers=256MB' },
    ...check_command_1.CHECK_FLAGS,
    { name: 'keep', description: 'keep the recovered data directory afterwards', example: '--keep' },
    { name: 'aws-credentials', description: 'hand the task\'s AWS credentials to pgBackRest', example: '--aws-credentials' },
];
function readServerSettings(reader) {
    const settings = {};
    for (const entry of reader.list('server-setting')) {
        const match = /^([a-z_][a-z0-9_.]*)=(.*)$/.exec(entry);
        if (!match)
            reader.report('server-setting', entry, 'NAME=VALUE with a PostgreSQL setting name, e.g. shared_buffers=256MB');
        else
            settings[match[1]] = match[2];
    }
    return settings;
}
function checkTargetTime(reader, targetTime) {
    if (targetTime === '')
        return;
    const validator = new core_1.Validator();
    (0, core_1.validateRecoveryTargetOptions)({ target: { kind: 'time', time: targetTime } }, validator);
    validator.issues.forEach((issue) => reader.report('target-time', targetTime, issue.allowed));
}
/**
 * `pg-backup drill-pitr`: recovers the stanza's archive to `--target-time` in a scratch directory and checks the
 * result ({@link runPitrDrill}). `pgbackrest.conf` comes from `--pgbackrest-config`, else from the text in
 * `PG_BACKUP_PGBACKREST_CONF` (written into the scratch directory), else pgBackRest's default file. Throws a
 * {@link RunnerError} when recovery cannot reach the target or a check fails (exit 1), and a {@link UsageError} on bad
 * flags (exit 2); the CLI prints the one JSON result line either way.
 */
async function drillPitrCommand(reader, context) {
    const { common, logger, env, signal } = context;
    const targetTime = reader.required('target-time');
    checkTargetTime(reader, targetTime);
    const configFlag = reader.string('pgbackrest-config');
    const stanza = reader.string('stanza') ?? 'main';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(stanza))
        reader.report('stanza', stanza, '1-64 letters, digits, ".", "_" and "-"');
    const archiveWaitSeconds = reader.seconds('archive-wait', 0, 86_400, 0);
    const recoveryTimeoutSeconds = reader.seconds('recovery-timeout', 1, 7 * 86_400, exports.DEFAULT_RECOVERY_TIMEOUT_SECONDS);
    const rowBounds = (0, check_command_1.readRowBounds)(reader);
    const statements = [...reader.list('sql'), ...(0, check_command_1.readStatementsFromEnvironment)(reader, env)];
    const checkFiles = reader.list('check');
    const serverSettings = readServerSettings(reader);
    const osUser = reader.string('os-user') ?? (process.getuid?.() === 0 ? 'postgres' : undefined);
    if (configFlag !== undefined && !isReadableFile(configFlag))
        reader.report('pgbackrest-config', configFlag, 'a readable pgbackrest.conf file');
    reader.throwIfInvalid('drill-pitr');
    const workDirectory = fs.mkdtempSync(path.join(common.scratchDirectory, 'pg-backup-pitr-'));
    let configFile = configFlag ?? core_1.PGBACKREST_DEFAULT_CONFIG_FILE;
    if (configFlag === undefined && env[exports.PGBACKREST_CONF_ENV]) {
        configFile = path.join(workDirectory, 'pgbackrest.conf');
        fs.writeFileSync(configFile, env[exports.PGBACKREST_CONF_ENV], { mode: 0o600 });
        if (osUser) {
            const owner = await userIds(osUser);
            fs.chownSync(configFile, owner.uid, owner.gid);
        }
    }
    const outcome = await runPitrDrill({
        targetTime,
        pgBackRestConfigFile: configFile,
        stanza,
        workDirectory,
        binDirectory: env.PG_BIN_DIR || undefined,
        osUser,
        databaseUser: reader.string('db-user') ?? 'postgres',
        database: common.database ?? 'postgres',
        serverSettings,
        archiveWaitSeconds,
        recoveryTimeoutSeconds,
        rowBounds,
        statements,
        checkFiles,
        keep: reader.boolean('keep'),
        pgBackRestEnv: reader.boolean('aws-credentials') ? await pgBackRestCredentialEnvironment() : undefined,
        logger,
        signal,
    });
    return {
        database: stanza,
        metrics: pitrDrillMetrics(outcome),
        result: {
            stanza,
            targetTime: outcome.targetTime,
            baseBackup: outcome.baseBackupLabel,
            baseBackupStartTime: outcome.baseBackupStartTime,
            stoppedAt: outcome.stoppedAt,
            walSegmentsRestored: outcome.walSegmentsRestored,
            restoreSeconds: outcome.restoreSeconds,
            recoverySeconds: outcome.recoverySeconds,
            rowCounts: outcome.rowCounts,
            checks: outcome.checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
            kept: outcome.kept,
            ...(outcome.kept ? { dataDirectory: outcome.dataDirectory } : {}),
            durationSeconds: outcome.durationSeconds,
        },
    };
}
