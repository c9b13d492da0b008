import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { pgRestoreArgv } from '../core';
import type { FollowedToc } from './archive-follower';
import { writeScratchFile } from './backup-download';
import { ToolProcess } from './child-process';
import { SECTION_NONE, SECTION_PRE_DATA, type ArchiveTocItem } from './custom-archive-format';
import type { DatabaseConnection } from './database-connection';
import { whenAborted } from './operation-abort';
import { RunnerError } from './runner-error';

/**
 * A pg_restore run takes ready entries up to this many bytes of table data (at least one entry), so small tables, and
 * the indexes and constraints of small tables, share a run while a large one gets a run of its own.
 */
const BATCH_BYTES = 32 * 1024 * 1024;

/**
 * Entries pg_restore itself restores only after all others (its ACL and post-ACL passes: privileges, event triggers
 * and their comments, materialized view data): they are left to the last run, as is everything that depends on them.
 */
const LAST_PASS = new Set(['ACL', 'ACL LANGUAGE', 'DEFAULT ACL', 'EVENT TRIGGER', 'MATERIALIZED VIEW DATA']);

function inLastPass(entry: ArchiveTocItem): boolean {
  return LAST_PASS.has(entry.desc) || (entry.desc === 'COMMENT' && entry.tag.startsWith('EVENT TRIGGER '));
}

/**
 * The data entries that stand for each table in a post-data entry's dependencies, as pg_restore repoints them: a table's
 * own `TABLE DATA` (which depends on its table first), and for a partitioned table the data of all its partitions
 * (found through the `TABLE ATTACH` entries, whose tag is the partition's name), so that a constraint on a partitioned
 * table, which PostgreSQL adds to every partition, waits for every partition's rows. A table without data is absent.
 */
function tableData(entries: readonly ArchiveTocItem[]): Map<number, number[]> {
  const own = new Map<number, number>();
  const byId = new Map(entries.map((entry) => [entry.dumpId, entry]));
  for (const entry of entries) {
    if (entry.desc === 'TABLE DATA' && entry.dependencies.length > 0) own.set(entry.dependencies[0], entry.dumpId);
  }
  const partitions = new Map<number, number[]>();
  for (const entry of entries) {
    if (entry.desc !== 'TABLE ATTACH') continue;
    const attached = entry.dependencies.map((id) => byId.get(id)).filter((table) => table?.desc === 'TABLE');
    const partition = attached.find((table) => table!.tag === entry.tag && table!.namespace === entry.namespace);
    const parent = attached.find((table) => table !== partition);
    if (partition && parent) partitions.set(parent.dumpId, [...partitions.get(parent.dumpId) ?? [], partition.dumpId]);
  }
  const data = new Map<number, number[]>();
  const collect = (table: number, seen: Set<number>): number[] => {
    if (seen.has(table)) return [];
    seen.add(table);
    const ids = [...own.has(table) ? [own.get(table)!] : [], ...(partitions.get(table) ?? []).flatMap((partition) => collect(partition, seen))];
    return ids;
  };
  for (const entry of entries) {
    if (entry.desc !== 'TABLE') continue;
    const ids = collect(entry.dumpId, new Set());
    if (ids.length > 0) data.set(entry.dumpId, ids);
  }
  return data;
}

/**
 * The argv of psql running a script from stdin into `dbname`: without the user's psqlrc, stopping at the first error,
 * and printing each statement's status (`COPY n`) with results unaligned and without headers.
 */
export function psqlScriptArgv(dbname: string): string[] {
  return ['--no-psqlrc', '--set=ON_ERROR_STOP=1', '--no-align', '--tuples-only', `--dbname=${dbname}`];
}

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
  /** pg_restore runs at a time after the pre-data, and `--jobs` of the last run. */
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
   * Told the entries of each pg_restore run after the pre-data once it has restored them (a check of a loaded table can
   * start while others still load).
   * @default - nobody is told
   */
  readonly onRestored?: (entries: readonly ArchiveTocItem[]) => void;
  /**
   * psql, to load table data with: a run of table data is then written as a script by pg_restore and run by psql, which
   * prints the server's `COPY n` for each table, and {@link onCopied} is told each table's rows before
   * {@link onRestored} is told the run. Without it, pg_restore loads every run itself.
   * @default - none
   */
  readonly psql?: string;
  /**
   * Told, for each table loaded through {@link psql}, the rows the server says its `COPY` inserted: the table's rows,
   * since it was created empty by this restore and nothing else writes to it.
   * @default - nobody is told
   */
  readonly onCopied?: (entry: ArchiveTocItem, rows: number) => void;
  /**
   * The blocks pg_restore writes a table's script in and psql reads it in (coreutils' `stdbuf`, which must be there),
   * instead of stdio's 4 KiB on a pipe: the rows then pass from one to the other in that many bytes a `write()` and a
   * `read()`, not one of each (and a wake-up of the other) every 4 KiB, on the client core that also decompresses the
   * download.
   * @default - stdio's own buffering
   */
  readonly scriptBlockBytes?: number;
  /**
   * Run once the pre-data entries are restored (the tables exist, empty), before any data is loaded.
   * @default - nothing
   */
  readonly afterPreData?: () => Promise<void>;
}

