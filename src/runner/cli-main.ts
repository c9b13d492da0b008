import type { Logger } from 'pino';
import type { LogicalDumpPolicy } from '../core';
import { type BackupSelection, listBackups } from './backup-catalog';
import { isBackupId } from './backup-id';
import { BackupLayout } from './backup-layout';
import { type BackupLocation, formatBackupLocation, parseBackupLocation } from './backup-location';
import { parseManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { checkArchiveCommand } from './check-archive-command';
import { checkCommand } from './check-command';
import {
  COMMANDS, FlagReader, ROW_COUNT_MODES, USAGE, parseCommandLine, parseCompression, readCommonOptions,
  type CommandName, type CommonOptions,
} from './cli-options';
import { type DatabaseConnection, resolveConnection } from './database-connection';
import { drillPitrCommand } from './drill-pitr-command';
import { dumpMetrics, runDump } from './dump-command';
import { emitMetrics, type MetricValue } from './embedded-metrics';
import { openBackupStore } from './open-backup-store';
import { restoreMetrics, runRestore } from './restore-command';
import { InterruptedError, RunnerError, UsageError, errorMessage } from './runner-error';
import { createRunnerLogger } from './runner-logger';
import { runVerify, verifyMetrics } from './verify-command';

/** Where a CLI run writes its result line. */
export interface CliIo {
  /** Writes the result line (stdout). */
  readonly writeResult: (line: string) => void;
  /**
   * Environment.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Aborts the run (the CLI entry wires SIGTERM and SIGINT to it).
   * @default - never aborted
   */
  readonly signal?: AbortSignal;
}

/** What every command gets besides its own flags. */
interface CommandContext {
  readonly common: CommonOptions;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** The database the run is about, once known (for failure metrics). */
  database: string;
}

/** What a command hands back for the result line and the metrics. */
interface CommandReport {
  readonly database: string;
  readonly result: Record<string, unknown>;
  readonly metrics: MetricValue[];
}

/** Metric name prefix of each command's success/failure counters. */
const METRIC_PREFIX: Record<CommandName, string | undefined> = {
  'dump': 'Backup',
  'verify': 'Verify',
  'restore': 'Restore',
  'list': undefined,
  'check': 'Check',
  'drill-pitr': 'PitrDrill',
  // check-archive writes its own metrics on failure; a prefix here would count them twice.
  'check-archive': undefined,
};

function metricFields(metrics: readonly MetricValue[]): Record<string, number> {
  return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}

function selection(reader: FlagReader, common: CommonOptions): { database?: string; backupId?: string } {
  const backupId = reader.string('backup');
  if (backupId !== undefined && reader.boolean('latest')) reader.report('backup', backupId, 'either --backup ID or --latest, not both');
  if (backupId !== undefined && !isBackupId(backupId)) reader.report('backup', backupId, 'a backup id such as 20261124T020000Z-9f1c2a7b');
  return { database: common.database, backupId };
}

async function dumpCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, env, signal } = context;
  const to = reader.required('to');
  const format = reader.oneOf('format', ['custom', 'directory'] as const, 'custom');
  const policy: LogicalDumpPolicy = {
    format,
    jobs: reader.integer('jobs', 1, 64, 1),
    compression: parseCompression(reader.string('compress')),
    tables: reader.list('table'),
    excludeTables: reader.list('exclude-table'),
    schemas: reader.list('schema'),
    excludeSchemas: reader.list('exclude-schema'),
    schemaOnly: reader.boolean('schema-only'),
    dataOnly: reader.boolean('data-only'),
    noOwner: reader.boolean('no-owner'),
    noAcl: reader.boolean('no-acl'),
    includeGlobals: reader.boolean('globals'),
    rowCounts: reader.oneOf('row-counts', ROW_COUNT_MODES, 'exact'),
    lockWaitTimeoutSeconds: reader.seconds('lock-wait-timeout', 0.001, 86_400, 300),
  };
  if ((policy.jobs ?? 1) > 1 && format !== 'directory') reader.report('jobs', policy.jobs, '1 with --format custom', 'parallel dumps need --format directory');
  if (policy.schemaOnly && policy.dataOnly) reader.report('data-only', true, 'not with --schema-only', 'they exclude each other');
  reader.throwIfInvalid('dump');
  const location = parseBackupLocation(to, '--to');
  let connection = resolveConnection({ url: reader.string('database-url'), secretEnv: common.secretEnv, flag: '--database-url' }, env);
  if (common.database) connection = connection.withDatabase(common.database);
  context.database = connection.database;
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const outcome = await runDump({
      connection,
      location,
      store,
      policy,
      noRolePasswords: reader.boolean('no-role-passwords'),
      scratchDirectory: common.scratchDirectory,
      progressIntervalMs: common.progressIntervalMs,
      logger,
      signal,
    });
    const { manifest } = outcome;
    return {
      database: manifest.database,
      metrics: dumpMetrics(manifest),
      result: {
        backupId: manifest.backupId,
        database: manifest.database,
        location: formatBackupLocation(location),
        manifestKey: outcome.manifestKey,
        latestKey: outcome.latestKey,
        format: manifest.format,
        bytes: manifest.totalBytes,
        rows: manifest.rowCounts.totalRows,
        tables: manifest.rowCounts.tables.length,
        rowCounts: manifest.rowCounts.mode,
        durationSeconds: manifest.durationSeconds,
        startedAt: manifest.startedAt,
        finishedAt: manifest.finishedAt,
        serverVersion: manifest.server.version,
        objects: manifest.objects,
      },
    };
  } finally {
    store.close();
  }
}

