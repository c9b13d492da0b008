import { dumpTaskEphemeralStorageGiB } from '../../../src/core/aws/fargate-sizes';
import { directoryDumpScratchGiB } from '../../../src/core/policy/dump-scratch-storage';
import { checkPolicy } from '../../../src/core/policy/validate-policy';
import { formatIssue } from '../../../src/core/policy/validation';

describe('the scratch disk of a dump task', () => {
  test('a directory-format dump needs the 1 GiB pg_dump may write ahead of the upload, plus 8 MiB a job read and not yet freed', () => {
    expect(directoryDumpScratchGiB(1)).toBe(2);
    expect(directoryDumpScratchGiB(64)).toBe(2);
  });

  test.each([
    ['a custom-format dump, which stages nothing', { largestTableGiB: 500 }],
    ['a directory-format dump of any largest table', { format: 'directory' as const, jobs: 4, largestTableGiB: 5000 }],
    ['a directory-format dump with the most jobs', { format: 'directory' as const, jobs: 64 }],
  ])('%s keeps Fargate\'s own 20 GiB (no setting)', (_name, dump) => {
    expect(dumpTaskEphemeralStorageGiB([dump])).toBeUndefined();
  });

  test('a task that runs several dumps keeps Fargate\'s own 20 GiB too', () => {
    expect(dumpTaskEphemeralStorageGiB([undefined, { format: 'directory', jobs: 2, largestTableGiB: 120 }, { largestTableGiB: 100 }])).toBeUndefined();
  });

  test.each([
    ['a size of zero', { format: 'directory' as const, largestTableGiB: 0 }, 'logicalDump.largestTableGiB is 0; allowed: a number from 0.001 to 1000000 GiB'],
    ['a negative size', { largestTableGiB: -1 }, 'logicalDump.largestTableGiB is -1; allowed: a number from 0.001 to 1000000 GiB'],
  ])('%s is a policy error naming largestTableGiB', (_name, logicalDump, message) => {
    expect(checkPolicy({ logicalDump }).map(formatIssue).join('\n')).toContain(message);
  });

  test.each([
    ['the custom format', { largestTableGiB: 5000 }],
    ['the directory format with 4 jobs, which once needed more disk than a Fargate task has', { format: 'directory' as const, jobs: 4, largestTableGiB: 40 }],
  ])('a large table with %s is no error: no whole table is staged', (_name, logicalDump) => {
    expect(checkPolicy({ logicalDump })).toEqual([]);
  });
});
