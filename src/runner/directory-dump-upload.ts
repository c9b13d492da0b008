import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DIRECTORY_DUMP_FREED_MIB, type StreamCompression } from '../core';
import { encryptedName, storedForm, type AgeRecipients } from './age-encryption';
import type { BackupStore } from './backup-store';
import { ToolProcess } from './child-process';
import { DigestingStream } from './content-digest';
import { DiskFreeingPassThrough, FALLOCATE, HolePuncher } from './disk-freeing-pass-through';
import { GrowingFileReader } from './growing-file-reader';
import type { OperationAbort } from './operation-abort';
import { offeringAlternative } from './required-programs';
import { RunnerError, ScratchDiskError, errorMessage } from './runner-error';
import { ScratchDiskGuard } from './scratch-disk-guard';
import { localWriteFailureReason } from './scratch-write-failure';
import { compressedName, compressorArgv } from './stream-compression';

/** Milliseconds between two looks at the dump directory when nothing happens in it. */
const POLL_MS = 200;
/** Milliseconds until the second look at a file found closed once. */
const CONFIRM_MS = 10;
/** Milliseconds between two looks while pg_dump writes (to follow a new file, and to see a file closed soon after it is). */
const WRITING_MS = 25;
/**
 * The fewest milliseconds between two checks of the scratch disk: a check follows each write pg_dump makes in the
 * directory, and each read of the runner, at most this often.
 */
const CHECK_MS = 5;
/** Bytes read from a file at a time. */
const READ_BYTES = 1024 * 1024;
/** The table of contents: written once, first, and kept locally for `pg_restore --list` until the dump ends. */
const TOC_NAME = 'toc.dat';
/**
 * Whether pg_dump would compress this file of a directory-format dump itself: the data files (`<dumpId>.dat` of a
 * table, `blob_<oid>.dat` of a large object), which the runner compresses for an older pg_dump. The tables of contents
 * (`toc.dat`, and `blobs.toc` listing the large objects) stay as pg_dump writes them, as pg_dump 16 keeps them: pg_restore
 * reads them uncompressed, so `zstd -d dump/*.dat.zst` is all a restore without pg-backup needs.
 */
function isDataFile(file: string): boolean {
  return file !== TOC_NAME && file.endsWith('.dat');
}

/** Bytes read from a file before their blocks are freed on disk (one fallocate run each). */
const PUNCH_BYTES = DIRECTORY_DUMP_FREED_MIB * 1024 * 1024;

/** One file of a directory-format dump, stored. */
export interface UploadedDumpFile {
  /** File name as pg_dump wrote it. */
  readonly file: string;
  /** Object name below the dump's folder (with the compression suffix when the runner compressed it). */
  readonly name: string;
  /** Stored bytes. */
  readonly bytes: number;
  /** SHA-256 of the stored bytes. */
  readonly sha256: string;
  /** The first bytes, before encryption. */
  readonly head: Buffer;
  /** The program that compressed it, if the runner did. */
  readonly compression?: StreamCompression['method'];
  /** Whether it is stored as an age file. */
  readonly encryption?: 'age';
}

/** Where the uploads go and how. */
export interface DirectoryDumpUploadOptions {
  /** pg_dump's output directory. */
  readonly directory: string;
  /** Where the files go: a store, or every destination of the dump at once. */
  readonly store: Pick<BackupStore, 'putStream'>;
  /** The key of an object name below the dump's folder. */
  readonly keyOf: (name: string) => string;
  /** Compress each file with this program as it uploads (pg_dump before 16 wrote it uncompressed). */
  readonly compression?: StreamCompression;
  /**
   * Encrypt each file (after compression) to these age public keys.
   * @default - stored unencrypted
   */
  readonly encryption?: AgeRecipients;
  /**
   * Bytes pg_dump may have written that the runner has not read yet: above them pg_dump is paused (SIGSTOP) until the
   * runner has read half of them, so a store slower than pg_dump cannot fill the scratch disk.
   */
  readonly scratchBudgetBytes: number;
  /**
   * Milliseconds between two looks at the dump directory while pg_dump writes in it (to follow new files and see
   * closed ones; the scratch disk is checked on every write whatever this is).
   * @default 25
   */
  readonly lookIntervalMs?: number;
  /** Aborts every upload. */
  readonly abort: OperationAbort;
  /** Sees the digest stream of each upload, for progress. */
  readonly onDigest: (digest: DigestingStream) => void;
  /** Hears a problem that does not fail the dump (holes cannot be punched in the scratch disk). */
  readonly onWarning: (message: string) => void;
}

