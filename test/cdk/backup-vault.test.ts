import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import { BackupNotifications, PostgresBackupVault } from '../../src/cdk';

describe('PostgresBackupVault', () => {
  test('sends the events given to the topic', () => {
    const stack = new Stack();
    new PostgresBackupVault(stack, 'Vault', {
      notifications: new BackupNotifications(stack, 'Alerts'),
      notificationEvents: [backup.BackupVaultEvents.COPY_JOB_FAILED, backup.BackupVaultEvents.RECOVERY_POINT_MODIFIED],
    });
    const [vault] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'));
    expect(vault.Properties.Notifications.BackupVaultEvents).toEqual(['COPY_JOB_FAILED', 'RECOVERY_POINT_MODIFIED']);
  });

  test('refuses an event AWS Backup no longer sends, which would leave the topic silent', () => {
    const stack = new Stack();
    expect(() => new PostgresBackupVault(stack, 'Vault', {
      notifications: new BackupNotifications(stack, 'Alerts'),
      notificationEvents: [backup.BackupVaultEvents.RESTORE_JOB_FAILED],
    })).toThrow('Default/Vault: notificationEvents[0] is "RESTORE_JOB_FAILED"; allowed: an event AWS Backup still sends: RESTORE_JOB_COMPLETED');
  });

  test('refuses events without a topic instead of dropping them', () => {
    expect(() => new PostgresBackupVault(new Stack(), 'Vault', { notificationEvents: [backup.BackupVaultEvents.COPY_JOB_FAILED] }))
      .toThrow('notificationEvents is ["COPY_JOB_FAILED"]; allowed: no events without a notification topic');
  });

  test('refuses an account allowed to copy in that is not an account id, and takes one known at deploy time', () => {
    const stack = new Stack();
    const vault = new PostgresBackupVault(stack, 'Vault');
    expect(() => vault.allowCopiesFromAccount('12345')).toThrow('Default/Vault: allowCopiesFromAccount(account) is "12345"; allowed: a 12-digit AWS account id');
    vault.allowCopiesFromAccount(stack.account);
    vault.allowCopiesFromAccount('210987654321');
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'));
    const statements = resource.Properties.AccessPolicy.Statement;
    expect(statements).toHaveLength(3);
    expect(statements[1].Principal.AWS['Fn::Join'][1]).toContainEqual({ Ref: 'AWS::AccountId' });
    expect(statements[2].Sid).toBe('AllowCopyFrom210987654321');
  });
});
