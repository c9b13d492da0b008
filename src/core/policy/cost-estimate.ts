/**
 * How much storage a backup policy keeps at steady state, per storage class, and what it costs a month.
 * An estimate from a few numbers (database size, daily change, compression) and the policy's retention;
 * the model behind each item is written next to it so the figure can be checked by hand.
 */
import { ResolvedBackupRetentionPolicy, resolveBackupRetention } from './backup-retention';
import {
  DEFAULT_DIFF_BACKUP_SCHEDULE,
  DEFAULT_FULL_BACKUP_SCHEDULE,
  DEFAULT_LOGICAL_DUMP_SCHEDULE,
  DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
  dumpRetentionDaysDefault,
  resolveExpireBy,
  resolvePitr,
} from './defaults';
import { KeptDumps, keptDumpsAtSteadyState } from './kept-dumps';
import { baseBackupExpirationDays, DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS, REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS } from './lifecycle';
import { LifecycleTransition, MAX_LIFECYCLE_DAYS, validateLifecycleRules } from './lifecycle-rules';
import { BackupPolicy, ScheduleSpec } from './policy';
import { parseSchedule } from './schedule';
import { initialStorageClass, StorageClass } from './storage-class';
import { resolveStoragePrices, StoragePriceOverrides, StoragePriceTable } from './storage-prices';
import { PolicyValidationError, Validator } from './validation';

/**
 * How much smaller a compressed backup is than the database: 3 is typical of a dump at the default `zstd:1`
 * (within a few percent of pg_dump's gzip level 6 on mixed OLTP data; the benchmark's shop database, whose keys
 * and payloads are largely random, dumps 5.5:1), and of pgBackRest, WAL-G and barman-cloud compressing base
 * backups and WAL.
 * Measure yours (a dump's manifest records its size) and pass it as `compressionRatio`.
 */
export const DEFAULT_COMPRESSION_RATIO = 3;

/** The days of an average month (365 / 12). */
export const DAYS_PER_MONTH = 365 / 12;

/** The sizes a construct's storage-cost estimate is computed from (its `estimate` prop). */
export interface DatabaseSizeInputs {
  /** Size of the database (or of the server's databases), GB. */
  readonly databaseSizeGb: number;
  /**
   * Data changed a day, GB: the WAL written a day.
   * @default - 5% of `databaseSizeGb`
   */
  readonly dailyChangeGb?: number;
  /**
   * Database size over backup size.
   * @default 3
   */
  readonly compressionRatio?: number;
}

/**
 * The estimate of what a construct stores, from the sizes its `estimate` prop gives: {@link estimateMonthlyCost} with
 * the daily change defaulting to 5% of the size. Bad sizes are reported to `validator` under `estimate.…`.
 */
export function estimateFromSizes(
  label: string, policy: BackupPolicy, sizes: DatabaseSizeInputs,
  more: Pick<CostEstimateInputs, 'dumpTransitions' | 'dumpReplication' | 'walReplication'> = {}, validator?: Validator,
): CostEstimate {
  const check = new Validator();
  const estimate = estimateMonthlyCost({
    policy,
    databaseSizeGb: sizes.databaseSizeGb,
    // A bad size is reported once, as itself, not again through the change derived from it.
    dailyChangeGb: sizes.dailyChangeGb ?? Math.max(0, (sizes.databaseSizeGb ?? 0) * 0.05),
    compressionRatio: sizes.compressionRatio,
    ...more,
    label,
  }, {}, check);
  const issues = check.issues.map((issue) => ({ ...issue, path: `estimate.${issue.path}` }));
  if (validator) validator.include(issues);
  else if (issues.length > 0) throw new PolicyValidationError(issues);
  return estimate;
}

/**
 * The label of an estimate that says what it counts: `what` and the size it is computed from, e.g. `server orders
 * (databases orders, invoices), 200 GB of allocated storage compressed 3:1`. `sizeSource` says where the size comes
 * from when the user did not give it.
 */
export function estimateLabel(what: string, sizes: Pick<DatabaseSizeInputs, 'databaseSizeGb' | 'compressionRatio'>, sizeSource?: string): string {
  const ratio = sizes.compressionRatio ?? DEFAULT_COMPRESSION_RATIO;
  return `${what}, ${formatNumber(sizes.databaseSizeGb)} GB${sizeSource ? ` ${sizeSource}` : ''} compressed ${formatNumber(ratio)}:1`;
}

