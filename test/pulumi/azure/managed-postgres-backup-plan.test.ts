import * as pulumi from '@pulumi/pulumi';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID, valueOf } from './azure-mocks';
import { formatIssue, PolicyValidationError, Validator } from '../../../src/core/policy/validation';
import { checkExistingServerBackup, flexibleServerBackupArgs } from '../../../src/pulumi/azure/flexible-server-backup';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps } from '../../../src/pulumi/azure/managed-postgres-backup-plan';
import { renderVaultBackupPolicy } from '../../../src/pulumi/azure/vault-backup-policy';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const SERVER_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/data/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db`;
const NEW_SERVER: ManagedPostgresBackupPlanProps = {
  resourceGroupName: 'data',
  serverName: 'orders-db',
  location: 'westeurope',
  createServer: { administratorLogin: 'orders_admin', administratorLoginPassword: pulumi.secret('not-a-real-password') },
};
const PLAN = {
  rules: [
    { name: 'daily', frequency: 'daily' as const, retentionDays: 30 },
    { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365 },
  ],
};

async function settle(plan: ManagedPostgresBackupPlan): Promise<void> {
  await Promise.all([
    valueOf(plan.serverId),
    ...(plan.server ? [valueOf(plan.server.id)] : []),
    ...(plan.backupInstance ? [valueOf(plan.backupInstance.id)] : []),
    ...(plan.alertProcessingRule ? [valueOf(plan.alertProcessingRule.id)] : []),
    ...plan.roleAssignments.map((assignment) => valueOf(assignment.id)),
  ]);
}

describe('ManagedPostgresBackupPlan on a server it creates', () => {
  test('creates the server with the retention and geo-redundant backup asked for', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupRetentionDays: 35, geoRedundantBackup: true, preferredMaintenanceWindow: 'sun:03:30-sun:04:30' });
    await settle(plan);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders').inputs).toMatchObject({
      resourceGroupName: 'data',
      serverName: 'orders-db',
      createMode: 'Create',
      version: '16',
      backup: { backupRetentionDays: 35, geoRedundantBackup: 'Enabled' },
      maintenanceWindow: { customWindow: 'Enabled', dayOfWeek: 0, startHour: 3, startMinute: 30 },
    });
    expect(await valueOf(plan.backupRetentionDays)).toBe(35);
  });

  test('defaults to seven days of backups kept in the region only, and no vault', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', NEW_SERVER);
    await settle(plan);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders').inputs.backup).toEqual({ backupRetentionDays: 7, geoRedundantBackup: 'Disabled' });
    expect(engine.ofType('azure-native:dataprotection:BackupVault')).toEqual([]);
    expect(plan.vault).toBeUndefined();
  });

  test.each([7, 21, 35])('accepts a retention of %i days', (days) => {
    expect(() => new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupRetentionDays: days })).not.toThrow();
  });

  test.each<[string, Partial<ManagedPostgresBackupPlanProps>, string]>([
    ['a retention under Azure\'s 7 days', { backupRetentionDays: 6 }, 'backupRetentionDays is 6; allowed: an integer from 7 to 35 days'],
    ['a retention over 35 days', { backupRetentionDays: 36 }, 'backupRetentionDays is 36; allowed: an integer from 7 to 35 days'],
    ['a fractional retention', { backupRetentionDays: 7.5 }, 'backupRetentionDays is 7.5; allowed: an integer from 7 to 35 days'],
    ['a backup window', { preferredBackupWindow: '01:00-02:00' }, 'preferredBackupWindow is "01:00-02:00"; allowed: unset on Azure'],
    ['a malformed maintenance window', { preferredMaintenanceWindow: 'sunday 3am' }, 'preferredMaintenanceWindow is "sunday 3am"'],
    ['an hourly vault rule', { backupPlan: { rules: [{ name: 'h', frequency: 'hourly', retentionDays: 7 }] } }, 'backupPlan.rules[0].frequency is "hourly"'],
    // Azure Backup's support matrix for PostgreSQL flexible server offers the vault store only: no archive tier.
    ['cold storage', { backupPlan: { rules: [{ name: 'd', frequency: 'daily', retentionDays: 200, moveToColdStorageAfterDays: 30 }] } },
      'backupPlan.rules[0].moveToColdStorageAfterDays is 30; allowed: unset on Azure (Azure Backup keeps PostgreSQL flexible server backups in the vault store only)'],
    ['immutability longer than a rule keeps backups', { backupPlan: PLAN, immutability: { days: 60 } }, 'immutability.days is 60; allowed: an integer from 1 to 30 days (backupPlan.rules[0].retentionDays)'],
    ['immutability without a vault', { immutability: { days: 7 } }, 'immutability is {"days":7}; allowed: unset without backupPlan rules'],
    ['a soft-delete period Azure does not offer', { backupPlan: PLAN, vault: { softDeleteRetentionDays: 7 } }, 'vault.softDeleteRetentionDays is 7; allowed: an integer from 14 to 180 days'],
  ])('rejects %s at once, with core\'s message', (_, props, message) => {
    let thrown: unknown;
    try {
      new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, ...props });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    expect((thrown as Error).message).toContain(message);
  });

  test('a retention that is an output in range reaches the server', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupRetentionDays: pulumi.output(28) });
    await settle(plan);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'orders').inputs.backup.backupRetentionDays).toBe(28);
  });
});

describe('ManagedPostgresBackupPlan long-term retention', () => {
  test('creates a vault with soft delete, immutability and alerts on every failed job', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN });
    await settle(plan);
    expect(engine.named('azure-native:dataprotection:BackupVault', 'orders-vault').inputs).toMatchObject({
      resourceGroupName: 'data',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: {
        storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }],
        securitySettings: { softDeleteSettings: { state: 'On', retentionDurationInDays: 14 }, immutabilitySettings: { state: 'Unlocked' } },
        monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: 'Enabled' } },
      },
    });
  });

  test('compliance immutability locks the vault and keeps soft delete always on', async () => {
    await settle(new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN, immutability: { mode: 'compliance', days: 30 } }));
    expect(engine.named('azure-native:dataprotection:BackupVault', 'orders-vault').inputs.properties.securitySettings)
      .toEqual({ softDeleteSettings: { state: 'AlwaysOn', retentionDurationInDays: 14 }, immutabilitySettings: { state: 'Locked' } });
  });

  test('the vault policy is the plan\'s rules as Azure Backup reads them', async () => {
    await settle(new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN }));
    expect(engine.named('azure-native:dataprotection:BackupPolicy', 'orders-policy').inputs).toEqual({
      resourceGroupName: 'data',
      vaultName: 'orders-vault',
      properties: JSON.parse(JSON.stringify(renderVaultBackupPolicy(PLAN, new Validator()))),
    });
  });

  test('a change of the rules replaces the vault policy under a new name instead of updating it, which Azure Backup refuses', async () => {
    // Azure Backup, "Create backup policies for Azure Database for PostgreSQL flexible server using REST API": updating or
    // modifying an existing policy isn't supported; create a new policy and assign it to the backup instance.
    const optionsByType = new Map<string, pulumi.CustomResourceOptions>();
    const record: pulumi.ResourceTransformation = (args) => {
      optionsByType.set(args.type, args.opts);
      return undefined;
    };
    await settle(new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN }, { transformations: [record] }));
    expect(optionsByType.get('azure-native:dataprotection:BackupPolicy')?.replaceOnChanges).toEqual(['properties']);
    expect(engine.named('azure-native:dataprotection:BackupPolicy', 'orders-policy').inputs.backupPolicyName).toBeUndefined();
    expect(optionsByType.get('azure-native:dataprotection:BackupInstance')?.replaceOnChanges).toBeUndefined();
  });

  test('the backup instance protects the server with the policy, after the vault was given its two roles', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN });
    await settle(plan);
    const serverId = await valueOf(plan.serverId);
    expect(serverId).toBe(SERVER_ID);
    const instance = engine.named('azure-native:dataprotection:BackupInstance', 'orders-instance').inputs;
    expect(instance.properties).toMatchObject({
      objectType: 'BackupInstance',
      dataSourceInfo: { objectType: 'Datasource', resourceID: SERVER_ID, resourceType: 'Microsoft.DBforPostgreSQL/flexibleServers', datasourceType: 'Microsoft.DBforPostgreSQL/flexibleServers' },
      dataSourceSetInfo: { objectType: 'DatasourceSet', resourceID: SERVER_ID },
      policyInfo: { policyId: await valueOf(plan.vaultPolicy!.id) },
    });
    const roles = Object.fromEntries(engine.ofType('azure-native:authorization:RoleAssignment').map((r) => [r.name, r.inputs]));
    expect(roles['orders-vault-ltr-backup']).toMatchObject({
      scope: SERVER_ID,
      principalId: 'orders-vault-principal',
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/c088a766-074b-43ba-90d4-1fb21feae531`,
    });
    expect(roles['orders-vault-reader']).toMatchObject({
      scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/data`,
      principalId: 'orders-vault-principal',
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
    });
  });

  test('failed backup jobs of the vault are routed to the action group', async () => {
    const plan = new ManagedPostgresBackupPlan('orders', { ...NEW_SERVER, backupPlan: PLAN, alerts: { alertEmails: ['dba@example.com'] } });
    await settle(plan);
    expect(engine.named('azure-native:alertsmanagement:AlertProcessingRuleByName', 'orders-failed-backup-alerts').inputs.properties).toMatchObject({
      enabled: true,
      scopes: [await valueOf(plan.vault!.id)],
      actions: [{ actionType: 'AddActionGroups', actionGroupIds: [await valueOf(plan.actionGroupId!)] }],
    });
    expect(engine.named('azure-native:monitor:ActionGroup', 'orders-alerts').inputs.emailReceivers).toHaveLength(1);
  });
});

describe('ManagedPostgresBackupPlan on an existing server', () => {
  const EXISTING: ManagedPostgresBackupPlanProps = { resourceGroupName: 'data', serverName: 'orders-db' };

  test('creates no server and resolves the server id when the server already has the settings', async () => {
    engine.servers['data/orders-db'] = { backupRetentionDays: 14, geoRedundantBackup: 'Enabled' };
    const plan = new ManagedPostgresBackupPlan('orders', { ...EXISTING, backupRetentionDays: 14, geoRedundantBackup: true, backupPlan: PLAN });
    await settle(plan);
    expect(engine.ofType('azure-native:dbforpostgresql:Server')).toEqual([]);
    expect(await valueOf(plan.serverId)).toBe(SERVER_ID);
    expect(engine.named('azure-native:dataprotection:BackupInstance', 'orders-instance').inputs.properties.dataSourceInfo.resourceID).toBe(SERVER_ID);
  });

});

describe('checkExistingServerBackup, which the plan runs on an existing server once it has been read', () => {
  const SERVER = { serverName: 'orders-db', resourceGroupName: 'data' };
  type Wanted = { backupRetentionDays: number; geoRedundantBackup: boolean };
  function messages(wanted: Wanted, current: { backupRetentionDays?: number; geoRedundantBackup?: string }): string[] {
    const validator = new Validator();
    checkExistingServerBackup(validator, wanted, { ...SERVER, ...current });
    return validator.issues.map(formatIssue);
  }

  test('accepts a server that already has the settings', () => {
    expect(messages({ backupRetentionDays: 14, geoRedundantBackup: true }, { backupRetentionDays: 14, geoRedundantBackup: 'Enabled' })).toEqual([]);
    expect(messages({ backupRetentionDays: 7, geoRedundantBackup: false }, { backupRetentionDays: 7, geoRedundantBackup: 'Enabled' })).toEqual([]);
  });

  test('fails clearly when geo-redundant backup is asked of a server created without it', () => {
    const [message] = messages({ backupRetentionDays: 7, geoRedundantBackup: true }, { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' });
    expect(message).toContain('geoRedundantBackup is true; allowed: false for the existing server orders-db in resource group data, whose geo-redundant backup is Disabled');
    expect(message).toContain('Azure enables geo-redundant backup only when a server is created');
  });

  test('fails with the command that sets the retention when the server keeps another one', () => {
    const [message] = messages({ backupRetentionDays: 21, geoRedundantBackup: false }, { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' });
    expect(message).toContain('backupRetentionDays is 21; allowed: the 7 days the existing server orders-db in resource group data keeps');
    expect(message).toContain('az postgres flexible-server update --resource-group data --name orders-db --backup-retention 21');
  });
});

describe('flexibleServerBackupArgs', () => {
  test('renders validated settings for a server the program defines itself', async () => {
    const args = flexibleServerBackupArgs({ backupRetentionDays: 21, geoRedundantBackup: true, preferredMaintenanceWindow: 'wed:01:15-wed:02:15' });
    expect(await valueOf(args.backup)).toEqual({ backupRetentionDays: 21, geoRedundantBackup: 'Enabled' });
    expect(args.maintenanceWindow).toEqual({ customWindow: 'Enabled', dayOfWeek: 3, startHour: 1, startMinute: 15 });
  });

  test('rejects a retention outside 7 to 35 days', () => {
    expect(() => flexibleServerBackupArgs({ backupRetentionDays: 3 })).toThrow('backupRetentionDays is 3; allowed: an integer from 7 to 35 days');
  });
});
