import { CronExpressionParser } from 'cron-parser';
import { ScheduleSpec } from './policy';
import { PolicyValidationError, ValidationIssue, Validator } from './validation';

/**
 * A cron schedule, its five fields expanded to the values they select. A day field that is `*` (or `?`)
 * is `undefined`, because cron treats a wildcard day field differently from a list that happens to
 * name every day.
 */
export interface CronSchedule {
  /** Discriminant. */
  readonly kind: 'cron';
  /** Minutes 0–59, ascending. */
  readonly minutes: readonly number[];
  /** Hours 0–23, ascending. */
  readonly hours: readonly number[];
  /**
   * Days of the month 1–31, ascending.
   * @default - every day of the month (`*`)
   */
  readonly daysOfMonth?: readonly number[];
  /**
   * Months 1–12, ascending.
   * @default - every month (`*`)
   */
  readonly months?: readonly number[];
  /**
   * Days of the week 0 (Sunday)–6 (Saturday), ascending.
   * @default - every day of the week (`*`)
   */
  readonly daysOfWeek?: readonly number[];
  /** IANA time zone the wall-clock fields are read in. */
  readonly timezone: string;
}

/** A fixed-rate schedule, `rate(N minutes|hours|days)`. */
export interface RateSchedule {
  /** Discriminant. */
  readonly kind: 'rate';
  /** How many units between two runs (at least 1). */
  readonly value: number;
  /** The unit of `value`. */
  readonly unit: 'minute' | 'hour' | 'day';
  /** IANA time zone of the spec (a rate does not depend on it). */
  readonly timezone: string;
}

/** A {@link ScheduleSpec} after parsing. */
export type ParsedSchedule = CronSchedule | RateSchedule;

/** Renders of one schedule for EventBridge Scheduler (`AWS::Scheduler::Schedule`). */
export interface EventBridgeSchedule {
  /** `cron(m h dom mon dow year)` with EventBridge's `?` rule, or `rate(N unit)`. */
  readonly scheduleExpression: string;
  /** The IANA time zone the cron expression is evaluated in (EventBridge handles daylight saving time). */
  readonly scheduleExpressionTimezone: string;
}

/** The time zone a {@link ScheduleSpec} without one is read in. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

const ALLOWED_EXPRESSION =
  'a 5-field cron expression "minute hour day-of-month month day-of-week" (e.g. "0 2 * * *") or rate(N minutes|hours|days)';
const ALLOWED_TIMEZONE = 'an IANA time zone name such as "UTC" or "Europe/Berlin"';

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES_PER_UNIT = { minute: 1, hour: 60, day: 1440 } as const;
const MINUTES_PER_DAY = 1440;
const MS_PER_DAY = 86_400_000;

/** What is wrong with a schedule, before it is given a path. */
interface ScheduleProblem {
  readonly field: 'expression' | 'timezone';
  readonly allowed: string;
  readonly reason?: string;
}

type Interpreted<T> = { readonly ok: T } | { readonly problem: ScheduleProblem };

/**
 * Parses a schedule: a 5-field cron expression (read by cron-parser) or a rate, in an IANA time zone.
 * Throws a {@link PolicyValidationError} naming `path` when the spec is not valid.
 *
 * Only the part of cron every target understands is accepted: numbers, month and weekday names, `*`,
 * `?` (day fields), `,`, `-` and `/`. `L`, `W`, `#` and `H` are rejected, and so is an expression that
 * restricts both day-of-month and day-of-week, which cron reads as "either day" and EventBridge and
 * AWS Backup cannot express.
 */
export function parseSchedule(spec: ScheduleSpec, path = 'schedule'): ParsedSchedule {
  return unwrap(interpretSchedule(spec), spec, path);
}

/**
 * Checks a schedule through `validator`, reporting under `path` (e.g. `logicalDump.schedule`).
 * `undefined` passes (the default applies); unresolved expressions or time zones are skipped.
 * Returns whether the schedule is valid.
 */
