import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

/** The runner as root without the capabilities that override file modes, so a file's mode refuses it as any user. */
const WITHOUT_FILE_OVERRIDE = ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];

/**
 * An identity file that cannot open an encrypted backup fails verify and restore before anything is downloaded or
 * restored, with what is wrong with the file in words and never a line of it.
 */
describe('an identity file that cannot open an encrypted backup', () => {
  const pg = usePostgres();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-identity-'));
  const uri = `file://${path.join(work, 'store')}`;
  const operatorFile = path.join(work, 'operator.txt');
  const strangerFile = path.join(work, 'stranger.txt');
  let operatorPublicKey: string;
  let backupId: string;
  /** Every secret line of the test's identity files: none may ever be printed. */
  const secrets = () => [operatorFile, strangerFile].map((file) => fs.readFileSync(file, 'utf8').split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-'))!);

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    execFileSync('age-keygen', ['-o', operatorFile], { stdio: 'ignore' });
    execFileSync('age-keygen', ['-o', strangerFile], { stdio: 'ignore' });
    operatorPublicKey = execFileSync('age-keygen', ['-y', operatorFile], { encoding: 'utf8' }).trim();
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri, '--recipient', operatorPublicKey], { PG_BIN_DIR: pg().binDir });
    expect(dump.exitCode).toBe(0);
    backupId = dump.result.backupId;
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const cases: Array<{ name: string; file: () => string; through?: string[]; message: RegExp }> = [
    {
      name: 'a directory',
      file: () => work,
      message: /PG_BACKUP_AGE_IDENTITY_FILE names \S+, which cannot be read: it is a directory, not a file \(EISDIR\); it must be a file of AGE-SECRET-KEY-1… lines, as age-keygen -o writes it; nothing was downloaded or restored/,
    },
    {
      name: 'a path where there is no file',
      file: () => path.join(work, 'no-such-identity.txt'),
      message: /PG_BACKUP_AGE_IDENTITY_FILE names \S+no-such-identity\.txt, which cannot be read: there is no such file \(ENOENT\)/,
    },
    {
      name: 'a file of mode 000 that the runner\'s user may not read',
      file: () => {
        const file = path.join(work, 'locked.txt');
        fs.copyFileSync(operatorFile, file);
        fs.chmodSync(file, 0o000);
        return file;
      },
      through: WITHOUT_FILE_OVERRIDE,
      message: /PG_BACKUP_AGE_IDENTITY_FILE names \S+locked\.txt, which cannot be read: the runner's user \(uid 0\) may not read it \(EACCES\): make it readable by that user/,
    },
    {
      name: 'an empty file',
      file: () => {
        const file = path.join(work, 'empty.txt');
        fs.writeFileSync(file, '');
        return file;
      },
      message: /the file \S+empty\.txt \(PG_BACKUP_AGE_IDENTITY_FILE\) holds no age identity; it needs an AGE-SECRET-KEY-1… line, as age-keygen writes it/,
    },
    {
      name: 'a file holding the public key instead of the identity',
      file: () => {
        const file = path.join(work, 'public.txt');
        fs.writeFileSync(file, `${operatorPublicKey}\n`);
        return file;
      },
      message: /the file \S+public\.txt \(PG_BACKUP_AGE_IDENTITY_FILE\): line 1 of its identities is not an age identity \(it is an age public key \(a recipient, which only encrypts\), not the identity beside it\)/,
    },
    {
      name: 'a file that is not an age identity',
      file: () => {
        const file = path.join(work, 'ssh.txt');
        fs.writeFileSync(file, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n');
        return file;
      },
      message: /the file \S+ssh\.txt \(PG_BACKUP_AGE_IDENTITY_FILE\): line 1 of its identities is not an age identity \(not an AGE-SECRET-KEY-… line\)/,
    },
    {
      name: 'the identity of another key',
      file: () => strangerFile,
      message: /backup \S+ of shop is encrypted with age to age1\w+, but the identity in the file \S+stranger\.txt \(PG_BACKUP_AGE_IDENTITY_FILE\) is the key of age1\w+, which is none of them; .*nothing was downloaded or restored/,
    },
  ];

  describe.each(['verify', 'restore'])('%s', (command) => {
    test.each(cases)('$name: fails before any restore work with what is wrong, exit 1 and the failure metric, never quoting a key', async ({ file, through, message }) => {
      const target = `shop_${command}_${Math.random().toString(36).slice(2, 8)}`;
      const run = await runPgBackup([command, '--from', uri, '--backup', backupId, '--target-url', pg().url(target), '--log-level', 'debug'],
        { PG_BIN_DIR: pg().binDir, PG_BACKUP_AGE_IDENTITY_FILE: file() }, { through });
      expect(run.exitCode).toBe(1);
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
      const metric = command === 'verify' ? 'Verify' : 'Restore';
      expect(run.result).toMatchObject({ command, ok: false, metrics: { [`${metric}Failed`]: 1 } });
      expect(run.result.error).toMatch(message);
      for (const secret of secrets()) expect(run.stdout + run.stderr).not.toContain(secret);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
      expect(await pg().query(`SELECT datname FROM pg_database WHERE datname = '${target}'`)).toEqual([]);
    });
  });
});