/** What verify and restore both start from: the backup to take, the store it is in, and the server to restore into. */
interface BackupToTarget {
  readonly location: BackupLocation;
  readonly store: BackupStore;
  readonly selection: BackupSelection;
  readonly target: DatabaseConnection;
  readonly jobs: number;
}

/**
 * Reads the flags verify and restore share (`--from`, `--target-url`, `--jobs`, the backup selection) and the
 * command's own (`readOwn`), opens the store, runs the command and closes the store.
 */
async function fromBackupToTarget<Own>(
  reader: FlagReader, context: CommandContext, command: string, readOwn: () => Own,
  run: (source: BackupToTarget, own: Own) => Promise<CommandReport>,
): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  const targetUrl = reader.required('target-url');
  const jobs = reader.integer('jobs', 1, 64, 1);
  const own = readOwn();
  const chosen = selection(reader, common);
  reader.throwIfInvalid(command);
  const location = parseBackupLocation(from, '--from');
  // The target is the URL alone: a secret in the environment describes the backed-up server, not the target.
  const target = resolveConnection({ url: targetUrl, flag: '--target-url' }, { ...env, PG_BACKUP_DATABASE_SECRET: '' });
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    return await run({ location, store, selection: chosen, target, jobs }, own);
  } finally {
    store.close();
  }
}

async function verifyCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, signal } = context;
  return fromBackupToTarget(reader, context, 'verify', () => ({ checkFiles: reader.list('check') }), async (source, { checkFiles }) => {
    const outcome = await runVerify({
      ...source,
      checkFiles,
      amcheck: reader.boolean('amcheck'),
      keep: reader.boolean('keep'),
      scratchDirectory: common.scratchDirectory,
      progressIntervalMs: common.progressIntervalMs,
      logger,
      signal,
    });
    return {
      database: outcome.manifest.database,
      metrics: verifyMetrics(outcome),
      result: {
        backupId: outcome.manifest.backupId,
        database: outcome.manifest.database,
        location: formatBackupLocation(source.location),
        downloadedBytes: outcome.downloadedBytes,
        tocEntries: outcome.tocEntries,
        restoreSeconds: outcome.restoreSeconds,
        rowCountsCompared: outcome.rowCountsCompared,
        tablesCompared: outcome.tablesCompared,
        rowsCompared: outcome.rowsCompared,
        checks: outcome.checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
        indexesChecked: outcome.indexesChecked,
        scratchDatabase: outcome.scratchDatabase,
        kept: outcome.kept,
        durationSeconds: outcome.durationSeconds,
      },
    };
  });
}

async function restoreCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, signal } = context;
  return fromBackupToTarget(reader, context, 'restore', () => ({ tables: reader.list('table') }), async (source, { tables }) => {
    const outcome = await runRestore({
      ...source,
      tables,
      clean: reader.boolean('clean'),
      create: reader.boolean('create'),
      noOwner: reader.boolean('no-owner'),
      noAcl: reader.boolean('no-acl'),
      scratchDirectory: common.scratchDirectory,
      progressIntervalMs: common.progressIntervalMs,
      logger,
      signal,
    });
    return {
      database: outcome.manifest.database,
      metrics: restoreMetrics(outcome),
      result: {
        backupId: outcome.manifest.backupId,
        database: outcome.manifest.database,
        target: source.target.describe(),
        downloadedBytes: outcome.downloadedBytes,
        tablesRestored: outcome.tablesRestored,
        restoreSeconds: outcome.restoreSeconds,
        durationSeconds: outcome.durationSeconds,
      },
    };
  });
}

