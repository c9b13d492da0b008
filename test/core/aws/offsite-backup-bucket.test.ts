import { checkBucketReplication } from '../../../src/core/aws/bucket-replication';
import {
  OFFSITE_DENIED_ACTIONS, OffsiteBackupBucketEnvironment, OffsiteBackupBucketOptions, offsiteReplicationFor, planOffsiteBackupBucket,
} from '../../../src/core/aws/offsite-backup-bucket';
import { Validator } from '../../../src/core/policy/validation';

const OPTIONS: OffsiteBackupBucketOptions = {
  bucketName: 'acme-pg-offsite-eu-central-1',
  replicationRoleNames: ['shop-dumps-replication', 'orders-wal-replication'],
};
const ENV: OffsiteBackupBucketEnvironment = { account: '210987654321', region: 'eu-central-1', validation: { construct: 'Offsite/Bucket' } };

describe('planOffsiteBackupBucket', () => {
  test('names the bucket and its key alias physically, so a source in another region names them without a reference', () => {
    const plan = planOffsiteBackupBucket(OPTIONS, ENV);
    expect(plan).toMatchObject({
      bucketArn: 'arn:aws:s3:::acme-pg-offsite-eu-central-1',
      keyAlias: 'alias/acme-pg-offsite-eu-central-1',
      keyAliasArn: 'arn:aws:kms:eu-central-1:210987654321:alias/acme-pg-offsite-eu-central-1',
      replicationRoleArns: ['arn:aws:iam::210987654321:role/shop-dumps-replication', 'arn:aws:iam::210987654321:role/orders-wal-replication'],
      replicatingAccount: '210987654321',
    });
  });

  test.each([
    ['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'], ['us-isof-south-1', 'aws-iso-f'], ['ap-southeast-7', 'aws'],
  ])('names the bucket, key alias and roles in the partition of %s (%s)', (region, partition) => {
    const plan = planOffsiteBackupBucket(OPTIONS, { ...ENV, region });
    expect(plan.bucketArn).toBe(`arn:${partition}:s3:::acme-pg-offsite-eu-central-1`);
    expect(plan.keyAliasArn).toBe(`arn:${partition}:kms:${region}:210987654321:alias/acme-pg-offsite-eu-central-1`);
    expect(plan.replicationRoleArns[0]).toBe(`arn:${partition}:iam::210987654321:role/shop-dumps-replication`);
  });

  test('hands each source its replication prop: bucket, key alias, role name, expiry and Object Lock', () => {
    const plan = planOffsiteBackupBucket({ ...OPTIONS, objectLock: { mode: 'compliance', days: 30 }, expirationDays: 400 }, ENV);
    expect(offsiteReplicationFor(plan, 'shop-dumps-replication')).toEqual({
      destinationBucketArn: 'arn:aws:s3:::acme-pg-offsite-eu-central-1',
      replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:210987654321:alias/acme-pg-offsite-eu-central-1',
      roleName: 'shop-dumps-replication',
      destinationExpirationDays: 400,
      destinationObjectLock: { mode: 'compliance', days: 30 },
    });
  });

  test('across accounts, the replicas go to the bucket\'s account and the roles are those of the source account', () => {
    const plan = planOffsiteBackupBucket({ ...OPTIONS, sourceAccount: '123456789012' }, ENV);
    expect(offsiteReplicationFor(plan, 'orders-wal-replication').destinationAccount).toBe('210987654321');
    expect(plan.replicationRoleArns[1]).toBe('arn:aws:iam::123456789012:role/orders-wal-replication');
    expect(plan.replicationGrants.find((group) => group.resource === 'offsite-objects')!.actions).toContain('s3:ObjectOwnerOverrideToBucketOwner');
  });

  test('lets the roles replicate objects and tags and encrypt, never delete', () => {
    const plan = planOffsiteBackupBucket(OPTIONS, ENV);
    const granted = plan.replicationGrants.flatMap((group) => group.actions);
    expect(granted).toEqual(['s3:GetBucketVersioning', 's3:ListBucket', 's3:ReplicateObject', 's3:ReplicateTags', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(granted.filter((action) => /Delete/.test(action))).toEqual([]);
    expect(OFFSITE_DENIED_ACTIONS).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ReplicateDelete']));
  });

  test('expires replicas only when told, and noncurrent ones a day later', () => {
    expect(planOffsiteBackupBucket(OPTIONS, ENV).lifecycleRules).toEqual([
      { id: 'expire-replicas', prefix: '', noncurrentVersionExpirationDays: 1, abortIncompleteMultipartUploadDays: 7 },
    ]);
    expect(planOffsiteBackupBucket({ ...OPTIONS, expirationDays: 90 }, ENV).lifecycleRules[0].expirationDays).toBe(90);
  });

  test('a source whose lock is longer than the offsite bucket\'s refuses its replication prop', () => {
    const plan = planOffsiteBackupBucket({ ...OPTIONS, objectLock: { mode: 'governance', days: 7 } }, ENV);
    const validator = new Validator({ construct: 'Backups/Dump' });
    checkBucketReplication(validator, offsiteReplicationFor(plan, 'shop-dumps-replication'), {
      path: 'replication', contents: 'dumps', lifecycleRules: [], sourceBucket: 'backup-bucket', objectLock: { path: 'objectLock', policy: { days: 14 } },
    });
    expect(validator.issues.map((issue) => issue.path)).toEqual(['OffsiteBackupBucket objectLock.days']);
  });

  test('a source that keeps its backups longer than the offsite bucket keeps replicas names the offsite bucket\'s expirationDays', () => {
    const plan = planOffsiteBackupBucket({ ...OPTIONS, expirationDays: 7 }, ENV);
    const validator = new Validator({ construct: 'Backups/Dump' });
    checkBucketReplication(validator, offsiteReplicationFor(plan, 'shop-dumps-replication', 'Offsite/Bucket'), {
      path: 'replication', contents: 'dumps', lifecycleRules: [{ id: 'dumps', prefix: 'pg-dumps/', expirationDays: 30 }], sourceBucket: 'backup-bucket',
    });
    expect(() => validator.throwIfInvalid()).toThrow('Backups/Dump: OffsiteBackupBucket Offsite/Bucket expirationDays is 7; allowed: at least 30 days '
      + '(the source keeps dumps 30 days), or undefined (replicas never expire) (the offsite copy would vanish before the source copy)');
  });

  test('replication options the user wrote are named as the source\'s own props', () => {
    const validator = new Validator();
    checkBucketReplication(validator, { ...offsiteReplicationFor(planOffsiteBackupBucket({ ...OPTIONS, expirationDays: 7 }, ENV), 'shop-dumps-replication') }, {
      path: 'replication', contents: 'dumps', lifecycleRules: [{ id: 'dumps', prefix: 'pg-dumps/', expirationDays: 30 }], sourceBucket: 'backup-bucket',
    });
    expect(validator.issues.map((issue) => issue.path)).toEqual(['replication.destinationExpirationDays']);
  });

  test('names the role names it knows when asked for another', () => {
    const plan = planOffsiteBackupBucket(OPTIONS, ENV);
    expect(() => offsiteReplicationFor(plan, 'shop-replication', 'Offsite/Bucket'))
      .toThrow('Offsite/Bucket: replicationFor(roleName) is "shop-replication"; allowed: one of replicationRoleNames: shop-dumps-replication, orders-wal-replication');
  });

  test.each<[string, Partial<OffsiteBackupBucketOptions>, Partial<OffsiteBackupBucketEnvironment>, string]>([
    ['an upper-case bucket name', { bucketName: 'Acme-Offsite' }, {}, 'bucketName is "Acme-Offsite"; allowed: an S3 bucket name'],
    ['no replication role', { replicationRoleNames: [] }, {}, 'replicationRoleNames is []; allowed: at least one IAM role name'],
    ['a role name with a space', { replicationRoleNames: ['shop dumps'] }, {}, 'replicationRoleNames[0] is "shop dumps"; allowed: an IAM role name'],
    ['an AWS-managed alias', { keyAlias: 'alias/aws/s3' }, {}, 'keyAlias is "alias/aws/s3"; allowed: a KMS alias'],
    ['a source account that is not an account id', { sourceAccount: 'prod' }, {}, 'sourceAccount is "prod"; allowed: a 12-digit AWS account id'],
    ['a lock of no days', { objectLock: { days: 0 } }, {}, 'objectLock.days is 0; allowed: an integer from 1 to 36500 days'],
    ['replicas expiring while locked', { objectLock: { days: 30 }, expirationDays: 10 }, {},
      'expirationDays is 10; allowed: at least 30 days (objectLock.days), or undefined (replicas never expire)'],
    ['a region not known at synthesis', {}, { region: '${Token[AWS.Region.1]}' }, 'env.region is "${Token[AWS.Region.1]}"; allowed: a region such as eu-central-1 known at synthesis'],
  ])('refuses %s', (_name, overrides, environment, message) => {
    expect(() => planOffsiteBackupBucket({ ...OPTIONS, ...overrides }, { ...ENV, ...environment })).toThrow(`Offsite/Bucket: ${message}`);
  });
});
