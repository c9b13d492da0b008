import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import {
  PGBACKREST_DEFAULT_CONFIG_FILE, Validator, normalizeRecoveryTime, pgBackRestRestoreArgv,
  shellQuote, validateRecoveryTargetOptions,
} from '../core';
import { parseBackupLocation } from './backup-location';
import {
  CHECK_FLAGS, DRILL_RECORD_TO_ENV, RECORD_TO_FLAG, readRowBounds, recordedChecks, readStatementsFromEnvironment, runChecks, drillRecorder,
  type RowCountBound, type RowCountResult,
} from './check-command';
import { readCheckFiles, type CheckOutcome } from './check-files';
import { runTool } from './child-process';
import type { CommonOptions, FlagDefinition, FlagReader } from './cli-options';
import { DatabaseConnection } from './database-connection';
import { RTO_FLAG, readRtoObjective } from './drill-record';
import { RUNNER_METRICS, type MetricValue } from './embedded-metrics';
import { requireProgram } from './required-programs';
import { RunnerError, UsageError, errorMessage } from './runner-error';

const run = promisify(execFile);

/** The environment variable that may carry the text of `pgbackrest.conf` (how a task definition hands it over). */
export const PGBACKREST_CONF_ENV = 'PG_BACKUP_PGBACKREST_CONF';

/** Names of the metrics of `pg-backup drill-pitr` (dimension `Database`). */
export const DRILL_PITR_METRICS = {
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
} as const;

/** How long WAL replay may take by default before the drill gives up. */
export const DEFAULT_RECOVERY_TIMEOUT_SECONDS = 3600;

/**
 * Settings the restored server always starts with, whatever the source cluster's configuration says: no TCP
 * listener and a socket in the drill's own directory (nothing else can connect, nothing collides with a server on the
 * same host), trust on that socket only, no archiving (a drill must never push WAL into the production archive), no
 * connections during recovery (so `pg_ctl -w` returns only once the target is reached and the server promoted), the
 * log in the file the drill reads, and no TLS (the source's certificate paths do not exist here).
 */
