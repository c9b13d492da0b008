import * as path from 'node:path';
import { linesOf } from './run-pulumi-example-report';
import { describeExample, runPulumiExample } from '../../scripts/run-pulumi-example';

describe('the main job\'s report of a Pulumi example', () => {
  test('lists under the Azure flexible server its own backups, the encrypted, pruned and replicated dumps, and every drill', async () => {
    const run = await runPulumiExample(path.resolve(__dirname, '../../examples/pulumi-azure'));
    expect(linesOf(describeExample('examples/pulumi-azure', run), 'shop')).toEqual([
      'backups:',
      '- flexible server backups kept 35 days, geo-redundant; vault backups daily (daily) kept 30 d; monthly (monthly) kept 365 d (ManagedPostgresBackupPlan shop)',
      '- pg_dump of shop at 0 1 * * * UTC into azblob://shopstorageacct/pg-dumps/pg-dumps, '
      + 'kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'encrypted with age to 1 recipient (identity in https://shop-kv.vault.azure.net/secrets/shop-dumps-age-identity), '
      + 'offsite copy in storage account in northeurope (container pg-dumps, replicas kept 744 days), the copy immutable 7 days, unlocked, '
      + 'immutable governance 7 days, alarm when none succeeds within 26 h (ScheduledPgDump shop)',
      'drills:',
      '- dump drill of the latest dump of shop at 0 6 * * 1 UTC, 1 SQL check(s), alarm above an RTO of 60 min (ScheduledPgDump shop)',
      '- point-in-time drill of shop to a random time between the earliest restore point and 60 min before it starts, at 0 3 * * 0 UTC, '
      + '2 check(s), alarm above an RTO of 120 min (FlexibleServerPitrDrill shop-pitr)',
    ]);
  });
});
