import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One measured run of a program. */
export interface Measured {
  /** Wall time, seconds. */
  readonly seconds: number;
  /** User + system CPU seconds of the program and everything it spawned (`/usr/bin/time`). */
  readonly cpuSeconds: number;
  /** Peak RSS of the measured process itself (`VmHWM`), MiB, when sampled. */
  readonly peakRssMiB?: number;
  /** What it printed, unless stdout went to a file. */
  readonly stdout: string;
  /** CPU seconds of the measured node process alone, without what it spawned, when it preloaded {@link OWN_CPU_PRELOAD}. */
  readonly ownCpuSeconds?: number;
}

/**
 * A script a measured node program preloads (`node --require OWN_CPU_PRELOAD …`) to report its own CPU seconds, apart
 * from those of the programs it spawns ({@link Measured.ownCpuSeconds}).
 */
export const OWN_CPU_PRELOAD = path.join(__dirname, 'report-own-cpu.cjs');

/** How a measured program is run. */
export interface MeasureOptions {
  /** Extra environment. */
  readonly env?: Record<string, string>;
  /** Send stdout to this file (e.g. /dev/null) instead of collecting it. */
  readonly stdoutFile?: string;
  /** Sample the peak RSS of the program's own process (not of what it spawns). */
  readonly sampleRss?: boolean;
  /** Pin the program and everything it spawns to these cores (`taskset -c`). */
  readonly cores?: string;
}

/**
 * Runs a program under `/usr/bin/time` (optionally pinned with `taskset`, which execs it, so the program is the one
 * child of `time`), failing with its last stderr when it exits non-zero.
 */
export async function measure(command: string, args: string[], options: MeasureOptions = {}): Promise<Measured> {
  const timeFile = path.join(os.tmpdir(), `pgbc-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const pinned = options.cores === undefined ? [command, ...args] : ['taskset', '-c', options.cores, command, ...args];
  const ownCpuFile = `${timeFile}-own-cpu`;
  const started = process.hrtime.bigint();
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...pinned], {
    env: { ...process.env, ...options.env, PG_BACKUP_BENCH_OWN_CPU_FILE: ownCpuFile }, stdio: ['ignore', out, 'pipe'],
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
  const ownCpuSeconds = fs.existsSync(ownCpuFile) ? Number(fs.readFileSync(ownCpuFile, 'utf8')) : undefined;
  fs.rmSync(ownCpuFile, { force: true });
  return { seconds, cpuSeconds: user + system, peakRssMiB: options.sampleRss ? peakKiB / 1024 : undefined, stdout, ownCpuSeconds };
}
