import { CronExpressionParser } from 'cron-parser';
import {
  checkSchedule,
  longestIntervalMinutes,
  parseSchedule,
  PolicyValidationError,
  renderAwsBackupSchedule,
  renderAzureJobCron,
  renderEventBridgeSchedule,
  ScheduleSpec,
  shortestIntervalMinutes,
  Validator,
} from '../../../src/core';

const MINUTE = 1;
const HOUR = 60;
const DAY = 1440;

describe('parseSchedule', () => {
  test('expands a cron expression into the values its fields select', () => {
    expect(parseSchedule({ expression: '5,35 */6 * * MON-FRI' })).toEqual({
      kind: 'cron',
      minutes: [5, 35],
      hours: [0, 6, 12, 18],
      daysOfMonth: undefined,
      months: undefined,
      daysOfWeek: [1, 2, 3, 4, 5],
      timezone: 'UTC',
    });
  });

  test('reads Sunday as 0 whether written 0, 7 or SUN', () => {
    for (const expression of ['0 1 * * 0', '0 1 * * 7', '0 1 * * sun']) {
      expect(parseSchedule({ expression })).toMatchObject({ daysOfWeek: [0] });
    }
  });

  test('parses a rate in either singular or plural', () => {
    expect(parseSchedule({ expression: 'rate(1 days)' })).toEqual({ kind: 'rate', value: 1, unit: 'day', timezone: 'UTC' });
    expect(parseSchedule({ expression: 'rate(15 minutes)', timezone: 'Europe/Berlin' })).toEqual({
      kind: 'rate', value: 15, unit: 'minute', timezone: 'Europe/Berlin',
    });
  });

  test('throws a PolicyValidationError naming the path it was given', () => {
    expect(() => parseSchedule({ expression: '0 2 * *' }, 'logicalDump.schedule')).toThrow(PolicyValidationError);
    expect(() => parseSchedule({ expression: '0 2 * *' }, 'logicalDump.schedule')).toThrow(/logicalDump\.schedule\.expression is "0 2 \* \*"/);
  });
});

describe('checkSchedule', () => {
  const invalid: Array<[string, ScheduleSpec, 'expression' | 'timezone', string]> = [
    ['four fields', { expression: '0 2 * *' }, 'expression', 'a 5-field cron expression'],
    ['six fields (seconds)', { expression: '0 0 2 * * *' }, 'expression', 'a 5-field cron expression'],
    ['a predefined alias', { expression: '@daily' }, 'expression', 'a 5-field cron expression'],
    ['an empty expression', { expression: '  ' }, 'expression', 'a 5-field cron expression'],
    ['a minute out of range', { expression: '60 2 * * *' }, 'expression', 'a 5-field cron expression'],
    ['an hour out of range', { expression: '0 24 * * *' }, 'expression', 'a 5-field cron expression'],
    ['L in day-of-month', { expression: '0 2 L * *' }, 'expression', 'a 5-field cron expression'],
    ['# in day-of-week', { expression: '0 2 * * 1#2' }, 'expression', 'a 5-field cron expression'],
    ['H for a hashed minute', { expression: 'H 2 * * *' }, 'expression', 'a 5-field cron expression'],
    ['a date that never comes', { expression: '0 2 30 2 *' }, 'expression', 'a 5-field cron expression'],
    ['both day fields restricted', { expression: '0 2 1 * 1' }, 'expression', 'restricts day-of-month or day-of-week, not both'],
    ['a zero rate', { expression: 'rate(0 minutes)' }, 'expression', 'a 5-field cron expression'],
    ['a rate in weeks', { expression: 'rate(2 weeks)' }, 'expression', 'a 5-field cron expression'],
    ['an unknown zone', { expression: '0 2 * * *', timezone: 'Mars/Olympus' }, 'timezone', 'an IANA time zone name'],
    ['an offset instead of a zone', { expression: '0 2 * * *', timezone: '+02:00' }, 'timezone', 'an IANA time zone name'],
    ['a lower-case utc', { expression: '0 2 * * *', timezone: 'utc' }, 'timezone', 'an IANA time zone name'],
  ];

  test.each(invalid)('rejects %s', (_name, spec, field, allowed) => {
    const validator = new Validator();
    expect(checkSchedule(validator, 'verification.schedule', spec)).toBe(false);
    expect(validator.issues).toEqual([
      expect.objectContaining({ path: `verification.schedule.${field}`, value: spec[field], allowed: expect.stringContaining(allowed) }),
    ]);
  });

  test('reports a wrong zone and a wrong expression together', () => {
    const validator = new Validator();
    checkSchedule(validator, 'logicalDump.schedule', { expression: '0 25 * * *', timezone: 'Nowhere/Land' });
    expect(validator.issues.map((issue) => issue.path)).toEqual(['logicalDump.schedule.timezone', 'logicalDump.schedule.expression']);
  });

  test('accepts what every target understands', () => {
    const validator = new Validator();
    for (const expression of ['0 2 * * *', '*/15 * * * *', '0 6 ? * MON-FRI', '30 1 1,15 * *', '0 0 1 */3 *', 'rate(6 hours)']) {
      expect(checkSchedule(validator, 'schedule', { expression, timezone: 'Europe/Berlin' })).toBe(true);
    }
    expect(validator.issues).toEqual([]);
  });

  test('skips a schedule whose expression is not known yet', () => {
    const validator = new Validator({ isUnresolved: (value) => typeof value === 'string' && value.startsWith('${Token[') });
    expect(checkSchedule(validator, 'schedule', { expression: '${Token[TOKEN.12]}' })).toBe(true);
    expect(validator.issues).toEqual([]);
  });
});

