import {
  ArchiveSettingsOptions, formatPostgresSettingValue, renderArchiveSettings, renderPostgresSettings, walArchiverCommands,
} from '../../../src/core';
import { Archiver } from '../../../src/core/policy/policy';
import { formatValue } from '../../../src/core/policy/validation';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';

const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const lines = (text: string) => text.split('\n');

describe('formatPostgresSettingValue', () => {
  test.each<[string | number | boolean, string]>([
    ['replica', 'replica'],
    ['on', 'on'],
    [60, '60'],
    [true, 'on'],
    [false, 'off'],
    ['/var/lib/wal', "'/var/lib/wal'"],
    ["it's", "'it''s'"],
    ['C:\\wal', "'C:\\\\wal'"],
    ['', "''"],
  ])('writes %j as %s', (value, written) => {
    expect(formatPostgresSettingValue(value)).toBe(written);
  });
});

describe('renderPostgresSettings', () => {
  test('comments every header line and ends with a newline', () => {
    expect(renderPostgresSettings([{ name: 'archive_mode', value: 'on' }], ['first', ''])).toBe('# first\n#\narchive_mode = on\n');
  });
});

describe('renderArchiveSettings', () => {
  test('renders the pgBackRest block, line by line', () => {
    expect(lines(renderArchiveSettings({ repository: S3 }).text)).toEqual([
      '# WAL archiving for point-in-time recovery (archiver: pgbackrest).',
      '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not these lines.',
      'wal_level = replica',
      'archive_mode = on',
      "archive_command = 'pgbackrest --stanza=main archive-push %p'",
      'archive_timeout = 60',
      'max_wal_senders = 10',
      '',
    ]);
  });

  test('returns the same settings as ordered data', () => {
    expect(renderArchiveSettings({ repository: S3, pitr: { archiveTimeoutSeconds: 300 }, maxWalSenders: 4 }).settings).toEqual([
      { name: 'wal_level', value: 'replica' },
      { name: 'archive_mode', value: 'on' },
      { name: 'archive_command', value: 'pgbackrest --stanza=main archive-push %p' },
      { name: 'archive_timeout', value: 300 },
      { name: 'max_wal_senders', value: 4 },
    ]);
  });

  test.each<[Archiver, Partial<ArchiveSettingsOptions>, string]>([
    ['pgbackrest', { pgBackRest: { stanza: 'orders' } }, "archive_command = 'pgbackrest --stanza=orders archive-push %p'"],
    ['wal-g', {}, "archive_command = 'wal-g --config /etc/wal-g/wal-g.env wal-push %p'"],
    ['barman-cloud', { barmanCloud: { serverName: 'orders' } },
      "archive_command = 'barman-cloud-wal-archive --cloud-provider aws-s3 --gzip s3://orders-wal/prod/orders orders %p'"],
    ['archive-command', {},
      "archive_command = 'aws s3api put-object --bucket orders-wal --key prod/orders/wal/%f --body %p --if-none-match ''*'' --region eu-west-1'"],
  ])('writes the archive_command of %s', (archiver, extra, line) => {
    const text = renderArchiveSettings({ repository: S3, pitr: { archiver }, ...extra }).text;
    expect(lines(text)[0]).toBe(`# WAL archiving for point-in-time recovery (archiver: ${archiver}).`);
    expect(lines(text)[4]).toBe(line);
  });

  test('accepts an archive timeout outside 30-3600 s when the policy allows it', () => {
    const { settings } = renderArchiveSettings({ repository: S3, pitr: { archiveTimeoutSeconds: 10, allowArchiveTimeoutOutsideRange: true } });
    expect(settings.find((s) => s.name === 'archive_timeout')?.value).toBe(10);
  });

  const base: ArchiveSettingsOptions = { repository: S3 };
  test.each<[string, Partial<ArchiveSettingsOptions>, string, unknown, string]>([
    ['a 10 s archive timeout', { pitr: { archiveTimeoutSeconds: 10 } }, 'pitr.archiveTimeoutSeconds', 10,
      'an integer from 30 to 3600 seconds (or set allowArchiveTimeoutOutsideRange)'],
    ['a 2 h archive timeout', { pitr: { archiveTimeoutSeconds: 7200 } }, 'pitr.archiveTimeoutSeconds', 7200,
      'an integer from 30 to 3600 seconds (or set allowArchiveTimeoutOutsideRange)'],
    ['a negative archive timeout even when allowed', { pitr: { archiveTimeoutSeconds: -1, allowArchiveTimeoutOutsideRange: true } },
      'pitr.archiveTimeoutSeconds', -1, 'an integer from 0 to 1073741823 seconds'],
    ['negative WAL senders', { maxWalSenders: -1 }, 'maxWalSenders', -1, 'an integer from 0 to 262143'],
    ['an unknown archiver', { pitr: { archiver: 'wal-e' as Archiver } }, 'pitr.archiver', 'wal-e',
      'one of: pgbackrest, wal-g, barman-cloud, archive-command'],
    ['a bad pgBackRest stanza', { pgBackRest: { stanza: 'a b' } }, 'pgBackRest.stanza', 'a b',
      '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit'],
    ['a WAL-G config file without .env', { pitr: { archiver: 'wal-g' }, walG: { configFile: '/etc/wal-g/config.json' } },
      'walG.configFile', '/etc/wal-g/config.json', 'a path ending in .env (WAL-G reads the format from the extension)'],
    ['barman-cloud with a directory', { pitr: { archiver: 'barman-cloud' }, repository: { kind: 'posix', path: '/srv/wal' } },
      'repository.kind', 'posix', 'one of: s3, azure (barman-cloud stores only in object storage)'],
    ['a bad bucket', { repository: { ...S3, bucket: 'x' } }, 'repository.bucket', 'x',
      '3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address (a DNS-valid bucket name)'],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, change, path, value, allowed) => {
    expect(() => renderArchiveSettings({ ...base, ...change })).toThrow(`${path} is ${formatValue(value)}; allowed: ${allowed}`);
  });

  test('renders with a bucket name that is not known yet', () => {
    const token = '${Token[Bucket.Name]}';
    const isUnresolved = (v: unknown) => typeof v === 'string' && v.includes('${Token');
    const { text } = renderArchiveSettings({ repository: { ...S3, bucket: token }, pitr: { archiver: 'barman-cloud' } }, { isUnresolved });
    expect(lines(text)[4]).toBe(`archive_command = 'barman-cloud-wal-archive --cloud-provider aws-s3 --gzip ''s3://${token}/prod/orders'' main %p'`);
  });
});

describe('walArchiverCommands', () => {
  test('pairs each archive_command with its restore_command', () => {
    expect(walArchiverCommands({ repository: { kind: 'posix', path: '/srv/wal' }, pitr: { archiver: 'archive-command' } })).toEqual({
      archiver: 'archive-command',
      archiveCommand: 'test ! -f /srv/wal/wal/%f && cp %p /srv/wal/wal/%f',
      restoreCommand: 'cp /srv/wal/wal/%f %p',
    });
  });
});
