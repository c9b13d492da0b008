import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump, ScheduledPgDumpProps } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { SelfHostedPitrArchive } from '../../../src/pulumi/aws/self-hosted-pitr-archive';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const OFFSITE = {
  destinationBucketArn: 'arn:aws:s3:::orders-backups-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const BASE: ScheduledPgDumpProps = {
  vpcId: 'vpc-0123',
  subnetIds: ['subnet-a', 'subnet-b'],
  database: PostgresDatabase.fromSecret({
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-orders-AbCdEf',
    host: 'orders.cluster-x.eu-west-1.rds.amazonaws.com',
    securityGroupId: 'sg-db',
    postgresMajorVersion: 16,
    managed: true,
  }),
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
  databaseNames: ['orders'],
  dump: { retentionDays: 45 },
  replication: OFFSITE,
};

async function deployDump(props: Partial<ScheduledPgDumpProps> = {}): Promise<ScheduledPgDump> {
  const dump = new ScheduledPgDump('orders', { ...BASE, ...props });
  await Promise.all([
    valueOf(dump.urn), ...dump.alarms.map((alarm) => valueOf(alarm.arn)), valueOf(dump.backupBucket.replicationConfiguration!.id),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return dump;
}

function replicationAlarms(): Array<Record<string, any>> {
  return engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').map((alarm) => alarm.inputs)
    .filter((inputs) => ['OperationsFailedReplication', 'ReplicationLatency'].includes(inputs.metricName));
}

describe('ScheduledPgDump with replication to a bucket in another region', () => {
  test('the dump bucket replicates every object to the destination with the replica key, delete markers not replicated', async () => {
    await deployDump();
    const configuration = engine.named('aws:s3/bucketReplicationConfig:BucketReplicationConfig', 'orders-backups-replication').inputs;
    expect(configuration.bucket).toBe(engine.named('aws:s3/bucket:Bucket', 'orders-backups-bucket').id);
    expect(configuration.rules).toEqual([{
      id: 'offsite-copy',
      priority: 0,
      status: 'Enabled',
      filter: { prefix: '' },
      deleteMarkerReplication: { status: 'Disabled' },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
      destination: {
        bucket: OFFSITE.destinationBucketArn,
        encryptionConfiguration: { replicaKmsKeyId: OFFSITE.replicaKmsKeyArn },
        replicationTime: { status: 'Enabled', time: { minutes: 15 } },
        metrics: { status: 'Enabled', eventThreshold: { minutes: 15 } },
      },
    }]);
    expect(engine.named('aws:s3/bucketVersioning:BucketVersioning', 'orders-backups-versioning').inputs.versioningConfiguration).toEqual({ status: 'Enabled' });
  });

  test('the replication role is assumed by S3, reads the source, writes only into the destination and never deletes', async () => {
    const dump = await deployDump();
    const bucketArn = await valueOf(dump.bucketArn);
    const role = engine.named('aws:iam/role:Role', 'orders-backups-replication-role').inputs;
    expect(JSON.parse(role.assumeRolePolicy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const statements = engine.roleStatements('orders-backups-replication-role');
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: bucketArn },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
        Resource: `${bucketArn}/*`,
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/orders-backups-key' },
      { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateTags'], Resource: `${OFFSITE.destinationBucketArn}/*` },
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: [OFFSITE.replicaKmsKeyArn] },
    ]);
  });

  test('failed and late replication page through the topic, dimensioned by source, destination and rule', async () => {
    const dump = await deployDump();
    const bucketName = await valueOf(dump.bucketName);
    const alarms = replicationAlarms();
    expect(alarms.map((alarm) => [alarm.metricName, alarm.statistic, alarm.threshold, alarm.treatMissingData])).toEqual([
      ['OperationsFailedReplication', 'Sum', 1, 'notBreaching'],
      ['ReplicationLatency', 'Maximum', 900, 'notBreaching'],
    ]);
    for (const alarm of alarms) {
      expect(alarm.dimensions).toEqual({ SourceBucket: bucketName, DestinationBucket: 'orders-backups-offsite', RuleId: 'offsite-copy' });
      expect(alarm.alarmActions).toEqual([await valueOf(dump.notificationTopicArn)]);
    }
  });

  test('a given bucket cannot be replicated by the component, naming the prop', () => {
    expect(() => new ScheduledPgDump('orders', { ...BASE, bucket: { bucketName: 'given', bucketArn: 'arn:aws:s3:::given' } }))
      .toThrow(/replication is "arn:aws:s3:::orders-backups-offsite"; allowed: undefined when a bucket is given/);
  });
});

describe('SelfHostedPitrArchive with replication to another account', () => {
  test('the archive bucket replicates to the other account, which owns the replicas, and its alarms watch the archive bucket', async () => {
    const archive = new SelfHostedPitrArchive('orders', {
      clusterName: 'orders', postgresMajorVersion: 15, replication: { ...OFFSITE, destinationAccount: '210987654321' },
    });
    await Promise.all([
      valueOf(archive.urn), ...archive.alarms.map((alarm) => valueOf(alarm.arn)), valueOf(archive.archive.replicationConfiguration!.id),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    const rule = engine.named('aws:s3/bucketReplicationConfig:BucketReplicationConfig', 'orders-archive-replication').inputs.rules[0];
    expect(rule).toMatchObject({
      deleteMarkerReplication: { status: 'Disabled' },
      destination: { bucket: OFFSITE.destinationBucketArn, account: '210987654321', accessControlTranslation: { owner: 'Destination' } },
    });
    const destinationObjects = engine.roleStatements('orders-archive-replication-role')
      .find((statement) => statement.Resource === `${OFFSITE.destinationBucketArn}/*`);
    expect(destinationObjects.Action).toEqual(['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner']);
    const bucketName = await valueOf(archive.bucketName);
    expect(replicationAlarms().map((alarm) => alarm.dimensions.SourceBucket)).toEqual([bucketName, bucketName]);
  });
});