export function checkSchedule(validator: Validator, path: string, spec: ScheduleSpec | undefined): boolean {
  if (spec === undefined) return true;
  // A schedule decides the cron rendered now and the RPO derived from it: where its prop needs a literal, a
  // deploy-time value is refused; elsewhere it is skipped.
  if (validator.deferredOrRefused(path, spec, 'a schedule { expression, timezone }')) return !validator.requiresLiteral(path);
  const expressionUnknown = validator.deferredOrRefused(`${path}.expression`, spec.expression, 'a 5-field cron expression');
  const timezoneUnknown = validator.deferredOrRefused(`${path}.timezone`, spec.timezone, ALLOWED_TIMEZONE);
  if (expressionUnknown || timezoneUnknown) {
    return !(expressionUnknown && validator.requiresLiteral(`${path}.expression`)) && !(timezoneUnknown && validator.requiresLiteral(`${path}.timezone`));
  }
  let valid = true;
  const timezone = spec.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
  if (!isIanaTimezone(timezone)) {
    validator.report(toIssue({ field: 'timezone', allowed: ALLOWED_TIMEZONE }, spec, path));
    valid = false;
  }
  // The expression is checked on its own even when the zone is wrong, so both are reported at once.
  const result = interpretSchedule({ expression: spec.expression, timezone: valid ? timezone : DEFAULT_SCHEDULE_TIMEZONE });
  const problem = 'problem' in result ? result.problem : problemOf(longestInterval(result.ok));
  if (problem) {
    validator.report(toIssue(problem, spec, path));
    valid = false;
  }
  return valid;
}

/**
 * The longest time between two consecutive runs, in minutes.
 *
 * For a rate this is the rate. For cron it is computed from the expanded fields over the Gregorian
 * calendar of 2024–2031 (two leap days, so `0 0 29 2 *` gives four years), in wall-clock minutes;
 * in a time zone with daylight saving time the zone's clock shift is added, because a run after the
 * autumn change comes that much later than its wall-clock interval. The result is therefore never
 * shorter than a real gap, which is what the RPO default and the WAL-retention rule need.
 */
export function longestIntervalMinutes(spec: ScheduleSpec, path = 'schedule'): number {
  const parsed = parseSchedule(spec, path);
  return unwrap(longestInterval(parsed), spec, path);
}

/**
 * The shortest time between two consecutive runs, in minutes: for a rate the rate, for cron the smallest gap between
 * two runs of a day or between the last run of a day and the first of the next run day (over 2024–2031). In a time
 * zone with daylight saving time the zone's clock shift is taken off, so the result is never longer than a real gap.
 * Throws a {@link PolicyValidationError} naming `path` for a schedule that is not valid.
 */
export function shortestIntervalMinutes(spec: ScheduleSpec, path = 'schedule'): number {
  const parsed = parseSchedule(spec, path);
  if (parsed.kind === 'rate') return parsed.value * MINUTES_PER_UNIT[parsed.unit];
  const times = uniqueSorted(parsed.hours.flatMap((hour) => parsed.minutes.map((minute) => hour * 60 + minute)));
  let shortest = Infinity;
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i] - times[i - 1]);
  const runDays = runDaysFrom2024To2031(parsed);
  for (let i = 1; i < runDays.length; i++) {
    shortest = Math.min(shortest, (runDays[i] - runDays[i - 1]) * MINUTES_PER_DAY + times[0] - times[times.length - 1]);
  }
  const offsets = zoneOffsets(parsed.timezone);
  return shortest - (offsets.max - offsets.min);
}

/**
 * Renders a schedule for EventBridge Scheduler: `cron(m h dom mon dow *)` with `?` in the day field
 * that is not restricted (EventBridge requires exactly one `?`), weekdays as names (`MON-FRI`, since
 * EventBridge numbers Sunday 1, not 0), or `rate(N unit)` with EventBridge's singular/plural unit.
 * The time zone is passed through: EventBridge evaluates the cron in it, daylight saving time included.
 */
export function renderEventBridgeSchedule(spec: ScheduleSpec, path = 'schedule'): EventBridgeSchedule {
  const parsed = parseSchedule(spec, path);
  const scheduleExpression = parsed.kind === 'rate' ? renderRate(parsed) : `cron(${renderAwsCronFields(parsed)})`;
  return { scheduleExpression, scheduleExpressionTimezone: parsed.timezone };
}

