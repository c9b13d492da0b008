import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupStore, PutBytesOptions, PutStreamOptions } from './backup-store';
import { RunnerError, errorMessage } from './runner-error';

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

  private existsError(key: string, error: unknown): unknown {
    if ((error as NodeJS.ErrnoException)?.code === 'EEXIST') {
      return new RunnerError(`${this.pathOf(key)} already exists; backup objects are never overwritten`, { cause: error });
    }
    return error;
  }

  public async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // `wx` refuses an existing file; `flush` makes the close wait for the data to reach the disk.
    const out = fs.createWriteStream(file, { flags: 'wx', flush: true });
    try {
      await pipeline(body, out, { signal: options.signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'EEXIST') await fs.promises.rm(file, { force: true });
      const exists = this.existsError(key, error);
      if (options.signal?.aborted || exists instanceof RunnerError) throw exists;
      throw new RunnerError(`writing ${file} failed (the partial file was removed): ${errorMessage(error)}`, { cause: error });
    }
  }

  public async putBytes(key: string, data: Buffer, options: PutBytesOptions = {}): Promise<void> {
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    if (!options.overwrite) {
      try {
        await fs.promises.writeFile(file, data, { flag: 'wx', flush: true });
      } catch (error) {
        throw this.existsError(key, error);
      }
      return;
    }
    // A reader must see the old pointer or the new one, never half of one: write aside, then rename.
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temporary, data, { flush: true });
    await fs.promises.rename(temporary, file);
  }

  public async getStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fs.promises.access(file, fs.constants.R_OK);
    } catch {
      throw new RunnerError(`${file} does not exist`);
    }
    return fs.createReadStream(file);
  }

  public async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
      throw error;
    }
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
        if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') continue;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          pending.push(full);
        } else if (!entry.name.endsWith('.tmp')) {
          const key = path.relative(this.root, full).split(path.sep).join('/');
          if (key.startsWith(prefix)) yield key;
        }
      }
    }
  }

  public close(): void {
    // Nothing is held open between calls.
  }
}
