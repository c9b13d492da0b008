import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlarmPlan, ExpressionPlan } from '../../../src/core/aws/alarm-plan';
import { BACKUP_AGE_HOURS_EXPRESSION, DRILL_AGE_DAYS_EXPRESSION, backupAgeExpression, drillAgeExpression } from '../../../src/core/aws/backup-dashboard';
import { planBlueprintDashboard } from '../../../src/core/aws/blueprint-dashboard';
import { MAX_DATABASES_PER_FLEET_RTO_ALARM, fleetRtoAlarms } from '../../../src/core/aws/fleet-rto-alarms';
import { failedExecutionsExpression } from '../../../src/core/aws/restore-drill-alarms';
import { walArchiveAlarms } from '../../../src/core/aws/wal-archive-alarms';
import { resolvePitr } from '../../../src/core/policy/defaults';

/*
 * Every metric math expression core emits, evaluated on made-up data by an evaluator of exactly the functions they use,
 * with CloudWatch's semantics as documented in "Using math expressions with CloudWatch metrics"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#metric-math-syntax):
 * - a metric id stands for its time series: one value per period, or none where nothing was published;
 * - arithmetic (+ - * /) and comparisons (> < >= <= == !=) work point by point, a comparison giving 1 or 0, and a
 *   point missing from either side is missing from the result; a number applies to every point;
 * - FILL(m, value) gives missing points that value; FILL(m, REPEAT) gives them the most recent actual value before
 *   them (points before the first value stay missing);
 * - IF(condition, trueValue, falseValue) picks per point; IF(condition, trueValue) leaves the point out where the
 *   condition is false;
 * - EPOCH(m) is each point's time in seconds since 1970; DIFF(m) each value minus the one before it.
 * Anything else (a misspelt function, an id the alarm does not define, a stray character) is an error here, as
 * CloudWatch refuses such an expression when the alarm is created.
 *
 * Limits this file holds the fleet RTO alarms to: "Alarms based on metric math expressions can reference a maximum of
 * 10 metrics" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html); PutMetricAlarm takes
 * at most 20 MetricDataQuery items, at most 10 of them with a MetricStat, and an AlarmDescription of at most 1024
 * characters (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */

/** A time series on the evaluation's grid of periods: a value, or `undefined` where there is no data point. */
type Series = ReadonlyArray<number | undefined>;

const FUNCTIONS = new Set(['IF', 'FILL', 'EPOCH', 'DIFF']);

interface Token { readonly kind: 'number' | 'name' | 'operator' | 'open' | 'close' | 'comma'; readonly text: string }

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/<>])|(\()|(\))|(,))/y;
  let position = 0;
  while (position < expression.length) {
    if (/^\s*$/.test(expression.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(expression);
    if (!match) throw new Error(`unexpected character at ${position} of ${expression}: ${expression.slice(position)}`);
    position = pattern.lastIndex;
    const [, number, name, operator, open, close, comma] = match;
    if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name });
    else if (operator !== undefined) tokens.push({ kind: 'operator', text: operator });
    else if (open !== undefined) tokens.push({ kind: 'open', text: open });
    else if (close !== undefined) tokens.push({ kind: 'close', text: close });
    else if (comma !== undefined) tokens.push({ kind: 'comma', text: comma });
  }
  return tokens;
}

type Value = number | Series | 'REPEAT';

