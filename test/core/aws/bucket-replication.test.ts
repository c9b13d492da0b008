import {
  REPLICATION_RULE_ID, planBucketReplication, planScheduledPgDump, planSelfHostedPitrArchive, renderS3ReplicationConfiguration,
} from '../../../src/core/aws';
import {
  BucketReplicationOptions, REPLICA_PRUNE_IAM_ACTIONS, checkBucketReplication, planReplicaPrune, replicaKeyGrantScope, replicaPruneDestinationPolicy,
  ReplicatedBucket,
} from '../../../src/core/aws/bucket-replication';
import { Validator } from '../../../src/core/policy/validation';

const OFFSITE: BucketReplicationOptions = {
  destinationBucketArn: 'arn:aws:s3:::orders-backups-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const SOURCE: ReplicatedBucket = {
  path: 'replication',
  contents: 'dumps',
  lifecycleRules: [{ id: 'expire-dumps', prefix: 'pg-dumps/', expirationDays: 45 }],
  sourceBucket: 'backup-bucket',
};

function problems(options: BucketReplicationOptions, source: ReplicatedBucket = SOURCE): string[] {
  const validator = new Validator({ construct: 'Backups/Dump' });
  checkBucketReplication(validator, options, source);
  return validator.issues.map((issue) => `${issue.path} is ${JSON.stringify(issue.value)}; allowed: ${issue.allowed}`);
}