async function listCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  reader.throwIfInvalid('list');
  const location = parseBackupLocation(from, '--from');
  const store: BackupStore = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const layout = new BackupLayout(location);
    const entries = (await listBackups(store, layout)).filter((entry) => common.database === undefined || entry.database === common.database);
    const backups = [];
    for (const entry of entries) {
      const data = await store.getBytes(entry.manifestKey);
      if (!data) continue;
      const manifest = parseManifest(data, entry.manifestKey);
      backups.push({
        database: manifest.database,
        backupId: manifest.backupId,
        finishedAt: manifest.finishedAt,
        format: manifest.format,
        bytes: manifest.totalBytes,
        rows: manifest.rowCounts.totalRows,
        tables: manifest.rowCounts.tables.length,
        globals: manifest.objects.some((object) => object.role === 'globals'),
        manifestKey: entry.manifestKey,
      });
    }
    return { database: common.database ?? '', metrics: [], result: { location: formatBackupLocation(location), count: backups.length, backups } };
  } finally {
    store.close();
  }
}

/** What runs each command. */
const COMMAND_RUNNERS: Record<CommandName, (reader: FlagReader, context: CommandContext) => Promise<CommandReport>> = {
  'dump': dumpCommand,
  'verify': verifyCommand,
  'restore': restoreCommand,
  'list': listCommand,
  'check': checkCommand,
  'drill-pitr': drillPitrCommand,
  'check-archive': checkArchiveCommand,
};

/**
 * Runs `pg-backup` with the given arguments (without the program name) and returns the exit status.
 * It always writes exactly one JSON result line, on success and on failure alike.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const signal = io.signal ?? new AbortController().signal;
  const commandGuess = COMMANDS.includes(argv[0] as CommandName) ? (argv[0] as CommandName) : undefined;
  let logger: Logger = createRunnerLogger(commandGuess ?? 'pg-backup');
  let common: CommonOptions | undefined;
  let database = '';
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stderr.write(`${USAGE}\n`);
      throw new UsageError('no command given');
    }
    const parsed = parseCommandLine(argv);
    if (parsed.help) {
      process.stderr.write(`${USAGE}\n`);
      io.writeResult(JSON.stringify({ command: parsed.command, ok: true, help: true }));
      return 0;
    }
    const reader = new FlagReader(parsed.flags, env);
    common = readCommonOptions(reader, env);
    logger = createRunnerLogger(parsed.command, common.logLevel);
    const context: CommandContext = { common, logger, env, signal, database: common.database ?? '' };
    // The command may learn its database on the way (dump reads it from the URL or secret); a failure names it too.
    const report = await COMMAND_RUNNERS[parsed.command](reader, context).finally(() => {
      database = context.database;
    });
    if (signal.aborted) throw signal.reason;
    emitMetrics(common.metrics, report.database, report.metrics, { command: parsed.command });
    io.writeResult(JSON.stringify({ command: parsed.command, ok: true, ...report.result, metrics: metricFields(report.metrics) }));
    return 0;
  } catch (caught) {
    const error = signal.aborted && !(caught instanceof UsageError) ? (signal.reason as unknown) : caught;
    const exitCode = error instanceof RunnerError ? error.exitCode : 1;
    // A failed dump leaves the store as it was: say so, since that is what an operator checks first.
    const unchanged = commandGuess === 'dump' && !(error instanceof UsageError) ? ' (no manifest was written and latest is unchanged)' : '';
    const message = `${errorMessage(error)}${unchanged}`;
    if (!(error instanceof RunnerError) || error instanceof InterruptedError) {
      logger.error({ err: error instanceof InterruptedError ? undefined : error }, message);
    } else {
      logger.error(message);
    }
    const prefix = commandGuess ? METRIC_PREFIX[commandGuess] : undefined;
    const metrics: MetricValue[] = prefix && !(error instanceof UsageError)
      ? [{ name: `${prefix}Succeeded`, value: 0, unit: 'Count' }, { name: `${prefix}Failed`, value: 1, unit: 'Count' }]
      : [];
    if (common) emitMetrics(common.metrics, database || common.database || '', metrics, { command: commandGuess ?? 'pg-backup', error: message.slice(0, 500) });
    io.writeResult(JSON.stringify({ command: commandGuess ?? null, ok: false, exitCode, error: message, metrics: metricFields(metrics) }));
    return exitCode;
  }
}
