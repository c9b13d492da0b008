import { estimateAzureDumpCost } from '../../../src/core/azure/azure-dump-cost';

// A nightly dump of a 30 GB database compressed 3:1 is 10 GB. Azure Blob hot LRS is $0.018 a GB-month and moving a GB
// to another region $0.02 (the price table of 2025-06); deleted versions are billed 7 days at the source and 1 day at
// the replica.
const BASE = { label: 'shop', dump: { schedule: { expression: '0 1 * * *' }, retentionDays: 30 }, sizes: { databaseSizeGb: 30, compressionRatio: 3 } };

describe('the storage-cost estimate of an Azure ScheduledPgDump', () => {
  test('keeps (30 + 7) dumps of 10 GB in the hot tier: 370 GB-month, $6.66', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope' });
    expect(estimate.items.map((item) => item.item)).toEqual(['logical-dumps']);
    expect(estimate.totalGbMonth).toBeCloseTo(370, 6);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(6.66, 6);
  });

  test('a replica in another region stores each dump again, (30 + 1) × 10 GB, and moves 10 GB a day there', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'northeurope' } });
    const byItem = Object.fromEntries(estimate.items.map((item) => [item.item, item]));
    expect(byItem.replicas).toMatchObject({ storageClass: 'HOT', unit: 'GB-month' });
    expect(byItem.replicas.quantity).toBeCloseTo(310, 6);
    expect(byItem.replicas.monthlyUsd).toBeCloseTo(5.58, 6);
    expect(byItem['replica-transfer'].quantity).toBeCloseTo(10 * 365 / 12, 6);
    expect(byItem['replica-transfer'].monthlyUsd).toBeCloseTo(10 * 365 / 12 * 0.02, 6);
    // 370 + 310 GB-month at $0.018 and 304.17 GB at $0.02.
    expect(estimate.totalGbMonth).toBeCloseTo(680, 6);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(6.66 + 5.58 + 6.083333, 5);
  });

  test('a replica kept longer than the source (expirationDays 90) stores (90 + 1) dumps', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'northeurope', expirationDays: 90 } });
    expect(estimate.items.find((item) => item.item === 'replicas')!.quantity).toBeCloseTo(910, 6);
  });

  test('a replica in the same region moves nothing across regions', () => {
    const estimate = estimateAzureDumpCost({ ...BASE, location: 'westeurope', replication: { location: 'westeurope' } });
    expect(estimate.items.map((item) => item.item)).toEqual(['logical-dumps', 'replicas']);
  });

  test('a bad size is refused under estimate., naming the value and the range', () => {
    expect(() => estimateAzureDumpCost({ ...BASE, sizes: { databaseSizeGb: -1 } })).toThrow(/Invalid backup policy \(1 problem\):\n  - estimate\.databaseSizeGb is -1; allowed: a number from 0 to 10000000 GB$/);
  });
});