/** What the estimate is computed from. */
export interface CostEstimateInputs {
  /** The backup policy. */
  readonly policy: BackupPolicy;
  /** Size of the database, GB (as `pg_database_size` reports it). */
  readonly databaseSizeGb: number;
  /**
   * Data changed a day, GB: the WAL written a day, and what differential backups and incremental
   * snapshots copy.
   */
  readonly dailyChangeGb: number;
  /**
   * Database size over backup size, applied to dumps, base backups and WAL (not to snapshots).
   * @default DEFAULT_COMPRESSION_RATIO (3)
   */
  readonly compressionRatio?: number;
  /**
   * Transitions of the dump bucket's lifecycle (the same the bucket is given).
   * @default - dumps stay in the class they are written in
   */
  readonly dumpTransitions?: LifecycleTransition[];
  /**
   * Days an expired or deleted object version is kept (the buckets are versioned, so deleted data is billed until then).
   * @default DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS (7)
   */
  readonly noncurrentVersionDays?: number;
  /**
   * S3 replication of the dump bucket to an offsite bucket (`ScheduledPgDump`'s `replication`): every new dump is
   * copied once. Deletes are never replicated: the destination keeps each replica as long as its own lifecycle says,
   * unless the prune task prunes the replicas too (`prunedWithSource`), when it keeps what the prune keeps.
   * @default - no replication
   */
  readonly dumpReplication?: ReplicationCostInputs;
  /**
   * S3 replication of the WAL archive bucket to an offsite bucket (`SelfHostedPitrArchive`'s `replication`): every
   * new WAL segment and base backup is copied once and kept as long as the destination's lifecycle says, since
   * deletes (the archiver's expiry) are never replicated. When the archiver expires the backups (`expireBy:
   * 'archiver'`), the source's lifecycle expires nothing, so `destinationExpirationDays` is required.
   * @default - no replication
   */
  readonly walReplication?: ReplicationCostInputs;
  /**
   * Name used in the summary line, e.g. the database name.
   * @default 'backups'
   */
  readonly label?: string;
}

/** The offsite copy of a bucket (dumps or the WAL archive), as the estimate sees it. */
export interface ReplicationCostInputs {
  /**
   * Region of the destination bucket: another region than `policy.sourceRegion` moves every new dump across regions.
   * @default - another region
   */
  readonly region?: string;
  /**
   * Days the destination keeps a replica (`replication.destinationExpirationDays`).
   * @default - the source bucket's expiry: for dumps `retentionDays`, or with `retention` its safety net; for the WAL
   * archive the lifecycle's expiry of WAL and of base backups
   */
  readonly destinationExpirationDays?: number;
  /**
   * Whether the prune task also prunes the replicas of the dumps with their grandfather-father-son retention
   * (`pg-backup prune --replica`), as every construct with `dump.retention` and an offsite copy does: the destination
   * then keeps what the source keeps, and its lifecycle is only the safety net. Ignored without `dump.retention`.
   * @default false - the destination keeps every replica until its lifecycle expires it
   */
  readonly prunedWithSource?: boolean;
  /**
   * Days a pruned replica stays at the destination as a previous version before its lifecycle deletes it.
   * @default REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS (1)
   */
  readonly noncurrentVersionDays?: number;
}

/** What one line of the estimate is about. */
export type CostEstimateItemKind =
  | 'logical-dumps' | 'wal-archive' | 'base-backups' | 'snapshots' | 'copies' | 'copy-transfer'
  | 'replicas' | 'replica-transfer' | 'wal-replicas' | 'wal-replica-transfer';

/** One line of the estimate. */
export interface CostEstimateItem {
  /** What is stored or moved. */
  readonly item: CostEstimateItemKind;
  /** How the quantity was found, in words. */
  readonly description: string;
  /**
   * The storage class, for object storage.
   * @default - not object storage (snapshots, transfer)
   */
  readonly storageClass?: StorageClass;
  /** GB-months stored (average GB kept over a month), or GB moved a month for transfer. */
  readonly quantity: number;
  /** Unit of `quantity`. */
  readonly unit: 'GB-month' | 'GB';
  /** Price of one unit, USD. */
  readonly unitPriceUsd: number;
  /** `quantity × unitPriceUsd`, USD a month. */
  readonly monthlyUsd: number;
}

