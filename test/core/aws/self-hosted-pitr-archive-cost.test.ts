import { planSelfHostedPitrArchive } from '../../../src/core/aws/self-hosted-pitr-archive';

// A 300 GB database changing 30 GB a day, compressed 3:1: 10 GB of WAL a day; a daily full of 100 GB with one
// differential half a day later holding 0.5 × 30 / 3 = 5 GB, so 105 GB of base backups a day. S3 Standard is $0.023
// a GB-month and moving a GB to another region $0.02 (the price table of 2025-06); replicas are billed 1 noncurrent day.
const OPTIONS = {
  clusterName: 'orders',
  postgresMajorVersion: 16,
  pitr: { windowDays: 7, retainFull: 8, fullBackupSchedule: { expression: '0 1 * * *' }, diffBackupSchedule: { expression: '0 13 * * *' } },
  estimate: { databaseSizeGb: 300, dailyChangeGb: 30, compressionRatio: 3 },
};
const REPLICATION = {
  destinationBucketArn: 'arn:aws:s3:::orders-wal-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  destinationExpirationDays: 30,
};

describe('the storage-cost estimate of a SelfHostedPitrArchive', () => {
  test('with walReplication, the replicas keep (10 + 105) GB a day for 30 + 1 days in eu-central-1 and move 115 GB a day there', () => {
    const plan = planSelfHostedPitrArchive({ ...OPTIONS, replication: REPLICATION });
    const byItem = Object.fromEntries(plan.costEstimate!.items.map((item) => [item.item, item]));
    expect(byItem['wal-replicas'].quantity).toBeCloseTo(115 * 31, 6);
    expect(byItem['wal-replicas'].monthlyUsd).toBeCloseTo(3565 * 0.023, 6);
    expect(byItem['wal-replica-transfer'].quantity).toBeCloseTo(115 * 365 / 12, 6);
    expect(byItem['wal-replica-transfer'].monthlyUsd).toBeCloseTo(115 * 365 / 12 * 0.02, 6);
    expect(byItem['wal-replica-transfer'].description).toContain('replicated to eu-central-1');
  });

  test('the replicas add exactly their GB-months and transfer to the estimate without replication', () => {
    const without = planSelfHostedPitrArchive(OPTIONS).costEstimate!;
    const withReplicas = planSelfHostedPitrArchive({ ...OPTIONS, replication: REPLICATION }).costEstimate!;
    expect(without.items.map((item) => item.item)).toEqual(['wal-archive', 'base-backups']);
    expect(withReplicas.totalGbMonth - without.totalGbMonth).toBeCloseTo(3565, 6);
    expect(withReplicas.totalMonthlyUsd - without.totalMonthlyUsd).toBeCloseTo(3565 * 0.023 + 115 * 365 / 12 * 0.02, 6);
  });

  test('records the estimate as a cost-estimate protection of the cluster', () => {
    const plan = planSelfHostedPitrArchive({ ...OPTIONS, replication: REPLICATION });
    expect(plan.costProtection).toEqual({
      kind: 'cost-estimate',
      databaseNames: ['orders'],
      monthlyCostUsd: Math.round(plan.costEstimate!.totalMonthlyUsd * 100) / 100,
      summary: plan.costEstimate!.summary,
    });
  });

  test('without estimate there is none', () => {
    expect(planSelfHostedPitrArchive({ ...OPTIONS, estimate: undefined }).costEstimate).toBeUndefined();
  });

  test('a bad size is refused naming the construct and estimate.databaseSizeGb', () => {
    expect(() => planSelfHostedPitrArchive({ ...OPTIONS, estimate: { databaseSizeGb: Number.NaN } }, { validation: { construct: 'Pitr' } }))
      .toThrow(/Pitr: estimate\.databaseSizeGb is NaN; allowed: a number from 0 to 10000000 GB/);
  });
});
