import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { StreamCompression } from '../core';
import { encryptedName, storedForm, type AgeRecipients } from './age-encryption';
import { explainMissingProgram } from './archive-pipe';
import type { BackupStore } from './backup-store';
import { ToolProcess } from './child-process';
import { DigestingStream } from './content-digest';
import type { OperationAbort } from './operation-abort';
import { RunnerError } from './runner-error';
import { compressedName, compressorArgv } from './stream-compression';

/** Milliseconds between two looks at the dump directory when nothing happens in it. */
const POLL_MS = 200;
/** Milliseconds until the second look at a file found closed once. */
const CONFIRM_MS = 10;
/** The table of contents: written once, early, and kept locally for `pg_restore --list` until the dump ends. */
const TOC_NAME = 'toc.dat';

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
  /** Files uploaded at the same time. */
  readonly parallelFiles: number;
  /** Compress each file with this program as it uploads (pg_dump before 16 wrote it uncompressed). */
  readonly compression?: StreamCompression;
  /**
   * Encrypt each file (after compression) to these age public keys.
   * @default - stored unencrypted
   */
  readonly encryption?: AgeRecipients;
  /**
   * Bytes the dump directory may hold before pg_dump is paused (SIGSTOP) until the files it has finished
   * are stored; pg_dump is never paused while only the files it is still writing are there.
   */
  readonly scratchBudgetBytes: number;
  /** Aborts every upload. */
  readonly abort: OperationAbort;
  /** Sees the digest stream of each upload, for progress. */
  readonly onDigest: (digest: DigestingStream) => void;
}

/**
 * Uploads the files of a directory-format dump while pg_dump is still writing it: a file goes as soon as
 * no pg_dump process (the leader or a `-j` worker) holds it open any more, and is deleted locally once
 * stored, so the scratch disk holds only the files being written and those in flight, not the dump.
 * Open files are read from /proc, which is what a Linux task has; a file is taken only after two looks
 * in a row found it closed, so a file pg_dump has just created and not yet opened is never taken.
 */
export class DirectoryDumpUpload {
  /** The most bytes the dump directory held at any look. */
  public peakScratchBytes = 0;
  private readonly uploaded: UploadedDumpFile[] = [];
  private readonly started = new Set<string>();
  private readonly closedOnce = new Set<string>();
  private readonly queue: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure?: unknown;
  private timer?: NodeJS.Timeout;
  private watcher?: fs.FSWatcher;
  private looking = false;
  private stopped = false;
  private pausedPids: number[] = [];
  private pendingBytes = 0;
  private lastLook = 0;
  private pgDumpPid?: number;

  constructor(private readonly options: DirectoryDumpUploadOptions) {}

