import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import type { Logger } from 'pino';
import { DIRECTORY_DUMP_UNREAD_MIB, DIRECTORY_DUMP_UNREAD_SHARE, dumpCompressionPlan, pgDumpArgv, pgDumpallGlobalsArgv, type LogicalDumpPolicy } from '../core';
import { encryptedName, storedForm, type AgeRecipients } from './age-encryption';
import { ARCHIVE_BLOCK_BYTES, ArchivePipe } from './archive-pipe';
import { parseArchiveToc, type ArchiveToc } from './archive-toc';
import { classifyNewBackup, tagBackupObjects } from './backup-classes';
import { newBackupId } from './backup-id';
import { CUSTOM_DUMP_NAME, DIRECTORY_DUMP_NAME, GLOBALS_NAME } from './backup-layout';
import type { BackupManifest, ManifestObject, ManifestRowCounts, TableRowCount } from './backup-manifest';
import type { StagedFile } from './backup-store';
import { runTool, ToolProcess } from './child-process';
import { DigestingStream } from './content-digest';
import { connectDatabase } from './database-client';
import type { DatabaseConnection } from './database-connection';
import { DirectoryDumpUpload } from './directory-dump-upload';
import { DumpFanOut, describeDestination, type DumpDestination } from './dump-fan-out';
import { RUNNER_METRICS, type MetricValue } from './embedded-metrics';
import { GrowingFileReader } from './growing-file-reader';
import { advanceLatest, type LatestUpdate } from './latest-pointer';
import { OperationAbort } from './operation-abort';
import { findPostgresTool } from './postgres-tools';
import { requireClientNotOlder, runPreflight, type PreflightReport } from './preflight';
import { ProcessWrittenBytes } from './process-written-bytes';
import { ProgressReporter } from './progress-reporter';
import { requireProgram } from './required-programs';
import { countRowsByOid } from './row-counts';
import { InterruptedError, RunnerError, StoppedPartwayError, errorMessage } from './runner-error';
import { runnerVersion } from './runner-version';
import { compressedName, requireCompressionProgram, startsWithFrame, type StreamCompressionMethod } from './stream-compression';
import { expandTableFilters, findMissingChildData, relationsWithChildren } from './table-filters';

/** Archives start with this magic; anything else is not a pg_dump archive. */
const ARCHIVE_MAGIC = 'PGDMP';
/** The smallest believable custom-format archive (header and an empty TOC take more). */
const MIN_ARCHIVE_BYTES = 64;
/** The smallest believable `pg_dumpall --globals-only` output (its header comment alone is longer). */
const MIN_GLOBALS_BYTES = 16;

/** Everything `pg-backup dump` needs. */
export interface DumpOptions {
  /** The database to dump. */
  readonly connection: DatabaseConnection;
  /**
   * Where the backup goes: one or several locations (`--to`), each with its store. The database is read once and
   * streamed to all of them; each gets its manifest and `latest` only once its own copy is complete.
   */
  readonly destinations: readonly DumpDestination[];
  /** What to dump and how. */
  readonly policy: LogicalDumpPolicy;
  /**
   * `pg_dumpall --no-role-passwords` for `--globals` (managed services forbid reading role passwords).
   * @default false
   */
  readonly noRolePasswords?: boolean;
  /** Local scratch space (only the directory format uses it). */
  readonly scratchDirectory: string;
  /**
   * Milliseconds between two looks at the directory-format dump's files while pg_dump writes them (env
   * `PG_BACKUP_DIRECTORY_LOOK_MS`): how soon a new or closed file is seen. The scratch disk is checked on each write
   * whatever this is.
   * @default 25
   */
  readonly directoryLookIntervalMs?: number;
  /** Milliseconds between progress lines; 0 for none. */
  readonly progressIntervalMs: number;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the dump (SIGTERM). */
  readonly signal: AbortSignal;
  /**
   * Encrypt every object to these age public keys (after compression); the manifest records them.
   * @default - stored unencrypted
   */
  readonly encryption?: AgeRecipients;
}

/** What became of the backup at one destination. */
export interface DestinationOutcome {
  /** The destination. */
  readonly destination: DumpDestination;
  /** The manifest written there (with the retention classes of that destination's backups), once written. */
  readonly manifest?: BackupManifest;
  /** The key of the manifest, once written there. */
  readonly manifestKey?: string;
  /** The key of the database's `latest` pointer there. */
  readonly latestKey: string;
  /** What `latest` names there now (this backup, or one with a newer snapshot that finished before it), once it was read or moved. */
  readonly latest?: LatestUpdate;
  /** Why this destination has no complete backup, or why its latest was not moved; nothing when it has both. */
  readonly error?: string;
}