/** The estimate. */
export interface CostEstimate {
  /** Each line, in the order: dumps, WAL, base backups, snapshots, copies. */
  readonly items: CostEstimateItem[];
  /** GB-months of object storage per storage class. */
  readonly gbMonthByStorageClass: Partial<Record<StorageClass, number>>;
  /** GB-months stored in all (object storage and snapshots). */
  readonly totalGbMonth: number;
  /** USD a month. */
  readonly totalMonthlyUsd: number;
  /** When the prices used were current. */
  readonly pricesAsOf: string;
  /**
   * One line for a report: what it costs, what is stored on average (GB-months a month) and what of, and what moves to
   * another region: `orders: about $21.28 a month for 925 GB stored on average: dumps 925 GB (estimate, list prices of
   * 2025-06)`.
   */
  readonly summary: string;
}

/**
 * Estimates the storage a policy keeps at steady state and its monthly cost.
 *
 * - Logical dumps: each dump is `databaseSizeGb / compressionRatio`; `runs a day × (retentionDays +
 *   noncurrentVersionDays)` dumps are kept, split between classes by `dumpTransitions`. With a grandfather-father-son
 *   `retention`, the dumps kept are those the prune keeps at steady state (its own selection run over 46 prunes 8 days
 *   apart: the union of the daily, weekly, monthly and yearly classes and the newest `minimumKept`), each in the
 *   class of its age, plus each day's pruned dumps for the noncurrent days.
 * - Replicas (`dumpReplication`): every new dump is copied once, in the class dumps are written in. Pruned with the
 *   source (`prunedWithSource`, with `retention`), the destination keeps the prune's steady-state set plus each day's
 *   pruned replicas for its noncurrent days; otherwise it keeps every replica for its lifecycle: `runs a day ×
 *   (destination expiry + 1 noncurrent day)`. A destination in another region also moves every new dump across regions.
 * - WAL replicas (`walReplication`): every WAL segment and base backup written a day (`dailyChangeGb /
 *   compressionRatio` of WAL, and each full with its differentials) is copied once and kept by the destination's
 *   lifecycle: `destinationExpirationDays`, else the source's WAL and base-backup expiries, plus 1 noncurrent day; a
 *   destination in another region also moves all of it across regions.
 * - WAL: `dailyChangeGb / compressionRatio` a day, kept `pitr.walRetentionDays` (default: the minimum that
 *   replays the oldest base backup) plus the noncurrent days.
 * - Base backups: a full is the compressed database; the differentials between two fulls, evenly spaced,
 *   hold the change since their full (at most the database). `retainFull` groups are kept (with lifecycle
 *   expiry: as many as fit in the base-backup expiration), plus what expired in the last noncurrent days.
 * - Snapshots (managed snapshots or a backup plan): incremental, so one full copy of the database plus the
 *   daily change over the longest retention, all in warm storage: neither AWS Backup nor Azure Backup moves a
 *   PostgreSQL server's recovery points to cold storage (a rule's `moveToColdStorageAfterDays` changes nothing here).
 *   The free backup allowance of RDS is not subtracted.
 * - Copies: each copy keeps the snapshots (or, without snapshots, the dumps) again for its own retention,
 *   and a copy to another region moves the daily change (or each new dump) across regions.
 *
 * Bad inputs are reported to `validator` (default: thrown as a `PolicyValidationError`).
 */
export function estimateMonthlyCost(inputs: CostEstimateInputs, prices: StoragePriceOverrides = {}, validator?: Validator): CostEstimate {
  const check = validator ?? new Validator();
  const before = check.issues.length;
  if (inputs.databaseSizeGb === undefined) {
    // Required by the type, but a program in JavaScript can leave it out: the estimate has nothing to scale then.
    check.report({ path: 'databaseSizeGb', value: undefined, allowed: 'a number from 0 to 10000000 GB, the size the estimate is worked out from' });
  }
  check.number('databaseSizeGb', inputs.databaseSizeGb, 0, 10_000_000, 'GB');
  check.number('dailyChangeGb', inputs.dailyChangeGb, 0, 10_000_000, 'GB');
  check.number('compressionRatio', inputs.compressionRatio, 1, 100);
  check.integer('noncurrentVersionDays', inputs.noncurrentVersionDays, 0, MAX_LIFECYCLE_DAYS, 'days');
  const table = resolveStoragePrices(prices, check);
  const model = new SteadyStateModel(inputs, check);
  const items = check.issues.length === before ? model.items(table) : [];
  if (!validator) check.throwIfInvalid();

  const gbMonthByStorageClass: Partial<Record<StorageClass, number>> = {};
  for (const item of items) {
    if (item.storageClass) gbMonthByStorageClass[item.storageClass] = (gbMonthByStorageClass[item.storageClass] ?? 0) + item.quantity;
  }
  const totalGbMonth = sum(items.filter((item) => item.unit === 'GB-month').map((item) => item.quantity));
  const totalMonthlyUsd = sum(items.map((item) => item.monthlyUsd));
  const summary = `${inputs.label ?? 'backups'}: about $${formatUsd(totalMonthlyUsd)} a month for ${formatNumber(round(totalGbMonth))} GB stored `
    + `on average${describeParts(items)} (estimate, list prices of ${table.asOf})`;
  return { items, gbMonthByStorageClass, totalGbMonth, totalMonthlyUsd, pricesAsOf: table.asOf, summary };
}

