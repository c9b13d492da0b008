import * as path from 'node:path';
import { linesOf } from './run-pulumi-example-report';
import { describeExample, runPulumiExample } from '../../scripts/run-pulumi-example';

describe('the main job\'s report of a Pulumi example', () => {
  test('lists under the Azure flexible server its own backups, the encrypted, pruned and replicated dumps, their cost, and every drill', async () => {
    const run = await runPulumiExample(path.resolve(__dirname, '../../examples/pulumi-azure'));
    const dump = run.protections.find((recorded) => recorded.protection.kind === 'cost-estimate')!.protection;
    // 120 GB compressed 3:1; the replicas alone are 745 dumps of 40 GB, so the estimate is above that.
    expect(dump.summary).toMatch(/^the dumps of shop, 120 GB compressed 3:1: about \$/);
    // The prune jobs prune the replicas too, so the offsite copy is no longer every dump kept 745 days
    // (745 × 40 GB × $0.018 = $536.40 a month of replicas alone): at least the 40 GB a day moved to North Europe ($24.33).
    expect(dump.monthlyCostUsd).toBeGreaterThan(40 * 365 / 12 * 0.02);
    expect(dump.monthlyCostUsd).toBeLessThan(100);
    expect(linesOf(describeExample('examples/pulumi-azure', run), 'shop')).toEqual([
      'backups:',
      '- flexible server backups kept 35 days, geo-redundant; vault backups daily (daily) kept 30 d; monthly (monthly) kept 365 d (ManagedPostgresBackupPlan shop)',
      '- pg_dump of shop at 0 1 * * * UTC into azblob://shopstorageacct/pg-dumps/pg-dumps, '
      + 'kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'each dump immutable 7 days (governance: can still be shortened), '
      + 'encrypted with age to 1 recipient (identity in https://shop-kv.vault.azure.net/secrets/shop-dumps-age-identity), '
      + 'offsite copy in storage account in northeurope (container pg-dumps), pruned like the dumps (its lifecycle safety net 744 days), '
      + 'each replica immutable 7 days (governance: can still be shortened), alarm when none succeeds within 26 h (ScheduledPgDump shop)',
      // 40 GB dumps: the prune's steady state plus pruned versions at the source, the same again at the replica (the prune
      // jobs prune it too), in hot LRS at $0.018, plus 40 GB a day moved.
      expect.stringMatching(/^- storage cost estimate of the dumps of shop, 120 GB compressed 3:1: about \$\d+\.\d\d a month for [\d,.]+ GB stored on average: dumps .* \(ScheduledPgDump shop\)$/),
      'drills:',
      '- dump drill of the latest dump of shop at 0 6 * * 1 UTC, 1 SQL check(s), alarm above an RTO of 60 min (ScheduledPgDump shop)',
      '- point-in-time drill of shop to a random time between the earliest restore point and 60 min before it starts, at 0 3 * * 0 UTC, '
      + '2 check(s), alarm above an RTO of 120 min (FlexibleServerPitrDrill shop-pitr)',
    ]);
  });
});
