import * as fs from 'node:fs';
import { ArchiveEndedEarlyError } from './archive-rechunk';
import { BLK_BLOBS, BLK_DATA, ByteReader, NeedMore, readArchiveHeader, readTocEntry, type ArchiveTocItem } from './custom-archive-format';
import { FileGrowthWait } from './growing-file-reader';
import { RunnerError } from './runner-error';

/** Bytes read at a time while the archive's items are read (its header, table of contents, or small chunks one after another). */
const WINDOW_BYTES = 64 * 1024;

/**
 * Bytes read after skipping a data chunk's payload, for the length word (and type byte and dump id) that follows it: a
 * page, not a whole window, since the next length word of a 256 KiB-chunk archive is 256 KiB further on. Reading a
 * window there copied a quarter of the archive into the runner; a run of small chunks grows the window again.
 */
const AFTER_SKIP_BYTES = 4 * 1024;

/** The table of contents of an archive being followed. */
export interface FollowedToc {
  /** Every entry, in the archive's order. */
  readonly entries: readonly ArchiveTocItem[];
}

/**
 * Follows a custom-format archive while another process writes it (the decompressor of a download) and says when each
 * data block has arrived whole: it reads the header, the table of contents and the framing of the data blocks (a
 * length word every data chunk), seeking past the chunks' bytes without reading them, so following a 256 KiB-chunk
 * archive reads a few bytes a chunk. A block is whole once the zero length word that ends it is written; pg_restore can
 * then read that block from the file, as everything before it is written too.
 */
export class ArchiveFollower {
  /** The table of contents once it has arrived; `undefined` when the archive is not a layout this reader knows. */
  public readonly toc: Promise<FollowedToc | undefined>;
  /** Resolves when the archive has been followed to its end after the writer finished; rejects when it ended inside an item. */
  public readonly ended: Promise<void>;
  private handle?: fs.promises.FileHandle;
  private finished = false;
  private stopped = false;
  private readonly growth = new FileGrowthWait();
  /** The file's bytes from {@link position} on that have been read. */
  private window = Buffer.alloc(0);
  private position = 0;
  /** Whether the last move skipped past what the window held (a chunk's payload): the next read is then a page. */
  private afterSkip = false;
  private read = 0;
  private intSize = 4;

  /**
   * @param file the archive being written (it may not exist yet)
   * @param onBlock told the dump id and the size of each data block as soon as it is whole
   */
  constructor(private readonly file: string, private readonly onBlock: (dumpId: number, bytes: number) => void) {
    let tocKnown: (toc: FollowedToc | undefined) => void = () => undefined;
    this.toc = new Promise((resolve) => {
      tocKnown = resolve;
    });
    this.ended = this.follow(tocKnown).finally(() => {
      tocKnown(undefined);
      return this.handle?.close().catch(() => undefined);
    });
    this.ended.catch(() => undefined);
  }

  /** The writer has exited: what the file holds now is all of it. */
  public finish(): void {
    this.finished = true;
    this.growth.wake();
  }

  /** Stops following (the download or the restore failed). */
  public stop(): void {
    this.stopped = true;
    this.finish();
  }

  private async follow(tocKnown: (toc: FollowedToc | undefined) => void): Promise<void> {
    const header = await this.parse('its header', readArchiveHeader);
    if (header === undefined) {
      tocKnown(undefined);
      return;
    }
    this.intSize = header.intSize;
    const entries: ArchiveTocItem[] = [];
    for (let i = 0; i < header.tocEntries; i++) entries.push(await this.parse('its table of contents', (reader) => readTocEntry(reader, header)));
    tocKnown({ entries });
    // The data blocks, each a type byte and a dump id, then its chunks (for large objects: an oid before each object's
    // chunks, and oid 0 after the last), until the end of the file.
    while (await this.more()) {
      const start = this.position;
      const [type, dumpId] = await this.parse('a data block', (reader) => [reader.bytes(1)[0], reader.int()] as const);
      if (type === BLK_DATA) {
        await this.skipChunks();
      } else if (type === BLK_BLOBS) {
        while (await this.parse('a data block', (reader) => reader.int()) !== 0) await this.skipChunks();
      } else {
        throw new RunnerError(`the archive holds a data block of unknown type ${type}`);
      }
      this.onBlock(dumpId, this.position - start);
    }
  }

  /** Moves past a run of data chunks, reading only their length words. */
  private async skipChunks(): Promise<void> {
    for (;;) {
      const length = await this.parse('a data block', (reader) => reader.int());
      if (length < 0) throw new RunnerError(`the archive holds a data chunk of negative length ${length}`);
      if (length === 0) return;
      this.skip(length);
    }
  }

  /** Runs `read` on the bytes at the current position, reading more of the file until they suffice. */
  private async parse<T>(where: string, read: (reader: ByteReader) => T): Promise<T> {
    for (;;) {
      const reader = new ByteReader(this.window, this.intSize);
      try {
        const value = read(reader);
        this.skip(reader.offset);
        return value;
      } catch (error) {
        if (!(error instanceof NeedMore)) throw error;
      }
      if (!await this.readMore(this.nextRead())) throw new ArchiveEndedEarlyError(where);
    }
  }

  /** Whether the archive goes on after the current position (false: the writer finished and the file ends here). */
  private async more(): Promise<boolean> {
    return this.window.length > 0 || this.readMore(this.nextRead());
  }

  /** How many bytes the window should hold after the next read: a page after a skip, else twice what it holds (at least a window). */
  private nextRead(): number {
    if (this.afterSkip && this.window.length < AFTER_SKIP_BYTES) return AFTER_SKIP_BYTES;
    return Math.max(WINDOW_BYTES, this.window.length * 2);
  }

  private skip(bytes: number): void {
    this.position += bytes;
    this.afterSkip = bytes > this.window.length;
    this.window = bytes < this.window.length ? this.window.subarray(bytes) : Buffer.alloc(0);
  }

  /**
   * Reads up to `want` bytes of the window (from the current position), waiting while the writer has not written them
   * yet; false when the writer finished and nothing more is there.
   */
  private async readMore(want: number): Promise<boolean> {
    for (;;) {
      if (this.stopped) throw new RunnerError('stopped following the archive');
      // Read before the read: a read that finds nothing after the writer finished is the end of the file.
      const finished = this.finished;
      const handle = await this.open();
      if (handle) {
        const buffer = Buffer.allocUnsafe(want - this.window.length);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.position + this.window.length);
        if (bytesRead > 0) {
          this.read += bytesRead;
          this.window = this.window.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([this.window, buffer.subarray(0, bytesRead)]);
          return true;
        }
      }
      if (finished) return false;
      await this.growth.next();
    }
  }

  /** Bytes of the file read so far: the framing of the archive, not the chunks' payloads it seeks past. */
  public get bytesRead(): number {
    return this.read;
  }

  /** The file, once its writer has created it. */
  private async open(): Promise<fs.promises.FileHandle | undefined> {
    if (this.handle) return this.handle;
    try {
      this.handle = await fs.promises.open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return this.handle;
  }
}