interface CopyStorage {
  readonly gbMonth: number;
  readonly transferGb: number;
  readonly inClass: boolean;
  readonly region: string;
  readonly description: string;
}

class SteadyStateModel {
  private readonly policy: BackupPolicy;
  private readonly size: number;
  private readonly change: number;
  private readonly ratio: number;
  private readonly noncurrentDays: number;
  private readonly initialClass: StorageClass;
  private readonly dumpRunsPerDay: number | undefined;
  private readonly fullsPerDay: number | undefined;
  private readonly diffsPerDay: number | undefined;

  constructor(private readonly inputs: CostEstimateInputs, private readonly validator: Validator) {
    this.policy = inputs.policy;
    this.size = inputs.databaseSizeGb;
    this.change = inputs.dailyChangeGb;
    this.ratio = inputs.compressionRatio ?? DEFAULT_COMPRESSION_RATIO;
    this.noncurrentDays = inputs.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS;
    this.initialClass = initialStorageClass(this.policy.platform === 'azure' ? 'azure' : 'aws');
    const dump = this.policy.logicalDump;
    if (dump) {
      this.dumpRunsPerDay = runsPerDay(dump.schedule ?? DEFAULT_LOGICAL_DUMP_SCHEDULE, 'logicalDump.schedule', validator);
      validateLifecycleRules([{
        id: 'logical-dumps', prefix: '', transitions: inputs.dumpTransitions, expirationDays: dump.retentionDays ?? dumpRetentionDaysDefault(dump),
      }], validator, 'dumpLifecycle');
      validator.integer('dumpReplication.destinationExpirationDays', inputs.dumpReplication?.destinationExpirationDays, 1, MAX_LIFECYCLE_DAYS, 'days');
    }
    const pitr = this.policy.pitr;
    if (pitr) {
      this.fullsPerDay = runsPerDay(pitr.fullBackupSchedule ?? DEFAULT_FULL_BACKUP_SCHEDULE, 'pitr.fullBackupSchedule', validator);
      this.diffsPerDay = runsPerDay(pitr.diffBackupSchedule ?? DEFAULT_DIFF_BACKUP_SCHEDULE, 'pitr.diffBackupSchedule', validator);
      const walReplication = inputs.walReplication;
      validator.integer('walReplication.destinationExpirationDays', walReplication?.destinationExpirationDays, 1, MAX_LIFECYCLE_DAYS, 'days');
      if (walReplication && walReplication.destinationExpirationDays === undefined && resolveExpireBy(pitr) === 'archiver') {
        validator.report({
          path: 'walReplication.destinationExpirationDays',
          value: undefined,
          allowed: 'the days the offsite bucket keeps a replica',
          reason: 'the archiver expires the backups at the source and deletes are not replicated, so without it replicas are kept forever',
        }, []);
      }
    }
  }

