import { minimumRetainFull, minimumWalRetentionDays, PitrPolicy, PolicyValidationError } from '../../../src/core';

describe('minimumWalRetentionDays', () => {
  const cases: Array<[string, PitrPolicy, number]> = [
    ['the defaults: 2 weekly fulls and a 7-day window', {}, 2 * 7 + 7],
    ['3 weekly fulls and a 14-day window', { retainFull: 3, windowDays: 14 }, 3 * 7 + 14],
    ['daily fulls', { fullBackupSchedule: { expression: '0 1 * * *' }, retainFull: 4, windowDays: 3 }, 4 * 1 + 3],
    ['fulls every 6 hours (rounded up to whole days)', { fullBackupSchedule: { expression: 'rate(6 hours)' }, retainFull: 3, windowDays: 1 }, 2],
    ['monthly fulls on the 1st (longest month: 31 days)', { fullBackupSchedule: { expression: '0 1 1 * *' }, retainFull: 2, windowDays: 7 }, 2 * 31 + 7],
    ['weekly fulls in a zone with daylight saving time (the autumn week is an hour longer)',
      { fullBackupSchedule: { expression: '0 1 * * 0', timezone: 'Europe/Berlin' } }, 22],
  ];

  test.each(cases)('is retainFull × full interval + window for %s', (_name, pitr, days) => {
    expect(minimumWalRetentionDays(pitr)).toBe(days);
  });

  test('grows with every extra full backup kept', () => {
    expect(minimumWalRetentionDays({ retainFull: 3 }) - minimumWalRetentionDays({ retainFull: 2 })).toBe(7);
  });

  test('throws a PolicyValidationError naming pitr.fullBackupSchedule when that schedule is invalid', () => {
    expect(() => minimumWalRetentionDays({ fullBackupSchedule: { expression: 'weekly' } })).toThrow(PolicyValidationError);
    expect(() => minimumWalRetentionDays({ fullBackupSchedule: { expression: 'weekly' } })).toThrow(/pitr\.fullBackupSchedule\.expression is "weekly"/);
  });
});

describe('minimumRetainFull', () => {
  const cases: Array<[string, PitrPolicy, number]> = [
    ['a 7-day window with weekly fulls', {}, 2],
    ['a 14-day window with weekly fulls', { windowDays: 14 }, 3],
    ['a 15-day window with weekly fulls', { windowDays: 15 }, 4],
    ['a 7-day window with daily fulls', { windowDays: 7, fullBackupSchedule: { expression: '0 1 * * *' } }, 8],
  ];

  test.each(cases)('keeps enough fulls to reach over %s', (_name, pitr, fulls) => {
    expect(minimumRetainFull(pitr)).toBe(fulls);
  });
});
