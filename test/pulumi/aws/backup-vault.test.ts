import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { BackupNotifications } from '../../../src/pulumi/aws/backup-notifications';
import { PostgresBackupVault } from '../../../src/pulumi/aws/backup-vault';

// A program in the China partition: every ARN the components write must name it.
const engine = new AwsMockEngine({ calls: { 'aws:index/getPartition:getPartition': () => ({ partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', id: 'aws-cn' }) } });
installAwsMocks(engine);
beforeEach(() => engine.reset());

async function statementsOf(output: { id: unknown }, type: string, name: string): Promise<any[]> {
  await valueOf(output.id as never);
  await new Promise((resolve) => setImmediate(resolve));
  return JSON.parse(engine.named(type, name).inputs.policy).Statement;
}

describe('PostgresBackupVault in another partition', () => {
  test('an account allowed to copy recovery points in is named by its root in the environment\'s partition', async () => {
    const vault = new PostgresBackupVault('copies', { allowCopiesFromAccounts: ['210987654321'] });
    const statements = await statementsOf(vault.accessPolicy, 'aws:backup/vaultPolicy:VaultPolicy', 'copies-access-policy');
    expect(statements[1]).toEqual({
      Sid: 'AllowCopyFrom210987654321',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws-cn:iam::210987654321:root' },
      Action: 'backup:CopyIntoBackupVault',
      Resource: '*',
    });
  });

  test('the notification key lets the account\'s IAM policies decide, by its root in the environment\'s partition', async () => {
    const notifications = new BackupNotifications('alerts');
    await valueOf(notifications.topicArn);
    await new Promise((resolve) => setImmediate(resolve));
    const key = JSON.parse(engine.named('aws:kms/key:Key', 'alerts-key').inputs.policy).Statement;
    expect(key[0].Principal).toEqual({ AWS: 'arn:aws-cn:iam::123456789012:root' });
  });
});

describe('PostgresBackupVault notifications and copying accounts', () => {
  test('sends the events given to the topic, as the CDK vault does', async () => {
    const vault = new PostgresBackupVault('alerted', {
      notificationTopicArn: 'arn:aws-cn:sns:cn-north-1:123456789012:alerts',
      notificationEvents: ['COPY_JOB_FAILED', 'RECOVERY_POINT_MODIFIED'],
    });
    await valueOf(vault.backupVaultArn);
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.named('aws:backup/vaultNotifications:VaultNotifications', 'alerted-notifications').inputs.backupVaultEvents)
      .toEqual(['COPY_JOB_FAILED', 'RECOVERY_POINT_MODIFIED']);
  });

  test('refuses an account allowed to copy in that is not an account id', () => {
    expect(() => new PostgresBackupVault('copies', { allowCopiesFromAccounts: ['210987654321', '12345'] }))
      .toThrow('copies: allowCopiesFromAccounts[1] is "12345"; allowed: a 12-digit AWS account id');
  });
});
