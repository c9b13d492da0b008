import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scratchWriteFailure } from '../../src/runner/backup-download';
import { STREAM_COMPRESSION_METHODS, decompressorArgv } from '../../src/runner/stream-compression';

describe('a scratch disk that refuses a download', () => {
  // Node says ENOSPC first ("ENOSPC: no space left on device, write"), zstd says "No space left on device": whichever
  // reached the runner first, the operator reads the same words.
  test.each([
    ['ENOSPC: no space left on device, write', 'No space left on device'],
    ['zstd: error 70 : Write error : cannot write block : No space left on device', 'No space left on device'],
    ['EDQUOT: disk quota exceeded, write', 'Disk quota exceeded'],
    ['EROFS: read-only file system, open \'/scratch/dump\'', 'Read-only file system'],
    ['Error 70 : Write error : cannot write decoded block', 'lz4 could not write its output \\(it does not say why; a full disk is the usual cause\\)'],
  ])('%s is reported as "%s"', (said, reason) => {
    const failure = scratchWriteFailure(new Error(said), 'ledger/1/dump/toc.dat', '/scratch/verify/dump/toc.dat');
    expect(failure?.message).toMatch(new RegExp(`^cannot write ledger/1/dump/toc.dat into the scratch directory /scratch/verify/dump: ${reason}; ` +
      'the local disk failed, not the backup: give --scratch-dir'));
  });

  test('any other failure is not blamed on the disk', () => {
    expect(scratchWriteFailure(new Error('zstd: /*stdin*\\: unknown header'), 'ledger/1/dump.zst', '/scratch/dump')).toBeUndefined();
  });
});

// The programs themselves, filling a real disk of four pages (tmpfs refuses writes beyond its size); needs root, which
// the test run has. A dump of mostly zero bytes is what made zstd's sparse mode say "Sparse skip error" instead.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('zstd and lz4 decompressing into a full scratch disk', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-full-scratch-'));
  const scratch = path.join(root, 'scratch');
  const plain = Buffer.concat([Buffer.alloc(2 * 1024 * 1024), Buffer.from('row data '.repeat(20000))]);

  beforeAll(() => {
    fs.mkdirSync(scratch);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0777', 'tmpfs', scratch]);
  });
  afterAll(() => {
    execFileSync('umount', [scratch]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test.each(STREAM_COMPRESSION_METHODS)('%s fails in words that blame the disk, not the backup', (method) => {
    const compressed = execFileSync(method, ['-q', '-c'], { input: plain });
    const file = path.join(scratch, 'toc.dat');
    const run = spawnSync(method, decompressorArgv(method, file), { input: compressed });
    fs.rmSync(file, { force: true });
    expect(run.status).not.toBe(0);
    const failure = scratchWriteFailure(new Error(run.stderr.toString()), 'ledger/1/dump/toc.dat.zst', file);
    expect(failure?.message).toMatch(/^cannot write ledger\/1\/dump\/toc\.dat\.zst into the scratch directory \S+: .*; the local disk failed, not the backup/);
  });
});