/**
 * Renders a schedule as an AWS Backup rule `ScheduleExpression`: `cron(m h dom mon dow *)` in UTC.
 * A cron in another time zone is converted to UTC, and a rate to the cron with the same interval,
 * under the conversion rules described at `checkUtcRenderable`; what cannot be converted exactly throws a
 * {@link PolicyValidationError} naming `path`.
 */
export function renderAwsBackupSchedule(spec: ScheduleSpec, path = 'schedule'): string {
  const utc = unwrap(toUtcCron(parseSchedule(spec, path)), spec, path);
  return `cron(${renderAwsCronFields(utc)})`;
}

/**
 * Renders a schedule as the 5-field cron of an Azure Container Apps Job (`cronExpression`), which Azure
 * evaluates in UTC. A cron in another time zone is converted to UTC and a rate to the cron with the same
 * interval, under the conversion rules described at `checkUtcRenderable`; what cannot be converted exactly throws a
 * {@link PolicyValidationError} naming `path`, so the user restates the schedule in UTC rather than
 * getting runs an hour off for half the year.
 */
export function renderAzureJobCron(spec: ScheduleSpec, path = 'schedule'): string {
  const utc = unwrap(toUtcCron(parseSchedule(spec, path)), spec, path);
  return [
    renderField(utc.minutes, 0, 59, 'unix'),
    renderField(utc.hours, 0, 23, 'unix'),
    utc.daysOfMonth ? renderField(utc.daysOfMonth, 1, 31, 'unix') : '*',
    utc.months ? renderField(utc.months, 1, 12, 'unix') : '*',
    utc.daysOfWeek ? renderField(utc.daysOfWeek, 0, 6, 'unix') : '*',
  ].join(' ');
}

/**
 * Checks that a schedule can be rendered for a target that evaluates cron in UTC (AWS Backup, Azure
 * Container Apps Jobs), reporting under `path`. Invalid or unresolved schedules are left to
 * {@link checkSchedule}. Returns whether it can.
 *
 * The conversion is made only when it is exact:
 * - a rate becomes the cron with the same interval when one exists (`rate(15 minutes)`, `rate(6 hours)`,
 *   `rate(1 day)`, `rate(7 days)`); the first run moves to a cron boundary, the interval stays;
 * - a cron in a zone with one fixed whole-hour offset all year (e.g. `Asia/Tokyo`) has its hours shifted;
 *   runs that move to the previous or next day take their weekdays along, which is exact only when
 *   day-of-month and month are `*`;
 * - a zone with daylight saving time (`Europe/Berlin`) or a part-hour offset (`Asia/Kolkata`) is rejected:
 *   no single UTC cron runs at the same local time all year, so the user restates the schedule in UTC.
 */
export function checkUtcRenderable(validator: Validator, path: string, spec: ScheduleSpec | undefined, target: string): boolean {
  if (spec === undefined || validator.isUnresolved(spec, spec.expression, spec.timezone)) return true;
  const parsed = interpretSchedule(spec);
  if (!('ok' in parsed)) return true;
  const utc = toUtcCron(parsed.ok);
  if ('ok' in utc) return true;
  const problem = utc.problem;
  validator.report(toIssue({ ...problem, reason: `${target} evaluates cron in UTC: ${problem.reason}` }, spec, path));
  return false;
}

/**
 * Converts a schedule to a cron expression in UTC with the same runs, when that is exact:
 *
 * - a rate becomes the cron with the same interval when one exists (`rate(15 minutes)` → `*\/15 * * * *`,
 *   `rate(6 hours)` → `0 *\/6 * * *`, `rate(1 day)` → `0 0 * * *`, `rate(7 days)` → `0 0 * * 0`); the first
 *   run moves to a cron boundary, the interval stays;
 * - a cron in a zone with one fixed whole-hour offset all year (e.g. `Asia/Tokyo`) has its hours shifted;
 *   when that moves runs to the previous or next day, the weekdays move with them, which is exact only
 *   if day-of-month and month are `*`;
 * - a zone with daylight saving time (`Europe/Berlin`) or a part-hour offset (`Asia/Kolkata`) is not
 *   converted: no single UTC cron runs at the same wall-clock time all year.
 */
