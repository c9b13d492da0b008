import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';
import type { Logger } from 'pino';
import { parseTableName, TABLE_NAME_ALLOWED } from '../core';
import { parseBackupLocation, type BackupLocation } from './backup-location';
import { readCheckFiles, runCheckScripts, runCheckStatement, type CheckOutcome } from './check-files';
import type { CommonOptions, FlagDefinition, FlagReader } from './cli-options';
import { connectDatabase, qualifiedTable } from './database-client';
import { DatabaseConnection, resolveConnection } from './database-connection';
import {
  CHECK_DRILL_KINDS, RTO_FLAG, heldToRto, readRtoObjective, recordDrill, withDrillId, type DrillRecord, type DrillRecordKind,
} from './drill-record';
import type { MetricValue } from './embedded-metrics';
import { openBackupStore } from './open-backup-store';
import { inReadOnlyTransaction } from './read-only-query';
import { RECOVERY_POINT_FLAGS, RecoveryPointResult, RECOVERY_POINT_METRICS, checkRecoveryPoint, observeRecoveryPoint, readRecoveryPointFlags } from './recovery-point';
import { RunnerError, UsageError, errorMessage } from './runner-error';

/** The flags that bound row counts and run SQL checks (`check`, `drill-pitr` and `drill-flexible-pitr`). */
export const CHECK_FLAGS: readonly FlagDefinition[] = [
  { name: 'min-rows', value: 'TABLE=N', repeatable: true, description: 'the table must hold at least N rows', example: '--min-rows public.orders=1000' },
  { name: 'max-rows', value: 'TABLE=N', repeatable: true, description: 'the table must hold at most N rows', example: '--max-rows public.orders=5000000' },
  { name: 'sql', value: 'STATEMENT', repeatable: true, description: 'a statement that must return a single true', example: "--sql 'SELECT count(*) > 0 FROM orders'" },
  { name: 'sql-env', value: 'VAR', repeatable: true, description: 'an environment variable holding such a statement', example: '--sql-env ORDERS_CHECK' },
  { name: 'check', value: 'FILE.sql', repeatable: true, description: 'a SQL file whose every statement must return a single true', example: '--check checks/orders.sql' },
];

/** Names of the metrics of `pg-backup check` (dimension `Database`). */
export const CHECK_METRICS = {
  /** 1 for each check run that passed. */
  checkSucceeded: 'CheckSucceeded',
  /** 1 for each check run that failed. */
  checkFailed: 'CheckFailed',
  /** Tables whose row counts were checked against bounds. */
  checkedTables: 'CheckedTables',
  /** Wall time of the check run, seconds. */
  checkDurationSeconds: 'CheckDurationSeconds',
} as const;

/** The environment variable the snapshot drill names the restored snapshot in. */
export const DRILL_SNAPSHOT_ENV = 'PG_BACKUP_DRILL_SNAPSHOT';

/** The environment variable naming the store a drill's checks task records its result in (`--record-to`). */
export const DRILL_RECORD_TO_ENV = 'PG_BACKUP_DRILL_RECORD_TO';
/** The environment variable naming the drill recorded (`--drill-kind`). */
export const DRILL_KIND_ENV = 'PG_BACKUP_DRILL_KIND';
/** The environment variable a drill names its restore's start in (`--drill-started-at`). */
export const DRILL_STARTED_AT_ENV = 'PG_BACKUP_DRILL_STARTED_AT';

/** How long `check` keeps trying to connect by default: a freshly restored server may not resolve or accept at once. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 300;

/** Pause between two connection attempts. */
const CONNECT_RETRY_MS = 5_000;

/** SQLSTATEs that another attempt cannot fix: wrong password or user, no such database, no pg_hba entry. */
const PERMANENT_CONNECT_ERRORS = new Set(['28P01', '28000', '3D000']);

/** Bounds on the rows of one table: a restore that lost (or multiplied) data falls outside. */
export interface RowCountBound {
  /** `schema.table`, or `table` in `public`, as SQL writes it (`"Sales Dept"."Order Lines"`): see `parseTableName`. */
  readonly table: string;
  /**
   * Fewest rows accepted.
   * @default - no lower bound
   */
  readonly min?: number;
  /**
   * Most rows accepted.
   * @default - no upper bound
   */
  readonly max?: number;
}

