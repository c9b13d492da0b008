import {
  LifecycleRule,
  WAL_DELETED_TOO_EARLY_REASON,
  WAL_NOT_READABLE_REASON,
  prefixesOverlap,
  validateLifecycleRules,
} from '../../../src/core/policy/lifecycle-rules';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { ValidationIssue, Validator } from '../../../src/core/policy/validation';

function issuesOf(rules: LifecycleRule[], options: Parameters<typeof validateLifecycleRules>[3] = {}): readonly ValidationIssue[] {
  const validator = new Validator();
  validateLifecycleRules(rules, validator, 'lifecycleRules', options);
  return validator.issues;
}

const rule = (overrides: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', prefix: 'dumps/', expirationDays: 30, ...overrides });

describe('validateLifecycleRules', () => {
  test('accepts a rule that moves to Standard-IA at 30 days, Glacier IR at 60 and expires at 150', () => {
    const rules = [rule({
      transitions: [
        { days: 30, storageClass: StorageClass.INFREQUENT_ACCESS },
        { days: 60, storageClass: StorageClass.GLACIER_INSTANT },
      ],
      expirationDays: 150,
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 1,
    })];
    expect(issuesOf(rules)).toEqual([]);
  });

  test('accepts an Azure rule that cools at 0 days and archives at 30', () => {
    const rules = [rule({
      transitions: [{ days: 0, storageClass: StorageClass.COOL }, { days: 30, storageClass: StorageClass.ARCHIVE }],
      expirationDays: 210,
    })];
    expect(issuesOf(rules)).toEqual([]);
  });

  test('returns whether the rules passed', () => {
    expect(validateLifecycleRules([rule({})], new Validator(), 'x')).toBe(true);
    expect(validateLifecycleRules([rule({ expirationDays: 0 })], new Validator(), 'x')).toBe(false);
  });

  test.each<[string, LifecycleRule[], Partial<ValidationIssue>, string]>([
    ['an expiration of 0 days', [rule({ expirationDays: 0 })],
      { path: 'lifecycleRules[0].expirationDays', value: 0 }, 'an integer from 1 to 36500 days'],
    ['a fractional expiration', [rule({ expirationDays: 1.5 })],
      { path: 'lifecycleRules[0].expirationDays', value: 1.5 }, 'an integer from 1 to 36500 days'],
    ['a noncurrent expiration of 0 days', [rule({ noncurrentVersionExpirationDays: 0 })],
      { path: 'lifecycleRules[0].noncurrentVersionExpirationDays', value: 0 }, 'an integer from 1 to 36500 days'],
    ['a multipart abort of -1 days', [rule({ abortIncompleteMultipartUploadDays: -1 })],
      { path: 'lifecycleRules[0].abortIncompleteMultipartUploadDays', value: -1 }, 'an integer from 1 to 36500 days'],
    ['a transition at a negative age', [rule({ transitions: [{ days: -1, storageClass: StorageClass.GLACIER_INSTANT }], expirationDays: 200 })],
      { path: 'lifecycleRules[0].transitions[0].days', value: -1 }, 'an integer from 0 to 36500 days'],
    ['an id with a space', [rule({ id: 'my rule' })],
      { path: 'lifecycleRules[0].id', value: 'my rule' }, 'letters, digits and "-"'],
    ['an empty id', [rule({ id: '' })],
      { path: 'lifecycleRules[0].id', value: '' }, 'letters, digits and "-"'],
    ['a prefix starting with a slash', [rule({ prefix: '/wal/' })],
      { path: 'lifecycleRules[0].prefix', value: '/wal/' }, 'a key prefix not starting with "/"'],
    ['a duplicate id', [rule({ id: 'same', prefix: 'a/' }), rule({ id: 'same', prefix: 'b/' })],
      { path: 'lifecycleRules[1].id', value: 'same', reason: 'lifecycleRules[0] already has this id' }, 'an id used by no other rule'],
    ['a rule without any action', [{ id: 'empty', prefix: 'x/' }],
      { path: 'lifecycleRules[0]' }, 'at least one of transitions, expirationDays'],
    ['a transition to Standard-IA before 30 days', [rule({ transitions: [{ days: 7, storageClass: StorageClass.INFREQUENT_ACCESS }], expirationDays: 60 })],
      { path: 'lifecycleRules[0].transitions[0].days', value: 7 }, 'at least 30 days for INFREQUENT_ACCESS'],
    ['a transition to One Zone-IA before 30 days', [rule({ transitions: [{ days: 29, storageClass: StorageClass.ONE_ZONE_INFREQUENT_ACCESS }], expirationDays: 90 })],
      { path: 'lifecycleRules[0].transitions[0].days', value: 29 }, 'at least 30 days for ONE_ZONE_INFREQUENT_ACCESS'],
    ['an expiration before Glacier IR\'s 90-day minimum', [rule({ transitions: [{ days: 0, storageClass: StorageClass.GLACIER_INSTANT }], expirationDays: 30 })],
      { path: 'lifecycleRules[0].expirationDays', value: 30 }, 'at least 90 days'],
    ['an expiration before Deep Archive\'s 180-day minimum', [rule({ transitions: [{ days: 10, storageClass: StorageClass.DEEP_ARCHIVE }], expirationDays: 100 })],
      { path: 'lifecycleRules[0].expirationDays', value: 100 }, 'at least 190 days'],
    ['an expiration before the Azure archive tier\'s 180-day minimum', [rule({ transitions: [{ days: 1, storageClass: StorageClass.ARCHIVE }], expirationDays: 30 })],
      { path: 'lifecycleRules[0].expirationDays', value: 30 }, 'at least 181 days'],
    ['an expiration before the Azure cool tier\'s 30-day minimum', [rule({ transitions: [{ days: 1, storageClass: StorageClass.COOL }], expirationDays: 14 })],
      { path: 'lifecycleRules[0].expirationDays', value: 14 }, 'at least 31 days'],
    ['an expiration on the day of a transition', [rule({ transitions: [{ days: 30, storageClass: StorageClass.INTELLIGENT_TIERING }], expirationDays: 30 })],
      { path: 'lifecycleRules[0].expirationDays', value: 30 }, 'more than 30 days (the last transition, to INTELLIGENT_TIERING)'],
    ['an expiration before a transition', [rule({ transitions: [{ days: 60, storageClass: StorageClass.INTELLIGENT_TIERING }], expirationDays: 30 })],
      { path: 'lifecycleRules[0].expirationDays', value: 30 }, 'more than 60 days'],
    ['leaving Standard-IA before its 30-day minimum', [rule({
      transitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }, { days: 45, storageClass: StorageClass.GLACIER_FLEXIBLE }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].days', value: 45 }, 'at least 60 days'],
    ['leaving Glacier IR before its 90-day minimum', [rule({
      transitions: [{ days: 0, storageClass: StorageClass.GLACIER_INSTANT }, { days: 30, storageClass: StorageClass.DEEP_ARCHIVE }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].days', value: 30 }, 'at least 90 days'],
    ['transitions up the waterfall', [rule({
      transitions: [{ days: 0, storageClass: StorageClass.GLACIER_INSTANT }, { days: 120, storageClass: StorageClass.INFREQUENT_ACCESS }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].storageClass', value: StorageClass.INFREQUENT_ACCESS }, 'a class colder than GLACIER_INSTANT'],
    ['transitions listed out of order of age', [rule({
      transitions: [{ days: 100, storageClass: StorageClass.INFREQUENT_ACCESS }, { days: 40, storageClass: StorageClass.GLACIER_INSTANT }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].days', value: 40 }, 'more than 100 days'],
    ['two transitions to the same class', [rule({
      transitions: [{ days: 30, storageClass: StorageClass.COOL }, { days: 90, storageClass: StorageClass.COOL }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].storageClass', value: StorageClass.COOL }, 'a class colder than COOL'],
    ['a transition to STANDARD', [rule({ transitions: [{ days: 30, storageClass: StorageClass.STANDARD }], expirationDays: 60 })],
      { path: 'lifecycleRules[0].transitions[0].storageClass', value: 'STANDARD', reason: 'objects start in this class; a lifecycle rule can only move them to a colder one' },
      'one of: INFREQUENT_ACCESS'],
    ['a transition to HOT', [rule({ transitions: [{ days: 30, storageClass: StorageClass.HOT }], expirationDays: 60 })],
      { path: 'lifecycleRules[0].transitions[0].storageClass', value: 'HOT' }, 'one of: INFREQUENT_ACCESS'],
    ['an unknown storage class', [rule({ transitions: [{ days: 30, storageClass: 'GLACIER' as StorageClass }], expirationDays: 200 })],
      { path: 'lifecycleRules[0].transitions[0].storageClass', value: 'GLACIER' }, 'GLACIER_FLEXIBLE'],
    ['S3 and Azure classes in one rule', [rule({
      transitions: [{ days: 30, storageClass: StorageClass.INFREQUENT_ACCESS }, { days: 90, storageClass: StorageClass.ARCHIVE }],
      expirationDays: 400,
    })], { path: 'lifecycleRules[0].transitions[1].storageClass', value: StorageClass.ARCHIVE }, 'one of: INFREQUENT_ACCESS'],
  ])('rejects %s', (_name, rules, expected, allowed) => {
    const issues = issuesOf(rules);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject(expected);
    expect(issues[0].allowed).toContain(allowed);
  });

  test('reports every problem of every rule in one pass', () => {
    const issues = issuesOf([
      rule({ id: 'a', expirationDays: 0 }),
      rule({ id: 'a', transitions: [{ days: 1, storageClass: StorageClass.INFREQUENT_ACCESS }], expirationDays: 10 }),
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      'lifecycleRules[0].expirationDays',
      'lifecycleRules[1].id',
      'lifecycleRules[1].transitions[0].days',
      'lifecycleRules[1].expirationDays',
    ]);
  });

  test('skips values the front end cannot know yet', () => {
    const token = '${Token[TOKEN.1]}';
    const validator = new Validator({ isUnresolved: (v) => v === token });
    validateLifecycleRules(
      [rule({ expirationDays: token as unknown as number, transitions: [{ days: 0, storageClass: StorageClass.GLACIER_INSTANT }] })],
      validator, 'lifecycleRules', { minimumWalRetentionDays: 21, walPrefix: '' },
    );
    expect(validator.issues).toEqual([]);
  });

  describe('the WAL archive', () => {
    test.each<[string, LifecycleRule]>([
      ['a rule on the WAL prefix', rule({ id: 'wal', prefix: 'wal/', expirationDays: 7 })],
      ['a rule on the whole bucket', rule({ id: 'all', prefix: '', expirationDays: 7 })],
      ['a rule on part of the WAL prefix', rule({ id: 'timeline1', prefix: 'wal/00000001', expirationDays: 7 })],
    ])('rejects %s that deletes WAL before the minimum retention', (_name, walRule) => {
      const issues = issuesOf([walRule], { minimumWalRetentionDays: 21 });
      expect(issues).toEqual([{
        path: 'lifecycleRules[0].expirationDays',
        value: 7,
        allowed: 'at least 21 days for objects under "wal/"',
        reason: WAL_DELETED_TOO_EARLY_REASON,
      }]);
    });

    test('names the reason in the message a user reads', () => {
      const validator = new Validator();
      validateLifecycleRules([rule({ prefix: 'wal/', expirationDays: 7 })], validator, 'lifecycleRules', { minimumWalRetentionDays: 21 });
      expect(() => validator.throwIfInvalid()).toThrow(
        'lifecycleRules[0].expirationDays is 7; allowed: at least 21 days for objects under "wal/" (would delete WAL still needed to replay the oldest base backup)',
      );
    });

    test('accepts WAL kept exactly the minimum', () => {
      expect(issuesOf([rule({ prefix: 'wal/', expirationDays: 21 })], { minimumWalRetentionDays: 21 })).toEqual([]);
    });

    test('leaves rules on other prefixes alone', () => {
      expect(issuesOf([rule({ prefix: 'base/', expirationDays: 7 })], { minimumWalRetentionDays: 21 })).toEqual([]);
    });

    test('leaves a disabled rule alone', () => {
      expect(issuesOf([rule({ prefix: 'wal/', expirationDays: 7, enabled: false })], { minimumWalRetentionDays: 21 })).toEqual([]);
    });

    test('uses the WAL prefix it is given', () => {
      const rules = [rule({ prefix: 'repo/archive/main/', expirationDays: 7 })];
      expect(issuesOf(rules, { minimumWalRetentionDays: 21 })).toEqual([]);
      expect(issuesOf(rules, { minimumWalRetentionDays: 21, walPrefix: 'repo/archive/main/' })).toHaveLength(1);
    });

    test.each([StorageClass.GLACIER_FLEXIBLE, StorageClass.DEEP_ARCHIVE, StorageClass.ARCHIVE])(
      'rejects moving WAL to %s, which restore_command cannot read', (storageClass) => {
        const issues = issuesOf([rule({ prefix: 'wal/', transitions: [{ days: 0, storageClass }], expirationDays: 400 })], { walPrefix: 'wal/' });
        expect(issues).toHaveLength(1);
        expect(issues[0]).toMatchObject({ path: 'lifecycleRules[0].transitions[0].storageClass', value: storageClass, reason: WAL_NOT_READABLE_REASON });
        expect(issues[0].allowed).toContain('GLACIER_INSTANT');
      });

    test('accepts moving WAL to Glacier Instant Retrieval', () => {
      expect(issuesOf([rule({ prefix: 'wal/', transitions: [{ days: 0, storageClass: StorageClass.GLACIER_INSTANT }], expirationDays: 90 })],
        { walPrefix: 'wal/' })).toEqual([]);
    });
  });

  test.each<[string, string, boolean]>([
    ['wal/', 'wal/', true],
    ['', 'wal/', true],
    ['wal/0000', 'wal/', true],
    ['base/', 'wal/', false],
    ['wa', 'wal/', true],
    ['walrus/', 'wal/', false],
  ])('prefix "%s" overlaps "%s": %s', (a, b, expected) => {
    expect(prefixesOverlap(a, b)).toBe(expected);
  });
});
