import { DATABASE_NAME_ALLOWED, DATABASE_NAME_PATTERN, DEFAULT_DUMP_COMPRESSION, type LogicalDumpPolicy, type PropPaths } from '../core';
import { AgeIdentities, AgeRecipients, recipientsFrom } from './age-encryption';
import type { BackupSelection } from './backup-catalog';
import { isBackupId } from './backup-id';
import { BackupLayout } from './backup-layout';
import { type BackupLocation, formatBackupLocation, parseBackupLocation } from './backup-location';
import type { BackupManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import {
  ROW_COUNT_MODES, parseCompression,
  type CommandContext, type CommandReport, type FlagDefinition, type FlagReader,
} from './cli-options';
import { type DatabaseConnection, resolveConnection } from './database-connection';
import { RTO_FLAG, heldToRto, readRtoObjective, recordDrill, withDrillId } from './drill-record';
import { dumpMetrics, runDump, type DestinationOutcome } from './dump-command';
import { describeDestination, type DumpDestination } from './dump-fan-out';
import { openBackupStore } from './open-backup-store';
import { restoreMetrics, runRestore } from './restore-command';
import { UsageError, errorMessage } from './runner-error';
import { withTargetSecret } from './target-secret';
import { runVerify, verifyDrillRecord, verifyMetrics, type VerifyOutcome } from './verify-command';

/** `--database` of the commands that read backups: whose backups. */
export const BACKUP_DATABASE_FLAG: FlagDefinition = {
  name: 'database', value: 'NAME', description: 'whose backups (needed when the location holds several databases, unless --backup names one)', default: 'the only database there, or the one --backup belongs to', example: '--database shop',
};

/** `--from` of the commands that read backups. */
export const FROM_FLAG: FlagDefinition = {
  name: 'from', value: 'URI', description: 'where the backups are: s3://bucket/prefix, azblob://account/container/prefix or file:///absolute/path (required)', example: '--from s3://backups/nightly',
};

/** The flags of `pg-backup dump`. */
export const DUMP_COMMAND_FLAGS: readonly FlagDefinition[] = [
  { name: 'database-url', value: 'URL', description: 'the server and database to dump, postgres://user@host:5432/db (else an RDS-style secret, see --secret-env)', example: '--database-url postgres://backup@db.internal:5432/shop' },
  { name: 'database', value: 'NAME', description: 'the database to dump, instead of the one the URL or secret names', example: '--database shop' },
  {
    name: 'to',
    value: 'URI',
    repeatable: true,
    example: '--to s3://backups/nightly',
    description: 'where the backup goes: s3://bucket/prefix, azblob://account/container/prefix or file:///absolute/path (required); '
      + 'repeat it (--to s3://… --to azblob://…) to read the database once and write the backup to each, '
      + 'each getting its manifest and latest when its own copy is complete',
  },
  { name: 'format', value: 'custom|directory', description: 'pg_dump archive format', default: 'custom', example: '--format directory' },
  { name: 'jobs', short: 'j', value: 'N', description: 'parallel pg_dump jobs, 1 to 64 (more than 1 needs --format directory)', default: '1', example: '--jobs 4' },
  { name: 'compress', short: 'Z', value: 'METHOD', description: 'compression: zstd:N, lz4:N, gzip:N (pg_dump\'s own archive), a method alone at its default level (zstd, lz4, gzip), 0..9 or none', default: DEFAULT_DUMP_COMPRESSION, example: '--compress gzip:6' },
  { name: 'table', short: 't', value: 'TABLE', repeatable: true, description: 'dump only this table (pg_dump pattern)', example: '--table public.orders' },
  { name: 'exclude-table', short: 'T', value: 'TABLE', repeatable: true, description: 'leave this table out (pg_dump pattern)', example: '--exclude-table public.audit_log' },
  { name: 'schema', short: 'n', value: 'SCHEMA', repeatable: true, description: 'dump only this schema (pg_dump pattern)', example: '--schema sales' },
  { name: 'exclude-schema', short: 'N', value: 'SCHEMA', repeatable: true, description: 'leave this schema out (pg_dump pattern)', example: '--exclude-schema scratch' },
  { name: 'schema-only', short: 's', description: 'definitions only, no data', example: '--schema-only' },
  { name: 'data-only', short: 'a', description: 'data only, no definitions', example: '--data-only' },
  { name: 'no-owner', short: 'O', description: 'do not dump object ownership', example: '--no-owner' },
  { name: 'no-acl', short: 'x', description: 'do not dump privileges (GRANT/REVOKE)', example: '--no-acl' },
  { name: 'globals', description: 'also store roles and tablespaces (pg_dumpall --globals-only) beside the dump', example: '--globals' },
  { name: 'no-role-passwords', description: 'with --globals: leave role passwords out (managed services forbid reading them)', example: '--no-role-passwords' },
  { name: 'row-counts', value: 'exact|estimate|off', description: 'row counts recorded in the manifest, compared by verify', default: 'exact', example: '--row-counts estimate' },
  { name: 'lock-wait-timeout', value: 'DUR', description: 'give up when a table lock is not granted within this time, 1ms to 24h', default: '300s', example: '--lock-wait-timeout 60s' },
  {
    name: 'recipient',
    short: 'r',
    value: 'AGE_PUBLIC_KEY',
    repeatable: true,
    description: 'encrypt every object of the backup with age to this public key (env PG_BACKUP_AGE_RECIPIENTS, comma-separated); verify and restore then need its identity',
    default: 'not encrypted',
    example: '--recipient age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
  },
];

/** The flags verify and restore share. */
const FROM_BACKUP_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { name: 'backup', value: 'ID', description: 'the backup to use', default: 'the latest backup', example: '--backup 20261124T020000Z-9f1c2a7b' },
  { name: 'latest', description: 'use the latest backup (the default; not with --backup)', example: '--latest' },
  BACKUP_DATABASE_FLAG,
  { name: 'target-url', value: 'URL', description: 'the server to restore into, postgres://user@host:5432/db (required)', example: '--target-url postgres://postgres@scratch:5432/postgres' },
  { name: 'jobs', short: 'j', value: 'N', description: 'parallel pg_restore jobs, 1 to 64', default: '1', example: '--jobs 4' },
];

