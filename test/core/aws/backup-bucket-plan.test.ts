import { BACKUP_KEY_DESCRIPTION, BackupBucketEnvironment, BackupBucketOptions, planBackupBucket, replicationGrantLocations } from '../../../src/core/aws/backup-bucket';
import { BucketReplicationPlan } from '../../../src/core/aws/bucket-replication';
import { PolicyValidationError } from '../../../src/core/policy/validation';

const RULES = [{ id: 'expire-dumps', prefix: 'pg-dumps/', expirationDays: 35, noncurrentVersionExpirationDays: 1 }];
const CREATED: BackupBucketEnvironment = {
  givenBucket: false, deleters: { breakGlass: false, prune: false, archivers: false }, validation: { construct: 'Backups' },
};
const GIVEN: BackupBucketEnvironment = { ...CREATED, givenBucket: true };
const REPLICATION = { destinationBucketArn: 'arn:aws:s3:::acme-pg-offsite' } as BucketReplicationPlan;

function problemOf(options: BackupBucketOptions, environment: BackupBucketEnvironment): string {
  try {
    planBackupBucket(options, environment);
  } catch (error) {
    if (error instanceof PolicyValidationError) return error.message;
    throw error;
  }
  throw new Error('the plan was accepted');
}

describe('planBackupBucket', () => {
  test('a created bucket gets the lifecycle rules, a rotating key description and the delete Deny for everybody', () => {
    const plan = planBackupBucket({ lifecycleRules: RULES }, CREATED);
    expect(plan.keyDescription).toBe(BACKUP_KEY_DESCRIPTION);
    expect(plan.lifecycle.Rules.map((rule) => rule.Id)).toEqual(['expire-dumps']);
    const deny = plan.policy.find((statement) => statement.sid === 'DenyDeletingBackups');
    expect(deny).toMatchObject({ effect: 'Deny', principal: 'anyone', actions: ['s3:DeleteObject*'] });
    expect(deny?.conditions).toBeUndefined();
  });

  test('only the prune role is exempted from the delete Deny when it is the one deleter', () => {
    const plan = planBackupBucket({ lifecycleRules: RULES }, { ...CREATED, deleters: { breakGlass: false, prune: true, archivers: false } });
    const deny = plan.policy.find((statement) => statement.sid === 'DenyDeletingBackups');
    expect(deny?.conditions).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': { ref: 'prune-role' } } });
  });

  test.each<[string, BackupBucketOptions, BackupBucketEnvironment, RegExp]>([
    ['Object Lock on a given bucket', { objectLock: { days: 7 } }, GIVEN, /objectLock.*undefined when a bucket is given/s],
    ['replication of a given bucket', { replication: REPLICATION }, GIVEN, /replication.*acme-pg-offsite.*undefined when a bucket is given/s],
    ['a created bucket without lifecycle rules or a prefix', {}, CREATED, /lifecycleRules.*lifecycle rules/s],
  ])('refuses %s, naming the prop, the value and what is allowed', (_name, options, environment, message) => {
    const problem = problemOf(options, environment);
    expect(problem).toMatch(/Backups/);
    expect(problem).toMatch(message);
  });

  test('a created bucket given the prefix of the dumps expires them after the dump policy\'s retention under that prefix', () => {
    const plan = planBackupBucket({ prefix: 'pg-dumps', dump: { retentionDays: 45 } }, CREATED);
    expect(plan.lifecycle.Rules).toContainEqual(expect.objectContaining({ Prefix: 'pg-dumps/', ExpirationInDays: 45 }));
  });

  test('lifecycle rules given with the prefix are the bucket\'s lifecycle, and the prefix is still checked', () => {
    expect(planBackupBucket({ prefix: 'pg-dumps', lifecycleRules: RULES }, CREATED).lifecycle.Rules.map((rule) => rule.Id)).toEqual(['expire-dumps']);
    expect(problemOf({ prefix: 'pg dumps/', lifecycleRules: RULES }, CREATED)).toMatch(/prefix.*pg dumps/s);
  });

  test('a given bucket needs no lifecycle rules: it keeps its own', () => {
    expect(() => planBackupBucket({}, GIVEN)).not.toThrow();
  });
});

describe('replicationGrantLocations', () => {
  test('the replication role acts on the source bucket, its objects and key, and the destination\'s objects and key by alias', () => {
    const plan = {
      destinationBucketArn: 'arn:aws:s3:::offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:alias/offsite',
    } as BucketReplicationPlan;
    expect(replicationGrantLocations(plan)).toEqual({
      'replication-source-bucket': { bucket: {} },
      'replication-source-objects': { objects: '*' },
      'replication-source-key': 'key',
      'replication-destination-objects': { arns: 'arn:aws:s3:::offsite/*' },
      'replication-destination-key': {
        arns: ['arn:aws:kms:eu-central-1:111122223333:key/*'], conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/offsite' } },
      },
    });
  });
});
