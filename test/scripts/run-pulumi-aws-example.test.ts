import * as path from 'node:path';
import { linesOf } from './run-pulumi-example-report';
import { describeExample, runPulumiExample } from '../../scripts/run-pulumi-example';

describe('the main job\'s report of the Pulumi AWS example', () => {
  test('lists under the RDS instance its AWS Backup plan, the encrypted, pruned and replicated dumps, and the restore drill', async () => {
    const run = await runPulumiExample(path.resolve(__dirname, '../../examples/pulumi-aws'));
    expect(linesOf(describeExample('examples/pulumi-aws', run), 'shop')).toEqual([
      'backups:',
      '- AWS Backup daily cron(0 5 * * ? *) kept 35 d; monthly cron(0 5 1 * ? *) kept 365 d; continuous (PITR) kept 14 d; automated backups kept 14 days, '
      + 'vault lock governance 14 days, alarm when no backup job completes within 26 h (ManagedPostgresBackupPlan shop)',
      '- pg_dump of shop at cron(30 2 * * ? *) UTC into s3 prefix pg-dumps/, '
      + 'kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'encrypted with age to 1 recipient (identity in arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/age-identity-AbCdEf), '
      + 'offsite copy in bucket arn:aws:s3:::shop-pg-dumps-offsite-123456789012-eu-central-1 (in eu-central-1), pruned like the dumps, '
      + 'alarm when none succeeds within 26 h (ScheduledPgDump shop)',
      'drills:',
      '- dump drill of the latest dump of shop at cron(0 6 ? * MON *) UTC, 1 SQL check(s), alarm above an RTO of 60 min (VerifyRestore shop-drill)',
    ]);
  });
});