function drillServerSettings(workDirectory: string): Record<string, string> {
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

/** Everything a PITR drill needs. */
export interface PitrDrillOptions {
  /** The moment to recover to: an ISO-8601 timestamp with a time zone. */
  readonly targetTime: string;
  /** `pgbackrest.conf` of the repository (read-only use: only `restore` and `archive-get` run). */
  readonly pgBackRestConfigFile: string;
  /** The stanza. */
  readonly stanza: string;
  /** A directory of its own for the restored cluster, its socket and its log; created, and removed unless `keep`. */
  readonly workDirectory: string;
  /**
   * Directory of `pg_ctl`.
   * @default - `pg_ctl` on the PATH
   */
  readonly binDirectory?: string;
  /**
   * OS user pgBackRest and the server run as (PostgreSQL refuses to run as root).
   * @default - the current user
   */
  readonly osUser?: string;
  /** Role the checks connect as over the drill's socket. */
  readonly databaseUser: string;
  /** Database the checks run in. */
  readonly database: string;
  /** Extra `-c name=value` settings for the restored server (e.g. a smaller `shared_buffers`). */
  readonly serverSettings: Readonly<Record<string, string>>;
  /** Waits until this many seconds after the target before restoring, so the WAL holding it has been archived. */
  readonly archiveWaitSeconds: number;
  /** The longest WAL replay may take, seconds. */
  readonly recoveryTimeoutSeconds: number;
  /** Row-count bounds checked on the recovered database. */
  readonly rowBounds: readonly RowCountBound[];
  /** Statements that must each return a single `true`. */
  readonly statements: readonly string[];
  /** SQL files whose every statement must return a single `true`. */
  readonly checkFiles: readonly string[];
  /** Keep the restored cluster (stopped) and its log. */
  readonly keep: boolean;
  /**
   * Environment for pgBackRest and the restored server (whose `restore_command` runs pgBackRest), e.g. the
   * `PGBACKREST_REPO1_S3_*` credentials of {@link pgBackRestCredentialEnvironment}.
   * @default - none
   */
  readonly pgBackRestEnv?: Readonly<Record<string, string>>;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the drill. */
  readonly signal: AbortSignal;
}

/** Where recovery stopped, as the server logged it. */
export interface RecoveryStopPoint {
  /** `before` or `after` the transaction. */
  readonly position: 'before' | 'after';
  /** The transaction whose commit (or abort) ended recovery. */
  readonly xid: string;
  /** Its commit time, as the server printed it. */
  readonly time: string;
}

/** What a PITR drill found (when it throws, the drill failed). */
export interface PitrDrillOutcome {
  /** The target, as pgBackRest and PostgreSQL were given it. */
  readonly targetTime: string;
  /** `LABEL` of the base backup pgBackRest chose (from `backup_label`). */
  readonly baseBackupLabel?: string;
  /** `START TIME` of that base backup. */
  readonly baseBackupStartTime?: string;
  /** Where recovery stopped. */
  readonly stoppedAt: RecoveryStopPoint;
  /** WAL segments fetched from the archive. */
  readonly walSegmentsRestored: number;
  /** Seconds of `pgbackrest restore`. */
  readonly restoreSeconds: number;
  /** Seconds from starting the server to its promotion. */
  readonly recoverySeconds: number;
  /** Each bounded table. */
  readonly rowCounts: readonly RowCountResult[];
  /** Each check statement. */
  readonly checks: readonly CheckOutcome[];
  /** Whether the restored cluster was kept. */
  readonly kept: boolean;
  /** The restored data directory (removed unless kept). */
  readonly dataDirectory: string;
  /** Wall time of the whole drill, seconds. */
  readonly durationSeconds: number;
}

/** What the server log of a recovery says. */
export interface RecoveryLogSummary {
  /** Where recovery stopped, when it reached its target. */
  readonly stoppedAt?: RecoveryStopPoint;
  /** WAL segments restored from the archive, in order. */
  readonly restoredSegments: readonly string[];
  /** `FATAL` and `PANIC` messages. */
  readonly fatal: readonly string[];
  /** Errors the `restore_command` (pgBackRest's archive-get) wrote into the log, each once, without its code. */
  readonly archiveGetErrors: readonly string[];
}

/** Reads a recovery's server log: where it stopped, which segments it fetched, and why it died if it did. */
export function summarizeRecoveryLog(log: string): RecoveryLogSummary {
  const stop = /recovery stopping (before|after) (?:commit|abort) of transaction (\d+), time ([^\n]+)/.exec(log);
  const restoredSegments = [...log.matchAll(/restored log file "([0-9A-F]{24})" from archive/g)].map((match) => match[1]);
  const fatal = [...log.matchAll(/(?:FATAL|PANIC):\s+([^\n]+)/g)].map((match) => match[1].trim());
  // pgBackRest's stderr reaches the server log as `ERROR: [031]: message` lines of their own.
  const archiveGetErrors = [...log.matchAll(/^ERROR: \[\d+\]: ([^\n]+)/gm)].map((match) => match[1].trim());
  return {
    stoppedAt: stop ? { position: stop[1] as 'before' | 'after', xid: stop[2], time: stop[3].trim() } : undefined,
    restoredSegments: [...new Set(restoredSegments)],
    fatal,
    archiveGetErrors: [...new Set(archiveGetErrors)],
  };
}

/** The WAL segment that follows `segment` (24 hex digits: timeline, log, segment of 16 MiB WAL files). */
export function nextWalSegment(segment: string): string {
  const timeline = segment.slice(0, 8);
  const log = parseInt(segment.slice(8, 16), 16);
  const seg = parseInt(segment.slice(16, 24), 16);
  const [nextLog, nextSeg] = seg >= 0xff ? [log + 1, 0] : [log, seg + 1];
  const hex = (value: number) => value.toString(16).toUpperCase().padStart(8, '0');
  return `${timeline}${hex(nextLog)}${hex(nextSeg)}`;
}

/** Why a recovery failed, in the operator's terms, from its log. */
export function describeRecoveryFailure(targetTime: string, summary: RecoveryLogSummary): string {
  const fatal = summary.fatal.length > 0 ? summary.fatal.join('; ') : 'the server stopped without a FATAL message';
  const last = summary.restoredSegments[summary.restoredSegments.length - 1];
  const where = last === undefined
    ? 'no WAL segment could be restored from the archive'
    : `the last WAL segment restored from the archive was ${last}, so ${nextWalSegment(last)} is missing from the archive `
      + '(or the archive holds no commit after the target time yet)';
  // The archive could be complete and the restore_command itself broken: then its own words say why.
  const said = summary.archiveGetErrors.length > 0 ? `; pgBackRest archive-get said: ${summary.archiveGetErrors.join('; ')}` : '';
  return `point-in-time recovery to ${targetTime} failed: ${fatal}; ${where}${said}`;
}

/** Reads `LABEL` and `START TIME` from a restored `backup_label`. */
function readBackupLabel(dataDirectory: string): { label?: string; startTime?: string } {
  try {
    const text = fs.readFileSync(path.join(dataDirectory, 'backup_label'), 'utf8');
    return { label: /^LABEL: (.+)$/m.exec(text)?.[1]?.trim(), startTime: /^START TIME: (.+)$/m.exec(text)?.[1]?.trim() };
  } catch {
    return {};
  }
}

/** Runs a program as `osUser` (through `runuser`) or as the current user; failures name the program, not runuser. */
async function runAs(osUser: string | undefined, argv: readonly string[], signal: AbortSignal, env: Record<string, string> = {}): Promise<string> {
  const [program, args] = osUser ? ['runuser', ['-u', osUser, '--', ...argv]] : [argv[0], argv.slice(1)];
  try {
    return await runTool(program, args, { signal, env });
  } catch (error) {
    const name = path.basename(argv[0]);
    throw new RunnerError(errorMessage(error).replace(/^runuser\b/, name), { cause: error });
  }
}

async function userIds(osUser: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', osUser]), run('id', ['-g', osUser])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new UsageError(`drill-pitr: --os-user names ${JSON.stringify(osUser)}, which is not a user of this system (${errorMessage(error)})`);
  }
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `-o` of `pg_ctl`: each setting as `-c name=value`, quoted for the shell pg_ctl starts the server with. */
function serverOptions(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings).map(([name, value]) => `-c ${shellQuote(`${name}=${value}`)}`).join(' ');
}