/** The flags of `pg-backup verify`. */
export const VERIFY_COMMAND_FLAGS: readonly FlagDefinition[] = [
  ...FROM_BACKUP_FLAGS,
  { name: 'check', value: 'FILE.sql', repeatable: true, description: 'SQL file whose every statement must return true on the restored database', example: '--check checks/orders.sql' },
  { name: 'amcheck', description: 'also check every btree index with amcheck', example: '--amcheck' },
  { name: 'keep', description: 'keep the scratch database afterwards', example: '--keep' },
  { ...RTO_FLAG, description: `${RTO_FLAG.description}; the recorded RTO of verify is its restore's` },
  { name: 'globals', description: "first create the backup's roles and tablespaces from its globals.sql (roles the server has are left alone), then restore with owners and privileges", example: '--globals' },
];

/** The flags of `pg-backup restore`. */
export const RESTORE_COMMAND_FLAGS: readonly FlagDefinition[] = [
  ...FROM_BACKUP_FLAGS,
  { name: 'table', short: 't', value: 'TABLE', repeatable: true, description: 'restore only this table', example: '--table orders' },
  { name: 'clean', short: 'c', description: 'drop objects before recreating them', example: '--clean' },
  { name: 'create', short: 'C', description: 'create the backed-up database (the target URL names the database to connect to)', example: '--create' },
  { name: 'no-owner', short: 'O', description: 'do not restore object ownership', example: '--no-owner' },
  { name: 'no-acl', short: 'x', description: 'do not restore privileges', example: '--no-acl' },
  { name: 'globals', description: "first create the backup's roles and tablespaces from its globals.sql (roles the server has are left alone)", example: '--globals' },
];

