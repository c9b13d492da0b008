import { estimateAzureDumpCost } from '../../../src/core/azure/azure-dump-cost';

// A nightly dump of a 30 GB database compressed 3:1 is 10 GB. Azure Blob hot LRS is $0.018 a GB-month and moving a GB
// to another region $0.02 (the price table of 2025-06); deleted versions are billed 7 days at the source and at the
// replica (whose lifecycle deletes previous versions after 7 days, as the source's).
const BASE = { label: 'shop', dump: { schedule: { expression: '0 1 * * *' }, retentionDays: 30 }, sizes: { databaseSizeGb: 30, compressionRatio: 3 } };

describe('the storage-cost estimate of an Azure ScheduledPgDump', () => {
  test('keeps (30 + 7) dumps of 10 GB in the hot tier: 370 GB-month, $6.66', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope' });
    expect(estimate.items.map((item) => item.item)).toEqual(['logical-dumps']);
    expect(estimate.totalGbMonth).toBeCloseTo(370, 6);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(6.66, 6);
  });

  test('a replica in another region stores each dump again, (30 + 7) × 10 GB, and moves 10 GB a day there', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'northeurope' } });
    const byItem = Object.fromEntries(estimate.items.map((item) => [item.item, item]));
    expect(byItem.replicas).toMatchObject({ storageClass: 'HOT', unit: 'GB-month' });
    expect(byItem.replicas.quantity).toBeCloseTo(370, 6);
    expect(byItem.replicas.monthlyUsd).toBeCloseTo(6.66, 6);
    expect(byItem['replica-transfer'].quantity).toBeCloseTo(10 * 365 / 12, 6);
    expect(byItem['replica-transfer'].monthlyUsd).toBeCloseTo(10 * 365 / 12 * 0.02, 6);
    // 370 + 370 GB-month at $0.018 and 304.17 GB at $0.02.
    expect(estimate.totalGbMonth).toBeCloseTo(740, 6);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(6.66 + 6.66 + 6.083333, 5);
  });

  test('a replica kept longer than the source (expirationDays 90) stores (90 + 7) dumps', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'northeurope', expirationDays: 90 } });
    expect(estimate.items.find((item) => item.item === 'replicas')!.quantity).toBeCloseTo(970, 6);
  });

  test('under a grandfather-father-son retention the prune jobs prune the replicas too: 7 daily dumps kept on each side, '
    + 'plus 7 pruned ones: 140 + 140 GB-month, whatever the replicas\' safety net', () => {
    // Checked by hand: a nightly dump, 7 daily classes and no other class keep exactly the 7 newest dumps after each
    // prune; each night one dump is pruned and billed 7 more days as a previous version, on each side: (7 + 7) × 10 GB.
    const dump = { schedule: { expression: '0 1 * * *' }, retention: { daily: 7, weekly: 0, monthly: 0, yearly: 0, minimumKept: 3 } };
    const estimate = estimateAzureDumpCost({ ...BASE, dump, location: 'westeurope', replication: { location: 'northeurope', expirationDays: 744 } });
    const quantity = (item: string) => estimate.items.filter((line) => line.item === item).reduce((sum, line) => sum + line.quantity, 0);
    expect(quantity('logical-dumps')).toBeCloseTo(140, 6);
    expect(quantity('replicas')).toBeCloseTo(140, 6);
    expect(estimate.totalGbMonth).toBeCloseTo(280, 6);
    // 280 GB-month at $0.018 ($5.04) and 10 GB a night moved to North Europe ($6.08).
    expect(estimate.totalMonthlyUsd).toBeCloseTo(5.04 + 10 * 365 / 12 * 0.02, 6);
  });

  test('a replica in the same region moves nothing across regions', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'westeurope' } });
    expect(estimate.items.map((item) => item.item)).toEqual(['logical-dumps', 'replicas']);
  });

  test('a bad size is refused under estimate., naming the value and the range', () => {
    expect(() => estimateAzureDumpCost({ ...BASE, sizes: { databaseSizeGb: -1 } })).toThrow(/Invalid backup policy \(1 problem\):\n  - estimate\.databaseSizeGb is -1; allowed: a number from 0 to 10000000 GB$/);
  });
});
