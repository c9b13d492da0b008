"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MOCK_AZURE_SUBSCRIPTION_ID = void 0;
exports.mockAzureResourceId = mockAzureResourceId;
exports.mockAzureResource = mockAzureResource;
exports.mockAzureServer = mockAzureServer;
/** The subscription the mocked Azure resource ids are in, unless told otherwise. */
exports.MOCK_AZURE_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';
/** The ARM id the mocks give a resource of `type` named `name`, in `subscriptionId`. */
function mockAzureResourceId(subscriptionId, type, name, inputs) {
    const group = typeof inputs.resourceGroupName === 'string' ? inputs.resourceGroupName : 'rg';
    const prefix = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers`;
    if (type === 'azure-native:storage:BlobContainer') {
        return `${prefix}/Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers/${inputs.containerName ?? name}`;
    }
    if (type === 'azure-native:dbforpostgresql:Server') {
        return `${prefix}/Microsoft.DBforPostgreSQL/flexibleServers/${inputs.serverName ?? name}`;
    }
    return `${prefix}/${type.replace(/:/g, '.')}/${name}`;
}
/**
 * The id and state Azure would report for a new resource: its inputs, plus the outputs Azure adds that the components
 * read (ARM ids, names, managed identities' principal and client ids, a server's host name).
 */
function mockAzureResource(subscriptionId, args) {
    const id = mockAzureResourceId(subscriptionId, args.type, args.name, args.inputs);
    const name = args.inputs.serverName ?? args.inputs.accountName ?? args.inputs.containerName ?? args.inputs.vaultName ?? args.name;
    const state = { ...args.inputs, name: args.type === 'azure-native:dataprotection:BackupVault' ? args.name : name };
    if (args.type === 'azure-native:storage:StorageAccount')
        state.name = args.inputs.accountName ?? `${args.name.replace(/[^a-z0-9]/g, '')}acct`;
    if (args.type === 'azure-native:storage:BlobContainer')
        state.name = args.inputs.containerName ?? args.name;
    if (args.type === 'azure-native:managedidentity:UserAssignedIdentity') {
        state.principalId = `${args.name}-principal`;
        state.clientId = `${args.name}-client`;
    }
    if (args.type === 'azure-native:dataprotection:BackupVault')
        state.identity = { ...args.inputs.identity, principalId: `${args.name}-principal` };
    if (args.type === 'azure-native:dbforpostgresql:Server')
        state.fullyQualifiedDomainName = `${state.name}.postgres.database.azure.com`;
    return { id, state };
}
/** The `dbforpostgresql.getServer` answer for a server with `backup` settings. */
function mockAzureServer(subscriptionId, resourceGroupName, serverName, backup) {
    return {
        id: mockAzureResourceId(subscriptionId, 'azure-native:dbforpostgresql:Server', serverName, { resourceGroupName, serverName }),
        name: serverName,
        backup,
    };
}
