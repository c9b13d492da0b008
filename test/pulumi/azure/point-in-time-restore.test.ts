import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID, valueOf } from './azure-mocks';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { PointInTimeRestore, PointInTimeRestoreProps, serverNameAndGroupOf } from '../../../src/pulumi/azure/point-in-time-restore';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const SOURCE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/data/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db`;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const BASE: PointInTimeRestoreProps = { resourceGroupName: 'recovery', serverName: 'orders-db-restored', sourceServerId: SOURCE_ID, restorePointInTime: hoursAgo(2) };

describe('PointInTimeRestore', () => {
  test('creates a new server from the source at the restore point', async () => {
    engine.servers['data/orders-db'] = { backupRetentionDays: 7, earliestRestoreDate: hoursAgo(24 * 7) };
    const time = hoursAgo(3);
    const restore = new PointInTimeRestore('orders-restore', { ...BASE, restorePointInTime: time });
    expect(await valueOf(restore.host)).toBe('orders-db-restored.postgres.database.azure.com');
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders-restore').inputs).toMatchObject({
      resourceGroupName: 'recovery',
      serverName: 'orders-db-restored',
      createMode: 'PointInTimeRestore',
      sourceServerResourceId: SOURCE_ID,
      pointInTimeUTC: time,
    });
  });

  test('a geo-restore reads the paired region\'s copy into a server in that region', async () => {
    engine.servers['data/orders-db'] = { backupRetentionDays: 14, geoRedundantBackup: 'Enabled', earliestRestoreDate: hoursAgo(24 * 14) };
    const restore = new PointInTimeRestore('orders-geo', { ...BASE, geoRestore: true, location: 'northeurope', geoRedundantBackup: true });
    await valueOf(restore.server.id);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders-geo').inputs).toMatchObject({
      createMode: 'GeoRestore', location: 'northeurope', backup: { backupRetentionDays: 7, geoRedundantBackup: 'Enabled' },
    });
  });

  test('with the source retention given, the window is checked at once without reading the source', async () => {
    // engine.servers is empty: reading the source would fail the restore point and the server with it.
    const time = hoursAgo(24 * 30);
    const restore = new PointInTimeRestore('orders-restore', { ...BASE, sourceBackupRetentionDays: 35, restorePointInTime: time });
    await valueOf(restore.server.id);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders-restore').inputs.pointInTimeUTC).toBe(time);
  });

  test.each<[string, Partial<PointInTimeRestoreProps>, RegExp]>([
    ['a time before the retention window', { sourceBackupRetentionDays: 7, restorePointInTime: hoursAgo(24 * 8) },
      /restorePointInTime is "[^"]+"; allowed: a time from \S+ to \S+ \(the source server keeps 7 days of backups\)/],
    ['a time in the future', { sourceBackupRetentionDays: 7, restorePointInTime: hoursAgo(-1) }, /\(a restore point cannot be in the future\)/],
    ['a time that is not UTC', { restorePointInTime: '2026-11-24 10:00' }, /restorePointInTime is "2026-11-24 10:00"; allowed: an ISO-8601 time in UTC with seconds/],
    ['a geo-restore of the last hour', { geoRestore: true, restorePointInTime: hoursAgo(0.5) }, /lags up to 1 hour/],
    ['a source retention Azure does not have', { sourceBackupRetentionDays: 3 }, /sourceBackupRetentionDays is 3; allowed: an integer from 7 to 35 days/],
  ])('rejects %s before creating the server', (_, props, message) => {
    let thrown: unknown;
    try {
      new PointInTimeRestore('orders-restore', { ...BASE, ...props });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    expect((thrown as Error).message).toMatch(message);
  });

  test('serverNameAndGroupOf reads a flexible server id and rejects anything else', () => {
    expect(serverNameAndGroupOf(SOURCE_ID)).toEqual({ resourceGroupName: 'data', serverName: 'orders-db' });
    expect(() => serverNameAndGroupOf('orders-db')).toThrow('sourceServerId is "orders-db"; allowed: the id of a flexible server');
  });
});
