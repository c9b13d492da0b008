import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BackupBucket } from '../../src/cdk';

function stackWithRole(): { stack: Stack; role: iam.Role } {
  const stack = new Stack(new App(), 'Stack');
  return { stack, role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }) };
}

describe('BackupBucket (CDK)', () => {
  test('a bucket given the prefix and dump policy expires the dumps under that prefix after the retention', () => {
    const { stack } = stackWithRole();
    new BackupBucket(stack, 'Exports', { prefix: 'exports', dump: { retentionDays: 45 } });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'exports/', ExpirationInDays: 45 })]) },
    });
  });

  test('a bucket planned without a prefix refuses a grant that names none, naming the construct, and grants one that names it', () => {
    const { stack, role } = stackWithRole();
    const bucket = new BackupBucket(stack, 'Exports', { lifecycleRules: [{ id: 'expire-exports', prefix: '', expirationDays: 30 }] });
    expect(() => bucket.grantReadBackups(role)).toThrow('BackupBucket Stack/Exports: name the prefix to grant or address, as the bucket was given none');
    bucket.grantReadBackups(role, 'exports');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) },
    });
  });
});
