import { renderS3LifecycleConfiguration, s3ApiLifecycleRules } from '../../../src/core/aws/lifecycle-s3';
import { dumpBucketLifecycleRules, walArchiveLifecycleRules } from '../../../src/core/policy/lifecycle';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { Validator } from '../../../src/core/policy/validation';

describe('renderS3LifecycleConfiguration', () => {
  test('renders the dump bucket rule in the CloudFormation shape', () => {
    expect(renderS3LifecycleConfiguration(dumpBucketLifecycleRules({ retentionDays: 35 }, { prefix: 'dumps/' }))).toEqual({
      Rules: [{
        Id: 'pg-dumps',
        Status: 'Enabled',
        Prefix: 'dumps/',
        ExpirationInDays: 35,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }],
    });
  });

  test('leaves Prefix out for a rule on the whole bucket', () => {
    const { Rules } = renderS3LifecycleConfiguration(dumpBucketLifecycleRules({}));
    expect(Rules[0]).not.toHaveProperty('Prefix');
  });

  test('maps every S3 class to its API name', () => {
    const { Rules } = renderS3LifecycleConfiguration([{
      id: 'all-classes',
      prefix: '',
      transitions: [
        { days: 30, storageClass: StorageClass.INFREQUENT_ACCESS },
        { days: 60, storageClass: StorageClass.INTELLIGENT_TIERING },
        { days: 90, storageClass: StorageClass.ONE_ZONE_INFREQUENT_ACCESS },
        { days: 120, storageClass: StorageClass.GLACIER_INSTANT },
        { days: 210, storageClass: StorageClass.GLACIER_FLEXIBLE },
        { days: 300, storageClass: StorageClass.DEEP_ARCHIVE },
      ],
    }]);
    expect(Rules[0].Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 60 },
      { StorageClass: 'ONEZONE_IA', TransitionInDays: 90 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 120 },
      { StorageClass: 'GLACIER', TransitionInDays: 210 },
      { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 300 },
    ]);
  });

  test('renders the WAL archive rules with only housekeeping when the archiver expires', () => {
    expect(renderS3LifecycleConfiguration(walArchiveLifecycleRules({}, 21)).Rules).toEqual([
      { Id: 'wal-archive', Status: 'Enabled', Prefix: 'wal/', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      { Id: 'base-backups', Status: 'Enabled', Prefix: 'base/', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  test('renders a disabled rule as Disabled', () => {
    const { Rules } = renderS3LifecycleConfiguration([{ id: 'off', prefix: 'x/', expirationDays: 3, enabled: false }]);
    expect(Rules[0].Status).toBe('Disabled');
  });

  test('rejects an Azure tier, naming the S3 classes', () => {
    const validator = new Validator();
    renderS3LifecycleConfiguration([{ id: 'r', prefix: '', transitions: [{ days: 30, storageClass: StorageClass.COOL }] }], { validator });
    expect(validator.issues).toEqual([{
      path: 'lifecycleRules[0].transitions[0].storageClass',
      value: 'COOL',
      allowed: 'an S3 storage class: one of INFREQUENT_ACCESS, INTELLIGENT_TIERING, ONE_ZONE_INFREQUENT_ACCESS, GLACIER_INSTANT, GLACIER_FLEXIBLE, DEEP_ARCHIVE',
      reason: 'this is an Azure access tier, which S3 does not have',
    }]);
  });

  test('throws when no validator is given', () => {
    expect(() => renderS3LifecycleConfiguration([{ id: 'r', prefix: '', transitions: [{ days: 30, storageClass: StorageClass.ARCHIVE }] }]))
      .toThrow('lifecycleRules[0].transitions[0].storageClass is "ARCHIVE"');
  });
});

describe('s3ApiLifecycleRules', () => {
  test('a prefix becomes a filter, an expiration an object, and a rule for every object an empty filter', () => {
    const configuration = renderS3LifecycleConfiguration([
      { id: 'dumps', prefix: 'dumps/', expirationDays: 30, transitions: [{ storageClass: 'INFREQUENT_ACCESS' as StorageClass, days: 30 }], noncurrentVersionExpirationDays: 7 },
      { id: 'everything', prefix: '', abortIncompleteMultipartUploadDays: 7 },
    ]);
    const [dumps, everything] = configuration.Rules;
    expect(s3ApiLifecycleRules(configuration)).toEqual([
      {
        Id: 'dumps',
        Status: 'Enabled',
        Filter: { Prefix: 'dumps/' },
        Transitions: [{ Days: 30, StorageClass: dumps.Transitions![0].StorageClass }],
        Expiration: { Days: 30 },
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      },
      {
        Id: 'everything',
        Status: 'Enabled',
        Filter: everything.Prefix === undefined ? {} : { Prefix: everything.Prefix },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
  });
});
