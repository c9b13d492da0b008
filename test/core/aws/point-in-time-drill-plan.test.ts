import { planSnapshotRestoreDrill } from '../../../src/core/aws/snapshot-restore-drill';

const database = { kind: 'aurora-cluster' as const, databaseName: 'orders', postgresMajorVersion: 16, hasSecret: true, checkFiles: [] };
const validation = { construct: 'Stack/Drill' };

describe('a snapshot restore drill with pointInTime', () => {
  test('plans the point-in-time drill: its metrics under Drill=point-in-time, the target lag in its definition', () => {
    const plan = planSnapshotRestoreDrill({ pointInTime: { targetLagMinutes: 90 } }, database, validation);
    expect(plan.drillKind).toBe('point-in-time');
    expect(plan.drill.definition.States['Wait target lag']).toMatchObject({ Type: 'Wait', Seconds: 5400 });
    expect(plan.drill.iamActions.find((group) => group.resource === 'rds-source')!.actions).toEqual(['rds:DescribeDBClusters', 'rds:RestoreDBClusterToPointInTime']);
  });

  test('hands the recovery point query and its bound to the checks task', () => {
    const plan = planSnapshotRestoreDrill({
      pointInTime: { recoveryPointQuery: 'SELECT max(updated_at) FROM orders', maxRecoveryPointGapMinutes: 15 },
    }, database, validation);
    expect(plan.checkCommand).toEqual(['pg-backup', 'check', '--max-recovery-point-gap', '15m']);
    expect(plan.checkEnvironment).toMatchObject({ PG_BACKUP_RECOVERY_POINT_QUERY: 'SELECT max(updated_at) FROM orders', PG_BACKUP_METRICS_NAMESPACE: 'PostgresBackup' });
  });

  test('without pointInTime the snapshot drill is planned as before', () => {
    const plan = planSnapshotRestoreDrill({}, database, validation);
    expect(plan.drillKind).toBe('snapshot');
    expect(plan.checkEnvironment).not.toHaveProperty('PG_BACKUP_METRICS_NAMESPACE');
  });

  test.each([
    { options: { pointInTime: { targetLagMinutes: -5 } }, message: /pointInTime\.targetLagMinutes is -5/ },
    { options: { pointInTime: { maxRecoveryPointGapMinutes: 5 } }, message: /pointInTime\.recoveryPointQuery is undefined/ },
    { options: { pointInTime: {}, snapshotType: 'manual' as const }, message: /snapshotType is "manual"; allowed: nothing with pointInTime/ },
  ])('rejects $options', ({ options, message }) => {
    expect(() => planSnapshotRestoreDrill(options, database, validation)).toThrow(message);
  });
});
