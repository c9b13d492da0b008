import type { Readable } from 'node:stream';
import type { StreamCompression } from '../core';
import { StreamingTocReader, type ArchiveToc } from './archive-toc';
import { ToolProcess } from './child-process';
import { RunnerError, errorMessage } from './runner-error';
import { compressorArgv, decompressorArgv } from './stream-compression';

/**
 * A running pg_dump's custom-format archive on its way to the store: straight from pg_dump, or through a
 * compression program joined to pg_dump by an operating-system pipe (the uncompressed bytes never pass
 * through the runner). The archive's table of contents is read on the side from what is stored, through
 * the matching decompressor, so it also proves that the stored bytes hold a pg_dump archive.
 */
export class ArchivePipe {
  /** What goes into the store. */
  public readonly output: Readable;
  /** Resolves when pg_dump (and the compression program) exited with 0; rejects with the error that explains the failure. */
  public readonly exited: Promise<void>;
  /** The archive's table of contents. */
  public readonly toc: Promise<ArchiveToc>;
  private readonly tocReader: StreamingTocReader;

  constructor(dump: ToolProcess, pgRestorePath: string, compression: StreamCompression | undefined, signal: AbortSignal) {
    if (!compression) {
      this.output = dump.stdout!;
      this.exited = dump.exited;
    } else {
      const compressor = new ToolProcess(compression.method, compressorArgv(compression), { stdinFrom: dump.stdout, captureStdout: true, signal });
      this.output = compressor.stdout!;
      this.exited = bothExited(dump.exited, compressor.exited.catch((error: unknown) => {
        throw explainMissingProgram(error, compression.method);
      }));
    }
    const decompressor = compression ? { program: compression.method, args: decompressorArgv(compression.method) } : undefined;
    this.tocReader = new StreamingTocReader(pgRestorePath, signal, decompressor);
    this.exited.then(() => this.tocReader.end(), () => this.tocReader.kill());
    this.toc = this.tocReader.toc;
  }

  /** Shows a chunk of the stored bytes to the table-of-contents reader. */
  public observe(chunk: Buffer): void {
    this.tocReader.write(chunk);
  }
}

/**
 * Waits for pg_dump and the compression program. When the compressor failed, its error comes first:
 * pg_dump's "broken pipe" is only the consequence.
 */
async function bothExited(dump: Promise<void>, compressor: Promise<void>): Promise<void> {
  const [dumped, compressed] = await Promise.allSettled([dump, compressor]);
  if (compressed.status === 'rejected') throw compressed.reason;
  if (dumped.status === 'rejected') throw dumped.reason;
}

/** Says in plain words that a compression program is missing (it went away after the check before the dump). */
export function explainMissingProgram(error: unknown, program: string): unknown {
  if (!/ENOENT/.test(errorMessage(error))) return error;
  return new RunnerError(`the ${program} program is not installed (install ${program}, or choose --compress gzip:6): ${errorMessage(error)}`, { cause: error });
}
