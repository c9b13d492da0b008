import * as pulumi from '@pulumi/pulumi';

/** A resource registered with the mock engine: its type token, logical name and inputs. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/** A flexible server as `dbforpostgresql.getServer` reports it, by `<resource group>/<server name>`. */
export type ExistingServers = Record<string, { backupRetentionDays?: number; geoRedundantBackup?: string; earliestRestoreDate?: string }>;

export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';

/** The resources registered since the last `reset()`, and the servers `getServer` knows. */
export class AzureMockEngine {
  public readonly resources: RecordedResource[] = [];
  public servers: ExistingServers = {};

  public reset(): void {
    this.resources.length = 0;
    this.servers = {};
  }

  /** The inputs of every recorded resource of `type`. */
  public ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The one recorded resource of `type` named `name`. */
  public named(type: string, name: string): RecordedResource {
    const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
    if (found.length !== 1) throw new Error(`${found.length} resources of ${type} named ${name}; recorded: ${this.resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
    return found[0];
  }
}

/** The id the mock gives a resource: an ARM-shaped id in a fixed subscription. */
export function mockResourceId(type: string, name: string, inputs: Record<string, any>): string {
  const group = typeof inputs.resourceGroupName === 'string' ? inputs.resourceGroupName : 'rg';
  if (type === 'azure-native:storage:BlobContainer') {
    return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers/${inputs.containerName ?? name}`;
  }
  if (type === 'azure-native:dbforpostgresql:Server') {
    return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${group}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${inputs.serverName ?? name}`;
  }
  return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${group}/providers/${type.replace(/:/g, '.')}/${name}`;
}

/**
 * Installs Pulumi mocks that record every resource and echo its inputs as its state, with the outputs Azure adds
 * that the components read (ids, names, identities, host names), and answer `dbforpostgresql.getServer` from
 * `engine.servers`.
 */
export function installAzureMocks(engine: AzureMockEngine): void {
  void pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
      engine.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
      const id = mockResourceId(args.type, args.name, args.inputs);
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
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      if (args.token === 'azure-native:dbforpostgresql:getServer') {
        const key = `${args.inputs.resourceGroupName}/${args.inputs.serverName}`;
        const server = engine.servers[key];
        if (!server) throw new Error(`no server ${key}`);
        return {
          id: mockResourceId('azure-native:dbforpostgresql:Server', args.inputs.serverName, { ...args.inputs }),
          name: args.inputs.serverName,
          backup: server,
        };
      }
      throw new Error(`unexpected call ${args.token}`);
    },
  }, 'postgres-backup', 'test', false);
}

/** The value of an output; rejects when the output fails. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  // Wrapping an output in pulumi.output() would add promises nobody awaits; read it directly.
  const direct = pulumi.Output.isInstance(output) ? output : pulumi.output(output);
  return (direct as any).promise() as Promise<T>;
}

/** The error an output fails with, or an error saying it resolved. */
export async function failureOf(output: pulumi.Output<unknown>): Promise<Error> {
  // An output carries several promises (value, known, secret, resources); each rejects with the failure.
  const internals = output as any;
  await Promise.allSettled([internals.isKnown, internals.isSecret, internals.allResources?.()]);
  try {
    const value = await valueOf(output);
    return new Error(`resolved to ${JSON.stringify(value)}`);
  } catch (error) {
    return error as Error;
  }
}

