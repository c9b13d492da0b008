import { notificationTopicPolicy, publishingServices } from '../../../src/core/aws/backup-notifications';
import { vaultAccessPolicy } from '../../../src/core/aws/backup-vault';

describe('vaultAccessPolicy', () => {
  test('without an admin role nobody is exempt from the deletion Deny', () => {
    const [deny] = vaultAccessPolicy(false);
    expect(deny).toEqual({
      sid: 'DenyRecoveryPointDeletion',
      effect: 'Deny',
      principal: 'anyone',
      actions: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      resources: [{ arn: '*' }],
    });
  });

  test('an admin role is exempt by its ARN, which the front end fills in', () => {
    const [deny] = vaultAccessPolicy(true);
    expect(deny.conditions).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': { ref: 'admin-role' } } });
  });

  test('each copying account may copy recovery points in, its root left to the environment\'s partition', () => {
    const statements = vaultAccessPolicy(false, ['210987654321', '111122223333']);
    expect(statements.slice(1)).toEqual(['210987654321', '111122223333'].map((account) => ({
      sid: `AllowCopyFrom${account}`,
      effect: 'Allow',
      principal: { account },
      actions: ['backup:CopyIntoBackupVault'],
      resources: [{ arn: '*' }],
    })));
  });
});

describe('notificationTopicPolicy', () => {
  test('TLS only, and every publishing service but CloudWatch is allowed to publish to the topic', () => {
    const statements = notificationTopicPolicy(publishingServices(['backup.amazonaws.com', 'events.amazonaws.com']));
    expect(statements[0]).toMatchObject({ sid: 'AllowPublishThroughSSLOnly', effect: 'Deny', conditions: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(statements.slice(1).map((statement) => [statement.sid, statement.principal])).toEqual([
      ['1', { service: 'events.amazonaws.com' }],
      ['2', { service: 'backup.amazonaws.com' }],
    ]);
  });
});
