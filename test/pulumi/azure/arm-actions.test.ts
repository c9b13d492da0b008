import { DRILL_PROPS, DUMP_PROPS } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID, valueOf } from './azure-mocks';
import { FlexibleServerPitrDrill } from '../../../src/pulumi/azure/flexible-server-pitr-drill';
import { AZURE_BUILT_IN_ROLES } from '../../../src/pulumi/azure/role-definitions';
import { ScheduledPgDump } from '../../../src/pulumi/azure/scheduled-pg-dump';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const CONTAINER_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/backups/providers/Microsoft.Storage/storageAccounts/ordersdumps/blobServices/default/containers/pg-dumps`;

/**
 * Every ARM action and data action the Azure components put into a custom role, each as Azure's resource provider
 * operations list it (learn.microsoft.com/azure/role-based-access-control/permissions: databases, networking, storage),
 * with the description it gives there. An action missing from that list would make the role definition fail to
 * deploy or grant nothing, so a new one is added here only once it is found there.
 */
const DOCUMENTED_ACTIONS: Readonly<Record<string, string>> = {
  'Microsoft.DBforPostgreSQL/flexibleServers/read': 'Return the list of servers or gets the properties for the specified server.',
  'Microsoft.DBforPostgreSQL/flexibleServers/write': 'Creates a server with the specified parameters or update the properties or tags for the specified server.',
  'Microsoft.DBforPostgreSQL/flexibleServers/delete': 'Deletes an existing server.',
  'Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read': 'Return PostgreSQL Server Operation Results',
  'Microsoft.DBforPostgreSQL/locations/operationResults/read': 'Return PostgreSQL Server Operation Results',
  'Microsoft.Network/virtualNetworks/subnets/join/action': 'Joins a virtual network',
  'Microsoft.Network/privateDnsZones/join/action': 'Joins a Private DNS Zone',
};
const DOCUMENTED_DATA_ACTIONS: Readonly<Record<string, string>> = {
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read': 'Returns a blob or a list of blobs',
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write': 'Returns the result of writing a blob',
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action': 'Returns the result of adding content to a blob',
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read': 'Returns the result of reading blob tags',
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write': 'Returns the result of writing blob tags',
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete': 'Returns the result of deleting a blob',
};

/** The built-in roles assigned, by the id Azure's built-in roles list gives each. */
const DOCUMENTED_BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'AcrPull': '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  'Reader': 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'PostgreSQL Flexible Server Long Term Retention Backup Role': 'c088a766-074b-43ba-90d4-1fb21feae531',
};

/** Every component that writes a custom role, with every option that adds actions to one. */
async function deployEverything(): Promise<void> {
  const dump = new ScheduledPgDump('orders', DUMP_PROPS);
  const drill = new FlexibleServerPitrDrill('orders-pitr', {
    ...DRILL_PROPS,
    scratchSubnetId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/drills`,
    scratchPrivateDnsZoneId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/drills.postgres.database.azure.com`,
    drillResults: { uri: 'azblob://ordersdumps/pg-dumps/pg-dumps', containerId: CONTAINER_ID },
  });
  await Promise.all([
    ...dump.dumpJobs.map((job) => valueOf(job.id)),
    ...dump.roleAssignments.map((assignment) => valueOf(assignment.id)),
    valueOf(drill.job.id),
    ...drill.roleAssignments.map((assignment) => valueOf(assignment.id)),
  ]);
}

describe('the ARM actions of the Azure components', () => {
  test('every action and data action of every custom role is one Azure documents, and the set is exactly this', async () => {
    await deployEverything();
    const permissions = engine.ofType('azure-native:authorization:RoleDefinition').flatMap((role) => role.inputs.permissions);
    const used = (field: string) => [...new Set(permissions.flatMap((permission: any) => permission[field] ?? []))].sort();
    expect(used('actions')).toEqual(Object.keys(DOCUMENTED_ACTIONS).sort());
    expect(used('notActions')).toEqual([]);
    expect([...new Set([...used('dataActions'), ...used('notDataActions')])].sort()).toEqual(Object.keys(DOCUMENTED_DATA_ACTIONS).sort());
  });

  test('every built-in role is named by the id Azure gives it', () => {
    expect(Object.values(AZURE_BUILT_IN_ROLES).sort()).toEqual(Object.values(DOCUMENTED_BUILT_IN_ROLES).sort());
  });
});
