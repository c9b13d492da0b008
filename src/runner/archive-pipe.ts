import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamCompression } from '../core';
import { ArchiveEndedEarlyError, ArchiveRechunker } from './archive-rechunk';
import { StreamingTocReader, type ArchiveToc } from './archive-toc';
import { ToolProcess } from './child-process';
import { offeringAlternative } from './required-programs';
import { RunnerError } from './runner-error';
import { compressorArgv, decompressorArgv } from './stream-compression';

/**
 * The blocks pg_dump writes its archive in (the `stdoutBlockBytes` of its ToolProcess): pg_dump writes its
 * archive through stdio, which cuts it into the pipe's 4 KiB; read as it comes, the runner (or the compression program)
 * would wake for nearly every piece (about 85,000 times for a 350 MB archive), which costs more CPU than the copy itself.
 */
export const ARCHIVE_BLOCK_BYTES = 1024 * 1024;

/**
 * A running pg_dump's custom-format archive on its way to the store. When the runner compresses (pg_dump 15 or
 * older writes it uncompressed), the archive passes through an {@link ArchiveRechunker} on its way into the
 * compression program, which merges pg_dump's one-chunk-per-row data into large chunks: the backup is about 4 %
 * smaller and restores with fewer, larger messages, and it is still an archive any pg_restore reads. When pg_dump
 * compresses itself (gzip) or nothing does, the runner stores pg_dump's output as it comes. Either way pg_dump must
 * have been started with {@link ARCHIVE_BLOCK_BYTES} as its stdout blocks. The archive's table of contents is read on
 * the side from what is stored, through the matching decompressor, so it also proves that the stored bytes hold a
 * pg_dump archive. When the backup is a local file (`outputFd`), the last program of the pipe writes it itself (pg_dump
 * was started with that file as its stdout, or the compression program gets it), and the stored bytes never pass
 * through the runner: it shows them to the reader of the table of contents as it reads the file back.
 */
export class ArchivePipe {
  /** What goes into the store; nothing when the pipe writes the file itself (`outputFd`). */
  public readonly output?: Readable;
  /** Resolves when pg_dump (and the compression program) exited with 0; rejects with the error that explains the failure. */
  public readonly exited: Promise<void>;
  /** The archive's table of contents. */
  public readonly toc: Promise<ArchiveToc>;
  private readonly tocReader: StreamingTocReader;

  /**
   * @param outputFd the file the compression program writes (pg_dump's own stdout must then be that file when nothing
   * compresses); the caller shows the file to {@link observe} and says when it has all been shown ({@link observedAll})
   */
  constructor(dump: ToolProcess, pgRestorePath: string, compression: StreamCompression | undefined, signal: AbortSignal, outputFd?: number) {
    const dumped = dump.exited;
    if (!compression) {
      this.output = dump.stdout;
      this.exited = dumped;
    } else {
      const compressor = new ToolProcess(compression.method, compressorArgv(compression), {
        pipeStdin: true, signal, ...(outputFd === undefined ? { captureStdout: true } : { stdoutTo: outputFd }),
      });
      this.output = compressor.stdout;
      const rechunked = pipeline(dump.stdout!, new ArchiveRechunker(), compressor.stdin!);
      this.exited = allExited(dumped, compressor.exited.catch((error: unknown) => {
        throw offeringAlternative(error, 'choose --compress gzip:6');
      }), rechunked);
    }
    const decompressor = compression ? { program: compression.method, args: decompressorArgv(compression.method) } : undefined;
    this.tocReader = new StreamingTocReader(pgRestorePath, signal, decompressor);
    this.exited.then(() => {
      if (outputFd === undefined) this.tocReader.end();
    }, () => this.tocReader.kill());
    this.toc = this.tocReader.toc;
  }

  /** Shows a chunk of the stored bytes to the table-of-contents reader. */
  public observe(chunk: Buffer): void {
    this.tocReader.write(chunk);
  }

  /** Every stored byte has been shown (only when the pipe writes a file: a stream ends its showing when pg_dump exits). */
  public observedAll(): void {
    this.tocReader.end();
  }
}

/**
 * Waits for pg_dump, the compression program and the rechunking between them. The compression program's failure
 * comes first (the rest is its consequence), then an archive the rechunker refused (pg_dump's broken pipe follows
 * from it), then pg_dump's own failure, which also explains an archive that ended early.
 */
async function allExited(dump: Promise<void>, compressor: Promise<void>, rechunked: Promise<void>): Promise<void> {
  const [dumped, compressed, rechunk] = await Promise.allSettled([dump, compressor, rechunked]);
  if (compressed.status === 'rejected') throw compressed.reason;
  if (rechunk.status === 'rejected' && rechunk.reason instanceof RunnerError && !(rechunk.reason instanceof ArchiveEndedEarlyError)) throw rechunk.reason;
  if (dumped.status === 'rejected') throw dumped.reason;
  if (rechunk.status === 'rejected') throw rechunk.reason;
}

