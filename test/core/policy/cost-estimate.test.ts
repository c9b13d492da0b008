import { CostEstimateInputs, DAYS_PER_MONTH, DEFAULT_COMPRESSION_RATIO, estimateMonthlyCost, runsPerDay } from '../../../src/core/policy/cost-estimate';
import { resolvePitr } from '../../../src/core/policy/defaults';
import { baseBackupExpirationDays, REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS } from '../../../src/core/policy/lifecycle';
import { PitrPolicy } from '../../../src/core/policy/policy';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { DEFAULT_STORAGE_PRICES, resolveStoragePrices } from '../../../src/core/policy/storage-prices';
import { Validator } from '../../../src/core/policy/validation';

// 100 GB compressing 4:1 gives 25 GB dumps and full backups; 10 GB of change a day gives 2.5 GB of WAL.
const base: Omit<CostEstimateInputs, 'policy'> = { databaseSizeGb: 100, dailyChangeGb: 10, compressionRatio: 4 };

describe('estimateMonthlyCost', () => {
  test('keeps 30 daily dumps plus 7 noncurrent days in S3 Standard', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: {} } });
    // 25 GB × 1 a day × (30 + 7) days = 925 GB-month; × $0.023 = $21.275
    expect(estimate.items).toEqual([expect.objectContaining({
      item: 'logical-dumps', storageClass: StorageClass.STANDARD, quantity: 925, unit: 'GB-month', unitPriceUsd: 0.023,
    })]);
    expect(estimate.totalGbMonth).toBe(925);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(21.275, 10);
  });

  test('counts every run of a schedule that dumps four times a day', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: { schedule: { expression: '0 */6 * * *' }, retentionDays: 7 } } });
    // 25 GB × 4 a day × (7 + 7) days = 1400 GB-month
    expect(estimate.totalGbMonth).toBe(1400);
  });

  test('splits dumps between classes at their transitions', () => {
    const estimate = estimateMonthlyCost({
      ...base,
      policy: { logicalDump: { retentionDays: 90 } },
      dumpTransitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }],
    });
    // Standard: 25 × 30 = 750 GB-month ($17.25); IA: 25 × (90 + 7 − 30) = 1675 GB-month ($20.9375)
    expect(estimate.gbMonthByStorageClass).toEqual({ [StorageClass.STANDARD]: 750, [StorageClass.INFREQUENT_ACCESS]: 1675 });
    expect(estimate.totalMonthlyUsd).toBeCloseTo(38.1875, 10);
  });

  test('prices dumps under a grandfather-father-son retention by the count the prune keeps, not by retentionDays', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: { retention: {} } } });
    const [kept, pruned] = estimate.items;
    // The default classes (7 daily, 4 weekly, 12 monthly, floor 3) keep 21.7 nightly dumps of 25 GB on average
    // (keptDumpsAtSteadyState), and each night's pruned dump stays 7 noncurrent days: 542.4 + 175 GB-month. By age alone
    // the lifecycle's safety net of 744 days would have priced 25 × 751 = 18,775 GB-month.
    expect(kept).toMatchObject({ item: 'logical-dumps', storageClass: StorageClass.STANDARD });
    expect(kept.quantity).toBeCloseTo(21.7 * 25, 0);
    expect(kept.description).toMatch(/^21\.7 dumps of 25 GB kept by the prune \(7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3\)$/);
    expect(pruned).toMatchObject({ item: 'logical-dumps', quantity: 175, description: '7 pruned dumps of 25 GB kept 7 noncurrent days' });
    expect(estimate.items).toHaveLength(2);
  });

  test('never prices fewer dumps than the floor of a retention whose classes keep none', () => {
    const estimate = estimateMonthlyCost({
      ...base, noncurrentVersionDays: 0, policy: { logicalDump: { retention: { daily: 0, weekly: 0, monthly: 0, yearly: 0, minimumKept: 5 } } },
    });
    expect(estimate.totalGbMonth).toBe(5 * 25);
  });

  test('puts the dumps a retention keeps in the storage class of their age', () => {
    const estimate = estimateMonthlyCost({
      ...base,
      policy: { logicalDump: { retention: {} } },
      dumpTransitions: [{ days: 30, storageClass: StorageClass.GLACIER_INSTANT }],
    });
    // Only monthly dumps outlive 30 days: of the 12, this month's first is younger, so 11 are in Glacier Instant
    // Retrieval; the pruned ones leave at 7 days, from Standard.
    const glacier = estimate.gbMonthByStorageClass[StorageClass.GLACIER_INSTANT]!;
    expect(glacier / 25).toBeCloseTo(11, 0);
    expect(estimate.gbMonthByStorageClass[StorageClass.STANDARD]! + glacier).toBeCloseTo(21.7 * 25 + 175, 0);
  });

  test('prices the offsite replicas of the dumps for as long as the destination keeps them, and their transfer', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: {}, sourceRegion: 'us-east-1' }, dumpReplication: { region: 'eu-central-1' } });
    const replicas = estimate.items.find((i) => i.item === 'replicas')!;
    const transfer = estimate.items.find((i) => i.item === 'replica-transfer')!;
    // 25 GB × 1 a day × (30 days, the source's expiry + 1 noncurrent day) = 775 GB-month; 25 GB × 365/12 moved
    expect(replicas).toMatchObject({ storageClass: StorageClass.STANDARD, quantity: 775, unitPriceUsd: 0.023 });
    expect(transfer.quantity).toBeCloseTo(25 * 365 / 12, 10);
    expect(estimate.totalMonthlyUsd).toBeCloseTo((925 + 775) * 0.023 + (25 * 365 / 12) * 0.02, 10);
  });

  test('keeps the replicas of pruned dumps until the destination expires them, since deletes are not replicated', () => {
    const estimate = estimateMonthlyCost({
      ...base, policy: { logicalDump: { retention: {} } }, dumpReplication: { destinationExpirationDays: 800 },
    });
    // The source keeps about 21.7 dumps; the offsite bucket keeps every nightly dump 800 + 1 days.
    expect(estimate.items.find((i) => i.item === 'replicas')!.quantity).toBe(801 * 25);
  });

  test('moves nothing across regions when the destination is in the source region', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: {}, sourceRegion: 'eu-west-1' }, dumpReplication: { region: 'eu-west-1' } });
    expect(estimate.items.map((i) => i.item)).toEqual(['logical-dumps', 'replicas']);
  });

  describe('offsite replicas of the WAL archive', () => {
    const walPerDay = base.dailyChangeGb / base.compressionRatio!;
    // A weekly full of the compressed database and six daily differentials, the i-th holding i days of change: all of
    // it is written once a week and replicated once.
    const differentials = [1, 2, 3, 4, 5, 6].reduce((sum, days) => sum + Math.min(days * base.dailyChangeGb, base.databaseSizeGb), 0);
    const basePerDay = (base.databaseSizeGb + differentials) / base.compressionRatio! / 7;
    const lifecyclePitr: PitrPolicy = { archiver: 'wal-g' };
    const replicasOf = (inputs: Partial<CostEstimateInputs>) => {
      const estimate = estimateMonthlyCost({ ...base, policy: { pitr: lifecyclePitr, sourceRegion: 'us-east-1' }, ...inputs });
      return { estimate, replicas: estimate.items.find((i) => i.item === 'wal-replicas'), transfer: estimate.items.find((i) => i.item === 'wal-replica-transfer') };
    };

    test('keeps every WAL segment and base backup written as long as the source\'s lifecycle, plus a noncurrent day', () => {
      const { replicas } = replicasOf({ walReplication: { region: 'eu-central-1' } });
      const walDays = resolvePitr(lifecyclePitr).walRetentionDays;
      const baseDays = baseBackupExpirationDays(lifecyclePitr)!;
      const extra = REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS;
      expect(replicas).toMatchObject({ storageClass: StorageClass.STANDARD, unitPriceUsd: DEFAULT_STORAGE_PRICES.storageGbMonth.STANDARD });
      expect(replicas!.quantity).toBeCloseTo(walPerDay * (walDays + extra) + basePerDay * (baseDays + extra), 10);
    });

    test('keeps them as long as the destination says when it says so, since the archiver\'s deletes are not replicated', () => {
      const destinationExpirationDays = 400;
      const { replicas } = replicasOf({ policy: { pitr: {} }, walReplication: { destinationExpirationDays } });
      expect(replicas!.quantity).toBeCloseTo((walPerDay + basePerDay) * (destinationExpirationDays + REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS), 10);
    });

    test('moves everything written to another region across regions, and nothing within the source region', () => {
      const { estimate, transfer, replicas } = replicasOf({ walReplication: { region: 'eu-central-1' } });
      expect(transfer!.quantity).toBeCloseTo((walPerDay + basePerDay) * DAYS_PER_MONTH, 10);
      expect(transfer!.monthlyUsd).toBeCloseTo(transfer!.quantity * DEFAULT_STORAGE_PRICES.interRegionTransferGb, 10);
      const withoutReplication = estimateMonthlyCost({ ...base, policy: { pitr: lifecyclePitr, sourceRegion: 'us-east-1' } });
      expect(estimate.totalMonthlyUsd).toBeCloseTo(withoutReplication.totalMonthlyUsd + replicas!.monthlyUsd + transfer!.monthlyUsd, 10);
      expect(replicasOf({ walReplication: { region: 'us-east-1' } }).transfer).toBeUndefined();
    });
  });

  test('sizes the WAL archive and the base backups of the default PITR policy', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { pitr: {} } });
    // WAL: 2.5 GB a day × (21-day minimum + 7) = 70 GB-month.
    // Base: a weekly full of 25 GB and six daily differentials of 2.5, 5, 7.5, 10, 12.5, 15 GB = 77.5 GB a week;
    // 2 weeks kept = 155, plus one week's 77.5 GB expired within the last 7 days = 232.5 GB-month.
    expect(estimate.items.map((i) => [i.item, i.quantity])).toEqual([['wal-archive', 70], ['base-backups', 232.5]]);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(302.5 * 0.023, 10);
  });

  test('keeps base backups as long as the lifecycle does when the lifecycle expires them', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { pitr: { archiver: 'wal-g' } } });
    // Base backups expire after max(2 × 7, 7 + 7) + 1 = 15 days: 15/7 weekly groups of 77.5 GB kept, plus 77.5 noncurrent.
    const baseBackups = estimate.items.find((i) => i.item === 'base-backups')!;
    expect(baseBackups.quantity).toBeCloseTo((15 / 7) * 77.5 + 77.5, 10);
  });

  test('caps a differential at the size of the database', () => {
    const estimate = estimateMonthlyCost({ databaseSizeGb: 20, dailyChangeGb: 10, compressionRatio: 1, policy: { pitr: { walRetentionDays: 21 } } });
    // diffs: 10, 20, 20, 20, 20, 20 = 110; group 130; 2 kept + 130 noncurrent = 390
    expect(estimate.items.find((i) => i.item === 'base-backups')!.quantity).toBe(390);
  });

  test('prices incremental snapshots as one full copy plus the daily change over the retention', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { managedSnapshots: { backupRetentionDays: 7 } } });
    // 100 + 10 × 7 = 170 GB-month × $0.095 = $16.15
    expect(estimate.items).toEqual([expect.objectContaining({ item: 'snapshots', quantity: 170, unitPriceUsd: 0.095 })]);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(16.15, 10);
  });

  test('prices recovery points warm for their whole retention, since AWS Backup moves no RDS or Aurora recovery point to cold storage', () => {
    const coldAsked = estimateMonthlyCost({
      ...base,
      policy: { backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365, moveToColdStorageAfterDays: 90 }] } },
    });
    // 100 + 10 × 365 = 3750 GB-month × $0.095, as without the setting: AWS Backup ignores it for RDS and Aurora
    expect(coldAsked.items).toEqual([expect.objectContaining({ item: 'snapshots', quantity: 3750, unitPriceUsd: 0.095 })]);
    expect(coldAsked.totalMonthlyUsd).toBeCloseTo(3750 * 0.095, 10);
    const warm = estimateMonthlyCost({ ...base, policy: { backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365 }] } } });
    expect(coldAsked.totalMonthlyUsd).toBe(warm.totalMonthlyUsd);
  });

  test('doubles the snapshots in another region and prices the daily transfer', () => {
    const estimate = estimateMonthlyCost({
      ...base,
      policy: { managedSnapshots: {}, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 14 }] },
    });
    const copy = estimate.items.find((i) => i.item === 'copies')!;
    const transfer = estimate.items.find((i) => i.item === 'copy-transfer')!;
    // copy: 100 + 10 × 14 = 240 GB-month; transfer: 10 GB × 365/12 days
    expect(copy.quantity).toBe(240);
    expect(transfer).toMatchObject({ unit: 'GB', unitPriceUsd: 0.02 });
    expect(transfer.quantity).toBeCloseTo(304.1667, 3);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(170 * 0.095 + 240 * 0.095 + (10 * 365 / 12) * 0.02, 10);
  });

  test('copies the dumps when there are no snapshots', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { logicalDump: {}, copies: [{ destination: 'account', account: '123456789012', retentionDays: 30 }] } });
    // 25 GB × 1 a day × 30 days, same region: no transfer
    expect(estimate.items.map((i) => [i.item, i.quantity])).toEqual([['logical-dumps', 925], ['copies', 750]]);
  });

  test('stores Azure backups in the hot tier at Azure prices', () => {
    const estimate = estimateMonthlyCost({ ...base, policy: { platform: 'azure', logicalDump: {} } });
    expect(estimate.items[0]).toMatchObject({ storageClass: StorageClass.HOT, quantity: 925, unitPriceUsd: 0.018 });
  });

  test('uses the compression ratio it documents by default', () => {
    expect(DEFAULT_COMPRESSION_RATIO).toBe(3);
    const estimate = estimateMonthlyCost({ databaseSizeGb: 30, dailyChangeGb: 0, policy: { logicalDump: {} } });
    expect(estimate.totalGbMonth).toBe(10 * 37);
  });

  test('replaces only the prices it is given', () => {
    const estimate = estimateMonthlyCost(
      { ...base, policy: { logicalDump: {}, managedSnapshots: {} } },
      { asOf: '2026-01 contract', storageGbMonth: { [StorageClass.STANDARD]: 0.02 } },
    );
    // dumps at the new price: 925 × 0.02 = 18.5; snapshots at the default: 170 × 0.095 = 16.15
    expect(estimate.totalMonthlyUsd).toBeCloseTo(18.5 + 16.15, 10);
    expect(estimate.pricesAsOf).toBe('2026-01 contract');
  });

  test('writes a one-line summary: the cost, the GB stored on average and of what, and what moves to another region', () => {
    const estimate = estimateMonthlyCost({ ...base, label: 'orders', policy: { logicalDump: {} } });
    expect(estimate.summary).toBe('orders: about $21.28 a month for 925 GB stored on average: dumps 925 GB (estimate, list prices of 2025-06)');
    const replicated = estimateMonthlyCost({
      ...base, label: 'orders', policy: { logicalDump: {}, managedSnapshots: {}, sourceRegion: 'us-east-1' }, dumpReplication: { region: 'eu-central-1' },
    });
    // 925 GB of dumps ($21.275), 31 × 25 = 775 GB of replicas ($17.825), 100 + 10 × 7 = 170 GB of snapshots ($16.15), 25 GB × 365 / 12 = 760.4 GB
    // moved at $0.02 ($15.21).
    expect(replicated.summary).toBe('orders: about $70.46 a month for 1,870 GB stored on average: dumps 925 GB, offsite replicas of the dumps 775 GB, '
      + 'snapshots 170 GB; 760 GB a month moved to another region (estimate, list prices of 2025-06)');
  });

  test('estimates nothing for a policy that stores nothing', () => {
    expect(estimateMonthlyCost({ ...base, policy: {} })).toMatchObject({ items: [], totalGbMonth: 0, totalMonthlyUsd: 0 });
  });

  test.each<[string, Partial<CostEstimateInputs>, Parameters<typeof estimateMonthlyCost>[1], string]>([
    ['a negative database size', { databaseSizeGb: -1 }, {}, 'databaseSizeGb is -1; allowed: a number from 0 to 10000000 GB'],
    ['a negative daily change', { dailyChangeGb: -5 }, {}, 'dailyChangeGb is -5; allowed: a number from 0 to 10000000 GB'],
    ['no database size (a JavaScript program can leave it out)', { databaseSizeGb: undefined }, {},
      'databaseSizeGb is undefined; allowed: a number from 0 to 10000000 GB, the size the estimate is worked out from'],
    ['a size that is not a number', { databaseSizeGb: Number.NaN }, {}, 'databaseSizeGb is NaN; allowed: a number from 0 to 10000000 GB'],
    ['a compression ratio under 1', { compressionRatio: 0.5 }, {}, 'compressionRatio is 0.5; allowed: a number from 1 to 100'],
    ['fractional noncurrent days', { noncurrentVersionDays: 1.5 }, {}, 'noncurrentVersionDays is 1.5; allowed: an integer from 0 to 36500 days'],
    ['a negative price', {}, { snapshotGbMonth: -0.1 }, 'prices.snapshotGbMonth is -0.1; allowed: a number from 0 to 1000 USD'],
    ['a negative class price', {}, { storageGbMonth: { [StorageClass.COOL]: -1 } }, 'prices.storageGbMonth.COOL is -1; allowed: a number from 0 to 1000 USD'],
    ['a price for an unknown class', {}, { storageGbMonth: { GLACIER: 0.004 } as never }, 'prices.storageGbMonth is "GLACIER"; allowed: one of: STANDARD'],
    ['an unreadable dump schedule', { policy: { logicalDump: { schedule: { expression: 'nightly' } } } }, {}, 'logicalDump.schedule.expression is "nightly"'],
    ['a dump transition its retention cannot honour', { policy: { logicalDump: {} }, dumpTransitions: [{ days: 0, storageClass: StorageClass.DEEP_ARCHIVE }] }, {},
      'dumpLifecycle[0].expirationDays is 30; allowed: at least 180 days'],
    ['a replica expiry of zero days', { dumpReplication: { destinationExpirationDays: 0 } }, {},
      'dumpReplication.destinationExpirationDays is 0; allowed: an integer from 1 to 36500 days'],
    ['a WAL replica expiry of zero days', { policy: { pitr: { archiver: 'wal-g' } }, walReplication: { destinationExpirationDays: 0 } }, {},
      'walReplication.destinationExpirationDays is 0; allowed: an integer from 1 to 36500 days'],
    ['WAL replicas of an archive the archiver expires, without the destination\'s expiry', { policy: { pitr: {} }, walReplication: {} }, {},
      'walReplication.destinationExpirationDays is undefined; allowed: the days the offsite bucket keeps a replica'],
  ])('rejects %s', (_name, overrides, prices, message) => {
    expect(() => estimateMonthlyCost({ ...base, policy: { logicalDump: {} }, ...overrides }, prices)).toThrow(message);
  });

  test('reports every bad input at once to the validator it is given', () => {
    const validator = new Validator();
    const estimate = estimateMonthlyCost({ databaseSizeGb: -1, dailyChangeGb: -1, policy: { logicalDump: {} } }, {}, validator);
    expect(validator.issues.map((i) => i.path)).toEqual(['databaseSizeGb', 'dailyChangeGb']);
    expect(estimate.items).toEqual([]);
  });
});

describe('runsPerDay', () => {
  test.each<[string, number]>([
    ['0 2 * * *', 1],
    ['0 */6 * * *', 4],
    ['*/15 * * * *', 96],
    ['0 1 * * 0', 1 / 7],
    ['0 1 * * 1-6', 6 / 7],
    ['rate(12 hours)', 2],
    ['rate(2 days)', 0.5],
  ])('%s runs %d times a day', (expression, expected) => {
    expect(runsPerDay({ expression }, 'schedule')).toBeCloseTo(expected, 10);
  });
});

describe('resolveStoragePrices', () => {
  test('keeps the default prices that are not overridden', () => {
    const prices = resolveStoragePrices({ interRegionTransferGb: 0.01 });
    expect(prices.interRegionTransferGb).toBe(0.01);
    expect(prices.storageGbMonth).toEqual(DEFAULT_STORAGE_PRICES.storageGbMonth);
    expect(prices.asOf).toBe('2025-06');
  });
});
