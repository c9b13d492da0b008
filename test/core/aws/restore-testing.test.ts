import { planManagedPostgresBackupPlan } from '../../../src/core/aws/managed-postgres-backup-plan';
import { RestoreTestingOptions, planRestoreTesting, restoreTestingName } from '../../../src/core/aws/restore-testing';

const FACTS = { kind: 'instance' as const, storageEncryption: 'customer-managed-key' as const, current: {}, createdVaultSettings: false, name: 'Stack/Backups' };

describe('planRestoreTesting', () => {
  test('by default restores the latest snapshot of the last 7 days weekly, Monday 06:00 UTC, and keeps it one hour', () => {
    const planned = planRestoreTesting({}, 'instance', false, 'Backups');
    expect(planned.plan).toEqual({
      name: 'Backups',
      scheduleExpression: 'cron(0 6 ? * MON *)',
      startWindowHours: 24,
      algorithm: 'LATEST_WITHIN_WINDOW',
      recoveryPointTypes: ['SNAPSHOT'],
      selectionWindowDays: 7,
    });
    expect(planned.selection).toEqual({ name: 'Backups_database', protectedResourceType: 'RDS', restoreMetadataOverrides: undefined, validationWindowHours: 1 });
  });

  test('isolates the restored database with the subnet group and security groups given, as AWS Backup\'s overrides', () => {
    const planned = planRestoreTesting({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-1', 'sg-2'] }, 'aurora-cluster', false, 'Backups');
    expect(planned.selection.restoreMetadataOverrides).toEqual({ dbSubnetGroupName: 'isolated' });
    // Given as they are: each front end writes the JSON list with its own stringify, deploy-time ids included.
    expect(planned.selection.restoredSecurityGroupIds).toEqual(['sg-1', 'sg-2']);
    expect(planned.selection.protectedResourceType).toBe('Aurora');
  });

  test('a random point within the window is chosen on request, and continuous recovery points count when the plan has them', () => {
    const planned = planRestoreTesting({ recoveryPoint: 'random' }, 'instance', true, 'Backups');
    expect(planned.plan.algorithm).toBe('RANDOM_WITHIN_WINDOW');
    expect(planned.plan.recoveryPointTypes).toEqual(['SNAPSHOT', 'CONTINUOUS']);
  });

  test('names are made of letters, digits and underscores, at most 50', () => {
    expect(restoreTestingName('Stack/Backups-orders.db')).toBe('Stack_Backups_orders_db');
    expect(restoreTestingName('x'.repeat(60))).toHaveLength(50);
  });
});

describe('restore testing options of a managed backup plan', () => {
  test('are planned with the plan, named after the construct', () => {
    const planned = planManagedPostgresBackupPlan({ restoreTesting: {} }, FACTS, { construct: 'Backups' });
    expect(planned.restoreTesting?.plan.name).toBe('Stack_Backups');
    expect(planManagedPostgresBackupPlan({}, FACTS, {}).restoreTesting).toBeUndefined();
  });

  test.each([
    ['a selection window over a year', { selectionWindowDays: 400 }, 'Backups: restoreTesting.selectionWindowDays is 400; allowed: an integer from 1 to 365 days'],
    ['a start window of no hours', { startWindowHours: 0 }, 'Backups: restoreTesting.startWindowHours is 0; allowed: an integer from 1 to 168 hours'],
    ['a validation window over a week', { validationWindowHours: 200 }, 'Backups: restoreTesting.validationWindowHours is 200; allowed: an integer from 0 to 168 hours'],
    ['an unknown recovery point choice', { recoveryPoint: 'oldest' }, 'Backups: restoreTesting.recoveryPoint is "oldest"; allowed: "latest" or "random"'],
    ['an empty list of security groups', { vpcSecurityGroupIds: [] }, 'Backups: restoreTesting.vpcSecurityGroupIds is []; allowed: one or more security group ids, or unset'],
  ])('refuse %s, naming the option', (_, restoreTesting, message) => {
    expect(() => planManagedPostgresBackupPlan({ restoreTesting: restoreTesting as RestoreTestingOptions }, FACTS, { construct: 'Backups' })).toThrow(message);
  });

  // A restore test chooses among the recovery points of the last SelectionWindowDays (AWS Backup API reference,
  // RestoreTestingPlanForCreate): a window shorter than the plan's gaps leaves most tests nothing to restore.
  const MONTHLY = { rules: [{ name: 'monthly', frequency: 'monthly' as const, retentionDays: 365 }] };
  const WEEKLY = { rules: [{ name: 'weekly', frequency: 'weekly' as const, retentionDays: 90 }] };

  test('refuse a selection window shorter than the gap between the plan\'s recovery points', () => {
    expect(() => planManagedPostgresBackupPlan({ backupPlan: MONTHLY, restoreTesting: {} }, FACTS, { construct: 'Backups' })).toThrow(
      'Backups: restoreTesting.selectionWindowDays is 7; allowed: an integer from 31 to 365 days (backupPlan: rules[0], its most frequent rule, '
      + 'makes a recovery point only every 31 days) (a restore test chooses among the recovery points of its window',
    );
    expect(() => planManagedPostgresBackupPlan({ backupPlan: { rules: [{ name: 'weekly', frequency: 'weekly', retentionDays: 90 }] }, restoreTesting: { selectionWindowDays: 6 } }, FACTS, {}))
      .toThrow('restoreTesting.selectionWindowDays is 6; allowed: an integer from 7 to 365 days');
  });

  test.each<[string, Parameters<typeof planManagedPostgresBackupPlan>[0]]>([
    ['a window as long as the weekly gap', { backupPlan: WEEKLY, restoreTesting: { selectionWindowDays: 7 }, rpoHours: 168 }],
    ['a monthly rule beside a daily one', { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, ...MONTHLY.rules] }, restoreTesting: {} }],
    ['continuous backup, which always has a recovery point', { backupPlan: { ...WEEKLY, continuousBackupRetentionDays: 14 }, restoreTesting: { selectionWindowDays: 1 }, rpoHours: 168 }],
    ['the default daily plan', { restoreTesting: { selectionWindowDays: 1 } }],
  ])('accept %s', (_, options) => {
    expect(planManagedPostgresBackupPlan(options, FACTS, {}).restoreTesting?.plan).toBeDefined();
  });
});
