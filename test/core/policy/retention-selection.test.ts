import {
  classifyBackup, resolveBackupRetention, selectRetainedBackups,
  type BackupRetentionPolicy, type ResolvedBackupRetentionPolicy, type RetentionCandidate,
} from '../../../src/core';
import { backupIdAt, expectedGfsSet } from '../../support/gfs-calendar';

const DAY_MS = 86_400_000;
const RPO_SECONDS = 26 * 3600;
const GRACE_SECONDS = 48 * 3600;

/**
 * A location over simulated days: a dump at 02:00 UTC on each day the calendar says, classified when it is written
 * against the backups there, then a prune at 05:00 UTC every day (dump or not) that deletes what the selection says.
 */
class SimulatedLocation {
  public readonly stored: RetentionCandidate[] = [];
  /** Every dump ever written, deleted or not: the oracle's history. */
  public readonly history: { backupId: string; at: Date }[] = [];
  public readonly deleted = new Set<string>();
  public halts = 0;

  constructor(private readonly retention: ResolvedBackupRetentionPolicy) {}

  public dump(day: number): void {
    const at = new Date(day * DAY_MS + 2 * 3600_000);
    const classes = classifyBackup(at, this.stored.map((backup) => new Date(backup.snapshotAt)));
    const finishedAt = new Date(at.getTime() + 600_000).toISOString();
    const backup = { backupId: backupIdAt(at.getTime()), snapshotAt: at.toISOString(), finishedAt, classes };
    this.stored.push(backup);
    this.history.push({ backupId: backup.backupId, at });
  }

  public prune(day: number) {
    const selection = selectRetainedBackups({
      backups: this.stored,
      latestBackupId: this.stored[this.stored.length - 1]?.backupId,
      retention: this.retention,
      now: new Date(day * DAY_MS + 5 * 3600_000),
      rpoSeconds: RPO_SECONDS,
      abandonedGraceSeconds: GRACE_SECONDS,
    });
    if (selection.halted) this.halts += 1;
    for (const backupId of selection.delete) {
      this.deleted.add(backupId);
      this.stored.splice(this.stored.findIndex((backup) => backup.backupId === backupId), 1);
    }
    return selection;
  }

  public ids(): string[] {
    return this.stored.map((backup) => backup.backupId).sort();
  }
}

const day0 = Date.UTC(2026, 0, 1) / DAY_MS;
const policy = (retention: BackupRetentionPolicy) => resolveBackupRetention(retention);

describe('grandfather-father-son retention over simulated calendars', () => {
  test('a year of nightly dumps with gaps: after every nightly prune the kept set is exactly the GFS set, never below the floor', () => {
    const retention = policy({ daily: 7, weekly: 4, monthly: 6, yearly: 2, minimumKept: 3 });
    const location = new SimulatedLocation(retention);
    // Gaps: a failed week in March, single missed nights, a fortnight in August, and the whole of the last week of the year.
    const gap = (day: number) => (day >= 60 && day < 67) || day % 23 === 5 || (day >= 215 && day < 229) || day >= 358;
    let checks = 0;
    for (let day = day0; day < day0 + 365; day++) {
      if (!gap(day - day0)) location.dump(day);
      const selection = location.prune(day);
      if (selection.halted) continue;
      // Keep and delete together are every backup the prune saw; what stays is exactly the GFS set.
      expect(location.ids()).toEqual(expectedGfsSet(location.history, retention));
      expect(location.stored.length).toBeGreaterThanOrEqual(Math.min(retention.minimumKept, location.history.length));
      checks += 1;
    }
    expect(checks).toBeGreaterThan(300);
    expect(location.deleted.size).toBeGreaterThan(250);
    // The dump of 1 January 2026 is the first of its year, so the yearly class keeps it all year.
    expect(location.ids()).toContain(backupIdAt(day0 * DAY_MS + 2 * 3600_000));
  });

  test('the RPO halts the prune on the nights a gap is longer than it, and the next prune after a dump resumes', () => {
    const location = new SimulatedLocation(policy({ daily: 2, weekly: 0, monthly: 0, yearly: 0, minimumKept: 1 }));
    for (let day = day0; day < day0 + 5; day++) {
      location.dump(day);
      location.prune(day);
    }
    expect(location.stored).toHaveLength(2);
    const halted = location.prune(day0 + 6);
    expect(halted.halted).toMatch(/^no backup finished within the RPO of 26h \(the newest finished 2d 2h ago\): nothing is deleted while dumps are failing/);
    expect(halted.keep.every((backup) => backup.reasons.includes('halted'))).toBe(true);
    location.dump(day0 + 7);
    expect(location.prune(day0 + 7).delete).toHaveLength(1);
    expect(location.stored).toHaveLength(2);
  });

  test('dumps that stop for 60 days: every prune in those days deletes nothing, and the first prune after they resume keeps the floor', () => {
    const retention = policy({ daily: 3, weekly: 0, monthly: 0, yearly: 0, minimumKept: 5 });
    const location = new SimulatedLocation(retention);
    for (let day = day0; day < day0 + 30; day++) {
      location.dump(day);
      location.prune(day);
    }
    const before = location.ids();
    expect(before).toHaveLength(5);
    for (let day = day0 + 30; day < day0 + 90; day++) {
      const selection = location.prune(day);
      expect(selection.delete).toEqual([]);
      expect(location.ids()).toEqual(before);
    }
    expect(location.halts).toBe(60); // at 05:00 the newest dump (02:10 the day before) is already 27 hours old
    location.dump(day0 + 90);
    location.prune(day0 + 90);
    // The newest five: the one new dump and the four newest from before the stop; the daily class keeps three days.
    expect(location.ids()).toEqual([...before.slice(1), backupIdAt((day0 + 90) * DAY_MS + 2 * 3600_000)].sort());
    expect(location.ids()).toEqual(expectedGfsSet(location.history, retention));
  });

  test('without any class, the floor alone is kept: the newest minimumKept backups', () => {
    const location = new SimulatedLocation(policy({ daily: 0, weekly: 0, monthly: 0, yearly: 0, minimumKept: 4 }));
    for (let day = day0; day < day0 + 40; day++) {
      location.dump(day);
      location.prune(day);
      expect(location.stored.length).toBe(Math.min(4, day - day0 + 1));
    }
    expect(location.ids()).toEqual(location.history.slice(-4).map((dump) => dump.backupId).sort());
  });
});