/** The outcome of a dump that completed at one destination at least. */
export interface DumpOutcome {
  /** The manifest written. */
  readonly manifest: BackupManifest;
  /** Each destination, in the order given: the first one's manifest and latest when it is the only one. */
  readonly destinations: readonly DestinationOutcome[];
  /**
   * The most bytes the local scratch directory took on disk at once (directory format only): what pg_dump had
   * written and the runner not yet read and freed, never the whole dump nor a whole table.
   * @default - nothing was staged (custom format)
   */
  readonly scratchPeakBytes?: number;
}

/**
 * A dump that stopped after it had stored something that stays: its message says what the store holds (the dump
 * objects, the manifest, where latest points), so nothing is added to it. It exits like its cause.
 */
export class BackupLeftError extends StoppedPartwayError {
  constructor(message: string, cause: unknown) {
    super(message, cause);
    this.name = 'BackupLeftError';
  }
}

/**
 * The backup is complete (its manifest is written, so it lists, verifies and restores by its id), but
 * `latest` was not moved to it: moving it failed, or the run was interrupted first.
 */
export class LatestNotMovedError extends BackupLeftError {
  constructor(backupId: string, manifestKey: string, cause: unknown) {
    const written = `${manifestKey} was written; verify or restore it with --backup ${backupId}`;
    super(cause instanceof InterruptedError
      ? `${errorMessage(cause)} after backup ${backupId} was complete (${written}), before latest was moved: latest is unchanged`
      : `backup ${backupId} is complete (${written}), but moving latest to it failed, so latest may still name an older backup: ${errorMessage(cause)}`, cause);
    this.name = 'LatestNotMovedError';
  }
}

interface StoredObject extends ManifestObject {
  readonly head: Buffer;
}

/** Where a tool's output goes: every destination, the object's name in the backup, and the recipients it is encrypted to. */
interface OutputTarget {
  readonly fanOut: DumpFanOut;
  readonly name: string;
  readonly encryption?: AgeRecipients;
}

/**
 * Stream a child's output into a new object (encrypted when the target says so), ending the object only if the child
 * (and what feeds it) exits with 0. `digest` sees the output as the tool wrote it; the result is the digest of what is
 * stored.
 */
async function streamToolOutput(
  output: Readable,
  toolExited: Promise<void>,
  target: OutputTarget,
  digest: DigestingStream,
  abort: OperationAbort,
  check: (digest: DigestingStream) => void,
  expectedBytes?: number,
): Promise<DigestingStream> {
  // The object is only completed once the child's exit status is known: ending it when stdout closes
  // would commit a truncated dump whenever the child dies mid-way.
  output.pipe(digest, { end: false });
  const exited = toolExited.then(() => {
    check(digest);
    digest.end();
  });
  // The failure reaches the operator through the step's promise; the store may not be reading the stream yet (it fails
  // before its first request), and an error event nobody listens to would end the process without a result line.
  digest.on('error', () => undefined);
  exited.catch((error: unknown) => digest.destroy(error as Error));
  abort.signal.addEventListener('abort', () => digest.destroy(abort.signal.reason as Error), { once: true });
  let stored = digest;
  const storing = storedForm(digest, target.encryption).then((form) => {
    stored = form.stored ?? digest;
    return target.fanOut.putStream(target.name, form.body, { signal: abort.signal, expectedBytes });
  });
  await abort.all([exited, storing] as const);
  return stored;
}

/**
 * Waits for the pipe to write the dump's file itself, proves it and gives it its name. The file is read back from the
 * page cache: the reader of the table of contents gets it as it grows (so the row counts start while pg_dump runs), and
 * the digest (SHA-256, size, first bytes) too when the compression program writes the file start to end
 * (`hashAsWritten`); when pg_dump writes it, the digest reads it once pg_dump exited, since pg_dump rewrites the table
 * of contents at the start of the file at its end, with where each table's data lies. The file is named only after
 * the pipe exited with 0 and `check` passed.
 */
