import { Validator, formatIssue } from '../../../src/core/policy/validation';
import {
  ArchiveRepository, repositoryKey, repositoryPrefix, validateArchiveRepository,
} from '../../../src/core/postgres/archive-repository';

function issuesOf(repo: ArchiveRepository): string[] {
  const validator = new Validator();
  validateArchiveRepository(repo, validator, 'pitr.repository');
  return validator.issues.map(formatIssue);
}

const s3 = (extra: Partial<Extract<ArchiveRepository, { kind: 's3' }>> = {}): ArchiveRepository =>
  ({ kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', ...extra });

describe('validateArchiveRepository', () => {
  test.each<[string, ArchiveRepository]>([
    ['an S3 bucket with every option', s3({
      prefix: 'prod/orders',
      endpoint: 'https://127.0.0.1:9000',
      uriStyle: 'path',
      verifyTls: false,
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    })],
    ['a dotted bucket name', s3({ bucket: 'backups.example.com' })],
    ['an Azure container', { kind: 'azure', account: 'ordersbackup', container: 'wal-archive', prefix: 'prod' }],
    ['a directory', { kind: 'posix', path: '/var/lib/pgbackrest' }],
  ])('accepts %s', (_name, repo) => {
    expect(issuesOf(repo)).toEqual([]);
  });

  const BUCKET = 'allowed: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address (a DNS-valid bucket name)';
  const PREFIX = 'allowed: up to 512 letters, digits, ".", "_", "-" and "/", not starting with "/", without empty, "." or ".." segments';
  const PATH = 'allowed: an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks';
  test.each<[string, ArchiveRepository, string]>([
    ['an unknown kind', { kind: 'gcs' } as unknown as ArchiveRepository, 'pitr.repository.kind is "gcs"; allowed: one of: s3, azure, posix'],
    ['an upper-case bucket', s3({ bucket: 'Orders' }), `pitr.repository.bucket is "Orders"; ${BUCKET}`],
    ['a two-letter bucket', s3({ bucket: 'ab' }), `pitr.repository.bucket is "ab"; ${BUCKET}`],
    ['a bucket with an underscore', s3({ bucket: 'orders_wal' }), `pitr.repository.bucket is "orders_wal"; ${BUCKET}`],
    ['a bucket with adjacent dots', s3({ bucket: 'orders..wal' }), `pitr.repository.bucket is "orders..wal"; ${BUCKET}`],
    ['a bucket shaped like an IP address', s3({ bucket: '192.168.5.4' }), `pitr.repository.bucket is "192.168.5.4"; ${BUCKET}`],
    ['a bucket ending in a hyphen', s3({ bucket: 'orders-' }), `pitr.repository.bucket is "orders-"; ${BUCKET}`],
    ['a 64-character bucket', s3({ bucket: 'a'.repeat(64) }), `pitr.repository.bucket is "${'a'.repeat(64)}"; ${BUCKET}`],
    ['a made-up region', s3({ region: 'Europe' }), 'pitr.repository.region is "Europe"; allowed: an AWS region name such as eu-west-1'],
    ['a prefix with a leading slash', s3({ prefix: '/prod' }), `pitr.repository.prefix is "/prod"; ${PREFIX}`],
    ['a prefix climbing out', s3({ prefix: 'prod/../other' }), `pitr.repository.prefix is "prod/../other"; ${PREFIX}`],
    ['a prefix with a space', s3({ prefix: 'prod orders' }), `pitr.repository.prefix is "prod orders"; ${PREFIX}`],
    ['an endpoint with a path', s3({ endpoint: 'https://minio:9000/bucket' }),
      'pitr.repository.endpoint is "https://minio:9000/bucket"; allowed: an http:// or https:// URL of a host and optional port, without a path'],
    ['an endpoint without a scheme', s3({ endpoint: 'minio:9000' }),
      'pitr.repository.endpoint is "minio:9000"; allowed: an http:// or https:// URL of a host and optional port, without a path'],
    ['a key id instead of an ARN', s3({ kmsKeyArn: '1234abcd' }),
      'pitr.repository.kmsKeyArn is "1234abcd"; allowed: a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)'],
    ['an unknown URI style', s3({ uriStyle: 'virtual' as 'host' }), 'pitr.repository.uriStyle is "virtual"; allowed: one of: host, path'],
    ['an Azure account with capitals', { kind: 'azure', account: 'OrdersBackup', container: 'wal' },
      'pitr.repository.account is "OrdersBackup"; allowed: 3-24 lowercase letters and digits'],
    ['an Azure container with a double hyphen', { kind: 'azure', account: 'orders', container: 'wal--archive' },
      'pitr.repository.container is "wal--archive"; allowed: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'],
    ['a relative directory', { kind: 'posix', path: 'backups' }, `pitr.repository.path is "backups"; ${PATH}`],
    ['the root directory', { kind: 'posix', path: '/' }, `pitr.repository.path is "/"; ${PATH}`],
    ['a directory climbing out', { kind: 'posix', path: '/srv/../etc' }, `pitr.repository.path is "/srv/../etc"; ${PATH}`],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, repo, message) => {
    expect(issuesOf(repo)).toEqual([message]);
  });

  test('reports every problem of a repository at once', () => {
    expect(issuesOf(s3({ bucket: 'A', region: 'x', prefix: '/p' })).map((m) => m.split(' is ')[0])).toEqual([
      'pitr.repository.bucket', 'pitr.repository.region', 'pitr.repository.prefix',
    ]);
  });

  test('skips values that are not known yet', () => {
    const validator = new Validator({ isUnresolved: (v) => typeof v === 'string' && v.startsWith('${Token') });
    validateArchiveRepository(s3({ bucket: '${Token[Bucket.Name]}' }), validator, 'repository');
    expect(validator.issues).toEqual([]);
  });
});

describe('repository keys', () => {
  test('strip slashes around the prefix', () => {
    expect(repositoryPrefix(s3({ prefix: 'prod/orders/' }))).toBe('prod/orders');
  });

  test('put keys below the prefix', () => {
    expect(repositoryKey(s3({ prefix: 'prod/orders' }), 'wal/')).toBe('prod/orders/wal/');
  });

  test('put keys at the root without a prefix', () => {
    expect(repositoryKey(s3(), 'wal/')).toBe('wal/');
  });
});
