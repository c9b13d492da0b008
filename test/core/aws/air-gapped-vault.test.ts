import { airGappedVaultName } from '../../../src/core/aws/air-gapped-vault';
import { ManagedPostgresBackupPlanOptions, planManagedPostgresBackupPlan } from '../../../src/core/aws/managed-postgres-backup-plan';

const FACTS = { kind: 'instance' as const, storageEncryption: 'customer-managed-key' as const, current: {}, createdVaultSettings: false, name: 'StackBackups1A2B3C4D' };
/** Daily kept 35 days, monthly kept a year, continuous backup kept 14 days. */
const BACKUP_PLAN = {
  rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 35 }, { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365 }],
  continuousBackupRetentionDays: 14,
};

const plan = (options: ManagedPostgresBackupPlanOptions) => planManagedPostgresBackupPlan(options, FACTS, { construct: 'Backups' });

describe('a copy into a logically air-gapped vault', () => {
  test('copies every rule\'s recovery points last, each kept as long as its rule keeps its own, into a vault whose range spans them', () => {
    const planned = plan({ backupPlan: BACKUP_PLAN, copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr', retentionDays: 90 }], airGappedCopy: {} });
    expect(planned.backupRules.map((rule) => [rule.name, rule.copies])).toEqual([
      ['daily', [{ vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr', deleteAfterDays: 90 }, { airGapped: true, deleteAfterDays: 35 }]],
      ['monthly', [{ vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr', deleteAfterDays: 90 }, { airGapped: true, deleteAfterDays: 365 }]],
      ['continuous', [{ vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr', deleteAfterDays: 90 }, { airGapped: true, deleteAfterDays: 14 }]],
    ]);
    expect(planned.airGappedVault).toEqual({ name: 'StackBackups1A2B3C4D-air-gapped', minRetentionDays: 14, maxRetentionDays: 365 });
    expect(planned.protection.copies).toEqual(['region eu-central-1', 'logically air-gapped vault']);
  });

  test('keeps every copy retentionDays when given, in the vault range given', () => {
    const planned = plan({ backupPlan: BACKUP_PLAN, airGappedCopy: { vaultName: 'orders-lag', retentionDays: 90, minRetentionDays: 30, maxRetentionDays: 400 } });
    expect(planned.backupRules.flatMap((rule) => rule.copies)).toEqual([
      { airGapped: true, deleteAfterDays: 90 }, { airGapped: true, deleteAfterDays: 90 }, { airGapped: true, deleteAfterDays: 90 },
    ]);
    expect(planned.airGappedVault).toEqual({ name: 'orders-lag', minRetentionDays: 30, maxRetentionDays: 400 });
  });

  test('a vault\'s range defaults to the copies\' retentions, and a default bound follows the other bound given', () => {
    const daily = { rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 10 }] };
    expect(plan({ backupPlan: daily, airGappedCopy: {} }).airGappedVault).toMatchObject({ minRetentionDays: 10, maxRetentionDays: 10 });
    const range = (airGappedCopy: object) => plan({ backupPlan: daily, airGappedCopy }).airGappedVault;
    expect(range({ maxRetentionDays: 3650 })).toMatchObject({ minRetentionDays: 10, maxRetentionDays: 3650 });
    expect(range({ minRetentionDays: 7 })).toMatchObject({ minRetentionDays: 7, maxRetentionDays: 10 });
  });

  test('a rule kept under 7 days cannot be copied into the vault without a longer retentionDays', () => {
    expect(() => plan({ backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 5 }] }, airGappedCopy: {} }))
      .toThrow('backupPlan.rules[0].retentionDays is 5; allowed: 7 to 7 days');
    expect(plan({ backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 5 }] }, airGappedCopy: { retentionDays: 7 } }).airGappedVault)
      .toMatchObject({ minRetentionDays: 7, maxRetentionDays: 7 });
  });

  test('says that continuous backups are copied as snapshots', () => {
    expect(plan({ backupPlan: BACKUP_PLAN, airGappedCopy: {} }).notes.continuousCopies).toContain('Copies of continuous backups are snapshots');
  });

  test('a plan without it creates no vault and copies nothing', () => {
    const planned = plan({ backupPlan: BACKUP_PLAN });
    expect(planned.airGappedVault).toBeUndefined();
    expect(planned.backupRules.flatMap((rule) => rule.copies)).toEqual([]);
  });

  test('vault names are made of letters, digits, - and _, at most 50', () => {
    expect(airGappedVaultName('Stack/Backups.orders')).toBe('Stack-Backups-orders-air-gapped');
    expect(airGappedVaultName('x'.repeat(60))).toHaveLength(50);
  });

  test.each([
    ['a minimum under 7 days', { minRetentionDays: 6 }, 'airGappedCopy.minRetentionDays is 6; allowed: an integer from 7 to 36500 days'],
    ['a maximum over 100 years', { maxRetentionDays: 36501 }, 'airGappedCopy.maxRetentionDays is 36501; allowed: an integer from 7 to 36500 days'],
    ['a copy retention under 7 days', { retentionDays: 3 }, 'airGappedCopy.retentionDays is 3; allowed: an integer from 7 to 36500 days'],
    ['a maximum below the minimum', { minRetentionDays: 400, maxRetentionDays: 100 },
      'airGappedCopy.maxRetentionDays is 100; allowed: at least airGappedCopy.minRetentionDays, 400 days'],
    ['a rule kept longer than the maximum', { maxRetentionDays: 100 }, 'backupPlan.rules[1].retentionDays is 365; allowed: 14 to 100 days, '
      + 'the retention range of the logically air-gapped vault (airGappedCopy.minRetentionDays and maxRetentionDays), '
      + 'which AWS Backup requires of every copy into it; or set airGappedCopy.retentionDays'],
    ['continuous backup kept shorter than the minimum', { minRetentionDays: 30 }, 'backupPlan.continuousBackupRetentionDays is 14; allowed: 30 to 365 days'],
    ['a copy retention above the maximum', { retentionDays: 500, maxRetentionDays: 400 }, 'airGappedCopy.retentionDays is 500; allowed: 400 to 400 days'],
    ['a copy retention below the minimum', { retentionDays: 20, minRetentionDays: 30 }, 'airGappedCopy.retentionDays is 20; allowed: 30 to 30 days'],
    ['a vault name with a dot', { vaultName: 'orders.lag' }, 'airGappedCopy.vaultName is "orders.lag"; allowed: 2 to 50 letters, digits, - and _'],
  ])('%s is refused, naming the option', (_case, airGappedCopy, message) => {
    expect(() => plan({ backupPlan: BACKUP_PLAN, airGappedCopy })).toThrow(message);
  });
});
