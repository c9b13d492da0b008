import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps } from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const BACKUP_PLAN = { rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 35 }, { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365 }] };

async function deploy(props: Partial<ManagedPostgresBackupPlanProps>): Promise<ManagedPostgresBackupPlan> {
  const plan = new ManagedPostgresBackupPlan('orders', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders', kind: 'instance' }), backupPlan: BACKUP_PLAN, ...props,
  });
  await Promise.all([valueOf(plan.urn), valueOf(plan.plan.arn), ...(plan.airGappedVault ? [valueOf(plan.airGappedVault.arn)] : [])]);
  await new Promise((resolve) => setImmediate(resolve));
  return plan;
}

test('Pulumi ManagedPostgresBackupPlan with airGappedCopy creates the vault with the range of its copies, and every rule copies into it', async () => {
  const plan = await deploy({ airGappedCopy: { vaultName: 'orders-air-gapped' } });
  expect(engine.named('aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault', 'orders-air-gapped-vault').inputs)
    .toEqual({ name: 'orders-air-gapped', minRetentionDays: 35, maxRetentionDays: 365 });
  const vaultArn = await valueOf(plan.airGappedVault!.arn);
  const rules = engine.named('aws:backup/plan:Plan', 'orders-plan').inputs.rules;
  expect(rules.map((rule: any) => [rule.ruleName, rule.copyActions])).toEqual([
    ['daily', [{ destinationVaultArn: vaultArn, lifecycle: { deleteAfter: 35 } }]],
    ['monthly', [{ destinationVaultArn: vaultArn, lifecycle: { deleteAfter: 365 } }]],
  ]);
});

test('Pulumi ManagedPostgresBackupPlan without airGappedCopy creates no air-gapped vault', async () => {
  const plan = await deploy({});
  expect(plan.airGappedVault).toBeUndefined();
  expect(engine.ofType('aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault')).toEqual([]);
});

test('an air-gapped copy kept under the vault\'s minimum is refused before any resource is created, naming the option', () => {
  expect(() => new ManagedPostgresBackupPlan('bad', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance' }),
    backupPlan: BACKUP_PLAN,
    airGappedCopy: { retentionDays: 20, minRetentionDays: 30 },
  })).toThrow('airGappedCopy.retentionDays is 20; allowed: 30 to 30 days');
  expect(engine.ofType('aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault')).toEqual([]);
});