  public items(prices: StoragePriceTable): CostEstimateItem[] {
    const items: CostEstimateItem[] = [];
    const stored = (item: CostEstimateItemKind, description: string, quantity: number, unitPriceUsd: number, storageClass?: StorageClass): void => {
      if (quantity <= 0) return;
      items.push({ item, description, ...(storageClass ? { storageClass } : {}), quantity, unit: 'GB-month', unitPriceUsd, monthlyUsd: quantity * unitPriceUsd });
    };
    const storedInClass = (item: CostEstimateItemKind, description: string, quantity: number, storageClass: StorageClass): void =>
      stored(item, description, quantity, prices.storageGbMonth[storageClass], storageClass);

    for (const segment of this.dumpSegments()) {
      storedInClass('logical-dumps', segment.description, segment.gbMonth, segment.storageClass);
    }
    const replicas = this.dumpReplicas();
    if (replicas) {
      storedInClass('replicas', replicas.description, replicas.gbMonth, this.initialClass);
      if (replicas.transferGb > 0) {
        items.push({
          item: 'replica-transfer',
          description: `${formatNumber(replicas.transferGb)} GB of new dumps a month replicated to ${replicas.region}`,
          quantity: replicas.transferGb,
          unit: 'GB',
          unitPriceUsd: prices.interRegionTransferGb,
          monthlyUsd: replicas.transferGb * prices.interRegionTransferGb,
        });
      }
    }
    if (this.policy.pitr) {
      const wal = this.walGbMonth();
      storedInClass('wal-archive', wal.description, wal.gbMonth, this.initialClass);
      const base = this.baseBackupGbMonth();
      storedInClass('base-backups', base.description, base.gbMonth, this.initialClass);
      const walReplicas = this.walReplicas();
      if (walReplicas) {
        storedInClass('wal-replicas', walReplicas.description, walReplicas.gbMonth, this.initialClass);
        if (walReplicas.transferGb > 0) {
          items.push({
            item: 'wal-replica-transfer',
            description: `${formatNumber(walReplicas.transferGb)} GB of new WAL and base backups a month replicated to ${walReplicas.region}`,
            quantity: walReplicas.transferGb,
            unit: 'GB',
            unitPriceUsd: prices.interRegionTransferGb,
            monthlyUsd: walReplicas.transferGb * prices.interRegionTransferGb,
          });
        }
      }
    }
    const snapshots = this.snapshotGbMonth();
    if (snapshots) {
      stored('snapshots', snapshots.description, snapshots.gbMonth, prices.snapshotGbMonth);
    }
    for (const copy of this.copies(snapshots !== undefined)) {
      if (copy.inClass) {
        storedInClass('copies', copy.description, copy.gbMonth, this.initialClass);
      } else {
        stored('copies', copy.description, copy.gbMonth, prices.snapshotGbMonth);
      }
      if (copy.transferGb > 0) {
        items.push({
          item: 'copy-transfer',
          description: `${formatNumber(copy.transferGb)} GB a month copied to ${copy.region}`,
          quantity: copy.transferGb,
          unit: 'GB',
          unitPriceUsd: prices.interRegionTransferGb,
          monthlyUsd: copy.transferGb * prices.interRegionTransferGb,
        });
      }
    }
    return items;
  }

  private get dumpGb(): number {
    return this.size / this.ratio;
  }

  /** The class a dump is in at an age: the last transition it has passed, else the class it is written in. */
  private dumpClassAt(ageDays: number): StorageClass {
    const passed = (this.inputs.dumpTransitions ?? []).filter((transition) => transition.days <= ageDays);
    return passed.length === 0 ? this.initialClass : passed.reduce((a, b) => (b.days > a.days ? b : a)).storageClass;
  }

  /** Dumps by the class they are in: ages `[0, t1)` in the first class, `[t1, t2)` in the next, …, up to expiry plus the noncurrent days. */
  private dumpSegments(): { storageClass: StorageClass; gbMonth: number; description: string }[] {
    const dump = this.policy.logicalDump;
    if (!dump || this.dumpRunsPerDay === undefined) return [];
    if (dump.retention !== undefined) return this.keptDumpSegments();
    const retention = dump.retentionDays ?? dumpRetentionDaysDefault(dump);
    const lifetime = retention + this.noncurrentDays;
    const boundaries = [
      { day: 0, storageClass: this.initialClass },
      ...(this.inputs.dumpTransitions ?? []).filter((t) => t.days < lifetime).map((t) => ({ day: t.days, storageClass: t.storageClass })),
    ];
    return boundaries.map((boundary, index) => {
      const end = index + 1 < boundaries.length ? boundaries[index + 1].day : lifetime;
      const days = end - boundary.day;
      return {
        storageClass: boundary.storageClass,
        gbMonth: this.dumpGb * this.dumpRunsPerDay! * days,
        description: `${formatNumber(this.dumpRunsPerDay! * days)} dumps of ${formatNumber(this.dumpGb)} GB aged ${boundary.day}–${end} days`,
      };
    });
  }

