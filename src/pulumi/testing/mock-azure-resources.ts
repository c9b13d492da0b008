import type * as pulumi from '@pulumi/pulumi';

/** The subscription the mocked Azure resource ids are in, unless told otherwise. */
export const MOCK_AZURE_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';

/** The backup settings of an existing flexible server, as `dbforpostgresql.getServer` reports them. */
export interface MockFlexibleServerBackup {
  /** @default - not reported */
  readonly backupRetentionDays?: number;
  /** `Enabled` or `Disabled`. @default - not reported */
  readonly geoRedundantBackup?: string;
  /** ISO 8601 time of the oldest restore point. @default - not reported */
  readonly earliestRestoreDate?: string;
}

/** The ARM id the mocks give a resource of `type` named `name`, in `subscriptionId`. */
export function mockAzureResourceId(subscriptionId: string, type: string, name: string, inputs: Record<string, any>): string {
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
 * read (ARM ids, names, managed identities' principal and client ids, a server's host name, the ids Azure generates for an
 * object replication policy on its destination).
 */
export function mockAzureResource(subscriptionId: string, args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
  const id = mockAzureResourceId(subscriptionId, args.type, args.name, args.inputs);
  const name = args.inputs.serverName ?? args.inputs.accountName ?? args.inputs.containerName ?? args.inputs.vaultName ?? args.name;
  const state: Record<string, any> = { ...args.inputs, name: args.type === 'azure-native:dataprotection:BackupVault' ? args.name : name };
  if (args.type === 'azure-native:storage:StorageAccount') state.name = args.inputs.accountName ?? `${args.name.replace(/[^a-z0-9]/g, '')}acct`;
  if (args.type === 'azure-native:storage:BlobContainer') state.name = args.inputs.containerName ?? args.name;
  if (args.type === 'azure-native:managedidentity:UserAssignedIdentity') {
    state.principalId = `${args.name}-principal`;
    state.clientId = `${args.name}-client`;
  }
  if (args.type === 'azure-native:dataprotection:BackupVault') state.identity = { ...args.inputs.identity, principalId: `${args.name}-principal` };
  if (args.type === 'azure-native:dbforpostgresql:Server') state.fullyQualifiedDomainName = `${state.name}.postgres.database.azure.com`;
  if (args.type === 'azure-native:storage:ObjectReplicationPolicy') {
    // On the destination ('default'), Azure generates the policy id and each rule's id; the source repeats them.
    state.policyId = args.inputs.objectReplicationPolicyId === 'default' ? `${args.name}-policy-id` : args.inputs.objectReplicationPolicyId;
    state.rules = (args.inputs.rules ?? []).map((rule: Record<string, unknown>, index: number) => ({ ...rule, ruleId: rule.ruleId ?? `${args.name}-rule-${index}` }));
  }
  return { id, state };
}

/** The `dbforpostgresql.getServer` answer for a server with `backup` settings. */
export function mockAzureServer(
  subscriptionId: string, resourceGroupName: string, serverName: string, backup: MockFlexibleServerBackup,
): Record<string, any> {
  return {
    id: mockAzureResourceId(subscriptionId, 'azure-native:dbforpostgresql:Server', serverName, { resourceGroupName, serverName }),
    name: serverName,
    backup,
  };
}
