import {
  automatedBackupArguments, importedStorageEncryption, reportedManagedSettings,
} from '../../../src/core/aws/managed-postgres-database';

describe('the automated-backup arguments of a managed database', () => {
  test('an empty snapshot policy keeps 7 days, copies tags and takes a final snapshot, keeping automated backups', () => {
    expect(automatedBackupArguments({})).toEqual({
      backupRetentionPeriod: 7, copyTagsToSnapshot: true, deleteAutomatedBackups: false, skipFinalSnapshot: false,
    });
  });

  test('no final snapshot deletes automated backups and skips the final snapshot', () => {
    expect(automatedBackupArguments({ finalSnapshot: false })).toMatchObject({ deleteAutomatedBackups: true, skipFinalSnapshot: true });
  });

  test('the windows are given only when the policy names them', () => {
    const args = automatedBackupArguments({ backupRetentionDays: 14, preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' });
    expect(args).toMatchObject({ backupRetentionPeriod: 14, preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' });
  });

  test('the settings read back from the arguments are the policy it was given', () => {
    const policy = { backupRetentionDays: 10, preferredBackupWindow: '01:00-02:00', copyTagsToSnapshot: false, finalSnapshot: true };
    expect(reportedManagedSettings(automatedBackupArguments(policy))).toEqual({ ...policy, preferredMaintenanceWindow: undefined });
  });

  test.each([
    { deleteAutomatedBackups: true, skipFinalSnapshot: false },
    { deleteAutomatedBackups: false, skipFinalSnapshot: true },
    { deleteAutomatedBackups: undefined, skipFinalSnapshot: false },
  ])('a database with $deleteAutomatedBackups / $skipFinalSnapshot reports no final snapshot', (reported) => {
    expect(reportedManagedSettings(reported).finalSnapshot).toBe(false);
  });

  test('an empty window reported by the cloud is no window', () => {
    expect(reportedManagedSettings({ preferredBackupWindow: '' }).preferredBackupWindow).toBeUndefined();
  });
});

describe('the storage encryption of an imported database', () => {
  test.each([
    { named: 'none' as const, keyGiven: true, expected: 'none' },
    { named: undefined, keyGiven: true, expected: 'customer-managed-key' },
    { named: undefined, keyGiven: false, expected: 'unknown' },
  ])('named $named, key given $keyGiven: $expected', ({ named, keyGiven, expected }) => {
    expect(importedStorageEncryption(named, keyGiven)).toBe(expected);
  });
});
