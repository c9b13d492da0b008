import {
  BackupPolicy,
  defaultBackupPlanSchedule,
  defaultRpoHours,
  resolveBackupPolicy,
  resolveExpireBy,
} from '../../../src/core';

const isToken = (value: unknown) => typeof value === 'string' && value.startsWith('${Token[');

describe('resolveBackupPolicy', () => {
  test('fills in the platform and the alarms of an empty policy, and adds no section', () => {
    expect(resolveBackupPolicy({})).toEqual({ platform: 'aws', copies: [], alarms: { rpoHours: 26 } });
  });

  // zstd replaced pg_dump's own gzip as the default: several times faster for a backup of about the same size.
  test('fills in every default of logical dumps, compressing with zstd', () => {
    const dump = resolveBackupPolicy({ logicalDump: {} }).logicalDump;
    expect(dump).toEqual({
      schedule: { expression: '0 2 * * *', timezone: 'UTC' },
      format: 'custom',
      compression: 'zstd:1',
      jobs: 1,
      tables: [],
      excludeTables: [],
      schemas: [],
      excludeSchemas: [],
      schemaOnly: false,
      dataOnly: false,
      noOwner: false,
      noAcl: false,
      includeGlobals: false,
      retentionDays: 30,
      lockWaitTimeoutSeconds: 300,
      rowCounts: 'exact',
    });
  });

  test('keeps every value the policy sets', () => {
    const dump = resolveBackupPolicy({ logicalDump: { format: 'directory', jobs: 8, retentionDays: 90, compression: 'zstd:3' } }).logicalDump;
    expect(dump).toMatchObject({ format: 'directory', jobs: 8, retentionDays: 90, compression: 'zstd:3' });
  });

  test('fills in managed snapshots and leaves the windows to the cloud', () => {
    expect(resolveBackupPolicy({ managedSnapshots: {} }).managedSnapshots).toEqual({
      backupRetentionDays: 7, copyTagsToSnapshot: true, finalSnapshot: true,
    });
  });

  test('gives each backup-plan rule its frequency\'s schedule, and keeps an explicit one', () => {
    const plan = resolveBackupPolicy({
      backupPlan: {
        rules: [
          { name: 'daily', frequency: 'daily', retentionDays: 35 },
          { name: 'weekly', frequency: 'weekly', retentionDays: 90, schedule: { expression: '0 3 * * 6' } },
        ],
      },
    }).backupPlan;
    expect(plan?.rules.map((rule) => rule.schedule)).toEqual([
      { expression: '0 5 * * *', timezone: 'UTC' },
      { expression: '0 3 * * 6', timezone: 'UTC' },
    ]);
  });

  test('fills in PITR, deriving the WAL retention from the full-backup schedule', () => {
    expect(resolveBackupPolicy({ pitr: { windowDays: 14, retainFull: 3 } }).pitr).toEqual({
      windowDays: 14,
      archiveTimeoutSeconds: 60,
      allowArchiveTimeoutOutsideRange: false,
      fullBackupSchedule: { expression: '0 1 * * 0', timezone: 'UTC' },
      diffBackupSchedule: { expression: '0 1 * * 1-6', timezone: 'UTC' },
      retainFull: 3,
      archiver: 'pgbackrest',
      expireBy: 'archiver',
      walRetentionDays: 35,
    });
  });

  test('keeps an explicit WAL retention', () => {
    expect(resolveBackupPolicy({ pitr: { walRetentionDays: 60 } }).pitr?.walRetentionDays).toBe(60);
  });

  test('fills in restore drills and the immutability mode', () => {
    const resolved = resolveBackupPolicy({ verification: {}, immutability: { days: 7 } });
    expect(resolved.verification).toEqual({ schedule: { expression: '0 6 * * 1', timezone: 'UTC' }, checks: [], maxRestoreDurationMinutes: 60 });
    expect(resolved.immutability).toEqual({ mode: 'governance', days: 7 });
  });

  test('refuses to derive the WAL retention from a schedule that is not known yet', () => {
    const policy: BackupPolicy = { pitr: { fullBackupSchedule: { expression: '${Token[TOKEN.1]}' } } };
    expect(() => resolveBackupPolicy(policy, { isUnresolved: isToken })).toThrow(/pitr\.walRetentionDays cannot be derived/);
  });

  test('refuses to derive the RPO from a dump schedule that is not known yet', () => {
    const policy: BackupPolicy = { logicalDump: { schedule: { expression: '${Token[TOKEN.2]}' } } };
    expect(() => resolveBackupPolicy(policy, { isUnresolved: isToken })).toThrow(/alarms\.rpoHours cannot be derived while logicalDump\.schedule/);
  });

  test('derives nothing from unknown values once they are set explicitly', () => {
    const policy: BackupPolicy = {
      logicalDump: { schedule: { expression: '${Token[TOKEN.2]}' } },
      pitr: { fullBackupSchedule: { expression: '${Token[TOKEN.1]}' }, walRetentionDays: 30 },
      alarms: { rpoHours: 30 },
    };
    expect(resolveBackupPolicy(policy, { isUnresolved: isToken })).toMatchObject({ pitr: { walRetentionDays: 30 }, alarms: { rpoHours: 30 } });
  });
});

describe('defaultRpoHours', () => {
  const cases: Array<[string, BackupPolicy, number]> = [
    ['nothing scheduled', {}, 26],
    ['daily dumps', { logicalDump: {} }, 26],
    ['dumps every 6 hours', { logicalDump: { schedule: { expression: '0 */6 * * *' } } }, 8],
    ['daily dumps and an hourly backup-plan rule', {
      logicalDump: {}, backupPlan: { rules: [{ name: 'hourly', frequency: 'hourly', retentionDays: 7 }] },
    }, 3],
    ['weekly backup-plan rule only', { backupPlan: { rules: [{ name: 'weekly', frequency: 'weekly', retentionDays: 35 }] } }, 7 * 24 + 2],
    ['daily dumps in a zone with daylight saving time', { logicalDump: { schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' } } }, 27],
  ];

  test.each(cases)('is the most frequent watched backup\'s gap plus two hours for %s', (_name, policy, hours) => {
    expect(defaultRpoHours(policy)).toBe(hours);
  });
});

describe('defaultBackupPlanSchedule', () => {
  test.each([
    ['hourly', '0 * * * *'],
    ['daily', '0 5 * * *'],
    ['weekly', '0 5 * * 0'],
    ['monthly', '0 5 1 * *'],
  ] as const)('runs %s rules at %s UTC', (frequency, expression) => {
    expect(defaultBackupPlanSchedule(frequency)).toEqual({ expression, timezone: 'UTC' });
  });
});

describe('resolveExpireBy', () => {
  test.each([
    [{}, 'archiver'],
    [{ archiver: 'pgbackrest' }, 'archiver'],
    [{ archiver: 'wal-g' }, 'lifecycle'],
    [{ archiver: 'barman-cloud' }, 'lifecycle'],
    [{ archiver: 'pgbackrest', expireBy: 'lifecycle' }, 'lifecycle'],
  ] as const)('resolves %j to %s', (pitr, expireBy) => {
    expect(resolveExpireBy(pitr)).toBe(expireBy);
  });
});
