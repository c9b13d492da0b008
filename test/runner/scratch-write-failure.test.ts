import { scratchWriteFailure } from '../../src/runner/backup-download';

describe('a scratch disk that refuses a download', () => {
  // Node says ENOSPC first ("ENOSPC: no space left on device, write"), zstd says "No space left on device": whichever
  // reached the runner first, the operator reads the same words.
  test.each([
    ['ENOSPC: no space left on device, write', 'No space left on device'],
    ['zstd: error 70 : Write error : cannot write block : No space left on device', 'No space left on device'],
    ['EDQUOT: disk quota exceeded, write', 'Disk quota exceeded'],
    ['EROFS: read-only file system, open \'/scratch/dump\'', 'Read-only file system'],
  ])('%s is reported as "%s"', (said, reason) => {
    const failure = scratchWriteFailure(new Error(said), 'ledger/1/dump/toc.dat', '/scratch/verify/dump/toc.dat');
    expect(failure?.message).toMatch(new RegExp(`^cannot write ledger/1/dump/toc.dat into the scratch directory /scratch/verify/dump: ${reason}; ` +
      'the local disk failed, not the backup: give --scratch-dir'));
  });

  test('any other failure is not blamed on the disk', () => {
    expect(scratchWriteFailure(new Error('zstd: /*stdin*\\: unknown header'), 'ledger/1/dump.zst', '/scratch/dump')).toBeUndefined();
  });
});
