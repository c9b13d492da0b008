import { backupClassTags, backupPeriodOf, classifyBackup, isoWeekOf, longestBackupClass } from '../../../src/core';

const at = (iso: string) => new Date(iso);

describe('the ISO week of a UTC instant', () => {
  test.each([
    ['2026-12-05T02:00:00Z', '2026-W49'],
    ['2026-12-31T23:59:59Z', '2026-W53'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-01-05T00:00:00Z', '2026-W02'],
  ])('%s is in %s', (instant, week) => {
    expect(isoWeekOf(at(instant))).toBe(week);
  });
});

describe('the class of a backup is decided by the good backups before it', () => {
  test('the first backup of a location is daily, weekly, monthly and yearly', () => {
    expect(classifyBackup(at('2026-06-10T02:00:00Z'), [])).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
  });

  test('a second backup on the same UTC day has no class', () => {
    expect(classifyBackup(at('2026-06-10T14:00:00Z'), [at('2026-06-10T02:00:00Z')])).toEqual([]);
  });

  test('the first backup of a day in the same week is only daily', () => {
    expect(classifyBackup(at('2026-06-11T02:00:00Z'), [at('2026-06-10T02:00:00Z')])).toEqual(['daily']);
  });

  test('the first backup of a new ISO week in the same month is daily and weekly', () => {
    // 2026-06-14 is a Sunday, 2026-06-15 a Monday.
    expect(classifyBackup(at('2026-06-15T02:00:00Z'), [at('2026-06-14T02:00:00Z')])).toEqual(['daily', 'weekly']);
  });

  test('the first backup of a month that starts mid-week is daily and monthly, not weekly', () => {
    // 2026-07-01 is a Wednesday; the Monday before is in June.
    expect(classifyBackup(at('2026-07-01T02:00:00Z'), [at('2026-06-29T02:00:00Z')])).toEqual(['daily', 'monthly']);
  });

  test('the day is the UTC day: 23:30 UTC and 00:30 UTC are two days', () => {
    expect(classifyBackup(at('2026-06-11T00:30:00Z'), [at('2026-06-10T23:30:00Z')])).toEqual(['daily']);
  });

  test('a backup after a gap of a year is every class again', () => {
    expect(classifyBackup(at('2027-03-03T02:00:00Z'), [at('2026-01-05T02:00:00Z')])).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
  });

  test('only backups before it count: a later one that finished first does not take its class', () => {
    expect(classifyBackup(at('2026-06-10T02:00:00Z'), [at('2026-06-10T03:00:00Z')])).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
  });
});

describe('the periods and the class tag', () => {
  test('each class has its period key', () => {
    const instant = at('2026-12-05T02:00:00Z');
    expect(['daily', 'weekly', 'monthly', 'yearly'].map((c) => backupPeriodOf(c as never, instant))).toEqual(['2026-12-05', '2026-W49', '2026-12', '2026']);
  });

  test('the tag holds the longest class, or none', () => {
    expect(backupClassTags(['daily', 'weekly', 'monthly'])).toEqual({ 'backup-class': 'monthly' });
    expect(longestBackupClass([])).toBe('none');
  });
});