describe('renderEventBridgeSchedule', () => {
  const cases: Array<[string, string | undefined, string, string]> = [
    ['0 2 * * *', undefined, 'cron(0 2 * * ? *)', 'UTC'],
    ['*/15 * * * *', undefined, 'cron(0/15 * * * ? *)', 'UTC'],
    ['0 6 * * 1', 'Europe/Berlin', 'cron(0 6 ? * MON *)', 'Europe/Berlin'],
    ['0 6 * * 1-5', 'UTC', 'cron(0 6 ? * MON-FRI *)', 'UTC'],
    ['0 0 * * 6,0', 'UTC', 'cron(0 0 ? * SUN,SAT *)', 'UTC'],
    ['30 1 1,15 * *', 'UTC', 'cron(30 1 1,15 * ? *)', 'UTC'],
    ['0 5 1 1-3 *', 'UTC', 'cron(0 5 1 1-3 ? *)', 'UTC'],
    ['5,35 */4 * */3 *', 'UTC', 'cron(5,35 0/4 * 1/3 ? *)', 'UTC'],
    ['rate(1 minutes)', 'UTC', 'rate(1 minute)', 'UTC'],
    ['rate(6 hours)', 'UTC', 'rate(6 hours)', 'UTC'],
    ['rate(1 days)', 'UTC', 'rate(1 day)', 'UTC'],
  ];

  test.each(cases)('renders %s in %s as %s', (expression, timezone, scheduleExpression, scheduleExpressionTimezone) => {
    expect(renderEventBridgeSchedule({ expression, timezone })).toEqual({ scheduleExpression, scheduleExpressionTimezone });
  });
});

describe('renderAwsBackupSchedule', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['0 5 * * *', undefined, 'cron(0 5 * * ? *)'],
    ['0 5 * * 0', 'UTC', 'cron(0 5 ? * SUN *)'],
    ['0 5 1 * *', 'UTC', 'cron(0 5 1 * ? *)'],
    ['0 * * * *', 'UTC', 'cron(0 * * * ? *)'],
    ['0 5 * * *', 'Asia/Tokyo', 'cron(0 20 * * ? *)'],
    ['0 1 * * 0', 'Asia/Tokyo', 'cron(0 16 ? * SAT *)'],
    ['rate(12 hours)', 'UTC', 'cron(0 0,12 * * ? *)'],
    ['rate(4 hours)', 'UTC', 'cron(0 0/4 * * ? *)'],
  ];

  test.each(cases)('renders %s in %s as %s in UTC', (expression, timezone, rendered) => {
    expect(renderAwsBackupSchedule({ expression, timezone })).toBe(rendered);
  });

  test('rejects a zone with daylight saving time', () => {
    expect(() => renderAwsBackupSchedule({ expression: '0 5 * * *', timezone: 'America/New_York' }, 'backupPlan.rules[0].schedule'))
      .toThrow(/backupPlan\.rules\[0\]\.schedule\.timezone is "America\/New_York"; allowed: UTC, or a zone without daylight saving time/);
  });
});

describe('renderAzureJobCron', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['0 2 * * *', undefined, '0 2 * * *'],
    ['*/15 * * * *', 'UTC', '*/15 * * * *'],
    ['5,35 */4 * */3 *', 'UTC', '5,35 */4 * */3 *'],
    ['10-59/20 * * * *', 'UTC', '10-59/20 * * * *'],
    ['0 6 * * 1-5', 'Etc/UTC', '0 6 * * 1-5'],
    ['0 2 * * *', 'Asia/Tokyo', '0 17 * * *'],
    ['0 5 * * 1-5', 'Asia/Tokyo', '0 20 * * 0-4'],
    ['0 0,12 * * *', 'Asia/Tokyo', '0 3,15 * * *'],
    ['0 23 * * 5', 'America/Bogota', '0 4 * * 6'],
    ['rate(15 minutes)', 'UTC', '*/15 * * * *'],
    ['rate(1 hour)', 'UTC', '0 * * * *'],
    ['rate(6 hours)', 'UTC', '0 */6 * * *'],
    ['rate(1 day)', 'UTC', '0 0 * * *'],
    ['rate(7 days)', 'UTC', '0 0 * * 0'],
  ];

  test.each(cases)('renders %s in %s as the UTC cron %s', (expression, timezone, rendered) => {
    expect(renderAzureJobCron({ expression, timezone })).toBe(rendered);
  });

  const rejected: Array<[string, string, 'expression' | 'timezone', RegExp]> = [
    ['0 2 * * *', 'Europe/Berlin', 'timezone', /observes daylight saving time/],
    ['0 2 * * *', 'Asia/Kolkata', 'timezone', /not a whole number of hours/],
    ['0 3 1 * *', 'Asia/Tokyo', 'expression', /previous day, which cron cannot express for days of the month/],
    ['0 3,12 * * 1', 'Asia/Tokyo', 'expression', /some of its hours fall on the previous or next day/],
    ['rate(90 minutes)', 'UTC', 'expression', /rate\(90 minutes\) has no cron equivalent/],
    ['rate(3 days)', 'UTC', 'expression', /rate\(3 days\) has no cron equivalent/],
  ];

  test.each(rejected)('rejects %s in %s because it cannot be one UTC cron', (expression, timezone, field, reason) => {
    expect(() => renderAzureJobCron({ expression, timezone }, 'logicalDump.schedule')).toThrow(new RegExp(`logicalDump\\.schedule\\.${field} is `));
    expect(() => renderAzureJobCron({ expression, timezone }, 'logicalDump.schedule')).toThrow(reason);
  });
});