describe('the offsite copy of a backup bucket', () => {
  const plan = planBucketReplication(OFFSITE, SOURCE);
  const rule = (renderS3ReplicationConfiguration(plan, 'arn:aws:iam::123456789012:role/replication') as any).Rules[0];

  test('replicates every object, KMS-encrypted ones included, into the replica key', () => {
    expect(rule).toMatchObject({
      Id: REPLICATION_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: { Bucket: OFFSITE.destinationBucketArn, EncryptionConfiguration: { ReplicaKmsKeyID: OFFSITE.replicaKmsKeyArn } },
    });
  });

  test('never replicates delete markers, and the role may not replicate deletes', () => {
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
    const actions = plan.roleGrants.flatMap((group) => group.actions);
    expect(actions).not.toContain('s3:ReplicateDelete');
    expect(actions.filter((action) => /Delete/.test(action))).toEqual([]);
  });

  test('turns on Replication Time Control and replication metrics by default', () => {
    expect(rule.Destination.ReplicationTime).toEqual({ Status: 'Enabled', Time: { Minutes: 15 } });
    expect(rule.Destination.Metrics).toEqual({ Status: 'Enabled', EventThreshold: { Minutes: 15 } });
  });

  test('without Replication Time Control keeps the metrics the alarms read', () => {
    const withoutRtc = renderS3ReplicationConfiguration(planBucketReplication({ ...OFFSITE, replicationTimeControl: false }, SOURCE), 'role') as any;
    expect(withoutRtc.Rules[0].Destination.ReplicationTime).toBeUndefined();
    expect(withoutRtc.Rules[0].Destination.Metrics.Status).toBe('Enabled');
  });

  test('hands replicas in another account to that account, and only then lets the role override the owner', () => {
    expect(rule.Destination.Account).toBeUndefined();
    expect(plan.roleGrants.flatMap((group) => group.actions)).not.toContain('s3:ObjectOwnerOverrideToBucketOwner');
    const crossAccount = planBucketReplication({ ...OFFSITE, destinationAccount: '210987654321' }, SOURCE);
    const destination = (renderS3ReplicationConfiguration(crossAccount, 'role') as any).Rules[0].Destination;
    expect(destination).toMatchObject({ Account: '210987654321', AccessControlTranslation: { Owner: 'Destination' } });
    expect(crossAccount.roleGrants.find((group) => group.resource === 'replication-destination-objects')!.actions)
      .toEqual(['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner']);
  });

  test('the role reads the source and writes the destination, each group on its own kind of resource', () => {
    expect(Object.fromEntries(plan.roleGrants.map((group) => [group.resource, group.actions]))).toEqual({
      'replication-source-bucket': ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      'replication-source-objects': [
        's3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold',
      ],
      'replication-source-key': ['kms:Decrypt'],
      'replication-destination-objects': ['s3:ReplicateObject', 's3:ReplicateTags'],
      'replication-destination-key': ['kms:Encrypt', 'kms:GenerateDataKey'],
    });
  });

  test('alarms on any failed replication and on replication later than the latency limit, silence meaning nothing pending', () => {
    const [failed, late] = plan.alarms;
    expect(failed).toMatchObject({
      metric: { namespace: 'AWS/S3', metricName: 'OperationsFailedReplication', statistic: 'Sum', dimensions: { RuleId: REPLICATION_RULE_ID } },
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    expect(late).toMatchObject({
      metric: { metricName: 'ReplicationLatency', statistic: 'Maximum' },
      threshold: 900,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    expect(planBucketReplication({ ...OFFSITE, latencyAlarmMinutes: 60 }, SOURCE).alarms[1].threshold).toBe(3600);
  });

  test('a created destination keeps replicas as long as the source keeps its backups, or as long as asked', () => {
    expect(plan.destinationLifecycleRules[0].expirationDays).toBe(45);
    expect(planBucketReplication({ ...OFFSITE, destinationExpirationDays: 400 }, SOURCE).destinationLifecycleRules[0].expirationDays).toBe(400);
    expect(planBucketReplication(OFFSITE, { ...SOURCE, lifecycleRules: [] }).destinationLifecycleRules[0].expirationDays).toBeUndefined();
  });
});

describe('bad replication options are refused with the prop, the value and the allowed range', () => {
  const cases: Array<{ name: string; options: Partial<BucketReplicationOptions>; message: RegExp }> = [
    { name: 'a destination that is not a bucket ARN', options: { destinationBucketArn: 'orders-offsite' }, message: /^replication\.destinationBucketArn is "orders-offsite"; allowed: the ARN of a bucket/ },
    { name: 'a missing destination', options: { destinationBucketArn: undefined }, message: /^replication\.destinationBucketArn is undefined; allowed: the ARN of a bucket/ },
    { name: 'a replica key that is not a KMS ARN', options: { replicaKmsKeyArn: 'alias/backups' }, message: /^replication\.replicaKmsKeyArn is "alias\/backups"; allowed: the ARN of a KMS key or alias in the destination's region/ },
    { name: 'a missing replica key', options: { replicaKmsKeyArn: undefined }, message: /^replication\.replicaKmsKeyArn is undefined; allowed: the ARN of a KMS key in the destination's region/ },
    { name: 'an account id of 11 digits', options: { destinationAccount: '21098765432' }, message: /^replication\.destinationAccount is "21098765432"; allowed: a 12-digit AWS account id/ },
    { name: 'a latency alarm of 0 minutes', options: { latencyAlarmMinutes: 0 }, message: /^replication\.latencyAlarmMinutes is 0; allowed: an integer from 1 to 1440 minutes/ },
    {
      name: 'a destination that expires replicas before the source expires its backups',
      options: { destinationExpirationDays: 30 },
      message: /^replication\.destinationExpirationDays is 30; allowed: at least 45 days \(the source keeps dumps 45 days\), or undefined \(replicas never expire\)/,
    },
  ];
  test.each(cases)('$name', ({ options, message }) => {
    const found = problems({ ...OFFSITE, ...options } as BucketReplicationOptions);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test('good options pass', () => {
    expect(problems({ ...OFFSITE, destinationAccount: '210987654321', destinationExpirationDays: 45, latencyAlarmMinutes: 30 })).toEqual([]);
  });
});

describe('the constructs plan the offsite copy of their buckets', () => {
  test('a ScheduledPgDump with replication plans it with the dump lifecycle, its alarms among the construct\'s, and records it as protection', () => {
    const plan = planScheduledPgDump({ postgresMajorVersion: 16, dump: { retentionDays: 45 }, replication: OFFSITE });
    expect(plan.replication?.destinationLifecycleRules[0].expirationDays).toBe(45);
    expect(plan.alarms.map((alarm) => alarm.id)).toEqual(expect.arrayContaining(['ReplicationFailedAlarm', 'ReplicationLatencyAlarm']));
    expect(plan.alarms.find((alarm) => alarm.id === 'ReplicationFailedAlarm')!.metric).toMatchObject({ dimensions: { SourceBucket: { resource: 'backup-bucket' } } });
    expect(plan.protection.replica).toEqual({ destination: `bucket ${OFFSITE.destinationBucketArn} (in eu-central-1)` });
  });

  test('a ScheduledPgDump refuses an offsite copy that expires before its dumps do, naming the prop', () => {
    const replication = { ...OFFSITE, destinationExpirationDays: 10 };
    expect(() => planScheduledPgDump({ postgresMajorVersion: 16, dump: { retentionDays: 45 }, replication }, { validation: { construct: 'Backups/Dump' } }))
      .toThrow(/Backups\/Dump: replication\.destinationExpirationDays is 10; allowed: at least 45 days/);
  });

  test('a SelfHostedPitrArchive with replication plans it on the archive bucket, its alarms on the archive bucket', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, replication: OFFSITE });
    expect(plan.bucket.backupBucket.replication?.destinationBucketArn).toBe(OFFSITE.destinationBucketArn);
    expect(plan.bucket.backupBucket.replication?.roleDescription).toMatch(/the WAL archive of orders/);
    const failed = plan.alarms.find((alarm) => alarm.id === 'ReplicationFailedAlarm')!;
    expect(failed.metric).toMatchObject({ dimensions: { SourceBucket: { resource: 'archive-bucket' }, DestinationBucket: { resource: 'replica-bucket' } } });
  });

  test('without replication nothing is planned', () => {
    expect(planScheduledPgDump({ postgresMajorVersion: 16 }).replication).toBeUndefined();
    expect(planSelfHostedPitrArchive({ postgresMajorVersion: 15 }).bucket.backupBucket.replication).toBeUndefined();
  });
});

describe('the Object Lock of the offsite copy', () => {
  const LOCKED: ReplicatedBucket = { ...SOURCE, objectLock: { path: 'objectLock', policy: { mode: 'governance', days: 14 } } };

  test('accepts a destination locked as long and as strictly, or longer and stricter', () => {
    expect(problems({ ...OFFSITE, destinationObjectLock: { mode: 'governance', days: 14 } }, LOCKED)).toEqual([]);
    expect(problems({ ...OFFSITE, destinationObjectLock: { mode: 'compliance', days: 30 } }, LOCKED)).toEqual([]);
  });

  test('accepts a locked destination behind a source without Object Lock', () => {
    expect(problems({ ...OFFSITE, destinationObjectLock: { mode: 'compliance', days: 30 } })).toEqual([]);
  });

  test.each<[string, BucketReplicationOptions['destinationObjectLock'], ReplicatedBucket, string]>([
    ['no stated Object Lock behind a locked source', undefined, LOCKED,
      'replication.destinationObjectLock is undefined; allowed: the destination bucket\'s Object Lock, at least governance 14 days (objectLock is governance 14 days)'],
    ['a shorter lock', { mode: 'governance', days: 7 }, LOCKED,
      'replication.destinationObjectLock.days is 7; allowed: at least 14 days (objectLock is governance 14 days; the offsite copy must stay locked at least as long)'],
    ['governance behind compliance', { mode: 'governance', days: 30 }, { ...SOURCE, objectLock: { path: 'immutability', policy: { mode: 'compliance', days: 7 } } },
      'replication.destinationObjectLock.mode is "governance"; allowed: compliance (immutability is compliance 7 days; the offsite copy must be locked at least as strictly)'],
    ['a lock of no days', { days: 0 }, SOURCE, 'replication.destinationObjectLock.days is 0; allowed: an integer from 1 to 36500 days'],
    ['an unknown mode', { mode: 'legal-hold' as never, days: 7 }, SOURCE, 'replication.destinationObjectLock.mode is "legal-hold"; allowed: one of: governance, compliance'],
  ])('refuses %s, naming the prop, the value and what is allowed', (_name, destinationObjectLock, source, message) => {
    expect(problems({ ...OFFSITE, destinationObjectLock }, source)).toEqual([message]);
  });

  test('ScheduledPgDump refuses replication from a locked dump bucket to a destination whose lock is not stated', () => {
    expect(() => planScheduledPgDump({ postgresMajorVersion: 16, objectLock: { mode: 'compliance', days: 10 }, replication: OFFSITE }))
      .toThrow('replication.destinationObjectLock is undefined; allowed: the destination bucket\'s Object Lock, at least compliance 10 days (objectLock is compliance 10 days)');
  });

  test('SelfHostedPitrArchive compares the destination\'s lock with its immutability', () => {
    expect(() => planSelfHostedPitrArchive({
      postgresMajorVersion: 15,
      pitr: { archiver: 'wal-g', expireBy: 'lifecycle' },
      immutability: { days: 7 },
      replication: { ...OFFSITE, destinationObjectLock: { days: 3 } },
    })).toThrow('replication.destinationObjectLock.days is 3; allowed: at least 7 days (immutability is governance 7 days');
  });
});

describe('the replica key named by its alias', () => {
  test('is granted on the keys of its account and region that carry the alias, since IAM never matches an alias ARN', () => {
    expect(replicaKeyGrantScope('arn:aws:kms:eu-central-1:123456789012:alias/pg-offsite')).toEqual({
      resources: ['arn:aws:kms:eu-central-1:123456789012:key/*'],
      condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/pg-offsite' } },
    });
  });

  test('a key ARN is granted as it is', () => {
    expect(replicaKeyGrantScope(OFFSITE.replicaKmsKeyArn)).toEqual({ resources: [OFFSITE.replicaKmsKeyArn] });
  });

  test('a role name that IAM refuses is named', () => {
    expect(problems({ ...OFFSITE, roleName: 'shop dumps' })).toEqual(['replication.roleName is "shop dumps"; allowed: an IAM role name: up to 64 letters, digits and +=,.@_-']);
  });
});

describe('replicaPruneDestinationPolicy: what the owner of a destination given by ARN adds so that the prune role may prune there', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/orders-prune';

  test.each([
    ['a key ARN', OFFSITE.replicaKmsKeyArn],
    ['an alias ARN', 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite'],
  ])('with the replica key given by %s: read and delete under the prefix, list only the prefix, decrypt with the key the policy belongs to', (_, key) => {
    const policy = replicaPruneDestinationPolicy(planReplicaPrune({ ...OFFSITE, replicaKmsKeyArn: key }, 'pg-dumps/orders'), ROLE);
    expect(policy).toEqual({
      bucketPolicyStatements: [
        {
          Sid: 'PgBackupPruneReplicas',
          Effect: 'Allow',
          Principal: { AWS: ROLE },
          Action: ['s3:GetObject', 's3:DeleteObject'],
          Resource: 'arn:aws:s3:::orders-backups-offsite/pg-dumps/orders/*',
        },
        {
          Sid: 'PgBackupPruneListReplicas',
          Effect: 'Allow',
          Principal: { AWS: ROLE },
          Action: ['s3:ListBucket'],
          Resource: 'arn:aws:s3:::orders-backups-offsite',
          Condition: { StringLike: { 's3:prefix': ['pg-dumps/orders/*'] } },
        },
      ],
      keyPolicyStatements: [{ Sid: 'PgBackupPruneDecryptReplicas', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt'], Resource: '*' }],
    });
  });

  test('names every action the prune role is granted at the destination, once, and no other', () => {
    const policy = replicaPruneDestinationPolicy(planReplicaPrune(OFFSITE, 'pg-dumps'), ROLE);
    const named = [...policy.bucketPolicyStatements, ...policy.keyPolicyStatements].flatMap((statement) => statement.Action);
    expect([...named].sort()).toEqual(REPLICA_PRUNE_IAM_ACTIONS.flatMap((group) => group.actions).sort());
    expect(new Set([...policy.bucketPolicyStatements, ...policy.keyPolicyStatements].map((statement) => statement.Sid)).size).toBe(3);
  });
});