function selection(reader: FlagReader, database: string | undefined): BackupSelection {
  const backupId = reader.string('backup');
  if (backupId !== undefined && reader.boolean('latest')) reader.report('backup', backupId, 'either --backup ID or --latest, not both');
  if (backupId !== undefined && !isBackupId(backupId)) reader.report('backup', backupId, 'a backup id such as 20261124T020000Z-9f1c2a7b');
  return { database, backupId };
}

/** The flag that gives each field of the dump policy `pg-backup dump` builds, for core's messages about it. */
const DUMP_FLAG_PATHS: PropPaths = {
  'logicalDump.format': '--format',
  'logicalDump.jobs': '--jobs',
  'logicalDump.compression': '--compress',
  'logicalDump.tables': '--table',
  'logicalDump.excludeTables': '--exclude-table',
  'logicalDump.schemas': '--schema',
  'logicalDump.excludeSchemas': '--exclude-schema',
  'logicalDump.schemaOnly': '--schema-only',
  'logicalDump.dataOnly': '--data-only',
  'logicalDump.rowCounts': '--row-counts',
  'logicalDump.lockWaitTimeoutSeconds': '--lock-wait-timeout',
};

/** `pg-backup dump`: streams pg_dump of one database to the location and writes its manifest and `latest`. */
export async function dumpCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, env, signal } = context;
  const to = reader.list('to');
  if (to.length === 0) reader.report('to', undefined, 'a value (the flag is required)');
  const repeated = to.find((uri, index) => to.indexOf(uri) !== index);
  if (repeated !== undefined) reader.report('to', repeated, 'each location once', 'the same location twice would write one backup over itself');
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
  if (policy.schemaOnly && policy.dataOnly) reader.report('data-only', true, `not with ${reader.spelling('schema-only')}`, 'they exclude each other');
  reader.checkPolicy({ logicalDump: policy }, DUMP_FLAG_PATHS);
  const recipients = recipientsFrom(reader.list('recipient'), env, reader.spelling('recipient'));
  reader.throwIfInvalid('dump');
  const locations = to.map((uri) => parseBackupLocation(uri, '--to'));
  // Checked before the database or the store is touched: a typo in a key is a usage error, not a failed backup.
  const encryption = recipients.recipients.length > 0 ? await AgeRecipients.parse(recipients.recipients, recipients.source) : undefined;
  const connection = resolveConnection({
    url: reader.string('database-url'), secretEnv: common.secretEnv, flag: '--database-url', database: common.database, requireDatabase: true,
  }, env);
  // The name becomes the backups' folder and a metric dimension: the one rule of every front end applies.
  if (!DATABASE_NAME_PATTERN.test(connection.database)) {
    const source = common.database !== undefined ? '--database' : 'the database of --database-url';
    throw new UsageError(`dump: ${source} is ${JSON.stringify(connection.database)}; allowed: ${DATABASE_NAME_ALLOWED}`);
  }
  context.database = connection.database;
  const destinations: DumpDestination[] = [];
  try {
    for (const location of locations) {
      const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
      destinations.push({ location, store, layout: new BackupLayout(location) });
    }
    const outcome = await runDump({
      connection,
      destinations,
      policy,
      noRolePasswords: reader.boolean('no-role-passwords'),
      scratchDirectory: common.scratchDirectory,
      ...directoryLookInterval(env),
      progressIntervalMs: common.progressIntervalMs,
      logger,
      signal,
      encryption,
    });
    const { manifest } = outcome;
    const reported = outcome.destinations.map(destinationResult);
    const failed = outcome.destinations.filter((destination) => destination.error !== undefined);
    return {
      database: manifest.database,
      metrics: failed.length === 0 ? dumpMetrics(manifest) : dumpMetrics(manifest, { failed: true }),
      ...(failed.length > 0 ? {
        failure: `backup ${manifest.backupId} is complete in ${outcome.destinations.length - failed.length} of ${outcome.destinations.length} destinations; `
          + failed.map((destination) => `${describeDestination(destination.destination)}: ${destination.error}`).join('; '),
      } : {}),
      result: {
        backupId: manifest.backupId,
        database: manifest.database,
        // One destination: its keys and latest at the top, as they have always been; several: each in destinations.
        ...(outcome.destinations.length === 1 ? (({ ok: _ok, error: _error, ...only }) => only)(reported[0]) : {}),
        format: manifest.format,
        bytes: manifest.totalBytes,
        ...(outcome.scratchPeakBytes !== undefined ? { scratchPeakBytes: outcome.scratchPeakBytes } : {}),
        rows: manifest.rowCounts.totalRows,
        tables: manifest.rowCounts.tables.length,
        rowCounts: manifest.rowCounts.mode,
        retentionClasses: manifest.retentionClasses,
        durationSeconds: manifest.durationSeconds,
        startedAt: manifest.startedAt,
        snapshotAt: manifest.snapshotAt,
        finishedAt: manifest.finishedAt,
        serverVersion: manifest.server.version,
        objects: manifest.objects,
        ...(manifest.encryption ? { encryption: manifest.encryption } : {}),
        destinations: reported,
      },
    };
  } finally {
    for (const destination of destinations) destination.store.close();
  }
}

