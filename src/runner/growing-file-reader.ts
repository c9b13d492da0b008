import * as fs from 'node:fs';
import { Readable } from 'node:stream';

/** How long a reader of a growing file waits at the end of what is written before it looks again. */
const POLL_MS = 10;

/** The wait of a reader that has caught up with a file's writer: one poll interval, cut short by {@link wake}. */
export class FileGrowthWait {
  private wakeUp?: () => void;

  /** Waits until the next look is due, or until {@link wake}. */
  public next(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  /** Ends a wait now: the writer has finished, or the reader stops. */
  public wake(): void {
    this.wakeUp?.();
  }
}

/**
 * Reads a file from its start while another process is still writing it (a program writing a backup object in place):
 * at the end of what is written so far it waits for more, until {@link finish} says the writer has exited, and then
 * reads to the true end. The file is read in large blocks from the page cache, so following it costs little more than
 * the copy.
 */
export class GrowingFileReader extends Readable {
  private handle?: fs.promises.FileHandle;
  private position = 0;
  private finished = false;
  private readonly growth = new FileGrowthWait();
  private spare?: Buffer;

  /**
   * @param file the file being written
   * @param blockBytes the most bytes read at a time
   */
  constructor(private readonly file: string, private readonly blockBytes: number) {
    super({ highWaterMark: blockBytes });
  }

  /** Bytes read so far. */
  public get bytesRead(): number {
    return this.position;
  }

  /** The writer has exited: what the file holds now is all of it. */
  public finish(): void {
    this.finished = true;
    this.growth.wake();
  }

  public _construct(callback: (error?: Error | null) => void): void {
    fs.promises.open(this.file, 'r').then((handle) => {
      this.handle = handle;
      callback();
    }, callback);
  }

  public _read(): void {
    this.readBlock().catch((error: Error) => this.destroy(error));
  }

  private async readBlock(): Promise<void> {
    for (;;) {
      // Read before the read: a read that finds nothing after the writer exited is the end of the file.
      const finished = this.finished;
      const buffer = this.spare ?? Buffer.allocUnsafe(this.blockBytes);
      this.spare = undefined;
      const { bytesRead } = await this.handle!.read(buffer, 0, this.blockBytes, this.position);
      if (this.destroyed) return;
      if (bytesRead > 0) {
        this.position += bytesRead;
        // A short read (the reader caught up with the writer) is copied out, so a whole block is not held for a few bytes.
        const short = bytesRead < this.blockBytes / 2;
        if (short) this.spare = buffer;
        this.push(short ? Buffer.from(buffer.subarray(0, bytesRead)) : buffer.subarray(0, bytesRead));
        return;
      }
      this.spare = buffer;
      if (finished) {
        this.push(null);
        return;
      }
      await this.growth.next();
      if (this.destroyed) return;
    }
  }

  public _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.growth.wake();
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) {
      callback(error);
      return;
    }
    handle.close().then(() => callback(error), () => callback(error));
  }
}
