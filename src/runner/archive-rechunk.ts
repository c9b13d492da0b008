import { Transform, type TransformCallback } from 'node:stream';
import {
  BLK_BLOBS, BLK_DATA, ByteReader, NeedMore, encodeArchiveInt, readArchiveHeader, readArchiveInt, readTocEntry, type ArchiveHeader,
} from './custom-archive-format';
import { RunnerError } from './runner-error';

/**
 * The size the data chunks of an archive are merged up to. pg_restore reads one chunk at a time into a buffer of
 * that size and sends it to the server as one `COPY` message.
 */
export const MERGED_CHUNK_BYTES = 256 * 1024;

/** pg_dump's archive ended in the middle of an item: pg_dump stopped (its own error says why) or wrote a damaged archive. */
export class ArchiveEndedEarlyError extends RunnerError {
  constructor(where: string) {
    super(`pg_dump's archive ended inside ${where}`);
    this.name = 'ArchiveEndedEarlyError';
  }
}

/**
 * Rewrites an uncompressed (`-Z0`) custom-format archive of pg_dump as it streams past, so that the data of each
 * table comes in chunks of up to {@link MERGED_CHUNK_BYTES} instead of one chunk per row. Without compression
 * pg_dump writes every row it reads from `COPY` as a chunk of its own behind a 5-byte length word; those words
 * interrupt the rows every 100–700 bytes, which costs a stream compressor about 4 % in size, and pg_restore sends
 * every row to the server as a message of its own. Merged, the archive is what pg_dump itself writes with
 * larger chunks: the same header, table of contents and rows, readable by any pg_restore, so a backup still restores
 * without this tool.
 *
 * Only archives whose layout is known are rewritten (custom format, versions 1.12–1.14, as pg_dump 10–15 write them,
 * uncompressed); anything else passes through unchanged.
 */
export class ArchiveRechunker extends Transform {
  /** Bytes that arrived and were not parsed yet: at most one item of the header or table of contents, or a length word. */
  private pending: Buffer = Buffer.alloc(0);
  private state: 'header' | 'toc' | 'block' | 'blob' | 'chunks' | 'passthrough' = 'header';
  private intSize = 4;
  private header?: ArchiveHeader;
  private tocLeft = 0;
  /** In a block of large objects: after its chunks, the next large object (or the end of the block) follows. */
  private inBlobs = false;
  /** Bytes of the current source chunk still to come. */
  private payloadLeft = 0;
  /** The merged chunk being filled: its length word first, then up to {@link MERGED_CHUNK_BYTES} of data. */
  private out?: Buffer;
  private outBytes = 0;

  /** Whether the archive is being rewritten (false: its layout is unknown and it passes through unchanged). */
  public get rewriting(): boolean {
    return this.state !== 'passthrough';
  }

  public _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  public _flush(callback: TransformCallback): void {
    // Too short to be an archive, or not one this reader knows: passed on as it is, for the checks after it to refuse.
    if (this.state === 'passthrough' || this.state === 'header' || (this.state === 'block' && this.pending.length === 0)) {
      if (this.pending.length > 0) this.push(this.pending);
      callback();
      return;
    }
    callback(new ArchiveEndedEarlyError(this.state === 'toc' ? 'its table of contents' : 'a data block'));
  }

  private consume(chunk: Buffer): void {
    if (this.state === 'passthrough') {
      this.push(chunk);
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.state === 'chunks') {
        this.pending = this.pending.subarray(this.mergeChunks(this.pending));
        if (this.state === 'chunks') return;
        continue;
      }
      if (this.pending.length === 0) return;
      const reader = new ByteReader(this.pending, this.intSize);
      try {
        this.step(reader);
      } catch (error) {
        if (error instanceof NeedMore) return;
        throw error;
      }
      if (!this.rewriting) {
        this.push(this.pending.subarray(reader.pushed));
        this.pending = Buffer.alloc(0);
        return;
      }
      this.pending = this.pending.subarray(reader.offset);
    }
  }

  /**
   * The hot path: copies the data of source chunks from `input` into merged chunks until the run of chunks ends (a
   * zero length word) or the input does. Returns how many bytes of `input` it used; a length word that is not complete
   * yet is left unused.
   */
  private mergeChunks(input: Buffer): number {
    const word = 1 + this.intSize;
    let at = 0;
    while (at < input.length) {
      if (this.payloadLeft > 0) {
        this.out ??= Buffer.allocUnsafe(word + MERGED_CHUNK_BYTES);
        const take = Math.min(this.payloadLeft, input.length - at, MERGED_CHUNK_BYTES - this.outBytes);
        input.copy(this.out, word + this.outBytes, at, at + take);
        this.outBytes += take;
        this.payloadLeft -= take;
        at += take;
        if (this.outBytes === MERGED_CHUNK_BYTES) this.flushMerged();
        continue;
      }
      if (input.length - at < word) break;
      const length = readArchiveInt(input, at, this.intSize);
      at += word;
      if (length < 0) throw new RunnerError(`pg_dump's archive holds a data chunk of negative length ${length}`);
      if (length === 0) {
        this.flushMerged();
        this.push(encodeArchiveInt(0, this.intSize));
        this.state = this.inBlobs ? 'blob' : 'block';
        break;
      }
      this.payloadLeft = length;
    }
    return at;
  }

  /** Parses one item at the start of `reader` and moves on; throws {@link NeedMore} when the item is incomplete. */
  private step(reader: ByteReader): void {
    switch (this.state) {
      case 'header': {
        const header = readArchiveHeader(reader);
        if (header === undefined || header.compression !== 0) {
          this.state = 'passthrough';
          return;
        }
        this.header = header;
        this.intSize = header.intSize;
        this.tocLeft = header.tocEntries;
        this.push(reader.consumed());
        this.state = this.tocLeft > 0 ? 'toc' : 'block';
        return;
      }
      case 'toc': {
        // pg_dump knows the data offsets only when it wrote to a file it could seek back in; they would no longer hold
        // after a rewrite, so such an archive passes unchanged.
        const offsetKnown = readTocEntry(reader, this.header!).offsetKnown;
        this.push(reader.consumed());
        if (offsetKnown) {
          this.state = 'passthrough';
          return;
        }
        this.tocLeft -= 1;
        if (this.tocLeft === 0) this.state = 'block';
        return;
      }
      case 'block': {
        const type = reader.bytes(1)[0];
        reader.int();
        if (type !== BLK_DATA && type !== BLK_BLOBS) throw new RunnerError(`pg_dump's archive holds a data block of unknown type ${type}`);
        this.push(reader.consumed());
        this.inBlobs = type === BLK_BLOBS;
        this.state = this.inBlobs ? 'blob' : 'chunks';
        return;
      }
      case 'blob': {
        const oid = reader.int();
        this.push(reader.consumed());
        this.state = oid === 0 ? 'block' : 'chunks';
        return;
      }
      default:
        throw new Error(`unexpected state ${this.state}`);
    }
  }

  /** Hands on the merged chunk: its length word, then its bytes. */
  private flushMerged(): void {
    if (this.out === undefined || this.outBytes === 0) return;
    encodeArchiveInt(this.outBytes, this.intSize, this.out);
    this.push(this.out.subarray(0, 1 + this.intSize + this.outBytes));
    this.out = undefined;
    this.outBytes = 0;
  }
}
