import { ToolProcess } from './child-process';

/** One entry of `pg_restore --list`. */
export interface ArchiveTocEntry {
  /** Dump id. */
  readonly dumpId: number;
  /** Catalog oid of the object (for `TABLE DATA`, the table's oid in the dumped database). */
  readonly oid: number;
  /** Entry type and names as pg_restore prints them, e.g. `TABLE DATA public accounts postgres`. */
  readonly text: string;
}

/** The parsed `pg_restore --list` of an archive. */
export interface ArchiveToc {
  /** Every entry. */
  readonly entries: ArchiveTocEntry[];
  /** Oids of the tables whose data the archive holds (`TABLE DATA` entries). */
  readonly tableDataOids: number[];
  /** Oids of the tables whose definitions the archive holds (`TABLE` entries), partitioned ones included. */
  readonly tableOids: number[];
}

/** Parses `pg_restore --list` output (`3353; 0 16389 TABLE DATA public t postgres`); comment lines are skipped. */
export function parseArchiveToc(listing: string): ArchiveToc {
  const entries: ArchiveTocEntry[] = [];
  for (const line of listing.split('\n')) {
    const match = /^(\d+); (\d+) (\d+) (.+)$/.exec(line);
    if (match) entries.push({ dumpId: Number(match[1]), oid: Number(match[3]), text: match[4] });
  }
  return {
    entries,
    tableDataOids: entries.filter((entry) => entry.text.startsWith('TABLE DATA ')).map((entry) => entry.oid),
    tableOids: entries.filter((entry) => entry.text.startsWith('TABLE ') && !entry.text.startsWith('TABLE DATA ')).map((entry) => entry.oid),
  };
}

/** Most bytes queued for `pg_restore --list` before giving up on it: the TOC sits at the start of an archive. */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** A program that turns the stored bytes back into the archive (e.g. `zstd -d -q -c`). */
export interface TocDecompressor {
  /** The program. */
  readonly program: string;
  /** Its argv, reading stdin and writing stdout. */
  readonly args: readonly string[];
}

/**
 * Reads the table of contents of a custom-format archive while it streams past: the TOC is at the
 * start of an archive, so `pg_restore --list` reads it from stdin and exits, and the rest of the
 * stream is no longer fed to it. A compressed archive goes through its decompressor on the way.
 */
export class StreamingTocReader {
  /** The TOC, once pg_restore has read it. */
  public readonly toc: Promise<ArchiveToc>;
  private readonly tool: ToolProcess;
  private readonly input: ToolProcess;
  private open = true;

  constructor(pgRestore: string, signal?: AbortSignal, decompressor?: TocDecompressor) {
    const feeder = decompressor
      ? new ToolProcess(decompressor.program, decompressor.args, { pipeStdin: true, captureStdout: true, signal })
      : undefined;
    this.tool = new ToolProcess(pgRestore, ['--list'], { captureStdout: true, signal, ...(feeder ? { stdinFrom: feeder.stdout } : { pipeStdin: true }) });
    this.input = feeder ?? this.tool;
    const chunks: Buffer[] = [];
    this.tool.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    // pg_restore closes its stdin after the TOC; the write errors that follow (EPIPE) are expected,
    // and so is the decompressor's death by that broken pipe.
    this.input.stdin!.on('error', () => {
      this.open = false;
    });
    this.toc = this.tool.exited.then(() => {
      this.open = false;
      feeder?.kill();
      return parseArchiveToc(Buffer.concat(chunks).toString('utf8'));
    }, (error) => {
      this.open = false;
      feeder?.kill();
      throw error;
    });
    this.toc.catch(() => undefined);
  }

  /** Passes a chunk of the archive on, until pg_restore has what it needs. */
  public write(chunk: Buffer): void {
    if (!this.open) return;
    if (this.input.stdin!.writableLength > MAX_QUEUED_BYTES) {
      this.end();
      return;
    }
    this.input.stdin!.write(chunk);
  }

  /** The archive has ended. */
  public end(): void {
    if (!this.open) return;
    this.open = false;
    this.input.stdin!.end();
  }

  /** Stops pg_restore (the dump failed). */
  public kill(): void {
    this.open = false;
    this.input.stdin!.destroy();
    this.input.kill();
    this.tool.kill();
  }
}
