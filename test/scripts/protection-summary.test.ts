import { PROTECTION_KINDS, databaseProtectionLines, describeProtection } from '../../scripts/protection-summary';

const dump = { construct: 'Stack/Dump', protection: { kind: 'logical-dump', databaseNames: ['shop'], schedule: 'cron(30 1 * * ? *) UTC', prefix: 'pg-dumps', retentionDays: 30, rpoHours: 26 } };
const managed = { construct: 'Stack/Backups', protection: { kind: 'managed-backup', schedule: 'daily cron(0 5 * * ? *) kept 35 d', retentionDays: 14, copies: ['logically air-gapped vault'] } };
const drill = (kind: string, extra: object = {}) => ({
  construct: `Stack/${kind}`, protection: { kind, databaseNames: ['shop'], schedule: 'cron(0 6 ? * MON *) UTC', rtoMinutes: 45, checks: 2, ...extra },
});

describe('the synth-examples summary of what protects a database', () => {
  test('lists its backups, then every drill that proves they restore, each naming its construct', () => {
    const lines = databaseProtectionLines([
      dump, managed, drill('restore-drill'), drill('snapshot-drill'), drill('point-in-time-drill', { targetLagMinutes: 60, randomExtraLagMinutes: 30 }),
      drill('restore-testing', { recoveryPoint: 'random', selectionWindowDays: 14, schedule: 'cron(0 6 ? * MON *)' }),
    ]);
    expect(lines).toEqual([
      'backups:',
      '  - pg_dump of shop at cron(30 1 * * ? *) UTC into s3 prefix pg-dumps, kept 30 days, not encrypted with age, no offsite copy, alarm when none succeeds within 26 h (Stack/Dump)',
      '  - AWS Backup daily cron(0 5 * * ? *) kept 35 d; automated backups kept 14 days, copies to logically air-gapped vault (Stack/Backups)',
      'drills:',
      '  - dump drill of the latest dump of shop at cron(0 6 ? * MON *) UTC, 2 SQL check(s), alarm above an RTO of 45 min (Stack/restore-drill)',
      '  - snapshot drill of shop at cron(0 6 ? * MON *) UTC, 2 check(s), alarm above an RTO of 45 min (Stack/snapshot-drill)',
      '  - point-in-time drill of shop to 60 min plus up to 30 min before it starts, at cron(0 6 ? * MON *) UTC, 2 check(s), alarm above an RTO of 45 min (Stack/point-in-time-drill)',
      '  - AWS Backup restore testing of the random recovery point of the last 14 days at cron(0 6 ? * MON *), validated by 2 check(s), reported to AWS Backup (Stack/restore-testing)',
    ]);
  });

  test('tells of a dump how many recipients it is encrypted to, the retention classes and floor, and where its offsite copy is', () => {
    const line = describeProtection({
      ...dump,
      protection: {
        ...dump.protection,
        retentionDays: 744,
        encryptedTo: ['age1first', 'age1second'],
        retention: { daily: 7, weekly: 4, monthly: 12, yearly: 0, minimumKept: 3 },
        replica: { destination: 'bucket arn:aws:s3:::shop-offsite (in us-east-1)', immutability: 'governance 7 days', expirationDays: 800, pruned: true },
        identitySecret: 'secret shop-age-identity',
      },
    });
    expect(line).toContain('kept by the prune: 7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3 (lifecycle safety net 744 days), '
      + 'encrypted with age to 2 recipients (identity in secret shop-age-identity), offsite copy in bucket arn:aws:s3:::shop-offsite (in us-east-1), '
      + 'pruned like the dumps (its lifecycle safety net 800 days), each replica Object Lock governance 7 days,');
  });

  test('tells an Azure dump\'s immutability and its replicas\' once each, in words an on-call engineer reads', () => {
    const line = describeProtection({
      ...dump,
      protection: {
        ...dump.protection,
        prefix: 'azblob://shopdumps/pg-dumps/pg-dumps',
        objectLock: 'governance 7 days',
        replica: { destination: 'storage account in northeurope (container pg-dumps)', immutability: 'compliance 14 days', expirationDays: 90 },
      },
    });
    expect(line).toContain('into azblob://shopdumps/pg-dumps/pg-dumps, kept 30 days, each dump immutable 7 days (governance: can still be shortened), ');
    expect(line).toContain('offsite copy in storage account in northeurope (container pg-dumps), replicas kept 90 days, '
      + 'each replica immutable 14 days (locked: nobody can shorten it), alarm when none succeeds');
    expect(line).not.toMatch(/unlocked|the copy/);
  });

  test('names a dump drill into a scratch RDS instance the large-database drill', () => {
    expect(describeProtection(drill('restore-drill', { restoreTarget: 'scratch-rds', maxScratchStorageGiB: 2000 })))
      .toMatch(/^large-database drill: the latest dump of shop restored into a scratch RDS instance \(up to 2000 GiB\)/);
    expect(describeProtection(drill('restore-drill', { restoreTarget: 'auto', maxScratchStorageGiB: 2000 })))
      .toContain('into a scratch RDS instance (up to 2000 GiB) when it would not fit the task\'s disk');
  });

  test('says of restore testing without validation that it only restores', () => {
    expect(describeProtection(drill('restore-testing', { recoveryPoint: 'latest', selectionWindowDays: 7, checks: undefined }))).toContain('not validated (restore only)');
  });

  test('says so when backups have no drill, and when a database has nothing at all', () => {
    expect(databaseProtectionLines([managed]).slice(-2)).toEqual(['drills:', '  none: nothing proves these backups restore']);
    expect(databaseProtectionLines([])).toEqual(['NOTHING: no dump or drill covers this database']);
  });

  test('every drill the constructs record is a drill, and every backup kind is not', () => {
    expect(Object.entries(PROTECTION_KINDS).filter(([, kind]) => kind.drill).map(([name]) => name).sort())
      .toEqual(['pitr-drill', 'point-in-time-drill', 'restore-drill', 'restore-testing', 'snapshot-drill']);
  });

  test('a kind it does not know is listed by its name among the backups', () => {
    expect(databaseProtectionLines([{ construct: 'Stack/X', protection: { kind: 'tape' } }]).slice(0, 2)).toEqual(['backups:', '  - tape (Stack/X)']);
  });
});
