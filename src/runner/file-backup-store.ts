import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteRefusedError, StoreConflictError, type BackupStore, type DeleteOutcome, type PutBytesOptions, type PutStreamOptions, type StagedFile, type VersionedBytes } from './backup-store';
import { RunnerError, errorMessage } from './runner-error';
import { StoreRefusedError, refusedMessage } from './store-unreachable';

/** Suffix of files being written; never listed, and never a backup object. */
const TEMPORARY_SUFFIX = '.tmp';
/** Suffix of the lock file held while a pointer is compared and replaced. */
const LOCK_SUFFIX = '.lock';
/**
 * A lock older than this was left by a run that died between taking and releasing it (the lock is
 * held for one small read and one small write), so it is broken.
 */
const STALE_LOCK_MS = 30_000;
/** Pause between attempts to take a lock another run holds. */
const LOCK_RETRY_MS = 20;

function versionOf(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

/** The codes of a file system that refused the runner's user (not a missing or full one). */
const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Backups in a local or mounted directory; keys are relative paths below it. */
export class FileBackupStore implements BackupStore {
  public readonly description: string;
  private readonly root: string;

  constructor(directory: string) {
    this.root = directory;
    this.description = `file://${directory}`;
  }

  private pathOf(key: string): string {
    const resolved = path.resolve(this.root, ...key.split('/'));
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) {
      throw new RunnerError(`the key ${JSON.stringify(key)} leaves ${this.root}`);
    }
    return resolved;
  }

  /**
   * `error` as the directory's refusal of `action` (`listing …`, `reading …`, `writing …`) when the file system refused
   * the runner's user; otherwise unchanged.
   */
  private refusal(action: string, error: unknown, suffix = ''): unknown {
    const code = codeOf(error);
    if (code === undefined || !PERMISSION_CODES.has(code)) return error;
    const why = code === 'EROFS'
      ? 'the file system is mounted read-only'
      : `the runner's user (uid ${process.getuid?.() ?? 'unknown'}) may not do this there: check the owner and mode of the directories`;
    return new StoreRefusedError(code, refusedMessage(`the directory ${this.description}`, action, { code, reason: `${why} (${errorMessage(error)})` }, suffix),
      { cause: error });
  }

  private existsError(key: string, error: unknown): unknown {
    if (codeOf(error) === 'EEXIST') {
      return new StoreConflictError(`${this.pathOf(key)} already exists; backup objects are never overwritten`, { cause: error });
    }
    return error;
  }

  public async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
      body.destroy();
      throw this.refusal(`writing ${file}`, error, ' (nothing was written)');
    });
    // `wx` refuses an existing file; `flush` makes the close wait for the data to reach the disk.
    const out = fs.createWriteStream(file, { flags: 'wx', flush: true });
    try {
      await pipeline(body, out, { signal: options.signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'EEXIST') await fs.promises.rm(file, { force: true });
      const exists = this.existsError(key, error);
      if (options.signal?.aborted || exists instanceof RunnerError) throw exists;
      const refused = this.refusal(`writing ${file}`, error, ' (nothing was written)');
      if (refused instanceof RunnerError) throw refused;
      throw new RunnerError(`writing ${file} failed (the partial file was removed): ${errorMessage(error)}`, { cause: error });
    }
  }

  public async stageFile(key: string): Promise<StagedFile> {
    const file = this.pathOf(key);
    return this.stage(key, file).catch((error: unknown) => {
      throw this.refusal(`writing ${file}`, error, ' (nothing was written)');
    });
  }

  private async stage(key: string, file: string): Promise<StagedFile> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Refused now rather than after the dump; the link at the commit refuses it again, atomically.
    if (await fs.promises.access(file).then(() => true, () => false)) {
      throw new StoreConflictError(`${file} already exists; backup objects are never overwritten`);
    }
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
    const handle = await fs.promises.open(temporary, 'wx');
    let open = true;
    const close = async () => {
      if (!open) return;
      open = false;
      await handle.close();
    };
    return {
      path: temporary,
      fd: handle.fd,
      commit: async () => {
        try {
          // The name appears only once the data is on the disk, and only if no object has it (link is create-only).
          await handle.sync();
          await close();
          await fs.promises.link(temporary, file);
        } catch (error) {
          const exists = this.existsError(key, error);
          if (exists instanceof RunnerError) throw exists;
          throw new RunnerError(`writing ${file} failed (the partial file was removed): ${errorMessage(error)}`, { cause: error });
        } finally {
          await close().catch(() => undefined);
          await fs.promises.rm(temporary, { force: true });
        }
      },
      discard: async () => {
        await close().catch(() => undefined);
        await fs.promises.rm(temporary, { force: true });
      },
    };
  }

  public async putBytes(key: string, data: Buffer, options: PutBytesOptions = {}): Promise<void> {
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
      throw this.refusal(`writing ${file}`, error, ' (nothing was written)');
    });
    // Written aside and flushed first, so a reader (and a full disk) never sees a torn object: the name
    // appears only through link (create-only, atomic, fails when the name exists) or rename (replace).
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
    try {
      await fs.promises.writeFile(temporary, data, { flag: 'wx', flush: true });
      if (options.replacing === undefined) {
        try {
          await fs.promises.link(temporary, file);
        } catch (error) {
          throw this.existsError(key, error);
        }
      } else {
        await this.withLock(file, async () => {
          const current = await fs.promises.readFile(file).catch((error: unknown) => {
            if (codeOf(error) === 'ENOENT') return undefined;
            throw error;
          });
          if (current === undefined || versionOf(current) !== options.replacing) {
            throw new StoreConflictError(`${file} changed since it was read`);
          }
          await fs.promises.rename(temporary, file);
        });
      }
    } catch (error) {
      const left = await fs.promises.rm(temporary, { force: true }).then(() => undefined, (rmError: unknown) =>
        `; the temporary file ${temporary} could not be removed (${errorMessage(rmError)})`);
      if (error instanceof RunnerError && left === undefined) throw error;
      const refused = this.refusal(`writing ${file}`, error, left ?? ' (nothing was written)');
      if (refused instanceof RunnerError) throw refused;
      throw new RunnerError(`writing ${file} failed (${left ? 'nothing was written under its name' : 'nothing was left'})${left ?? ''}: ${errorMessage(error)}`,
        { cause: error });
    }
    await fs.promises.rm(temporary, { force: true });
  }

  /**
   * Runs `critical` while holding `<file>.lock`, created exclusively: the compare and the replace of a
   * pointer are one step for every run using this directory (also over NFS, where O_EXCL holds).
   */
  private async withLock<T>(file: string, critical: () => Promise<T>): Promise<T> {
    const lock = `${file}${LOCK_SUFFIX}`;
    for (;;) {
      try {
        await fs.promises.writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
      const held = await fs.promises.stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await fs.promises.rm(lock, { force: true });
      } else {
        await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
      }
    }
    try {
      return await critical();
    } finally {
      await fs.promises.rm(lock, { force: true });
    }
  }

  public async getStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (error) {
      // A file the runner may not read is there: saying it does not exist would send the operator looking for a lost backup.
      if (codeOf(error) === 'ENOENT') throw new RunnerError(`${file} does not exist`);
      throw this.refusal(`reading ${file}`, error);
    }
    return fs.createReadStream(file);
  }

  public async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw this.refusal(`reading ${this.pathOf(key)}`, error);
    }
  }

  public async getVersioned(key: string): Promise<VersionedBytes | undefined> {
    const data = await this.getBytes(key);
    return data === undefined ? undefined : { data, version: versionOf(data) };
  }

  public async *list(prefix: string): AsyncIterable<string> {
    // Walk from the deepest directory the prefix names, then filter by the full prefix.
    const directoryPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = directoryPart ? this.pathOf(directoryPart) : this.root;
    const pending = [start];
    while (pending.length > 0) {
      const directory = pending.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(directory, { withFileTypes: true });
      } catch (error) {
        if (codeOf(error) === 'ENOENT') continue;
        throw this.refusal(`listing ${directory}`, error);
      }
      for (const entry of entries) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          pending.push(full);
        } else if (!entry.name.endsWith(TEMPORARY_SUFFIX) && !entry.name.endsWith(LOCK_SUFFIX)) {
          const key = path.relative(this.root, full).split(path.sep).join('/');
          if (key.startsWith(prefix)) yield key;
        }
      }
    }
  }

  public async setTags(): Promise<void> {
    // A directory keeps no tags: the manifest is the only record of a backup's classes there.
  }

  public async delete(key: string): Promise<DeleteOutcome> {
    const file = this.pathOf(key);
    try {
      await fs.promises.unlink(file);
    } catch (error) {
      const code = codeOf(error);
      if (code === 'ENOENT') return { dataRetained: false };
      if (code === 'EPERM' || code === 'EACCES' || code === 'EROFS') {
        throw new DeleteRefusedError(`${file} cannot be deleted: ${errorMessage(error)} (an immutable or read-only file)`, { cause: error });
      }
      throw new RunnerError(`deleting ${file} failed: ${errorMessage(error)}`, { cause: error });
    }
    // Empty folders left behind (a whole backup deleted) go too, up to the store's root; a folder still holding anything stays.
    for (let directory = path.dirname(file); directory.startsWith(this.root + path.sep); directory = path.dirname(directory)) {
      try {
        await fs.promises.rmdir(directory);
      } catch {
        break;
      }
    }
    return { dataRetained: false };
  }

  public close(): void {
    // Nothing is held open between calls.
  }
}