/** A file pg_dump writes, followed by its upload. */
interface FollowedFile {
  readonly reader: GrowingFileReader;
  /** Frees on disk what the reader has passed on. */
  readonly freeing: DiskFreeingPassThrough;
  /** Its size at the last look. */
  size: number;
  /** Looks in a row that found no pg_dump process holding it open. */
  closedLooks: number;
}

/**
 * Uploads the files of a directory-format dump while pg_dump writes them: each file is read from the moment it
 * appears, what was read is freed on disk (holes punched behind the reader) and the file is deleted once pg_dump has
 * closed it and all of it was read, so the scratch disk holds only what pg_dump wrote and the runner has not read yet,
 * whatever the size of a table. pg_dump (the leader and its `-j` workers) is paused while the store is slower than it
 * by more than the budget, and while the scratch disk has less free space than pg_dump may write before the next check
 * ({@link ScratchDiskGuard}); the disk is checked on each write pg_dump makes there, synchronously, so that neither a
 * timer nor the file system calls queued behind the uploads delay the pause. That pg_dump has closed a file is read
 * from /proc, which is what a Linux task has (two looks in a row); without /proc, the files are read as they grow and
 * end when pg_dump exits.
 */
export class DirectoryDumpUpload {
  /** The most bytes the dump directory took on disk at any look or check. */
  public peakScratchBytes = 0;
  private readonly uploaded: UploadedDumpFile[] = [];
  /** Every file followed, by name (a file read whole and deleted stays, so that a look never follows it again). */
  private readonly files = new Map<string, FollowedFile>();
  /** The files not yet read whole and deleted. */
  private readonly onDisk = new Set<FollowedFile>();
  /** Bytes of the files read whole and deleted. */
  private deletedBytes = 0;
  private readonly uploads: Promise<void>[] = [];
  private readonly puncher: HolePuncher;
  private readonly guard: ScratchDiskGuard;
  private readonly punchBytes: number;
  /** Free bytes of the scratch disk when the dump began. */
  private readonly freeAtStart: number;
  private failure?: unknown;
  private timer?: NodeJS.Timeout;
  private watcher?: fs.FSWatcher;
  private looking = false;
  /** A look is due within WRITING_MS. */
  private soon = false;
  private stopped = false;
  private pausedPids: number[] = [];
  private lastLook = 0;
  private lastCheck = 0;
  /** A check is due on a timer. */
  private checkDue = false;
  private pgDumpPid?: number;

  constructor(private readonly options: DirectoryDumpUploadOptions) {
    this.puncher = new HolePuncher((reason) => options.onWarning(
      `the scratch disk cannot free what was uploaded of a file pg_dump is still writing (${FALLOCATE} --punch-hole: ${reason}); ` +
      'each file now stays on it whole until pg_dump has closed it and it is read'));
    this.punchBytes = Math.min(PUNCH_BYTES, Math.max(64 * 1024, Math.floor(options.scratchBudgetBytes / 4)));
    // Before any check has measured it, what pg_dump writes between two checks is taken to be what a file may hold read
    // and not yet freed.
    this.guard = new ScratchDiskGuard({ budgetBytes: options.scratchBudgetBytes, floorMarginBytes: this.punchBytes });
    this.freeAtStart = freeBytes(options.directory) ?? 0;
  }

