import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArchiveFollower } from '../../src/runner/archive-follower';
import { ArchiveEndedEarlyError, ArchiveRechunker } from '../../src/runner/archive-rechunk';
import { usePostgres } from '../support/postgres';

describe('the runner follows a custom-format archive while it is written and knows when each data block is whole', () => {
  const pg = usePostgres();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-follow-'));
  const tool = (name: string) => path.join(pg().binDir, name);
  let piped: Buffer;
  let gzipFile: string;

  /** The data entries of an archive as pg_restore lists them: `dumpId; … TABLE DATA schema name owner` and the large objects. */
  const dataEntries = (file: string) => execFileSync(tool('pg_restore'), ['--list', file], { encoding: 'utf8' }).split('\n')
    .map((line) => /^(\d+); \d+ \d+ (TABLE DATA|BLOBS) /.exec(line)).filter((match) => match !== null).map((match) => Number(match![1])).sort();

  /** Writes `archive` into `file` in pieces, following it; returns what the follower said and how much was written when. */
  async function follow(archive: Buffer, file: string, piece: number) {
    const blocks: Array<{ dumpId: number; bytes: number; writtenWhenSaid: number }> = [];
    let written = 0;
    const follower = new ArchiveFollower(file, (dumpId, bytes) => blocks.push({ dumpId, bytes, writtenWhenSaid: written }));
    const handle = await fs.promises.open(file, 'w');
    for (; written < archive.length;) {
      const next = Math.min(archive.length, written + piece);
      await handle.write(archive.subarray(written, next), 0, next - written, written);
      written = next;
      // Give the follower time to catch up with the writer, as a download gives it.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await handle.close();
    follower.finish();
    const toc = await follower.toc;
    return { follower, toc, blocks };
  }

  beforeAll(async () => {
    await pg().createDatabase('follow');
    await pg().query(`
      CREATE TABLE many_rows (id int PRIMARY KEY, note text);
      INSERT INTO many_rows SELECT g, 'row ' || g FROM generate_series(1, 20000) g;
      CREATE TABLE no_rows (id int);
      CREATE TABLE wide_rows (id int, body text);
      INSERT INTO wide_rows SELECT g, repeat(md5(g::text), 4000) FROM generate_series(1, 5) g;
      SELECT lo_from_bytea(0, convert_to(repeat('large object ', 5000), 'UTF8'));`, 'follow');
    // pg_dump's plain archive written to a pipe (no data offsets, one chunk a row), and its gzip archive written to a file (with offsets).
    piped = execFileSync('bash', ['-c', '"$0" "$@" | cat', tool('pg_dump'), '--format=custom', '--compress=0', '--dbname', pg().url('follow')], { maxBuffer: 2 ** 30 });
    fs.writeFileSync(path.join(scratch, 'piped.pgdump'), piped);
    gzipFile = path.join(scratch, 'gzip.pgdump');
    execFileSync(tool('pg_dump'), ['--format=custom', '--file', gzipFile, '--dbname', pg().url('follow')]);
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test.each([
    ['an uncompressed archive from a pipe', () => piped],
    ['pg_dump\'s gzip archive with data offsets', () => fs.readFileSync(gzipFile)],
  ])('%s: every data block is told once, only after its last byte is written, and the table of contents names them', async (_name, archiveOf) => {
    const archive = archiveOf();
    const file = path.join(scratch, `followed-${Math.random()}.pgdump`);
    fs.writeFileSync(path.join(scratch, 'whole.pgdump'), archive);
    const expected = dataEntries(path.join(scratch, 'whole.pgdump'));

    const { follower, toc, blocks } = await follow(archive, file, 3001);
    await follower.ended;

    expect(blocks.map((block) => block.dumpId).sort()).toEqual(expected);
    expect(toc!.entries.filter((entry) => entry.hasData).map((entry) => entry.dumpId).sort()).toEqual(expected);
    expect(toc!.entries.find((entry) => entry.desc === 'TABLE DATA' && entry.tag === 'many_rows')).toMatchObject({ namespace: 'public', section: 3 });
    // A block is told once its end is written: the blocks follow each other, so each ends where the bytes told so far end.
    let end = archive.length - blocks.reduce((sum, block) => sum + block.bytes, 0);
    for (const block of blocks) {
      end += block.bytes;
      expect(block.writtenWhenSaid).toBeGreaterThanOrEqual(end);
    }
    expect(end).toBe(archive.length);
  });

  test('the runner\'s own archive (large chunks) is followed by reading its framing only, not its rows', async () => {
    await pg().createDatabase('follow_bulky');
    await pg().query("CREATE TABLE bulky (id int, note text); INSERT INTO bulky SELECT g, 'row ' || g || repeat('x', 100) FROM generate_series(1, 100000) g",
      'follow_bulky');
    const plain = execFileSync('bash', ['-c', '"$0" "$@" | cat', tool('pg_dump'), '--format=custom', '--compress=0', '--dbname', pg().url('follow_bulky')],
      { maxBuffer: 2 ** 30 });
    const rechunker = new ArchiveRechunker();
    const merged: Buffer[] = [];
    rechunker.on('data', (chunk: Buffer) => merged.push(chunk));
    await new Promise((resolve, reject) => rechunker.once('end', resolve).once('error', reject).end(plain));
    const archive = Buffer.concat(merged);
    const { follower, blocks } = await follow(archive, path.join(scratch, 'bulky.pgdump'), 1024 * 1024);
    await follower.ended;
    expect(blocks).toHaveLength(1);
    // A 12 MB block in 256 KiB chunks: a page read after each chunk, where a 64 KiB window read a quarter of the archive.
    expect(archive.length).toBeGreaterThan(10 * 2 ** 20);
    expect(follower.bytesRead).toBeLessThan(archive.length / 20);
  });

  test('an archive that ends inside a data block is an error, after the blocks before it were told', async () => {
    const file = path.join(scratch, 'cut.pgdump');
    const { follower, blocks } = await follow(piped.subarray(0, piped.length - 100), file, 65536);
    await expect(follower.ended).rejects.toBeInstanceOf(ArchiveEndedEarlyError);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThan(dataEntries(path.join(scratch, 'piped.pgdump')).length);
  });

  test('a file that is not a custom-format archive of a known version has no table of contents to follow', async () => {
    const file = path.join(scratch, 'not-custom.txt');
    const { follower, toc } = await follow(Buffer.from('-- a plain SQL script\nSELECT 1;\n'), file, 8);
    expect(toc).toBeUndefined();
    await follower.ended;
  });
});