  /** What the prune keeps at steady state under the dump's grandfather-father-son retention, and its classes in words. */
  private keptDumps(): { retention: ResolvedBackupRetentionPolicy; kept: KeptDumps; count: number; classes: string } {
    const dump = this.policy.logicalDump!;
    const retention = resolveBackupRetention(dump.retention!);
    const kept = keptDumpsAtSteadyState(retention, parseSchedule(dump.schedule ?? DEFAULT_LOGICAL_DUMP_SCHEDULE, 'logicalDump.schedule'));
    const classes = `${retention.daily} daily, ${retention.weekly} weekly, ${retention.monthly} monthly, ${retention.yearly} yearly, `
      + `never fewer than ${retention.minimumKept}`;
    return { retention, kept, count: kept.averageKept, classes };
  }

  /**
   * Dumps under a grandfather-father-son retention: those the prune keeps at steady state, each in the class of its
   * age, and the dumps it deletes each day, billed for the noncurrent days in the class they were deleted from (most
   * leave when they age out of the daily class).
   */
  private keptDumpSegments(): { storageClass: StorageClass; gbMonth: number; description: string }[] {
    const { retention, kept, classes } = this.keptDumps();
    const byClass = new Map<StorageClass, number>();
    for (const age of kept.keptAgesDays) {
      const storageClass = this.dumpClassAt(age);
      byClass.set(storageClass, (byClass.get(storageClass) ?? 0) + 1);
    }
    const segments = [...byClass].map(([storageClass, keptInAllPrunes]) => {
      const count = keptInAllPrunes / kept.prunes;
      return {
        storageClass,
        gbMonth: this.dumpGb * count,
        description: `${formatNumber(count)} dumps of ${formatNumber(this.dumpGb)} GB kept by the prune (${classes})`,
      };
    });
    const pruned = this.dumpRunsPerDay! * this.noncurrentDays;
    if (pruned > 0) {
      segments.push({
        storageClass: this.dumpClassAt(retention.daily),
        gbMonth: this.dumpGb * pruned,
        description: `${formatNumber(pruned)} pruned dumps of ${formatNumber(this.dumpGb)} GB kept ${this.noncurrentDays} noncurrent days`,
      });
    }
    return segments;
  }

  /**
   * The offsite replicas of the dumps: every new dump, kept as the prune keeps the dumps when it prunes the replicas
   * too, else by the destination's lifecycle.
   */
  private dumpReplicas(): { gbMonth: number; transferGb: number; region: string; description: string } | undefined {
    const dump = this.policy.logicalDump;
    const replication = this.inputs.dumpReplication;
    if (!dump || !replication || this.dumpRunsPerDay === undefined) return undefined;
    const crossRegion = replication.region === undefined || replication.region !== this.policy.sourceRegion;
    const region = replication.region ?? 'another region';
    const transferGb = crossRegion ? this.dumpGb * this.dumpRunsPerDay * DAYS_PER_MONTH : 0;
    const noncurrentDays = replication.noncurrentVersionDays ?? REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS;
    if (replication.prunedWithSource && dump.retention !== undefined) {
      const kept = this.keptDumps();
      const pruned = this.dumpRunsPerDay * noncurrentDays;
      return {
        gbMonth: this.dumpGb * (kept.count + pruned),
        transferGb,
        region,
        description: `${formatNumber(kept.count)} replicas of ${formatNumber(this.dumpGb)} GB in ${region} kept by the prune as at the source `
          + `(${kept.classes}), plus ${formatNumber(pruned)} pruned replicas kept ${noncurrentDays} noncurrent day${noncurrentDays === 1 ? '' : 's'}`,
      };
    }
    const keptDays = replication.destinationExpirationDays ?? dump.retentionDays ?? dumpRetentionDaysDefault(dump);
    const replicas = this.dumpRunsPerDay * (keptDays + noncurrentDays);
    return {
      gbMonth: this.dumpGb * replicas,
      transferGb,
      region,
      description: `${formatNumber(replicas)} replicas of ${formatNumber(this.dumpGb)} GB in ${region}, each kept ${keptDays} days `
        + `plus ${noncurrentDays} noncurrent day${noncurrentDays === 1 ? '' : 's'} (deletes are not replicated)`,
    };
  }

  private walGbMonth(): { gbMonth: number; description: string } {
    const walDays = resolvePitr(this.policy.pitr!).walRetentionDays + this.noncurrentDays;
    const perDay = this.change / this.ratio;
    return { gbMonth: perDay * walDays, description: `${formatNumber(perDay)} GB of WAL a day kept ${walDays} days` };
  }

