import {
  automatedBackupArguments, reportedManagedSettings, resolveManagedDatabase,
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

describe('a managed database as core resolves it', () => {
  test.each([
    { named: 'none' as const, key: 'a key', expected: 'none' },
    { named: undefined, key: 'a key', expected: 'customer-managed-key' },
    { named: undefined, key: undefined, expected: 'unknown' },
  ])('imported, encryption named $named, key $key: $expected', ({ named, key, expected }) => {
    expect(resolveManagedDatabase({ kind: 'instance', storageEncryption: named, storageEncryptionKey: key }).storageEncryption).toBe(expected);
  });

  test.each([
    { kind: 'instance' as const, storage: { storageEncrypted: undefined }, expected: 'none' },
    { kind: 'aurora-cluster' as const, storage: { storageEncrypted: undefined }, expected: 'aws-managed-key' },
    { kind: 'instance' as const, storage: { storageEncrypted: true }, expected: 'aws-managed-key' },
    { kind: 'instance' as const, storage: { storageEncrypted: true, kmsKeyId: 'key-id' }, expected: 'customer-managed-key' },
    { kind: 'instance' as const, storage: { storageEncrypted: { Ref: 'Encrypted' } }, expected: 'unknown' },
  ])('defined here, $kind with $storage: $expected', ({ kind, storage, expected }) => {
    expect(resolveManagedDatabase({ kind, storage }).storageEncryption).toBe(expected);
  });

  test('a database named by identifier only is PostgreSQL on port 5432, its drill checks the postgres database, its major unknown', () => {
    expect(resolveManagedDatabase({ kind: 'aurora-cluster' })).toEqual({
      kind: 'aurora-cluster',
      backupResourceType: 'Aurora',
      engineFamily: 'POSTGRESQL',
      postgresMajorVersion: undefined,
      storageEncryption: 'unknown',
      port: 5432,
      databaseName: 'postgres',
    });
  });

  test('a database defined here keeps the engine family its construct names, or none; its major is read from the engine version', () => {
    const resolved = resolveManagedDatabase({ kind: 'instance', storage: { storageEncrypted: true }, engineVersion: '16.4', port: 5433, databaseName: 'orders' });
    expect(resolved).toMatchObject({ backupResourceType: 'RDS', engineFamily: undefined, postgresMajorVersion: 16, port: 5433, databaseName: 'orders' });
  });

  test('a named major wins over the engine version', () => {
    expect(resolveManagedDatabase({ kind: 'instance', engineVersion: '15', postgresMajorVersion: 16 }).postgresMajorVersion).toBe(16);
  });
});
