/**
 * How many dumps a grandfather-father-son retention keeps at steady state, and how old they are: the prune's own
 * selection ({@link selectRetainedBackups}) run over a simulated calendar of the dump schedule, so the estimate counts
 * exactly what `pg-backup prune` keeps (a dump that is both the first of its week and of its day is one dump, not two).
 */
import { BACKUP_CLASSES, BackupClass, backupPeriodOf } from './backup-classes';
import { longestRetentionClassDays, ResolvedBackupRetentionPolicy } from './backup-retention';
import { RetentionCandidate, selectRetainedBackups } from './retention-selection';
import { ParsedSchedule } from './schedule';

/** The dumps a retention keeps, averaged over prunes spread across a year. */
export interface KeptDumps {
  /** The average number of complete dumps kept after a prune. */
  readonly averageKept: number;
  /** The age in days of every dump kept, over all the prunes simulated; each counts `1 / prunes` of a dump. */
  readonly keptAgesDays: readonly number[];
  /** How many prunes were simulated. */
  readonly prunes: number;
}

const DAY_MS = 86_400_000;
// Prunes 8 days apart over a year fall on every weekday and on early, middle and late days of every month, so the
// average does not depend on where in a week or month one prune happens to be.
const PRUNES = 46;
const PRUNE_SPACING_DAYS = 8;
// The first simulated prune; the dumps before it are the history the longest class reaches back over.
const FIRST_PRUNE = Date.UTC(2026, 0, 1);

/** When a schedule runs on one UTC calendar day (wall-clock, daylight saving time ignored, as in `runsPerDay`). */
function runsOnDay(schedule: ParsedSchedule, dayIndex: number, date: Date): number[] {
  if (schedule.kind === 'rate') {
    const every = schedule.value * { minute: 1, hour: 60, day: 1440 }[schedule.unit];
    if (every >= 1440) return dayIndex % (every / 1440) === 0 ? [0] : [];
    return Array.from({ length: Math.ceil(1440 / every) }, (_, index) => index * every);
  }
  const matches = (schedule.months === undefined || schedule.months.includes(date.getUTCMonth() + 1))
    && (schedule.daysOfMonth === undefined || schedule.daysOfMonth.includes(date.getUTCDate()))
    && (schedule.daysOfWeek === undefined || schedule.daysOfWeek.includes(date.getUTCDay()));
  return matches ? schedule.hours.flatMap((hour) => schedule.minutes.map((minute) => hour * 60 + minute)) : [];
}

/**
 * The dumps `retention` keeps at steady state when every scheduled dump succeeds: 46 prunes 8 days apart over a year, each
 * after a history as long as the longest class (plus a month), each run through the prune's selection.
 */
export function keptDumpsAtSteadyState(retention: ResolvedBackupRetentionPolicy, schedule: ParsedSchedule): KeptDumps {
  const historyDays = longestRetentionClassDays(retention) + 31;
  const firstDay = FIRST_PRUNE - historyDays * DAY_MS;
  const lastDay = FIRST_PRUNE + (PRUNES - 1) * PRUNE_SPACING_DAYS * DAY_MS;

  // Each firing day's first dump with its classes, decided as the dump task decides them (the first of each period);
  // the other dumps of a day belong to no class, so only the newest of them can be kept (by the floor).
  const days: { firsts: RetentionCandidate; others: RetentionCandidate[] }[] = [];
  const seenPeriods = new Map<BackupClass, string>();
  for (let day = firstDay, index = 0; day <= lastDay; day += DAY_MS, index++) {
    const minutes = runsOnDay(schedule, index, new Date(day));
    if (minutes.length === 0) continue;
    const candidate = (minute: number, classes: readonly BackupClass[]): RetentionCandidate => {
      const at = new Date(day + minute * 60_000).toISOString();
      return { backupId: at, snapshotAt: at, finishedAt: at, classes };
    };
    const first = new Date(day + minutes[0] * 60_000);
    const classes = BACKUP_CLASSES.filter((backupClass) => seenPeriods.get(backupClass) !== backupPeriodOf(backupClass, first));
    for (const backupClass of classes) seenPeriods.set(backupClass, backupPeriodOf(backupClass, first));
    days.push({ firsts: candidate(minutes[0], classes), others: minutes.slice(1).map((minute) => candidate(minute, [])) });
  }

  const keptAgesDays: number[] = [];
  for (let prune = 0; prune < PRUNES; prune++) {
    // A prune at the end of its day, after that day's dumps.
    const now = FIRST_PRUNE + (prune * PRUNE_SPACING_DAYS + 1) * DAY_MS;
    const before = days.filter((day) => Date.parse(day.firsts.snapshotAt) < now);
    // Older non-class dumps can never be among the newest `minimumKept`: the newest firing days hold at least that many.
    const floorDays = before.slice(-retention.minimumKept);
    const backups = [...before.map((day) => day.firsts), ...floorDays.flatMap((day) => day.others)];
    const selection = selectRetainedBackups({
      backups, retention, now: new Date(now), rpoSeconds: Number.MAX_SAFE_INTEGER, abandonedGraceSeconds: 0,
    });
    for (const kept of selection.keep) keptAgesDays.push((now - Date.parse(kept.backupId)) / DAY_MS);
  }
  return { averageKept: keptAgesDays.length / PRUNES, keptAgesDays, prunes: PRUNES };
}
