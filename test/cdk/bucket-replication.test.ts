import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { actionsOf, databaseStack, minimalDumpProps, statementsOfRole } from './stacks';
import { ScheduledPgDump, SelfHostedPitrArchive } from '../../src/cdk';

const OFFSITE = {
  destinationBucketArn: 'arn:aws:s3:::orders-backups-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};


describe('ScheduledPgDump with replication to a bucket in another region', () => {
  let template: Template;
  let statements: any[];

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStack();
    new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), dump: { retentionDays: 45 }, replication: OFFSITE });
    template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('DumpBackupsReplicationRole'))!;
    statements = statementsOfRole(template, roleId);
  });

  test('the dump bucket replicates every object to the destination with the replica key, delete markers not replicated', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')).filter((bucket) => bucket.Properties.ReplicationConfiguration);
    expect(buckets).toHaveLength(1);
    const bucket = buckets[0].Properties;
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rule = bucket.ReplicationConfiguration.Rules[0];
    expect(rule).toMatchObject({
      Id: 'offsite-copy',
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: OFFSITE.destinationBucketArn,
        EncryptionConfiguration: { ReplicaKmsKeyID: OFFSITE.replicaKmsKeyArn },
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      },
    });
    expect(bucket.ReplicationConfiguration.Role['Fn::GetAtt'][0]).toMatch(/^DumpBackupsReplicationRole/);
  });

  test('the replication role is assumed by S3 only', () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('DumpBackupsReplicationRole'))![1];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
    ]);
  });

  test('the replication role writes only into the destination, never deletes, and encrypts only with the replica key', () => {
    const onDestination = statements.filter((statement) => JSON.stringify(statement.Resource).includes('orders-backups-offsite'));
    expect(onDestination.map((statement) => [statement.Resource, actionsOf(statement)])).toEqual([
      [`${OFFSITE.destinationBucketArn}/*`, ['s3:ReplicateObject', 's3:ReplicateTags']],
    ]);
    const onReplicaKey = statements.filter((statement) => statement.Resource === OFFSITE.replicaKmsKeyArn);
    expect(onReplicaKey.flatMap(actionsOf)).toEqual(['kms:Encrypt', 'kms:GenerateDataKey']);
    expect(statements.flatMap(actionsOf).filter((action) => /Delete/.test(action))).toEqual([]);
  });

  test('the replication role reads the source bucket\'s versions and decrypts them with the source key only', () => {
    const decrypt = statements.find((statement) => actionsOf(statement).includes('kms:Decrypt'));
    expect(JSON.stringify(decrypt.Resource)).toMatch(/DumpBackupsKey/);
    const versions = statements.find((statement) => actionsOf(statement).includes('s3:GetObjectVersionForReplication'));
    expect(JSON.stringify(versions.Resource)).toMatch(/DumpBackupsBucket.*\/\*/);
  });

  test('failed and late replication page through the construct\'s topic, both dimensioned by source, destination and rule', () => {
    for (const [metricName, threshold, statistic] of [['OperationsFailedReplication', 1, 'Sum'], ['ReplicationLatency', 900, 'Maximum']] as const) {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.MetricName === metricName);
      expect(alarms).toHaveLength(1);
      const alarm = alarms[0].Properties;
      expect(alarm).toMatchObject({ Namespace: 'AWS/S3', Threshold: threshold, Statistic: statistic, TreatMissingData: 'notBreaching' });
      const dimensions = Object.fromEntries(alarm.Dimensions.map((dimension: any) => [dimension.Name, dimension.Value]));
      expect(dimensions.DestinationBucket).toBe('orders-backups-offsite');
      expect(dimensions.RuleId).toBe('offsite-copy');
      expect(JSON.stringify(dimensions.SourceBucket)).toMatch(/DumpBackupsBucket/);
      expect(JSON.stringify(alarm.AlarmActions)).toMatch(/NotificationsTopic/);
    }
  });
});

