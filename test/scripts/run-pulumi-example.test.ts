import * as path from 'node:path';
import { linesOf } from './run-pulumi-example-report';
import { describeExample, runPulumiExample } from '../../scripts/run-pulumi-example';

describe('the main job\'s report of a Pulumi example', () => {
  test('lists under the Azure flexible server its own backups, the encrypted, pruned and replicated dumps, their cost, and every drill', async () => {
    const run = await runPulumiExample(path.resolve(__dirname, '../../examples/pulumi-azure'));
    const dump = run.protections.find((recorded) => recorded.protection.kind === 'cost-estimate')!.protection;
    // 120 GB compressed 3:1; the replicas alone are 745 dumps of 40 GB, so the estimate is above that.
    expect(dump.summary).toMatch(/^shop: /);
    expect(dump.monthlyCostUsd).toBeGreaterThan(745 * 40 * 0.018);
    expect(linesOf(describeExample('examples/pulumi-azure', run), 'shop')).toEqual([
      'backups:',
      '- flexible server backups kept 35 days, geo-redundant; vault backups daily (daily) kept 30 d; monthly (monthly) kept 365 d (ManagedPostgresBackupPlan shop)',
      '- pg_dump of shop at 0 1 * * * UTC into azblob://shopstorageacct/pg-dumps/pg-dumps, '
      + 'kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'encrypted with age to 1 recipient (identity in https://shop-kv.vault.azure.net/secrets/shop-dumps-age-identity), '
      + 'offsite copy in storage account in northeurope (container pg-dumps, replicas kept 744 days), the copy immutable 7 days, unlocked, '
      + 'immutable governance 7 days, alarm when none succeeds within 26 h (ScheduledPgDump shop)',
      // 40 GB dumps: the prune's steady state plus pruned versions at the source, and each dump replicated once and kept
      // 744 + 1 days by the replica's lifecycle (deletes are not replicated), in hot LRS at $0.018, plus 40 GB a day moved.
      expect.stringMatching(/^- storage cost estimate of shop: about \$\d+\.\d\d a month; shop: [\d,.]+ GB-month, about .* \(ScheduledPgDump shop\)$/),
      'drills:',
      '- dump drill of the latest dump of shop at 0 6 * * 1 UTC, 1 SQL check(s), alarm above an RTO of 60 min (ScheduledPgDump shop)',
      '- point-in-time drill of shop to a random time between the earliest restore point and 60 min before it starts, at 0 3 * * 0 UTC, '
      + '2 check(s), alarm above an RTO of 120 min (FlexibleServerPitrDrill shop-pitr)',
    ]);
  });
});
