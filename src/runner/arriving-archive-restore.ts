import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { pgRestoreArgv } from '../core';
import type { FollowedToc } from './archive-follower';
import { ToolProcess } from './child-process';
import { SECTION_DATA, SECTION_NONE, SECTION_PRE_DATA, type ArchiveTocItem } from './custom-archive-format';
import type { DatabaseConnection } from './database-connection';
import { RunnerError } from './runner-error';

/** A pg_restore run for data takes arrived blocks up to this many bytes (at least one), so small tables share a run. */
const BATCH_BYTES = 32 * 1024 * 1024;

/** Everything a restore of an archive that is still arriving needs. */
export interface ArrivingRestoreOptions {
  /** The pg_restore program. */
  readonly pgRestore: string;
  /** The custom-format archive being written. */
  readonly archivePath: string;
  /** Its table of contents (arrived whole). */
  readonly toc: FollowedToc;
  /** The database to restore into. */
  readonly connection: DatabaseConnection;
  /** Parallel pg_restore runs for the data, and `--jobs` of the final run. */
  readonly jobs: number;
  /** `--no-owner`. */
  readonly noOwner: boolean;
  /** `--no-acl`. */
  readonly noAcl: boolean;
  /** Where the `--use-list` files are written. */
  readonly listDirectory: string;
  /** The log. */
  readonly logger: Logger;
  /** Stops every pg_restore. */
  readonly signal: AbortSignal;
  /**
   * Told the data entries of each pg_restore run once it has loaded them (a check of those tables can start while
   * others still load).
   * @default - nobody is told
   */
  readonly onDataLoaded?: (entries: readonly ArchiveTocItem[]) => void;
}

/** A data entry whose block has arrived, in the order of the archive. */
interface ArrivedEntry {
  readonly entry: ArchiveTocItem;
  readonly bytes: number;
  readonly order: number;
}

/**
 * Restores a custom-format archive with pg_restore while it is still being downloaded, which pg_restore alone cannot
 * do (`-j` needs the whole file). The archive's entries are restored in pg_restore's own three steps, each by
 * pg_restore with `--use-list`: the pre-data entries (tables, types, functions…) as soon as the table of contents has
 * arrived; each table's data as soon as its block has arrived whole, by up to `jobs` pg_restore runs at a time (the
 * largest arrived block first); and, once every block is loaded, the rest (indexes, constraints, sequence values,
 * privileges…) with `pg_restore --jobs`. Entries of section NONE (ENCODING, ACL, COMMENT…) belong to the section
 * before them, as pg_restore itself counts them. A data entry whose block never arrives is left to the last run, where
 * pg_restore fails on it as it would on the whole file.
 */
export class ArrivingArchiveRestore {
  private readonly dataEntries = new Map<number, ArchiveTocItem>();
  private readonly preData: ArchiveTocItem[] = [];
  private readonly arrived: ArrivedEntry[] = [];
  private readonly restored = new Set<number>();
  private ended = false;
  private waiting: Array<() => void> = [];
  private arrivals = 0;
  private lists = 0;
  private tables = 0;

  constructor(private readonly options: ArrivingRestoreOptions) {
    let section = SECTION_PRE_DATA;
    for (const entry of options.toc.entries) {
      if (entry.section !== SECTION_NONE) section = entry.section;
      if (section === SECTION_PRE_DATA) this.preData.push(entry);
      else if (section === SECTION_DATA && entry.hasData) this.dataEntries.set(entry.dumpId, entry);
    }
  }

  /** Tables whose data pg_restore has started loading. */
  public get tablesStarted(): number {
    return this.tables;
  }

  /** The data block of `dumpId` has arrived whole (`bytes` long). */
  public blockArrived(dumpId: number, bytes: number): void {
    const entry = this.dataEntries.get(dumpId);
    if (entry === undefined || this.restored.has(dumpId) || this.arrived.some((arrived) => arrived.entry.dumpId === dumpId)) return;
    this.arrived.push({ entry, bytes, order: this.arrivals++ });
    this.wakeAll();
  }

  /** No more blocks will arrive. */
  public archiveEnded(): void {
    this.ended = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Runs the restore to its end; rejects with pg_restore's first failure (the other runs are stopped). */
  public async run(): Promise<void> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    this.options.signal.addEventListener('abort', onAbort, { once: true });
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
      failure ??= { error };
      stop.abort();
      this.archiveEnded();
    };
    try {
      await this.restore(this.preData, 1, stop.signal);
      const worker = async () => {
        for (let batch = await this.nextBatch(stop.signal); batch.length > 0; batch = await this.nextBatch(stop.signal)) {
          await this.restore(batch, 1, stop.signal);
          this.options.onDataLoaded?.(batch);
        }
      };
      await Promise.all(Array.from({ length: this.options.jobs }, () => worker().catch(fail)));
      if (failure) throw failure.error;
      const preData = new Set(this.preData.map((entry) => entry.dumpId));
      const rest = this.options.toc.entries.filter((entry) => !preData.has(entry.dumpId) && !this.restored.has(entry.dumpId));
      await this.restore(rest, this.options.jobs, stop.signal);
    } catch (error) {
      fail(error);
      throw failure!.error;
    } finally {
      this.options.signal.removeEventListener('abort', onAbort);
    }
  }

  /** The next arrived blocks to load (largest first, up to {@link BATCH_BYTES}); none once every arrived block is taken and the archive ended. */
  private async nextBatch(signal: AbortSignal): Promise<ArchiveTocItem[]> {
    for (;;) {
      if (this.arrived.length > 0) {
        this.arrived.sort((a, b) => b.bytes - a.bytes);
        const batch = [this.arrived.shift()!];
        let bytes = batch[0].bytes;
        for (let i = 0; i < this.arrived.length;) {
          if (bytes + this.arrived[i].bytes > BATCH_BYTES) {
            i++;
            continue;
          }
          bytes += this.arrived[i].bytes;
          batch.push(...this.arrived.splice(i, 1));
        }
        // In the archive's order, so pg_restore reads the file forward.
        batch.sort((a, b) => a.order - b.order);
        for (const { entry } of batch) this.restored.add(entry.dumpId);
        return batch.map(({ entry }) => entry);
      }
      if (this.ended || signal.aborted) return [];
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Restores `entries` with one pg_restore run. */
  private async restore(entries: readonly ArchiveTocItem[], jobs: number, signal: AbortSignal): Promise<void> {
    if (entries.length === 0) return;
    if (signal.aborted) throw new RunnerError('the restore was stopped');
    const list = path.join(this.options.listDirectory, `entries-${this.lists++}.list`);
    await fs.promises.writeFile(list, entries.map((entry) => `${entry.dumpId}; ${entry.desc} ${entry.namespace} ${entry.tag}\n`).join(''));
    try {
      const restore = new ToolProcess(this.options.pgRestore, pgRestoreArgv({
        archive: this.options.archivePath,
        dbname: this.options.connection.dbname,
        jobs,
        useList: list,
        noOwner: this.options.noOwner,
        noAcl: this.options.noAcl,
        exitOnError: true,
        verbose: true,
      }), {
        env: this.options.connection.childEnv(),
        signal,
        onStderrLine: (line) => {
          this.options.logger.debug({ tool: 'pg_restore', line }, line);
          if (/processing data for table/.test(line)) this.tables += 1;
        },
      });
      await restore.exited;
    } finally {
      await fs.promises.rm(list, { force: true });
    }
  }
}
