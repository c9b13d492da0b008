import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { runPgBackup } from './support/pg-backup-process';
import { formatProgressLine, ProgressEstimate, ProgressState } from '../../src/runner/progress-line';
import { ProgressReporter } from '../../src/runner/progress-reporter';
import { usePostgres } from '../support/postgres';

const MB = 1_000_000;

describe('the progress line', () => {
  const cases: Array<{ name: string; state: ProgressState; estimate?: ProgressEstimate; line: string }> = [
    {
      name: 'within an estimate it shows the share, the amounts, the throughput and the time left at the pace so far',
      state: { phase: 'dump', bytes: 120 * MB, elapsedSeconds: 10 },
      estimate: { total: 480 * MB, unit: 'bytes', approximate: true },
      line: 'dump: 25% 120 MB of ~480 MB, 12.0 MB/s, ETA 30s',
    },
    {
      name: 'past an estimate it says so and gives no ETA instead of a share above 100%',
      state: { phase: 'dump', bytes: 600 * MB, elapsedSeconds: 60 },
      estimate: { total: 480 * MB, unit: 'bytes', approximate: true },
      line: 'dump: 600 MB, past the ~480 MB estimate, 10.0 MB/s, ETA unknown',
    },
    {
      name: 'an exact total has no ~',
      state: { phase: 'download', bytes: 1.5e9, elapsedSeconds: 30 },
      estimate: { total: 2e9, unit: 'bytes', approximate: false },
      line: 'download: 75% 1.5 GB of 2.0 GB, 50.0 MB/s, ETA 10s',
    },
    {
      name: 'a restore counts tables of the archive',
      state: { phase: 'restore', bytes: 80 * MB, tablesDone: 3, elapsedSeconds: 90 },
      estimate: { total: 12, unit: 'tables', approximate: false },
      line: 'restore: 25% 3 of 12 tables, 80.0 MB, 889 kB/s, ETA 4m30s',
    },
    {
      name: 'before anything is done the ETA is unknown',
      state: { phase: 'restore', bytes: 0, tablesDone: 0, elapsedSeconds: 2 },
      estimate: { total: 12, unit: 'tables', approximate: false },
      line: 'restore: 0% 0 of 12 tables, 0 B, 0 B/s, ETA unknown',
    },
    {
      name: 'without an estimate it shows what was moved and for how long',
      state: { phase: 'dump', bytes: 5 * MB, tablesDone: 1, elapsedSeconds: 3700 },
      line: 'dump: 5.0 MB, 1 table, 1.4 kB/s, 1h01m elapsed',
    },
    {
      name: 'once the work has ended it says what was moved in how long, with no share or ETA',
      state: { phase: 'dump', bytes: 300 * MB, elapsedSeconds: 20, ended: true },
      estimate: { total: 480 * MB, unit: 'bytes', approximate: true },
      line: 'dump: 300 MB in 20s (15.0 MB/s)',
    },
  ];

  test.each(cases)('$name', ({ state, estimate, line }) => {
    expect(formatProgressLine(state, estimate)).toBe(line);
  });
});

/** A stream that records what is written to it, as a terminal or as a pipe. */
function recorder(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

describe('ProgressReporter', () => {
  test('on a terminal it redraws one line and ends it with its final state when stopped, logging no JSON', () => {
    const terminal = recorder(true);
    const logs = recorder(false);
    let bytes = 0;
    const reporter = new ProgressReporter(pino(logs), 'download', 0, () => ({ bytes }), {
      terminal, estimate: { total: 4 * MB, unit: 'bytes', approximate: false },
    });
    bytes = MB;
    reporter.report();
    bytes = 2 * MB;
    reporter.report();
    reporter.stop();
    reporter.report();
    const lines = terminal.text().split('\r\x1b[K').filter((line) => line !== '');
    // The throughput and ETA depend on the clock; the share and amounts do not.
    expect(lines.map((line) => line.split(', ')[0].replace(/ in \d+s.*$/s, ''))).toEqual([
      'download: 25% 1.0 MB of 4.0 MB', 'download: 50% 2.0 MB of 4.0 MB', 'download: 2.0 MB',
    ]);
    expect(terminal.text().endsWith('\n')).toBe(true);
    expect(terminal.text().split('\n')).toHaveLength(2);
    expect(logs.text()).toBe('');
  });

  test('on a terminal it draws the final state of work that ended before the first redraw', () => {
    const terminal = recorder(true);
    const reporter = new ProgressReporter(pino(recorder(false)), 'download', 1000, () => ({ bytes: 3 * MB }), { terminal }).start();
    reporter.stop();
    expect(terminal.text()).toMatch(/^\r\x1b\[Kdownload: 3\.0 MB in \d+s.*\n$/s);
  });

  test('elsewhere it logs the JSON progress lines it always has and draws nothing', () => {
    const pipe = recorder(false);
    const logs = recorder(false);
    const reporter = new ProgressReporter(pino(logs), 'dump', 0, () => ({ bytes: 3 * MB, tablesDone: 2, estimatedBytes: 9 * MB }), {
      terminal: pipe, estimate: { total: 10 * MB, unit: 'bytes', approximate: true },
    });
    reporter.report();
    reporter.stop();
    expect(pipe.text()).toBe('');
    const [line] = logs.text().trim().split('\n').map((text) => JSON.parse(text));
    expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'phase', 'bytes', 'megabytes', 'mbPerSecond', 'averageMbPerSecond', 'tablesDone', 'elapsedSeconds', 'msg']);
    expect(line).toMatchObject({ phase: 'dump', bytes: 3 * MB, megabytes: 3, tablesDone: 2, msg: 'dump: 3 MB' });
  });
});

