import { findBlueprintDatabase } from '../../../src/core/aws/postgres-backup-blueprint';
import { BackupTier } from '../../../src/core/policy/backup-tier';

const policy = BackupTier.BRONZE.policy();
const databases = [
  { serverId: 'orders', databaseName: 'app', label: 'orders/app', policy, rpoHours: 26 },
  { serverId: 'billing', databaseName: 'app', label: 'billing/app', policy, rpoHours: 26 },
];

describe('a protected database of a blueprint, by server and database name', () => {
  test('is the one of that server, not the same name on another', () => {
    expect(findBlueprintDatabase(databases, 'billing', 'app').label).toBe('billing/app');
  });

  test.each([['orders', 'ledger'], ['ledger', 'app']])('%s/%s, which the blueprint does not protect, is an error naming both', (serverId, databaseName) => {
    expect(() => findBlueprintDatabase(databases, serverId, databaseName)).toThrow(`the blueprint protects no database ${databaseName} on ${serverId}`);
  });
});
