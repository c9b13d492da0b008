import { DRILL_PROPS, KEY_VAULT_ID, SOURCE_SERVER_ID } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID, valueOf } from './azure-mocks';
import {
  FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS, FLEXIBLE_SERVER_DRILL_OPERATION_ACTIONS, FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS,
} from '../../../src/core/azure/flexible-server-pitr-drill';
import { FlexibleServerPitrDrill, FlexibleServerPitrDrillProps } from '../../../src/pulumi/azure/flexible-server-pitr-drill';
import { AZURE_BUILT_IN_ROLES } from '../../../src/pulumi/azure/role-definitions';
import { parseCommandLine } from '../../../src/runner/cli-commands';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const SOURCE_ID = SOURCE_SERVER_ID;
const CONTAINER_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/backups/providers/Microsoft.Storage/storageAccounts/ordersdumps/blobServices/default/containers/pg-dumps`;
const SUBNET_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/drills`;
const ZONE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/drills.postgres.database.azure.com`;
const BASE = DRILL_PROPS;

async function deploy(props: Partial<FlexibleServerPitrDrillProps> = {}): Promise<FlexibleServerPitrDrill> {
  const drill = new FlexibleServerPitrDrill('orders-pitr', { ...BASE, ...props });
  await Promise.all([
    valueOf(drill.job.id),
    ...(drill.drillAgeWatchJob ? [valueOf(drill.drillAgeWatchJob.id)] : []),
    ...drill.alerts.map((alert) => valueOf(alert.id)),
    ...drill.roleAssignments.map((assignment) => valueOf(assignment.id)),
  ]);
  return drill;
}

const job = (name = 'orders-pitr-job') => engine.named('azure-native:app:Job', name).inputs;
const assignment = (id: string) => engine.named('azure-native:authorization:RoleAssignment', `orders-pitr-${id}`).inputs;
const role = (id: string) => engine.named('azure-native:authorization:RoleDefinition', `orders-pitr-${id}-role`).inputs;

describe('FlexibleServerPitrDrill job', () => {
  test('a Container Apps job runs pg-backup drill-flexible-pitr weekly with the target, bounds, checks and results the options give', async () => {
    await deploy({
      targetLagMinutes: 90,
      randomTarget: true,
      readyTimeoutMinutes: 180,
      checks: ['SELECT count(*) > 0 FROM orders'],
      minRows: { 'public.orders': 1000 },
      recoveryPointQuery: 'SELECT max(updated_at) FROM orders',
      maxRecoveryPointGapMinutes: 30,
      scratchSubnetId: SUBNET_ID,
      drillResults: { uri: 'azblob://ordersdumps/pg-dumps/pg-dumps', containerId: CONTAINER_ID },
    });
    const inputs = job();
    expect(inputs.configuration).toMatchObject({
      triggerType: 'Schedule',
      scheduleTriggerConfig: { cronExpression: '0 3 * * 0', parallelism: 1, replicaCompletionCount: 1 },
      // 180 minutes to be ready, 60 to delete, 60 to connect and check.
      replicaTimeout: 300 * 60,
      replicaRetryLimit: 0,
      secrets: [{ name: 'database-password', keyVaultUrl: 'https://team-kv.vault.azure.net/secrets/orders-admin' }],
    });
    const container = inputs.template.containers[0];
    const parsed = parseCommandLine(container.args);
    expect(parsed.command).toBe('drill-flexible-pitr');
    expect(parsed.flags).toEqual({
      'source-server-id': SOURCE_ID,
      'resource-group': 'orders-drills',
      'db-user': 'orders_admin',
      'sslmode': 'verify-full',
      'subnet-id': SUBNET_ID,
      'target-lag': '90m',
      'target-random': true,
      'ready-timeout': '180m',
      'rto': '180m',
      'delete-timeout': '60m',
      'scratch-server-prefix': 'pgdrill',
      'database': 'orders',
      'min-rows': ['public.orders=1000'],
      'sql': ['SELECT count(*) > 0 FROM orders'],
      'recovery-point-query': 'SELECT max(updated_at) FROM orders',
      'max-recovery-point-gap': '30m',
      'record-to': 'azblob://ordersdumps/pg-dumps/pg-dumps',
    });
    expect(container.env.map((variable: any) => variable.name)).toEqual(['AZURE_CLIENT_ID', 'PG_BACKUP_METRICS', 'PGPASSWORD']);
    expect(container.env[2]).toEqual({ name: 'PGPASSWORD', secretRef: 'database-password' });
  });

  test('a failed drill raises an alert to the action group', async () => {
    const drill = await deploy();
    const alert = engine.named('azure-native:monitor:MetricAlert', 'orders-pitr-drill-failed').inputs;
    expect(alert.description).toMatch(/point-in-time drill of orders's flexible server failed/);
    expect(alert.scopes).toEqual([await valueOf(drill.job.id)]);
    expect(alert.criteria.allOf[0]).toMatchObject({ metricNamespace: 'Microsoft.App/jobs', metricName: 'Executions', dimensions: [{ name: 'state', values: ['Failed'] }] });
    expect(drill.drillAgeWatchJob).toBeUndefined();
  });

  test('maxDrillAgeDays adds a daily pg-backup status --drill-age watch with a read-only identity, and its alert', async () => {
    const drill = await deploy({ maxDrillAgeDays: 8, drillResults: { uri: 'azblob://ordersdumps/pg-dumps/pg-dumps', containerId: CONTAINER_ID } });
    const watch = job('orders-pitr-drill-age');
    expect(parseCommandLine(watch.template.containers[0].args)).toEqual({
      command: 'status', flags: { 'from': 'azblob://ordersdumps/pg-dumps/pg-dumps', 'database': 'orders', 'drill-age': '8d' },
    });
    expect(watch.configuration.scheduleTriggerConfig.cronExpression).toBe('41 6 * * *');
    expect(assignment('drill-age-reader')).toMatchObject({ scope: CONTAINER_ID, roleDefinitionId: expect.stringContaining(AZURE_BUILT_IN_ROLES.storageBlobDataReader) });
    expect(engine.named('azure-native:monitor:MetricAlert', 'orders-pitr-drill-age').inputs.description).toMatch(/No successful drill of orders within 8 days/);
    expect(drill.alerts).toHaveLength(2);
  });
});

describe('FlexibleServerPitrDrill permissions', () => {
  test('the drill may create, read and delete flexible servers in its scratch resource group only, and read the source server', async () => {
    await deploy();
    const scratchGroup = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/orders-drills`;
    expect(role('pitr-drill')).toMatchObject({
      scope: scratchGroup,
      assignableScopes: [scratchGroup],
      permissions: [{ actions: [...FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS] }],
    });
    expect(role('pitr-drill').permissions[0].actions).not.toContain(FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS[0]);
    expect(assignment('scratch-servers')).toMatchObject({ scope: scratchGroup, roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${role('pitr-drill').roleDefinitionId}` });
    expect(role('pitr-drill-operations')).toMatchObject({ scope: `/subscriptions/${SUBSCRIPTION_ID}`, permissions: [{ actions: [...FLEXIBLE_SERVER_DRILL_OPERATION_ACTIONS] }] });
    expect(role('pitr-drill-operations').permissions[0].actions.every((action: string) => action.endsWith('/read'))).toBe(true);
    expect(assignment('source-reader')).toMatchObject({ scope: SOURCE_ID, roleDefinitionId: expect.stringContaining(AZURE_BUILT_IN_ROLES.reader) });
    expect(assignment('login-secret')).toMatchObject({ scope: `${KEY_VAULT_ID}/secrets/orders-admin`, roleDefinitionId: expect.stringContaining(AZURE_BUILT_IN_ROLES.keyVaultSecretsUser) });
    // Nothing else: no role on the source's resource group, none that deletes blobs.
    expect(engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs.scope).sort()).toEqual(
      [`${KEY_VAULT_ID}/secrets/orders-admin`, SOURCE_ID, `/subscriptions/${SUBSCRIPTION_ID}`, scratchGroup].sort());
  });

  test('a scratch subnet and DNS zone get the join actions, assigned on them', async () => {
    await deploy({ scratchSubnetId: SUBNET_ID, scratchPrivateDnsZoneId: ZONE_ID });
    expect(role('pitr-drill').permissions[0].actions).toEqual([...FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS, ...FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS]);
    expect(role('pitr-drill').assignableScopes).toEqual([`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/orders-drills`, SUBNET_ID, ZONE_ID]);
    expect([assignment('scratch-network-0').scope, assignment('scratch-network-1').scope]).toEqual([SUBNET_ID, ZONE_ID]);
  });

  test('drill results are written with a custom role that cannot delete blobs, on the dumps\' container only', async () => {
    await deploy({ drillResults: { uri: 'azblob://ordersdumps/pg-dumps/pg-dumps', containerId: CONTAINER_ID } });
    const writer = role('drill-results-writer');
    expect(writer.permissions).toEqual([{ dataActions: expect.arrayContaining(['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write']) }]);
    expect(writer.permissions[0].dataActions.some((action: string) => action.endsWith('/delete'))).toBe(false);
    expect(assignment('drill-results')).toMatchObject({ scope: CONTAINER_ID, roleDefinitionId: expect.stringContaining(writer.roleDefinitionId) });
  });
});

describe('FlexibleServerPitrDrill validation', () => {
  test.each([
    ['a scratch group that is the source\'s', { scratchResourceGroupName: 'db' }, 'scratchResourceGroupName is "db"; allowed: a resource group other than the source server\'s (db)'],
    ['a source that is not a flexible server', { sourceServerId: '/subscriptions/x/resourceGroups/db/providers/Microsoft.Sql/servers/a' }, 'sourceServerId is "/subscriptions/x/resourceGroups/db/providers/Microsoft.Sql/servers/a"; allowed: the id of a flexible server'],
    ['a lag over 35 days', { targetLagMinutes: 60 * 24 * 36 }, 'targetLagMinutes is 51840; allowed: an integer from 0 to 50400 minutes'],
    ['a ready timeout under 10 minutes', { readyTimeoutMinutes: 5 }, 'readyTimeoutMinutes is 5; allowed: an integer from 10 to 1320 minutes'],
    ['a gap without a query', { maxRecoveryPointGapMinutes: 30 }, 'maxRecoveryPointGapMinutes is 30; allowed: only with recoveryPointQuery'],
    ['a prefix with capitals', { scratchServerPrefix: 'Drill' }, 'scratchServerPrefix is "Drill"; allowed: 1-39 lower-case letters'],
    ['a drill age without drill results', { maxDrillAgeDays: 8 }, 'maxDrillAgeDays is 8; allowed: only with drillResults'],
    ['a schedule in a zone with daylight saving time', { schedule: { expression: '0 3 * * 0', timezone: 'Europe/Berlin' } }, 'schedule'],
    ['an unknown sslmode', { sslMode: 'disable' as never }, 'sslMode is "disable"; allowed: one of: verify-full, require'],
  ])('%s is refused naming the prop', (_, props, message) => {
    expect(() => new FlexibleServerPitrDrill('orders-pitr', { ...BASE, ...props })).toThrow(message);
  });
});
