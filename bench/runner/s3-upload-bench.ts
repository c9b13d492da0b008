/**
 * Where the time of a streamed upload to the local S3 server over HTTPS goes, by upload setting: the runner's
 * client (`@aws-sdk/lib-storage` over the SDK's HTTPS handler, which `pg-backup dump` used before its own multipart
 * upload in src/runner/s3-multipart-upload.ts) pinned to the client core, s3rver (the S3 API over HTTPS with a self-signed certificate) in this process on the server core, as in
 * bench/runner/shop-bench.ts. For each setting: the wall time, the client's CPU, the time after the last byte was
 * read (the parts still in flight and the completion), and how long s3rver took to answer CompleteMultipartUpload,
 * which it serves by copying every part into the final object. Rounds interleaved, medians.
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

const ROOT = path.resolve(__dirname, '..', '..');
const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '352' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});

/** Upload settings compared: part size (MiB), parts in flight, and whether the SDK adds its CRC32 checksum to every part (as it does on AWS S3). */
const SETTINGS = [
  { label: '8 MiB × 4 (the default), no checksum', partMiB: 8, queue: 4, checksum: 'WHEN_REQUIRED' },
  { label: '8 MiB × 4, CRC32 on every part (AWS S3\'s default)', partMiB: 8, queue: 4, checksum: 'WHEN_SUPPORTED' },
  { label: '16 MiB × 4', partMiB: 16, queue: 4, checksum: 'WHEN_REQUIRED' },
  { label: '5 MiB × 8', partMiB: 5, queue: 8, checksum: 'WHEN_REQUIRED' },
] as const;

/** The client: streams a file with lib-storage and prints its timings as JSON. */
const CLIENT = `
const fs = require('node:fs');
const { S3Client } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');
const [file, bucket, key, partMiB, queue, checksum] = process.argv.slice(1);
const client = new S3Client({ forcePathStyle: true, requestChecksumCalculation: checksum, responseChecksumValidation: 'WHEN_REQUIRED' });
let completeMs = 0;
client.middlewareStack.add((next, context) => async (args) => {
  const started = performance.now();
  try { return await next(args); } finally { if (context.commandName === 'CompleteMultipartUploadCommand') completeMs += performance.now() - started; }
}, { step: 'finalizeRequest', name: 'completionTimer' });
const started = performance.now();
let bodyEnded = 0;
const body = fs.createReadStream(file).on('end', () => { bodyEnded = performance.now(); });
new Upload({ client, params: { Bucket: bucket, Key: key, Body: body }, partSize: Number(partMiB) * 1024 * 1024, queueSize: Number(queue) })
  .done().then(() => {
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, tailSeconds: (performance.now() - bodyEnded) / 1000,
      completeSeconds: completeMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
    client.destroy();
  }, (error) => { console.error(error); process.exit(1); });
`;

interface Timing { seconds: number; tailSeconds: number; completeSeconds: number; cpuSeconds: number }

async function upload(env: Record<string, string>, args: string[]): Promise<Timing> {
  const child = spawn('taskset', ['-c', '1', process.execPath, '-e', CLIENT, ...args], {
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
        runs[i].push(await upload(s3.env, [file, 'bench-uploads', `r${round}-${i}`, String(setting.partMiB), String(setting.queue), setting.checksum]));
      }
    }
  } finally {
    await s3.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const m = (i: number, key: keyof Timing) => median(runs[i].map((run) => run[key])).toFixed(2);
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const text = `<!-- s3-upload-bench:start -->
### Where an upload to S3 over HTTPS spends its time (${(bytes / 1e6).toFixed(0)} MB; ${at} UTC)

Measured by \`bench/runner/s3-upload-bench.ts\`: lib-storage streams a file of random bytes (a compressed backup does not
compress further) to s3rver over HTTPS, the client pinned to core 1, s3rver to core 0; medians of ${flags.repeats} interleaved runs.
Reproduce with:

\`\`\`sh
npx ts-node --transpile-only bench/runner/s3-upload-bench.ts --mb ${flags.mb} --repeats ${flags.repeats}
\`\`\`

| setting | wall (s) | client CPU (s) | after the last byte was read (s) | of which s3rver's CompleteMultipartUpload (s) |
| --- | --- | --- | --- | --- |
${SETTINGS.map((setting, i) => `| ${setting.label} | ${m(i, 'seconds')} | ${m(i, 'cpuSeconds')} | ${m(i, 'tailSeconds')} | ${m(i, 'completeSeconds')} |`).join('\n')}

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
