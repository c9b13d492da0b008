import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase, tableRowCounts } from './support/backup-fixtures';
import { runPgBackup, type PgBackupRun } from './support/pg-backup-process';

/** A key pair made by the Debian age-keygen: the identity file and its public key. */
interface AgeKey {
  readonly file: string;
  readonly secret: string;
  readonly publicKey: string;
}

function ageKeygen(directory: string, name: string): AgeKey {
  const file = path.join(directory, `${name}.txt`);
  execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
  const secret = fs.readFileSync(file, 'utf8').split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-'))!;
  const publicKey = execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim();
  return { file, secret, publicKey };
}

/** Runs a shell pipeline (the operator's commands of README), failing on the first failing command. */
function shell(script: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('bash', ['-o', 'pipefail', '-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
}

const AGE_HEADER = 'age-encryption.org/v1\n';

describe('pg-backup encrypts dumps with age to public keys, so only the holder of an identity reads them back', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['sealed-backups'] });
  const azure = useAzurite();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-age-'));
  const fileRoot = path.join(work, 'store');
  let operator: AgeKey;
  let spare: AgeKey;
  let stranger: AgeKey;
  let sourceCounts: Record<string, number>;

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'shop');
    await pg().query('CREATE ROLE sealed_reader LOGIN');
    await azure().createContainer('sealed');
    operator = ageKeygen(work, 'operator');
    spare = ageKeygen(work, 'spare');
    stranger = ageKeygen(work, 'stranger');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const stores = [
    {
      kind: 's3',
      uri: () => 's3://sealed-backups/nightly',
      env: () => s3().env,
      read: async (key: string) => {
        const object = await s3().client.send(new GetObjectCommand({ Bucket: 'sealed-backups', Key: `nightly/${key}` }));
        return Buffer.from(await object.Body!.transformToByteArray());
      },
    },
    {
      kind: 'azblob',
      uri: () => `azblob://${azure().account}/sealed/nightly`,
      env: () => azure().env,
      read: (key: string) => azure().client.getContainerClient('sealed').getBlobClient(`nightly/${key}`).downloadToBuffer(),
    },
    {
      kind: 'file',
      uri: () => `file://${fileRoot}`,
      env: () => ({}),
      read: async (key: string) => fs.promises.readFile(path.join(fileRoot, key)),
    },
  ];

  describe.each(stores)('with $kind', ({ kind, uri, env, read }) => {
    const cliEnv = (extra: Record<string, string> = {}) => ({ PG_BIN_DIR: pg().binDir, ...env(), ...extra });
    let dump: PgBackupRun;

    beforeAll(async () => {
      dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri(), '--recipient', operator.publicKey, '--recipient', spare.publicKey], cliEnv());
    });

    test('every stored object is an age file, and the manifest records the recipients and the sha256 of what is stored', async () => {
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, database: 'shop', format: 'custom' } });
      const manifest = JSON.parse((await read(`shop/${dump.result.backupId}/manifest.json`)).toString('utf8'));
      expect(manifest.encryption).toEqual({ format: 'age', recipients: [operator.publicKey, spare.publicKey] });
      expect(manifest.objects).toEqual([expect.objectContaining({ name: 'dump.pgdump.zst.age', role: 'dump', compression: 'zstd', encryption: 'age' })]);
      const stored = await read(`shop/${dump.result.backupId}/dump.pgdump.zst.age`);
      expect(stored.subarray(0, AGE_HEADER.length).toString('latin1')).toBe(AGE_HEADER);
      expect(stored.length).toBe(manifest.objects[0].bytes);
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(stored).digest('hex')).toBe(manifest.objects[0].sha256);
    });

    test('verify decrypts it with the identity file and compares every row count', async () => {
      const verify = await runPgBackup(['verify', '--from', uri(), '--backup', dump.result.backupId, '--target-url', pg().url(), '--jobs', '2'],
        cliEnv({ PG_BACKUP_AGE_IDENTITY_FILE: operator.file }));
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true, tablesCompared: 5 } });
      expect(verify.result.rowsCompared).toBe(Object.values(sourceCounts).reduce((sum, rows) => sum + rows, 0));
    });

    test('the age CLI, zstd and pg_restore restore it without pg-backup', async () => {
      const sealed = path.join(work, `${kind}-dump.pgdump.zst.age`);
      fs.writeFileSync(sealed, await read(`shop/${dump.result.backupId}/dump.pgdump.zst.age`));
      const target = await pg().createDatabase(`shop_by_hand_${kind}`);
      // The spare key opens it as well as the operator's: the backup is encrypted to both.
      shell('age -d -i "$KEY" "$DUMP" | zstd -dc | "$PG_BIN_DIR/pg_restore" --no-owner -d "$TARGET"', {
        KEY: spare.file, DUMP: sealed, PG_BIN_DIR: pg().binDir, TARGET: pg().url(target),
      });
      expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
    });
  });

  test('a directory-format dump with globals encrypts every file; age, a loop and pg_restore -j 2 restore it by hand', async () => {
    const to = `file://${work}/directory`;
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', to, '--format', 'directory', '--jobs', '2',
      '--compress', 'gzip:6', '--globals'], { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_RECIPIENTS: `${operator.publicKey},${spare.publicKey}` });
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'directory' } });
    const names = (dump.result.objects as { name: string; encryption?: string }[]);
    expect(names.every((object) => object.name.endsWith('.age') && object.encryption === 'age')).toBe(true);
    expect(names.map((object) => object.name)).toEqual(expect.arrayContaining(['dump/toc.dat.age', 'globals.sql.age']));
    const folder = path.join(work, 'directory', 'shop', dump.result.backupId);
    for (const name of names.map((object) => object.name)) {
      expect(fs.readFileSync(path.join(folder, name)).subarray(0, AGE_HEADER.length).toString('latin1')).toBe(AGE_HEADER);
    }

    const target = await pg().createDatabase('shop_directory_by_hand');
    shell(`mkdir -p "$OUT/dump"
      for f in "$BACKUP"/dump/*.age; do age -d -i "$KEY" -o "$OUT/dump/$(basename "$f" .age)" "$f"; done
      age -d -i "$KEY" -o "$OUT/globals.sql" "$BACKUP/globals.sql.age"
      "$PG_BIN_DIR/pg_restore" --no-owner -j 2 -d "$TARGET" "$OUT/dump"`, {
      KEY: operator.file, BACKUP: folder, OUT: path.join(work, 'directory-by-hand'), PG_BIN_DIR: pg().binDir, TARGET: pg().url(target),
    });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
    expect(fs.readFileSync(path.join(work, 'directory-by-hand', 'globals.sql'), 'utf8')).toContain('CREATE ROLE sealed_reader');

    const verify = await runPgBackup(['verify', '--from', to, '--backup', dump.result.backupId, '--target-url', pg().url(), '--jobs', '2', '--globals'],
      { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_IDENTITY: fs.readFileSync(spare.file, 'utf8') });
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true, tablesCompared: 5 } });
  });

  describe('an encrypted backup is refused before any work without the identity of one of its recipients', () => {
    const to = () => `file://${work}/refusals`;
    let backupId: string;
    /** A server nobody listens on: reaching it would fail differently, so the refusal came first. */
    const nowhere = 'postgres://postgres@127.0.0.1:9/postgres';

    beforeAll(async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', to(), '--recipient', operator.publicKey], { PG_BIN_DIR: pg().binDir });
      expect(dump.exitCode).toBe(0);
      backupId = dump.result.backupId;
    });

    test.each<[string, { stranger?: boolean }, RegExp]>([
      ['verify', {}, /verify: backup \S+ of shop is encrypted with age to age1\w+, and no identity is given: set PG_BACKUP_AGE_IDENTITY_FILE .* nothing was downloaded or restored/],
      ['restore', {}, /restore: backup \S+ of shop is encrypted with age to age1\w+, and no identity is given/],
      ['verify', { stranger: true }, /verify: backup \S+ of shop is encrypted with age to age1\w+, but the identity in the file \S+ \(PG_BACKUP_AGE_IDENTITY_FILE\) is the key of age1\w+, which is none of them/],
      ['restore', { stranger: true }, /restore: .* which is none of them/],
    ])('%s with identity %j fails with a clear message, one result line and a failure metric', async (command, { stranger: wrong }, message) => {
      const run = await runPgBackup([command, '--from', to(), '--backup', backupId, '--target-url', nowhere],
        { PG_BIN_DIR: pg().binDir, ...(wrong ? { PG_BACKUP_AGE_IDENTITY_FILE: stranger.file } : {}) });
      expect(run.exitCode).toBe(1);
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
      const metric = command === 'verify' ? 'Verify' : 'Restore';
      expect(run.result).toMatchObject({ command, ok: false, metrics: { [`${metric}Failed`]: 1, [`${metric}Succeeded`]: 0 } });
      expect(run.result.error).toMatch(message);
      expect(run.stderr + run.stdout).not.toContain(stranger.secret);
    });

    test('an identity in the environment is never written to the output', async () => {
      const target = await pg().createDatabase('shop_restored_with_env_identity');
      const run = await runPgBackup(['restore', '--from', to(), '--backup', backupId, '--target-url', pg().url(target), '--log-level', 'debug'],
        { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_IDENTITY: operator.secret });
      expect(run).toMatchObject({ exitCode: 0, result: { ok: true, tablesRestored: 5 } });
      expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
      expect(run.stderr + run.stdout).not.toContain(operator.secret);
    });

    test('an identity variable that holds no key fails without quoting it', async () => {
      const run = await runPgBackup(['verify', '--from', to(), '--backup', backupId, '--target-url', nowhere],
        { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_IDENTITY: 'AGE-SECRET-KEY-1NOTAKEY' });
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toMatch(/PG_BACKUP_AGE_IDENTITY: line 1 of its identities is not an age identity/);
      expect(run.stderr + run.stdout).not.toContain('AGE-SECRET-KEY-1NOTAKEY');
    });

    test('an encrypted object changed after the backup fails verify, which names the object', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', to(), '--recipient', operator.publicKey], { PG_BIN_DIR: pg().binDir });
      const file = path.join(work, 'refusals', 'shop', dump.result.backupId, 'dump.pgdump.zst.age');
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] = 255 - bytes[Math.floor(bytes.length / 2)];
      fs.writeFileSync(file, bytes);
      const run = await runPgBackup(['verify', '--from', to(), '--backup', dump.result.backupId, '--target-url', pg().url()],
        { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_IDENTITY_FILE: operator.file });
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toMatch(/dump\.pgdump\.zst\.age (does not decrypt with the age identity|does not match its manifest)/);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
    });
  });

  test.each([
    [['--recipient', 'age1notakey'], {}, /dump: --recipient is "age1notakey"; allowed: an age public key/],
    [['--recipient', 'AGE-SECRET-KEY-1QQQ'], {}, /dump: --recipient is "AGE-SECRET-KEY-1QQQ"; allowed: an age public key/],
    [[], { PG_BACKUP_AGE_RECIPIENTS: 'ssh-ed25519 AAAA' }, /dump: PG_BACKUP_AGE_RECIPIENTS is "ssh-ed25519"; allowed: an age public key.*PG_BACKUP_AGE_RECIPIENTS is "AAAA"/],
  ])('dump %j %j is a usage error naming the flag and the value, before the database is touched', async (flags, extraEnv, message) => {
    const run = await runPgBackup(['dump', '--database-url', 'postgres://postgres@127.0.0.1:9/shop', '--to', `file://${work}/never`, ...flags],
      { PG_BIN_DIR: pg().binDir, ...extraEnv });
    expect(run.exitCode).toBe(2);
    expect(run.result).toMatchObject({ command: 'dump', ok: false });
    expect(run.result.error).toMatch(message);
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });
});
