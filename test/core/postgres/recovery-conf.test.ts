import {
  RecoveryConfOptions, RecoveryTarget, normalizeRecoveryTime, recoveryTargetSettings, renderRecoveryConf,
} from '../../../src/core';
import { Archiver } from '../../../src/core/policy/policy';
import { formatValue } from '../../../src/core/policy/validation';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';

const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const DATA = '/var/lib/postgresql/15/main';
const base: RecoveryConfOptions = { repository: S3, dataDirectory: DATA, target: { kind: 'time', time: '2026-11-24T10:15:00Z' } };
const lines = (text: string) => text.split('\n');

describe('renderRecoveryConf', () => {
  test('renders a pgBackRest recovery to a time, line by line', () => {
    expect(lines(renderRecoveryConf(base).text)).toEqual([
      '# Point-in-time recovery to time 2026-11-24T10:15:00Z (archiver: pgbackrest).',
      '# Rendered by postgres-backup-constructs; the server starts in recovery while recovery.signal exists.',
      'restore_command = \'pgbackrest --stanza=main archive-get %f "%p"\'',
      "recovery_target_time = '2026-11-24 10:15:00+00'",
      'recovery_target_inclusive = on',
      'recovery_target_action = promote',
      'recovery_target_timeline = latest',
      '',
    ]);
  });

  test.each<[Archiver, string]>([
    ['pgbackrest', 'restore_command = \'pgbackrest --stanza=main archive-get %f "%p"\''],
    ['wal-g', "restore_command = 'wal-g --config /etc/wal-g/wal-g.env wal-fetch %f %p'"],
    ['barman-cloud', "restore_command = 'barman-cloud-wal-restore --cloud-provider aws-s3 s3://orders-wal/prod/orders main %f %p'"],
    ['archive-command', "restore_command = 'aws s3api get-object --bucket orders-wal --key prod/orders/wal/%f --region eu-west-1 %p'"],
  ])('fetches WAL with the restore_command of %s', (archiver, line) => {
    expect(lines(renderRecoveryConf({ ...base, pitr: { archiver } }).text)[2]).toBe(line);
  });

  test('appends the settings to postgresql.auto.conf, then creates an empty recovery.signal', () => {
    const rendered = renderRecoveryConf(base);
    expect(rendered.files).toEqual([
      { path: `${DATA}/postgresql.auto.conf`, write: 'append', content: rendered.text },
      { path: `${DATA}/recovery.signal`, write: 'create', content: '' },
    ]);
  });

  test('stops just before the target and pauses on the current timeline when asked', () => {
    const { settings } = renderRecoveryConf({ ...base, inclusive: false, action: 'pause', timeline: 'current' });
    expect(settings.slice(2)).toEqual([
      { name: 'recovery_target_inclusive', value: false },
      { name: 'recovery_target_action', value: 'pause' },
      { name: 'recovery_target_timeline', value: 'current' },
    ]);
  });

  test('follows a numbered timeline', () => {
    expect(lines(renderRecoveryConf({ ...base, timeline: 3 }).text)).toContain('recovery_target_timeline = 3');
  });

  const TIME = 'an ISO-8601 timestamp with seconds and a time zone, e.g. 2026-11-24T10:15:00Z or 2026-11-24 11:15:00+01:00';
  test.each<[string, Partial<RecoveryConfOptions>, string, unknown, string]>([
    ['a time without a zone', { target: { kind: 'time', time: '2026-11-24T10:15:00' } }, 'target.time', '2026-11-24T10:15:00', TIME],
    ['a time without seconds', { target: { kind: 'time', time: '2026-11-24T10:15Z' } }, 'target.time', '2026-11-24T10:15Z', TIME],
    ['the 30th of February', { target: { kind: 'time', time: '2026-02-30T10:15:00Z' } }, 'target.time', '2026-02-30T10:15:00Z', TIME],
    ['hour 24', { target: { kind: 'time', time: '2026-11-24T24:00:00Z' } }, 'target.time', '2026-11-24T24:00:00Z', TIME],
    ['a zone offset of 15 hours', { target: { kind: 'time', time: '2026-11-24T10:00:00+15:00' } }, 'target.time', '2026-11-24T10:00:00+15:00', TIME],
    ['words for a time', { target: { kind: 'time', time: 'yesterday' } }, 'target.time', 'yesterday', TIME],
    ['a non-numeric xid', { target: { kind: 'xid', xid: 'abc' } }, 'target.xid', 'abc', 'a transaction id from 3 to 18446744073709551615'],
    ['a reserved xid', { target: { kind: 'xid', xid: 2 } }, 'target.xid', 2, 'a transaction id from 3 to 18446744073709551615'],
    ['an xid past 64 bits', { target: { kind: 'xid', xid: '18446744073709551616' } }, 'target.xid', '18446744073709551616',
      'a transaction id from 3 to 18446744073709551615'],
    ['an LSN without a slash', { target: { kind: 'lsn', lsn: '3000028' } }, 'target.lsn', '3000028', 'a log sequence number such as 0/3000028 (hex/hex)'],
    ['an empty restore point', { target: { kind: 'name', name: '' } }, 'target.name', '', 'a restore point name of 1 to 63 bytes on one line'],
    ['a 64-byte restore point', { target: { kind: 'name', name: 'n'.repeat(64) } }, 'target.name', 'n'.repeat(64),
      'a restore point name of 1 to 63 bytes on one line'],
    ['an unknown target kind', { target: { kind: 'latest' } as unknown as RecoveryTarget }, 'target.kind', 'latest',
      'one of: time, xid, lsn, name, immediate'],
    ['no target', { target: undefined as unknown as RecoveryTarget }, 'target', undefined,
      'an object whose kind is one of: time, xid, lsn, name, immediate'],
    ['an unknown action', { action: 'resume' as 'pause' }, 'action', 'resume', 'one of: pause, promote, shutdown'],
    ['timeline 0', { timeline: 0 }, 'timeline', 0, 'an integer from 1 to 4294967295'],
    ['an unknown timeline word', { timeline: 'newest' as 'latest' }, 'timeline', 'newest', 'one of: latest, current'],
    ['a relative data directory', { dataDirectory: 'main' }, 'dataDirectory', 'main',
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, change, path, value, allowed) => {
    expect(() => renderRecoveryConf({ ...base, ...change })).toThrow(`${path} is ${formatValue(value)}; allowed: ${allowed}`);
  });
});

describe('recoveryTargetSettings', () => {
  test.each<[RecoveryTarget, Array<[string, string | number | boolean]>]>([
    [{ kind: 'time', time: '2026-11-24 11:15:00.5+01:00' }, [['recovery_target_time', '2026-11-24 11:15:00.5+01:00'], ['recovery_target_inclusive', true]]],
    [{ kind: 'xid', xid: '18446744073709551615' }, [['recovery_target_xid', '18446744073709551615'], ['recovery_target_inclusive', true]]],
    [{ kind: 'lsn', lsn: '0/3000028' }, [['recovery_target_lsn', '0/3000028'], ['recovery_target_inclusive', true]]],
    [{ kind: 'name', name: 'before-migration' }, [['recovery_target_name', 'before-migration']]],
    [{ kind: 'immediate' }, [['recovery_target', 'immediate']]],
  ])('sets exactly one target for %j, and recovery_target_inclusive only where it applies', (target, expected) => {
    const settings = recoveryTargetSettings({ target }).map((s): [string, string | number | boolean] => [s.name, s.value]);
    expect(settings).toEqual([...expected, ['recovery_target_action', 'promote'], ['recovery_target_timeline', 'latest']]);
  });
});

describe('normalizeRecoveryTime', () => {
  test.each([
    ['2026-11-24T10:15:00Z', '2026-11-24 10:15:00+00'],
    ['2026-11-24T11:15:00+01:00', '2026-11-24 11:15:00+01:00'],
    ['2026-11-24 10:15:00.123-0530', '2026-11-24 10:15:00.123-0530'],
  ])('writes %s as %s', (time, normalized) => {
    expect(normalizeRecoveryTime(time)).toBe(normalized);
  });
});
