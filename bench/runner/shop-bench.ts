/**
 * The dump benchmark as users run it: the database server on a core of its own (`taskset -c 0`, as RDS or
 * another host would be) and the client side — pg_dump, pg_restore, the runner and what it spawns — pinned to
 * the other core (`taskset -c 1`, a 1-vCPU task), on a generated shop database whose rows compress like real
 * data (bench/runner/shop-database.ts). Every method runs in each round, rounds interleaved, and the medians
 * are compared. The S3 API is s3rver over HTTPS (self-signed certificate), so TLS, signing and checksums are
 * paid as on real S3; s3rver runs in this process, pinned with the server (the remote side).
 *
 * Client CPU is user + system time of the measured command and everything it spawned (`/usr/bin/time`);
 * runner peak RSS is `VmHWM` of the node process alone. The generated database is kept in
 * bench/results/shop-<gb>gb and reused. The figures replace the shop section of BENCHMARKS.md.
 *
 *   npx ts-node --transpile-only bench/runner/shop-bench.ts [--gb 2] [--small-gb 0.2] [--repeats 3] [--sections dump,memory,verify,directory]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateShopDatabase } from './shop-database';
import { startS3, type S3Server } from '../../test/support/s3';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';
import { startPinnedCluster, type PinnedCluster } from '../support/pinned-cluster';

const ROOT = path.resolve(__dirname, '..', '..');
const START_MARKER = '<!-- shop-bench:start -->';
const END_MARKER = '<!-- shop-bench:end -->';
const SERVER_CORE = '0';
const CLIENT_CORE = '1';
const { values: flags } = parseArgs({
  options: {
    'gb': { type: 'string', default: '2' },
    'small-gb': { type: 'string', default: '0.2' },
    'repeats': { type: 'string', default: '3' },
    'sections': { type: 'string', default: 'dump,memory,verify,directory' },
    'out': { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});
const GB = Number(flags.gb);
const SMALL_GB = Number(flags['small-gb']);
const REPEATS = Number(flags.repeats);
const SECTIONS = new Set(flags.sections!.split(','));

interface Measured {
  readonly seconds: number;
  /** User + system CPU seconds of the command and its children. */
  readonly cpuSeconds: number;
  /** Peak RSS of the measured process itself (runner only), MiB. */
  readonly peakRssMiB?: number;
  readonly stdout: string;
}

interface MeasureOptions {
  readonly env?: Record<string, string>;
  readonly stdoutFile?: string;
  readonly sampleRss?: boolean;
}

