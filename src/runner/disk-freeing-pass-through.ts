import * as fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { ToolProcess } from './child-process';

/** The file system's block: holes are punched in whole blocks, so nothing beyond what was read is touched. */
const BLOCK_BYTES = 4096;

/** util-linux's program that punches holes in a file (`fallocate --punch-hole`). */
export const FALLOCATE = 'fallocate';

/** How the bytes of a file are freed once they went through. */
export interface DiskFreeingOptions {
  /**
   * Frees the disk blocks of what went through once this many bytes went through since the last hole, so the file
   * takes on disk only what has not been read yet (and less than this).
   */
  readonly punchBytes: number;
  /** Punches the holes; shared by the files of one dump. */
  readonly puncher: HolePuncher;
  /**
   * Hears that a hole was punched (disk space came free).
   * @default - nobody
   */
  readonly onFreed?: () => void;
}

/**
 * The bytes of a file, read from its start while another process may still write it, passed on unchanged: what went
 * through is freed on disk (holes punched behind it, the file keeps its size) since it is in the stream now, and the
 * file is deleted once the stream ends. The disk then holds only what the writer wrote and nothing read yet.
 */
export class DiskFreeingPassThrough extends Transform {
  /** Bytes from the start of the file whose blocks are freed on disk. */
  public freedBytes = 0;
  private passed = 0;
  private punched = 0;
  private punching: Promise<void> = Promise.resolve();
  /** Holes asked for and not punched yet. */
  private pendingPunches = 0;

  constructor(private readonly file: string, private readonly options: DiskFreeingOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.passed += chunk.length;
    this.punchBehind();
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.punching.then(() => fs.promises.rm(this.file, { force: true })).then(() => callback(), callback);
  }

  /** Bytes that went through so far. */
  public get passedBytes(): number {
    return this.passed;
  }

  /**
   * Whether all that went through is freed on disk (but the last partial block), or cannot be: nothing more comes free
   * until more goes through.
   */
  public get settled(): boolean {
    return this.pendingPunches === 0 && (!this.options.puncher.available || this.punched === this.wholeBlocksPassed());
  }

  /** Frees all whole blocks that went through, however few: the writer is paused and the disk needs them now. */
  public freePassed(): void {
    // Once the stream ends the file is deleted after the holes already asked for: it frees itself.
    if (this.writableEnded) return;
    this.punchBehind(BLOCK_BYTES);
  }

  private wholeBlocksPassed(): number {
    return Math.floor(this.passed / BLOCK_BYTES) * BLOCK_BYTES;
  }

  /** Frees the blocks passed since the last hole, once there are enough of them to be worth a program run. */
  private punchBehind(leastBytes = this.options.punchBytes): void {
    const end = this.wholeBlocksPassed();
    const { puncher, onFreed } = this.options;
    if (!puncher.available || end - this.punched < leastBytes) return;
    const start = this.punched;
    this.punched = end;
    this.pendingPunches += 1;
    this.punching = this.punching.then(async () => {
      if (await puncher.punch(this.file, start, end - start)) this.freedBytes = end;
      this.pendingPunches -= 1;
      onFreed?.();
    });
  }
}

/**
 * Frees byte ranges of files on disk with util-linux's `fallocate --punch-hole` (Node has no call for it): the file
 * keeps its size and reads zeros there. Where it cannot (a file system without holes, no fallocate), it says so once
 * and stops trying: what was read then stays on disk until the file is deleted.
 */
export class HolePuncher {
  /** Whether holes are still being punched. */
  public available = true;

  /** @param onUnavailable hears once, with the reason, that holes cannot be punched here */
  constructor(private readonly onUnavailable: (reason: string) => void) {}

  /** Frees `length` bytes of `file` from `offset` (whole blocks of what was read); returns whether it did. */
  public async punch(file: string, offset: number, length: number): Promise<boolean> {
    if (!this.available) return false;
    try {
      await new ToolProcess(FALLOCATE, ['--punch-hole', '--offset', String(offset), '--length', String(length), file]).exited;
      return true;
    } catch (error) {
      if (this.available) {
        this.available = false;
        this.onUnavailable((error as Error).message);
      }
      return false;
    }
  }
}
