/**
 * The restore runbook's "Restore by hand" block is what an operator runs when the runner itself is lost. Here it is
 * run as written, with bash, the Debian tools and the real pg_restore, on backups the runner wrote in each shape it
 * writes them: compressed by pg_dump, compressed by the runner (zstd, lz4), directory format, encrypted with age.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogicalDumpPolicy } from '../../src/core/policy/policy';
import { renderRestoreRunbook } from '../../src/core/policy/runbook';
import { seedShopDatabase, tableRowCounts } from '../runner/support/backup-fixtures';
import { runPgBackup } from '../runner/support/pg-backup-process';
import { usePostgres } from '../support/postgres';

/** The shell lines of the code block that follows `heading` in a Markdown document. */
function codeBlockAfter(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const open = lines.indexOf('```sh', start);
  const close = lines.indexOf('```', open + 1);
  return lines.slice(open + 1, close).join('\n');
}

interface Case {
  readonly name: string;
  readonly dumpFlags: readonly string[];
  readonly policy: LogicalDumpPolicy;
  readonly encrypted?: boolean;
  /** How the stored archive is named, so the case shows which shape it exercises. */
  readonly storedObject: string;
}

const CASES: readonly Case[] = [
  { name: 'the default custom-format dump (zstd by the runner)', dumpFlags: [], policy: {}, storedObject: 'dump.pgdump.zst' },
  { name: 'a custom-format dump compressed with lz4 by the runner', dumpFlags: ['--compress', 'lz4:1'], policy: {}, storedObject: 'dump.pgdump.lz4' },
  { name: "a custom-format dump with pg_dump's own gzip", dumpFlags: ['--compress', 'gzip:6'], policy: {}, storedObject: 'dump.pgdump' },
  {
    name: 'a directory-format dump with globals (zstd by the runner)',
    dumpFlags: ['--format', 'directory', '--jobs', '2', '--globals'],
    policy: { format: 'directory', includeGlobals: true },
    storedObject: 'dump/toc.dat',
  },
  { name: 'an age-encrypted custom-format dump', dumpFlags: [], policy: {}, encrypted: true, storedObject: 'dump.pgdump.zst.age' },
];

describe("the runbook's restore-by-hand commands restore every shape of dump the runner writes", () => {
  const pg = usePostgres();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-runbook-'));
  let sourceCounts: Record<string, number>;
  let identityFile: string;
  let publicKey: string;

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'shop');
    identityFile = path.join(work, 'operator-key.txt');
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
    publicKey = execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test.each(CASES.map((c, index) => ({ ...c, index })))('$name', async ({ index, dumpFlags, policy, encrypted, storedObject }) => {
    const store = path.join(work, `store-${index}`);
    const dump = await runPgBackup(
      ['dump', '--database-url', pg().url('shop'), '--to', `file://${store}`, ...dumpFlags, ...(encrypted ? ['--recipient', publicKey] : [])],
      { PG_BIN_DIR: pg().binDir });
    expect(dump.result.error).toBeUndefined();
    expect(dump.result).toMatchObject({ ok: true });
    expect(dump.exitCode).toBe(0);
    expect(fs.existsSync(path.join(store, 'shop', dump.result.backupId, storedObject))).toBe(true);

    const runbook = renderRestoreRunbook({
      databaseName: 'shop',
      policy: { logicalDump: policy },
      dumps: { location: { kind: 'posix', path: store }, ...(encrypted ? { encryptedTo: [publicKey] } : {}) },
    });
    const byHand = codeBlockAfter(runbook, '### Restore by hand');

    // The operator's working directory: the block downloads into ./restore and reads the identity from ./key.txt.
    const operatorDirectory = path.join(work, `operator-${index}`);
    fs.mkdirSync(operatorDirectory);
    if (encrypted) fs.copyFileSync(identityFile, path.join(operatorDirectory, 'key.txt'));
    const target = await pg().createDatabase(`shop_by_hand_${index}`);
    execFileSync('bash', ['-e', '-o', 'pipefail', '-c', byHand], {
      cwd: operatorDirectory,
      env: { ...process.env, PATH: `${pg().binDir}:${process.env.PATH}`, TARGET_URL: pg().url(target) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  });
});