/** Runs `command` pinned to the client core under `/usr/bin/time`, sampling the peak RSS of the node process when asked. */
async function measure(command: string, args: string[], options: MeasureOptions = {}): Promise<Measured> {
  const timeFile = path.join(os.tmpdir(), `pgbc-shop-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'taskset', '-c', CLIENT_CORE, command, ...args], {
    env: { ...process.env, ...options.env }, stdio: ['ignore', out, 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let peakKiB = 0;
  // time → taskset execs the command, so the measured program is the only child of `time`.
  const sample = () => {
    try {
      const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      for (const pid of children) {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      }
    } catch {
      // The process has exited between two samples.
    }
  };
  const timer = options.sampleRss ? setInterval(sample, 50) : undefined;
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  if (timer) clearInterval(timer);
  if (typeof out === 'number') fs.closeSync(out);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  const [user, system] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  return { seconds, cpuSeconds: user + system, peakRssMiB: options.sampleRss ? peakKiB / 1024 : undefined, stdout };
}

function compileRunner(): string {
  const outDir = path.join(ROOT, 'bench', 'results', 'build', 'lib');
  fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  // Compiled JavaScript, as in the image: ts-node would add its own start-up and memory to the figures.
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', path.join(ROOT, 'tsconfig.json'), '--outDir', outDir], { stdio: 'pipe' });
  } catch {
    // tsc still emits on type errors of unrelated files; the check below is what matters.
  }
  const cli = path.join(outDir, 'runner', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`the runner did not compile to ${cli}`);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(path.dirname(outDir), 'package.json'));
  return cli;
}

const SERVER_SETTINGS = { shared_buffers: '256MB', max_wal_size: '8GB', checkpoint_timeout: '30min', maintenance_work_mem: '256MB' };

/** The cached cluster with the `shop` and `shop_small` databases; generated on first use with both cores, then restarted on the server core. */
async function shopCluster(): Promise<PinnedCluster> {
  const root = path.join(ROOT, 'bench', 'results', `shop-${GB}gb-${SMALL_GB}gb`);
  const ready = path.join(root, 'generated');
  if (!fs.existsSync(ready)) {
    fs.rmSync(root, { recursive: true, force: true });
    const { cluster } = await startPinnedCluster(root, '0-1', SERVER_SETTINGS);
    try {
      for (const [name, size] of [['shop', GB], ['shop_small', SMALL_GB]] as const) {
        console.error(`generating ${name} (${size} GB)…`);
        await cluster.query(`CREATE DATABASE ${name}`);
        const started = Date.now();
        await generateShopDatabase(cluster.url(name), size, 2, (line) => console.error(`  ${line} (${((Date.now() - started) / 1000).toFixed(0)} s)`));
      }
      await cluster.query('CHECKPOINT');
    } finally {
      await cluster.stop();
    }
    fs.writeFileSync(ready, new Date().toISOString());
  }
  return (await startPinnedCluster(root, SERVER_CORE, SERVER_SETTINGS)).cluster;
}

/** Uploads a file with lib-storage from a separate node process pinned to the client core (the second pass of a two-pass backup). */
const UPLOAD_SCRIPT = `
const fs = require('node:fs');
const { S3Client } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');
const [file, bucket, key] = process.argv.slice(1);
const client = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
new Upload({ client, params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file) }, partSize: 8 * 1024 * 1024, queueSize: 4 })
  .done().then(() => client.destroy(), (error) => { console.error(error); process.exit(1); });