/** Evaluates `expression` over `metrics` (each a series on a grid of `times`, seconds since 1970). */
function evaluate(expression: string, metrics: Readonly<Record<string, Series>>, times: readonly number[]): Series {
  const tokens = tokenize(expression);
  let next = 0;
  const peek = () => tokens[next];
  const take = (kind: Token['kind'], text?: string): Token => {
    const token = tokens[next];
    if (!token || token.kind !== kind || (text !== undefined && token.text !== text)) {
      throw new Error(`expected ${text ?? kind} at token ${next} of ${expression}, found ${token?.text ?? 'the end'}`);
    }
    next++;
    return token;
  };
  const series = (value: Value): Series => {
    if (value === 'REPEAT') throw new Error(`REPEAT outside FILL in ${expression}`);
    return typeof value === 'number' ? times.map(() => value) : value;
  };
  const pointwise = (left: Value, right: Value, apply: (a: number, b: number) => number): Series => {
    const [a, b] = [series(left), series(right)];
    return a.map((value, index) => (value === undefined || b[index] === undefined ? undefined : apply(value, b[index]!)));
  };
  const call = (name: string, args: Value[]): Value => {
    const arity = (allowed: number[]) => {
      if (!allowed.includes(args.length)) throw new Error(`${name} takes ${allowed.join(' or ')} arguments, not ${args.length}, in ${expression}`);
    };
    switch (name) {
      case 'FILL': {
        arity([2]);
        const values = series(args[0]);
        if (args[1] === 'REPEAT') {
          let last: number | undefined;
          return values.map((value) => (value === undefined ? last : (last = value)));
        }
        const fill = args[1];
        if (typeof fill !== 'number') throw new Error(`FILL takes a number or REPEAT in ${expression}`);
        return values.map((value) => value ?? fill);
      }
      case 'IF': {
        arity([2, 3]);
        const [condition, whenTrue] = [series(args[0]), series(args[1])];
        const whenFalse = args.length === 3 ? series(args[2]) : undefined;
        return condition.map((value, index) => (value === undefined ? undefined : value !== 0 ? whenTrue[index] : whenFalse?.[index]));
      }
      case 'EPOCH':
        arity([1]);
        return series(args[0]).map((value, index) => (value === undefined ? undefined : times[index]));
      case 'DIFF': {
        arity([1]);
        let previous: number | undefined;
        return series(args[0]).map((value) => {
          if (value === undefined) return undefined;
          const difference = previous === undefined ? undefined : value - previous;
          previous = value;
          return difference;
        });
      }
      default:
        throw new Error(`unknown function ${name} in ${expression}`);
    }
  };
  const primary = (): Value => {
    const token = peek();
    if (!token) throw new Error(`${expression} ends too early`);
    if (token.kind === 'number') return Number(take('number').text);
    if (token.kind === 'open') {
      take('open');
      const value = comparison();
      take('close');
      return value;
    }
    if (token.kind === 'operator' && token.text === '-') {
      take('operator');
      return pointwise(0, primary(), (a, b) => a - b);
    }
    const name = take('name').text;
    if (peek()?.kind === 'open') {
      if (!FUNCTIONS.has(name)) throw new Error(`unknown function ${name} in ${expression}`);
      take('open');
      const args: Value[] = [comparison()];
      while (peek()?.kind === 'comma') {
        take('comma');
        args.push(comparison());
      }
      take('close');
      return call(name, args);
    }
    if (name === 'REPEAT') return 'REPEAT';
    if (!(name in metrics)) throw new Error(`${expression} names ${name}, which is not one of its metrics (${Object.keys(metrics).join(', ')})`);
    return metrics[name];
  };
  const binary = (operand: () => Value, operators: Record<string, (a: number, b: number) => number>) => (): Value => {
    let value = operand();
    while (peek()?.kind === 'operator' && peek()!.text in operators) {
      const apply = operators[take('operator').text];
      value = pointwise(value, operand(), apply);
    }
    return value;
  };
  const product = binary(primary, { '*': (a, b) => a * b, '/': (a, b) => a / b });
  const sum = binary(product, { '+': (a, b) => a + b, '-': (a, b) => a - b });
  const comparison = binary(sum, {
    '>': (a, b) => Number(a > b),
    '<': (a, b) => Number(a < b),
    '>=': (a, b) => Number(a >= b),
    '<=': (a, b) => Number(a <= b),
    '==': (a, b) => Number(a === b),
    '!=': (a, b) => Number(a !== b),
  });
  const result = comparison();
  if (next !== tokens.length) throw new Error(`unexpected ${tokens[next].text} in ${expression}`);
  return series(result);
}

