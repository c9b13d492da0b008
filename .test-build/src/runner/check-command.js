"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CHECK_COMMAND_FLAGS = exports.INLINE_CHECK_FILE = exports.DEFAULT_CONNECT_TIMEOUT_SECONDS = exports.DRILL_SNAPSHOT_ENV = exports.CHECK_METRICS = exports.CHECK_FLAGS = void 0;
exports.parseRowBoundFlag = parseRowBoundFlag;
exports.readRowBounds = readRowBounds;
exports.readStatementsFromEnvironment = readStatementsFromEnvironment;
exports.resolveCheckTarget = resolveCheckTarget;
exports.runChecks = runChecks;
exports.checkMetrics = checkMetrics;
exports.checkCommand = checkCommand;
const promises_1 = require("node:timers/promises");
const check_files_1 = require("./check-files");
const database_client_1 = require("./database-client");
const database_connection_1 = require("./database-connection");
const read_only_query_1 = require("./read-only-query");
const runner_error_1 = require("./runner-error");
/** The flags that bound row counts and run SQL checks (`check` and `drill-pitr`). */
exports.CHECK_FLAGS = [
    { name: 'min-rows', value: 'TABLE=N', repeatable: true, description: 'the table must hold at least N rows', example: '--min-rows public.orders=1000' },
    { name: 'max-rows', value: 'TABLE=N', repeatable: true, description: 'the table must hold at most N rows', example: '--max-rows public.orders=5000000' },
    { name: 'sql', value: 'STATEMENT', repeatable: true, description: 'a statement that must return a single true', example: "--sql 'SELECT count(*) > 0 FROM orders'" },
    { name: 'sql-env', value: 'VAR', repeatable: true, description: 'an environment variable holding such a statement', example: '--sql-env ORDERS_CHECK' },
    { name: 'check', value: 'FILE.sql', repeatable: true, description: 'a SQL file whose every statement must return a single true', example: '--check checks/orders.sql' },
];
/** Names of the metrics of `pg-backup check` (dimension `Database`). */
exports.CHECK_METRICS = {
    /** 1 for each check run that passed. */
    checkSucceeded: 'CheckSucceeded',
    /** 1 for each check run that failed. */
    checkFailed: 'CheckFailed',
    /** Tables whose row counts were checked against bounds. */
    checkedTables: 'CheckedTables',
    /** Wall time of the check run, seconds. */
    checkDurationSeconds: 'CheckDurationSeconds',
};
/** The environment variable the snapshot drill names the restored snapshot in. */
exports.DRILL_SNAPSHOT_ENV = 'PG_BACKUP_DRILL_SNAPSHOT';
/** How long `check` keeps trying to connect by default: a freshly restored server may not resolve or accept at once. */
exports.DEFAULT_CONNECT_TIMEOUT_SECONDS = 300;
/** Pause between two connection attempts. */
const CONNECT_RETRY_MS = 5_000;
/** SQLSTATEs that another attempt cannot fix: wrong password or user, no such database, no pg_hba entry. */
const PERMANENT_CONNECT_ERRORS = new Set(['28P01', '28000', '3D000']);
/** The file name reported for inline statements. */
exports.INLINE_CHECK_FILE = '--sql';
/**
 * Parses `TABLE=N` of `--min-rows`/`--max-rows`; returns `undefined` (after reporting on `reader`) when malformed.
 */
