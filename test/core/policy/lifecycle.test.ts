import {
  archiverObjectPrefixes,
  baseBackupExpirationDays,
  dumpBucketLifecycleRules,
  fullBackupIntervalDays,
  walArchiveLifecycleRules,
} from '../../../src/core/policy/lifecycle';
import { WAL_DELETED_TOO_EARLY_REASON } from '../../../src/core/policy/lifecycle-rules';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { PolicyValidationError, Validator } from '../../../src/core/policy/validation';

describe('dumpBucketLifecycleRules', () => {
  test('keeps dumps 30 days by default, expires noncurrent versions after 7 and unfinished uploads after 1', () => {
    expect(dumpBucketLifecycleRules({})).toEqual([{
      id: 'pg-dumps',
      prefix: '',
      expirationDays: 30,
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 1,
    }]);
  });

  test('keeps dumps for the policy\'s retentionDays under the given prefix', () => {
    const [rule] = dumpBucketLifecycleRules({ retentionDays: 35 }, { prefix: 'dumps/orders/', id: 'orders' });
    expect(rule).toMatchObject({ id: 'orders', prefix: 'dumps/orders/', expirationDays: 35 });
  });

  test('with a retention policy, expires dumps only as a safety net at twice the longest class, and still cleans unfinished uploads', () => {
    const [rule] = dumpBucketLifecycleRules({ retention: { daily: 7, weekly: 8, monthly: 0, yearly: 0 } }, { prefix: 'pg-dumps/' });
    expect(rule).toMatchObject({ prefix: 'pg-dumps/', expirationDays: 112, abortIncompleteMultipartUploadDays: 1 });
    expect(dumpBucketLifecycleRules({ retention: { yearly: 2 } })[0].expirationDays).toBe(1464);
    expect(dumpBucketLifecycleRules({ retention: { daily: 3, weekly: 0, monthly: 0 } })[0].expirationDays).toBe(60);
  });

  test('adds the transitions it is given', () => {
    const [rule] = dumpBucketLifecycleRules({ retentionDays: 365 }, {
      transitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }, { days: 90, storageClass: StorageClass.GLACIER_FLEXIBLE }],
    });
    expect(rule.transitions).toEqual([
      { days: 30, storageClass: StorageClass.INFREQUENT_ACCESS },
      { days: 90, storageClass: StorageClass.GLACIER_FLEXIBLE },
    ]);
  });

  test('rejects a retention of 0 days, naming the policy prop', () => {
    expect(() => dumpBucketLifecycleRules({ retentionDays: 0 })).toThrow('logicalDump.retentionDays is 0; allowed: an integer from 1 to 36500 days');
  });

  test('rejects a transition that a 30-day retention cannot honour', () => {
    expect(() => dumpBucketLifecycleRules({}, { transitions: [{ days: 1, storageClass: StorageClass.GLACIER_INSTANT }] }))
      .toThrow('lifecycleRules[0].expirationDays is 30; allowed: at least 91 days');
  });

  test('reports to the validator it is given instead of throwing', () => {
    const validator = new Validator();
    dumpBucketLifecycleRules({ retentionDays: -3 }, { validator });
    expect(validator.issues.map((i) => i.path)).toEqual(['logicalDump.retentionDays', 'lifecycleRules[0].expirationDays']);
  });
});

