import { dumpTaskEphemeralStorageGiB } from '../../../src/core/aws/fargate-sizes';
import { directoryDumpScratchGiB } from '../../../src/core/policy/dump-scratch-storage';
import { checkPolicy } from '../../../src/core/policy/validate-policy';
import { formatIssue } from '../../../src/core/policy/validation';

describe('the scratch disk of a dump task', () => {
  test('a directory-format dump needs its jobs times the largest table, plus the quarter left to finished files', () => {
    expect(directoryDumpScratchGiB(1, 15)).toBe(20);
    expect(directoryDumpScratchGiB(4, 15)).toBe(80);
    expect(directoryDumpScratchGiB(2, 10.5)).toBe(28);
  });

  test('the database size does not enter: only jobs and the largest table do', () => {
    expect(dumpTaskEphemeralStorageGiB([{ format: 'directory', jobs: 4, largestTableGiB: 30 }])).toBe(160);
  });

  test.each([
    ['a custom-format dump, which stages nothing', { largestTableGiB: 500 }],
    ['a directory-format dump without a largest table', { format: 'directory' as const, jobs: 4 }],
    ['a directory-format dump that fits in 20 GiB', { format: 'directory' as const, jobs: 2, largestTableGiB: 7.5 }],
  ])('%s keeps Fargate\'s own 20 GiB (no setting)', (_name, dump) => {
    expect(dumpTaskEphemeralStorageGiB([dump])).toBeUndefined();
  });

  test('a need just above 20 GiB asks for Fargate\'s smallest setting, 21 GiB', () => {
    expect(dumpTaskEphemeralStorageGiB([{ format: 'directory', largestTableGiB: 15.5 }])).toBe(21);
  });

  test('a task that runs several dumps gets the largest need', () => {
    expect(dumpTaskEphemeralStorageGiB([
      undefined,
      { format: 'directory', jobs: 2, largestTableGiB: 12 },
      { format: 'directory', jobs: 1, largestTableGiB: 40 },
      { largestTableGiB: 100 },
    ])).toBe(54);
  });

  test.each([
    ['more scratch than a Fargate task has', { format: 'directory' as const, jobs: 4, largestTableGiB: 40 },
      'logicalDump.largestTableGiB is 40; allowed: at most 37.5 GiB with 4 jobs (a directory-format dump with 4 jobs needs 214 GiB of scratch disk'],
    ['a size of zero', { format: 'directory' as const, largestTableGiB: 0 }, 'logicalDump.largestTableGiB is 0; allowed: a number from 0.001 to 1000000 GiB'],
    ['a negative size', { largestTableGiB: -1 }, 'logicalDump.largestTableGiB is -1; allowed: a number from 0.001 to 1000000 GiB'],
  ])('%s is a policy error naming largestTableGiB', (_name, logicalDump, message) => {
    expect(checkPolicy({ logicalDump }).map(formatIssue).join('\n')).toContain(message);
  });

  test('a large table with the custom format is no error: nothing is staged', () => {
    expect(checkPolicy({ logicalDump: { largestTableGiB: 5000 } })).toEqual([]);
  });
});