/** The row count of a bounded table and whether it is within its bounds. */
export interface RowCountResult extends RowCountBound {
  /** Rows counted, `missing` when there is no such table, `unreadable` when the server refused to count it. */
  readonly rows: number | 'missing' | 'unreadable';
  /**
   * Why the server refused to count an `unreadable` table (a materialized view never populated, a privilege).
   * @default - none
   */
  readonly reason?: string;
  /**
   * A missing table's name differing only in case from an existing table's, quoted as SQL must write it.
   * @default - none
   */
  readonly similarTable?: string;
  /** Whether the count is within the bounds. */
  readonly passed: boolean;
}

/** Everything a check run needs. */
export interface CheckRunOptions {
  /** The database to check. */
  readonly target: DatabaseConnection;
  /** Row-count bounds, checked first, every one. */
  readonly rowBounds: readonly RowCountBound[];
  /** Inline statements, each must return a single `true`. */
  readonly statements: readonly string[];
  /** SQL files whose every statement must return a single `true`. */
  readonly checkFiles: readonly string[];
  /** Keeps trying to connect this long, milliseconds. */
  readonly connectTimeoutMs: number;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the run. */
  readonly signal: AbortSignal;
  /**
   * A read-only query returning the newest commit time the data shows, read after the checks passed.
   * @default - none
   */
  readonly recoveryPointQuery?: string;
}

/** What a check run found (when it throws, nothing passed). */
export interface CheckRunOutcome {
  /** The database checked, for logs: `user@host:port/database`. */
  readonly target: string;
  /** The database name. */
  readonly database: string;
  /** Each bounded table. */
  readonly rowCounts: readonly RowCountResult[];
  /** Each statement run, inline ones first (file `--sql`). */
  readonly checks: readonly CheckOutcome[];
  /** Connection attempts it took. */
  readonly connectAttempts: number;
  /** When the database accepted the connection: ready for checks. */
  readonly connectedAt: Date;
  /** What {@link CheckRunOptions.recoveryPointQuery} returned, in milliseconds since the epoch (`null`: no timestamp). */
  readonly recoveryPoint?: number | null;
  /** Wall time, seconds. */
  readonly durationSeconds: number;
}

/** The file name reported for inline statements. */
export const INLINE_CHECK_FILE = '--sql';

/**
 * Parses `TABLE=N` of `--min-rows`/`--max-rows`; returns `undefined` (after reporting on `reader`) when malformed.
 */
export function parseRowBoundFlag(reader: FlagReader, flag: string, entry: string): { table: string; rows: number } | undefined {
  // The count follows the last `=`: a quoted table name may hold one.
  const match = /^\s*(.+?)\s*=\s*(\d+)\s*$/.exec(entry);
  if (!match || !Number.isSafeInteger(Number(match[2])) || parseTableName(match[1]) === undefined) {
    reader.report(flag, entry, `TABLE=N with ${TABLE_NAME_ALLOWED}, and a whole number of rows, e.g. public.orders=1000`);
    return undefined;
  }
  return { table: match[1], rows: Number(match[2]) };
}

/** Merges `--min-rows` and `--max-rows` into one bound per table, reporting a minimum above its maximum. */
export function readRowBounds(reader: FlagReader): RowCountBound[] {
  const bounds = new Map<string, { min?: number; max?: number }>();
  for (const [flag, side] of [['min-rows', 'min'], ['max-rows', 'max']] as const) {
    for (const entry of reader.list(flag)) {
      const parsed = parseRowBoundFlag(reader, flag, entry);
      if (!parsed) continue;
      const bound = bounds.get(parsed.table) ?? {};
      if (bound[side] !== undefined) reader.report(flag, entry, `one --${flag} per table (${parsed.table} has two)`);
      bound[side] = parsed.rows;
      bounds.set(parsed.table, bound);
    }
  }
  const result = [...bounds.entries()].map(([table, bound]) => ({ table, ...bound }));
  for (const bound of result) {
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      reader.report('min-rows', `${bound.table}=${bound.min}`, `at most the --max-rows of ${bound.table}, ${bound.max}`);
    }
  }
  return result;
}