  /**
   * Starts looking for finished files of the pg_dump with this process id, in the (empty, existing) dump
   * directory: on a timer, and at once when a file appears, since a pg_dump process starts a new file
   * only after closing its previous one.
   */
  public start(pgDumpPid: number | undefined): void {
    this.pgDumpPid = pgDumpPid;
    const look = async () => {
      if (this.looking || this.stopped) return;
      this.looking = true;
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
    // Writes are seen too (at most every CONFIRM_MS), so the budget is checked while a file grows.
    this.watcher = fs.watch(this.options.directory, (event) => {
      if (event === 'rename' || Date.now() - this.lastLook >= CONFIRM_MS) void look();
    });
    this.options.abort.signal.addEventListener('abort', () => this.resume(), { once: true });
    this.watcher.on('error', () => undefined);
    this.timer = setTimeout(() => void look(), POLL_MS);
  }

  /**
   * pg_dump has exited with 0: uploads every file still there (toc.dat last, so a store never holds a
   * table of contents without its data) and returns them all.
   */
  public async finish(): Promise<UploadedDumpFile[]> {
    this.stop();
    await this.look(new Set(), true);
    await this.drain();
    const names = fs.readdirSync(this.options.directory);
    if (!names.includes(TOC_NAME)) throw new RunnerError(`the directory-format dump has no ${TOC_NAME} (files: ${names.join(', ') || 'none'})`);
    await this.upload(TOC_NAME);
    if (this.failure) throw this.failure;
    return this.uploaded.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stops looking (the dump failed); uploads in flight end with the abort. */
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

  /** Pauses pg_dump and its workers while the directory is over budget and finished files wait to be stored. */
  private throttle(pgDumpPid: number | undefined, directoryBytes: number): void {
    const over = directoryBytes > this.options.scratchBudgetBytes && this.pendingBytes > 0;
    if (over && this.pausedPids.length === 0 && pgDumpPid !== undefined && !this.stopped) {
      this.pausedPids = processTree(pgDumpPid);
      for (const pid of this.pausedPids) {
        try {
          process.kill(pid, 'SIGSTOP');
        } catch {
          // It has exited.
        }
      }
    } else if (!over && this.pausedPids.length > 0) {
      this.resume();
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop();
    this.options.abort.fail(error);
  }

  /** Queues the files found closed twice in a row; returns whether some file was found closed for the first time. */
  private async look(openFiles: Set<string> | undefined, final = false): Promise<boolean> {
    const directory = this.options.directory;
    let names: string[];
    try {
      names = await fs.promises.readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    let bytes = 0;
    let closedFirst = false;
    for (const name of names) {
      const size = await fs.promises.stat(path.join(directory, name)).then((stat) => stat.size, () => 0);
      bytes += size;
      if (name === TOC_NAME || this.started.has(name)) continue;
      // Without /proc (not Linux) nothing is known to be closed before pg_dump exits: the dump is then staged whole.
      const closed = openFiles !== undefined && !openFiles.has(path.join(directory, name));
      if (final || (closed && this.closedOnce.has(name))) {
        this.started.add(name);
        this.queue.push(name);
        this.pendingBytes += size;
      } else if (closed) {
        this.closedOnce.add(name);
        closedFirst = true;
      } else {
        this.closedOnce.delete(name);
      }
    }
    this.peakScratchBytes = Math.max(this.peakScratchBytes, bytes);
    this.lastLook = Date.now();
    this.pump();
    if (!final) this.throttle(this.pgDumpPid, bytes);
    return closedFirst;
  }

  private pump(): void {
    while (this.inFlight.size < this.options.parallelFiles && this.queue.length > 0 && !this.failure) {
      const name = this.queue.shift()!;
      const file = path.join(this.options.directory, name);
      const job: Promise<void> = this.upload(name).then(async () => {
        const size = (await fs.promises.stat(file)).size;
        await fs.promises.rm(file, { force: true });
        this.pendingBytes -= size;
        if (!this.stopped) this.throttle(this.pgDumpPid, this.peakScratchBytes > 0 ? directorySize(this.options.directory) : 0);
      }, (error: unknown) => this.fail(error)).finally(() => {
        this.inFlight.delete(job);
        this.pump();
      });
      this.inFlight.add(job);
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight.size > 0 || (this.queue.length > 0 && !this.failure)) {
      this.pump();
      await Promise.race(this.inFlight);
    }
  }

  private async upload(file: string): Promise<void> {
    const { abort, compression, encryption } = this.options;
    abort.throwIfFailed();
    const source = path.join(this.options.directory, file);
    const digest = new DigestingStream();
    this.options.onDigest(digest);
    // Data files are compressed by the program reading the file itself; the small TOC stays as pg_dump wrote it, as pg_dump 16 keeps it.
    const method = compression && file !== TOC_NAME ? compression.method : undefined;
    let body: Readable;
    let done: Promise<void>;
    if (method) {
      const compressor = new ToolProcess(method, [...compressorArgv(compression!), source], { captureStdout: true, signal: abort.signal });
      body = compressor.stdout!;
      done = compressor.exited.catch((error: unknown) => {
        throw explainMissingProgram(error, method, `install ${method}, or choose --compress gzip:6`);
      });
    } else {
      body = fs.createReadStream(source);
      done = new Promise((resolve, reject) => body.once('end', resolve).once('error', reject));
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
    // Several files at once, one part in flight each, keeps memory at `parallelFiles` parts.
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

/** Bytes in the files of a directory now. */
function directorySize(directory: string): number {
  let bytes = 0;
  for (const name of fs.readdirSync(directory)) {
    try {
      bytes += fs.statSync(path.join(directory, name)).size;
    } catch {
      // Deleted between the listing and the look.
    }
  }
  return bytes;
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
