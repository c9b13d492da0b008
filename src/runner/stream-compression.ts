import * as os from 'node:os';
import type { StreamCompression } from '../core';
import { requireProgram } from './required-programs';

/** The compression programs the runner streams archives through, as a manifest names them. */
export type StreamCompressionMethod = StreamCompression['method'];

/** The compression methods a manifest may record for an object. */
export const STREAM_COMPRESSION_METHODS: readonly StreamCompressionMethod[] = ['zstd', 'lz4'];

/** What each program's output starts with (its frame magic), to check a stored object before trusting it. */
const MAGIC: Record<StreamCompressionMethod, Buffer> = {
  zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  lz4: Buffer.from([0x04, 0x22, 0x4d, 0x18]),
};

/** The file-name suffix of each method, as the programs themselves name their output. */
const SUFFIX: Record<StreamCompressionMethod, string> = { zstd: '.zst', lz4: '.lz4' };

/**
 * The argv (without the program name) that compresses stdin to stdout. zstd runs one worker a vCPU the
 * task may use (`-T`), so a task with more than one vCPU compresses in parallel; zstd needs `--ultra`
 * above level 19.
 */
export function compressorArgv(compression: StreamCompression, vcpus = os.availableParallelism()): string[] {
  const argv = [`-${compression.level}`, '-q', '-c'];
  if (compression.method === 'zstd') {
    if (compression.level > 19) argv.unshift('--ultra');
    if (vcpus > 1) argv.push(`-T${vcpus}`);
  }
  return argv;
}

/**
 * The argv (without the program name) that decompresses stdin to stdout, or into `file` (the program writes it, not the
 * runner). Into a file, sparse mode is off: zstd seeks over zero blocks there, and when the disk fills during a seek it
 * says "Sparse skip error" instead of "No space left on device", which would not read as the local disk's failure.
 */
export function decompressorArgv(method: StreamCompressionMethod, file?: string): string[] {
  if (file === undefined) return ['-d', '-q', '-c'];
  return method === 'zstd' ? ['-d', '-q', '-f', '--no-sparse', '-o', file] : ['-d', '-q', '-f', '--no-sparse', 'stdin', file];
}

/** The object name of `name` compressed with `method` (`dump.pgdump` → `dump.pgdump.zst`). */
export function compressedName(name: string, method: StreamCompressionMethod): string {
  return `${name}${SUFFIX[method]}`;
}

/** `name` without the suffix of `method`, for the file pg_restore reads. */
export function decompressedName(name: string, method: StreamCompressionMethod): string {
  const suffix = SUFFIX[method];
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

/** Whether `head` starts with the frame magic of `method`. */
export function startsWithFrame(head: Buffer, method: StreamCompressionMethod): boolean {
  const magic = MAGIC[method];
  return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

/**
 * Fails, before anything starts, when the compression program is not on the PATH: the message says why the runner
 * needs it and what to install; `alternative` is another way out (a dump can choose pg_dump's own gzip instead).
 */
export async function requireCompressionProgram(method: StreamCompressionMethod, alternative?: string): Promise<void> {
  requireProgram(method, { alternative });
}