`;

const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const secs = (s: number) => s.toFixed(1);
const spread = (values: number[]) => `${secs(median(values))} [${secs(Math.min(...values))}–${secs(Math.max(...values))}]`;
const lastJson = (m: Measured) => JSON.parse(m.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
const met = (ok: boolean) => (ok ? 'met' : 'not met');

async function main(): Promise<void> {
  const cli = compileRunner();
  const pg = await shopCluster();
  // s3rver lives in this process: pin it with the server, the remote side of the network.
  execFileSync('taskset', ['-a', '-p', '-c', SERVER_CORE, String(process.pid)], { stdio: 'ignore' });
  const s3: S3Server = await startS3({ buckets: ['bench-backups'], tls: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-shop-bench-'));
  const env = { PG_BIN_DIR: pg.binDir, PG_BACKUP_PROGRESS_INTERVAL: '0', PG_BACKUP_METRICS: 'off', PG_BACKUP_SCRATCH_DIR: scratch, ...s3.env };
  const tool = (name: string) => path.join(pg.binDir, name);
  const fileStore = path.join(scratch, 'store');
  const gzipFile = path.join(scratch, 'bare.pgdump');
  const runner = (database: string, to: string, ...extra: string[]) =>
    measure(process.execPath, [cli, 'dump', '--database-url', pg.url(database), '--to', to, ...extra], { env, sampleRss: true });
  const sizes = await pg.query<{ name: string; bytes: string }>(
    "SELECT datname AS name, pg_database_size(datname)::text AS bytes FROM pg_database WHERE datname LIKE 'shop%'");
  const dbBytes = Number(sizes.find((s) => s.name === 'shop')!.bytes);
  const smallBytes = Number(sizes.find((s) => s.name === 'shop_small')!.bytes);
  const cpuPerGb = (runs: Measured[]) => (median(runs.map((m) => m.cpuSeconds)) / (dbBytes / 1e9)).toFixed(1);
  const sections: string[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const command = `npx ts-node --transpile-only bench/runner/shop-bench.ts --gb ${GB} --small-gb ${SMALL_GB} --repeats ${REPEATS} --sections ${[...SECTIONS].join(',')}`;
  let defaultBackup: { id: string; bytes: number } | undefined;
  try {
    // The raw archive, once: its size is the data's compressibility, and every compressor is compared on it.
    const rawFile = path.join(scratch, 'raw.pgdump');
    await measure(tool('pg_dump'), ['-Fc', '-Z0', '--dbname', pg.url('shop'), '-f', rawFile]);
    const rawBytes = fs.statSync(rawFile).size;
    fs.rmSync(rawFile);

    if (SECTIONS.has('dump')) {
      const methods: Record<string, { label: string; run: (round: number) => Promise<Measured>; bytes?: () => number }> = {
        bare: { label: 'bare `pg_dump -Fc > /dev/null`', run: () => measure(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop')], { stdoutFile: '/dev/null' }) },
        twoPass: {
          label: 'two-pass: `pg_dump -Fc > file`, then upload to S3 (HTTPS)',
          run: async (round) => {
            fs.rmSync(gzipFile, { force: true });
            const dump = await measure(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop'), '-f', gzipFile]);
            const upload = await measure(process.execPath, ['-e', UPLOAD_SCRIPT, gzipFile, 'bench-backups', `two-pass/${round}.pgdump`], { env: { ...env, NODE_PATH: path.join(ROOT, 'node_modules') } });
            return { seconds: dump.seconds + upload.seconds, cpuSeconds: dump.cpuSeconds + upload.cpuSeconds, stdout: '' };
          },
          bytes: () => fs.statSync(gzipFile).size,
        },
        toFile: { label: '`pg-backup dump` (default) → `file://`', run: () => runner('shop', `file://${fileStore}`) },
        toS3: { label: '`pg-backup dump` (default) → `s3://` over HTTPS', run: () => runner('shop', 's3://bench-backups/runner') },
        estimate: { label: '`pg-backup dump --row-counts estimate` → `file://`', run: () => runner('shop', `file://${fileStore}`, '--row-counts', 'estimate') },
        lz4: { label: '`pg-backup dump --compress lz4` → `file://`', run: () => runner('shop', `file://${fileStore}`, '--compress', 'lz4:1') },
        gzip: { label: '`pg-backup dump --compress gzip:6` → `file://`', run: () => runner('shop', `file://${fileStore}`, '--compress', 'gzip:6') },
      };
      const runs: Record<string, Measured[]> = Object.fromEntries(Object.keys(methods).map((key) => [key, []]));
      for (let round = 1; round <= REPEATS; round++) {
        for (const [key, method] of Object.entries(methods)) {
          console.error(`dump round ${round}/${REPEATS}: ${key}`);
          runs[key].push(await method.run(round));
        }
      }
      const gzipBytes = fs.statSync(gzipFile).size;
      const backupBytes = (key: string) => (key === 'bare' || key === 'twoPass' ? gzipBytes : Number(lastJson(runs[key][0]).bytes));
      const t = (key: string) => median(runs[key].map((m) => m.seconds));
      const rss = (key: string) => (runs[key][0].peakRssMiB === undefined ? '–' : Math.max(...runs[key].map((m) => m.peakRssMiB!)).toFixed(0));
      defaultBackup = { id: String(lastJson(runs.toFile[REPEATS - 1]).backupId), bytes: backupBytes('toFile') };
      const rows = Object.entries(methods).map(([key, method]) =>
        `| ${method.label} | ${spread(runs[key].map((m) => m.seconds))} | ${ratio(t(key), t('bare'))} | ${cpuPerGb(runs[key])} | ${mb(backupBytes(key))} | ${rss(key)} |`);
      sections.push(`## Dump (shop database ${gb(dbBytes)} GB; its plain archive is ${gb(rawBytes)} GB, ${ratio(rawBytes, gzipBytes)}:1 to pg_dump's gzip)

| method | wall time (s): median [fastest–slowest] | × bare pg_dump (medians) | client CPU s / GB of database | backup (MB) | runner peak RSS (MiB) |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Targets: default ≤ 0.50 × bare \`pg_dump -Fc\` with a backup no larger — ${met(t('toFile') / t('bare') <= 0.5 && backupBytes('toFile') <= gzipBytes)}
(${ratio(t('toFile'), t('bare'))}×, ${ratio(backupBytes('toFile'), gzipBytes)} of its size); \`--compress gzip:6\` ≤ 1.05 × — ${met(t('gzip') / t('bare') <= 1.05)}
(${ratio(t('gzip'), t('bare'))}×); S3 over HTTPS ≤ 1.10 × file:// — ${met(t('toS3') / t('toFile') <= 1.1)} (${ratio(t('toS3'), t('toFile'))}×).
Exact row counts (the default) against \`--row-counts estimate\`: ${ratio(t('toFile'), t('estimate'))}× the wall time.`);
    }

    if (SECTIONS.has('memory')) {
      const memory = [];
      for (const [database, bytes] of [['shop_small', smallBytes], ['shop', dbBytes]] as const) {
        console.error(`memory: ${database}`);
        const compressed = await runner(database, 's3://bench-backups/memory');
        const raw = await runner(database, 's3://bench-backups/memory', '--compress', 'none');
        memory.push({ bytes, compressed: compressed.peakRssMiB!, raw: raw.peakRssMiB!, rawBytes: Number(lastJson(raw).bytes) });
      }
      const peak = Math.max(...memory.flatMap((m) => [m.compressed, m.raw]));
      sections.push(`## Runner memory is flat in the database size

Peak RSS of the \`pg-backup\` node process alone (\`VmHWM\`), dumping to S3 over HTTPS with the default 8 MiB parts × 4 in flight:

| database (GB) | RSS, default (MiB) | RSS, \`--compress none\` (MiB) | bytes streamed by \`--compress none\` (GB) |
| --- | --- | --- | --- |
${memory.map((m) => `| ${gb(m.bytes)} | ${m.compressed.toFixed(0)} | ${m.raw.toFixed(0)} | ${gb(m.rawBytes)} |`).join('\n')}

Target: ≤ 200 MiB and flat — ${met(peak <= 200)} (highest: ${peak.toFixed(0)} MiB).`);
    }

    if (SECTIONS.has('verify')) {
      if (!defaultBackup) {
        const made = await runner('shop', `file://${fileStore}`);
        defaultBackup = { id: String(lastJson(made).backupId), bytes: Number(lastJson(made).bytes) };
      }
      if (!fs.existsSync(gzipFile)) execFileSync(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop'), '-f', gzipFile]);
      // The same archive as the default backup holds, unwrapped for the bare tools (not timed).
      const listing = execFileSync('find', [fileStore, '-path', `*${defaultBackup.id}*`, '-name', 'dump.pgdump*'], { encoding: 'utf8' }).trim().split('\n')[0];
      const plainFile = path.join(scratch, 'default-unwrapped.pgdump');
      execFileSync('zstd', ['-d', '-q', '-f', listing, '-o', plainFile]);
      const runs: Record<string, Measured[]> = { bareDefault: [], bareGzip: [], verify: [] };
      const restoreOnly: number[] = [];
      const bareRestore = async (archive: string) => {
        await pg.query('DROP DATABASE IF EXISTS restore_bare');
        await pg.query('CREATE DATABASE restore_bare');
        const measured = await measure(tool('pg_restore'), ['-j', '2', '--no-owner', '--exit-on-error', '--dbname', pg.url('restore_bare'), archive]);
        await pg.query('DROP DATABASE restore_bare');
        await pg.query('CHECKPOINT');
        return measured;
      };
      for (let round = 1; round <= REPEATS; round++) {
        console.error(`restore round ${round}/${REPEATS}`);
        runs.bareDefault.push(await bareRestore(plainFile));
        const verify = await measure(process.execPath, [
          cli, 'verify', '--from', `file://${fileStore}`, '--backup', defaultBackup.id, '--target-url', pg.url(), '--jobs', '2',
        ], { env, sampleRss: true });
        runs.verify.push(verify);
        restoreOnly.push(Number(lastJson(verify).restoreSeconds));
        await pg.query('CHECKPOINT');
        runs.bareGzip.push(await bareRestore(gzipFile));
      }
      fs.rmSync(plainFile, { force: true });
      const t = (key: string) => median(runs[key].map((m) => m.seconds));
      sections.push(`## Verify against a bare parallel restore

| method | wall time (s): median [fastest–slowest] | × bare pg_restore -j2 of the same archive | client CPU s / GB of database |
| --- | --- | --- | --- |
| bare \`pg_restore -j2\` of the default backup's archive (unwrapped beforehand, not timed) | ${spread(runs.bareDefault.map((m) => m.seconds))} | 1.00 | ${cpuPerGb(runs.bareDefault)} |
| \`pg-backup verify --jobs 2\` of the default backup from \`file://\` | ${spread(runs.verify.map((m) => m.seconds))} (pg_restore alone ${secs(median(restoreOnly))}) | ${ratio(t('verify'), t('bareDefault'))} | ${cpuPerGb(runs.verify)} |
| bare \`pg_restore -j2\` of pg_dump's own gzip archive | ${spread(runs.bareGzip.map((m) => m.seconds))} | ${ratio(t('bareGzip'), t('bareDefault'))} | ${cpuPerGb(runs.bareGzip)} |

\`pg-backup verify\` also downloads and decompresses the backup to scratch checking its SHA-256, lists the archive,
creates and drops the scratch database, and compares the exact row count of every table with the manifest.
Targets: ≤ 1.05 × bare \`pg_restore -j2\` of the same archive — ${met(t('verify') / t('bareDefault') <= 1.05)} (${ratio(t('verify'), t('bareDefault'))}×);
faster than bare \`pg_restore -j2\` of the gzip archive — ${met(t('verify') < t('bareGzip'))} (${ratio(t('verify'), t('bareGzip'))}×).
Peak RSS of the runner during verify: ${Math.max(...runs.verify.map((m) => m.peakRssMiB!)).toFixed(0)} MiB.`);
    }

    if (SECTIONS.has('directory')) {
      const jobs = [1, 2, 4];
      const runs: Record<number, Measured[]> = { 1: [], 2: [], 4: [] };
      const scratchPeak: Record<number, number> = { 1: 0, 2: 0, 4: 0 };
      for (let round = 1; round <= REPEATS; round++) {
        for (const j of jobs) {
          console.error(`directory round ${round}/${REPEATS}: -j ${j}`);
          const measured = await runner('shop', `file://${fileStore}`, '--format', 'directory', '--jobs', String(j), '--row-counts', 'estimate');
          runs[j].push(measured);
          scratchPeak[j] = Math.max(scratchPeak[j], Number(lastJson(measured).scratchPeakBytes ?? 0));
        }
      }
      sections.push(`## Directory format, parallel jobs

\`pg-backup dump --format directory --jobs N\` to \`file://\` (row counts estimated, so the figures show the dump itself).
Each table file is uploaded as soon as pg_dump has closed it and then deleted, so the scratch disk holds only the files in flight.

| jobs | wall time (s): median [fastest–slowest] | client CPU s / GB of database | peak scratch use (MB) | runner peak RSS (MiB) |
| --- | --- | --- | --- | --- |
${jobs.map((j) => `| ${j} | ${spread(runs[j].map((m) => m.seconds))} | ${cpuPerGb(runs[j])} | ${mb(scratchPeak[j])} | ${Math.max(...runs[j].map((m) => m.peakRssMiB!)).toFixed(0)} |`).join('\n')}

With one client core, more jobs add server-side parallelism only; on a task with more vCPUs they add client compression too.`);
    }

    const report = `${START_MARKER}
## Shop database, production topology (the figures that count)

Measured side by side in one run by \`bench/runner/shop-bench.ts\` on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM,
PostgreSQL ${pg.majorVersion}, Node ${process.version}, zstd and lz4 from Debian. The server (and s3rver, the S3 API over
HTTPS with a self-signed certificate) is pinned to core ${SERVER_CORE}; pg_dump, pg_restore, the runner and everything they spawn to
core ${CLIENT_CORE}, as a 1-vCPU task talking to a remote server. The database is generated by \`bench/runner/shop-database.ts\`
(customers, orders, order lines, events: text, numerics, timestamps, jsonb). Each figure is the median of ${REPEATS} interleaved
runs; other work shared the machine during the run, so compare the ratios. Reproduce with:

\`\`\`sh
${command}
\`\`\`

${sections.join('\n\n')}
${END_MARKER}`;
    writeBenchmarkSection(flags.out!, START_MARKER, END_MARKER, report);
    console.error(report);
  } finally {
    await s3.stop();
    await pg.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
