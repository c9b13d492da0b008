import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveEndedEarlyError, ArchiveRechunker, MERGED_CHUNK_BYTES } from '../../src/runner/archive-rechunk';
import { usePostgres } from '../support/postgres';
import { dataChunkLengths } from './support/archive-chunks';
import { tableRowCounts } from './support/backup-fixtures';

describe('an uncompressed pg_dump archive is rewritten into large data chunks on its way to the compressor', () => {
  const pg = usePostgres();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-rechunk-'));
  const tool = (name: string) => path.join(pg().binDir, name);
  /** pg_dump's archive as the runner gets it: written to a pipe, so without data offsets. */
  const dumpThroughPipe = (args: string[], database = 'rechunk') =>
    execFileSync('bash', ['-c', '"$0" "$@" | cat', tool('pg_dump'), ...args, '--dbname', pg().url(database)], { maxBuffer: 2 ** 30 });
  const rechunk = async (archive: Buffer, pieces = 65536): Promise<Buffer> => {
    const out: Buffer[] = [];
    const parts = Array.from({ length: Math.ceil(archive.length / pieces) }, (_, i) => archive.subarray(i * pieces, (i + 1) * pieces));
    const rechunker = new ArchiveRechunker();
    rechunker.on('data', (chunk: Buffer) => out.push(chunk));
    await pipeline(Readable.from(parts), rechunker);
    return Buffer.concat(out);
  };
  /** What pg_restore makes of an archive, as a script; the per-run `\restrict` key of newer client tools is left out. */
  const script = (archive: Buffer, name: string) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, archive);
    return execFileSync(tool('pg_restore'), ['--file', '-', file], { encoding: 'utf8', maxBuffer: 2 ** 30 })
      .split('\n').filter((line) => !/^\\(un)?restrict /.test(line)).join('\n');
  };
  const firstBlock = (archive: Buffer) => archive.indexOf(Buffer.from('0\tsmall row 0\n'), 0, 'latin1') - 5 - 6;

  beforeAll(async () => {
    await pg().createDatabase('rechunk');
    await pg().query(`
      CREATE TABLE many_rows (id int PRIMARY KEY, note text);
      INSERT INTO many_rows SELECT g - 1, 'small row ' || (g - 1) FROM generate_series(1, 20000) g;
      CREATE TABLE wide_rows (id int, body text);
      INSERT INTO wide_rows SELECT g, repeat(md5(g::text), 40000) FROM generate_series(1, 3) g;
      CREATE TABLE no_rows (id int);
      SELECT lo_from_bytea(0, convert_to(repeat('large object ', 5000), 'UTF8'));`, 'rechunk');
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('the rewritten archive restores to the same script as pg_dump\'s own, with a few large chunks instead of one a row', async () => {
    const original = dumpThroughPipe(['--format=custom', '--compress=0']);
    // Fed in pieces that cut through length words and rows alike, as a pipe delivers it.
    const rewritten = await rechunk(original, 4093);

    expect(script(rewritten, 'rewritten.pgdump')).toBe(script(original, 'original.pgdump'));
    const before = dataChunkLengths(original, firstBlock(original));
    const after = dataChunkLengths(rewritten, firstBlock(rewritten));
    expect(before.length).toBeGreaterThan(20000);
    expect(after.length).toBeLessThan(30);
    expect(Math.max(...after)).toBe(MERGED_CHUNK_BYTES);
    expect(after.reduce((sum, length) => sum + length, 0)).toBe(before.reduce((sum, length) => sum + length, 0));
  });

  test('pg_restore --jobs 2 restores the rewritten archive from a file, finding each table\'s data without offsets', async () => {
    const rewritten = await rechunk(dumpThroughPipe(['--format=custom', '--compress=0']));
    const file = path.join(scratch, 'parallel.pgdump');
    fs.writeFileSync(file, rewritten);
    const target = await pg().createDatabase('rechunk_restored');
    execFileSync(tool('pg_restore'), ['--jobs', '2', '--exit-on-error', '--no-owner', '--dbname', pg().url(target), file]);

    expect(await tableRowCounts(pg(), target)).toEqual(await tableRowCounts(pg(), 'rechunk'));
    const [{ same }] = await pg().query<{ same: boolean }>(
      "SELECT (SELECT string_agg(md5(body), ',' ORDER BY id) FROM wide_rows) = string_agg(md5(repeat(md5(g::text), 40000)), ',' ORDER BY g) AS same FROM generate_series(1, 3) g", target);
    expect(same).toBe(true);
  });

  test('an archive of INSERT statements is rewritten too and restores to the same script', async () => {
    const original = dumpThroughPipe(['--format=custom', '--compress=0', '--inserts', '--table=many_rows']);
    expect(script(await rechunk(original, 1000), 'inserts-rewritten.pgdump')).toBe(script(original, 'inserts-original.pgdump'));
  });

  test.each([
    { kind: 'pg_dump\'s gzip archive', args: ['--format=custom', '--compress=6'], toFile: false },
    { kind: 'an archive pg_dump wrote to a file (its data offsets are recorded)', args: ['--format=custom', '--compress=0'], toFile: true },
    { kind: 'a plain SQL script', args: ['--format=plain'], toFile: false },
  ])('$kind passes through unchanged', async ({ args, toFile }) => {
    let archive: Buffer;
    if (toFile) {
      const file = path.join(scratch, 'with-offsets.pgdump');
      execFileSync(tool('pg_dump'), [...args, '--file', file, '--dbname', pg().url('rechunk')]);
      archive = fs.readFileSync(file);
    } else {
      archive = dumpThroughPipe(args);
    }
    expect((await rechunk(archive, 5000)).equals(archive)).toBe(true);
  });

  test('an archive that ends inside a data block is refused as ended early', async () => {
    const original = dumpThroughPipe(['--format=custom', '--compress=0']);
    await expect(rechunk(original.subarray(0, original.length - 1000))).rejects.toBeInstanceOf(ArchiveEndedEarlyError);
  });
});