/** Runs `pg-backup` in a pseudo-terminal (`script`), as a person at a terminal would; its output is the terminal's. */
function runInTerminal(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  const command = [process.execPath, process.env.PG_BACKUP_TEST_CLI!, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, PG_BACKUP_PROGRESS_INTERVAL: '0.1', PG_BACKUP_METRICS: 'off' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}

/** The progress lines a terminal showed for `phase` (each redraw starts with a carriage return). */
function drawnLines(output: string, phase: string): string[] {
  return output.split(/\r\x1b\[K|\r?\n/).filter((line) => line.startsWith(`${phase}: `));
}

describe('pg-backup on a terminal', () => {
  const pg = usePostgres();
  let database: string;
  let location: string;

  beforeAll(async () => {
    database = await pg().createDatabase('progress_shop');
    // Enough tables and rows that the dump and restore take several redraws.
    const tables = Array.from({ length: 24 }, (_, index) => `CREATE TABLE t${index} AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 40000) g;`);
    await pg().query(`${tables.join('\n')}\nANALYZE;`, database);
    location = `file://${fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-progress-'))}`;
  });

  test('dump shows one updating line with the share of the estimated size and an ETA', async () => {
    const { status, output } = await runInTerminal(['dump', '--to', location, '--database-url', pg().url(database)]);
    expect(status).toBe(0);
    const lines = drawnLines(output, 'dump');
    expect(lines.filter((line) => /^dump: \d{1,3}% [\d.]+ [kMG]?B of ~[\d.]+ [kMG]?B, [\d.]+ [kMG]?B\/s, ETA \d+(s|m\d\ds)$/.test(line))).not.toEqual([]);
    expect(lines[lines.length - 1]).toMatch(/^dump: [\d.]+ [kMG]?B, 24 tables in \d+s/);
    expect(output).not.toMatch(/"phase":"dump"/);
  });

  test('verify shows the download and the restore of the archive with shares of their totals and ETAs', async () => {
    const { status, output } = await runInTerminal(['verify', '--from', location, '--database', database, '--target-url', pg().url()]);
    expect(status).toBe(0);
    expect(drawnLines(output, 'download').pop()).toMatch(/^download: [\d.]+ [kMG]?B in \d+s/);
    const restoring = drawnLines(output, 'restore');
    expect(restoring.filter((line) => /^restore: \d{1,3}% \d+ of 24 tables, [\d.]+ [kMG]?B, [\d.]+ [kMG]?B\/s, ETA \d+(s|m\d\ds)$/.test(line))).not.toEqual([]);
    expect(restoring[restoring.length - 1]).toMatch(/^restore: [\d.]+ [kMG]?B, 24 tables in \d+s/);
  });

  test('without a terminal the progress stays JSON log lines, without a drawn line', async () => {
    const run = await runPgBackup(['dump', '--to', location, '--database-url', pg().url(database)], { PG_BACKUP_PROGRESS_INTERVAL: '0.1' });
    expect(run.exitCode).toBe(0);
    const progress = run.stderr.trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.phase === 'dump');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.map((line) => Object.keys(line).filter((key) => !['level', 'time', 'pid', 'hostname'].includes(key))))
      .toContainEqual(['command', 'phase', 'bytes', 'megabytes', 'mbPerSecond', 'averageMbPerSecond', 'tablesDone', 'elapsedSeconds', 'msg']);
    expect(run.stderr).not.toMatch(/\r|ETA/);
  });
});
