import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

/**
 * Built-in Azure role definitions the components assign, by their fixed GUIDs (the same in every tenant),
 * each scoped as narrowly as the role allows.
 */
export const AZURE_BUILT_IN_ROLES = {
  /** Read, write, list and delete blobs: the dump job's identity, on its one container. */
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  /** Read and list blobs: the RPO watch's identity, on the dumps' one container. */
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  /** Read secret contents: the dump job's identity, on the one database secret. */
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  /** Pull images: the dump job's identity, on the runner image's registry. */
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  /** Read resources: the backup vault's identity, on the server's resource group (Azure Backup's documented requirement). */
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  /** "PostgreSQL Flexible Server Long Term Retention Backup Role": the backup vault's identity, on the server. */
  postgresFlexibleServerLongTermRetentionBackup: 'c088a766-074b-43ba-90d4-1fb21feae531',
} as const;

/** The subscription id in an Azure resource id (`/subscriptions/<id>/…`). */
export function subscriptionIdOf(resourceId: string): string {
  const match = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
  if (!match) throw new Error(`${JSON.stringify(resourceId)} is not an Azure resource id (/subscriptions/<id>/…)`);
  return match[1];
}

/** `/subscriptions/s/resourceGroups/rg/providers/…` → `/subscriptions/s/resourceGroups/rg`. */
export function resourceGroupIdOf(resourceId: string): string {
  const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(resourceId);
  if (!match) throw new Error(`${JSON.stringify(resourceId)} is not the id of a resource in a resource group`);
  return match[1];
}

/**
 * A GUID that depends only on `name` (the same name gives the same GUID), as ARM's `guid()` makes them: custom role
 * definitions are named by a GUID, and a stable one lets a redeploy update the definition instead of adding another.
 */
export function nameBasedGuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `…/storageAccounts/acct/blobServices/default/containers/dumps` → `acct/dumps`, to name what a custom role is for. */
export function accountAndContainerOf(containerId: string): string {
  const match = /\/storageAccounts\/([^/]+)\/blobServices\/[^/]+\/containers\/([^/]+)$/i.exec(containerId);
  return match ? `${match[1]}/${match[2]}` : containerId;
}

/**
 * The full id of a role definition (built-in, or a custom one by its GUID) in the subscription of `scope`, as `roleDefinitionId` of a
 * role assignment expects it.
 */
export function roleDefinitionIdFor(scope: pulumi.Input<string>, roleGuid: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([scope, roleGuid]).apply(([id, guid]) => `/subscriptions/${subscriptionIdOf(id)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`);
}