  /**
   * The failure to report for pg_dump's: a write the scratch disk refused is the disk's failure, named with what it had
   * free and what pg_dump wrote between two checks of the runner; any other failure as it is.
   */
  public explainFailure(error: unknown): unknown {
    const message = errorMessage(error);
    const reason = localWriteFailureReason(message);
    if (reason === undefined) return error;
    const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
    return new ScratchDiskError(`pg_dump could not write the directory-format dump into the scratch directory ${this.options.directory}: ${reason}; `
      + `the scratch disk had ${mib(this.freeAtStart)} free when the dump began, and pg_dump wrote up to ${mib(this.guard.largestStrideBytes)} `
      + 'between two checks of the runner (which pauses it before the disk is full): give --scratch-dir (env PG_BACKUP_SCRATCH_DIR) a larger disk '
      + `(pg_dump said: ${message})`, { cause: error });
  }

  /**
   * Starts following the files of the pg_dump with this process id in the (empty, existing) dump directory: a look
   * on a timer, and soon after a file appears or grows.
   */
  public start(pgDumpPid: number | undefined): void {
    this.pgDumpPid = pgDumpPid;
    const look = async () => {
      if (this.looking || this.stopped) return;
      this.looking = true;
      this.soon = false;
      clearTimeout(this.timer);
      let confirm = false;
      try {
        confirm = await this.look(pgDumpPid === undefined ? undefined : openFilesOf(pgDumpPid));
      } catch (error) {
        this.fail(error);
      }
      this.looking = false;
      if (!this.stopped) this.timer = setTimeout(() => void look(), confirm ? CONFIRM_MS : POLL_MS);
    };
    const writingMs = this.options.lookIntervalMs ?? WRITING_MS;
    this.watcher = fs.watch(this.options.directory, (event) => {
      this.requestCheck();
      const since = Date.now() - this.lastLook;
      if (event === 'rename' || since >= writingMs) {
        void look();
      } else if (!this.looking && !this.stopped && !this.soon) {
        // A write soon after a look: the next look comes writingMs after that one, not at the idle pace.
        this.soon = true;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void look(), writingMs - since);
      }
    });
    this.options.abort.signal.addEventListener('abort', () => {
      this.resume();
      for (const file of this.files.values()) file.reader.destroy(this.options.abort.signal.reason as Error);
    }, { once: true });
    this.watcher.on('error', () => undefined);
    this.timer = setTimeout(() => void look(), POLL_MS);
  }

  /**
   * pg_dump has exited with 0: reads every file to its end, uploads toc.dat last (so a store never holds a table of
   * contents without its data) and returns them all.
   */
  public async finish(): Promise<UploadedDumpFile[]> {
    this.stop();
    await this.look(new Set(), true);
    await Promise.all(this.uploads);
    if (this.failure) throw this.failure;
    const names = fs.readdirSync(this.options.directory);
    if (!names.includes(TOC_NAME)) throw new RunnerError(`the directory-format dump has no ${TOC_NAME} (files: ${names.join(', ') || 'none'})`);
    await this.upload(TOC_NAME, fs.createReadStream(path.join(this.options.directory, TOC_NAME)));
    if (this.failure) throw this.failure;
    return this.uploaded.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stops looking (the dump failed, or pg_dump has exited); uploads in flight end with the abort. */
  public stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.resume();
  }

  /** Lets a paused pg_dump go on. */
  private resume(): void {
    for (const pid of this.pausedPids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // It has exited.
      }
    }
    this.pausedPids = [];
  }

  /** Pauses pg_dump and its workers. */
  private pause(): void {
    if (this.pgDumpPid === undefined) return;
    this.pausedPids = processTree(this.pgDumpPid);
    for (const pid of this.pausedPids) {
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {
        // It has exited.
      }
    }
  }

  /** Checks the scratch disk now, or as soon as CHECK_MS have passed since the last check. */
  private requestCheck(): void {
    if (this.stopped || this.checkDue) return;
    const wait = CHECK_MS - (Date.now() - this.lastCheck);
    if (wait <= 0) {
      this.check();
      return;
    }
    this.checkDue = true;
    setTimeout(() => {
      this.checkDue = false;
      this.check();
    }, wait);
  }

  /**
   * Measures what pg_dump has written, what the runner has not read, and the disk's free space, and pauses pg_dump or
   * lets it go on as the guard decides. Synchronous calls on purpose: a handful of files on a local disk take
   * microseconds, where the promise forms would wait behind the reads and writes of the uploads in libuv's pool.
   */
  private check(): void {
    if (this.stopped) return;
    this.lastCheck = Date.now();
    const directory = this.options.directory;
    let names: string[];
    try {
      names = fs.readdirSync(directory);
    } catch {
      return;
    }
    let heldBytes = 0;
    let writtenBytes = this.deletedBytes;
    let unreadBytes = 0;
    for (const name of names) {
      const stat = fs.statSync(path.join(directory, name), { throwIfNoEntry: false });
      if (stat === undefined) continue;
      heldBytes += stat.blocks * 512;
      const file = this.files.get(name);
      if (file) {
        file.size = Math.max(file.size, stat.size);
      } else {
        // Not followed yet (the look that follows it comes later), or toc.dat, which is read once pg_dump has exited.
        writtenBytes += stat.size;
        if (name !== TOC_NAME) unreadBytes += stat.size;
      }
    }
    this.peakScratchBytes = Math.max(this.peakScratchBytes, heldBytes);
    const paused = this.pausedPids.length > 0;
    let drained = true;
    for (const file of this.onDisk) {
      const read = file.reader.bytesRead;
      const size = Math.max(file.size, read);
      writtenBytes += size;
      unreadBytes += size - read;
      // While pg_dump is paused, what was read is freed at once, not when enough of it has gathered.
      if (paused && size === read) file.freeing.freePassed();
      if (size > read || file.freeing.passedBytes < read || !file.freeing.settled) drained = false;
    }
    const free = freeBytes(directory);
    if (this.pgDumpPid === undefined || free === undefined) return;
    const pause = this.guard.pauses({ writtenBytes, unreadBytes, freeBytes: free, drained }, paused);
    if (pause && !paused) this.pause();
    else if (!pause && paused) this.resume();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop();
    this.options.abort.fail(error);
  }

  /**
   * Follows every new file, tells each reader what changed, and whether pg_dump has closed its file (found closed on
   * two looks in a row, or `final`); returns whether some file was found closed for the first time.
   */
  private async look(openFiles: Set<string> | undefined, final = false): Promise<boolean> {
    const directory = this.options.directory;
    let names: string[];
    try {
      names = await fs.promises.readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    let diskBytes = 0;
    let closedFirst = false;
    for (const name of names) {
      const stat = await fs.promises.stat(path.join(directory, name)).catch(() => undefined);
      // Deleted between the listing and the look: read to its end already.
      if (stat === undefined) continue;
      diskBytes += stat.blocks * 512;
      if (name === TOC_NAME) continue;
      const file = this.files.get(name) ?? this.follow(name);
      file.size = Math.max(file.size, stat.size);
      const closed = final || (openFiles !== undefined && !openFiles.has(path.join(directory, name)));
      file.closedLooks = closed ? file.closedLooks + 1 : 0;
      if (final || file.closedLooks >= 2) file.reader.finish();
      else if (file.closedLooks === 1) closedFirst = true;
    }
    this.peakScratchBytes = Math.max(this.peakScratchBytes, diskBytes);
    this.lastLook = Date.now();
    if (!final) this.check();
    return closedFirst;
  }

  /** Starts reading and uploading a file pg_dump has just created. */
  private follow(name: string): FollowedFile {
    const file = path.join(this.options.directory, name);
    const reader = new GrowingFileReader(file, READ_BYTES);
    const freeing = new DiskFreeingPassThrough(file, {
      punchBytes: this.punchBytes,
      puncher: this.puncher,
      // Each hole may be the free space that lets pg_dump go on.
      onFreed: () => this.requestCheck(),
    });
    const followed: FollowedFile = { reader, freeing, size: 0, closedLooks: 0 };
    this.files.set(name, followed);
    this.onDisk.add(followed);
    // Read whole and deleted: only its size still counts, in what pg_dump has written.
    freeing.once('finish', () => {
      this.deletedBytes += Math.max(followed.size, reader.bytesRead);
      this.onDisk.delete(followed);
    });
    reader.once('error', (error) => freeing.destroy(error));
    const body = reader.pipe(freeing);
    // Each read may be what brings the backlog under the budget again.
    reader.on('data', () => this.requestCheck());
    if (this.options.abort.signal.aborted) reader.destroy(this.options.abort.signal.reason as Error);
    this.uploads.push(this.upload(name, body).catch((error: unknown) => this.fail(error)));
    return followed;
  }

  private async upload(file: string, source: Readable): Promise<void> {
    const { abort, compression, encryption } = this.options;
    const digest = new DigestingStream();
    this.options.onDigest(digest);
    const method = compression && isDataFile(file) ? compression.method : undefined;
    const read = finished(source);
    let body: Readable;
    let done: Promise<unknown>;
    if (method) {
      const compressor = new ToolProcess(method, compressorArgv(compression!), { pipeStdin: true, captureStdout: true, signal: abort.signal });
      // The compressor's exit status tells why it stopped reading; a closed pipe is not the news.
      compressor.stdin!.on('error', () => undefined);
      source.pipe(compressor.stdin!);
      body = compressor.stdout!;
      done = Promise.all([read, compressor.exited.catch((error: unknown) => {
        throw offeringAlternative(error, 'choose --compress gzip:6');
      })]);
    } else {
      body = source;
      done = read;
    }
    body.pipe(digest, { end: false });
    const ended = done.then(() => digest.end());
    // The failure reaches the operator through the step's promise; the store may not be reading the stream yet (it fails
    // before its first request), and an error event nobody listens to would end the process without a result line.
    digest.on('error', () => undefined);
    ended.catch((error: unknown) => digest.destroy(error as Error));
    const compressed = method ? compressedName(file, method) : file;
    const name = encryption ? encryptedName(compressed) : compressed;
    let stored = digest;
    // Several files at once, one part in flight each, keeps memory at a part or two a file pg_dump writes.
    const storing = storedForm(digest, encryption).then((form) => {
      stored = form.stored ?? digest;
      return this.options.store.putStream(this.options.keyOf(name), form.body, { signal: abort.signal, concurrency: 1 });
    });
    await abort.all([ended, storing] as const);
    this.uploaded.push({
      file,
      name,
      bytes: stored.bytes,
      sha256: stored.sha256,
      head: digest.head,
      ...(method ? { compression: method } : {}),
      ...(encryption ? { encryption: 'age' as const } : {}),
    });
  }
}

/** Free bytes of the file system holding `directory` (for an unprivileged process); `undefined` when it cannot be read. */
function freeBytes(directory: string): number | undefined {
  try {
    const stats = fs.statfsSync(directory);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/** A process and its descendants (pg_dump's `-j` workers are its children). */
function processTree(pid: number): number[] {
  const pids: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    pids.push(current);
    try {
      for (const child of fs.readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim().split(/\s+/)) {
        if (child) pending.push(Number(child));
      }
    } catch {
      // The process has exited, or there is no /proc.
    }
  }
  return pids;
}

/** Paths held open by a process and its descendants; `undefined` without /proc. */
function openFilesOf(pid: number): Set<string> | undefined {
  if (!fs.existsSync('/proc/self/fd')) return undefined;
  const open = new Set<string>();
  for (const current of processTree(pid)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${current}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        open.add(fs.readlinkSync(`/proc/${current}/fd/${fd}`));
      } catch {
        // Closed between the listing and the look.
      }
    }
  }
  return open;
}
