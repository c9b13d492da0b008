import { DEFAULT_BACKUP_RETENTION, ResolvedBackupRetentionPolicy } from '../../../src/core/policy/backup-retention';
import { keptDumpsAtSteadyState } from '../../../src/core/policy/kept-dumps';
import { parseSchedule } from '../../../src/core/policy/schedule';

const nightly = parseSchedule({ expression: '0 2 * * *' });
const only = (counts: Partial<ResolvedBackupRetentionPolicy>): ResolvedBackupRetentionPolicy =>
  ({ ...DEFAULT_BACKUP_RETENTION, daily: 0, weekly: 0, monthly: 0, yearly: 0, minimumKept: 1, ...counts });

describe('keptDumpsAtSteadyState', () => {
  test('keeps exactly the daily count of nightly dumps, the newest a day old at most', () => {
    const kept = keptDumpsAtSteadyState(only({ daily: 7 }), nightly);
    expect(kept.averageKept).toBe(7);
    expect(Math.max(...kept.keptAgesDays)).toBeLessThan(7);
  });

  test('keeps one dump a week for the weekly count, reaching back four weeks, and the newest as the floor', () => {
    const kept = keptDumpsAtSteadyState(only({ weekly: 4 }), nightly);
    // Four Mondays, and the newest dump unless it is this week's Monday (one prune in seven).
    expect(kept.averageKept).toBeCloseTo(4 + 6 / 7, 1);
    expect(Math.max(...kept.keptAgesDays)).toBeGreaterThan(21);
    expect(Math.max(...kept.keptAgesDays)).toBeLessThan(28);
  });

  test('keeps the newest minimumKept of a schedule that dumps four times a day when no class keeps any', () => {
    const kept = keptDumpsAtSteadyState(only({ minimumKept: 5 }), parseSchedule({ expression: '0 */6 * * *' }));
    expect(kept.averageKept).toBe(5);
    // 5 dumps 6 hours apart, the newest 6 hours before the prune: 6, 12, 18, 24 and 30 hours old.
    expect(kept.keptAgesDays.slice(0, 5)).toEqual([1.25, 1, 0.75, 0.5, 0.25]);
  });

  test('counts a dump that several classes keep once, so the default keeps fewer than the sum of its classes', () => {
    const kept = keptDumpsAtSteadyState(DEFAULT_BACKUP_RETENTION, nightly);
    // 7 daily + 4 weekly + 12 monthly = 23 claims; this week's first is always among the last 7 days (−1), and the
    // month's first is one of them when the prune is in the month's first week (about 7 prunes in 30, −0.23) or a kept
    // Monday (about one month in seven, over three weeks in four, −0.1): 21.7 on average.
    expect(kept.averageKept).toBeCloseTo(21.7, 1);
    expect(kept.averageKept).toBeLessThan(7 + 4 + 12);
  });

  test('keeps a year of monthly dumps and the yearly ones beyond it', () => {
    const kept = keptDumpsAtSteadyState({ ...DEFAULT_BACKUP_RETENTION, yearly: 3 }, nightly);
    const withoutYearly = keptDumpsAtSteadyState(DEFAULT_BACKUP_RETENTION, nightly);
    // The two yearly dumps older than the monthly window add two; the current year's first is a monthly one already
    // (or, early in the year, last year's is).
    expect(kept.averageKept - withoutYearly.averageKept).toBeCloseTo(2, 0);
    expect(Math.max(...kept.keptAgesDays)).toBeGreaterThan(2 * 365);
  });
});