  /** One full base backup with its differentials, GB: the unit written, kept and expired together. */
  private baseBackupGroup(): { group: number; diffsPerFull: number; diffs: number } {
    const fullsPerDay = this.fullsPerDay ?? 0;
    const diffsPerFull = fullsPerDay === 0 ? 0 : Math.round((this.diffsPerDay ?? 0) / fullsPerDay);
    const spacingDays = 1 / (fullsPerDay * (diffsPerFull + 1));
    let diffs = 0;
    for (let i = 1; i <= diffsPerFull; i++) diffs += Math.min(i * spacingDays * this.change, this.size) / this.ratio;
    return { group: this.dumpGb + diffs, diffsPerFull, diffs };
  }

  private baseBackupGbMonth(): { gbMonth: number; description: string } {
    const pitr = this.policy.pitr!;
    const fullsPerDay = this.fullsPerDay ?? 0;
    if (fullsPerDay === 0) return { gbMonth: 0, description: 'no full base backups' };
    const { group, diffsPerFull, diffs } = this.baseBackupGroup();
    const resolved = resolvePitr(pitr);
    const groupsKept = resolved.expireBy === 'lifecycle'
      ? (baseBackupExpirationDays(pitr, this.validator) ?? 0) * fullsPerDay
      : resolved.retainFull;
    const expiredPerDay = group * fullsPerDay;
    return {
      gbMonth: group * groupsKept + expiredPerDay * this.noncurrentDays,
      description: `${formatNumber(groupsKept)} fulls of ${formatNumber(this.dumpGb)} GB with ${diffsPerFull} differentials each (${formatNumber(diffs)} GB)`,
    };
  }

  /** The offsite replicas of the WAL archive: every WAL segment and base backup written, kept by the destination's lifecycle. */
  private walReplicas(): { gbMonth: number; transferGb: number; region: string; description: string } | undefined {
    const pitr = this.policy.pitr;
    const replication = this.inputs.walReplication;
    if (!pitr || !replication) return undefined;
    const walPerDay = this.change / this.ratio;
    const basePerDay = (this.fullsPerDay ?? 0) === 0 ? 0 : this.baseBackupGroup().group * this.fullsPerDay!;
    const walDays = replication.destinationExpirationDays ?? resolvePitr(pitr).walRetentionDays;
    const baseDays = replication.destinationExpirationDays ?? baseBackupExpirationDays(pitr, this.validator) ?? walDays;
    const extra = REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS;
    const crossRegion = replication.region === undefined || replication.region !== this.policy.sourceRegion;
    const region = replication.region ?? 'another region';
    return {
      gbMonth: walPerDay * (walDays + extra) + basePerDay * (baseDays + extra),
      transferGb: crossRegion ? (walPerDay + basePerDay) * DAYS_PER_MONTH : 0,
      region,
      description: `${formatNumber(walPerDay)} GB of WAL a day kept ${walDays} days and ${formatNumber(basePerDay)} GB of base backups a day `
        + `kept ${baseDays} days in ${region}, plus ${extra} noncurrent day (deletes are not replicated)`,
    };
  }

  private snapshotGbMonth(): { gbMonth: number; description: string } | undefined {
    const { managedSnapshots, backupPlan } = this.policy;
    if (!managedSnapshots && !backupPlan) return undefined;
    // AWS Backup ignores a rule's cold storage for RDS and Aurora, so every recovery point stays warm its whole retention.
    const days = [
      ...(managedSnapshots ? [managedSnapshots.backupRetentionDays ?? DEFAULT_MANAGED_BACKUP_RETENTION_DAYS] : []),
      ...(backupPlan?.continuousBackupRetentionDays !== undefined ? [backupPlan.continuousBackupRetentionDays] : []),
      ...(backupPlan?.rules ?? []).map((rule) => rule.retentionDays),
    ];
    const longest = Math.max(0, ...days);
    return {
      gbMonth: this.size + this.change * longest,
      description: `one full copy of ${formatNumber(this.size)} GB and ${longest} days of ${formatNumber(this.change)} GB daily change`,
    };
  }