async function storeWrittenFile(
  pipe: ArchivePipe,
  pipeExited: Promise<void>,
  staged: StagedFile,
  options: { hashAsWritten: boolean },
  digest: DigestingStream,
  abort: OperationAbort,
  check: (digest: DigestingStream) => void,
): Promise<DigestingStream> {
  const follower = new GrowingFileReader(staged.path, ARCHIVE_BLOCK_BYTES);
  const stop = () => follower.destroy();
  abort.signal.addEventListener('abort', stop, { once: true });
  pipeExited.then(() => follower.finish(), stop);
  const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
  let hashed: Promise<void>;
  try {
    if (options.hashAsWritten) {
      hashed = pipeline(follower, digest, discard()).then(() => pipe.observedAll());
    } else {
      // Only until pg_restore has the table of contents; a reader that fails ends it, and pg_restore then says what it lacks.
      follower.on('data', (chunk: Buffer) => pipe.observe(chunk));
      follower.once('end', () => pipe.observedAll());
      follower.once('error', () => pipe.observedAll());
      pipe.toc.then(stop, stop);
      hashed = pipeExited.then(() => pipeline(fs.createReadStream(staged.path, { highWaterMark: ARCHIVE_BLOCK_BYTES }), digest, discard()));
    }
    await abort.all([pipeExited, hashed] as const);
  } finally {
    abort.signal.removeEventListener('abort', stop);
    stop();
  }
  check(digest);
  await staged.commit();
  return digest;
}

/** The bytes in an open file so far (then those its digest read, once the file is closed), for the progress line. */
function fileSize(fd: number, digest: DigestingStream): { readonly bytes: number } {
  let last = 0;
  return {
    get bytes() {
      try {
        last = fs.fstatSync(fd).size;
      } catch {
        // Closed: committed (or discarded).
      }
      return Math.max(last, digest.bytes);
    },
  };
}

function checkFrameHead(what: string, method: StreamCompressionMethod, head: Buffer): void {
  if (!startsWithFrame(head, method)) throw new RunnerError(`${what} does not start with a ${method} frame`);
}

function checkArchiveHead(what: string, head: Buffer, bytes: number, minBytes: number): void {
  if (bytes < minBytes) throw new RunnerError(`${what} is only ${bytes} bytes; a real archive is at least ${minBytes}`);
  if (head.subarray(0, ARCHIVE_MAGIC.length).toString('latin1') !== ARCHIVE_MAGIC) {
    throw new RunnerError(`${what} does not start with the pg_dump archive header`);
  }
}

/**
 * What pg_dump may write ahead of the runner's reading before it is paused: a quarter of the scratch disk's free
 * space, at most 1 GiB, leaving the rest for what was read and not yet freed and for toc.dat. The constructs size the
 * task's disk by the same rule (core's directoryDumpScratchGiB).
 */
async function scratchBudget(directory: string): Promise<number> {
  const stats = await fs.promises.statfs(directory);
  return Math.floor(Math.min(stats.bavail * stats.bsize * DIRECTORY_DUMP_UNREAD_SHARE, DIRECTORY_DUMP_UNREAD_MIB * 1024 * 1024));
}

/**
 * Restates a pg_dump failure an operator meets often in plain terms: pg_dump reports a lock it could
 * not get within `--lock-wait-timeout` as a cancelled `LOCK TABLE` statement.
 */
export function explainPgDumpFailure(error: unknown, lockWaitSeconds: number): unknown {
  const message = errorMessage(error);
  const lock = /LOCK TABLE (\S+) IN ACCESS SHARE MODE/.exec(message);
  if (lock && /statement timeout|lock timeout|could not obtain lock/.test(message)) {
    return new RunnerError(
      `pg_dump could not lock table ${lock[1]} within the lock-wait timeout (${lockWaitSeconds} s): another session holds a ` +
      `conflicting lock (ALTER TABLE, VACUUM FULL, LOCK … ACCESS EXCLUSIVE); pg_dump said: ${message}`, { cause: error });
  }
  return error;
}

/**
 * Rejects a dump that lacks rows the statistics say it should hold: no table data at all from a database (or from
 * the tables a filter selected) that holds rows, data of partitions missing under a partitioned table the dump
 * selected, and row counts that show an empty snapshot.
 */
async function checkRowsPresent(
  client: Client, policy: LogicalDumpPolicy, toc: ArchiveToc, counts: ManifestRowCounts, preflight: PreflightReport,
  excludedOids: ReadonlySet<number>,
): Promise<void> {
  if (policy.schemaOnly) return;
  const estimated = (oids: Iterable<number>) => [...oids].reduce((sum, oid) => sum + (preflight.estimatedRowsByOid.get(oid) ?? 0), 0);
  const filtered = [policy.tables, policy.schemas, policy.excludeTables, policy.excludeSchemas].some((list) => (list?.length ?? 0) > 0);
  if (toc.tableDataOids.length === 0 && estimated(filtered ? toc.tableOids : preflight.estimatedRowsByOid.keys()) > 0) {
    throw new RunnerError(filtered
      ? 'the dump holds no table data, but the statistics show rows in the tables the filters select; refusing to record it as a backup'
      : 'the dump holds no table data, but the database statistics show rows; refusing to record it as a backup');
  }
  const missing = await findMissingChildData(client, toc.tableOids, toc.tableDataOids, preflight.estimatedRowsByOid, excludedOids);
  if (missing.length > 0) {
    const named = missing.slice(0, 5).map((child) => `${child.schema}.${child.name} of ${child.parent} (about ${child.estimatedRows} rows)`).join(', ');
    throw new RunnerError(`the dump holds the partitioned table but not the data of ${missing.length} of its partitions: ${named}${missing.length > 5 ? ', …' : ''}; `
      + 'include their schemas (--schema) or exclude the partitioned table too; refusing to record it as a backup');
  }
  if (counts.mode !== 'off' && counts.tables.length > 0 && counts.totalRows === 0 && estimated(toc.tableDataOids) > 0) {
    throw new RunnerError('the dump\'s snapshot shows zero rows in every table, but the statistics show data; refusing to record it as a backup');
  }
}

