import type { Logger } from 'pino';
import { BackupLayout } from './backup-layout';
import type { BackupLocation } from './backup-location';
import type { BackupStore } from './backup-store';
import type { FlagDefinition, FlagReader } from './cli-options';
import { formatDuration } from './cli-output';
import { RunnerError, errorMessage } from './runner-error';
import { DRILLS_FOLDER, DRILL_ID_ENV, compactDrillTime } from '../core/policy/backup-store-layout';

export { DRILLS_FOLDER } from '../core/policy/backup-store-layout';

/**
 * Which drill wrote a result: `dump` (`pg-backup verify`), `pitr` (`pg-backup drill-pitr`), or a managed database's
 * drill whose checks task ran `pg-backup check --record-to`: `snapshot` (its newest snapshot restored), `point-in-time`
 * (restored to a target time; an Azure flexible server's by `pg-backup drill-flexible-pitr`); `restore-testing` is written
 * by the validation of an AWS Backup restore test.
 */
export type DrillRecordKind = 'dump' | 'pitr' | 'snapshot' | 'point-in-time' | 'restore-testing';

/** The kinds `pg-backup check --drill-kind` records. */
export const CHECK_DRILL_KINDS = ['snapshot', 'point-in-time', 'restore-testing'] as const satisfies readonly DrillRecordKind[];

/** One check of a drill and its outcome. */
export interface DrillRecordCheck {
  /** Where the check came from: a file, `--sql`, or a row bound. */
  readonly file: string;
  /** The statement or bound. */
  readonly statement: string;
  /** Whether it passed. */
  readonly passed: boolean;
}

/**
 * The result of one drill as it is stored beside the backups, so a person (and `pg-backup status`) can see when the
 * backups were last proven to restore: what was restored, how long it took, which point it recovered, what was checked.
 */
export interface DrillRecord {
  /** The format of this object. */
  readonly version: 1;
  /** Which drill. */
  readonly kind: DrillRecordKind;
  /** The database whose backups were drilled. */
  readonly database: string;
  /**
   * Whether the drill passed: the restore and every check passed, within the RTO when one was given. A drill whose
   * checks passed on a restore slower than its RTO is written with `succeeded: false` and `rtoExceeded: true`.
   */
  readonly succeeded: boolean;
  /** Why the drill failed, in the words of its error; absent on success. */
  readonly reason?: string;
  /** When the drill started (ISO 8601). */
  readonly startedAt: string;
  /**
   * The drill this result is of, when a state machine ran it (its execution ARN, from `PG_BACKUP_DRILL_ID`): the
   * task's result and the one the state machine may write after it share it.
   */
  readonly drillId?: string;
  /** When it ended (ISO 8601). */
  readonly finishedAt: string;
  /**
   * What was restored: the backup id (dump), the base backup and target time (PITR), the snapshot (snapshot drill), the
   * target time (point-in-time drill), the restore job and the restored resource (restore testing).
   */
  readonly restored: {
    readonly backupId?: string;
    readonly baseBackup?: string;
    readonly targetTime?: string;
    readonly snapshot?: string;
    readonly restoreJobId?: string;
    readonly resource?: string;
  };
  /** The recovery time reached: seconds from the start of the restore to a database ready for checks. */
  readonly rtoSeconds?: number;
  /** The recovery time objective the drill was held to, seconds, when it had one. */
  readonly rtoObjectiveSeconds?: number;
  /** Whether the restore took longer than {@link rtoObjectiveSeconds}: such a drill is never a good one, whatever its checks said. */
  readonly rtoExceeded?: boolean;
  /** The recovery point reached: the dump's snapshot time, or the commit time where recovery stopped. */
  readonly recoveryPoint?: string;
  /** Rows that matched the backup's counts (dump) or the row bounds (PITR). */
  readonly rowsMatched?: number;
  /** Each check and its outcome. */
  readonly checks: readonly DrillRecordCheck[];
}

/**
 * Whether a drill result proves the backups restore in time: it succeeded and was not slower than its RTO. A result
 * that says both (`succeeded` and `rtoExceeded`) is not taken for a good drill.
 */
export function isGoodDrill(record: Pick<DrillRecord, 'succeeded' | 'rtoExceeded'>): boolean {
  return record.succeeded && record.rtoExceeded !== true;
}

/** `--rto`: the recovery time objective a drill is held to. */
export const RTO_FLAG: FlagDefinition = {
  name: 'rto',
  value: 'DUR',
  description: 'the recovery time objective, 1s to 7 days: a drill whose recorded RTO is longer fails (exit 1) and its result says so (rtoExceeded), whatever its checks said',
  default: 'no objective',
  example: '--rto 1h',
};

/** Reads `--rto` (seconds), absent when not given; a bad value is reported on `reader`. */
export function readRtoObjective(reader: FlagReader): number | undefined {
  return reader.string('rto') === undefined ? undefined : reader.seconds('rto', 1, 7 * 86_400, 0);
}

/**
 * Holds the result of a drill whose restore and checks passed to its RTO: within it (or without one) the result is
 * good, with the objective beside the measured time; slower, the result is a failed drill that says why
 * (`rtoExceeded`), and `failure` is the runner's error to throw once it is stored, so the drill fails (exit 1) as the
 * record says.
 */
export function heldToRto(record: DrillRecord, objectiveSeconds: number | undefined): { record: DrillRecord; failure?: RunnerError } {
  if (!record.succeeded || objectiveSeconds === undefined || record.rtoSeconds === undefined) return { record };
  const exceeded = record.rtoSeconds > objectiveSeconds;
  const judged: DrillRecord = { ...record, rtoObjectiveSeconds: objectiveSeconds, rtoExceeded: exceeded };
  if (!exceeded) return { record: judged };
  const reason = `the ${record.kind} drill of ${record.database} restored and passed its checks, but took ${formatDuration(record.rtoSeconds)}, `
    + `longer than the RTO of ${formatDuration(objectiveSeconds)}: it does not count as a good drill`;
  return { record: { ...judged, succeeded: false, reason }, failure: new RunnerError(reason) };
}