/** Whether an alarm in this state would be in ALARM at each point (missing data as the alarm treats it). */
function alarming(alarm: AlarmPlan, values: Series): boolean[] {
  return values.map((value) => {
    if (value === undefined) return alarm.treatMissingData === 'breaching';
    switch (alarm.comparisonOperator) {
      case 'GreaterThanOrEqualToThreshold': return value >= alarm.threshold;
      case 'GreaterThanThreshold': return value > alarm.threshold;
      case 'LessThanThreshold': return value < alarm.threshold;
    }
  });
}

function expressionOf(alarm: AlarmPlan): ExpressionPlan {
  if (!('expression' in alarm.metric)) throw new Error(`${alarm.id} watches a metric, not an expression`);
  return alarm.metric;
}

/** Whether the binary number `value` has the power of two `bit` in it. */
const hasBit = (value: number, bit: number): boolean => Math.floor(value / bit) % 2 === 1;

/** The databases an RTO alarm's value names, read back through the numbering its description gives. */
function namedByValue(alarm: AlarmPlan, value: number): string[] {
  const numbering = new Map([...alarm.description.matchAll(/(\d+) = ([^,]+)(?:, |$)/g)].map((match) => [Number(match[1]), match[2]]));
  const named: string[] = [];
  for (const [bit, database] of numbering) if (hasBit(value, bit)) named.push(database);
  expect(named.reduce((total, database) => total + [...numbering].find(([, name]) => name === database)![0], 0)).toBe(value);
  return named;
}

const HOUR = 3600;
const RTO_SECONDS = 4 * HOUR;
const databases = (count: number, name = (index: number) => `db-${String(index + 1).padStart(3, '0')}/app`) =>
  Array.from({ length: count }, (_, index) => name(index));

