/**
 * The dump benchmark as users run it: the database server on a core of its own (`taskset -c 0`, as RDS or
 * another host would be) and the client side — pg_dump, pg_restore, the runner and what it spawns — pinned to
 * the other core (`taskset -c 1`, a 1-vCPU task), on a generated shop database whose rows compress like real
 * data (bench/runner/shop-database.ts). Every method runs in each round, rounds interleaved, and the medians
 * are compared. The S3 API is s3rver over HTTPS (a self-signed certificate made by openssl, trusted through
 * NODE_EXTRA_CA_CERTS), so TLS, signing and checksums are paid as on real S3; s3rver runs in this process,
 * pinned with the server (the remote side).
 *
 * Client CPU is user + system time of the measured command and everything it spawned (`/usr/bin/time`); server
 * CPU is what the connections' backends spent (the postmaster's reaped children); runner peak RSS is `VmHWM` of
 * the node process alone. The load average of the machine is recorded with every section, since other work may
 * share it: the ratios of runs interleaved side by side are what count. The generated database is kept in
 * bench/results/shop-<gb>gb-<small-gb>gb and reused. Each section replaces its own part of BENCHMARKS.md, and the
 * targets table is rebuilt from the figures of the latest run of every section (bench/results/shop-figures-<gb>gb.json).
 *
 * One command runs the whole bench with its defaults (a 2 GB database, medians of 3, the sections dump, memory, verify
 * and directory):
 *
 *   npx ts-node --transpile-only bench/runner/shop-bench.ts [--gb 2] [--small-gb 0.2] [--repeats 3]
 *     [--sections dump,memory,verify,directory] (also: levels, overhead) [--levels 1,3,5,6,1:long,3:long] [--out FILE]
 *
 * The sizes and repeats also come from PG_BACKUP_BENCH_GB, PG_BACKUP_BENCH_SMALL_GB and PG_BACKUP_BENCH_REPEATS, so a
 * quick end-to-end check is `PG_BACKUP_BENCH_GB=0.1 PG_BACKUP_BENCH_SMALL_GB=0.05 PG_BACKUP_BENCH_REPEATS=1 … --out /tmp/b.md`.
 * `levels` (the bare `pg_dump -Z0 | zstd` pipe at several levels, on the small database: what a level writes depends on
 * the data, not on its size) and `overhead` (the bare pipe the runner wraps, and exact against estimated row counts) are
 * studies left out of the default run to keep it within its time budget. The two-pass comparison times only its upload,
 * once (its first pass is the bare pg_dump measured in every round, and the archive it uploads is pg_dump's own, stored
 * untouched by the gzip arm); the verify section restores the dump section's default backup and that gzip archive
 * instead of dumping again; the directory section runs once per job count (what it shows is the scratch bound; its
 * times are indicative).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateShopDatabase } from './shop-database';
import { DEFAULT_DUMP_COMPRESSION, DIRECTORY_DUMP_FREED_MIB, DIRECTORY_DUMP_UNREAD_MIB, directoryDumpScratchGiB } from '../../src/core';
import { startS3, type S3Server } from '../../test/support/s3';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';
import { compileRunner, runnerNodeFlags } from '../support/compile-runner';
import { measure, OWN_CPU_PRELOAD, type Measured, type MeasureOptions } from '../support/measure';
import { startPinnedCluster, type PinnedCluster } from '../support/pinned-cluster';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER_CORE = '0';
const CLIENT_CORE = '1';
const { values: flags } = parseArgs({
  options: {
    'gb': { type: 'string', default: process.env.PG_BACKUP_BENCH_GB ?? '2' },
    'small-gb': { type: 'string', default: process.env.PG_BACKUP_BENCH_SMALL_GB ?? '0.2' },
    'repeats': { type: 'string', default: process.env.PG_BACKUP_BENCH_REPEATS ?? '3' },
    'sections': { type: 'string', default: 'dump,memory,verify,directory' },
    'levels': { type: 'string', default: '1,3,5,6,1:long,3:long' },
    'out': { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
    'help': { type: 'boolean', default: false },
  },
});
const USAGE = `npx ts-node --transpile-only bench/runner/shop-bench.ts [--gb 2] [--small-gb 0.2] [--repeats 3]
  [--sections dump,memory,verify,directory] (also: levels, overhead) [--levels 1,3,5,6,1:long,3:long] [--out BENCHMARKS.md]

Sizes and repeats also come from PG_BACKUP_BENCH_GB, PG_BACKUP_BENCH_SMALL_GB and PG_BACKUP_BENCH_REPEATS. Needs root,
taskset, /usr/bin/time, zstd and openssl; see BENCHMARKS.md.`;
const GB = Number(flags.gb);
const SMALL_GB = Number(flags['small-gb']);
const REPEATS = Number(flags.repeats);
const SECTIONS = flags.sections!.split(',').filter(Boolean);
/** zstd settings of the levels section: `N` is `zstd -N`, `N:long` is `zstd -N --long` (a 128 MiB window, which zstd decompresses without options). */
const LEVELS = flags.levels!.split(',').filter(Boolean).map((spec) => {
  const [level, long] = spec.split(':');
  return { key: spec, args: [`-${Number(level)}`, ...(long === 'long' ? ['--long'] : [])] };
});
const DEFAULT_LEVEL = Number(DEFAULT_DUMP_COMPRESSION.split(':')[1]);
const FIGURES_FILE = path.join(ROOT, 'bench', 'results', `shop-figures-${GB}gb.json`);

