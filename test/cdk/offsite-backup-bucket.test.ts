import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { OffsiteBackupBucket, PostgresDatabase, ScheduledPgDump } from '../../src/cdk';
import { replicationCostInputs } from '../../src/core/aws/bucket-replication';

const ROLES = ['shop-dumps-replication', 'orders-wal-replication'];

function offsiteStack(app: App, props: Partial<ConstructorParameters<typeof OffsiteBackupBucket>[2]> = {}) {
  const stack = new Stack(app, 'Offsite', { env: { account: '210987654321', region: 'eu-central-1' } });
  const offsite = new OffsiteBackupBucket(stack, 'Offsite', {
    bucketName: 'acme-pg-offsite-eu-central-1', replicationRoleNames: ROLES, sourceAccount: '123456789012', ...props,
  });
  return { stack, offsite, template: () => Template.fromStack(stack) };
}

describe('OffsiteBackupBucket', () => {
  test('creates a named, versioned, KMS-encrypted, public-access-blocked bucket with Object Lock and the replicas\' lifecycle', () => {
    const { template } = offsiteStack(new App(), { objectLock: { mode: 'compliance', days: 30 }, expirationDays: 400 });
    template().hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'acme-pg-offsite-eu-central-1',
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-replicas', ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })] },
    });
  });

  test('gives its own rotating key the alias the sources replicate into, and lets only the replication roles encrypt', () => {
    const { template } = offsiteStack(new App());
    template().hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/acme-pg-offsite-eu-central-1' });
    template().hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowReplicationRolesToEncryptReplicas',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Principal: { AWS: Match.anyValue() },
          Condition: { ArnEquals: { 'aws:PrincipalArn': ROLES.map((role) => `arn:aws:iam::123456789012:role/${role}`) } },
        })]),
      },
    });
  });

  test('lets only the replication roles replicate in, denies replication to anybody else, and denies deleting any replica', () => {
    const { template } = offsiteStack(new App());
    const roleArns = ROLES.map((role) => `arn:aws:iam::123456789012:role/${role}`);
    const statements = Object.values(template().findResources('AWS::S3::BucketPolicy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': roleArns } },
      }),
      expect.objectContaining({
        Sid: 'DenyReplicationByOthers', Effect: 'Deny', Principal: { AWS: '*' }, Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArns } },
      }),
      expect.objectContaining({
        Sid: 'DenyDeletingReplicas', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ReplicateDelete'],
      }),
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]));
    expect(statements.filter((statement: any) => statement.Effect === 'Allow').flatMap((statement: any) => [statement.Action].flat())
      .filter((action: string) => /Delete/.test(action))).toEqual([]);
  });

  test('wires a source in another region in one line: the named role replicates into the alias, granted by the alias', () => {
    const app = new App();
    const { offsite } = offsiteStack(app, { sourceAccount: undefined });
    const source = new Stack(app, 'Primary', { env: { account: '210987654321', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(source, 'Vpc');
    const instance = new rds.DatabaseInstance(source, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc,
    });
    new ScheduledPgDump(source, 'Dump', {
      vpc, database: PostgresDatabase.fromInstance(instance), databaseNames: ['shop'], replication: offsite.replicationFor('shop-dumps-replication'),
    });
    const template = Template.fromStack(source);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'shop-dumps-replication' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::acme-pg-offsite-eu-central-1',
            EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:eu-central-1:210987654321:alias/acme-pg-offsite-eu-central-1' },
          }),
        })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: 'arn:aws:kms:eu-central-1:210987654321:key/*',
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-pg-offsite-eu-central-1' } },
        }]),
      },
    });
  });

  test('a pruned source does not prune into it, and says its replicas are kept by its lifecycle: the bucket refuses every delete', () => {
    const app = new App();
    const { offsite } = offsiteStack(app, { sourceAccount: undefined, expirationDays: 800 });
    const source = new Stack(app, 'Primary', { env: { account: '210987654321', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(source, 'Vpc');
    const instance = new rds.DatabaseInstance(source, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc,
    });
    new ScheduledPgDump(source, 'Dump', {
      vpc,
      database: PostgresDatabase.fromInstance(instance),
      databaseNames: ['shop'],
      replication: offsite.replicationFor('shop-dumps-replication'),
      dump: { retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 } },
    });
    const template = Template.fromStack(source);
    const commands = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .map((schedule: any) => JSON.stringify(schedule.Properties.Target.Input));
    expect(commands.filter((command) => command.includes('prune'))).toHaveLength(1);
    expect(commands.filter((command) => command.includes('--replica'))).toEqual([]);
    // Nothing for its owner to add: the offsite bucket refuses deletes by design.
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.includes('ReplicaPruneDestinationPolicy'))).toEqual([]);
    const offsiteStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => JSON.stringify(statement.Resource).includes('acme-pg-offsite'));
    expect(offsiteStatements.flatMap((statement: any) => [statement.Action].flat()).filter((action: string) => /Delete/.test(action))).toEqual([]);
    const [protection] = source.node.findAll().flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'postgres-backup-constructs:protection' && (entry.data as any).kind === 'logical-dump')
      .map((entry) => entry.data as any);
    expect(protection.replica).toMatchObject({ expirationDays: 800 });
    expect(protection.replica.pruned).toBeUndefined();
    // A blueprint's estimate keeps every replica for the bucket's 800 days, not the prune's ~23.
    expect(replicationCostInputs(offsite.replicationFor('shop-dumps-replication'), [])).toMatchObject({ destinationExpirationDays: 800, prunedWithSource: false });
  });

  test('refuses a stack without an explicit env, naming the construct', () => {
    const stack = new Stack(new App(), 'Offsite');
    expect(() => new OffsiteBackupBucket(stack, 'Offsite', { bucketName: 'acme-pg-offsite', replicationRoleNames: ROLES }))
      .toThrow('Offsite/Offsite: env.account is "(unresolved)"; allowed: a 12-digit account id known at synthesis');
  });
});