describe('fleetRtoAlarms: one metric math alarm per ten databases of a drill group, whose value names the slow ones', () => {
  const options = { groupIndex: 1, rtoSeconds: RTO_SECONDS, metricNamespace: 'Fleet' };

  test('25 databases take three alarms of 10, 10 and 5 databases, every database in exactly one, in order', () => {
    const fleet = databases(25);
    const alarms = fleetRtoAlarms({ ...options, databases: fleet });
    expect(alarms.map((alarm) => [alarm.id, alarm.name, Object.keys(expressionOf(alarm).metrics).length])).toEqual([
      ['RtoAlarm-1-0', 'rto-1-0', 10], ['RtoAlarm-1-1', 'rto-1-1', 10], ['RtoAlarm-1-2', 'rto-1-2', 5],
    ]);
    const watched = alarms.flatMap((alarm) => Object.values(expressionOf(alarm).metrics).map((metric) => metric.dimensions.Database));
    expect(watched).toEqual(fleet);
  });

  test('each alarm reads each database\'s RestoreDurationSeconds of its dump drill, the largest in an hour, in the fleet\'s namespace', () => {
    const [alarm] = fleetRtoAlarms({ ...options, databases: databases(2) });
    expect(alarm).toMatchObject({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching' });
    expect(expressionOf(alarm)).toMatchObject({
      periodSeconds: HOUR,
      metrics: {
        d0: { namespace: 'Fleet', metricName: 'RestoreDurationSeconds', dimensions: { Database: 'db-001/app', Drill: 'dump' }, statistic: 'Maximum' },
        d1: { namespace: 'Fleet', metricName: 'RestoreDurationSeconds', dimensions: { Database: 'db-002/app', Drill: 'dump' }, statistic: 'Maximum' },
      },
    });
  });

  test.each([1, 9, 10, 11, 100, 137])('%i databases: no alarm reads more than CloudWatch\'s 10 metrics, none is empty, and every description fits 1024 characters', (count) => {
    const alarms = fleetRtoAlarms({ ...options, databases: databases(count) });
    expect(alarms).toHaveLength(Math.ceil(count / MAX_DATABASES_PER_FLEET_RTO_ALARM));
    for (const alarm of alarms) {
      const size = Object.keys(expressionOf(alarm).metrics).length;
      expect(size).toBeGreaterThanOrEqual(1);
      expect(size).toBeLessThanOrEqual(10);
      expect(alarm.description.length).toBeLessThanOrEqual(1024);
    }
    expect(new Set(alarms.map((alarm) => alarm.id)).size).toBe(alarms.length);
    expect(new Set(alarms.map((alarm) => alarm.name)).size).toBe(alarms.length);
  });

  test('databases with long names are split further so that the description still lists every one of them whole', () => {
    // Twenty databases would take two alarms of ten; ten such names do not fit one description.
    const fleet = databases(20, (index) => `server-with-a-long-name-${index}/${'d'.repeat(100)}${index}`);
    const alarms = fleetRtoAlarms({ ...options, databases: fleet });
    expect(alarms.length).toBeGreaterThan(2);
    for (const alarm of alarms) {
      expect(alarm.description.length).toBeLessThanOrEqual(1024);
      const listed = [...alarm.description.matchAll(/(\d+) = ([^,]+)(?:, |$)/g)].map((match) => match[2]);
      expect(listed).toEqual(Object.values(expressionOf(alarm).metrics).map((metric) => metric.dimensions.Database));
    }
    expect(alarms.flatMap((alarm) => Object.values(expressionOf(alarm).metrics).map((metric) => metric.dimensions.Database))).toEqual(fleet);
  });

  // One hour, one point: what each database's drill published in it (undefined: no drill in that hour).
  const hour = [1_780_000_000];
  const scenarios: Array<[string, Array<number | undefined>, string[]]> = [
    ['every restore within the RTO', [600, 3600, RTO_SECONDS, 10], []],
    ['one slow database, the third', [600, 3600, RTO_SECONDS + 1, 10], ['db-003/app']],
    ['two slow databases, the first and the last', [RTO_SECONDS * 2, 3600, 60, RTO_SECONDS + 60], ['db-001/app', 'db-004/app']],
    ['no drill of any database in the hour (missing data)', [undefined, undefined, undefined, undefined], []],
    ['one slow database while the others published nothing', [undefined, RTO_SECONDS + 1, undefined, undefined], ['db-002/app']],
  ];

  test.each(scenarios)('%s: the alarm fires exactly when a restore took longer than the RTO, and its value names those databases', (_, restoreSeconds, slow) => {
    const [alarm] = fleetRtoAlarms({ ...options, databases: databases(4) });
    const metrics = Object.fromEntries(restoreSeconds.map((seconds, index) => [`d${index}`, [seconds]]));
    const [value] = evaluate(expressionOf(alarm).expression, metrics, hour);
    expect(value).toBeDefined();
    expect(alarming(alarm, [value])).toEqual([slow.length > 0]);
    expect(namedByValue(alarm, value!)).toEqual(slow);
  });

  test('with ten databases every combination of slow ones gives a distinct value that names exactly them', () => {
    const [alarm] = fleetRtoAlarms({ ...options, databases: databases(10) });
    const fleet = databases(10);
    for (let combination = 0; combination < 2 ** 10; combination += 37) {
      const metrics = Object.fromEntries(fleet.map((_, index) => [`d${index}`, [hasBit(combination, 2 ** index) ? RTO_SECONDS + 1 : RTO_SECONDS]]));
      const [value] = evaluate(expressionOf(alarm).expression, metrics, hour);
      expect(value).toBe(combination);
      expect(namedByValue(alarm, value!)).toEqual(fleet.filter((_, index) => hasBit(combination, 2 ** index)));
    }
  });
});

describe('the other metric math expressions core emits mean what their alarms and graphs say', () => {
  const hours = (count: number) => Array.from({ length: count }, (_, index) => 1_780_000_000 + index * HOUR);

  test('a failed drill: failed, timed-out and aborted executions added up, a period without any counting as none', () => {
    const failed = failedExecutionsExpression();
    expect(Object.keys(failed.metrics).sort()).toEqual(['aborted', 'failed', 'timedOut']);
    const values = evaluate(failed.expression, {
      failed: [undefined, 1, undefined, undefined],
      timedOut: [undefined, undefined, 2, undefined],
      aborted: [undefined, undefined, 1, undefined],
    }, hours(4));
    expect(values).toEqual([0, 1, 3, 0]);
  });

  test('archive failures growing: the rise of pg_stat_archiver.failed_count since the previous check', () => {
    const alarm = walArchiveAlarms(resolvePitr({}), 'orders', 'PostgresBackup', 3).find((candidate) => candidate.id === 'ArchiveFailuresGrowingAlarm')!;
    const expression = expressionOf(alarm);
    expect(Object.keys(expression.metrics)).toEqual(['failed']);
    const values = evaluate(expression.expression, { failed: [5, 5, 7, undefined, 7, 8] }, hours(6));
    expect(values).toEqual([undefined, 0, 2, undefined, 0, 1]);
    expect(alarming(alarm, values)).toEqual([false, false, true, false, false, true]);
  });

  test.each([
    ['hours since the last successful dump', backupAgeExpression('PostgresBackup', 'shop'), BACKUP_AGE_HOURS_EXPRESSION, HOUR],
    ['days since the last successful drill', drillAgeExpression({ metricNamespace: 'PostgresBackup', databaseName: 'shop', kind: 'dump' }), DRILL_AGE_DAYS_EXPRESSION, 86_400],
  ])('%s: the age of the newest success, nothing before the first one', (_, plan, constant, unit) => {
    expect(plan.expression).toBe(constant);
    expect(Object.keys(plan.metrics)).toEqual(['ok']);
    const times = Array.from({ length: 7 }, (__, index) => 1_780_000_000 + index * unit);
    // Successes in periods 1 and 4; a failure publishes 0, silence nothing.
    const values = evaluate(plan.expression, { ok: [undefined, 1, 0, undefined, 2, undefined, 0] }, times);
    expect(values).toEqual([undefined, 0, 1, 2, 0, 1, 2]);
  });

  test('the evaluator refuses what CloudWatch would: a misspelt function, an id the alarm does not define, a stray character', () => {
    expect(() => evaluate('FIL(d0, 0) > 1', { d0: [1] }, [0])).toThrow(/unknown function FIL/);
    expect(() => evaluate('IF(FILL(d1, 0) > 10, 1, 0)', { d0: [1] }, [0])).toThrow(/names d1, which is not one of its metrics/);
    expect(() => evaluate('IF(FILL(d0, 0) > 10, 1, 0', { d0: [1] }, [0])).toThrow(/expected close/);
    expect(() => evaluate('FILL(d0; 0)', { d0: [1] }, [0])).toThrow(/unexpected character/);
  });

  test('the blueprint dashboard\'s SEARCH expressions are well formed: a schema of the fleet\'s namespace, a filter, a statistic and a period', () => {
    const plan = planBlueprintDashboard({ metricNamespace: 'Fleet', databaseCount: 3 });
    const searches = plan.graphs.flat().flatMap((graph) => graph.left).map((series) => ('expression' in series ? series.expression : ''));
    expect(searches).toHaveLength(4);
    for (const search of searches) {
      expect(search).toMatch(/^SEARCH\('\{Fleet(,[A-Za-z]+)+\}( [A-Za-z]+="[A-Za-z]+")+', '(Sum|Maximum)', (3600|86400)\)$/);
    }
  });

  test('no expression in src/core goes unchecked by this file: a new one fails here until it is evaluated above', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'src', 'core');
    const found: string[] = [];
    for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!file.endsWith('.ts')) continue;
      for (const line of fs.readFileSync(path.join(root, file), 'utf8').split('\n')) {
        const code = line.trim();
        if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) continue;
        if (/\bexpression: |_EXPRESSION = /.test(code) && /\b(FILL|IF|DIFF|EPOCH|SEARCH)\(/.test(code)) found.push(`${file}: ${code}`);
      }
    }
    expect(found.map((entry) => entry.replace(/:.*?(FILL|IF|DIFF|EPOCH|SEARCH)\(.*/, ': $1'))).toEqual([
      'aws/backup-dashboard.ts: EPOCH', // BACKUP_AGE_HOURS_EXPRESSION
      'aws/backup-dashboard.ts: EPOCH', // DRILL_AGE_DAYS_EXPRESSION
      'aws/blueprint-dashboard.ts: SEARCH',
      'aws/fleet-rto-alarms.ts: IF',
      'aws/restore-drill-alarms.ts: FILL',
      'aws/wal-archive-alarms.ts: DIFF',
    ]);
  });
});