/** A measured run and what it cost the server. */
interface Run extends Measured {
  /** CPU seconds the server's backends spent on the run's connections. */
  readonly serverCpuSeconds: number;
  /** The machine's 1-minute load average when the run ended. */
  readonly load: number;
  /** CPU seconds s3rver (in this process, on the server core) spent during the run: the S3 side of the network. */
  readonly s3rverCpuSeconds: number;
  /** Seconds s3rver spent answering CompleteMultipartUpload during the run (it copies every part into the object). */
  readonly s3rverCompletionSeconds: number;
}

/** The figures the targets table is built from, kept across runs of single sections. */
export interface Figures {
  dump?: {
    bare: number;
    twoPass?: number;
    toFile: number;
    toS3: number;
    /** The median dump to S3 less s3rver's CompleteMultipartUpload of the same run. */
    toS3WithoutCompletion?: number;
    /** s3rver's CPU seconds during the median run to S3. */
    s3rverCpu?: number;
    /** CPU seconds of the runner's node process alone (medians), without pg_dump and zstd: what the store it writes to costs the client. */
    runnerOwnCpu?: { toFile: number; toS3: number };
    gzip: number;
    defaultBytes: number;
    gzipBytes: number;
    /** Client CPU seconds per GB of database, by method: steadier than wall time when other work shares the client core. */
    cpuPerGb?: Record<string, number>;
    load: string;
    at: string;
  };
  overhead?: {
    pipe: number;
    toFile: number;
    estimate: number;
    exactServerCpu: number;
    estimateServerCpu: number;
    cpuPerGb: Record<string, number>;
    load: string;
    at: string;
  };
  memory?: { peakMiB: number; rows: Array<{ gb: number; compressed: number; raw: number }>; load: string; at: string };
  verify?: { verify: number; bareDefault: number; bareGzip: number; load: string; at: string };
  directory?: { peaks: Record<string, number>; ruleGiB: Record<string, number>; largestTableBytes: number; load: string; at: string };
}