function toUtcCron(parsed: ParsedSchedule): Interpreted<CronSchedule> {
  if (parsed.kind === 'rate') return rateToCron(parsed);
  const zone = parsed.timezone;
  const offsets = zoneOffsets(zone);
  if (offsets.max !== offsets.min) {
    return fail('timezone', 'UTC, or a zone without daylight saving time and with a whole-hour offset',
      `${zone} observes daylight saving time, so no single UTC cron runs at the same local time all year; give the schedule in UTC`);
  }
  const offset = offsets.max;
  if (offset === 0) return { ok: { ...parsed, timezone: 'UTC' } };
  if (offset % 60 !== 0) {
    return fail('timezone', 'UTC, or a zone without daylight saving time and with a whole-hour offset',
      `${zone} is UTC${formatOffset(offset)}, which is not a whole number of hours; give the schedule in UTC`);
  }
  const shiftHours = -offset / 60;
  const dayShifts = new Set(parsed.hours.map((hour) => Math.floor((hour + shiftHours) / 24)));
  const hours = uniqueSorted(parsed.hours.map((hour) => mod(hour + shiftHours, 24)));
  const everyDay = !parsed.daysOfMonth && !parsed.months && !parsed.daysOfWeek;
  if (everyDay) return { ok: { ...parsed, hours, timezone: 'UTC' } };
  if (dayShifts.size > 1) {
    return fail('expression', 'a schedule whose UTC runs fall on the same days as its local runs',
      'in UTC some of its hours fall on the previous or next day, which cron cannot express for restricted days; give the schedule in UTC');
  }
  const dayShift = [...dayShifts][0];
  if (dayShift === 0) return { ok: { ...parsed, hours, timezone: 'UTC' } };
  if (parsed.daysOfMonth || parsed.months) {
    return fail('expression', 'a schedule whose UTC runs fall on the same day of the month as its local runs',
      `in UTC its runs fall on the ${dayShift < 0 ? 'previous' : 'next'} day, which cron cannot express for days of the month; give the schedule in UTC`);
  }
  const daysOfWeek = uniqueSorted(parsed.daysOfWeek!.map((day) => mod(day + dayShift, 7)));
  return { ok: { ...parsed, hours, daysOfWeek, timezone: 'UTC' } };
}

function rateToCron(rate: RateSchedule): Interpreted<CronSchedule> {
  const minutes = rate.value * MINUTES_PER_UNIT[rate.unit];
  if (minutes < 60 && 60 % minutes === 0) {
    return { ok: { kind: 'cron', minutes: range(0, 59, minutes), hours: range(0, 23, 1), timezone: 'UTC' } };
  }
  if (minutes % 60 === 0 && minutes <= MINUTES_PER_DAY && MINUTES_PER_DAY % minutes === 0) {
    return { ok: { kind: 'cron', minutes: [0], hours: range(0, 23, minutes / 60), timezone: 'UTC' } };
  }
  if (minutes === 7 * MINUTES_PER_DAY) {
    return { ok: { kind: 'cron', minutes: [0], hours: [0], daysOfWeek: [0], timezone: 'UTC' } };
  }
  return fail('expression', 'a rate that divides an hour or a day, rate(1 day), rate(7 days), or a cron expression',
    `${renderRate(rate)} has no cron equivalent (cron steps restart every hour, day or month)`);
}

function interpretSchedule(spec: ScheduleSpec): Interpreted<ParsedSchedule> {
  const timezone = spec.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
  if (!isIanaTimezone(timezone)) return fail('timezone', ALLOWED_TIMEZONE);
  const expression = spec.expression;
  if (typeof expression !== 'string' || expression.trim() === '') return fail('expression', ALLOWED_EXPRESSION);
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return fail('expression', ALLOWED_EXPRESSION, 'a rate must be at least 1');
    return { ok: { kind: 'rate', value, unit: rate[2].replace(/s$/, '') as RateSchedule['unit'], timezone } };
  }
  if (expression.trim().startsWith('rate(')) {
    return fail('expression', ALLOWED_EXPRESSION, 'a rate is rate(N minutes|hours|days) with a whole number N');
  }
  return interpretCron(expression.trim(), timezone);
}