/** The key of a drill result written at `finishedAt`: the compact UTC time sorts the keys by time. */
export function drillRecordKey(layout: BackupLayout, database: string, finishedAt: Date): string {
  return `${layout.databaseFolder(database)}/${DRILLS_FOLDER}/${compactDrillTime(finishedAt)}.json`;
}

/**
 * Writes a drill result beside the backups of its database, whole or not at all and never over another (the store's
 * create-only small write, as for manifests). Returns the key.
 */
export async function writeDrillRecord(store: BackupStore, layout: BackupLayout, record: DrillRecord): Promise<string> {
  const key = drillRecordKey(layout, record.database, new Date(record.finishedAt));
  await store.putBytes(key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
  return key;
}

/** A stored drill result and its key. */
export interface StoredDrillRecord {
  /** Its key. */
  readonly key: string;
  /** The result. */
  readonly record: DrillRecord;
}

/** The drill results of one database: the newest, and the newest successful one. */
export interface DatabaseDrills {
  /** The database. */
  readonly database: string;
  /** The newest result, whatever its outcome. */
  readonly newest?: StoredDrillRecord;
  /** The newest good result ({@link isGoodDrill}: succeeded, within its RTO). */
  readonly newestSucceeded?: StoredDrillRecord;
  /** Results that could not be read as one, with the reason. */
  readonly unreadable: { readonly key: string; readonly reason: string }[];
}

function parseDrillRecord(data: Buffer, key: string): DrillRecord {
  const value = JSON.parse(data.toString('utf8')) as Partial<DrillRecord>;
  if (value === null || typeof value !== 'object' || value.version !== 1 || typeof value.succeeded !== 'boolean'
    || typeof value.finishedAt !== 'string' || Number.isNaN(Date.parse(value.finishedAt)) || typeof value.database !== 'string') {
    throw new Error(`${key} is not a drill result (version 1 with database, succeeded and finishedAt)`);
  }
  return value as DrillRecord;
}

/**
 * Reads the drill results under the layout's prefix (of one database, if given): per database the newest one and the
 * newest good one (succeeded within its RTO), reading newest first and stopping at the first good one. A result that cannot be read is
 * listed with its reason and never hides the others.
 */
export async function readDatabaseDrills(store: BackupStore, layout: BackupLayout, database?: string): Promise<DatabaseDrills[]> {
  const prefix = database === undefined ? layout.rootPrefix : `${layout.databaseFolder(database)}/`;
  const keysByDatabase = new Map<string, string[]>();
  for await (const key of store.list(prefix)) {
    const parsed = layout.parseObjectKey(key);
    if (!parsed || parsed.backupId !== DRILLS_FOLDER || !/^[^/]+\.json$/.test(parsed.name)) continue;
    if (database !== undefined && parsed.database !== database) continue;
    keysByDatabase.set(parsed.database, [...(keysByDatabase.get(parsed.database) ?? []), key]);
  }
  const results: DatabaseDrills[] = [];
  for (const [name, keys] of [...keysByDatabase].sort(([a], [b]) => a.localeCompare(b))) {
    let newest: StoredDrillRecord | undefined;
    let newestSucceeded: StoredDrillRecord | undefined;
    // Drills a newer result says failed: an older success of the same drill (its task's, written before the state
    // machine failed the drill, e.g. for a restore slower than the RTO) is no good drill.
    const failedDrills = new Set<string>();
    const unreadable: { key: string; reason: string }[] = [];
    for (const key of keys.sort().reverse()) {
      const data = await store.getBytes(key);
      if (data === undefined) continue;
      let record: DrillRecord;
      try {
        record = parseDrillRecord(data, key);
      } catch (error) {
        unreadable.push({ key, reason: errorMessage(error) });
        continue;
      }
      newest ??= { key, record };
      if (!isGoodDrill(record) && record.drillId !== undefined) failedDrills.add(record.drillId);
      if (isGoodDrill(record) && (record.drillId === undefined || !failedDrills.has(record.drillId))) {
        newestSucceeded = { key, record };
        break;
      }
    }
    results.push({ database: name, newest, newestSucceeded, unreadable });
  }
  return results;
}

/** The record with the identity of the drill that ran it, when its state machine gave one (`PG_BACKUP_DRILL_ID`). */
export function withDrillId(record: DrillRecord, env: NodeJS.ProcessEnv): DrillRecord {
  const drillId = env[DRILL_ID_ENV];
  return drillId ? { ...record, drillId } : record;
}

/**
 * Stores a drill's result beside the backups it drilled. A store that refuses the write (an identity that may only
 * read) does not change the drill's outcome: the refusal is logged and returned, so the result line shows it.
 */
export async function recordDrill(
  source: { readonly location: BackupLocation; readonly store: BackupStore }, logger: Logger, record: DrillRecord,
): Promise<{ key: string; written: boolean; error?: string }> {
  const layout = new BackupLayout(source.location);
  const key = drillRecordKey(layout, record.database, new Date(record.finishedAt));
  try {
    await writeDrillRecord(source.store, layout, record);
    logger.info({ key, succeeded: record.succeeded }, 'drill result stored beside the backups');
    return { key, written: true };
  } catch (error) {
    logger.warn({ key, error: errorMessage(error) }, 'the drill result could not be stored beside the backups; status will not show this drill');
    return { key, written: false, error: errorMessage(error) };
  }
}