/**
 * Statements named by `--sql-env VAR`: each variable holds one statement. This is how a task definition carries SQL
 * that a command line could not (quotes survive the environment untouched).
 */
export function readStatementsFromEnvironment(reader: FlagReader, env: NodeJS.ProcessEnv): string[] {
  const statements: string[] = [];
  for (const name of reader.list('sql-env')) {
    const statement = env[name];
    if (statement === undefined || statement.trim() === '') reader.report('sql-env', name, 'the name of a set environment variable holding one SQL statement');
    else statements.push(statement);
  }
  return statements;
}

/**
 * The database to check: `--target-url` when given, else libpq's environment (`PGHOST`, `PGPORT`, `PGUSER`,
 * `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`), which is how the snapshot drill hands over the scratch instance.
 * `--database` replaces the database name of either.
 */
export function resolveCheckTarget(url: string | undefined, database: string | undefined, env: NodeJS.ProcessEnv): DatabaseConnection {
  let target: DatabaseConnection;
  if (url !== undefined) {
    target = resolveConnection({ url, flag: '--target-url', database, requireDatabase: true }, { ...env, PG_BACKUP_DATABASE_SECRET: '' });
  } else {
    if (!env.PGHOST) throw new UsageError('check: --target-url is required unless PGHOST names the server to check');
    const composed = new URL('postgres://localhost');
    composed.hostname = env.PGHOST;
    if (env.PGPORT) {
      if (!/^\d{1,5}$/.test(env.PGPORT)) throw new UsageError(`check: PGPORT is ${JSON.stringify(env.PGPORT)}; allowed: a port number`);
      composed.port = env.PGPORT;
    }
    if (env.PGUSER) composed.username = encodeURIComponent(env.PGUSER);
    const name = database || env.PGDATABASE;
    if (!name) throw new UsageError('check: name the database to check with --database or PGDATABASE (or in --target-url)');
    composed.pathname = `/${encodeURIComponent(name)}`;
    // libpq semantics for sslmode (require encrypts without verifying), which is what RDS's forced TLS needs.
    if (env.PGSSLMODE) {
      composed.searchParams.set('sslmode', env.PGSSLMODE);
      composed.searchParams.set('uselibpqcompat', 'true');
    }
    target = new DatabaseConnection(composed, env.PGPASSWORD);
  }
  return target;
}

async function connectPatiently(options: CheckRunOptions): Promise<{ client: Client; attempts: number }> {
  const deadline = Date.now() + options.connectTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return { client: await connectDatabase(options.target, 'the database to check'), attempts: attempt };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (options.signal.aborted || (code !== undefined && PERMANENT_CONNECT_ERRORS.has(code)) || Date.now() + CONNECT_RETRY_MS > deadline) {
        throw new RunnerError(`${errorMessage(error)} (after ${attempt} attempt${attempt === 1 ? '' : 's'})`, { cause: error });
      }
      options.logger.warn({ attempt, error: errorMessage(error) }, 'cannot connect yet; trying again');
      await sleep(CONNECT_RETRY_MS, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}

/** Whether PostgreSQL refused one statement (a SQLSTATE outside connection failures and operator intervention). */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}