function interpretCron(expression: string, timezone: string): Interpreted<CronSchedule> {
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) {
    return fail('expression', ALLOWED_EXPRESSION, `it has ${fields.length} field${fields.length === 1 ? '' : 's'}`);
  }
  const names: Array<[string, readonly string[], boolean]> = [
    ['minute', [], false],
    ['hour', [], false],
    ['day-of-month', [], true],
    ['month', MONTH_NAMES, false],
    ['day-of-week', DAY_NAMES, true],
  ];
  for (let index = 0; index < 5; index++) {
    const [fieldName, aliases, questionMark] = names[index];
    for (const token of fields[index].split(/[,\-/]/)) {
      const known = /^\d+$/.test(token) || token === '*' || (questionMark && token === '?') || aliases.includes(token.toLowerCase());
      if (!known) {
        return fail('expression', ALLOWED_EXPRESSION,
          `"${token}" in the ${fieldName} field is not supported (L, W, # and H are not understood by every scheduler)`);
      }
    }
  }
  let parsed;
  try {
    parsed = CronExpressionParser.parse(expression, { tz: timezone }).fields;
  } catch (error) {
    return fail('expression', ALLOWED_EXPRESSION, (error as Error).message);
  }
  const domWildcard = parsed.dayOfMonth.isWildcard;
  const dowWildcard = parsed.dayOfWeek.isWildcard;
  if (!domWildcard && !dowWildcard) {
    return fail('expression', 'a cron expression that restricts day-of-month or day-of-week, not both',
      'cron runs on either day, which EventBridge and AWS Backup cannot express');
  }
  const numbers = (values: readonly unknown[]) => uniqueSorted(values.filter((v): v is number => typeof v === 'number'));
  const daysOfWeek = uniqueSorted(numbers(parsed.dayOfWeek.values).map((day) => day % 7));
  const daysOfMonth = numbers(parsed.dayOfMonth.values);
  const months = numbers(parsed.month.values);
  return {
    ok: {
      kind: 'cron',
      minutes: numbers(parsed.minute.values),
      hours: numbers(parsed.hour.values),
      daysOfMonth: domWildcard || daysOfMonth.length === 31 ? undefined : daysOfMonth,
      months: months.length === 12 ? undefined : months,
      daysOfWeek: dowWildcard || daysOfWeek.length === 7 ? undefined : daysOfWeek,
      timezone,
    },
  };
}

function longestInterval(parsed: ParsedSchedule): Interpreted<number> {
  if (parsed.kind === 'rate') return { ok: parsed.value * MINUTES_PER_UNIT[parsed.unit] };
  const times = uniqueSorted(parsed.hours.flatMap((hour) => parsed.minutes.map((minute) => hour * 60 + minute)));
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  const runDays = runDaysFrom2024To2031(parsed);
  if (runDays.length < 2) {
    return fail('expression', 'a cron expression that runs at least twice in eight years',
      runDays.length === 0 ? 'it never runs' : 'it runs only once');
  }
  const lastOfDay = times[times.length - 1];
  for (let i = 1; i < runDays.length; i++) {
    longest = Math.max(longest, (runDays[i] - runDays[i - 1]) * MINUTES_PER_DAY + times[0] - lastOfDay);
  }
  const offsets = zoneOffsets(parsed.timezone);
  return { ok: longest + (offsets.max - offsets.min) };
}

/** Indexes (days since 2024-01-01) of the days a cron schedule runs on, through 2031. */
function runDaysFrom2024To2031(parsed: CronSchedule): number[] {
  const start = Date.UTC(2024, 0, 1);
  const end = Date.UTC(2032, 0, 1);
  const days: number[] = [];
  for (let index = 0; start + index * MS_PER_DAY < end; index++) {
    const date = new Date(start + index * MS_PER_DAY);
    if (parsed.months && !parsed.months.includes(date.getUTCMonth() + 1)) continue;
    if (parsed.daysOfMonth && !parsed.daysOfMonth.includes(date.getUTCDate())) continue;
    if (parsed.daysOfWeek && !parsed.daysOfWeek.includes(date.getUTCDay())) continue;
    days.push(index);
  }
  return days;
}

