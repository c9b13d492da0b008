import { checkRestorePointInTime, parseUtcTime, RestoreWindow } from '../../../src/core/azure/restore-window';
import { formatIssue, Validator } from '../../../src/core/policy/validation';

const NOW = new Date('2026-11-24T12:00:00Z');

function messages(time: unknown, window: Partial<RestoreWindow> = {}): string[] {
  const validator = new Validator();
  checkRestorePointInTime(validator, 'restorePointInTime', time, { now: NOW, ...window });
  return validator.issues.map(formatIssue);
}

describe('checkRestorePointInTime', () => {
  test.each<[string, string, Partial<RestoreWindow>]>([
    ['a minute ago', '2026-11-24T11:59:00Z', { backupRetentionDays: 7 }],
    ['the first minute of a 7-day window', '2026-11-17T12:01:00Z', { backupRetentionDays: 7 }],
    ['34 days ago with 35 days kept', '2026-10-21T12:00:00+00:00', { backupRetentionDays: 35 }],
    ['after the earliest restore point', '2026-11-20T00:00:00.250Z', { earliestRestoreDate: '2026-11-19T08:00:00Z' }],
    ['two hours ago for a geo-restore', '2026-11-24T10:00:00Z', { geoRestore: true, backupRetentionDays: 7 }],
  ])('accepts %s', (_, time, window) => {
    expect(messages(time, window)).toEqual([]);
  });

  test.each<[string, unknown, Partial<RestoreWindow>, string]>([
    ['a time without a zone', '2026-11-24T10:00:00', {}, 'restorePointInTime is "2026-11-24T10:00:00"; allowed: an ISO-8601 time in UTC with seconds'],
    ['a time in another zone', '2026-11-24T10:00:00+01:00', {}, 'restorePointInTime is "2026-11-24T10:00:00+01:00"; allowed: an ISO-8601 time in UTC'],
    ['a date that does not exist', '2026-02-30T10:00:00Z', {}, 'restorePointInTime is "2026-02-30T10:00:00Z"; allowed: an ISO-8601 time in UTC'],
    ['a time in the future', '2026-11-24T12:00:01Z', { backupRetentionDays: 7 },
      'restorePointInTime is "2026-11-24T12:00:01Z"; allowed: a time from 2026-11-17T12:00:00.000Z to 2026-11-24T12:00:00.000Z (a restore point cannot be in the future)'],
    ['a time before the retention reaches back', '2026-11-16T12:00:00Z', { backupRetentionDays: 7 },
      'restorePointInTime is "2026-11-16T12:00:00Z"; allowed: a time from 2026-11-17T12:00:00.000Z to 2026-11-24T12:00:00.000Z (the source server keeps 7 days of backups)'],
    ['a time before the earliest restore point', '2026-11-19T07:00:00Z', { backupRetentionDays: 35, earliestRestoreDate: '2026-11-19T08:00:00Z' },
      'restorePointInTime is "2026-11-19T07:00:00Z"; allowed: a time from 2026-11-19T08:00:00.000Z to 2026-11-24T12:00:00.000Z (the source server\'s earliest restore point)'],
    ['a geo-restore within the last hour', '2026-11-24T11:30:00Z', { geoRestore: true },
      'restorePointInTime is "2026-11-24T11:30:00Z"; allowed: a time from the start of the retention window to 2026-11-24T11:00:00.000Z (a geo-restore reads the paired region\'s copy, which lags up to 1 hour)'],
  ])('rejects %s with the window that is allowed', (_, time, window, message) => {
    const found = messages(time, window);
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(message)).toBe(true);
  });

  test('skips a time that is not known yet', () => {
    const validator = new Validator({ isUnresolved: (value) => value === 'unknown' });
    checkRestorePointInTime(validator, 'restorePointInTime', 'unknown', { now: NOW, backupRetentionDays: 7 });
    expect(validator.issues).toEqual([]);
  });

  test('parseUtcTime reads Z and +00:00 alike', () => {
    expect(parseUtcTime('2026-11-24T10:15:00Z')?.toISOString()).toBe('2026-11-24T10:15:00.000Z');
    expect(parseUtcTime('2026-11-24T10:15:00+00:00')?.toISOString()).toBe('2026-11-24T10:15:00.000Z');
    expect(parseUtcTime('2026-11-24T25:15:00Z')).toBeUndefined();
  });
});