/** One destination in the result line: where, whether its copy is complete and latest moved, its keys, and why not. */
function destinationResult(outcome: DestinationOutcome): Record<string, unknown> {
  return {
    location: describeDestination(outcome.destination),
    ok: outcome.error === undefined,
    ...(outcome.manifestKey !== undefined ? { manifestKey: outcome.manifestKey } : {}),
    latestKey: outcome.latestKey,
    ...(outcome.latest !== undefined ? { latest: outcome.latest.backupId, latestMoved: outcome.latest.moved } : {}),
    ...(outcome.manifest?.retentionClasses !== undefined ? { retentionClasses: outcome.manifest.retentionClasses } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
}

/** What verify and restore both start from: the backup to take, the store it is in, and the server to restore into. */
interface BackupToTarget {
  readonly location: BackupLocation;
  readonly store: BackupStore;
  readonly selection: BackupSelection;
  readonly target: DatabaseConnection;
  readonly jobs: number;
  readonly identities?: AgeIdentities;
}

/**
 * Reads the flags verify and restore share (`--from`, `--target-url`, `--jobs`, the backup selection) and the
 * command's own (`readOwn`), opens the store, runs the command and closes the store. Verify only connects to the
 * target server to create its scratch database, so its URL may name no database; a restore without `--create`
 * writes into the URL's database, which must then be named.
 */
async function fromBackupToTarget<Own extends { targetNeedsDatabase: boolean }>(
  reader: FlagReader, context: CommandContext, command: string, readOwn: () => Own,
  run: (source: BackupToTarget, own: Own) => Promise<CommandReport>,
): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  const targetUrl = reader.required('target-url');
  const jobs = reader.integer('jobs', 1, 64, 1);
  const own = readOwn();
  const chosen = selection(reader, common.database);
  reader.throwIfInvalid(command);
  const location = parseBackupLocation(from, '--from');
  // The target is the URL: a secret in PG_BACKUP_DATABASE_SECRET describes the backed-up server, not the target. A
  // scratch RDS instance's credentials come from its own secret (PG_BACKUP_TARGET_SECRET_ARN), over PGPASSWORD.
  const target = await withTargetSecret(
    resolveConnection({ url: targetUrl, flag: '--target-url', requireDatabase: own.targetNeedsDatabase }, { ...env, PG_BACKUP_DATABASE_SECRET: '' }),
    env,
  );
  // An identity that is set but unreadable is a mistake to report now, whether or not the backup turns out encrypted.
  const identities = await AgeIdentities.fromEnvironment(env);
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    return await run({ location, store, selection: chosen, target, jobs, ...(identities ? { identities } : {}) }, own);
  } finally {
    store.close();
  }
}

