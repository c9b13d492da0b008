/**
 * Where the time of a streamed upload to the local S3 server over HTTPS goes, by upload setting: the runner's own
 * upload (S3BackupStore.putStream, src/runner/s3-multipart-upload.ts, compiled as the image runs it) in a node process
 * pinned to the client core, started with the flags `pg-backup` gives node; s3rver (the S3 API over HTTPS with a
 * self-signed certificate) in this process on the server core, as in bench/runner/shop-bench.ts. For each setting: the
 * wall time, the client's CPU, V8's full garbage collections, the time after the last byte was read (the parts still
 * in flight and the completion), how long s3rver took to answer CompleteMultipartUpload (it copies every part into the
 * final object), and how many connections the client opened. Rounds interleaved, medians.
 *
 *   npx ts-node --transpile-only bench/runner/s3-upload-bench.ts [--mb 352] [--repeats 3]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startS3 } from '../../test/support/s3';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';
import { compileRunner, runnerNodeFlags } from '../support/compile-runner';

const ROOT = path.resolve(__dirname, '..', '..');
const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '352' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});

/**
 * Upload settings compared: part size (MiB), parts in flight, whether the SDK adds its CRC32 to every part (as it does
 * on AWS S3), whether the client asks for 100 Continue on every part (the SDK's default, which the store turns off), and
 * whether node starts with the heap flags `pg-backup` gives it.
 */
const SETTINGS = [
  { label: '8 MiB × 4 (the runner\'s default)', partMiB: 8, queue: 4, checksum: 'WHEN_REQUIRED', expectContinue: false, runnerFlags: true },
  { label: '8 MiB × 4, CRC32 on every part (AWS S3\'s default)', partMiB: 8, queue: 4, checksum: 'WHEN_SUPPORTED', expectContinue: false, runnerFlags: true },
  { label: '8 MiB × 4, node without `pg-backup`\'s heap flag', partMiB: 8, queue: 4, checksum: 'WHEN_REQUIRED', expectContinue: false, runnerFlags: false },
  { label: '8 MiB × 4, 100 Continue on every part (the SDK\'s default: a new connection a part), without the heap flag', partMiB: 8, queue: 4, checksum: 'WHEN_REQUIRED', expectContinue: true, runnerFlags: false },
  { label: '16 MiB × 4', partMiB: 16, queue: 4, checksum: 'WHEN_REQUIRED', expectContinue: false, runnerFlags: true },
  { label: '5 MiB × 8', partMiB: 5, queue: 8, checksum: 'WHEN_REQUIRED', expectContinue: false, runnerFlags: true },
] as const;

/** The client: streams a file with the runner's S3BackupStore and prints its timings as JSON. */
const CLIENT = `
const fs = require('node:fs');
const net = require('node:net');
const { PerformanceObserver, constants } = require('node:perf_hooks');
const [lib, file, bucket, key, partMiB, queue, checksum, expectContinue] = process.argv.slice(1);
let connections = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { connections += 1; return connect.apply(this, args); };
let fullCollections = 0;
new PerformanceObserver((list) => {
  fullCollections += list.getEntries().filter((entry) => entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length;
}).observe({ entryTypes: ['gc'] });
const { S3BackupStore } = require(lib + '/runner/s3-backup-store.js');
const store = new S3BackupStore({ bucket, endpoint: process.env.AWS_ENDPOINT_URL_S3, tuning: { partSizeBytes: Number(partMiB) * 1024 * 1024, concurrency: Number(queue) } });
// The store's client, set as the setting says (the SDK reads these from its resolved configuration at every request).
const client = store.client;
client.config.requestChecksumCalculation = async () => checksum;
if (expectContinue === 'true') client.config.expectContinueHeader = 2 * 1024 * 1024;
let completeMs = 0;
client.middlewareStack.add((next, context) => async (args) => {
  const started = performance.now();
  try { return await next(args); } finally { if (context.commandName === 'CompleteMultipartUploadCommand') completeMs += performance.now() - started; }
}, { step: 'finalizeRequest', name: 'completionTimer' });
const started = performance.now();
let bodyEnded = 0;
const body = fs.createReadStream(file, { highWaterMark: 1024 * 1024 }).on('end', () => { bodyEnded = performance.now(); });
store.putStream(key, body).then(() => {
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, tailSeconds: (performance.now() - bodyEnded) / 1000,
    completeSeconds: completeMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, fullCollections, connections }));
  store.close();
}, (error) => { console.error(error); process.exit(1); });
`;