describe('what a prune never deletes, and why it keeps what it keeps', () => {
  const now = new Date('2026-06-20T05:00:00Z');
  const backup = (iso: string, classes?: RetentionCandidate['classes']): RetentionCandidate =>
    ({ backupId: backupIdAt(Date.parse(iso)), snapshotAt: iso, finishedAt: iso, ...(classes ? { classes } : {}) });
  const oneDaily = policy({ daily: 1, weekly: 0, monthly: 0, yearly: 0, minimumKept: 1 });
  const base = { now, rpoSeconds: RPO_SECONDS, abandonedGraceSeconds: GRACE_SECONDS, retention: oneDaily };

  test('the backup latest names is kept even when no class keeps it (an older dump that finished last)', () => {
    const older = backup('2026-06-10T02:00:00Z', ['daily']);
    const newest = backup('2026-06-20T02:00:00Z', ['daily']);
    const selection = selectRetainedBackups({ ...base, backups: [older, newest], latestBackupId: older.backupId });
    expect(selection.keep).toEqual([
      { backupId: older.backupId, classes: ['daily'], reasons: ['latest'] },
      { backupId: newest.backupId, classes: ['daily'], reasons: ['daily', 'minimumKept'] },
    ]);
    expect(selection.delete).toEqual([]);
  });

  test('the recorded class decides, not the calendar: a backup recorded without a class is not the daily one', () => {
    const first = backup('2026-06-20T01:00:00Z', []);
    const second = backup('2026-06-20T03:00:00Z', ['daily']);
    const selection = selectRetainedBackups({ ...base, backups: [first, second] });
    expect(selection.delete).toEqual([first.backupId]);
  });

  test('backups written before classes were recorded get them from their snapshot times', () => {
    const backups = ['2026-06-18T02:00:00Z', '2026-06-18T14:00:00Z', '2026-06-19T02:00:00Z', '2026-06-20T02:00:00Z'].map((iso) => backup(iso));
    const selection = selectRetainedBackups({ ...base, retention: policy({ daily: 3, weekly: 0, monthly: 0, yearly: 0, minimumKept: 1 }), backups });
    expect(selection.delete).toEqual([backups[1].backupId]);
    expect(selection.keep.map((kept) => kept.classes)).toEqual([['daily', 'weekly', 'monthly', 'yearly'], ['daily'], ['daily']]);
  });

  test('a location without a complete backup deletes nothing, not even abandoned folders', () => {
    const selection = selectRetainedBackups({ ...base, backups: [], abandoned: [{ backupId: backupIdAt(0), startedAt: new Date(0).toISOString() }] });
    expect(selection).toMatchObject({ delete: [], deleteAbandoned: [], keepAbandoned: [backupIdAt(0)], halted: 'there is no complete backup; nothing is deleted' });
  });

  test('abandoned folders are removed only after the grace period, and never the one latest names', () => {
    const good = backup('2026-06-20T02:00:00Z', ['daily']);
    const old = { backupId: backupIdAt(Date.parse('2026-06-10T02:00:00Z')), startedAt: '2026-06-10T02:00:00Z' };
    const named = { backupId: backupIdAt(Date.parse('2026-06-11T02:00:00Z')), startedAt: '2026-06-11T02:00:00Z' };
    const running = { backupId: backupIdAt(Date.parse('2026-06-19T06:00:00Z')), startedAt: '2026-06-19T06:00:00Z' };
    const selection = selectRetainedBackups({ ...base, backups: [good], abandoned: [running, named, old], latestBackupId: named.backupId });
    expect(selection.deleteAbandoned).toEqual([old.backupId]);
    expect(selection.keepAbandoned).toEqual([named.backupId, running.backupId]);
  });
});