function renderAwsCronFields(cron: CronSchedule): string {
  const minute = renderField(cron.minutes, 0, 59, 'aws');
  const hour = renderField(cron.hours, 0, 23, 'aws');
  const month = cron.months ? renderField(cron.months, 1, 12, 'aws') : '*';
  // EventBridge and AWS Backup want exactly one of the day fields to be `?`.
  const dayOfMonth = cron.daysOfWeek ? '?' : cron.daysOfMonth ? renderField(cron.daysOfMonth, 1, 31, 'aws') : '*';
  const dayOfWeek = cron.daysOfWeek ? renderWeekdayNames(cron.daysOfWeek) : '?';
  return `${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} *`;
}

/**
 * Renders expanded values compactly: `*`, a step (`0/15` for AWS, `*\/15` or `5-59/15` for Unix cron)
 * when the values are an arithmetic progression to the end of the field, else a list of runs (`1-5,7`).
 */
function renderField(values: readonly number[], min: number, max: number, style: 'aws' | 'unix'): string {
  if (values.length === max - min + 1) return '*';
  if (values.length >= 3) {
    const step = values[1] - values[0];
    const progression = step > 1 && values.every((value, i) => value === values[0] + i * step) && values[values.length - 1] + step > max;
    if (progression) {
      if (style === 'aws') return `${values[0]}/${step}`;
      return values[0] === min ? `*/${step}` : `${values[0]}-${max}/${step}`;
    }
  }
  return runs(values).map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(',');
}

function renderWeekdayNames(days: readonly number[]): string {
  const name = (day: number) => DAY_NAMES[day].toUpperCase();
  return runs(days).map(([from, to]) => (from === to ? name(from) : `${name(from)}-${name(to)}`)).join(',');
}

function renderRate(rate: RateSchedule): string {
  return `rate(${rate.value} ${rate.unit}${rate.value === 1 ? '' : 's'})`;
}

/** Consecutive runs of ascending values: `[1,2,3,5]` → `[[1,3],[5,5]]`. */
function runs(values: readonly number[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (const value of values) {
    const last = result[result.length - 1];
    if (last && value === last[1] + 1) last[1] = value;
    else result.push([value, value]);
  }
  return result;
}

function isIanaTimezone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !/^(UTC|[A-Z][A-Za-z_]*(\/[A-Za-z0-9_+-]+)+)$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const offsetCache = new Map<string, { min: number; max: number }>();

/** The smallest and largest UTC offset (minutes) a zone has during 2025, sampled daily. */
function zoneOffsets(zone: string): { min: number; max: number } {
  const cached = offsetCache.get(zone);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  let min = Infinity;
  let max = -Infinity;
  for (let day = 0; day < 366; day++) {
    const name = format.formatToParts(new Date(Date.UTC(2025, 0, 1, 12) + day * MS_PER_DAY)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    const offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    min = Math.min(min, offset);
    max = Math.max(max, offset);
  }
  const result = { min, max };
  offsetCache.set(zone, result);
  return result;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function fail(field: ScheduleProblem['field'], allowed: string, reason?: string): { problem: ScheduleProblem } {
  return { problem: { field, allowed, reason } };
}

function problemOf<T>(result: Interpreted<T>): ScheduleProblem | undefined {
  return 'problem' in result ? result.problem : undefined;
}

function toIssue(problem: ScheduleProblem, spec: ScheduleSpec, path: string): ValidationIssue {
  const value = problem.field === 'expression' ? spec.expression : spec.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
  return { path: `${path}.${problem.field}`, value, allowed: problem.allowed, reason: problem.reason };
}

function unwrap<T>(result: Interpreted<T>, spec: ScheduleSpec, path: string): T {
  if ('ok' in result) return result.ok;
  throw new PolicyValidationError([toIssue(result.problem, spec, path)]);
}

function uniqueSorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function mod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