/** `pg-backup verify`: restores a backup into a scratch database, compares row counts and runs the checks. */
export async function verifyCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, signal } = context;
  return fromBackupToTarget(reader, context, 'verify', () => ({
    checkFiles: reader.list('check'), rtoObjectiveSeconds: readRtoObjective(reader), targetNeedsDatabase: false,
  }), async (source, { checkFiles, rtoObjectiveSeconds }) => {
    const startedAt = new Date();
    let found: BackupManifest | undefined;
    let outcome: VerifyOutcome;
    try {
      outcome = await runVerify({
        ...source,
        checkFiles,
        amcheck: reader.boolean('amcheck'),
        keep: reader.boolean('keep'),
        globals: reader.boolean('globals'),
        scratchDirectory: common.scratchDirectory,
        progressIntervalMs: common.progressIntervalMs,
        logger,
        signal,
        onBackupFound: (manifest) => {
          found = manifest;
          context.database = manifest.database;
        },
      });
    } catch (error) {
      // A failed drill is a result too: written beside the backups, so status shows the failure and its reason.
      const database = found?.database ?? source.selection.database;
      if (database !== undefined && !(error instanceof UsageError)) {
        await recordDrill(source, logger, withDrillId({
          version: 1,
          kind: 'dump',
          database,
          succeeded: false,
          reason: errorMessage(error),
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          restored: { backupId: found?.backupId ?? source.selection.backupId },
          checks: [],
        }, context.env));
      }
      throw error;
    }
    const judged = heldToRto(withDrillId(verifyDrillRecord(outcome, startedAt, new Date()), context.env), rtoObjectiveSeconds);
    const drillResult = await recordDrill(source, logger, judged.record);
    // A restore that passed its checks but was slower than the RTO fails the drill, as its stored result says.
    if (judged.failure) throw judged.failure;
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
        ...(outcome.globals ? { globals: outcome.globals } : {}),
        scratchDatabase: outcome.scratchDatabase,
        kept: outcome.kept,
        durationSeconds: outcome.durationSeconds,
        drillResult,
      },
    };
  });
}

/** `pg-backup restore`: restores a backup into the target database. */
export async function restoreCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, logger, signal } = context;
  return fromBackupToTarget(reader, context, 'restore', () => ({ tables: reader.list('table'), create: reader.boolean('create'), targetNeedsDatabase: !reader.boolean('create') }), async (source, { tables, create }) => {
    const outcome = await runRestore({
      ...source,
      tables,
      clean: reader.boolean('clean'),
      create,
      noOwner: reader.boolean('no-owner'),
      noAcl: reader.boolean('no-acl'),
      globals: reader.boolean('globals'),
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
        databaseCreated: outcome.databaseCreated,
        ...(outcome.globals ? { globals: outcome.globals } : {}),
        ...(outcome.databaseSettingsApplied !== undefined ? { databaseSettingsApplied: outcome.databaseSettingsApplied } : {}),
        restoreSeconds: outcome.restoreSeconds,
        durationSeconds: outcome.durationSeconds,
      },
    };
  });
}

/**
 * `PG_BACKUP_DIRECTORY_LOOK_MS`: milliseconds between two looks at a directory-format dump's files while pg_dump writes
 * them, when it holds a whole number from 1 to 60000 (the default otherwise).
 */
function directoryLookInterval(env: NodeJS.ProcessEnv): { directoryLookIntervalMs?: number } {
  const ms = Number(env.PG_BACKUP_DIRECTORY_LOOK_MS);
  return Number.isInteger(ms) && ms >= 1 && ms <= 60000 ? { directoryLookIntervalMs: ms } : {};
}
