import * as path from 'node:path';
import { describeExample, runPulumiExample } from '../../scripts/run-pulumi-example';

describe('the main job\'s report of a Pulumi example', () => {
  test('tells of each Azure dump its retention classes and floor, its encryption and where its offsite copy is, immutable for how long', async () => {
    const resources = await runPulumiExample(path.resolve(__dirname, '../../examples/pulumi-azure'));
    const dumpLines = describeExample('examples/pulumi-azure', resources).filter((line) => line.trim().startsWith('pg_dump of shop'));
    expect(dumpLines).toEqual([
      '    pg_dump of shop at "0 1 * * *" UTC to azblob://shopstorageacct/pg-dumps/pg-dumps, '
      + 'kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'encrypted with age to 1 recipient, offsite copy in northeurope (immutable 7 days, unlocked)',
    ]);
  });
});