interface Timing { seconds: number; tailSeconds: number; completeSeconds: number; cpuSeconds: number; fullCollections: number; connections: number }

async function upload(env: Record<string, string>, nodeFlags: string[], args: string[]): Promise<Timing> {
  const child = spawn('taskset', ['-c', '1', process.execPath, ...nodeFlags, '-e', CLIENT, ...args], {
    env: { ...process.env, ...env, NODE_PATH: path.join(ROOT, 'node_modules') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the upload exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Timing;
}

async function main(): Promise<void> {
  const cli = compileRunner(ROOT);
  const lib = path.dirname(path.dirname(cli));
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const s3 = await startS3({ buckets: ['bench-uploads'], tls: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-s3-upload-bench-'));
  const bytes = Math.round(Number(flags.mb) * 1e6);
  // Random bytes: a compressed backup does not compress further, and the store does not look inside.
  const file = path.join(scratch, 'backup.bin');
  const out = fs.openSync(file, 'w');
  const block = 1024 * 1024;
  for (let written = 0; written < bytes; written += block) fs.writeSync(out, crypto.randomBytes(Math.min(block, bytes - written)));
  fs.closeSync(out);
  const runs: Timing[][] = SETTINGS.map(() => []);
  try {
    for (let round = 1; round <= Number(flags.repeats); round++) {
      for (const [i, setting] of SETTINGS.entries()) {
        console.error(`round ${round}: ${setting.label} (load ${os.loadavg()[0].toFixed(1)})`);
        runs[i].push(await upload(s3.env, setting.runnerFlags ? runnerNodeFlags(cli) : [],
          [lib, file, 'bench-uploads', `r${round}-${i}`, String(setting.partMiB), String(setting.queue), setting.checksum, String(setting.expectContinue)]));
      }
    }
  } finally {
    await s3.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const m = (i: number, key: keyof Timing, digits = 2) => median(runs[i].map((run) => run[key])).toFixed(digits);
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const text = `<!-- s3-upload-bench:start -->
### Where an upload to S3 over HTTPS spends its time (${(bytes / 1e6).toFixed(0)} MB; ${at} UTC)

Measured by \`bench/runner/s3-upload-bench.ts\`: the runner's own upload (\`S3BackupStore.putStream\`) streams a file of random
bytes (a compressed backup does not compress further) to s3rver over HTTPS, the client pinned to core 1, s3rver to core 0;
medians of ${flags.repeats} interleaved runs. "Full GCs" counts V8's full garbage collections in the client.
Reproduce with:

\`\`\`sh
npx ts-node --transpile-only bench/runner/s3-upload-bench.ts --mb ${flags.mb} --repeats ${flags.repeats}
\`\`\`

| setting | wall (s) | client CPU (s) | full GCs | connections | after the last byte was read (s) | of which s3rver's CompleteMultipartUpload (s) |
| --- | --- | --- | --- | --- | --- | --- |
${SETTINGS.map((setting, i) => `| ${setting.label} | ${m(i, 'seconds')} | ${m(i, 'cpuSeconds')} | ${m(i, 'fullCollections', 0)} | ${m(i, 'connections', 0)} | ${m(i, 'tailSeconds')} | ${m(i, 'completeSeconds')} |`).join('\n')}

s3rver answers CompleteMultipartUpload by copying every part into the final object, on the server core, after the client
has sent its last byte (how long AWS S3 takes to complete is not measured here). Load average (1 min) at the end: ${os.loadavg()[0].toFixed(1)}.
<!-- s3-upload-bench:end -->`;
  writeBenchmarkSection(flags.out!, '<!-- s3-upload-bench:start -->', '<!-- s3-upload-bench:end -->', text);
  console.error(text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