function parseRowBoundFlag(reader, flag, entry) {
    const match = /^\s*([^=\s][^=]*?)\s*=\s*(\d+)\s*$/.exec(entry);
    if (!match || !Number.isSafeInteger(Number(match[2]))) {
        reader.report(flag, entry, 'TABLE=N with a table name (schema.table or table) and a whole number of rows, e.g. public.orders=1000');
        return undefined;
    }
    return { table: match[1], rows: Number(match[2]) };
}
/** Merges `--min-rows` and `--max-rows` into one bound per table, reporting a minimum above its maximum. */
function readRowBounds(reader) {
    const bounds = new Map();
    for (const [flag, side] of [['min-rows', 'min'], ['max-rows', 'max']]) {
        for (const entry of reader.list(flag)) {
            const parsed = parseRowBoundFlag(reader, flag, entry);
            if (!parsed)
                continue;
            const bound = bounds.get(parsed.table) ?? {};
            if (bound[side] !== undefined)
                reader.report(flag, entry, `one --${flag} per table (${parsed.table} has two)`);
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
function readStatementsFromEnvironment(reader, env) {
    const statements = [];
    for (const name of reader.list('sql-env')) {
        const statement = env[name];
        if (statement === undefined || statement.trim() === '')
            reader.report('sql-env', name, 'the name of a set environment variable holding one SQL statement');
        else
            statements.push(statement);
    }
    return statements;
}
/**
 * The database to check: `--target-url` when given, else libpq's environment (`PGHOST`, `PGPORT`, `PGUSER`,
 * `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`), which is how the snapshot drill hands over the scratch instance.
 * `--database` replaces the database name of either.
 */
function resolveCheckTarget(url, database, env) {
    let target;
    if (url !== undefined) {
        target = (0, database_connection_1.resolveConnection)({ url, flag: '--target-url', database, requireDatabase: true }, { ...env, PG_BACKUP_DATABASE_SECRET: '' });
    }
    else {
        if (!env.PGHOST)
            throw new runner_error_1.UsageError('check: --target-url is required unless PGHOST names the server to check');
        const composed = new URL('postgres://localhost');
        composed.hostname = env.PGHOST;
        if (env.PGPORT) {
            if (!/^\d{1,5}$/.test(env.PGPORT))
                throw new runner_error_1.UsageError(`check: PGPORT is ${JSON.stringify(env.PGPORT)}; allowed: a port number`);
            composed.port = env.PGPORT;
        }
        if (env.PGUSER)
            composed.username = encodeURIComponent(env.PGUSER);
        const name = database || env.PGDATABASE;
        if (!name)
            throw new runner_error_1.UsageError('check: name the database to check with --database or PGDATABASE (or in --target-url)');
        composed.pathname = `/${encodeURIComponent(name)}`;
        // libpq semantics for sslmode (require encrypts without verifying), which is what RDS's forced TLS needs.
        if (env.PGSSLMODE) {
            composed.searchParams.set('sslmode', env.PGSSLMODE);
            composed.searchParams.set('uselibpqcompat', 'true');
        }
        target = new database_connection_1.DatabaseConnection(composed, env.PGPASSWORD);
    }
    return target;
}
async function connectPatiently(options) {
    const deadline = Date.now() + options.connectTimeoutMs;
    for (let attempt = 1;; attempt++) {
        try {
            return { client: await (0, database_client_1.connectDatabase)(options.target, 'the database to check'), attempts: attempt };
        }
        catch (error) {
            const code = error.cause?.code;
            if (options.signal.aborted || (code !== undefined && PERMANENT_CONNECT_ERRORS.has(code)) || Date.now() + CONNECT_RETRY_MS > deadline) {
                throw new runner_error_1.RunnerError(`${(0, runner_error_1.errorMessage)(error)} (after ${attempt} attempt${attempt === 1 ? '' : 's'})`, { cause: error });
            }
            options.logger.warn({ attempt, error: (0, runner_error_1.errorMessage)(error) }, 'cannot connect yet; trying again');
            await (0, promises_1.setTimeout)(CONNECT_RETRY_MS, undefined, { signal: options.signal }).catch(() => undefined);
        }
    }
}
/** Splits `schema.table` (quoted parts allowed by `to_regclass`) into what `qualifiedTable` takes. */
function tableName(table) {
    const dot = table.indexOf('.');
    return dot < 0 ? { schema: 'public', name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}
async function countRows(client, bound) {
    const { schema, name } = tableName(bound.table);
    const qualified = (0, database_client_1.qualifiedTable)(schema, name);
    const rows = await (0, read_only_query_1.inReadOnlyTransaction)(client, async () => {
        const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [qualified]);
        if (!exists.rows[0].present)
            return 'missing';
        const result = await client.query(`SELECT count(*)::text AS rows FROM ${qualified}`);
        return Number(result.rows[0].rows);
    });
    if (rows === 'missing')
        return { ...bound, rows, passed: false };
    return { ...bound, rows, passed: (bound.min === undefined || rows >= bound.min) && (bound.max === undefined || rows <= bound.max) };
}
function describeBound(result) {
    const range = result.min !== undefined && result.max !== undefined
        ? `${result.min} to ${result.max}`
        : result.min !== undefined ? `at least ${result.min}` : `at most ${result.max}`;
    return result.rows === 'missing' ? `${result.table}: table missing (expected ${range} rows)` : `${result.table}: ${result.rows} rows, expected ${range}`;
}
/**
 * Checks a restored database: every row-count bound, every inline statement, then the check files (each statement
 * must return a single `true`). Throws a {@link RunnerError} naming every failed bound and check.
 */
async function runChecks(options) {
    const started = Date.now();
    // The files are read before connecting, which can take minutes against a server that is still starting.
    const checkScripts = await (0, check_files_1.readCheckFiles)(options.checkFiles);
    const { client, attempts } = await connectPatiently(options);
    try {
        const rowCounts = [];
        for (const bound of options.rowBounds)
            rowCounts.push(await countRows(client, bound));
        const checks = [];
        for (const statement of options.statements)
            checks.push(await (0, check_files_1.runCheckStatement)(client, exports.INLINE_CHECK_FILE, statement));
        checks.push(...await (0, check_files_1.runCheckScripts)(client, checkScripts));
        const failedBounds = rowCounts.filter((result) => !result.passed);
        const failedChecks = checks.filter((check) => !check.passed);
        options.logger.info({ rowCounts: rowCounts.length, checks: checks.length, failed: failedBounds.length + failedChecks.length }, 'checks run');
        if (failedBounds.length + failedChecks.length > 0) {
            const problems = [
                ...failedBounds.map(describeBound),
                ...failedChecks.map((check) => `check failed (${check.file}): ${check.statement} — ${check.detail}`),
            ];
            throw new runner_error_1.RunnerError(`${problems.length} check(s) of ${options.target.describe()} failed: ${problems.join('; ')}`);
        }
        if (rowCounts.length === 0 && checks.length === 0) {
            // Connecting proved the server is up; a query proves the restored database answers.
            await client.query('SELECT 1');
        }
        return {
            target: options.target.describe(),
            database: options.target.database,
            rowCounts,
            checks,
            connectAttempts: attempts,
            durationSeconds: (Date.now() - started) / 1000,
        };
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
/** The metrics of a passed check run. */
function checkMetrics(outcome) {
    return [
        { name: exports.CHECK_METRICS.checkSucceeded, value: 1, unit: 'Count' },
        { name: exports.CHECK_METRICS.checkFailed, value: 0, unit: 'Count' },
        { name: exports.CHECK_METRICS.checkedTables, value: outcome.rowCounts.length, unit: 'Count' },
        { name: exports.CHECK_METRICS.checkDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
    ];
}
/** The flags of `pg-backup check`. */
exports.CHECK_COMMAND_FLAGS = [
    { name: 'target-url', value: 'URL', description: 'the database to check, postgres://user@host:5432/db', default: 'PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE', example: '--target-url postgres://checker@db:5432/shop' },
    { name: 'database', value: 'NAME', description: 'the database to check, instead of the one the URL or PGDATABASE names', example: '--database shop' },
    ...exports.CHECK_FLAGS,
    { name: 'snapshot', value: 'ID', description: 'the snapshot the database was restored from, reported in the result (env PG_BACKUP_DRILL_SNAPSHOT)', example: '--snapshot rds:orders-2026-11-24-02-00' },
    { name: 'connect-timeout', value: 'DUR', description: 'keep trying to connect this long, 0 to 1h', default: `${exports.DEFAULT_CONNECT_TIMEOUT_SECONDS}s`, example: '--connect-timeout 10m' },
];
/**
 * `pg-backup check`: reads its flags, connects to the database to check (the scratch instance of a snapshot drill:
 * `PGHOST`/`PGPORT` from the drill, credentials from the task's secrets) and runs the row-count bounds and SQL checks.
 * Throws a {@link RunnerError} on a failed check (exit 1) and a {@link UsageError} on bad flags (exit 2); the CLI
 * prints the one JSON result line either way.
 */
async function checkCommand(reader, context) {
    const { common, logger, env, signal } = context;
    const url = reader.string('target-url');
    const rowBounds = readRowBounds(reader);
    const statements = [...reader.list('sql'), ...readStatementsFromEnvironment(reader, env)];
    const checkFiles = reader.list('check');
    const snapshot = reader.string('snapshot', exports.DRILL_SNAPSHOT_ENV);
    const connectTimeoutSeconds = reader.seconds('connect-timeout', 0, 3600, exports.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    reader.throwIfInvalid('check');
    const target = resolveCheckTarget(url, common.database, env);
    logger.info({ target: target.describe(), snapshot, rowBounds: rowBounds.length, statements: statements.length, checkFiles: checkFiles.length }, 'checking');
    const outcome = await runChecks({
        target, rowBounds, statements, checkFiles, connectTimeoutMs: connectTimeoutSeconds * 1000, logger, signal,
    });
    return {
        database: outcome.database,
        metrics: checkMetrics(outcome),
        result: {
            database: outcome.database,
            target: outcome.target,
            ...(snapshot !== undefined ? { snapshot } : {}),
            rowCounts: outcome.rowCounts,
            checks: outcome.checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
            connectAttempts: outcome.connectAttempts,
            durationSeconds: outcome.durationSeconds,
        },
    };
}