/**
 * Restores the base backup pgBackRest picks for `targetTime` into a directory of its own, starts PostgreSQL on it so
 * it replays archived WAL up to the target and promotes, checks that it stopped at the target, runs the checks, and
 * stops and removes it. Throws a {@link RunnerError} that says where recovery stopped and which WAL segment was
 * missing when the archive cannot reach the target.
 */
export async function runPitrDrill(options: PitrDrillOptions): Promise<PitrDrillOutcome> {
  const started = Date.now();
  const { logger, signal } = options;
  const targetTime = normalizeRecoveryTime(options.targetTime);
  const work = options.workDirectory;
  const dataDirectory = path.join(work, 'data');
  const logFile = path.join(work, 'server.log');
  const pgCtl = options.binDirectory ? path.join(options.binDirectory, 'pg_ctl') : 'pg_ctl';
  let serverStarted = false;
  try {
    // A check file that cannot be read fails the drill now, not after the restore and the replay.
    await readCheckFiles(options.checkFiles);
    const waitMs = Date.parse(options.targetTime) + options.archiveWaitSeconds * 1000 - Date.now();
    if (waitMs > 0) {
      logger.info({ targetTime, waitSeconds: Math.ceil(waitMs / 1000) }, 'waiting for the WAL holding the target to be archived');
      await sleep(waitMs, undefined, { signal });
    }

    const owner = options.osUser ? await userIds(options.osUser) : undefined;
    fs.mkdirSync(path.join(work, 'socket'), { recursive: true, mode: 0o700 });
    fs.mkdirSync(dataDirectory, { mode: 0o700 });
    fs.writeFileSync(path.join(work, 'pg_hba.conf'), '# Only the drill itself, over its own socket.\nlocal all all trust\n', { mode: 0o600 });
    fs.mkdirSync(path.join(work, 'lock'), { mode: 0o700 });
    fs.mkdirSync(path.join(work, 'spool'), { mode: 0o700 });
    if (owner) {
      for (const entry of ['', 'socket', 'data', 'pg_hba.conf', 'lock', 'spool']) fs.chownSync(path.join(work, entry), owner.uid, owner.gid);
    }
    // Synchronous archive-get needs no spool directory (the host's may not exist here); the environment reaches the
    // restore_command through the server, which inherits it.
    const pgBackRestEnv = { PGBACKREST_ARCHIVE_ASYNC: 'n', ...options.pgBackRestEnv };
    const restoreStarted = Date.now();
    const restoreArgv = [
      ...pgBackRestRestoreArgv(
        { stanza: options.stanza, configFile: options.pgBackRestConfigFile },
        { target: { kind: 'time', time: options.targetTime }, action: 'promote' },
      ),
      // The host's paths (data directory, locks, log files) do not exist where the drill runs; pgBackRest copies
      // these options into the restore_command it writes, so archive-get uses them too.
      `--pg1-path=${dataDirectory}`,
      `--lock-path=${path.join(work, 'lock')}`,
      '--log-level-file=off',
    ];
    logger.info({ targetTime, stanza: options.stanza }, 'restoring the base backup for the target time');
    // pgBackRest's restore empties the stanza's spool queue: on the database host that is the live server's queue of
    // WAL still to be pushed. The drill's own spool directory, given through the environment so that it is not copied
    // into the restore_command (archive-get refuses a spool path without asynchronous archiving).
    await runAs(options.osUser, restoreArgv, signal, { ...pgBackRestEnv, PGBACKREST_SPOOL_PATH: path.join(work, 'spool') });
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;
    const backup = readBackupLabel(dataDirectory);
    logger.info({ restoreSeconds, baseBackup: backup.label }, 'base backup restored');

    // A cluster whose configuration lives outside its data directory (Debian's /etc/postgresql) restores without one.
    const conf = path.join(dataDirectory, 'postgresql.conf');
    if (!fs.existsSync(conf)) {
      fs.writeFileSync(conf, '# Written by pg-backup drill-pitr: the source keeps its configuration elsewhere.\n', { mode: 0o600 });
      if (owner) fs.chownSync(conf, owner.uid, owner.gid);
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
    } catch (error) {
      const summary = summarizeRecoveryLog(readLog(logFile));
      throw new RunnerError(`${describeRecoveryFailure(targetTime, summary)} (${errorMessage(error)})`, { cause: error });
    }
    const recoverySeconds = (Date.now() - recoveryStarted) / 1000;
    const summary = summarizeRecoveryLog(readLog(logFile));
    if (summary.stoppedAt === undefined) {
      // Before PostgreSQL 14 a recovery that runs out of WAL promotes anyway, as if it had reached the target.
      throw new RunnerError(`${describeRecoveryFailure(targetTime, summary)}: the server promoted without logging that it reached the target`);
    }
    logger.info({ recoverySeconds, stoppedAt: summary.stoppedAt, walSegments: summary.restoredSegments.length }, 'recovered to the target');

    const url = new URL(`postgres://localhost:5432/${encodeURIComponent(options.database)}`);
    url.username = encodeURIComponent(options.databaseUser);
    url.searchParams.set('host', settings.unix_socket_directories);
    const checks = await runChecks({
      target: new DatabaseConnection(url, undefined),
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
  } finally {
    if (serverStarted) {
      await runAs(options.osUser, [pgCtl, '-D', dataDirectory, '-m', options.keep ? 'fast' : 'immediate', '-w', 'stop'], new AbortController().signal)
        .catch(() => undefined);
    }
    if (!options.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Pause between two looks at the server log while WAL is replayed. */
const RECOVERY_POLL_MS = 500;

/**
 * Waits until the server log says the server accepts connections (recovery reached its target and promoted), and
 * throws when it says the server shut down instead or the deadline passes.
 */
async function waitForRecoveryEnd(logFile: string, deadline: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    const log = readLog(logFile);
    if (/database system is ready to accept connections/.test(log)) return;
    if (/database system is shut down|shutting down due to startup process failure/.test(log)) {
      throw new RunnerError('the server shut down during recovery');
    }
    if (Date.now() > deadline) throw new RunnerError('recovery did not finish within --recovery-timeout');
    await sleep(RECOVERY_POLL_MS, undefined, { signal });
  }
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * pgBackRest 2.45's `repo1-s3-key-type=auto` reads only the EC2 instance metadata, not the credentials ECS gives a
 * Fargate task: these resolve with the AWS SDK's default chain (task role, instance role, environment, profile) and
 * hand them to pgBackRest as `shared` keys with a session token in its environment, which overrides the file.
 */
export async function pgBackRestCredentialEnvironment(): Promise<Record<string, string>> {
  // Loaded here, not at start-up: only drills against an S3 repository need the SDK.
  const { S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({});
  try {
    const credentials = await client.config.credentials();
    return {
      PGBACKREST_REPO1_S3_KEY_TYPE: 'shared',
      PGBACKREST_REPO1_S3_KEY: credentials.accessKeyId,
      PGBACKREST_REPO1_S3_KEY_SECRET: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { PGBACKREST_REPO1_S3_TOKEN: credentials.sessionToken } : {}),
    };
  } catch (error) {
    throw new RunnerError(`cannot resolve AWS credentials for pgBackRest (--aws-credentials): ${errorMessage(error)}`, { cause: error });
  } finally {
    client.destroy();
  }
}

/** The metrics of a successful drill. */
export function pitrDrillMetrics(outcome: PitrDrillOutcome): MetricValue[] {
  return [
    { name: DRILL_PITR_METRICS.drillSucceeded, value: 1, unit: 'Count' },
    { name: DRILL_PITR_METRICS.drillFailed, value: 0, unit: 'Count' },
    { name: DRILL_PITR_METRICS.restoreSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
    { name: DRILL_PITR_METRICS.recoverySeconds, value: outcome.recoverySeconds, unit: 'Seconds' },
    { name: RUNNER_METRICS.restoreDurationSeconds, value: outcome.restoreSeconds + outcome.recoverySeconds, unit: 'Seconds' },
    { name: DRILL_PITR_METRICS.walSegmentsRestored, value: outcome.walSegmentsRestored, unit: 'Count' },
    { name: DRILL_PITR_METRICS.drillDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
    { name: RUNNER_METRICS.drillSucceeded, value: 1, unit: 'Count' },
    { name: RUNNER_METRICS.drillRtoSeconds, value: outcome.restoreSeconds + outcome.recoverySeconds, unit: 'Seconds' },
  ];
}

/** What `pg-backup drill-pitr` gets besides its flags (the CLI's command context). */
export interface DrillPitrCommandContext {
  /** Flags every command shares (`--database`, `--scratch-dir` among them). */
  readonly common: CommonOptions;
  /** The log. */
  readonly logger: Logger;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/** What `pg-backup drill-pitr` reports: the database (metric dimension), the result line's fields, the metrics. */
export interface DrillPitrCommandReport {
  /** The metric dimension `Database`: the stanza. */
  readonly database: string;
  /** Fields of the JSON result line. */
  readonly result: Record<string, unknown>;
  /** Metrics of the run. */
  readonly metrics: MetricValue[];
}

/** The flags of `pg-backup drill-pitr`. */
export const DRILL_PITR_COMMAND_FLAGS: readonly FlagDefinition[] = [
  { name: 'target-time', value: 'TIME', description: 'recover to this time, ISO 8601 with a zone (required)', example: '--target-time 2026-11-24T02:00:00Z' },
  { name: 'pgbackrest-config', value: 'FILE', description: 'pgbackrest.conf of the repository', default: 'the text in PG_BACKUP_PGBACKREST_CONF, else /etc/pgbackrest/pgbackrest.conf', example: '--pgbackrest-config /etc/pgbackrest/pgbackrest.conf' },
  { name: 'stanza', value: 'NAME', description: 'the pgBackRest stanza', default: 'main', example: '--stanza orders' },
  { name: 'archive-wait', value: 'DUR', description: 'wait this long for WAL up to the target to be archived, 0 to 24h', default: '0s', example: '--archive-wait 5m' },
  { name: 'recovery-timeout', value: 'DUR', description: 'give up when recovery has not reached the target within this time, 1s to 7d', default: `${DEFAULT_RECOVERY_TIMEOUT_SECONDS}s`, example: '--recovery-timeout 2h' },
  { name: 'os-user', value: 'USER', description: 'operating-system user that runs the scratch server', default: 'postgres when run as root', example: '--os-user postgres' },
  { name: 'db-user', value: 'ROLE', description: 'database role the checks connect as', default: 'postgres', example: '--db-user postgres' },
  { name: 'database', value: 'NAME', description: 'the database the checks run in', default: 'postgres', example: '--database shop' },
  { name: 'server-setting', value: 'NAME=VALUE', repeatable: true, description: 'a setting of the scratch server', example: '--server-setting shared_buffers=256MB' },
  ...CHECK_FLAGS,
  RECORD_TO_FLAG,
  RTO_FLAG,
  { name: 'keep', description: 'keep the recovered data directory afterwards', example: '--keep' },
  { name: 'aws-credentials', description: 'hand the task\'s AWS credentials to pgBackRest', example: '--aws-credentials' },
];

function readServerSettings(reader: FlagReader): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const entry of reader.list('server-setting')) {
    const match = /^([a-z_][a-z0-9_.]*)=(.*)$/.exec(entry);
    if (!match) reader.report('server-setting', entry, 'NAME=VALUE with a PostgreSQL setting name, e.g. shared_buffers=256MB');
    else settings[match[1]] = match[2];
  }
  return settings;
}

function checkTargetTime(reader: FlagReader, targetTime: string): void {
  if (targetTime === '') return;
  const validator = new Validator();
  validateRecoveryTargetOptions({ target: { kind: 'time', time: targetTime } }, validator);
  validator.issues.forEach((issue) => reader.report('target-time', targetTime, issue.allowed));
}

/**
 * `pg-backup drill-pitr`: recovers the stanza's archive to `--target-time` in a scratch directory and checks the
 * result ({@link runPitrDrill}). `pgbackrest.conf` comes from `--pgbackrest-config`, else from the text in
 * `PG_BACKUP_PGBACKREST_CONF` (written into the scratch directory), else pgBackRest's default file. Throws a
 * {@link RunnerError} when recovery cannot reach the target or a check fails (exit 1), and a {@link UsageError} on bad
 * flags (exit 2); the CLI prints the one JSON result line either way.
 */
export async function drillPitrCommand(reader: FlagReader, context: DrillPitrCommandContext): Promise<DrillPitrCommandReport> {
  const { common, logger, env, signal } = context;
  const targetTime = reader.required('target-time');
  checkTargetTime(reader, targetTime);
  const configFlag = reader.string('pgbackrest-config');
  const stanza = reader.string('stanza') ?? 'main';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(stanza)) reader.report('stanza', stanza, '1-64 letters, digits, ".", "_" and "-"');
  const archiveWaitSeconds = reader.seconds('archive-wait', 0, 86_400, 0);
  const recoveryTimeoutSeconds = reader.seconds('recovery-timeout', 1, 7 * 86_400, DEFAULT_RECOVERY_TIMEOUT_SECONDS);
  const rowBounds = readRowBounds(reader);
  const statements = [...reader.list('sql'), ...readStatementsFromEnvironment(reader, env)];
  const checkFiles = reader.list('check');
  const serverSettings = readServerSettings(reader);
  const osUser = reader.string('os-user') ?? (process.getuid?.() === 0 ? 'postgres' : undefined);
  if (configFlag !== undefined && !isReadableFile(configFlag)) reader.report('pgbackrest-config', configFlag, 'a readable pgbackrest.conf file');
  const recordTo = reader.string('record-to', DRILL_RECORD_TO_ENV);
  const rtoObjectiveSeconds = readRtoObjective(reader);
  reader.throwIfInvalid('drill-pitr');
  // Before anything is restored: the programs the drill runs (from the runner's PATH, pg_ctl from PG_BIN_DIR when set),
  // each named with what to install when it is missing.
  requireProgram('pgbackrest');
  requireProgram('pg_ctl', { env: { PATH: process.env.PATH, PG_BIN_DIR: env.PG_BIN_DIR } });
  if (osUser) requireProgram('runuser');
  // A location that does not parse is a usage error naming --record-to, before any recovery work.
  const recordLocation = recordTo === undefined ? undefined : parseBackupLocation(recordTo, '--record-to');
  // The drill restores the whole cluster the stanza archives: its result is the stanza's, as its metrics are (and as a
  // PitrDrill's state machine records the failures it sees), whichever database the checks ran in.
  const record = drillRecorder(recordLocation, 'pitr', stanza, { common, env, logger }, rtoObjectiveSeconds);

  const workDirectory = fs.mkdtempSync(path.join(common.scratchDirectory, 'pg-backup-pitr-'));
  let configFile = configFlag ?? PGBACKREST_DEFAULT_CONFIG_FILE;
  if (configFlag === undefined && env[PGBACKREST_CONF_ENV]) {
    configFile = path.join(workDirectory, 'pgbackrest.conf');
    fs.writeFileSync(configFile, env[PGBACKREST_CONF_ENV]!, { mode: 0o600 });
    if (osUser) {
      const owner = await userIds(osUser);
      fs.chownSync(configFile, owner.uid, owner.gid);
    }
  }
  let outcome: PitrDrillOutcome;
  try {
    outcome = await runPitrDrill({
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
  } catch (error) {
    // A drill that cannot recover to its target is a result too: stored beside the backups, so status shows it.
    await record({ succeeded: false, reason: errorMessage(error), restored: { targetTime }, checks: [] });
    throw error;
  }
  const drillResult = await record({
    succeeded: true,
    restored: { targetTime: outcome.targetTime, ...(outcome.baseBackupLabel !== undefined ? { baseBackup: outcome.baseBackupLabel } : {}) },
    // The RTO of a PITR drill: restoring the base backup plus replaying WAL up to the target.
    rtoSeconds: Math.round(outcome.restoreSeconds + outcome.recoverySeconds),
    recoveryPoint: outcome.stoppedAt.time,
    ...recordedChecks(outcome.rowCounts, outcome.checks),
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
      ...(drillResult !== undefined ? { drillResult } : {}),
    },
  };
}
