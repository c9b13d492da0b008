import { planVerifyRestore } from '../../../src/core/aws/verify-restore';

const source = { sourceDatabaseNames: ['shop'], metricNamespace: 'PostgresBackup', validation: { construct: 'Stack/Drill' } };
const daily = { schedule: { expression: '0 6 * * *' } };

describe('VerifyRestore maxDrillAgeDays: the "no successful drill within N days" alarm', () => {
  test('watches the drill\'s RestoreDrillSucceeded over one period of N days, below 1, with missing data breaching', () => {
    const plan = planVerifyRestore({ verification: daily, maxDrillAgeDays: 3 }, source);
    expect(plan.alarms.find((alarm) => alarm.id === 'DrillAgeAlarm')).toEqual({
      id: 'DrillAgeAlarm',
      name: 'drill-age',
      description: 'No successful dump restore drill of shop within 3 days',
      metric: {
        namespace: 'PostgresBackup',
        metricName: 'RestoreDrillSucceeded',
        dimensions: { Database: 'shop', Drill: 'dump' },
        statistic: 'Sum',
        periodSeconds: 3 * 86_400,
      },
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
  });

  test('is not created unless asked for', () => {
    expect(planVerifyRestore({ verification: daily }, source).alarms.map((alarm) => alarm.id)).not.toContain('DrillAgeAlarm');
  });

  test('accepts 7 days for drills every three days', () => {
    expect(() => planVerifyRestore({ verification: { schedule: { expression: 'rate(3 days)' } }, maxDrillAgeDays: 7 }, source)).not.toThrow();
  });

  test.each([
    ['0 days', { verification: daily, maxDrillAgeDays: 0 }, /Stack\/Drill: maxDrillAgeDays is 0; allowed: an integer from 1 to 7 days/],
    ['8 days, longer than an alarm can look back', { verification: daily, maxDrillAgeDays: 8 }, /maxDrillAgeDays is 8; allowed: an integer from 1 to 7 days/],
    ['a fraction of a day', { verification: daily, maxDrillAgeDays: 1.5 }, /maxDrillAgeDays is 1.5; allowed: an integer from 1 to 7 days/],
    [
      '7 days for the default weekly drill, which would alarm between two good drills',
      { maxDrillAgeDays: 7 },
      /maxDrillAgeDays is 7; allowed: no value with this schedule \(the window would need at least 8 days; the alarm looks back at most 7\).*drills are up to 7 days apart and may take the RTO of 60 minutes.*pg-backup status --drill-age/,
    ],
    [
      '1 day for a daily drill with a 2-hour RTO',
      { verification: { ...daily, maxRestoreDurationMinutes: 120 }, maxDrillAgeDays: 1 },
      /maxDrillAgeDays is 1; allowed: an integer from 2 to 7 days.*up to 24 hours apart/,
    ],
  ])('refuses %s, naming the option, the value and the range', (_, options, message) => {
    expect(() => planVerifyRestore(options, source)).toThrow(message);
  });
});
