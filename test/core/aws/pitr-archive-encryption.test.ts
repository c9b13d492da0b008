import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS, pitrArchiveKeyFileCommands } from '../../../src/core/aws/pitr-archive-encryption';
import { archiveConfigurationFiles, archiveHostUserData } from '../../../src/core/aws/pitr-archive-host';
import { SelfHostedPitrArchiveOptions, planSelfHostedPitrArchive } from '../../../src/core/aws/self-hosted-pitr-archive';
import { renderPgBackRestConf } from '../../../src/core/postgres/pgbackrest-conf';
import { renderWalGEnvironment } from '../../../src/core/postgres/wal-g';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-archive-pass-AbCdEf';
const REPOSITORY = { kind: 's3' as const, bucket: 'orders-archive', region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1' };
const PARAMETERS = { region: 'eu-west-1', postgresqlConf: '/postgres-backup/orders/postgresql.conf', archiverConf: '/postgres-backup/orders/archiver' };

function plan(options: Partial<SelfHostedPitrArchiveOptions>) {
  return planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, ...options });
}

describe('SelfHostedPitrArchive encryption, as core plans it', () => {
  test('pgBackRest encrypts with aes-256-cbc, its hosts read the pass from the include directory and the drill from PGBACKREST_REPO1_CIPHER_PASS', () => {
    expect(plan({ encryption: {} }).encryption).toEqual({
      cipher: 'aes-256-cbc',
      keyFile: '/etc/pgbackrest/conf.d/repo1-cipher-pass.conf',
      drillEnvironmentVariable: 'PGBACKREST_REPO1_CIPHER_PASS',
      readSecret: PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS,
    });
  });

  test('WAL-G encrypts with libsodium from a key file, hex unless base64 is asked for', () => {
    expect(plan({ pitr: { archiver: 'wal-g' }, encryption: {} }).encryption).toMatchObject({ cipher: 'libsodium', keyFile: '/etc/wal-g/libsodium.key', keyEncoding: 'hex' });
    expect(plan({ pitr: { archiver: 'wal-g' }, encryption: { keyEncoding: 'base64' } }).encryption?.keyEncoding).toBe('base64');
  });

  test('the secret may only be read, never listed, changed or deleted, and its own key only decrypt', () => {
    expect(PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS.map(({ resource, actions }) => ({ resource, actions }))).toEqual([
      { resource: 'encryption-secret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] },
      { resource: 'encryption-secret-key', actions: ['kms:Decrypt'] },
    ]);
  });

  test('an archive without encryption plans none and its configuration names no cipher', () => {
    const unencrypted = plan({ drill: {} });
    expect(unencrypted.encryption).toBeUndefined();
    const files = archiveConfigurationFiles(unencrypted, REPOSITORY);
    expect(`${files.archiverConf}${files.drillPgBackRestConf}`).not.toContain('cipher');
  });

  test('the protection metadata names the cipher', () => {
    expect(plan({ encryption: {} }).protection.encryption).toBe('aes-256-cbc');
    expect(plan({ pitr: { archiver: 'wal-g' }, encryption: {} }).protection.encryption).toBe('libsodium');
  });

  test.each<[string, Partial<SelfHostedPitrArchiveOptions>, string]>([
    ['barman-cloud', { pitr: { archiver: 'barman-cloud' }, encryption: {} },
      'encryption is "(encryption)"; allowed: undefined unless pitr.archiver is "pgbackrest" or "wal-g" (barman-cloud does not encrypt its repository itself)'],
    ['a plain archive_command', { pitr: { archiver: 'archive-command' }, encryption: {} }, 'encryption is "(encryption)"; allowed: undefined unless pitr.archiver is "pgbackrest"'],
    ['a key encoding for pgBackRest', { encryption: { keyEncoding: 'hex' } }, 'encryption.keyEncoding is "hex"; allowed: undefined unless pitr.archiver is "wal-g"'],
    ['an unknown key encoding', { pitr: { archiver: 'wal-g' }, encryption: { keyEncoding: 'raw' as never } }, 'encryption.keyEncoding is "raw"; allowed: one of: hex, base64'],
  ])('%s is refused naming the option, the value and what is allowed', (_name, options, message) => {
    expect(() => plan(options)).toThrow(message);
  });
});

describe('the files an encrypted archive renders hold the cipher, never the pass or key', () => {
  test('pgbackrest.conf of the hosts and of the drill: repo1-cipher-type=aes-256-cbc and no repo1-cipher-pass', () => {
    const files = archiveConfigurationFiles(plan({ encryption: {}, drill: {} }), REPOSITORY);
    for (const text of [files.archiverConf!, files.drillPgBackRestConf!]) {
      expect(text.split('\n')).toContain('repo1-cipher-type=aes-256-cbc');
      expect(text).not.toContain('repo1-cipher-pass');
    }
  });

  test('WAL-G\'s environment: the key file and its encoding', () => {
    const text = archiveConfigurationFiles(plan({ pitr: { archiver: 'wal-g' }, encryption: { keyEncoding: 'base64' } }), REPOSITORY).archiverConf!;
    expect(text.split('\n')).toEqual(expect.arrayContaining(['WALG_LIBSODIUM_KEY_PATH=/etc/wal-g/libsodium.key', 'WALG_LIBSODIUM_KEY_TRANSFORM=base64']));
    expect(text).not.toMatch(/WALG_LIBSODIUM_KEY=/);
  });

  test.each<[string, () => unknown, string]>([
    ['a pass without the cipher', () => renderPgBackRestConf({ repository: REPOSITORY, pgPath: '/data', cipherPass: 'secret-pass' }),
      'cipherPass is "(hidden)"; allowed: nothing unless cipherType is "aes-256-cbc"'],
    ['a pass with a space', () => renderPgBackRestConf({ repository: REPOSITORY, pgPath: '/data', cipherType: 'aes-256-cbc', cipherPass: 'two words' }),
      'cipherPass is "(hidden)"; allowed: a non-empty pass without spaces'],
    ['an unknown cipher', () => renderPgBackRestConf({ repository: REPOSITORY, pgPath: '/data', cipherType: 'aes-128-cbc' as never }),
      'cipherType is "aes-128-cbc"; allowed: one of: none, aes-256-cbc'],
    ['a relative key file', () => renderWalGEnvironment({ repository: REPOSITORY, libsodiumKeyPath: 'libsodium.key' }), 'libsodiumKeyPath is "libsodium.key"'],
    ['an encoding without a key file', () => renderWalGEnvironment({ repository: REPOSITORY, libsodiumKeyEncoding: 'hex' }),
      'libsodiumKeyEncoding is "hex"; allowed: nothing unless libsodiumKeyPath is given'],
  ])('%s is refused', (_name, render, message) => {
    expect(render).toThrow(message);
  });

  test('a refused pass is never echoed', () => {
    expect(() => renderPgBackRestConf({ repository: REPOSITORY, pgPath: '/data', cipherType: 'aes-256-cbc', cipherPass: 'hunter2 and more' }))
      .toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});

describe('the hosts\' user data of an encrypted archive', () => {
  test('writes the pass from the secret into a postgres-only file before the archive block turns archiving on', () => {
    const commands = archiveHostUserData(plan({ encryption: {} }), { ...PARAMETERS, encryptionSecretArn: SECRET });
    const keyFile = commands.findIndex((command) => command.includes('secretsmanager get-secret-value'));
    expect(commands.slice(keyFile - 2, keyFile + 1)).toEqual([
      'install -d -o postgres -m 0750 /etc/pgbackrest/conf.d',
      'install -o postgres -m 0600 /dev/null /etc/pgbackrest/conf.d/repo1-cipher-pass.conf',
      '{ printf \'[global]\\nrepo1-cipher-pass=\'; aws secretsmanager get-secret-value --region eu-west-1 '
        + `--secret-id ${SECRET} --query SecretString --output text; } > /etc/pgbackrest/conf.d/repo1-cipher-pass.conf`,
    ]);
    expect(keyFile).toBeLessThan(commands.findIndex((command) => command.includes(PARAMETERS.postgresqlConf)));
  });

  test('refuses to render without the secret\'s ARN', () => {
    expect(() => archiveHostUserData(plan({ encryption: {} }), PARAMETERS)).toThrow('needs the ARN of the secret');
  });

  test('an unencrypted archive\'s user data reads no secret', () => {
    expect(archiveHostUserData(plan({}), PARAMETERS).join('\n')).not.toContain('secretsmanager');
  });

  test('the pass file it writes is read by the real pgBackRest from its include directory, and only postgres may read it', () => {
    // The AWS CLI's part (printing the secret's value) is played by a script; the rest of each command runs as written.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-cipher-file-'));
    try {
      const bin = path.join(root, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'aws'), '#!/bin/sh\necho "the-pass-from-the-secret"\n', { mode: 0o755 });
      const encryption = { ...plan({ encryption: {} }).encryption!, keyFile: path.join(root, 'conf.d', 'repo1-cipher-pass.conf') };
      const owner = process.getuid?.() === 0 ? [] : ['-e', 's/-o postgres //'];
      const script = pitrArchiveKeyFileCommands(encryption, 'eu-west-1', SECRET).join('\n');
      const shell = owner.length > 0 ? execFileSync('sed', owner, { input: script, encoding: 'utf8' }) : script;
      execFileSync('bash', ['-euo', 'pipefail', '-c', shell], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });

      expect(fs.readFileSync(encryption.keyFile, 'utf8')).toBe('[global]\nrepo1-cipher-pass=the-pass-from-the-secret\n');
      expect((fs.statSync(encryption.keyFile).mode % 0o1000).toString(8)).toBe('600');
      // pgBackRest reads <config-path>/pgbackrest.conf and every <config-path>/conf.d/*.conf: with the cipher type
      // alone it asks for the pass; with the include file it has one.
      fs.writeFileSync(path.join(root, 'pgbackrest.conf'), renderPgBackRestConf({
        stanza: 'orders',
        repository: { kind: 'posix', path: path.join(root, 'repo') },
        pgPath: path.join(root, 'data'),
        cipherType: 'aes-256-cbc',
        lockPath: path.join(root, 'lock'),
        logPath: path.join(root, 'log'),
      }).text);
      const info = (configPath: string) => {
        try {
          return execFileSync('pgbackrest', [`--config-path=${configPath}`, '--stanza=orders', 'info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? '') + String((error as { stderr?: string }).stderr ?? '');
        }
      };
      expect(info(root)).toContain('missing stanza path');
      fs.rmSync(encryption.keyFile);
      expect(info(root)).toContain('requires option: repo1-cipher-pass');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
