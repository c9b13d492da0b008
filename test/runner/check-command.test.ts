import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { CheckCommandReport, checkCommand } from '../../src/runner/check-command';
import { parseCommandLine } from '../../src/runner/cli-commands';
import { FlagReader, readCommonOptions } from '../../src/runner/cli-options';
import { RunnerError, UsageError } from '../../src/runner/runner-error';
import { freePort } from '../support/free-port';
import { usePostgres } from '../support/postgres';

const logger = pino({ level: 'silent' });

/** Runs `pg-backup check <args>` through its command function, as the CLI does once it is registered. */
async function check(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CheckCommandReport> {
  const reader = new FlagReader(parseCommandLine(['check', ...args]).flags, env);
  const common = readCommonOptions(reader, env);
  return checkCommand(reader, { common, logger, env, signal: new AbortController().signal });
}

/** The error a check run fails with. */
async function failure(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunnerError> {
  try {
    await check(args, env);
  } catch (error) {
    if (error instanceof RunnerError) return error;
    throw error;
  }
  throw new Error('the check run passed');
}

describe('pg-backup check against a restored database', () => {
  const pg = usePostgres({ password: 'drill-secret' });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-check-'));
  const checkFile = path.join(directory, 'orders.sql');

  beforeAll(async () => {
    await pg().createDatabase('shop');
    await pg().query(`
      CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id int PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO sales.orders (id) SELECT generate_series(1, 250);
      CREATE TABLE customers (id int PRIMARY KEY);
      INSERT INTO customers SELECT generate_series(1, 40);
      CREATE SCHEMA "Sales Dept";
      CREATE TABLE "Sales Dept"."Customer Orders" (id int);
      INSERT INTO "Sales Dept"."Customer Orders" SELECT generate_series(1, 33);
      CREATE SCHEMA "dotted.schema";
      CREATE TABLE "dotted.schema"."table.with=dots" (id int);
      INSERT INTO "dotted.schema"."table.with=dots" SELECT generate_series(1, 7);
      CREATE TABLE "MixedCase" (id int);
      INSERT INTO "MixedCase" SELECT generate_series(1, 11);
      CREATE TABLE "Ünïcødé 表" (id int);
      INSERT INTO "Ünïcødé 表" SELECT generate_series(1, 3);
      CREATE MATERIALIZED VIEW sales.monthly AS SELECT date_trunc('month', placed_at) AS month, count(*) FROM sales.orders GROUP BY 1 WITH NO DATA;`, 'shop');
    fs.writeFileSync(checkFile, `-- every order is recent enough
SELECT count(*) = 250 FROM sales.orders;
SELECT bool_and(placed_at > now() - interval '1 day') FROM sales.orders;
`);
  });

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  /** libpq's environment as the snapshot drill's task gets it: endpoint from the drill, credentials from the secret. */
  const drillEnv = (): NodeJS.ProcessEnv => ({
    PGHOST: pg().host,
    PGPORT: String(pg().port),
    PGUSER: pg().user,
    PGPASSWORD: pg().password,
    PGDATABASE: 'shop',
    PG_BACKUP_DRILL_SNAPSHOT: 'rds:orders-2026-11-24-03-05',
  });

  test('passes when every row-count bound holds and every statement returns true, and reports each', async () => {
    const report = await check([
      '--min-rows', 'sales.orders=200', '--max-rows', 'sales.orders=300', '--min-rows', 'customers=1',
      '--sql', 'SELECT count(*) > 0 FROM customers', '--check', checkFile,
    ], drillEnv());
    expect(report.database).toBe('shop');
    expect(report.result).toMatchObject({
      database: 'shop',
      snapshot: 'rds:orders-2026-11-24-03-05',
      rowCounts: [
        { table: 'sales.orders', min: 200, max: 300, rows: 250, passed: true },
        { table: 'customers', min: 1, rows: 40, passed: true },
      ],
      connectAttempts: 1,
    });
    expect((report.result.checks as any[]).map((c) => [c.file, c.passed])).toEqual([['--sql', true], [checkFile, true], [checkFile, true]]);
    expect(Object.fromEntries(report.metrics.map((m) => [m.name, m.value]))).toMatchObject({ CheckSucceeded: 1, CheckFailed: 0, CheckedTables: 2 });
  });

  test('connects to PGHOST and PGPORT with the credentials from the environment, never printing the password', async () => {
    const report = await check([], drillEnv());
    expect(report.result.target).toBe(`${pg().user}@${pg().host}:${pg().port}/shop`);
    expect(JSON.stringify(report)).not.toContain('drill-secret');
  });

  test('--target-url and --database name the database when there is no drill environment', async () => {
    const report = await check(['--target-url', pg().url(), '--database', 'shop', '--min-rows', 'customers=40']);
    expect(report.result).toMatchObject({ database: 'shop', rowCounts: [{ table: 'customers', rows: 40, passed: true }] });
  });

  test('--sql-env reads a statement, quotes and all, from the environment', async () => {
    const report = await check(['--sql-env', 'PG_BACKUP_CHECK_0'], { ...drillEnv(), PG_BACKUP_CHECK_0: "SELECT count(*) = 40 FROM customers WHERE 'a' <> 'b'" });
    expect(report.result.checks).toEqual([{ file: '--sql', statement: "SELECT count(*) = 40 FROM customers WHERE 'a' <> 'b'", passed: true }]);
  });

  test('fails naming every table outside its bounds and every missing table', async () => {
    const error = await failure(['--min-rows', 'sales.orders=1000', '--max-rows', 'customers=10', '--min-rows', 'sales.refunds=1'], drillEnv());
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^3 check\(s\) of .*\/shop failed: /);
    expect(error.message).toContain('sales.orders: 250 rows, expected at least 1000');
    expect(error.message).toContain('customers: 40 rows, expected at most 10');
    expect(error.message).toContain('sales.refunds: table missing (expected at least 1 rows)');
  });

  test('reads table names as SQL does: quoted names keep their case, spaces, dots and "=", unquoted letters fold to lower case', async () => {
    const report = await check([
      '--min-rows', '"Sales Dept"."Customer Orders"=33', '--max-rows', '"Sales Dept"."Customer Orders"=33',
      '--min-rows', '"dotted.schema"."table.with=dots"=7', '--min-rows', 'public."MixedCase"=11', '--min-rows', '"Ünïcødé 表"=3',
      '--min-rows', 'SALES.Orders=250',
    ], drillEnv());
    expect(report.result.rowCounts).toEqual([
      { table: '"Sales Dept"."Customer Orders"', min: 33, max: 33, rows: 33, passed: true },
      { table: '"dotted.schema"."table.with=dots"', min: 7, rows: 7, passed: true },
      { table: 'public."MixedCase"', min: 11, rows: 11, passed: true },
      { table: '"Ünïcødé 表"', min: 3, rows: 3, passed: true },
      { table: 'SALES.Orders', min: 250, rows: 250, passed: true },
    ]);
  });

  test('a bounded table the server cannot count (a materialized view never populated) fails that bound with the reason, and every other bound and check still runs', async () => {
    const error = await failure(['--min-rows', 'sales.monthly=1', '--min-rows', 'customers=1000', '--sql', 'SELECT count(*) = 40 FROM customers'], drillEnv());
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^2 check\(s\) of .*\/shop failed: /);
    expect(error.message).toContain('sales.monthly: cannot be counted (expected at least 1 rows): materialized view "monthly" has not been populated; '
      + 'REFRESH MATERIALIZED VIEW sales.monthly fills it');
    expect(error.message).toContain('customers: 40 rows, expected at least 1000');
  });

  test('a mixed-case name written without quotes is missing, and the failure names the table it meant, quoted', async () => {
    const error = await failure(['--min-rows', 'MixedCase=1'], drillEnv());
    expect(error.message).toContain('MixedCase: table missing (expected at least 1 rows; "public"."MixedCase" exists: unquoted letters fold to lower case, so quote a mixed-case name)');
  });

  test('fails when a statement returns something other than a single true, saying what it returned', async () => {
    const error = await failure(['--sql', 'SELECT count(*) = 0 FROM customers', '--sql', 'SELECT id FROM customers WHERE id < 3 ORDER BY id'], drillEnv());
    expect(error.message).toContain('check failed (--sql): SELECT count(*) = 0 FROM customers — returned [[false]], not a single true');
    expect(error.message).toContain('returned [[1],[2]], not a single true');
  });

  test('fails when a statement raises, with the server\'s message', async () => {
    const error = await failure(['--sql', 'SELECT count(*) > 0 FROM no_such_table'], drillEnv());
    expect(error.message).toMatch(/raised: relation "no_such_table" does not exist/);
  });

  test('fails at once on a wrong password instead of waiting for the server', async () => {
    const error = await failure(['--connect-timeout', '60s'], { ...drillEnv(), PGPASSWORD: 'wrong' });
    expect(error.message).toMatch(/cannot connect to .*shop \(the database to check\): .*password authentication failed.* \(after 1 attempt\)/);
  });

  test('gives up on a server that never accepts once the connect timeout has passed', async () => {
    const error = await failure(['--connect-timeout', '0s'], { ...drillEnv(), PGHOST: '127.0.0.1', PGPORT: '1' });
    expect(error.message).toMatch(/cannot connect to .*127\.0\.0\.1:1\/shop .*\(after 1 attempt\)/);
  });

  test('keeps trying to connect while a freshly restored server does not accept connections yet', async () => {
    // The server "comes up" a second after the check starts: a forwarder to it starts listening on the port then.
    const port = await freePort();
    const sockets: net.Socket[] = [];
    const forwarder = net.createServer((client) => {
      const upstream = net.connect(pg().port, pg().host);
      sockets.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const listening = new Promise<void>((resolve) => setTimeout(() => forwarder.listen(port, '127.0.0.1', resolve), 1000));
    try {
      const report = await check(['--connect-timeout', '60s', '--min-rows', 'customers=40'], { ...drillEnv(), PGHOST: '127.0.0.1', PGPORT: String(port) });
      expect(report.result.connectAttempts).toBeGreaterThanOrEqual(2);
      expect(report.result).toMatchObject({ rowCounts: [{ table: 'customers', rows: 40, passed: true }] });
    } finally {
      await listening;
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => forwarder.close(resolve));
    }
  });

  test.each([
    { name: 'a bound without a count', args: ['--min-rows', 'orders'], message: /--min-rows is "orders"; allowed: TABLE=N/ },
    { name: 'a negative count', args: ['--max-rows', 'orders=-1'], message: /--max-rows is "orders=-1"; allowed: TABLE=N/ },
    { name: 'an unterminated quote', args: ['--min-rows', '"Sales Dept.orders=1'], message: /--min-rows is "\\"Sales Dept.orders=1"; allowed: TABLE=N with a table name as SQL writes it/ },
    { name: 'a name of three parts', args: ['--min-rows', 'shop.sales.orders=1'], message: /--min-rows is "shop.sales.orders=1"; allowed: TABLE=N with a table name/ },
    { name: 'a space outside quotes', args: ['--min-rows', 'Sales Dept.orders=1'], message: /--min-rows is "Sales Dept.orders=1"; allowed: TABLE=N with a table name/ },
    { name: 'a minimum above the maximum', args: ['--min-rows', 'orders=10', '--max-rows', 'orders=5'], message: /--min-rows is "orders=10"; allowed: at most the --max-rows of orders, 5/ },
    { name: 'an empty statement', args: ['--sql', ' '], message: /--sql\[0\] is " "; allowed: a non-empty name/ },
    { name: 'a statement variable that is not set', args: ['--sql-env', 'PG_BACKUP_CHECK_9'], message: /--sql-env is "PG_BACKUP_CHECK_9"; allowed: the name of a set environment variable/ },
    { name: 'no server at all', args: [], message: /--target-url is required unless PGHOST names the server to check/ },
  ])('rejects $name as a usage error', async ({ args, message }) => {
    const error = await failure(args);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });
});

describe('pg-backup check of a point-in-time restore', () => {
  const pg = usePostgres({ password: 'drill-secret' });
  const target = '2026-11-24T05:00:00Z';
  const newestCommit = 'SELECT max(committed_at) FROM ledger';

  beforeAll(async () => {
    await pg().createDatabase('ledger');
    await pg().query(`
      CREATE TABLE ledger (id int PRIMARY KEY, committed_at timestamptz NOT NULL, noted_at timestamp NOT NULL);
      INSERT INTO ledger VALUES
        (1, '2026-11-24T04:10:00Z', '2026-11-24 04:10:00'),
        (2, '2026-11-24T04:59:30Z', '2026-11-24 04:59:30');
      CREATE TABLE empty_ledger (committed_at timestamptz);`, 'ledger');
  });

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PGHOST: pg().host, PGPORT: String(pg().port), PGUSER: pg().user, PGPASSWORD: pg().password, PGDATABASE: 'ledger', ...extra,
  });
  const metrics = (report: CheckCommandReport) => Object.fromEntries(report.metrics.map((m) => [m.name, m.value]));

  test('passes when the newest commit is at or before the target, and reports the gap in the result and as a metric', async () => {
    const report = await check(['--target-time', target, '--recovery-point-query', newestCommit], env());
    expect(report.failure).toBeUndefined();
    expect(report.result.recoveryPoint).toEqual({ targetTime: target, observed: '2026-11-24T04:59:30.000Z', gapSeconds: 30 });
    expect(metrics(report)).toMatchObject({ CheckSucceeded: 1, CheckFailed: 0, RecoveryPointGapSeconds: 30 });
  });

  test('reads the target time and the query from the environment the drill task gets', async () => {
    const report = await check([], env({ PG_BACKUP_DRILL_TARGET_TIME: '2026-11-24T05:01:00.000Z', PG_BACKUP_RECOVERY_POINT_QUERY: `${newestCommit};` }));
    expect(report.result.recoveryPoint).toEqual({ targetTime: '2026-11-24T05:01:00.000Z', observed: '2026-11-24T04:59:30.000Z', gapSeconds: 90 });
  });

  test('a target time without a query is only reported', async () => {
    const report = await check(['--target-time', target], env());
    expect(report.failure).toBeUndefined();
    expect(report.result.recoveryPoint).toEqual({ targetTime: target });
    expect(metrics(report)).not.toHaveProperty('RecoveryPointGapSeconds');
  });

  test('a timestamp without time zone is read as UTC', async () => {
    const report = await check(['--target-time', '2026-11-24 06:00:00+01', '--recovery-point-query', 'SELECT max(noted_at) FROM ledger'], env());
    expect(report.result.recoveryPoint).toMatchObject({ observed: '2026-11-24T04:59:30.000Z', gapSeconds: 30 });
  });

  test('fails when the restored data is newer than the target: that is no restore to the target time', async () => {
    const report = await check(['--target-time', '2026-11-24T04:30:00Z', '--recovery-point-query', newestCommit], env());
    expect(report.failure).toMatch(/the restored data is newer than the target: its newest commit time 2026-11-24T04:59:30.000Z is 1770 s after the target 2026-11-24T04:30:00Z/);
    expect(report.result.recoveryPoint).toMatchObject({ gapSeconds: -1770 });
    expect(metrics(report)).toMatchObject({ CheckSucceeded: 0, CheckFailed: 1, RecoveryPointGapSeconds: -1770 });
  });

  test('fails when the data ends further before the target than --max-recovery-point-gap allows', async () => {
    const report = await check(['--target-time', target, '--recovery-point-query', newestCommit, '--max-recovery-point-gap', '20s'], env());
    expect(report.failure).toMatch(/the restored data ends 30 s before the target 2026-11-24T05:00:00Z \(newest commit time 2026-11-24T04:59:30.000Z\), more than --max-recovery-point-gap 20 s/);
    expect(metrics(report)).toMatchObject({ CheckFailed: 1, RecoveryPointGapSeconds: 30 });
  });

  test('passes within --max-recovery-point-gap', async () => {
    const report = await check(['--target-time', target, '--recovery-point-query', newestCommit, '--max-recovery-point-gap', '1m'], env());
    expect(report.failure).toBeUndefined();
  });

  test('fails when the query finds no commit time at all', async () => {
    const report = await check(['--target-time', target, '--recovery-point-query', 'SELECT max(committed_at) FROM empty_ledger'], env());
    expect(report.failure).toMatch(/the recovery point query returned NULL: the restored data shows no commit time to compare with the target/);
    expect(report.result.recoveryPoint).toEqual({ targetTime: target, observed: null });
  });

  test.each([
    { name: 'returns two rows', query: 'SELECT committed_at FROM ledger', message: /more than one row returned by a subquery/ },
    { name: 'returns no timestamp', query: "SELECT 'yesterday-ish'", message: /invalid input syntax for type timestamp/ },
    { name: 'raises', query: 'SELECT max(committed_at) FROM no_such_table', message: /relation "no_such_table" does not exist/ },
    { name: 'hides a second statement', query: 'SELECT max(committed_at) FROM ledger; DROP TABLE ledger', message: /syntax error/ },
  ])('fails naming the query when it $name', async ({ query, message }) => {
    const error = await failure(['--target-time', target, '--recovery-point-query', query], env());
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/the recovery point query \(.*\) did not return one timestamp: /);
    expect(error.message).toMatch(message);
    expect((await pg().query('SELECT count(*)::int AS n FROM ledger', 'ledger'))[0].n).toBe(2);
  });

  test.each([
    { name: 'a query without a target time', args: ['--recovery-point-query', newestCommit], message: /--target-time is undefined; allowed: the time the database was restored to/ },
    { name: 'a target time without a zone', args: ['--target-time', '2026-11-24 05:00:00'], message: /--target-time is "2026-11-24 05:00:00"; allowed: an ISO-8601 timestamp with seconds and a time zone/ },
    { name: 'a query that is no query', args: ['--target-time', target, '--recovery-point-query', 'DELETE FROM ledger'], message: /--recovery-point-query is "DELETE FROM ledger"; allowed: one query/ },
    { name: 'a maximum gap without a query', args: ['--target-time', target, '--max-recovery-point-gap', '5m'], message: /--recovery-point-query is undefined; allowed: a query returning the newest commit time/ },
    { name: 'a maximum gap of more than 7 days', args: ['--target-time', target, '--recovery-point-query', newestCommit, '--max-recovery-point-gap', '8d'], message: /--max-recovery-point-gap is "8d"; allowed: a duration from 0s to 7d/ },
  ])('rejects $name as a usage error', async ({ args, message }) => {
    const error = await failure(args, env());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
  });
});