async function countRows(client: Client, bound: RowCountBound): Promise<RowCountResult> {
  const table = parseTableName(bound.table);
  if (table === undefined) throw new UsageError(`check: --min-rows/--max-rows table is ${JSON.stringify(bound.table)}; allowed: ${TABLE_NAME_ALLOWED}`);
  const qualified = qualifiedTable(table.schema, table.name);
  const counted = await inReadOnlyTransaction(client, async () => {
    const exists = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [qualified]);
    if (!exists.rows[0].present) {
      // The likeliest slip: a mixed-case name written without quotes, which SQL folds to lower case.
      const other = await client.query<{ schema: string; name: string }>(`
        SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE lower(n.nspname) = lower($1) AND lower(c.relname) = lower($2) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
         ORDER BY 1, 2 LIMIT 1`, [table.schema, table.name]);
      const similar = other.rows[0];
      return { rows: 'missing' as const, ...(similar ? { similarTable: qualifiedTable(similar.schema, similar.name) } : {}) };
    }
    try {
      const result = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ${qualified}`);
      return { rows: Number(result.rows[0].rows) };
    } catch (error) {
      // The table is there but cannot be read (a materialized view never refreshed, privileges): that bound fails, with
      // the server's reason, and every other bound and check still runs. A lost connection fails the run as before.
      if (!isStatementError(error)) throw error;
      return { rows: 'unreadable' as const, reason: errorMessage(error) };
    }
  });
  if (counted.rows === 'missing' || counted.rows === 'unreadable') return { ...bound, ...counted, passed: false };
  const rows = counted.rows;
  return { ...bound, rows, passed: (bound.min === undefined || rows >= bound.min) && (bound.max === undefined || rows <= bound.max) };
}

/** The row bounds and checks of a run as a drill result records them, with the rows that matched a bound. */
export function recordedChecks(
  rowCounts: readonly RowCountResult[], checks: readonly CheckOutcome[],
): Pick<DrillRecord, 'rowsMatched' | 'checks'> {
  return {
    rowsMatched: rowCounts.reduce((sum, bound) => sum + (bound.passed && typeof bound.rows === 'number' ? bound.rows : 0), 0),
    checks: [
      ...rowCounts.map((bound) => ({ file: '--min-rows/--max-rows', statement: describeBound(bound), passed: bound.passed })),
      ...checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
    ],
  };
}

/** A row bound as a drill result lists it among its checks (`orders: 100 rows, expected 100 to 100`). */
function describeBound(result: RowCountResult): string {
  const range = result.min !== undefined && result.max !== undefined
    ? `${result.min} to ${result.max}`
    : result.min !== undefined ? `at least ${result.min}` : `at most ${result.max}`;
  if (result.rows === 'unreadable') {
    const hint = /has not been populated/.test(result.reason ?? '') ? `; REFRESH MATERIALIZED VIEW ${result.table} fills it` : '';
    return `${result.table}: cannot be counted (expected ${range} rows): ${result.reason}${hint}`;
  }
  if (result.rows !== 'missing') return `${result.table}: ${result.rows} rows, expected ${range}`;
  const hint = result.similarTable ? `; ${result.similarTable} exists: unquoted letters fold to lower case, so quote a mixed-case name` : '';
  return `${result.table}: table missing (expected ${range} rows${hint})`;
}

/**
 * Checks a restored database: every row-count bound, every inline statement, then the check files (each statement
 * must return a single `true`). Throws a {@link RunnerError} naming every failed bound and check.
 */
export async function runChecks(options: CheckRunOptions): Promise<CheckRunOutcome> {
  const started = Date.now();
  // The files are read before connecting, which can take minutes against a server that is still starting.
  const checkScripts = await readCheckFiles(options.checkFiles);
  const { client, attempts } = await connectPatiently(options);
  const connectedAt = new Date();
  try {
    const rowCounts: RowCountResult[] = [];
    for (const bound of options.rowBounds) rowCounts.push(await countRows(client, bound));
    const checks: CheckOutcome[] = [];
    for (const statement of options.statements) checks.push(await runCheckStatement(client, INLINE_CHECK_FILE, statement));
    checks.push(...await runCheckScripts(client, checkScripts));

    const failedBounds = rowCounts.filter((result) => !result.passed);
    const failedChecks = checks.filter((check) => !check.passed);
    options.logger.info({ rowCounts: rowCounts.length, checks: checks.length, failed: failedBounds.length + failedChecks.length }, 'checks run');
    if (failedBounds.length + failedChecks.length > 0) {
      const problems = [
        ...failedBounds.map(describeBound),
        ...failedChecks.map((check) => `check failed (${check.file}): ${check.statement} — ${check.detail}`),
      ];
      throw new RunnerError(`${problems.length} check(s) of ${options.target.describe()} failed: ${problems.join('; ')}`);
    }
    if (rowCounts.length === 0 && checks.length === 0) {
      // Connecting proved the server is up; a query proves the restored database answers.
      await client.query('SELECT 1');
    }
    const recoveryPoint = options.recoveryPointQuery === undefined ? undefined : await observeRecoveryPoint(client, options.recoveryPointQuery);
    return {
      target: options.target.describe(),
      database: options.target.database,
      rowCounts,
      checks,
      connectAttempts: attempts,
      connectedAt,
      ...(recoveryPoint !== undefined ? { recoveryPoint } : {}),
      durationSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The metrics of a passed check run. */
export function checkMetrics(outcome: CheckRunOutcome): MetricValue[] {
  return [
    { name: CHECK_METRICS.checkSucceeded, value: 1, unit: 'Count' },
    { name: CHECK_METRICS.checkFailed, value: 0, unit: 'Count' },
    { name: CHECK_METRICS.checkedTables, value: outcome.rowCounts.length, unit: 'Count' },
    { name: CHECK_METRICS.checkDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
  ];
}

/** The recovery point as the result line reports it: the failure says the problem once. */
function withoutProblem({ problem: _problem, ...found }: RecoveryPointResult): Omit<RecoveryPointResult, 'problem'> {
  return found;
}

/** What `pg-backup check` gets besides its flags (the CLI's command context). */
export interface CheckCommandContext {
  /** Flags every command shares (`--database` among them). */
  readonly common: CommonOptions;
  /** The log. */
  readonly logger: Logger;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/** What `pg-backup check` reports: the database (metric dimension), the result line's fields, the metrics. */
export interface CheckCommandReport {
  /** The database checked. */
  readonly database: string;
  /** Fields of the JSON result line. */
  readonly result: Record<string, unknown>;
  /** Metrics of the run. */
  readonly metrics: MetricValue[];
  /** Why the run failed, when it got far enough to report its findings (the recovery point was wrong). */
  readonly failure?: string;
}

/** `--record-to`: where a drill (`check` of a snapshot or point-in-time drill, `drill-pitr`) stores its result. */
export const RECORD_TO_FLAG: FlagDefinition = {
  name: 'record-to',
  value: 'URI',
  description: `write the outcome, passed or failed, as a drill result beside the backups there (<prefix>/<database>/drills/<time>.json), which status shows (env ${DRILL_RECORD_TO_ENV})`,
  example: '--record-to s3://backups/pg-dumps',
};

/**
 * Stores a drill's result at `location` (opening and closing the store); a refused write is logged and returned, never
 * thrown, so it does not change the drill's outcome (see {@link recordDrill}).
 */
export async function storeDrillRecord(
  location: BackupLocation, common: CommonOptions, env: NodeJS.ProcessEnv, logger: Logger, record: DrillRecord,
): Promise<{ key: string; written: boolean; error?: string }> {
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    return await recordDrill({ location, store }, logger, withDrillId(record, env));
  } finally {
    store.close();
  }
}

/** What a drill command knows of its outcome: the record but for the fields the recorder fills in. */
export type DrillOutcome = Omit<DrillRecord, 'version' | 'kind' | 'database' | 'startedAt' | 'finishedAt'>;

/**
 * The recorder of a drill that starts now: it stores each outcome as a `kind` drill of `database` at `location` (the
 * `--record-to` store), or does nothing when the drill records nowhere. A successful outcome is held to
 * `rtoObjectiveSeconds` ({@link heldToRto}): slower, it is stored as a failed drill that says so, and the recorder
 * then throws, so the drill fails as its result says.
 */
export function drillRecorder(
  location: BackupLocation | undefined,
  kind: DrillRecordKind,
  database: string,
  context: { common: CommonOptions; env: NodeJS.ProcessEnv; logger: Logger },
  rtoObjectiveSeconds?: number,
): (outcome: DrillOutcome) => Promise<{ key: string; written: boolean; error?: string } | undefined> {
  const startedAt = new Date().toISOString();
  return async (outcome) => {
    const finishedAt = new Date().toISOString();
    const { record, failure } = heldToRto({ version: 1, kind, database, startedAt, finishedAt, ...outcome }, rtoObjectiveSeconds);
    const stored = location === undefined ? undefined : await storeDrillRecord(location, context.common, context.env, context.logger, record);
    if (failure) throw failure;
    return stored;
  };
}

/** The flags of `pg-backup check`. */
export const CHECK_COMMAND_FLAGS: readonly FlagDefinition[] = [
  { name: 'target-url', value: 'URL', description: 'the database to check, postgres://user@host:5432/db', default: 'PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE', example: '--target-url postgres://checker@db:5432/shop' },
  { name: 'database', value: 'NAME', description: 'the database to check, instead of the one the URL or PGDATABASE names', example: '--database shop' },
  ...CHECK_FLAGS,
  { name: 'snapshot', value: 'ID', description: 'the snapshot the database was restored from, reported in the result (env PG_BACKUP_DRILL_SNAPSHOT)', example: '--snapshot rds:orders-2026-11-24-02-00' },
  { name: 'connect-timeout', value: 'DUR', description: 'keep trying to connect this long, 0 to 1h', default: `${DEFAULT_CONNECT_TIMEOUT_SECONDS}s`, example: '--connect-timeout 10m' },
  ...RECOVERY_POINT_FLAGS,
  RECORD_TO_FLAG,
  { ...RTO_FLAG, description: `${RTO_FLAG.description}; the recorded RTO needs --drill-started-at` },
  {
    name: 'drill-kind',
    value: 'KIND',
    description: `the drill the result is recorded as: ${CHECK_DRILL_KINDS.join(', ')} (env ${DRILL_KIND_ENV})`,
    default: 'point-in-time with --target-time, else snapshot',
    example: '--drill-kind snapshot',
  },
  {
    name: 'drill-started-at',
    value: 'TIME',
    description: `when the drill's restore started, ISO 8601 with a zone: the recorded RTO runs from it to the database accepting the checks (env ${DRILL_STARTED_AT_ENV})`,
    default: 'no RTO recorded',
    example: '--drill-started-at 2026-11-24T06:00:00Z',
  },
];

/**
 * `pg-backup check`: reads its flags, connects to the database to check (the scratch instance of a snapshot or
 * point-in-time drill: `PGHOST`/`PGPORT` from the drill, credentials from the task's secrets) and runs the row-count
 * bounds and SQL checks; with `--recovery-point-query`, it compares the newest commit time the data shows with
 * `--target-time` (a failed comparison is reported with its findings, exit 1).
 * Throws a {@link RunnerError} on a failed check (exit 1) and a {@link UsageError} on bad flags (exit 2); the CLI
 * prints the one JSON result line either way.
 */
export async function checkCommand(reader: FlagReader, context: CheckCommandContext): Promise<CheckCommandReport> {
  const { common, logger, env, signal } = context;
  const url = reader.string('target-url');
  const rowBounds = readRowBounds(reader);
  const statements = [...reader.list('sql'), ...readStatementsFromEnvironment(reader, env)];
  const checkFiles = reader.list('check');
  const snapshot = reader.string('snapshot', DRILL_SNAPSHOT_ENV);
  const connectTimeoutSeconds = reader.seconds('connect-timeout', 0, 3600, DEFAULT_CONNECT_TIMEOUT_SECONDS);
  const recoveryPointFlags = readRecoveryPointFlags(reader);
  const readRecord = readRecordFlags(reader, recoveryPointFlags?.targetTime !== undefined);
  const rtoObjectiveSeconds = readRtoObjective(reader);
  reader.throwIfInvalid('check');
  const record = readRecord();
  const target = resolveCheckTarget(url, common.database, env);
  logger.info({ target: target.describe(), snapshot, rowBounds: rowBounds.length, statements: statements.length, checkFiles: checkFiles.length }, 'checking');
  const startedAt = new Date();
  const recordOutcome = async (outcome: Omit<DrillRecord, 'version' | 'kind' | 'database' | 'startedAt' | 'finishedAt' | 'restored'>) => {
    if (record === undefined) return undefined;
    const restored = {
      ...(snapshot !== undefined ? { snapshot } : {}),
      ...(recoveryPointFlags?.targetTime !== undefined ? { targetTime: recoveryPointFlags.targetTime } : {}),
    };
    const judged = heldToRto({
      version: 1,
      kind: record.kind,
      database: target.database,
      startedAt: (record.startedAt ?? startedAt).toISOString(),
      finishedAt: new Date().toISOString(),
      restored,
      ...outcome,
    }, outcome.succeeded ? rtoObjectiveSeconds : undefined);
    const stored = await storeDrillRecord(record.location, common, env, logger, judged.record);
    // Checks that passed on a restore slower than the RTO fail the drill, as its stored result says.
    if (judged.failure) throw judged.failure;
    return stored;
  };
  let outcome: CheckRunOutcome;
  try {
    outcome = await runChecks({
      target,
      rowBounds,
      statements,
      checkFiles,
      connectTimeoutMs: connectTimeoutSeconds * 1000,
      logger,
      signal,
      recoveryPointQuery: recoveryPointFlags?.query,
    });
  } catch (error) {
    // A drill whose checks fail is a result too: written beside the backups, so status shows the failure and its reason.
    await recordOutcome({ succeeded: false, reason: errorMessage(error), checks: [] });
    throw error;
  }
  const recoveryPoint = recoveryPointFlags && checkRecoveryPoint(recoveryPointFlags, outcome.recoveryPoint);
  if (recoveryPoint?.observed !== undefined) logger.info(recoveryPoint, recoveryPoint.problem ?? 'recovery point within the target');
  const failed = recoveryPoint?.problem !== undefined;
  const failure = failed ? `check of ${outcome.target}: ${recoveryPoint!.problem}` : undefined;
  const checks = outcome.checks.map(({ file, statement, passed }) => ({ file, statement, passed }));
  const drillResult = await recordOutcome({
    succeeded: !failed,
    ...(failure !== undefined ? { reason: failure } : {}),
    // The RTO runs from the restore's start to the database accepting the checks.
    ...(record?.startedAt !== undefined
      ? { rtoSeconds: Math.max(0, Math.round((outcome.connectedAt.getTime() - record.startedAt.getTime()) / 1000)) }
      : {}),
    ...(typeof recoveryPoint?.observed === 'string' ? { recoveryPoint: recoveryPoint.observed } : {}),
    ...recordedChecks(outcome.rowCounts, checks),
  });
  return {
    database: outcome.database,
    metrics: [
      ...(failed
        ? [{ name: CHECK_METRICS.checkSucceeded, value: 0, unit: 'Count' as const }, { name: CHECK_METRICS.checkFailed, value: 1, unit: 'Count' as const }]
        : checkMetrics(outcome)),
      ...(recoveryPoint?.gapSeconds !== undefined ? [{ name: RECOVERY_POINT_METRICS.gapSeconds, value: recoveryPoint.gapSeconds, unit: 'Seconds' as const }] : []),
    ],
    ...(failure !== undefined ? { failure } : {}),
    result: {
      database: outcome.database,
      target: outcome.target,
      ...(snapshot !== undefined ? { snapshot } : {}),
      ...(recoveryPoint !== undefined ? { recoveryPoint: withoutProblem(recoveryPoint) } : {}),
      rowCounts: outcome.rowCounts,
      checks,
      connectAttempts: outcome.connectAttempts,
      durationSeconds: outcome.durationSeconds,
      ...(drillResult !== undefined ? { drillResult } : {}),
    },
  };
}

/** Where and as what `check` records its outcome as a drill result, when `--record-to` is given. */
interface RecordFlags {
  /** The store the result is written to, beside the backups. */
  readonly location: BackupLocation;
  /** The drill recorded. */
  readonly kind: DrillRecordKind;
  /** When the drill's restore started, when known. */
  readonly startedAt?: Date;
}

/**
 * Reads `--record-to`, `--drill-kind` and `--drill-started-at` (problems reported on `reader`); the location is parsed
 * by the returned function, once every flag problem has been reported.
 */
function readRecordFlags(reader: FlagReader, pointInTime: boolean): () => RecordFlags | undefined {
  const recordTo = reader.string('record-to', DRILL_RECORD_TO_ENV);
  const kind = reader.oneOf('drill-kind', CHECK_DRILL_KINDS, pointInTime ? 'point-in-time' : 'snapshot', DRILL_KIND_ENV);
  const startedAtText = reader.string('drill-started-at', DRILL_STARTED_AT_ENV);
  let startedAt: Date | undefined;
  if (startedAtText !== undefined) {
    startedAt = new Date(startedAtText);
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(startedAtText) || Number.isNaN(startedAt.getTime())) {
      reader.report('drill-started-at', startedAtText, 'an ISO 8601 time with a zone, e.g. 2026-11-24T06:00:00Z');
    }
  }
  if (recordTo === undefined) return () => undefined;
  // A location that does not parse is a usage error naming --record-to (thrown before anything is checked).
  return () => ({ location: parseBackupLocation(recordTo, '--record-to'), kind, ...(startedAt !== undefined ? { startedAt } : {}) });
}
