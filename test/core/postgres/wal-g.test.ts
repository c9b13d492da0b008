import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatValue } from '../../../src/core/policy/validation';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';
import {
  WalGOptions, renderWalGEnvironment, walGArchiveCommand, walGBackupFetchArgv, walGBackupPushArgv, walGDeleteRetainArgv, walGRestoreCommand,
} from '../../../src/core/postgres/wal-g';

const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const HEADER = [
  '# WAL-G environment, read with `wal-g --config <this file>`.',
  '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
];
const lines = (text: string) => text.split('\n');

describe('renderWalGEnvironment', () => {
  test('renders an S3 environment, line by line', () => {
    expect(lines(renderWalGEnvironment({ repository: S3 }).text)).toEqual([
      ...HEADER,
      'WALG_S3_PREFIX=s3://orders-wal/prod/orders',
      'AWS_REGION=eu-west-1',
      'WALG_COMPRESSION_METHOD=zstd',
      'PGHOST=/var/run/postgresql',
      'PGPORT=5432',
      'PGUSER=postgres',
      '',
    ]);
  });

  test('adds the endpoint, path-style addressing and KMS encryption of an S3 repository', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { variables } = renderWalGEnvironment({
      repository: { ...S3, prefix: undefined, endpoint: 'https://127.0.0.1:9000/', uriStyle: 'path', kmsKeyArn: arn },
      compression: 'lz4',
    });
    expect(variables).toEqual({
      WALG_S3_PREFIX: 's3://orders-wal',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT: 'https://127.0.0.1:9000',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      WALG_S3_SSE: 'aws:kms',
      WALG_S3_SSE_KMS_ID: arn,
      WALG_COMPRESSION_METHOD: 'lz4',
      PGHOST: '/var/run/postgresql',
      PGPORT: '5432',
      PGUSER: 'postgres',
    });
  });

  test('renders an Azure environment, line by line', () => {
    const { text } = renderWalGEnvironment({
      repository: { kind: 'azure', account: 'ordersbackup', container: 'wal', prefix: 'prod' },
      pgHost: '/run/postgresql',
      pgPort: 5433,
      pgUser: 'backup',
    });
    expect(lines(text)).toEqual([
      ...HEADER,
      'WALG_AZ_PREFIX=azure://wal/prod',
      'AZURE_STORAGE_ACCOUNT=ordersbackup',
      'WALG_COMPRESSION_METHOD=zstd',
      'PGHOST=/run/postgresql',
      'PGPORT=5433',
      'PGUSER=backup',
      '',
    ]);
  });

  test('renders a directory environment, quoting a path with spaces', () => {
    const { text } = renderWalGEnvironment({ repository: { kind: 'posix', path: '/srv/wal backups' } });
    expect(lines(text)[2]).toBe("WALG_FILE_PREFIX='/srv/wal backups'");
  });

  test('writes a file that sh reads back as the same variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-walg-'));
    try {
      const { text, variables } = renderWalGEnvironment({ repository: { kind: 'posix', path: '/srv/wal backups' } });
      const file = path.join(dir, 'wal-g.env');
      fs.writeFileSync(file, text);
      const names = Object.keys(variables);
      const script = `set -a; . "$1"; for n in ${names.join(' ')}; do eval "printf '%s=%s\\n' \\"$n\\" \\"\\$$n\\""; done`;
      const out = execFileSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8', env: {} });
      expect(Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])))
        .toEqual(variables);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const base: WalGOptions = { repository: S3 };
  test.each<[string, Partial<WalGOptions>, string, unknown, string]>([
    ['an unknown compression', { compression: 'gzip' as 'lz4' }, 'compression', 'gzip', 'one of: lz4, lzma, zstd, brotli, none'],
    ['a port out of range', { pgPort: 0 }, 'pgPort', 0, 'an integer from 1 to 65535'],
    ['a user with a space', { pgUser: 'back up' }, 'pgUser', 'back up', 'a role name of 1-63 letters, digits, "_", "$" and "-"'],
    ['a host with a quote', { pgHost: "/run/it's" }, 'pgHost', "/run/it's", 'a host name, address or absolute socket directory without spaces or quotes'],
    ['a directory with a dollar sign', { repository: { kind: 'posix', path: '/srv/$HOME' } }, 'repository.path', '/srv/$HOME',
      'a value without quotes, backslashes, "$", backticks or line breaks (it goes into an env file)'],
    ['skipped TLS verification', { repository: { ...S3, verifyTls: false } }, 'repository.verifyTls', false,
      'true (WAL-G cannot skip certificate verification; give the endpoint a certificate the host trusts)'],
    ['a config file that is not .env', { configFile: '/etc/wal-g/walg.yaml' }, 'configFile', '/etc/wal-g/walg.yaml',
      'a path ending in .env (WAL-G reads the format from the extension)'],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, change, path_, value, allowed) => {
    expect(() => renderWalGEnvironment({ ...base, ...change })).toThrow(`${path_} is ${formatValue(value)}; allowed: ${allowed}`);
  });
});

describe('WAL-G command lines', () => {
  test('archive WAL with wal-push %p', () => {
    expect(walGArchiveCommand()).toBe('wal-g --config /etc/wal-g/wal-g.env wal-push %p');
  });

  test('fetch WAL with wal-fetch %f %p', () => {
    expect(walGRestoreCommand({ configFile: '/etc/wal-g/orders.env' })).toBe('wal-g --config /etc/wal-g/orders.env wal-fetch %f %p');
  });

  test('push a base backup of the data directory', () => {
    expect(walGBackupPushArgv({}, '/var/lib/postgresql/15/main'))
      .toEqual(['wal-g', '--config', '/etc/wal-g/wal-g.env', 'backup-push', '/var/lib/postgresql/15/main']);
  });

  test('force a full base backup', () => {
    expect(walGBackupPushArgv({}, '/data', true)).toEqual(['wal-g', '--config', '/etc/wal-g/wal-g.env', 'backup-push', '/data', '--full']);
  });

  test('fetch the latest base backup', () => {
    expect(walGBackupFetchArgv({}, '/restore')).toEqual(['wal-g', '--config', '/etc/wal-g/wal-g.env', 'backup-fetch', '/restore', 'LATEST']);
  });

  test('fetch a named base backup', () => {
    expect(walGBackupFetchArgv({}, '/restore', 'base_000000010000000000000003')[5]).toBe('base_000000010000000000000003');
  });

  test('keep the newest full backups and delete the rest', () => {
    expect(walGDeleteRetainArgv({}, 3)).toEqual(['wal-g', '--config', '/etc/wal-g/wal-g.env', 'delete', 'retain', 'FULL', '3', '--confirm']);
  });

  test.each<[string, () => unknown, string]>([
    ['a relative data directory', () => walGBackupPushArgv({}, 'data'), 'dataDirectory is "data"; allowed: an absolute path'],
    ['a made-up backup name', () => walGBackupFetchArgv({}, '/restore', 'yesterday'),
      'backupName is "yesterday"; allowed: LATEST or a WAL-G backup name such as base_000000010000000000000003'],
    ['keeping no backup', () => walGDeleteRetainArgv({}, 0), 'retainFull is 0; allowed: an integer from 1 to 9999999'],
  ])('refuse %s', (_name, attempt, message) => {
    expect(attempt).toThrow(message);
  });
});
