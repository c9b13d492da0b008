import { Template } from 'aws-cdk-lib/assertions';
import { databaseStack } from './stacks';
import { ManagedPostgresBackupPlan, ManagedPostgresDatabase } from '../../src/cdk';

/** Daily kept 35 days and monthly kept a year, copied into an air-gapped vault. */
function airGappedStack() {
  const { stack, instance } = databaseStack();
  const plan = new ManagedPostgresBackupPlan(stack, 'Backups', {
    database: ManagedPostgresDatabase.fromInstance(instance),
    backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'monthly', frequency: 'monthly', retentionDays: 365 }] },
    airGappedCopy: { vaultName: 'orders-air-gapped' },
  });
  return { plan, template: Template.fromStack(stack) };
}

describe('ManagedPostgresBackupPlan with a copy into a logically air-gapped vault', () => {
  const { plan, template } = airGappedStack();

  test('creates the vault with the retention range spanning the rules\' copies, kept when the stack is deleted', () => {
    const vaults = template.findResources('AWS::Backup::LogicallyAirGappedBackupVault');
    expect(Object.values(vaults)).toEqual([{
      Type: 'AWS::Backup::LogicallyAirGappedBackupVault',
      Properties: { BackupVaultName: 'orders-air-gapped', MinRetentionDays: 35, MaxRetentionDays: 365 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    }]);
    expect(plan.airGappedVault).toBeDefined();
  });

  test('every rule copies its recovery points into the vault, kept as long as the rule keeps its own', () => {
    const vaultId = Object.keys(template.findResources('AWS::Backup::LogicallyAirGappedBackupVault'))[0];
    const rules = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    expect(rules.map((rule: any) => [rule.RuleName, rule.CopyActions])).toEqual([
      ['daily', [{ DestinationBackupVaultArn: { 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }, Lifecycle: { DeleteAfterDays: 35 } }]],
      ['monthly', [{ DestinationBackupVaultArn: { 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }, Lifecycle: { DeleteAfterDays: 365 } }]],
    ]);
  });
});

test('a plan without airGappedCopy creates no air-gapped vault', () => {
  const { stack, instance } = databaseStack();
  new ManagedPostgresBackupPlan(stack, 'Backups', { database: ManagedPostgresDatabase.fromInstance(instance) });
  Template.fromStack(stack).resourceCountIs('AWS::Backup::LogicallyAirGappedBackupVault', 0);
});

test('an air-gapped vault whose maximum is below a rule\'s retention is refused, naming both', () => {
  const { stack, instance } = databaseStack();
  expect(() => new ManagedPostgresBackupPlan(stack, 'Backups', {
    database: ManagedPostgresDatabase.fromInstance(instance),
    backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365 }] },
    airGappedCopy: { maxRetentionDays: 100 },
  })).toThrow('backupPlan.rules[0].retentionDays is 365; allowed: 100 to 100 days, the retention range of the logically air-gapped vault');
});