/** psql's report of a finished `COPY … FROM stdin`: the rows the server inserted. */
const COPY_TAG = /^COPY (\d+)$/;

/** An entry restored after the pre-data, and what scheduling it needs. */
interface ScheduledEntry {
  readonly entry: ArchiveTocItem;
  /** Its place in the archive: a run restores its entries in this order. */
  readonly order: number;
  /** The entries that must be restored first (a post-data entry's table stands for that table's data, as in pg_restore). */
  readonly dependencies: readonly number[];
  /**
   * The tables (by the dump id of their data, or of the table when it has none) it takes an exclusive lock on: every
   * table it depends on, except for `CREATE INDEX`, which lets other index builds on the same table run beside it.
   */
  readonly locks: readonly number[];
}

/**
 * Restores a custom-format archive with pg_restore while it is still being downloaded, which pg_restore alone cannot
 * do (`-j` needs the whole file), and schedules its entries as `pg_restore -j` does, each by a pg_restore run with
 * `--use-list`: the pre-data entries (tables, types, functions…) as soon as the table of contents has arrived; then, by
 * up to `jobs` runs at a time, largest first, each table's data as soon as its block has arrived whole and every other
 * entry (indexes, constraints, triggers, sequence values…) as soon as the entries it depends on are restored, where a
 * dependency on a table means on its data; so a table's indexes are built while other tables still load. Entries
 * that take an exclusive lock on the same table never run at the same time. Privileges, event triggers and materialized
 * view data (pg_restore's last passes), what depends on them, and a data entry whose block never arrived are left to a
 * last `pg_restore --jobs` run, where pg_restore fails on a missing block as it would on the whole file. Entries of
 * section NONE (ENCODING, ACL, COMMENT…) right after the pre-data belong to it, as pg_restore itself counts them.
 */
export class ArrivingArchiveRestore {
  private readonly preData: ArchiveTocItem[] = [];
  /** Entries after the pre-data not yet started, by dump id. */
  private readonly waitingEntries = new Map<number, ScheduledEntry>();
  /** Dump ids restored (or being restored, for the locks) so far. */
  private readonly done = new Set<number>();
  /** Data blocks that have arrived whole: their sizes by dump id. */
  private readonly arrived = new Map<number, number>();
  /** Exclusive locks held by running pg_restore runs: how many runs hold each. */
  private readonly locked = new Map<number, number>();
  /** Bytes of table data each entry waits for (a data entry's own block; for another, the largest of its tables'). */
  private readonly weights = new Map<number, number>();
  private running = 0;
  private ended = false;
  private waiting: Array<() => void> = [];
  private lists = 0;
  private tables = 0;
  /** Data entries of partitions: their `COPY` may go through the partitioned table (`--load-via-partition-root`), so it does not count the partition alone. */
  private readonly partitionData = new Set<number>();

  constructor(private readonly options: ArrivingRestoreOptions) {
    const entries = options.toc.entries;
    const known = new Set(entries.map((entry) => entry.dumpId));
    const dataOfTable = tableData(entries);
    const partitions = new Set(entries.filter((entry) => entry.desc === 'TABLE ATTACH').map((attach) => attach.dependencies
      .find((id) => entries.some((table) => table.dumpId === id && table.desc === 'TABLE' && table.tag === attach.tag && table.namespace === attach.namespace))));
    for (const entry of entries) if (entry.desc === 'TABLE DATA' && partitions.has(entry.dependencies[0])) this.partitionData.add(entry.dumpId);
    const tables = new Set(entries.filter((entry) => entry.desc === 'TABLE' || entry.desc === 'TABLE DATA').map((entry) => entry.dumpId));
    let section = SECTION_PRE_DATA;
    for (const [order, entry] of entries.entries()) {
      if (entry.section !== SECTION_NONE) section = entry.section;
      if (section === SECTION_PRE_DATA) {
        this.preData.push(entry);
        continue;
      }
      // Only entries in the archive count (pg_restore ignores the others), each table as its data where it has any.
      const dependencies = entry.dependencies.filter((id) => known.has(id));
      const waitsFor = entry.hasData ? dependencies : [...new Set(dependencies.flatMap((id) => dataOfTable.get(id) ?? [id]))];
      const locks = entry.hasData || entry.desc === 'INDEX' ? [] : waitsFor.filter((id) => tables.has(id));
      this.waitingEntries.set(entry.dumpId, { entry, order, dependencies: waitsFor, locks });
    }
  }