describe('longestIntervalMinutes', () => {
  const cases: Array<[string, string | undefined, number]> = [
    ['*/15 * * * *', 'UTC', 15 * MINUTE],
    ['0 * * * *', 'UTC', HOUR],
    ['0 2,6 * * *', 'UTC', 20 * HOUR],
    ['0 2 * * *', 'UTC', DAY],
    ['0 1 * * 1-6', 'UTC', 2 * DAY],
    ['0 1 * * 0', 'UTC', 7 * DAY],
    ['0 5 1 * *', 'UTC', 31 * DAY],
    ['0 5 31 * *', 'UTC', 61 * DAY],
    ['0 0 1 1 *', 'UTC', 366 * DAY],
    ['0 0 29 2 *', 'UTC', 1461 * DAY],
    ['0 2 * * *', 'Asia/Tokyo', DAY],
    ['0 2 * * *', 'Europe/Berlin', DAY + HOUR],
    ['0 1 * * 0', 'Europe/Berlin', 7 * DAY + HOUR],
    ['rate(6 hours)', 'Europe/Berlin', 6 * HOUR],
    ['rate(3 days)', 'UTC', 3 * DAY],
  ];

  test.each(cases)('is %s in %s → %d minutes', (expression, timezone, minutes) => {
    expect(longestIntervalMinutes({ expression, timezone })).toBe(minutes);
  });

  test.each(['*/20 3-5 * * *', '0 8 * * 1,3', '15 4 10,20 * *', '0 12 1 */2 *', '0 0 1,29 2 *'])(
    'matches the largest gap between cron-parser\'s own runs of %s in UTC',
    (expression) => {
      const runs = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date('2024-01-01T00:00:00Z') });
      let previous = runs.next().getTime();
      let largest = 0;
      while (previous < Date.UTC(2032, 0, 1)) {
        const next = runs.next().getTime();
        largest = Math.max(largest, (next - previous) / 60_000);
        previous = next;
      }
      expect(longestIntervalMinutes({ expression })).toBe(largest);
    },
  );
});

describe('shortestIntervalMinutes', () => {
  const cases: Array<[string, string | undefined, number]> = [
    ['*/15 * * * *', 'UTC', 15 * MINUTE],
    ['0,30 * * * *', 'UTC', 30 * MINUTE],
    ['0 * * * *', 'UTC', HOUR],
    ['0 2,6 * * *', 'UTC', 4 * HOUR],
    ['50 23 * * *', 'UTC', DAY],
    ['10,50 0,23 * * *', 'UTC', 20 * MINUTE],
    ['0 1 * * 0', 'UTC', 7 * DAY],
    ['0 2 * * *', 'Europe/Berlin', DAY - HOUR],
    ['rate(30 minutes)', 'UTC', 30 * MINUTE],
    ['rate(6 hours)', 'UTC', 6 * HOUR],
  ];

  test.each(cases)('is %s in %s → %d minutes', (expression, timezone, minutes) => {
    expect(shortestIntervalMinutes({ expression, timezone })).toBe(minutes);
  });

  test.each(['*/20 3-5 * * *', '0 8 * * 1,3', '15 4 10,20 * *', '45 23 * * 1,2', '5,55 0,23 * * *', '0 0 28-31 * *'])(
    'matches the smallest gap between cron-parser\'s own runs of %s in UTC',
    (expression) => {
      const runs = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date('2024-01-01T00:00:00Z') });
      let previous = runs.next().getTime();
      let smallest = Infinity;
      while (previous < Date.UTC(2032, 0, 1)) {
        const next = runs.next().getTime();
        smallest = Math.min(smallest, (next - previous) / 60_000);
        previous = next;
      }
      expect(shortestIntervalMinutes({ expression })).toBe(smallest);
    },
  );
});
