import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** How many leading bytes a {@link DigestingStream} keeps, enough for the archive magic (`PGDMP`). */
const HEAD_BYTES = 16;

/**
 * A pass-through stream that computes the SHA-256 and the size of what flows through it, and keeps
 * its first bytes, so an object is proven while it streams and never read twice.
 */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private headBytes = Buffer.alloc(0);
  private digest?: string;

  /** @param observer sees every chunk as it passes (e.g. to read the archive's table of contents on the side). */
  constructor(private readonly observer?: (chunk: Buffer) => void) {
    super();
  }

  /** Bytes seen so far. */
  public get bytes(): number {
    return this.count;
  }

  /** The first bytes seen. */
  public get head(): Buffer {
    return this.headBytes;
  }

  /** The SHA-256 (lowercase hex), once the stream has ended. */
  public get sha256(): string {
    if (this.digest === undefined) throw new Error('the digest is read before the stream ended');
    return this.digest;
  }

  public _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    if (this.headBytes.length < HEAD_BYTES) this.headBytes = Buffer.concat([this.headBytes, chunk.subarray(0, HEAD_BYTES - this.headBytes.length)]);
    this.observer?.(chunk);
    callback(null, chunk);
  }

  public _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    callback();
  }
}