/**
 * Dumps a database into a new backup: preflight, an exported snapshot with its row counts, pg_dump
 * (and pg_dumpall) streamed into the store with SHA-256 on the fly, then the manifest and only then
 * the `latest` pointer. Any failure aborts every upload and writes neither.
 */
export async function runDump(options: DumpOptions): Promise<DumpOutcome> {
  const { connection, policy, logger, encryption } = options;
  const startedAt = new Date();
  const backupId = newBackupId(startedAt);
  const database = connection.database;
  const format = policy.format ?? 'custom';
  const rowMode = policy.rowCounts ?? 'exact';
  const abort = new OperationAbort(options.signal);
  const keyOf = (destination: DumpDestination, name: string) => destination.layout.objectKey(database, backupId, name);
  const fanOut = new DumpFanOut(options.destinations, keyOf, (destination, error) => {
    logger.warn({ backupId, destination: describeDestination(destination), error: errorMessage(error) },
      `${describeDestination(destination)} is dropped from this dump, the other destinations go on: ${errorMessage(error)}`);
  });
  const [pgDump, pgDumpall, pgRestore] = await Promise.all([
    findPostgresTool('pg_dump'),
    policy.includeGlobals ? findPostgresTool('pg_dumpall') : Promise.resolve(undefined),
    findPostgresTool('pg_restore'),
    // Every store is asked first for what the dump reads at its end anyway (latest): one that cannot be reached, or
    // read, is left out before the database is touched (the run fails when none is left), and a later failure is one
    // of a store that was there.
    fanOut.forEachLive(async (destination) => {
      await destination.store.getVersioned(destination.layout.latestKey(database));
    }).then(() => fanOut.throwIfNoneLeft()),
  ]);

  // Before connecting: a policy this client cannot render is a usage problem, not a server one.
  const compression = dumpCompressionPlan(policy.compression, pgDump.majorVersion);
  if (compression.stream) await requireCompressionProgram(compression.stream.method, 'choose --compress gzip:6');
  // pg_dump writes a custom archive through stdbuf: missing, it would fail the dump only once the database is read.
  if (format === 'custom') requireProgram('stdbuf');
  const client = await connectDatabase(connection, 'preflight');
  let scratch: string | undefined;
  /** The dump's file while the pipe writes it in place (a local destination), until it is committed or discarded. */
  let staged: StagedFile | undefined;
  /** The backup whose dump objects are all stored, once they are, and where. */
  let stored: { backupId: string; folders: string } | undefined;
  try {
    const preflight = await runPreflight(client);
    requireClientNotOlder('pg_dump', pgDump.majorVersion, preflight.serverMajorVersion);
    logger.info({
      database: connection.database,
      server: connection.describe(),
      serverVersion: preflight.serverVersion,
      databaseSizeBytes: preflight.databaseSizeBytes,
      largestTables: preflight.largestTables,
      pgDump: pgDump.version,
    }, 'preflight done');
    for (const query of preflight.longRunningQueries) {
      logger.warn(query, `a query has been running for ${query.runningSeconds} s; it can hold locks the dump waits for`);
    }
    // A table filter takes the partitions of the tables it names (pg_dump before 16 has to be told each one).
    const dumpPolicy = await expandTableFilters(client, policy, pgDump.majorVersion);
    if (dumpPolicy !== policy) logger.info({ tables: dumpPolicy.tables, excludeTables: dumpPolicy.excludeTables }, 'table filters with their partitions');
    const excludedOids = new Set((await relationsWithChildren(client, policy.excludeTables ?? [])).map((relation) => relation.oid));

    // The snapshot is exported from a transaction that stays open until the dump is complete: pg_dump
    // reads from it, and the row counts are taken in it, so both describe the same instant.
    const lockWaitMs = Math.round((policy.lockWaitTimeoutSeconds ?? 300) * 1000);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL lock_timeout = ${lockWaitMs}`);
    // The counts run beside pg_dump and are not on its critical path: one core for them leaves the
    // others to pg_dump and the backend feeding it.
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    // clock_timestamp() runs after the statement took the transaction's snapshot: the snapshot is at most
    // this old, by the server's clock, the one clock every dump of this database shares.
    const exported = (await client.query<{ id: string; at: string }>(
      'SELECT pg_export_snapshot() AS id, to_char(clock_timestamp() AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') AS at')).rows[0];
    const snapshot = exported.id;

    /** An object's stored name and manifest fields when encrypted. */
    const sealed = (name: string) => (encryption ? { name: encryptedName(name), encryption: 'age' as const } : { name });
    logger.info({ backupId, to: fanOut.live.map(describeDestination), format, snapshot, snapshotAt: exported.at }, 'dump started');

    let tablesDone = 0;
    const onStderrLine = (line: string) => {
      if (/dumping contents of table/.test(line)) tablesDone += 1;
      logger.debug({ tool: 'pg_dump', line }, line);
    };
    const childEnv = connection.childEnv();
    /** What each object has written so far, for the progress line. */
    const streams: Array<{ readonly bytes: number }> = [];
    // pg_dump's own output, before compression, is what the tables' size estimates: measured when pg_dump does not
    // compress (the runner compresses, or nothing does), so the terminal line can show a share of it.
    let written: ProcessWrittenBytes | undefined;
    const measurable = compression.pgDumpCompress === '0';
    const progress = new ProgressReporter(logger, 'dump', options.progressIntervalMs, () => ({
      bytes: streams.reduce((sum, stream) => sum + stream.bytes, 0),
      tablesDone,
      estimatedBytes: written?.read(),
    }), { estimate: measurable && preflight.tableDataBytes > 0 ? { total: preflight.tableDataBytes, unit: 'bytes', approximate: true } : undefined });

    const objects: StoredObject[] = [];
    let scratchPeakBytes: number | undefined;
    const steps: Promise<unknown>[] = [];
    let toc: Promise<ArchiveToc>;

    if (format === 'custom') {
      const method = compression.stream?.method;
      const dumpObject = sealed(method ? compressedName(CUSTOM_DUMP_NAME, method) : CUSTOM_DUMP_NAME);
      // One destination that keeps objects as local files, and nothing to encrypt: the last program of the pipe writes
      // the file itself and the stored bytes never pass through the runner.
      const only = fanOut.live.length === 1 && !encryption ? fanOut.live[0] : undefined;
      staged = only?.store.stageFile ? await only.store.stageFile(keyOf(only, dumpObject.name)) : undefined;
      const dump = new ToolProcess(pgDump.path, pgDumpArgv(dumpPolicy, {
        dbname: connection.dbname, snapshot, verbose: true, clientMajorVersion: pgDump.majorVersion,
      }), {
        env: childEnv,
        stdoutBlockBytes: ARCHIVE_BLOCK_BYTES,
        onStderrLine,
        signal: abort.signal,
        ...(staged && !method ? { stdoutTo: staged.fd } : { captureStdout: true }),
      });
      if (measurable && dump.pid !== undefined) written = new ProcessWrittenBytes(dump.pid);
      progress.start();
      // The TOC is read whatever the row-count mode: it is what shows the dump holds table data at all.
      const pipe = new ArchivePipe(dump, pgRestore.path, compression.stream, abort.signal, staged?.fd);
      const digest = new DigestingStream((chunk) => pipe.observe(chunk));
      // A file pg_dump writes itself is read only once it is complete: until then its size is the progress.
      streams.push(staged && !method ? fileSize(staged.fd, digest) : digest);
      const explained = pipe.exited.catch((error: unknown) => {
        throw explainPgDumpFailure(error, policy.lockWaitTimeoutSeconds ?? 300);
      });
      const what = `the dump of ${database}`;
      const checkDump = (d: DigestingStream) => (method
        ? checkFrameHead(what, method, d.head)
        : checkArchiveHead(what, d.head, d.bytes, MIN_ARCHIVE_BYTES));
      const record = (result: DigestingStream) => objects.push({
        ...dumpObject, role: 'dump', bytes: result.bytes, sha256: result.sha256, head: digest.head, ...(method ? { compression: method } : {}),
      });
      if (staged) {
        steps.push(storeWrittenFile(pipe, explained, staged, { hashAsWritten: method !== undefined }, digest, abort, checkDump).then(record));
      } else {
        // A dump is rarely larger than the database; twice its size leaves room for text forms of binary data (bytea as hex).
        const expectedBytes = 2 * preflight.databaseSizeBytes;
        steps.push(streamToolOutput(pipe.output!, explained, { fanOut, name: dumpObject.name, encryption }, digest, abort, checkDump, expectedBytes)
          .then(record));
      }
      toc = pipe.toc;
    } else {
      scratch = await fs.promises.mkdtemp(path.join(options.scratchDirectory, 'pg-backup-dump-'));
      const directory = path.join(scratch, DIRECTORY_DUMP_NAME);
      // pg_dump takes an existing empty directory; creating it first lets the upload watch it from the start.
      await fs.promises.mkdir(directory);
      // --no-sync: the files are uploaded while pg_dump writes them and then deleted; syncing the scratch copy would only slow it down.
      const dump = new ToolProcess(pgDump.path, pgDumpArgv(dumpPolicy, {
        dbname: connection.dbname, snapshot, verbose: true, file: directory, noSync: true, clientMajorVersion: pgDump.majorVersion,
      }), { env: childEnv, onStderrLine, signal: abort.signal });
      if (measurable && dump.pid !== undefined) written = new ProcessWrittenBytes(dump.pid);
      progress.start();
      const upload = new DirectoryDumpUpload({
        directory,
        store: fanOut,
        keyOf: (name) => `${DIRECTORY_DUMP_NAME}/${name}`,
        scratchBudgetBytes: await scratchBudget(scratch),
        ...(options.directoryLookIntervalMs !== undefined ? { lookIntervalMs: options.directoryLookIntervalMs } : {}),
        compression: compression.stream,
        encryption,
        abort,
        onDigest: (digest) => streams.push(digest),
        onWarning: (message) => logger.warn({ backupId }, message),
      });
      upload.start(dump.pid);
      const dumped = dump.exited.catch((error: unknown) => {
        upload.stop();
        throw upload.explainFailure(explainPgDumpFailure(error, policy.lockWaitTimeoutSeconds ?? 300));
      });
      toc = dumped.then(async () => parseArchiveToc(await runTool(pgRestore.path, ['--list', directory], { signal: abort.signal })));
      steps.push(toc.then(() => upload.finish()).then((uploaded) => {
        const tocFile = uploaded.find((file) => file.file === 'toc.dat')!;
        checkArchiveHead('toc.dat of the directory-format dump', tocFile.head, tocFile.bytes, MIN_ARCHIVE_BYTES);
        scratchPeakBytes = upload.peakScratchBytes;
        objects.push(...uploaded.map(({ file: _file, name, ...rest }) => ({ ...rest, name: `${DIRECTORY_DUMP_NAME}/${name}`, role: 'dump' as const })));
      }));
    }

    if (policy.includeGlobals && pgDumpall) {
      const digest = new DigestingStream();
      streams.push(digest);
      const globals = new ToolProcess(pgDumpall.path, pgDumpallGlobalsArgv({ dbname: connection.dbname, noRolePasswords: options.noRolePasswords }), {
        env: childEnv, captureStdout: true, signal: abort.signal,
      });
      const globalsObject = sealed(GLOBALS_NAME);
      steps.push(streamToolOutput(globals.stdout!, globals.exited, { fanOut, name: globalsObject.name, encryption }, digest, abort, (d) => {
        if (d.bytes < MIN_GLOBALS_BYTES) throw new RunnerError(`pg_dumpall --globals-only wrote only ${d.bytes} bytes`);
      }).then((result) => objects.push({ ...globalsObject, role: 'globals', bytes: result.bytes, sha256: result.sha256, head: digest.head })));
    }

    const counting = toc.then((archiveToc) => takeRowCounts(client, archiveToc, rowMode).then((counts) => ({ archiveToc, counts })));
    let counted: { archiveToc: ArchiveToc; counts: ManifestRowCounts };
    try {
      [counted] = await abort.all([counting, ...steps] as const);
    } finally {
      progress.stop();
    }
    progress.report();
    const folderIn = (destination: DumpDestination) => destination.layout.backupFolder(database, backupId)
      + (options.destinations.length > 1 ? ` in ${describeDestination(destination)}` : '');
    stored = { backupId, folders: fanOut.live.map(folderIn).join(' and ') };
    await checkRowsPresent(client, policy, counted.archiveToc, counted.counts, preflight, excludedOids);
    await client.query('ROLLBACK');

    const finishedAt = new Date();
    const manifestObjects = objects.map(({ head: _head, ...object }) => object).sort((a, b) => a.name.localeCompare(b.name));
    // The retention classes are decided at each destination, from the backups it holds.
    const unclassified: BackupManifest = {
      manifestVersion: 1,
      backupId,
      database,
      startedAt: startedAt.toISOString(),
      snapshotAt: exported.at,
      finishedAt: finishedAt.toISOString(),
      durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      server: { version: preflight.serverVersion, versionNum: preflight.serverVersionNum, databaseSizeBytes: preflight.databaseSizeBytes },
      tools: { pgDump: pgDump.version, ...(pgDumpall ? { pgDumpall: pgDumpall.version } : {}), runner: runnerVersion() },
      format,
      dumpOptions: { ...policy, format, rowCounts: rowMode },
      objects: manifestObjects,
      totalBytes: manifestObjects.reduce((sum, object) => sum + object.bytes, 0),
      rowCounts: counted.counts,
      ...(encryption ? { encryption: encryption.manifestRecord } : {}),
    };
    abort.throwIfFailed();
    if (options.destinations.length === 1) {
      const outcome = await completeOnly(fanOut.live[0], unclassified, abort, options.signal, logger);
      return { manifest: outcome.manifest!, destinations: [outcome], ...(scratchPeakBytes !== undefined ? { scratchPeakBytes } : {}) };
    }
    // Each destination gets its manifest and latest on its own: one that fails there leaves the others complete.
    const outcomes = new Map<DumpDestination, DestinationOutcome>();
    await fanOut.forEachLive(async (destination) => {
      outcomes.set(destination, await completeDestination(destination, unclassified, abort, logger));
    });
    if (options.signal.aborted) {
      const where = options.destinations.map((destination) => `${describeDestination(destination)}: ${outcomes.get(destination)?.latest?.moved ? 'complete, latest moved' : 'not complete'}`);
      throw new BackupLeftError(`${errorMessage(options.signal.reason)} after backup ${backupId} was stored (${where.join('; ')})`, options.signal.reason);
    }
    const destinations = options.destinations.map((destination): DestinationOutcome => outcomes.get(destination) ?? {
      destination,
      latestKey: destination.layout.latestKey(database),
      error: `${errorMessage(fanOut.failureOf(destination))} (no manifest was written there and latest is unchanged)`,
    });
    const manifest = destinations.find((destination) => destination.manifest !== undefined)?.manifest ?? unclassified;
    return { manifest, destinations, ...(scratchPeakBytes !== undefined ? { scratchPeakBytes } : {}) };
  } catch (error) {
    abort.fail(error);
    if (stored === undefined || error instanceof BackupLeftError) throw error;
    // The dump objects are stored but the backup has no manifest: say so, and what stopped it (the signal, not its echo).
    const cause = options.signal.aborted ? options.signal.reason : error;
    const when = cause instanceof InterruptedError ? ' after the dump was stored, before its manifest was written' : '';
    throw new BackupLeftError(`${errorMessage(cause)}${when} (the dump objects of backup ${stored.backupId} are stored under ${stored.folders}, `
      + 'but no manifest was written and latest is unchanged: the backup is never listed, verified or restored)', cause);
  } finally {
    await client.end().catch(() => undefined);
    // A committed file has its name already; this only removes one left unfinished by a failure.
    await staged?.discard();
    if (scratch) await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Checks that every object the manifest lists is in the backup's folder, just before the manifest is written: an
 * object stored earlier in a long dump may be gone since (a prune whose --grace is shorter than the dump, a lifecycle
 * rule, a person), and a manifest over it would make a backup that lists as complete, moves latest and cannot restore.
 */
async function requireObjectsStored(destination: DumpDestination, manifest: BackupManifest): Promise<void> {
  const { store, layout } = destination;
  const folder = layout.backupFolder(manifest.database, manifest.backupId);
  const present = new Set<string>();
  for await (const key of store.list(`${folder}/`)) present.add(key);
  const missing = manifest.objects.filter((object) => !present.has(layout.objectKey(manifest.database, manifest.backupId, object.name)));
  if (missing.length === 0) return;
  const named = missing.slice(0, 5).map((object) => object.name).join(', ') + (missing.length > 5 ? ', …' : '');
  throw new RunnerError(`${missing.length} of the ${manifest.objects.length} object(s) of backup ${manifest.backupId} stored in ${store.description}/${folder}/ `
    + `are gone since (${named}): deleted while the dump ran, by a prune whose --grace is shorter than the dump, a lifecycle rule or a person; `
    + 'refusing to write a manifest over an incomplete backup');
}

/**
 * Writes the manifest at one destination, with the retention classes its backups give this one, tags the objects,
 * then moves its `latest`; a failure to move latest is a {@link LatestNotMovedError}.
 */
async function writeManifestAndLatest(
  destination: DumpDestination, unclassified: BackupManifest, abort: OperationAbort, logger: Logger,
): Promise<{ manifest: BackupManifest; manifestKey: string; latest: LatestUpdate }> {
  const { store, layout } = destination;
  const manifest = await classifyNewBackup(store, layout, unclassified);
  await requireObjectsStored(destination, manifest);
  const manifestKey = layout.manifestKey(manifest.database, manifest.backupId);
  // The manifest appears whole or not at all, and only once every object is complete.
  await store.putBytes(manifestKey, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  const { backupId, totalBytes: bytes, durationSeconds } = manifest;
  logger.info({ backupId, manifestKey, bytes, rows: manifest.rowCounts.totalRows, durationSeconds }, 'backup complete');
  await tagBackupObjects(store, layout, manifest, logger);
  let latest: LatestUpdate;
  try {
    abort.throwIfFailed();
    latest = await advanceLatest(store, layout, manifest);
  } catch (error) {
    throw new LatestNotMovedError(manifest.backupId, manifestKey, abort.signal.aborted ? abort.signal.reason : error);
  }
  if (!latest.moved) {
    logger.warn({ backupId: manifest.backupId, latest: latest.backupId, snapshotAt: manifest.snapshotAt },
      'latest names a backup whose snapshot is newer than this one (an overlapping dump finished first); it stays there');
  }
  return { manifest, manifestKey, latest };
}

/** Completes the backup at the only destination: any failure fails the run, and says what the store holds. */
async function completeOnly(
  destination: DumpDestination, unclassified: BackupManifest, abort: OperationAbort, signal: AbortSignal, logger: Logger,
): Promise<DestinationOutcome> {
  const { manifest, manifestKey, latest } = await writeManifestAndLatest(destination, unclassified, abort, logger);
  if (signal.aborted) {
    const where = latest.moved ? 'latest was moved to it' : `latest stayed on ${latest.backupId}, whose snapshot is newer`;
    throw new BackupLeftError(`${errorMessage(signal.reason)} after backup ${manifest.backupId} was complete (${manifestKey} was written) and ${where}: `
      + 'nothing was left undone', signal.reason);
  }
  return { destination, manifest, manifestKey, latestKey: destination.layout.latestKey(manifest.database), latest };
}

/** Completes the backup at one of several destinations: a failure there is its outcome, not the run's. */
async function completeDestination(
  destination: DumpDestination, manifest: BackupManifest, abort: OperationAbort, logger: Logger,
): Promise<DestinationOutcome> {
  const { layout } = destination;
  const latestKey = layout.latestKey(manifest.database);
  try {
    const written = await writeManifestAndLatest(destination, manifest, abort, logger);
    return { destination, latestKey, ...written };
  } catch (error) {
    if (error instanceof LatestNotMovedError) {
      return { destination, manifestKey: layout.manifestKey(manifest.database, manifest.backupId), latestKey, error: error.message };
    }
    return {
      destination,
      latestKey,
      error: `${errorMessage(error)} (the dump objects of backup ${manifest.backupId} are stored under ${layout.backupFolder(manifest.database, manifest.backupId)}, `
        + 'but no manifest was written there and latest is unchanged)',
    };
  }
}

async function takeRowCounts(client: Client, toc: ArchiveToc, mode: 'exact' | 'estimate' | 'off'): Promise<ManifestRowCounts> {
  if (mode === 'off') return { mode, tables: [], totalRows: 0 };
  let tables: TableRowCount[];
  try {
    tables = await countRowsByOid(client, toc.tableDataOids, mode);
  } catch (error) {
    throw new RunnerError(`counting rows in the dump's snapshot failed: ${errorMessage(error)}`, { cause: error });
  }
  return { mode, tables, totalRows: tables.reduce((sum, table) => sum + table.rows, 0) };
}

/**
 * The metrics of a dump that completed. One that failed at one of several destinations (`failed`) counts as a failed
 * backup, so the alarm on failed backups fires while the other copies are there: a missing offsite copy breaks 3-2-1.
 */
export function dumpMetrics(manifest: BackupManifest, options: { failed?: boolean } = {}): MetricValue[] {
  const failed = options.failed === true;
  return [
    { name: RUNNER_METRICS.backupSucceeded, value: failed ? 0 : 1, unit: 'Count' },
    { name: RUNNER_METRICS.backupFailed, value: failed ? 1 : 0, unit: 'Count' },
    { name: RUNNER_METRICS.backupBytes, value: manifest.totalBytes, unit: 'Bytes' },
    { name: RUNNER_METRICS.backupDurationSeconds, value: manifest.durationSeconds, unit: 'Seconds' },
    { name: RUNNER_METRICS.backupRows, value: manifest.rowCounts.totalRows, unit: 'Count' },
  ];
}