  /** Tables whose data pg_restore has started loading. */
  public get tablesStarted(): number {
    return this.tables;
  }

  /** The data block of `dumpId` has arrived whole (`bytes` long). */
  public blockArrived(dumpId: number, bytes: number): void {
    if (!this.waitingEntries.get(dumpId)?.entry.hasData || this.arrived.has(dumpId)) return;
    this.arrived.set(dumpId, bytes);
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
    const stopWatching = whenAborted(this.options.signal, () => stop.abort());
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
      failure ??= { error };
      stop.abort();
      this.archiveEnded();
    };
    try {
      await this.restore(this.preData, 1, stop.signal);
      for (const entry of this.preData) this.done.add(entry.dumpId);
      await this.options.afterPreData?.();
      const worker = async () => {
        for (let batch = await this.nextBatch(stop.signal); batch.length > 0; batch = await this.nextBatch(stop.signal)) {
          const entries = batch.map(({ entry }) => entry);
          let copied: number[] | undefined;
          try {
            if (entries.every((entry) => this.copiedThroughPsql(entry))) copied = await this.copy(entries, stop.signal);
            else await this.restore(entries, 1, stop.signal);
          } finally {
            this.finished(batch);
          }
          if (copied) for (const [index, entry] of entries.entries()) this.options.onCopied?.(entry, copied[index]);
          this.options.onRestored?.(entries);
        }
      };
      await Promise.all(Array.from({ length: this.options.jobs }, () => worker().catch(fail)));
      if (failure) throw failure.error;
      const rest = [...this.waitingEntries.values()].sort((a, b) => a.order - b.order).map(({ entry }) => entry);
      await this.restore(rest, this.options.jobs, stop.signal);
    } catch (error) {
      fail(error);
      throw failure!.error;
    } finally {
      stopWatching();
    }
  }

  /** Whether `scheduled` can start now: its block (for data) has arrived, what it depends on is restored, and its tables are free. */
  private ready(scheduled: ScheduledEntry): boolean {
    const { entry } = scheduled;
    if (entry.hasData ? !this.arrived.has(entry.dumpId) : inLastPass(entry)) return false;
    return scheduled.dependencies.every((id) => this.done.has(id)) && scheduled.locks.every((id) => !this.locked.has(id));
  }

  /** The bytes of table data an entry stands for: what orders the runs (largest first, as pg_restore orders them) and fills them. */
  private weight(scheduled: ScheduledEntry): number {
    let weight = this.weights.get(scheduled.entry.dumpId);
    if (weight === undefined) {
      weight = scheduled.entry.hasData ? this.arrived.get(scheduled.entry.dumpId) ?? 0
        : Math.max(0, ...scheduled.dependencies.map((id) => this.arrived.get(id) ?? 0));
      this.weights.set(scheduled.entry.dumpId, weight);
    }
    return weight;
  }

  /**
   * The next entries to restore in one run: the largest ready one, and more ready ones up to {@link BATCH_BYTES} that
   * take no lock another run holds or this run takes (in the archive's order, so pg_restore reads the file forward).
   * None once nothing is left that can start before the last run: the archive ended, nothing runs, nothing is ready.
   */
  private async nextBatch(signal: AbortSignal): Promise<ScheduledEntry[]> {
    for (;;) {
      if (signal.aborted) return [];
      const ready = [...this.waitingEntries.values()].filter((scheduled) => this.ready(scheduled))
        .sort((a, b) => this.weight(b) - this.weight(a) || a.order - b.order);
      if (ready.length > 0) {
        const batch: ScheduledEntry[] = [];
        const locks = new Set<number>();
        let bytes = 0;
        // A run goes through psql or not as a whole: it takes entries of the kind of its first one only.
        const throughPsql = this.copiedThroughPsql(ready[0].entry);
        for (const scheduled of ready) {
          const weight = this.weight(scheduled);
          if (batch.length > 0 && (bytes + weight > BATCH_BYTES || scheduled.locks.some((id) => locks.has(id))
            || this.copiedThroughPsql(scheduled.entry) !== throughPsql)) continue;
          batch.push(scheduled);
          bytes += weight;
          for (const id of scheduled.locks) locks.add(id);
        }
        for (const scheduled of batch) {
          this.waitingEntries.delete(scheduled.entry.dumpId);
          for (const id of scheduled.locks) this.locked.set(id, (this.locked.get(id) ?? 0) + 1);
        }
        this.running += 1;
        return batch.sort((a, b) => a.order - b.order);
      }
      // Nothing runs, nothing is ready and no block will arrive: what is left waits for the last run.
      if (this.ended && this.running === 0) return [];
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A run has ended: its entries are restored (when it failed, nothing else starts), its locks free. */
  private finished(batch: readonly ScheduledEntry[]): void {
    this.running -= 1;
    for (const scheduled of batch) {
      this.done.add(scheduled.entry.dumpId);
      for (const id of scheduled.locks) {
        const holders = this.locked.get(id)! - 1;
        if (holders === 0) this.locked.delete(id);
        else this.locked.set(id, holders);
      }
    }
    this.wakeAll();
  }

  /** Whether an entry is loaded through psql: table data, not of a partition, and someone to tell its rows. */
  private copiedThroughPsql(entry: ArchiveTocItem): boolean {
    return this.options.psql !== undefined && this.options.onCopied !== undefined && entry.desc === 'TABLE DATA' && !this.partitionData.has(entry.dumpId);
  }

  /**
   * Loads table data with pg_restore writing the script of `entries` and psql running it (joined by a pipe, so the rows
   * never pass through the runner), and returns the rows each `COPY` inserted, in the order of `entries` (pg_restore
   * writes a list's entries in its order, one `COPY` each). A failure of either program fails the run.
   */
  private async copy(entries: readonly ArchiveTocItem[], signal: AbortSignal): Promise<number[]> {
    if (signal.aborted) throw new RunnerError('the restore was stopped');
    const { list, lines } = await this.writeList(entries);
    this.options.logger.debug({ entries: lines, jobs: 1, through: 'psql' }, 'pg_restore run started');
    try {
      const script = new ToolProcess(this.options.pgRestore, pgRestoreArgv({
        archive: this.options.archivePath,
        scriptFile: '-',
        useList: list,
        noOwner: this.options.noOwner,
        noAcl: this.options.noAcl,
        verbose: true,
      }), {
        captureStdout: true,
        ...(this.options.scriptBlockBytes ? { stdoutBlockBytes: this.options.scriptBlockBytes } : {}),
        signal,
        onStderrLine: (line) => {
          this.options.logger.debug({ tool: 'pg_restore', line }, line);
          if (/processing data for table/.test(line)) this.tables += 1;
        },
      });
      const tags: number[] = [];
      let output = '';
      const psql = new ToolProcess(this.options.psql!, psqlScriptArgv(this.options.connection.dbname), {
        env: this.options.connection.childEnv(),
        stdinFrom: script.stdout,
        ...(this.options.scriptBlockBytes ? { stdinBlockBytes: this.options.scriptBlockBytes } : {}),
        captureStdout: true,
        signal,
        onStderrLine: (line) => this.options.logger.debug({ tool: 'psql', line }, line),
      });
      psql.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const complete = (output + chunk).split('\n');
        output = complete.pop()!;
        for (const line of complete) {
          const tag = COPY_TAG.exec(line);
          if (tag) tags.push(Number(tag[1]));
        }
      });
      // psql's failure (the server refused a row) comes first: pg_restore then only fails to write into the closed pipe.
      // It names the table as pg_restore would: the one after those whose COPY was reported.
      const [restored, ran] = await Promise.allSettled([script.exited, psql.exited]);
      if (ran.status === 'rejected') {
        const failed = entries[tags.length];
        throw failed ? new RunnerError(`COPY failed for table "${failed.tag}": ${psql.stderrTail.join(' | ')}`, { cause: ran.reason }) : ran.reason;
      }
      if (restored.status === 'rejected') throw restored.reason;
      if (tags.length !== entries.length) {
        throw new RunnerError(`psql reported ${tags.length} COPY results for ${entries.length} tables of ${lines.join(', ')}`);
      }
      this.options.logger.debug({ entries: lines, rows: tags }, 'pg_restore run finished');
      return tags;
    } finally {
      await fs.promises.rm(list, { force: true });
    }
  }

  /** Writes the `--use-list` file of a run. */
  private async writeList(entries: readonly ArchiveTocItem[]): Promise<{ list: string; lines: string[] }> {
    const list = path.join(this.options.listDirectory, `entries-${this.lists++}.list`);
    const lines = entries.map((entry) => `${entry.dumpId}; ${entry.desc} ${entry.namespace} ${entry.tag}`);
    await writeScratchFile(list, lines.map((line) => `${line}\n`).join(''));
    return { list, lines };
  }

  /** Restores `entries` with one pg_restore run. */
  private async restore(entries: readonly ArchiveTocItem[], jobs: number, signal: AbortSignal): Promise<void> {
    if (entries.length === 0) return;
    if (signal.aborted) throw new RunnerError('the restore was stopped');
    const { list, lines } = await this.writeList(entries);
    this.options.logger.debug({ entries: lines, jobs }, 'pg_restore run started');
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
      this.options.logger.debug({ entries: lines }, 'pg_restore run finished');
    } finally {
      await fs.promises.rm(list, { force: true });
    }
  }
}
