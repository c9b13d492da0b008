import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { formatValue } from '../../../src/core/policy/validation';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';
import {
  BarmanCloudOptions, barmanCloudBackupArgv, barmanCloudBackupDeleteArgv, barmanCloudRestoreArgv, barmanCloudUrl,
  barmanCloudWalArchiveArgv, barmanCloudWalArchiveCommand, barmanCloudWalRestoreArgv, barmanCloudWalRestoreCommand,
} from '../../../src/core/postgres/barman-cloud';
import { useS3 } from '../../support/s3';

const run = promisify(execFile);

const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const AZURE: ArchiveRepository = { kind: 'azure', account: 'ordersbackup', container: 'wal', prefix: 'prod' };
const s3: BarmanCloudOptions = { repository: S3 };

describe('barmanCloudUrl', () => {
  test.each<[ArchiveRepository, string]>([
    [S3, 's3://orders-wal/prod/orders'],
    [{ ...S3, prefix: undefined }, 's3://orders-wal'],
    [AZURE, 'https://ordersbackup.blob.core.windows.net/wal/prod'],
  ])('names %j as %s', (repo, url) => {
    expect(barmanCloudUrl(repo)).toBe(url);
  });
});

describe('barman-cloud command lines', () => {
  test('archive a WAL segment to S3 with gzip', () => {
    expect(barmanCloudWalArchiveArgv(s3, 'pg_wal/000000010000000000000001')).toEqual([
      'barman-cloud-wal-archive', '--cloud-provider', 'aws-s3', '--gzip', 's3://orders-wal/prod/orders', 'main', 'pg_wal/000000010000000000000001',
    ]);
  });

  test('archive through a local endpoint without compression', () => {
    expect(barmanCloudWalArchiveCommand({ repository: { ...S3, endpoint: 'http://127.0.0.1:9000' }, compression: 'none', serverName: 'orders' }))
      .toBe('barman-cloud-wal-archive --cloud-provider aws-s3 --endpoint-url http://127.0.0.1:9000 s3://orders-wal/prod/orders orders %p');
  });

  test('archive to Azure with a managed identity and bzip2', () => {
    expect(barmanCloudWalArchiveCommand({ repository: AZURE, azureCredential: 'managed-identity', compression: 'bzip2' })).toBe(
      'barman-cloud-wal-archive --cloud-provider azure-blob-storage --credential managed-identity --bzip2 '
      + 'https://ordersbackup.blob.core.windows.net/wal/prod main %p');
  });

  test('restore a WAL segment', () => {
    expect(barmanCloudWalRestoreArgv(s3, '000000010000000000000001', '/restore/pg_wal/RECOVERYXLOG')).toEqual([
      'barman-cloud-wal-restore', '--cloud-provider', 'aws-s3', 's3://orders-wal/prod/orders', 'main',
      '000000010000000000000001', '/restore/pg_wal/RECOVERYXLOG',
    ]);
  });

  test('restore WAL as restore_command, with no compression flag (barman-cloud reads it from the object)', () => {
    expect(barmanCloudWalRestoreCommand(s3)).toBe('barman-cloud-wal-restore --cloud-provider aws-s3 s3://orders-wal/prod/orders main %f %p');
  });

  test('take a base backup with an immediate checkpoint by default', () => {
    expect(barmanCloudBackupArgv(s3)).toEqual([
      'barman-cloud-backup', '--cloud-provider', 'aws-s3', '--gzip', '--immediate-checkpoint', 's3://orders-wal/prod/orders', 'main',
    ]);
  });

  test('take a named base backup over a given connection with parallel uploads', () => {
    expect(barmanCloudBackupArgv(s3, {
      pgHost: '/run/postgresql', pgPort: 5433, pgUser: 'backup', jobs: 4, name: 'weekly', immediateCheckpoint: false,
    })).toEqual([
      'barman-cloud-backup', '--cloud-provider', 'aws-s3', '--gzip', '--host', '/run/postgresql', '--port', '5433', '--user', 'backup',
      '--jobs', '4', '--name', 'weekly', 's3://orders-wal/prod/orders', 'main',
    ]);
  });

  test('restore a base backup into a directory', () => {
    expect(barmanCloudRestoreArgv(s3, '20261124T010000', '/restore')).toEqual([
      'barman-cloud-restore', '--cloud-provider', 'aws-s3', 's3://orders-wal/prod/orders', 'main', '20261124T010000', '/restore',
    ]);
  });

  test('delete backups beyond the retained count', () => {
    expect(barmanCloudBackupDeleteArgv(s3, 3)).toEqual([
      'barman-cloud-backup-delete', '--cloud-provider', 'aws-s3', '--retention-policy', 'REDUNDANCY 3', 's3://orders-wal/prod/orders', 'main',
    ]);
  });

  test.each<[string, () => unknown, string, unknown, string]>([
    ['a directory repository', () => barmanCloudWalArchiveCommand({ repository: { kind: 'posix', path: '/srv/wal' } }),
      'repository.kind', 'posix', 'one of: s3, azure (barman-cloud stores only in object storage)'],
    ['skipped TLS verification', () => barmanCloudWalArchiveCommand({ repository: { ...S3, verifyTls: false } }),
      'repository.verifyTls', false, 'true (barman-cloud cannot skip certificate verification; give the endpoint a certificate the host trusts)'],
    ['a server name with a space', () => barmanCloudBackupArgv({ ...s3, serverName: 'my db' }),
      'serverName', 'my db', '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit'],
    ['an unknown compression', () => barmanCloudBackupArgv({ ...s3, compression: 'zstd' as 'gzip' }),
      'compression', 'zstd', 'one of: gzip, bzip2, snappy, none'],
    ['an unknown Azure credential', () => barmanCloudWalArchiveCommand({ repository: AZURE, azureCredential: 'key' as 'azure-cli' }),
      'azureCredential', 'key', 'one of: azure-cli, managed-identity'],
    ['no upload jobs', () => barmanCloudBackupArgv(s3, { jobs: 0 }), 'jobs', 0, 'an integer from 1 to 64'],
    ['a backup id with a space', () => barmanCloudRestoreArgv(s3, 'last week', '/restore'),
      'backupId', 'last week', 'a backup id (YYYYMMDDThhmmss) or backup name'],
    ['a relative recovery directory', () => barmanCloudRestoreArgv(s3, '20261124T010000', 'restore'),
      'recoveryDirectory', 'restore', 'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['keeping no backup', () => barmanCloudBackupDeleteArgv(s3, 0), 'retainFull', 0, 'an integer from 1 to 9999999'],
  ])('refuse %s, naming the path, the value and what is allowed', (_name, attempt, field, value, allowed) => {
    expect(attempt).toThrow(`${field} is ${formatValue(value)}; allowed: ${allowed}`);
  });
});

describe('the WAL commands, run by the real barman-cloud against a local S3-compatible server', () => {
  const server = useS3({ buckets: ['orders-wal'] });
  const segment = '000000010000000000000001';
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-barman-'));
    fs.mkdirSync(path.join(root, 'pg_wal'));
    fs.writeFileSync(path.join(root, 'pg_wal', segment), Buffer.alloc(16 * 1024 * 1024, 7));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('archive a segment and restore the same bytes', async () => {
    const options: BarmanCloudOptions = { repository: { ...S3, endpoint: server().endpoint }, serverName: 'orders' };
    const env = { ...process.env, ...server().env };
    const [archive, ...archiveArgs] = barmanCloudWalArchiveArgv(options, path.join(root, 'pg_wal', segment));
    await run(archive, archiveArgs, { env, timeout: 60_000 });
    const [restore, ...restoreArgs] = barmanCloudWalRestoreArgv(options, segment, path.join(root, 'restored'));
    await run(restore, restoreArgs, { env, timeout: 60_000 });
    expect(fs.readFileSync(path.join(root, 'restored')).equals(fs.readFileSync(path.join(root, 'pg_wal', segment)))).toBe(true);
  });
});
