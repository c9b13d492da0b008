/**
 * The price table of the cost estimate: what a GB-month of each storage class, a GB-month of snapshot
 * storage and a GB copied between regions cost. The defaults are list prices, so the estimate is only
 * an estimate: overriding any entry (a negotiated discount, another region) is expected.
 */
import { ALL_STORAGE_CLASSES, StorageClass } from './storage-class';
import { Validator } from './validation';

/** Prices, in US dollars. */
export interface StoragePriceTable {
  /** When these prices were current, e.g. `2025-06`. */
  readonly asOf: string;
  /** Price of a GB stored for a month, per storage class. */
  readonly storageGbMonth: Readonly<Record<StorageClass, number>>;
  /** Price of a GB-month of managed-database snapshot storage (RDS backup storage, AWS Backup warm storage). */
  readonly snapshotGbMonth: number;
  /** Price of a GB copied to another region. */
  readonly interRegionTransferGb: number;
}

/** A partial price table: each entry given replaces the default's. */
export interface StoragePriceOverrides {
  /**
   * When the overriding prices were current.
   * @default - the default table's date
   */
  readonly asOf?: string;
  /**
   * Prices per storage class; classes left out keep the default price.
   * @default - the default prices
   */
  readonly storageGbMonth?: Partial<Record<StorageClass, number>>;
  /**
   * Snapshot storage price.
   * @default - the default price
   */
  readonly snapshotGbMonth?: number;
  /**
   * Inter-region transfer price.
   * @default - the default price
   */
  readonly interRegionTransferGb?: number;
}

/**
 * Public list prices in USD as of June 2025, first pricing tier: S3 in us-east-1 (Standard 0.023,
 * Standard-IA 0.0125, One Zone-IA 0.01, Intelligent-Tiering at its frequent-access price 0.023 — an upper
 * bound, since untouched objects move to cheaper tiers —, Glacier Instant Retrieval 0.004, Glacier Flexible
 * Retrieval 0.0036, Deep Archive 0.00099); Azure Blob Storage LRS in East US (hot 0.018, cool 0.01, cold
 * 0.0036, archive 0.002); RDS backup storage beyond the free allowance 0.095 (also used for Azure flexible
 * server backup storage, which is priced alike); inter-region transfer 0.02
 * per GB. Requests, retrievals and early-deletion fees are not priced. Check the clouds' pricing pages
 * before relying on them.
 */
export const DEFAULT_STORAGE_PRICES: StoragePriceTable = {
  asOf: '2025-06',
  storageGbMonth: {
    [StorageClass.STANDARD]: 0.023,
    [StorageClass.INFREQUENT_ACCESS]: 0.0125,
    [StorageClass.ONE_ZONE_INFREQUENT_ACCESS]: 0.01,
    [StorageClass.INTELLIGENT_TIERING]: 0.023,
    [StorageClass.GLACIER_INSTANT]: 0.004,
    [StorageClass.GLACIER_FLEXIBLE]: 0.0036,
    [StorageClass.DEEP_ARCHIVE]: 0.00099,
    [StorageClass.HOT]: 0.018,
    [StorageClass.COOL]: 0.01,
    [StorageClass.COLD]: 0.0036,
    [StorageClass.ARCHIVE]: 0.002,
  },
  snapshotGbMonth: 0.095,
  interRegionTransferGb: 0.02,
};

const MAX_PRICE = 1000;

/**
 * The default table with `overrides` applied, each override checked (a number from 0 to 1000 USD) and
 * reported to `validator` under `path`.
 */
export function resolveStoragePrices(
  overrides: StoragePriceOverrides = {},
  validator: Validator = new Validator(),
  path = 'prices',
  base: StoragePriceTable = DEFAULT_STORAGE_PRICES,
): StoragePriceTable {
  const storageGbMonth = { ...base.storageGbMonth };
  Object.entries(overrides.storageGbMonth ?? {}).forEach(([storageClass, price]) => {
    if (!validator.oneOf(`${path}.storageGbMonth`, storageClass as StorageClass, ALL_STORAGE_CLASSES)) return;
    if (validator.number(`${path}.storageGbMonth.${storageClass}`, price, 0, MAX_PRICE, 'USD') && price !== undefined) {
      storageGbMonth[storageClass as StorageClass] = price;
    }
  });
  const scalar = (name: 'snapshotGbMonth' | 'interRegionTransferGb'): number => {
    const value = overrides[name];
    return validator.number(`${path}.${name}`, value, 0, MAX_PRICE, 'USD') && value !== undefined ? value : base[name];
  };
  return {
    asOf: overrides.asOf ?? base.asOf,
    storageGbMonth,
    snapshotGbMonth: scalar('snapshotGbMonth'),
    interRegionTransferGb: scalar('interRegionTransferGb'),
  };
}
