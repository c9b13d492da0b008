import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { fromCloudFormation, fromPulumi, permissions } from './normalize';
import * as cdk from '../../src/cdk';
import * as pulumiAws from '../../src/pulumi/aws';
import { databaseStack } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks, valueOf } from '../pulumi/aws/aws-mocks';
import { validationErrorOf } from '../support/validation-cases';

/** An offsite bucket in another region with Object Lock, and the dump bucket replicated into it in one line. */
const OFFSITE = {
  bucketName: 'orders-backups-offsite-eu-central-1',
  replicationRoleNames: ['orders-dumps-replication'],
  objectLock: { mode: 'compliance' as const, days: 30 },
  expirationDays: 400,
};
const ENV = { account: '123456789012', region: 'eu-central-1' };
const engine = new AwsMockEngine({ attributeStyle: 'opaque' });
installAwsMocks(engine);

let cfnOffsite: Record<string, { Type: string; Properties: any }>;
let cfnSource: Record<string, { Type: string; Properties: any }>;
let cdkPlan: cdk.OffsiteBackupBucket['plan'];
let pulumiOffsite: pulumiAws.OffsiteBackupBucket;

beforeAll(async () => {
  const { stack, vpc, instance } = databaseStack();
  const offsiteStack = new Stack(stack.node.root as App, 'Offsite', { env: ENV });
  const offsite = new cdk.OffsiteBackupBucket(offsiteStack, 'Offsite', OFFSITE);
  cdkPlan = offsite.plan;
  new cdk.ScheduledPgDump(stack, 'Dump', {
    vpc,
    database: cdk.PostgresDatabase.fromInstance(instance),
    databaseNames: ['orders'],
    image: ecs.ContainerImage.fromRegistry('example.com/pg-backup:16'),
    objectLock: { mode: 'governance', days: 14 },
    replication: offsite.replicationFor('orders-dumps-replication'),
  });
  cfnOffsite = Template.fromStack(offsiteStack).toJSON().Resources;
  cfnSource = Template.fromStack(stack).toJSON().Resources;

  pulumiOffsite = new pulumiAws.OffsiteBackupBucket('offsite', { ...OFFSITE, ...ENV });
  const pulumiDump = new pulumiAws.ScheduledPgDump('dump', {
    vpcId: 'ref~vpc~id',
    subnetIds: ['ref~private-a~id'],
    database: pulumiAws.PostgresDatabase.fromSecret({
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf', securityGroupId: 'sg-0123456789abcdef0', postgresMajorVersion: 16,
    }),
    databaseNames: ['orders'],
    image: 'example.com/pg-backup:16',
    objectLock: { mode: 'governance', days: 14 },
    replication: pulumiOffsite.replicationFor('orders-dumps-replication'),
  });
  await Promise.all([
    valueOf(pulumiOffsite.backupBucket.bucketPolicy!.id), valueOf(pulumiOffsite.encryptionKey.arn), valueOf(pulumiDump.taskFailedRule.arn),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
}, 300_000);

function cfnOf(resources: typeof cfnOffsite, type: string): any[] {
  return Object.values(resources).filter((resource) => resource.Type === type).map((resource) => resource.Properties);
}

/** The statements about replication and deleting replicas, the ones the offsite bucket adds to what every backup bucket has. */
function offsiteStatements(statements: any[]): any[] {
  return statements.filter((statement) => [statement.Action].flat()
    .some((action: string) => /Replicate|GetBucketVersioning|DeleteObjectVersion/.test(action)));
}

describe('OffsiteBackupBucket: CDK and Pulumi', () => {
  test('both decide the same plan', () => {
    expect(pulumiOffsite.plan).toEqual(cdkPlan);
  });

  test('the bucket has the same name, Object Lock and lifecycle', () => {
    const bucket = cfnOf(cfnOffsite, 'AWS::S3::Bucket').find((properties) => properties.BucketName === OFFSITE.bucketName);
    expect(engine.named('aws:s3/bucket:Bucket', 'offsite-bucket-bucket').inputs).toMatchObject({ bucket: OFFSITE.bucketName, objectLockEnabled: true });
    expect(bucket.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 30 });
    expect(engine.named('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration', 'offsite-bucket-object-lock').inputs.rule.defaultRetention)
      .toEqual({ mode: 'COMPLIANCE', days: 30 });
    const pulumiRule = engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'offsite-bucket-lifecycle').inputs.rules[0];
    expect(pulumiRule).toMatchObject({ id: 'expire-replicas', expiration: { days: 400 }, noncurrentVersionExpiration: { noncurrentDays: 1 } });
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Id: 'expire-replicas', ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 1 } });
  });

  test('the bucket policy lets the same roles replicate, denies replication to anybody else and deleting to everybody', () => {
    const cdkStatements = offsiteStatements(cfnOf(cfnOffsite, 'AWS::S3::BucketPolicy')
      .flatMap((properties) => fromCloudFormation(properties.PolicyDocument.Statement)));
    const pulumiPolicy = JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'offsite-bucket-policy').inputs.policy);
    const pulumiStatements = offsiteStatements(fromPulumi(pulumiPolicy.Statement));
    expect(permissions(pulumiStatements)).toEqual(permissions(cdkStatements));
    expect(permissions(cdkStatements).filter((grant) => grant.startsWith('Allow') && /Delete/.test(grant))).toEqual([]);
  });

  test('the key has the same alias and lets the same roles encrypt', () => {
    expect(cfnOf(cfnOffsite, 'AWS::KMS::Alias')[0].AliasName).toBe(engine.named('aws:kms/alias:Alias', 'offsite-key-alias').inputs.name);
    const replicating = (statements: any[]) => statements.filter((statement) => statement.Sid === 'AllowReplicationRolesToEncryptReplicas');
    const cdkKey = replicating(fromCloudFormation(cfnOf(cfnOffsite, 'AWS::KMS::Key')[0].KeyPolicy.Statement));
    const pulumiKey = replicating(fromPulumi(JSON.parse(engine.named('aws:kms/key:Key', 'offsite-key').inputs.policy).Statement));
    expect(permissions(pulumiKey)).toEqual(permissions(cdkKey));
    expect(cdkKey).toHaveLength(1);
  });

  test('the source\'s replication role has the physical name the offsite bucket lets replicate, and may use the key by its alias', () => {
    const cdkRole = cfnOf(cfnSource, 'AWS::IAM::Role').find((properties) => properties.RoleName === 'orders-dumps-replication');
    expect(cdkRole).toBeDefined();
    expect(engine.named('aws:iam/role:Role', 'dump-backups-replication-role').inputs.name).toBe('orders-dumps-replication');
    const keyGrant = 'Allow kms:Encrypt on arn:aws:kms:eu-central-1:123456789012:key/* if {"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/orders-backups-offsite-eu-central-1"}}';
    expect(permissions(fromPulumi(engine.roleStatements('dump-backups-replication-role')))).toContain(keyGrant);
    const cdkRoleStatements = Object.values(cfnSource).filter((resource) => resource.Type === 'AWS::IAM::Policy'
      && JSON.stringify(resource.Properties.Roles).includes('ReplicationRole')).flatMap((resource) => fromCloudFormation(resource.Properties.PolicyDocument.Statement));
    expect(permissions(cdkRoleStatements)).toContain(keyGrant);
  });

  test('a source that keeps dumps longer than the offsite bucket keeps replicas is refused naming the offsite bucket\'s expirationDays, in both', () => {
    const tooShort = { ...OFFSITE, objectLock: undefined, expirationDays: 7 };
    const { stack, vpc, instance } = databaseStack();
    const cdkOffsite = new cdk.OffsiteBackupBucket(new Stack(stack.node.root as App, 'ShortOffsite', { env: ENV }), 'Offsite', tooShort);
    const cdkError = validationErrorOf(() => new cdk.ScheduledPgDump(stack, 'Dump', {
      vpc,
      database: cdk.PostgresDatabase.fromInstance(instance),
      databaseNames: ['orders'],
      image: ecs.ContainerImage.fromRegistry('example.com/pg-backup:16'),
      replication: cdkOffsite.replicationFor('orders-dumps-replication'),
    }));
    const pulumiShort = new pulumiAws.OffsiteBackupBucket('short-offsite', { ...tooShort, ...ENV });
    const pulumiError = validationErrorOf(() => new pulumiAws.ScheduledPgDump('short-dump', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a'],
      image: 'example.com/pg-backup:16',
      databaseNames: ['orders'],
      database: pulumiAws.PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf', postgresMajorVersion: 16 }),
      replication: pulumiShort.replicationFor('orders-dumps-replication'),
    }));
    const allowed = 'is 7; allowed: at least 30 days (the source keeps dumps 30 days), or undefined (replicas never expire) (the offsite copy would vanish before the source copy)';
    expect(cdkError.message.split('\n').slice(1)).toEqual([`  - Backups/Dump: OffsiteBackupBucket ShortOffsite/Offsite expirationDays ${allowed}`]);
    expect(pulumiError.message.split('\n').slice(1)).toEqual([`  - short-dump: OffsiteBackupBucket short-offsite expirationDays ${allowed}`]);
  });
});
