import { formatValue } from '../../../src/core/policy/validation';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';
import {
  PgBackRestConfOptions, pgBackRestArchiveGetCommand, pgBackRestArchivePushCommand, pgBackRestBackupArgv, pgBackRestCheckArgv,
  pgBackRestExpireArgv, pgBackRestInfoArgv, pgBackRestRestoreArgv, pgBackRestStanzaCreateArgv, renderPgBackRestConf,
} from '../../../src/core/postgres/pgbackrest-conf';

const DATA = '/var/lib/postgresql/15/main';
const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const lines = (text: string) => text.split('\n');

describe('renderPgBackRestConf', () => {
  test('renders an S3 repository with instance credentials, line by line', () => {
    const { text } = renderPgBackRestConf({ repository: S3, pgPath: DATA });
    expect(lines(text)).toEqual([
      '# pgBackRest configuration for stanza "main".',
      '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
      '',
      '[global]',
      'repo1-type=s3',
      'repo1-path=/prod/orders',
      'repo1-s3-bucket=orders-wal',
      'repo1-s3-endpoint=s3.eu-west-1.amazonaws.com',
      'repo1-s3-region=eu-west-1',
      'repo1-s3-key-type=auto',
      'repo1-s3-uri-style=host',
      'repo1-retention-full=2',
      'repo1-retention-full-type=count',
      'compress-type=zst',
      'process-max=1',
      'archive-async=y',
      'spool-path=/var/spool/pgbackrest',
      'start-fast=y',
      'log-level-console=info',
      '',
      '[main]',
      `pg1-path=${DATA}`,
      '',
    ]);
  });

  test.each([
    ['eu-central-1', undefined, 's3.eu-central-1.amazonaws.com'],
    ['cn-north-1', undefined, 's3.cn-north-1.amazonaws.com.cn'],
    ['us-gov-east-1', undefined, 's3.us-gov-east-1.amazonaws.com'],
    ['us-iso-east-1', undefined, 's3.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', undefined, 's3.us-isob-east-1.sc2s.sgov.gov'],
    ['eu-isoe-west-1', undefined, 's3.eu-isoe-west-1.cloud.adc-e.uk'],
    ['us-isof-south-1', undefined, 's3.us-isof-south-1.csp.hci.ic.gov'],
    ['${Token[AWS.Region.9]}', '${Token[AWS.URLSuffix.10]}', 's3.${Token[AWS.Region.9]}.${Token[AWS.URLSuffix.10]}'],
  ])("names the AWS endpoint of region %s in its partition's domain (given: %s)", (region, dnsSuffix, endpoint) => {
    const deployTime = { isUnresolved: (value: unknown) => typeof value === 'string' && value.includes('${Token[') };
    const repository = { ...S3, region, ...(dnsSuffix !== undefined ? { dnsSuffix } : {}) };
    const { sections } = renderPgBackRestConf({ repository, pgPath: DATA }, deployTime);
    expect(sections[0].options.find((option) => option.name === 'repo1-s3-endpoint')).toEqual({ name: 'repo1-s3-endpoint', value: endpoint });
  });

  test('points an S3 repository at a local endpoint with path-style addressing, shared keys and no TLS verification', () => {
    const { sections } = renderPgBackRestConf({
      repository: { ...S3, prefix: undefined, endpoint: 'https://127.0.0.1:9000', uriStyle: 'path', verifyTls: false },
      s3Keys: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER-SECRET' },
      pgPath: DATA,
    });
    expect(sections[0].options.slice(0, 11)).toEqual([
      { name: 'repo1-type', value: 's3' },
      { name: 'repo1-path', value: '/' },
      { name: 'repo1-s3-bucket', value: 'orders-wal' },
      { name: 'repo1-s3-endpoint', value: '127.0.0.1' },
      { name: 'repo1-storage-port', value: '9000' },
      { name: 'repo1-s3-region', value: 'eu-west-1' },
      { name: 'repo1-s3-key-type', value: 'shared' },
      { name: 'repo1-s3-key', value: 'S3RVER' },
      { name: 'repo1-s3-key-secret', value: 'S3RVER-SECRET' },
      { name: 'repo1-s3-uri-style', value: 'path' },
      { name: 'repo1-storage-verify-tls', value: 'n' },
    ]);
  });

  test('encrypts S3 objects with the repository KMS key', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { text } = renderPgBackRestConf({ repository: { ...S3, kmsKeyArn: arn }, pgPath: DATA });
    expect(lines(text)).toContain(`repo1-s3-kms-key-id=${arn}`);
  });

  test('takes web identity credentials when asked', () => {
    const { text } = renderPgBackRestConf({ repository: S3, pgPath: DATA, s3KeyType: 'web-id' });
    expect(lines(text)).toContain('repo1-s3-key-type=web-id');
  });

  test('renders an Azure repository, line by line', () => {
    const { text } = renderPgBackRestConf({
      repository: { kind: 'azure', account: 'ordersbackup', container: 'wal', prefix: 'prod' },
      pgPath: DATA,
      azureKeyType: 'sas',
    });
    expect(lines(text).slice(3, 10)).toEqual([
      '[global]',
      'repo1-type=azure',
      'repo1-path=/prod',
      'repo1-azure-account=ordersbackup',
      'repo1-azure-container=wal',
      'repo1-azure-key-type=sas',
      'repo1-retention-full=2',
    ]);
  });

  test('renders a directory repository with every option given, line by line', () => {
    const { text } = renderPgBackRestConf({
      repository: { kind: 'posix', path: '/srv/pgbackrest' },
      stanza: 'orders',
      pgPath: DATA,
      pgPort: 5433,
      pgSocketPath: '/run/postgresql',
      pitr: { retainFull: 4, expireBy: 'lifecycle' },
      compressType: 'lz4',
      processMax: 4,
      archiveAsync: false,
      startFast: false,
      logLevelConsole: 'detail',
      logPath: '/srv/log',
      lockPath: '/srv/lock',
    });
    expect(lines(text).slice(3)).toEqual([
      '[global]',
      'repo1-type=posix',
      'repo1-path=/srv/pgbackrest',
      'repo1-retention-full=4',
      'repo1-retention-full-type=count',
      'expire-auto=n',
      'compress-type=lz4',
      'process-max=4',
      'archive-async=n',
      'start-fast=n',
      'log-level-console=detail',
      'log-path=/srv/log',
      'lock-path=/srv/lock',
      '',
      '[orders]',
      `pg1-path=${DATA}`,
      'pg1-port=5433',
      'pg1-socket-path=/run/postgresql',
      '',
    ]);
  });

  test('names the stanza in the header and the section', () => {
    const { text, sections } = renderPgBackRestConf({ repository: S3, pgPath: DATA, stanza: 'orders' });
    expect(lines(text)[0]).toBe('# pgBackRest configuration for stanza "orders".');
    expect(sections.map((s) => s.name)).toEqual(['global', 'orders']);
  });

  const base: PgBackRestConfOptions = { repository: S3, pgPath: DATA };
  test.each<[string, Partial<PgBackRestConfOptions>, string, unknown, string]>([
    ['a stanza with a space', { stanza: 'my db' }, 'stanza', 'my db', '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit'],
    ['a stanza with a bracket', { stanza: 'main]' }, 'stanza', 'main]', '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit'],
    ['no process', { processMax: 0 }, 'processMax', 0, 'an integer from 1 to 999'],
    ['a thousand processes', { processMax: 1000 }, 'processMax', 1000, 'an integer from 1 to 999'],
    ['a fractional process count', { processMax: 1.5 }, 'processMax', 1.5, 'an integer from 1 to 999'],
    ['an unknown compression', { compressType: 'xz' as 'gz' }, 'compressType', 'xz', 'one of: zst, lz4, gz, bz2, none'],
    ['an unknown log level', { logLevelConsole: 'verbose' as 'info' }, 'logLevelConsole', 'verbose',
      'one of: off, error, warn, info, detail, debug, trace'],
    ['no full backup kept', { pitr: { retainFull: 0 } }, 'pitr.retainFull', 0, 'an integer from 1 to 9999999'],
    ['a port out of range', { pgPort: 70000 }, 'pgPort', 70000, 'an integer from 1 to 65535'],
    ['a relative data directory', { pgPath: 'main' }, 'pgPath', 'main',
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['no data directory', { pgPath: undefined }, 'pgPath', undefined,
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['a relative spool path', { spoolPath: 'spool' }, 'spoolPath', 'spool',
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['a plain-HTTP S3 endpoint', { repository: { ...S3, endpoint: 'http://127.0.0.1:9000' } }, 'repository.endpoint', 'http://127.0.0.1:9000',
      'an https:// URL (pgBackRest speaks to S3 only over TLS)'],
    ['a bad bucket', { repository: { ...S3, bucket: 'Orders' } }, 'repository.bucket', 'Orders',
      '3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address (a DNS-valid bucket name)'],
    ['an S3 key type for an Azure repository', { repository: { kind: 'azure', account: 'orders', container: 'wal' }, s3KeyType: 'auto' },
      's3KeyType', 'auto', 'nothing unless the repository is s3'],
    ['an unknown Azure key type', { repository: { kind: 'azure', account: 'orders', container: 'wal' }, azureKeyType: 'token' as 'sas' },
      'azureKeyType', 'token', 'one of: shared, sas'],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, change, path, value, allowed) => {
    expect(() => renderPgBackRestConf({ ...base, ...change })).toThrow(`${path} is ${formatValue(value)}; allowed: ${allowed}`);
  });

  test('rejects instance credentials combined with keys', () => {
    expect(() => renderPgBackRestConf({ ...base, s3KeyType: 'auto', s3Keys: { accessKeyId: 'A', secretAccessKey: 'B' } }))
      .toThrow('s3KeyType is "auto"; allowed: shared (s3Keys are shared keys)');
  });

  test('never repeats a secret in an error message', () => {
    const attempt = () => renderPgBackRestConf({ ...base, s3Keys: { accessKeyId: 'A', secretAccessKey: 'top secret' } });
    expect(attempt).toThrow('s3Keys.secretAccessKey is "(hidden)"; allowed: a non-empty key without spaces');
    expect(attempt).not.toThrow(/top secret/);
  });

  test('lists every problem in one error', () => {
    expect(() => renderPgBackRestConf({ ...base, stanza: '', processMax: 0, compressType: 'xz' as 'gz' }))
      .toThrow(/\(3 problems\)/);
  });
});

describe('pgBackRest command lines', () => {
  test('archive WAL with archive-push %p', () => {
    expect(pgBackRestArchivePushCommand()).toBe('pgbackrest --stanza=main archive-push %p');
  });

  test('fetch WAL with archive-get %f "%p"', () => {
    expect(pgBackRestArchiveGetCommand({ stanza: 'orders' })).toBe('pgbackrest --stanza=orders archive-get %f "%p"');
  });

  test('name a configuration file that is not the default, quoted and with % escaped', () => {
    expect(pgBackRestArchivePushCommand({ configFile: '/srv/100% sure/pgbackrest.conf' }))
      .toBe("pgbackrest '--config=/srv/100%% sure/pgbackrest.conf' --stanza=main archive-push %p");
  });

  test.each<[string, string[]]>([
    ['stanza-create', pgBackRestStanzaCreateArgv()],
    ['check', pgBackRestCheckArgv()],
    ['expire', pgBackRestExpireArgv()],
  ])('run %s for the stanza', (command, argv) => {
    expect(argv).toEqual(['pgbackrest', '--stanza=main', command]);
  });

  test('ask info for JSON', () => {
    expect(pgBackRestInfoArgv({ configFile: '/tmp/x/pgbackrest.conf' }))
      .toEqual(['pgbackrest', '--config=/tmp/x/pgbackrest.conf', '--stanza=main', 'info', '--output=json']);
  });

  test.each(['full', 'diff', 'incr'] as const)('take a %s backup', (type) => {
    expect(pgBackRestBackupArgv({}, type)).toEqual(['pgbackrest', '--stanza=main', 'backup', `--type=${type}`]);
  });

  test('refuse an unknown backup type', () => {
    expect(() => pgBackRestBackupArgv({}, 'snapshot' as 'full')).toThrow('type is "snapshot"; allowed: one of: full, diff, incr');
  });

  test('restore to a time in the format pgBackRest parses, promoting at the target', () => {
    expect(pgBackRestRestoreArgv({}, { target: { kind: 'time', time: '2026-11-24T10:15:00Z' } })).toEqual([
      'pgbackrest', '--stanza=main', 'restore', '--type=time', '--target=2026-11-24 10:15:00+00', '--target-action=promote',
    ]);
  });

  test('restore just before a transaction on a given timeline, reusing matching files', () => {
    expect(pgBackRestRestoreArgv({}, { target: { kind: 'xid', xid: 1234 }, inclusive: false, timeline: 3, action: 'pause', delta: true }))
      .toEqual([
        'pgbackrest', '--stanza=main', 'restore', '--delta', '--type=xid', '--target=1234', '--target-exclusive',
        '--target-action=pause', '--target-timeline=3',
      ]);
  });

  test('restore to consistency from a chosen backup set', () => {
    expect(pgBackRestRestoreArgv({}, { target: { kind: 'immediate' }, set: '20261124-010000F' })).toEqual([
      'pgbackrest', '--stanza=main', 'restore', '--set=20261124-010000F', '--type=immediate', '--target-action=promote',
    ]);
  });

  test('restore to the end of the archive without a target', () => {
    expect(pgBackRestRestoreArgv({})).toEqual(['pgbackrest', '--stanza=main', 'restore']);
  });

  test('refuse a time without a zone', () => {
    expect(() => pgBackRestRestoreArgv({}, { target: { kind: 'time', time: '2026-11-24 10:15:00' } }))
      .toThrow('target.time is "2026-11-24 10:15:00"; allowed: an ISO-8601 timestamp with seconds and a time zone');
  });

  test('refuse a bad stanza in every command line', () => {
    expect(() => pgBackRestCheckArgv({ stanza: '-x' })).toThrow('stanza is "-x"; allowed: 1-64 letters');
  });
});
