import { AlarmPlan } from './alarm-plan';
import { RestoreDrillMetric } from './state-machines/restore-drill-options';

/** The most metrics one CloudWatch metric math alarm may read: the databases one fleet RTO alarm watches. */
export const MAX_DATABASES_PER_FLEET_RTO_ALARM = 10;

/** CloudWatch's longest alarm description: the list of numbered databases must fit in it. */
const MAX_ALARM_DESCRIPTION_CHARACTERS = 1024;

/** What the fleet RTO alarms of one drill group need to know. */
export interface FleetRtoAlarmsOptions {
  /** The group's place among the fleet's drill groups: the alarms' ids and names carry it. */
  readonly groupIndex: number;
  /** The group's RTO, seconds (its databases share it). */
  readonly rtoSeconds: number;
  /** The group's drilled databases, as the fleet drill names them in its metrics (`<server>/<database>`). */
  readonly databases: readonly string[];
  /** The namespace the fleet drill publishes `RestoreDurationSeconds` in. */
  readonly metricNamespace: string;
}

function description(rtoMinutes: number, databases: readonly string[]): string {
  const numbered = databases.map((database, index) => `${2 ** index} = ${database}`).join(', ');
  return `A fleet restore drill took longer than the RTO of ${rtoMinutes} minutes. The alarm's value is the sum of the numbers of the `
    + `databases that did: ${numbered}`;
}

/**
 * The per-database RTO alarms of a fleet drill group: each database's own `RestoreDurationSeconds` (Database
 * `<server>/<database>`, Drill `dump`) against the group's RTO, which pages naming the slow database, at one alarm per
 * ten databases instead of one per database. A CloudFormation stack holds 500 resources, and a 100-database fleet
 * already takes 338 of them: an alarm per database would take 100 more; these take 10.
 *
 * Each alarm is one metric math expression over at most {@link MAX_DATABASES_PER_FLEET_RTO_ALARM} databases (the most
 * metrics an alarm may read): `IF(FILL(d<i>, 0) > RTO, 2^i, 0)` summed, so its value is 0 while every restore was
 * within the RTO and otherwise says which databases were not (1 = the first, 2 = the second, 4 = the third, …), as
 * its description lists them and the notification's reason shows the value. A database without a drill in the hour
 * counts as within (silence is no slow restore; the drill-age alarm watches for drills that stop).
 */
export function fleetRtoAlarms(options: FleetRtoAlarmsOptions): AlarmPlan[] {
  const rtoMinutes = options.rtoSeconds / 60;
  const chunks: string[][] = [];
  for (const database of options.databases) {
    const last = chunks.at(-1);
    const fits = last !== undefined && last.length < MAX_DATABASES_PER_FLEET_RTO_ALARM
      && description(rtoMinutes, [...last, database]).length <= MAX_ALARM_DESCRIPTION_CHARACTERS;
    if (fits) {
      last!.push(database);
    } else {
      chunks.push([database]);
    }
  }
  return chunks.map((databases, chunkIndex) => ({
    id: `RtoAlarm-${options.groupIndex}-${chunkIndex}`,
    name: `rto-${options.groupIndex}-${chunkIndex}`,
    description: description(rtoMinutes, databases).slice(0, MAX_ALARM_DESCRIPTION_CHARACTERS),
    metric: {
      expression: databases.map((_, index) => `IF(FILL(d${index}, 0) > ${options.rtoSeconds}, ${2 ** index}, 0)`).join(' + '),
      label: 'Databases whose restore took longer than the RTO (the sum of their numbers)',
      periodSeconds: 3600,
      metrics: Object.fromEntries(databases.map((database, index) => [`d${index}`, {
        namespace: options.metricNamespace,
        metricName: RestoreDrillMetric.DURATION,
        dimensions: { Database: database, Drill: 'dump' },
        statistic: 'Maximum',
      }])),
    },
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
  }));
}