  private copies(hasSnapshots: boolean): CopyStorage[] {
    const dumpRuns = this.dumpRunsPerDay ?? 0;
    return (this.policy.copies ?? []).flatMap((copy): CopyStorage[] => {
      const crossRegion = copy.destination === 'region' || (copy.region !== undefined && copy.region !== this.policy.sourceRegion);
      const region = copy.region ?? 'another account';
      if (hasSnapshots) {
        return [{
          gbMonth: this.size + this.change * copy.retentionDays,
          transferGb: crossRegion ? this.change * DAYS_PER_MONTH : 0,
          inClass: false,
          region,
          description: `snapshots copied to ${region}, kept ${copy.retentionDays} days`,
        }];
      }
      if (dumpRuns === 0) return [];
      return [{
        gbMonth: this.dumpGb * dumpRuns * copy.retentionDays,
        transferGb: crossRegion ? this.dumpGb * dumpRuns * DAYS_PER_MONTH : 0,
        inClass: true,
        region,
        description: `dumps copied to ${region}, kept ${copy.retentionDays} days`,
      }];
    });
  }
}

// 52 whole weeks, so weekly schedules average exactly 1/7 a day.
const SAMPLE_DAYS = 364;
const SAMPLE_START = Date.UTC(2025, 0, 1);
const MINUTES_PER_UNIT = { minute: 1, hour: 60, day: 1440 } as const;

/**
 * Average runs a day of a schedule, over 52 weeks of calendar days (wall-clock, daylight saving time ignored).
 * Reports an invalid schedule under `path` and returns `undefined`.
 */
export function runsPerDay(spec: ScheduleSpec, path: string, validator: Validator = new Validator()): number | undefined {
  if (validator.isUnresolved(spec, spec.expression, spec.timezone)) return undefined;
  let parsed;
  try {
    parsed = parseSchedule(spec, path);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    error.issues.forEach((issue) => validator.report(issue, []));
    return undefined;
  }
  if (parsed.kind === 'rate') return 1440 / (parsed.value * MINUTES_PER_UNIT[parsed.unit]);
  let days = 0;
  for (let day = 0; day < SAMPLE_DAYS; day++) {
    const date = new Date(SAMPLE_START + day * 86_400_000);
    const matches = (parsed.months === undefined || parsed.months.includes(date.getUTCMonth() + 1))
      && (parsed.daysOfMonth === undefined || parsed.daysOfMonth.includes(date.getUTCDate()))
      && (parsed.daysOfWeek === undefined || parsed.daysOfWeek.includes(date.getUTCDay()));
    if (matches) days++;
  }
  return (parsed.minutes.length * parsed.hours.length * days) / SAMPLE_DAYS;
}

/** What each kind of line is called in the summary; kinds that share a name are added up. */
const PART_NAMES: Record<CostEstimateItemKind, string> = {
  'logical-dumps': 'dumps',
  'replicas': 'offsite replicas of the dumps',
  'wal-archive': 'WAL',
  'base-backups': 'base backups',
  'wal-replicas': 'offsite replicas of the WAL archive',
  'snapshots': 'snapshots',
  'copies': 'copies',
  'replica-transfer': 'moved to another region',
  'wal-replica-transfer': 'moved to another region',
  'copy-transfer': 'moved to another region',
};

/** `: dumps 1,534 GB, offsite replicas of the dumps 1,600 GB; 2,028 GB a month moved to another region`, or nothing. */
function describeParts(items: readonly CostEstimateItem[]): string {
  const totals = new Map<string, { quantity: number; unit: CostEstimateItem['unit'] }>();
  for (const item of items) {
    const name = PART_NAMES[item.item];
    totals.set(name, { quantity: (totals.get(name)?.quantity ?? 0) + item.quantity, unit: item.unit });
  }
  const stored = [...totals].filter(([, part]) => part.unit === 'GB-month').map(([name, part]) => `${name} ${formatNumber(round(part.quantity))} GB`);
  const moved = [...totals].filter(([, part]) => part.unit === 'GB').map(([name, part]) => `${formatNumber(round(part.quantity))} GB a month ${name}`);
  if (stored.length === 0 && moved.length === 0) return '';
  return `: ${stored.join(', ')}${moved.length > 0 ? `; ${moved.join(', ')}` : ''}`;
}

/** A quantity as the summary shows it: whole GB from 100 up, else two decimals. */
function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
}

/** Dollars and cents, rounding half up after clearing binary noise (21.275 is stored as 21.27499…). */
function formatUsd(value: number): string {
  return (Math.round(Number((value * 100).toFixed(6))) / 100).toFixed(2);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function formatNumber(value: number): string {
  // A label is made before the sizes are checked: a missing size is reported by the check, not crashed on here.
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