describe('SelfHostedPitrArchive with replication to another account', () => {
  let template: Template;

  beforeAll(() => {
    const stack = new Stack(new App(), 'Pitr', { env: { account: '123456789012', region: 'eu-west-1' } });
    new SelfHostedPitrArchive(stack, 'Archive', {
      clusterName: 'orders', postgresMajorVersion: 15, replication: { ...OFFSITE, destinationAccount: '210987654321' },
    });
    template = Template.fromStack(stack);
  });

  test('the archive bucket replicates WAL and base backups to the other account, which owns the replicas', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')).filter((bucket) => bucket.Properties.ReplicationConfiguration);
    expect(buckets).toHaveLength(1);
    expect(buckets[0].Properties.ReplicationConfiguration.Rules[0]).toMatchObject({
      DeleteMarkerReplication: { Status: 'Disabled' },
      Destination: { Bucket: OFFSITE.destinationBucketArn, Account: '210987654321', AccessControlTranslation: { Owner: 'Destination' } },
    });
  });

  test('its replication role may hand the replicas to the destination owner', () => {
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ArchiveReplicationRole'))!;
    const actions = statementsOfRole(template, roleId).filter((statement) => statement.Resource === `${OFFSITE.destinationBucketArn}/*`).flatMap(actionsOf);
    expect(actions).toEqual(['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner']);
  });

  test('failed and late replication of the archive alarm on the archive bucket', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((alarm) => ['OperationsFailedReplication', 'ReplicationLatency'].includes(alarm.Properties.MetricName));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) expect(JSON.stringify(alarm.Properties.Dimensions)).toMatch(/ArchiveBucket/);
  });
});

describe('replication is refused where it cannot be set', () => {
  test('on a bucket the user gives, naming the prop', () => {
    const { stack, vpc, instance } = databaseStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Given', 'given-backups');
    expect(() => new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), bucket, replication: OFFSITE }))
      .toThrow(/replication is "arn:aws:s3:::orders-backups-offsite"; allowed: undefined when a bucket is given/);
  });

  test('a destination that expires replicas before the dumps expire', () => {
    const { stack, vpc, instance } = databaseStack();
    expect(() => new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), replication: { ...OFFSITE, destinationExpirationDays: 7 } }))
      .toThrow(/Dump: replication\.destinationExpirationDays is 7; allowed: at least 30 days \(the source keeps dumps 30 days\)/);
  });
});

describe('ScheduledPgDump with Object Lock replicating into an Object Lock destination', () => {
  test('the locked bucket replicates with a role that reads each version\'s retention and legal hold, as S3 requires', () => {
    const { stack, vpc, instance } = databaseStack();
    new ScheduledPgDump(stack, 'Dump', {
      ...minimalDumpProps(vpc, instance),
      dump: { retentionDays: 45 },
      objectLock: { mode: 'compliance', days: 14 },
      replication: { ...OFFSITE, destinationObjectLock: { mode: 'compliance', days: 14 } },
    });
    const template = Template.fromStack(stack);
    const source = Object.values(template.findResources('AWS::S3::Bucket')).find((bucket) => bucket.Properties.ReplicationConfiguration)!.Properties;
    expect(source).toMatchObject({ ObjectLockEnabled: true, VersioningConfiguration: { Status: 'Enabled' } });
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('DumpBackupsReplicationRole'))!;
    const reads = statementsOfRole(template, roleId).find((statement) => actionsOf(statement).includes('s3:GetObjectVersionForReplication'));
    expect(actionsOf(reads)).toEqual(expect.arrayContaining(['s3:GetObjectRetention', 's3:GetObjectLegalHold']));
    expect(JSON.stringify(reads.Resource)).toMatch(/DumpBackupsBucket.*\/\*/);
  });

  test('a locked bucket replicating into a destination without Object Lock is refused, naming replication.destinationObjectLock', () => {
    const { stack, vpc, instance } = databaseStack();
    expect(() => new ScheduledPgDump(stack, 'Dump', {
      ...minimalDumpProps(vpc, instance),
      dump: { retentionDays: 45 },
      objectLock: { mode: 'compliance', days: 14 },
      replication: OFFSITE,
    })).toThrow(/replication\.destinationObjectLock is undefined; allowed: the destination bucket's Object Lock, at least compliance 14 days/);
  });
});