describe('walArchiveLifecycleRules', () => {
  test('only cleans up when pgBackRest expires its own backups (the default)', () => {
    expect(walArchiveLifecycleRules({}, 21)).toEqual([
      { id: 'wal-archive', prefix: 'wal/', noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 1 },
      { id: 'base-backups', prefix: 'base/', noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 1 },
    ]);
  });

  test('expires nothing current when any archiver is told to expire itself', () => {
    const rules = walArchiveLifecycleRules({ archiver: 'wal-g', expireBy: 'archiver' }, 21);
    expect(rules.map((r) => r.expirationDays)).toEqual([undefined, undefined]);
  });

  test('expires WAL after the minimum and base backups after the retained fulls when the lifecycle expires', () => {
    // weekly fulls, retainFull 2, window 7: max(2 × 7, 7 + 7) + 1 = 15
    expect(walArchiveLifecycleRules({ archiver: 'wal-g' }, 21)).toEqual([
      { id: 'wal-archive', prefix: 'wal/', expirationDays: 21, noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 1 },
      { id: 'base-backups', prefix: 'base/', expirationDays: 15, noncurrentVersionExpirationDays: 7, abortIncompleteMultipartUploadDays: 1 },
    ]);
  });

  test('keeps WAL for walRetentionDays when it is longer than the minimum', () => {
    const [wal] = walArchiveLifecycleRules({ expireBy: 'lifecycle', walRetentionDays: 30 }, 21);
    expect(wal.expirationDays).toBe(30);
  });

  test('rejects a walRetentionDays under the minimum with the WAL reason', () => {
    const validator = new Validator();
    walArchiveLifecycleRules({ expireBy: 'lifecycle', walRetentionDays: 10 }, 21, { validator });
    expect(validator.issues).toEqual([{
      path: 'lifecycleRules[0].expirationDays',
      value: 10,
      allowed: 'at least 21 days for objects under "wal/"',
      reason: WAL_DELETED_TOO_EARLY_REASON,
    }]);
  });

  test('uses the archiver\'s own prefixes when given', () => {
    const prefixes = archiverObjectPrefixes('pgbackrest', { kind: 's3', bucket: 'wal', region: 'eu-west-1', prefix: 'pgbackrest' }, 'main');
    const rules = walArchiveLifecycleRules({ expireBy: 'lifecycle' }, 21, { walPrefix: prefixes.wal, basePrefix: prefixes.base });
    expect(rules.map((r) => r.prefix)).toEqual(['pgbackrest/archive/main/', 'pgbackrest/backup/main/']);
  });

  test.each([
    ['WAL', { walTransitions: [{ days: 0, storageClass: StorageClass.DEEP_ARCHIVE }] }, 'lifecycleRules[0].transitions[0].storageClass'],
    ['base backups', { baseTransitions: [{ days: 0, storageClass: StorageClass.GLACIER_FLEXIBLE }] }, 'lifecycleRules[1].transitions[0].storageClass'],
  ])('rejects moving %s to a class that needs a restore request', (_name, options, path) => {
    const validator = new Validator();
    walArchiveLifecycleRules({}, 21, { ...options, validator });
    expect(validator.issues.map((i) => i.path)).toEqual([path]);
  });

  test('accepts moving WAL to Standard-IA after 30 days', () => {
    const [wal] = walArchiveLifecycleRules({ expireBy: 'lifecycle' }, 60, {
      walTransitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }],
    });
    expect(wal).toMatchObject({ transitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }], expirationDays: 60 });
  });

  test('rejects a minimum WAL retention of 0', () => {
    expect(() => walArchiveLifecycleRules({}, 0)).toThrow(PolicyValidationError);
    expect(() => walArchiveLifecycleRules({}, 0)).toThrow('minimumWalRetentionDays is 0; allowed: an integer from 1 to 36500 days');
  });

  test('rejects a full-backup schedule it cannot read', () => {
    expect(() => walArchiveLifecycleRules({ expireBy: 'lifecycle', fullBackupSchedule: { expression: 'every sunday' } }, 21))
      .toThrow('pitr.fullBackupSchedule.expression is "every sunday"; allowed: a 5-field cron expression');
  });
});

describe('base backup expiration', () => {
  test.each<[string, Parameters<typeof baseBackupExpirationDays>[0], number]>([
    ['weekly fulls, two kept, 7-day window', {}, 15],
    ['weekly fulls, four kept', { retainFull: 4 }, 29],
    ['weekly fulls, one kept, 14-day window: the window decides', { retainFull: 1, windowDays: 14 }, 22],
    ['daily fulls, three kept, 1-day window', { retainFull: 3, windowDays: 1, fullBackupSchedule: { expression: '0 1 * * *' } }, 4],
    ['fulls every 12 hours, two kept, 1-day window', { retainFull: 2, windowDays: 1, fullBackupSchedule: { expression: 'rate(12 hours)' } }, 3],
    ['monthly fulls on the 1st, two kept', { fullBackupSchedule: { expression: '0 1 1 * *' } }, 63],
  ])('%s: %i days', (_name, pitr, days) => {
    expect(baseBackupExpirationDays(pitr)).toBe(days);
  });

  test('measures a monthly schedule by its longest gap, 31 days', () => {
    expect(fullBackupIntervalDays({ fullBackupSchedule: { expression: '0 1 1 * *' } })).toBe(31);
  });

  test('measures the default schedule as weekly', () => {
    expect(fullBackupIntervalDays({})).toBe(7);
  });

  test('reports a schedule that never runs to the validator it is given', () => {
    const validator = new Validator();
    expect(fullBackupIntervalDays({ fullBackupSchedule: { expression: '0 1 30 2 *' } }, validator)).toBeUndefined();
    expect(validator.issues).toHaveLength(1);
    expect(validator.issues[0]).toMatchObject({ path: 'pitr.fullBackupSchedule.expression', value: '0 1 30 2 *' });
  });
});

describe('archiverObjectPrefixes', () => {
  test.each<[Parameters<typeof archiverObjectPrefixes>[0], string | undefined, { wal: string; base: string }]>([
    ['pgbackrest', 'pgbackrest', { wal: 'pgbackrest/archive/pg1/', base: 'pgbackrest/backup/pg1/' }],
    ['pgbackrest', undefined, { wal: 'archive/pg1/', base: 'backup/pg1/' }],
    ['wal-g', 'walg/orders', { wal: 'walg/orders/wal_005/', base: 'walg/orders/basebackups_005/' }],
    ['barman-cloud', 'barman', { wal: 'barman/pg1/wals/', base: 'barman/pg1/base/' }],
    ['archive-command', undefined, { wal: 'wal/', base: 'base/' }],
  ])('%s under prefix %j', (archiver, prefix, expected) => {
    expect(archiverObjectPrefixes(archiver, { kind: 'azure', account: 'acmewal', container: 'wal', prefix }, 'pg1')).toEqual(expected);
  });

  test('uses the renderers\' default stanza, main, when none is given', () => {
    expect(archiverObjectPrefixes('pgbackrest', { kind: 's3', bucket: 'wal', region: 'eu-west-1' })).toEqual({ wal: 'archive/main/', base: 'backup/main/' });
  });
});