const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const secs = (s: number) => s.toFixed(1);
const spread = (values: number[]) => `${secs(median(values))} [${secs(Math.min(...values))}–${secs(Math.max(...values))}]`;
const lastJson = (m: Measured) => JSON.parse(m.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
const loadSpread = (runs: Run[]) => {
  const loads = runs.map((run) => run.load);
  return `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
};

const SERVER_SETTINGS = { shared_buffers: '256MB', max_wal_size: '8GB', checkpoint_timeout: '30min', maintenance_work_mem: '256MB' };

/**
 * What the cached databases were generated by: the generator's source and the server settings. A cache with another
 * stamp (the generator changed) is generated again, so a run never measures data another version of the bench made.
 */
const GENERATOR_STAMP = createHash('sha256')
  .update(fs.readFileSync(path.join(__dirname, 'shop-database.ts')))
  .update(JSON.stringify(SERVER_SETTINGS))
  .digest('hex').slice(0, 16);

/** The stamp a cache was generated with (none for a cache from before stamps). */
function cacheStamp(ready: string): string | undefined {
  if (!fs.existsSync(ready)) return undefined;
  const text = fs.readFileSync(ready, 'utf8');
  return /^\{/.test(text) ? (JSON.parse(text) as { stamp?: string }).stamp : undefined;
}

/** The cached cluster with the `shop` and `shop_small` databases; generated on first use with both cores, then restarted on the server core. */
async function shopCluster(): Promise<{ cluster: PinnedCluster; generationSeconds: number; generatedNow: boolean }> {
  const root = path.join(ROOT, 'bench', 'results', `shop-${GB}gb-${SMALL_GB}gb`);
  const ready = path.join(root, 'generated');
  const generatedNow = cacheStamp(ready) !== GENERATOR_STAMP;
  if (generatedNow) {
    if (fs.existsSync(ready)) console.error(`the cached databases in ${root} were made by another version of the generator; generating them again`);
    fs.rmSync(root, { recursive: true, force: true });
    const started = Date.now();
    const { cluster } = await startPinnedCluster(root, '0-1', SERVER_SETTINGS);
    try {
      for (const [name, size] of [['shop', GB], ['shop_small', SMALL_GB]] as const) {
        console.error(`generating ${name} (${size} GB)…`);
        await cluster.query(`CREATE DATABASE ${name}`);
        await generateShopDatabase(cluster.url(name), size, 2, (line) => console.error(`  ${line} (${((Date.now() - started) / 1000).toFixed(0)} s)`));
      }
      await cluster.query('CHECKPOINT');
    } finally {
      await cluster.stop();
    }
    const generated = { at: new Date().toISOString(), seconds: (Date.now() - started) / 1000, load: os.loadavg()[0], stamp: GENERATOR_STAMP };
    fs.writeFileSync(ready, JSON.stringify(generated));
  }
  const generated = JSON.parse(fs.readFileSync(ready, 'utf8')) as { seconds?: number };
  const { cluster } = await startPinnedCluster(root, SERVER_CORE, SERVER_SETTINGS);
  return { cluster, generationSeconds: generated.seconds ?? NaN, generatedNow };
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

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const cli = compileRunner(ROOT);
  /** `node` with the flags `pg-backup` starts it with, then what it is given. */
  const runnerArgv = (...args: string[]) => [...runnerNodeFlags(cli), '--require', OWN_CPU_PRELOAD, cli, ...args];
  const { cluster: pg, generationSeconds, generatedNow } = await shopCluster();
  // s3rver lives in this process: pin it with the server, the remote side of the network.
  execFileSync('taskset', ['-a', '-p', '-c', SERVER_CORE, String(process.pid)], { stdio: 'ignore' });
  const s3: S3Server = await startS3({ buckets: ['bench-backups'], tls: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-shop-bench-'));
  const env = { PG_BIN_DIR: pg.binDir, PG_BACKUP_PROGRESS_INTERVAL: '0', PG_BACKUP_METRICS: 'off', PG_BACKUP_SCRATCH_DIR: scratch, ...s3.env };
  const tool = (name: string) => path.join(pg.binDir, name);
  const fileStore = path.join(scratch, 'store');
  const gzipFile = path.join(scratch, 'bare.pgdump');
  const pipeFile = path.join(scratch, 'pipe.pgdump.zst');
  const figures: Figures = fs.existsSync(FIGURES_FILE) ? JSON.parse(fs.readFileSync(FIGURES_FILE, 'utf8')) as Figures : {};
  /** Seconds from the start until the sections could start (the runner transpiled, the server and s3rver started), less generating the databases. */
  const setupSeconds = (Date.now() - benchStarted) / 1000 - (generatedNow ? generationSeconds : 0);

  /** Runs a command on the client core, with what it cost the server. */
  const run = async (command: string, args: string[], options: Omit<MeasureOptions, 'cores'> = {}): Promise<Run> => {
    const server = pg.cpuSeconds();
    const serverProcesses = pg.childPids();
    // s3rver runs in this process, which otherwise only waits for the run (and samples its memory).
    const s3rverCpu = process.cpuUsage();
    const completion = s3.completionSeconds();
    const measured = await measure(command, args, { ...options, cores: CLIENT_CORE });
    const s3rverUsed = process.cpuUsage(s3rverCpu);
    // The postmaster reaps the run's backends a moment after their connections close: their CPU counts once it has.
    await pg.backendsReaped(serverProcesses);
    return {
      ...measured,
      serverCpuSeconds: pg.cpuSeconds() - server,
      load: os.loadavg()[0],
      s3rverCpuSeconds: (s3rverUsed.user + s3rverUsed.system) / 1e6,
      s3rverCompletionSeconds: s3.completionSeconds() - completion,
    };
  };
  const runner = (database: string, to: string, ...extra: string[]) =>
    run(process.execPath, runnerArgv('dump', '--database-url', pg.url(database), '--to', to, ...extra), { env, sampleRss: true });
  /** pg_dump's plain archive through the zstd program into a file: the pipe the runner wraps, without the runner. */
  const pipe = (zstdArgs: string[], database = 'shop') =>
    run('bash', ['-c', `"$0" -Fc -Z0 --dbname "$1" | zstd ${zstdArgs.join(' ')} -q -c > "$2"`, tool('pg_dump'), pg.url(database), pipeFile]);
  const sizes = await pg.query<{ name: string; bytes: string }>(
    "SELECT datname AS name, pg_database_size(datname)::text AS bytes FROM pg_database WHERE datname LIKE 'shop%'");
  const dbBytes = Number(sizes.find((s) => s.name === 'shop')!.bytes);
  const smallBytes = Number(sizes.find((s) => s.name === 'shop_small')!.bytes);
  const [largest] = await pg.query<{ name: string; bytes: string }>(
    "SELECT relname AS name, pg_table_size(oid)::text AS bytes FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 1", 'shop');
  const cpuPerGb = (runs: Measured[]) => (median(runs.map((m) => m.cpuSeconds)) / (dbBytes / 1e9)).toFixed(1);
  const serverCpu = (runs: Run[]) => secs(median(runs.map((m) => m.serverCpuSeconds)));
  const write = (name: string, text: string) => {
    writeBenchmarkSection(flags.out!, `<!-- shop-bench:${name}:start -->`, `<!-- shop-bench:${name}:end -->`,
      `<!-- shop-bench:${name}:start -->\n${text}\n<!-- shop-bench:${name}:end -->`);
    console.error(text);
  };
  const saveFigures = () => {
    fs.writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
    write('targets', targetsTable(figures));
  };
  const sectionTimes: string[] = [];
  /** The last default backup of the large database in the file store, from the dump section when it ran in this run. */
  let defaultFileBackupId: string | undefined;
  /** Peak RSS of the default dump of the large database to S3, from the dump section when it ran in this run. */
  let defaultToS3PeakRssMiB: number | undefined;
  /** The topology, the command and how long each section of this run took; rewritten after every section, so a stopped run leaves it true. */
  const writeSetup = () => {
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const command = `npx ts-node --transpile-only bench/runner/shop-bench.ts --gb ${GB} --small-gb ${SMALL_GB} --repeats ${REPEATS} --sections ${SECTIONS.join(',')}`;
    write('setup', `Measured side by side by \`bench/runner/shop-bench.ts\` on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM,
PostgreSQL ${pg.majorVersion}, Node ${process.version}, zstd and lz4 from Debian. The server (and s3rver, the S3 API over HTTPS with a
self-signed certificate made by openssl and trusted through \`NODE_EXTRA_CA_CERTS\`) is pinned to core ${SERVER_CORE}; pg_dump, pg_restore, the
runner and everything they spawn to core ${CLIENT_CORE}, as a 1-vCPU task talking to a remote server. The database (${gb(dbBytes)} GB, and
${gb(smallBytes)} GB for the memory check) is generated by \`bench/runner/shop-database.ts\` (customers, orders, order lines, events: text,
numerics, timestamps, jsonb) and cached in \`bench/results\` (generated again when the generator changes); generating it took ${Number.isNaN(generationSeconds) ? 'an unrecorded time' : `${(generationSeconds / 60).toFixed(1)} min`}, not counted below.
Each figure is the median of ${REPEATS} interleaved runs (the two-pass upload and the directory section: one run). The machine is shared with other work, so the load average is recorded with
each section and the ratios of runs side by side are what count. This run took ${((Date.now() - benchStarted) / 60000).toFixed(1)} min
so far (${sectionTimes.join(', ')}; plus ${setupSeconds.toFixed(0)} s of set-up before them: transpiling the runner, starting the server and s3rver). Reproduce with:

\`\`\`sh
${command}
\`\`\``);
  };
  try {
    /** pg_dump's own gzip archive: stored by the gzip arm of the dump section, or written once, untimed, for a section that needs it. */
    /** The stored custom-format dump of a backup in the file store (`dump.pgdump`, with its compression suffix). */
    const storedDump = (backupId: string) =>
      execFileSync('find', [fileStore, '-path', `*${backupId}*`, '-name', 'dump.pgdump*'], { encoding: 'utf8' }).trim().split('\n')[0];
    const ensureGzipFile = () => {
      if (!fs.existsSync(gzipFile)) execFileSync(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop'), '-f', gzipFile]);
    };

    for (const section of SECTIONS) {
      const sectionStarted = Date.now();
      const loadBefore = os.loadavg()[0];
      const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
      if (section === 'dump') {
        /** `once`: measured in the first round only (a comparison, not a target). */
        const methods: Record<string, { label: string; run: (round: number) => Promise<Run>; bytes: (runs: Run[]) => number; once?: boolean }> = {
          bare: {
            label: 'bare `pg_dump -Fc > /dev/null` (gzip level 6)',
            run: () => run(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop')], { stdoutFile: '/dev/null' }),
            bytes: () => fs.statSync(gzipFile).size,
          },
          toFile: {
            label: '`pg-backup dump` (default) → `file://`',
            run: async () => {
              const measured = await runner('shop', `file://${fileStore}`);
              defaultFileBackupId = String(lastJson(measured).backupId);
              return measured;
            },
            bytes: (runs) => Number(lastJson(runs[0]).bytes),
          },
          toS3: { label: '`pg-backup dump` (default) → `s3://` over HTTPS', run: () => runner('shop', 's3://bench-backups/runner'), bytes: (runs) => Number(lastJson(runs[0]).bytes) },
          gzip: {
            label: '`pg-backup dump --compress gzip:6` → `file://`',
            run: async () => {
              const measured = await runner('shop', `file://${fileStore}`, '--compress', 'gzip:6');
              // pg_dump's own gzip archive, stored untouched: the two-pass upload and the verify section restore it.
              if (!fs.existsSync(gzipFile)) fs.copyFileSync(storedDump(String(lastJson(measured).backupId)), gzipFile);
              return measured;
            },
            bytes: (runs) => Number(lastJson(runs[0]).bytes),
          },
          twoPass: {
            label: 'two-pass: `pg_dump -Fc` (the bare median above), then upload of its archive to S3 (HTTPS); the upload one run',
            once: true,
            // The first pass is the bare dump measured in every round; only the second pass, the upload of pg_dump's
            // archive (taken from the gzip arm, which stores it untouched), is timed here, after that arm's first run.
            run: async (round) => {
              const upload = await run(process.execPath, ['-e', UPLOAD_SCRIPT, gzipFile, 'bench-backups', `two-pass/${round}.pgdump`], {
                env: { ...env, NODE_PATH: path.join(ROOT, 'node_modules') },
              });
              const bare = median(runs.bare.map((m) => m.seconds));
              const bareCpu = median(runs.bare.map((m) => m.cpuSeconds));
              return { ...upload, seconds: bare + upload.seconds, cpuSeconds: bareCpu + upload.cpuSeconds };
            },
            bytes: () => fs.statSync(gzipFile).size,
          },
        };
        const runs: Record<string, Run[]> = Object.fromEntries(Object.keys(methods).map((key) => [key, []]));
        for (let round = 1; round <= REPEATS; round++) {
          for (const [key, method] of Object.entries(methods)) {
            if (method.once && round > 1) continue;
            console.error(`dump round ${round}/${REPEATS}: ${key} (load ${os.loadavg()[0].toFixed(1)})`);
            runs[key].push(await method.run(round));
          }
        }
        const bytes = (key: string) => methods[key].bytes(runs[key]);
        const t = (key: string) => median(runs[key].map((m) => m.seconds));
        const rss = (key: string) => (runs[key][0].peakRssMiB === undefined ? '–' : Math.max(...runs[key].map((m) => m.peakRssMiB!)).toFixed(0));
        const all = Object.values(runs).flat();
        const load = `${loadBefore.toFixed(1)} at the start, ${loadSpread(all)} at the end of each run`;
        const rows = Object.entries(methods).map(([key, method]) =>
          `| ${method.label} | ${spread(runs[key].map((m) => m.seconds))} | ${ratio(t(key), t('bare'))} | ${cpuPerGb(runs[key])} | ${serverCpu(runs[key])} | ${mb(bytes(key))} | ${rss(key)} |`);
        const gzipBytes = bytes('bare');
        defaultToS3PeakRssMiB = Math.max(...runs.toS3.map((m) => m.peakRssMiB!));
        figures.dump = {
          bare: t('bare'),
          twoPass: t('twoPass'),
          toFile: t('toFile'),
          toS3: t('toS3'),
          toS3WithoutCompletion: median(runs.toS3.map((m) => m.seconds - m.s3rverCompletionSeconds)),
          s3rverCpu: median(runs.toS3.map((m) => m.s3rverCpuSeconds)),
          runnerOwnCpu: { toFile: median(runs.toFile.map((m) => m.ownCpuSeconds!)), toS3: median(runs.toS3.map((m) => m.ownCpuSeconds!)) },
          gzip: t('gzip'),
          defaultBytes: bytes('toFile'),
          gzipBytes,
          cpuPerGb: Object.fromEntries(Object.keys(methods).map((key) => [key, Number(cpuPerGb(runs[key]))])),
          load,
          at,
        };
        write('dump', `### Dump (shop database ${gb(dbBytes)} GB; ${at} UTC)

| method | wall time (s): median [fastest–slowest] | × bare pg_dump (medians) | client CPU s / GB of database | server CPU s | backup (MB) | runner peak RSS (MiB) |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

The default is \`${DEFAULT_DUMP_COMPRESSION}\` with exact row counts. To S3 over HTTPS the default dump takes ${ratio(t('toS3'), t('toFile'))}× the wall time
of the same dump to \`file://\` (client CPU ${ratio(median(runs.toS3.map((m) => m.cpuSeconds)), median(runs.toFile.map((m) => m.cpuSeconds)))}×). s3rver, the stand-in for S3, runs on the server core beside
PostgreSQL (there is no third core): it spent ${secs(figures.dump.s3rverCpu!)} CPU s a run (median; PostgreSQL ${serverCpu(runs.toS3)} s), and ${secs(median(runs.toS3.map((m) => m.s3rverCompletionSeconds)))} s of the
wall time are its CompleteMultipartUpload, which copies every part into the object after the last part was sent; less
that copy, the dump to S3 takes ${ratio(figures.dump.toS3WithoutCompletion!, t('toFile'))}× the time to \`file://\`. The server core had ${secs(median(runs.toS3.map((m) => m.serverCpuSeconds + m.s3rverCpuSeconds)))} CPU s
of work a run to S3 (PostgreSQL and s3rver, medians of the sums) against ${serverCpu(runs.toFile)} s a run to \`file://\`, whose wall time was ${secs(t('toFile'))} s. Of the client's
CPU, the runner's node process alone (without pg_dump and zstd, which do the same work either way) spent ${secs(figures.dump.runnerOwnCpu!.toS3)} s a run to S3 and
${secs(figures.dump.runnerOwnCpu!.toFile)} s to \`file://\` (${ratio(figures.dump.runnerOwnCpu!.toS3, figures.dump.runnerOwnCpu!.toFile)}×). Load average (1 min): ${load}.`);
        saveFigures();
      } else if (section === 'overhead') {
        const methods: Record<string, { label: string; run: () => Promise<Run> }> = {
          pipe: {
            label: `\`pg_dump -Fc -Z0 \\| zstd -${DEFAULT_LEVEL} > file\` (the pipe the runner wraps, without it)`,
            run: () => pipe([`-${DEFAULT_LEVEL}`]),
          },
          toFile: { label: '`pg-backup dump` (default) → `file://`', run: () => runner('shop', `file://${fileStore}`) },
          estimate: { label: '`pg-backup dump --row-counts estimate` → `file://`', run: () => runner('shop', `file://${fileStore}`, '--row-counts', 'estimate') },
        };
        const runs: Record<string, Run[]> = Object.fromEntries(Object.keys(methods).map((key) => [key, []]));
        for (let round = 1; round <= REPEATS; round++) {
          for (const [key, method] of Object.entries(methods)) {
            console.error(`overhead round ${round}/${REPEATS}: ${key} (load ${os.loadavg()[0].toFixed(1)})`);
            runs[key].push(await method.run());
          }
        }
        const t = (key: string) => median(runs[key].map((m) => m.seconds));
        const load = `${loadBefore.toFixed(1)} at the start, ${loadSpread(Object.values(runs).flat())} at the end of each run`;
        figures.overhead = {
          pipe: t('pipe'),
          toFile: t('toFile'),
          estimate: t('estimate'),
          exactServerCpu: median(runs.toFile.map((m) => m.serverCpuSeconds)),
          estimateServerCpu: median(runs.estimate.map((m) => m.serverCpuSeconds)),
          cpuPerGb: Object.fromEntries(Object.keys(methods).map((key) => [key, Number(cpuPerGb(runs[key]))])),
          load,
          at,
        };
        write('overhead', `### What the runner adds to the pipe it wraps, and what exact row counts cost (shop database ${gb(dbBytes)} GB; ${at} UTC)

| method | wall time (s): median [fastest–slowest] | × the bare pipe (medians) | client CPU s / GB of database | server CPU s |
| --- | --- | --- | --- | --- |
${Object.entries(methods).map(([key, method]) => `| ${method.label} | ${spread(runs[key].map((m) => m.seconds))} | ${ratio(t(key), t('pipe'))} | ${cpuPerGb(runs[key])} | ${serverCpu(runs[key])} |`).join('\n')}

\`pg-backup dump\` to \`file://\` takes ${secs(t('toFile') - t('pipe'))} s more than the bare pipe (start-up, preflight, snapshot, SHA-256, the table of
contents read on the side, the fsync and the manifest). Exact row counts cost the server ${secs(figures.overhead.exactServerCpu - figures.overhead.estimateServerCpu)} CPU s more than
estimates (${serverCpu(runs.toFile)} against ${serverCpu(runs.estimate)} s) and ${ratio(t('toFile'), t('estimate'))}× the wall time. Load average (1 min): ${load}.`);
        saveFigures();
      } else if (section === 'levels') {
        // On the small database: what a level writes depends on the data, not on its size, and every setting is a full dump.
        const smallGzipFile = path.join(scratch, 'small.pgdump');
        const runs: Record<string, Run[]> = { bare: [], ...Object.fromEntries(LEVELS.map((level) => [level.key, []])) };
        const bytes: Record<string, number> = {};
        for (let round = 1; round <= REPEATS; round++) {
          console.error(`levels round ${round}/${REPEATS}: bare (load ${os.loadavg()[0].toFixed(1)})`);
          runs.bare.push(await run(tool('pg_dump'), ['-Fc', '--dbname', pg.url('shop_small'), '-f', smallGzipFile]));
          for (const level of LEVELS) {
            console.error(`levels round ${round}/${REPEATS}: zstd ${level.args.join(' ')}`);
            runs[level.key].push(await pipe(level.args, 'shop_small'));
            bytes[level.key] = fs.statSync(pipeFile).size;
          }
        }
        const gzipBytes = fs.statSync(smallGzipFile).size;
        const t = (key: string) => median(runs[key].map((m) => m.seconds));
        const cpu = (key: string) => median(runs[key].map((m) => m.cpuSeconds));
        const rows = LEVELS.map((level) =>
          `| \`pg_dump -Fc -Z0 \\| zstd ${level.args.join(' ')}\`${level.key === String(DEFAULT_LEVEL) ? ' (the default)' : ''} | ${spread(runs[level.key].map((m) => m.seconds))} | ${ratio(t(level.key), t('bare'))} | ${ratio(cpu(level.key), cpu('bare'))} | ${(bytes[level.key] / 1e6).toFixed(1)} | ${(bytes[level.key] / gzipBytes).toFixed(3)} |`);
        // The client CPU ratio too: a 1-vCPU task is CPU-bound on the client side, and it is the steadier figure when other work shares the core.
        const meetsBoth = LEVELS.filter((level) => t(level.key) / t('bare') <= 0.5 && cpu(level.key) / cpu('bare') <= 0.5 && bytes[level.key] <= gzipBytes)
          .map((level) => `\`zstd ${level.args.join(' ')}\``);
        write('levels', `### Choosing the zstd level (shop database ${gb(smallBytes)} GB; ${at} UTC)

| pipe, client pinned to one core | wall time (s): median [fastest–slowest] | × bare \`pg_dump -Fc\` wall | × its client CPU | backup (MB) | × pg_dump's gzip archive (${(gzipBytes / 1e6).toFixed(1)} MB) |
| --- | --- | --- | --- | --- | --- |
| bare \`pg_dump -Fc > file\` (gzip level 6) | ${spread(runs.bare.map((m) => m.seconds))} | 1.00 | 1.00 | ${(gzipBytes / 1e6).toFixed(1)} | 1.000 |
${rows.join('\n')}

Settings that meet both targets (≤ 0.5× the wall time and the client CPU, no larger than pg_dump's archive): ${meetsBoth.length > 0 ? meetsBoth.join(', ') : 'none'}.
Load average (1 min): ${loadBefore.toFixed(1)} at the start, ${loadSpread(Object.values(runs).flat())} at the end of each run.`);
      } else if (section === 'memory') {
        const rows = [];
        const all: Run[] = [];
        for (const [database, size] of [['shop_small', smallBytes], ['shop', dbBytes]] as const) {
          console.error(`memory: ${database}`);
          // The dump section measured the default dump of the large database to S3 already in this run.
          const compressed = database === 'shop' && defaultToS3PeakRssMiB !== undefined
            ? undefined : await runner(database, 's3://bench-backups/memory');
          const raw = await runner(database, 's3://bench-backups/memory', '--compress', 'none');
          all.push(...(compressed ? [compressed] : []), raw);
          const compressedRss = compressed?.peakRssMiB ?? defaultToS3PeakRssMiB!;
          rows.push({ gb: size / 1e9, compressed: compressedRss, raw: raw.peakRssMiB!, rawBytes: Number(lastJson(raw).bytes) });
        }
        const peak = Math.max(...rows.flatMap((m) => [m.compressed, m.raw]));
        const load = `${loadBefore.toFixed(1)} at the start, ${loadSpread(all)} at the end of each run`;
        figures.memory = { peakMiB: peak, rows: rows.map(({ gb: size, compressed, raw }) => ({ gb: size, compressed, raw })), load, at };
        write('memory', `### Runner memory is flat in the database size (${at} UTC)

Peak RSS of the \`pg-backup\` node process alone (\`VmHWM\`), dumping to S3 over HTTPS with the default 8 MiB parts × 4 in flight
(the default dump of the ${gb(dbBytes)} GB database: the highest of the dump section's runs, when it ran before):

| database (GB) | RSS, default (MiB) | RSS, \`--compress none\` (MiB) | bytes streamed by \`--compress none\` (pg_dump's plain archive, GB) |
| --- | --- | --- | --- |
${rows.map((m) => `| ${m.gb.toFixed(2)} | ${m.compressed.toFixed(0)} | ${m.raw.toFixed(0)} | ${gb(m.rawBytes)} |`).join('\n')}

Load average (1 min): ${load}.`);
        saveFigures();
      } else if (section === 'verify') {
        ensureGzipFile();
        // A default backup of the large database: the dump section's, when it ran in this run.
        const backupId = defaultFileBackupId ?? String(lastJson(await runner('shop', `file://${fileStore}`)).backupId);
        // The same archive as the default backup holds, unwrapped for the bare tools (not timed).
        const stored = storedDump(backupId);
        const plainFile = path.join(scratch, 'default-unwrapped.pgdump');
        execFileSync('zstd', ['-d', '-q', '-f', stored, '-o', plainFile]);
        const runs: Record<string, Run[]> = { bareDefault: [], bareGzip: [], verify: [] };
        const restoreOnly: number[] = [];
        const bareRestore = async (archive: string) => {
          await pg.query('DROP DATABASE IF EXISTS restore_bare');
          await pg.query('CREATE DATABASE restore_bare');
          const measured = await run(tool('pg_restore'), ['-j', '2', '--no-owner', '--exit-on-error', '--dbname', pg.url('restore_bare'), archive]);
          await pg.query('DROP DATABASE restore_bare');
          await pg.query('CHECKPOINT');
          return measured;
        };
        for (let round = 1; round <= REPEATS; round++) {
          console.error(`restore round ${round}/${REPEATS} (load ${os.loadavg()[0].toFixed(1)})`);
          runs.bareDefault.push(await bareRestore(plainFile));
          const verify = await run(process.execPath, runnerArgv(
            'verify', '--from', `file://${fileStore}`, '--backup', backupId, '--target-url', pg.url(), '--jobs', '2',
          ), { env, sampleRss: true });
          runs.verify.push(verify);
          restoreOnly.push(Number(lastJson(verify).restoreSeconds));
          await pg.query('CHECKPOINT');
          runs.bareGzip.push(await bareRestore(gzipFile));
        }
        fs.rmSync(plainFile, { force: true });
        const t = (key: string) => median(runs[key].map((m) => m.seconds));
        const load = `${loadBefore.toFixed(1)} at the start, ${loadSpread(Object.values(runs).flat())} at the end of each run`;
        figures.verify = { verify: t('verify'), bareDefault: t('bareDefault'), bareGzip: t('bareGzip'), load, at };
        write('verify', `### Verify against a bare parallel restore (${at} UTC)

| method | wall time (s): median [fastest–slowest] | × bare pg_restore -j2 of the same archive | client CPU s / GB of database | server CPU s |
| --- | --- | --- | --- | --- |
| bare \`pg_restore -j2\` of the default backup's archive (unwrapped beforehand, not timed) | ${spread(runs.bareDefault.map((m) => m.seconds))} | 1.00 | ${cpuPerGb(runs.bareDefault)} | ${serverCpu(runs.bareDefault)} |
| \`pg-backup verify --jobs 2\` of the default backup from \`file://\` | ${spread(runs.verify.map((m) => m.seconds))} (pg_restore alone ${secs(median(restoreOnly))}) | ${ratio(t('verify'), t('bareDefault'))} | ${cpuPerGb(runs.verify)} | ${serverCpu(runs.verify)} |
| bare \`pg_restore -j2\` of pg_dump's own gzip archive | ${spread(runs.bareGzip.map((m) => m.seconds))} | ${ratio(t('bareGzip'), t('bareDefault'))} | ${cpuPerGb(runs.bareGzip)} | ${serverCpu(runs.bareGzip)} |

\`pg-backup verify\` also downloads and decompresses the backup to scratch checking its SHA-256, creates and drops the scratch
database, and compares the exact row count of every table with the manifest. It restores while the backup downloads: the pre-data
entries once the table of contents has arrived, then up to \`--jobs\` pg_restore runs at a time, largest first: each table's data once
its block has arrived (through psql, whose \`COPY n\` is the table's row count, so the server scans no table twice), each index and
constraint once the tables it depends on are loaded (as \`pg_restore -j\` schedules them), and privileges and materialized views with
\`pg_restore -j\` at the end;
"pg_restore alone" is the time from the first pg_restore's start to the last one's end.
Peak RSS of the runner during verify: ${Math.max(...runs.verify.map((m) => m.peakRssMiB!)).toFixed(0)} MiB. Load average (1 min): ${load}.`);
        saveFigures();
      } else if (section === 'directory') {
        const jobs = [1, 2, 4];
        const runs: Record<number, Run[]> = { 1: [], 2: [], 4: [] };
        const scratchPeak: Record<number, number> = { 1: 0, 2: 0, 4: 0 };
        // One run per job count: the scratch bound is what this section shows; its times are indicative.
        for (let round = 1; round <= 1; round++) {
          for (const j of jobs) {
            console.error(`directory: -j ${j} (load ${os.loadavg()[0].toFixed(1)})`);
            const measured = await runner('shop', `file://${fileStore}`, '--format', 'directory', '--jobs', String(j), '--row-counts', 'estimate');
            runs[j].push(measured);
            scratchPeak[j] = Math.max(scratchPeak[j], Number(lastJson(measured).scratchPeakBytes ?? 0));
          }
        }
        const largestBytes = Number(largest.bytes);
        const rule = (j: number) => directoryDumpScratchGiB(j);
        const load = `${loadBefore.toFixed(1)} at the start, ${loadSpread(Object.values(runs).flat())} at the end of each run`;
        figures.directory = {
          peaks: Object.fromEntries(jobs.map((j) => [j, scratchPeak[j]])),
          ruleGiB: Object.fromEntries(jobs.map((j) => [j, rule(j)])),
          largestTableBytes: largestBytes,
          load,
          at,
        };
        write('directory', `### Directory format, parallel jobs (${at} UTC)

\`pg-backup dump --format directory --jobs N\` to \`file://\` (row counts estimated, so the figures show the dump itself). pg_dump 15
writes each table's file uncompressed; the runner reads it while pg_dump writes it, compresses it with zstd as it uploads it,
frees on disk what it has read (holes punched every ${DIRECTORY_DUMP_FREED_MIB} MiB) and deletes the file once pg_dump has closed it, pausing pg_dump
while more than ${DIRECTORY_DUMP_UNREAD_MIB} MiB (or a quarter of the free space) is written and not yet read: the scratch disk holds that, never a
whole table. The largest table (\`${largest.name}\`) is ${mb(largestBytes)} MB (\`pg_table_size\`); the constructs' rule (core
\`directoryDumpScratchGiB\`: (${DIRECTORY_DUMP_UNREAD_MIB} MiB + jobs × ${DIRECTORY_DUMP_FREED_MIB} MiB) / 1024, rounded up to whole GiB, whatever the tables' sizes) is the last column.

| jobs | wall time (s), one run | client CPU s / GB of database | server CPU s | peak scratch use (MB) | runner peak RSS (MiB) | disk the constructs ask for (GiB) |
| --- | --- | --- | --- | --- | --- | --- |
${jobs.map((j) => `| ${j} | ${spread(runs[j].map((m) => m.seconds))} | ${cpuPerGb(runs[j])} | ${serverCpu(runs[j])} | ${mb(scratchPeak[j])} | ${Math.max(...runs[j].map((m) => m.peakRssMiB!)).toFixed(0)} | ${rule(j)} |`).join('\n')}

With one client core, more jobs add server-side parallelism only; on a task with more vCPUs they add client compression too.
Load average (1 min): ${load}.`);
        saveFigures();
      } else {
        throw new Error(`unknown section ${section}; known: dump, memory, verify, directory, levels, overhead`);
      }
      sectionTimes.push(`${section} ${((Date.now() - sectionStarted) / 60000).toFixed(1)} min`);
      writeSetup();
    }

  } finally {
    await s3.stop();
    await pg.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The targets of the production topology with what the latest run of each section reached. */
export function targetsTable(f: Figures): string {
  const rows: string[] = [];
  const d = f.dump;
  if (d) {
    const cpuRatio = (a: string, b: string) => (d.cpuPerGb ? `; client CPU ${ratio(d.cpuPerGb[a], d.cpuPerGb[b])}×` : '');
    rows.push(`| default \`pg-backup dump\` ≤ 0.50 × bare \`pg_dump -Fc > /dev/null\` | ${ratio(d.toFile, d.bare)}× (${secs(d.toFile)} s against ${secs(d.bare)} s${cpuRatio('toFile', 'bare')}) | ${met(d.toFile / d.bare <= 0.5)} |`);
    rows.push(`| … with a backup no larger than pg_dump's | ${mb(d.defaultBytes)} MB against ${mb(d.gzipBytes)} MB (${ratio(d.defaultBytes, d.gzipBytes)}×) | ${met(d.defaultBytes <= d.gzipBytes)} |`);
    rows.push(`| \`--compress gzip:6\` ≤ 1.05 × bare \`pg_dump -Fc\` | ${ratio(d.gzip, d.bare)}×${cpuRatio('gzip', 'bare')} | ${met(d.gzip / d.bare <= 1.05)} |`);
    const lessCompletion = d.toS3WithoutCompletion === undefined ? '' : `; ${ratio(d.toS3WithoutCompletion, d.toFile)}× less s3rver's completion copy`;
    const ownCpu = d.runnerOwnCpu === undefined ? '' : `; the runner process alone +${secs(d.runnerOwnCpu.toS3 - d.runnerOwnCpu.toFile)} CPU s`;
    rows.push(`| to S3 over HTTPS ≤ 1.10 × the same dump to \`file://\` | ${ratio(d.toS3, d.toFile)}×${cpuRatio('toS3', 'toFile')}${lessCompletion}${ownCpu} | ${met(d.toS3 / d.toFile <= 1.1)} |`);
    if (d.twoPass !== undefined) rows.push(`| (for comparison) two-pass \`pg_dump -Fc\` + upload against bare \`pg_dump -Fc\` | ${ratio(d.twoPass, d.bare)}×${cpuRatio('twoPass', 'bare')} | – |`);
  }
  const o = f.overhead;
  if (o) {
    rows.push(`| (lean pipe) \`pg-backup dump\` against the bare \`pg_dump -Z0 \\| zstd\` it wraps | ${ratio(o.toFile, o.pipe)}×; client CPU ${ratio(o.cpuPerGb.toFile, o.cpuPerGb.pipe)}× | – |`);
    rows.push(`| (row counts) exact counts cost the server | +${secs(o.exactServerCpu - o.estimateServerCpu)} CPU s, wall ${ratio(o.toFile, o.estimate)}× of estimates | – |`);
  }
  const m = f.memory;
  if (m) {
    const flat = m.rows.length === 2 ? `${m.rows.map((row) => `${Math.max(row.compressed, row.raw).toFixed(0)} MiB at ${row.gb.toFixed(1)} GB`).join(', ')}` : '';
    rows.push(`| runner peak RSS ≤ 200 MiB and flat in database size | ${m.peakMiB.toFixed(0)} MiB at most (${flat}) | ${met(m.peakMiB <= 200)} |`);
  }
  const v = f.verify;
  if (v) {
    rows.push(`| \`verify\` of the default archive ≤ 1.05 × bare \`pg_restore -j2\` of the same archive | ${ratio(v.verify, v.bareDefault)}× | ${met(v.verify / v.bareDefault <= 1.05)} |`);
    rows.push(`| … and faster than bare \`pg_restore -j2\` of pg_dump's gzip archive | ${ratio(v.verify, v.bareGzip)}× | ${met(v.verify < v.bareGzip)} |`);
  }
  const dir = f.directory;
  if (dir) {
    // Within the constructs' rule, which holds what pg_dump has written ahead of the upload, whatever the size of a table.
    const within = Object.keys(dir.peaks).every((j) => dir.peaks[j] <= dir.ruleGiB[j] * 2 ** 30);
    rows.push(`| directory dump: scratch bounded by what is in flight, not by the database nor its largest table | peak ${Object.entries(dir.peaks).map(([j, bytes]) => `${mb(bytes)} MB at -j ${j}`).join(', ')} (largest table ${mb(dir.largestTableBytes)} MB) | ${met(within)} |`);
  }
  const when = [d && `dump ${d.at}`, o && `overhead ${o.at}`, m && `memory ${m.at}`, v && `verify ${v.at}`, dir && `directory ${dir.at}`].filter(Boolean).join(', ');
  return `### Targets (from the latest run of each section: ${when} UTC)

| target (on the pinned topology) | reached | |
| --- | --- | --- |
${rows.join('\n')}

A directory-format dump larger than the scratch disk, and one table larger than it, are proven by the test \`test/runner/dump-directory-scratch.test.ts\`, not by timing.`;
}

if (require.main === module && flags.help) {
  console.log(USAGE);
} else if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
