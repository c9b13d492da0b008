import { DUMP_PROPS } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, valueOf } from './azure-mocks';
import { REPLICATE_ALL_BLOBS_SINCE } from '../../../src/core/azure/blob-object-replication';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { ScheduledPgDump, ScheduledPgDumpProps } from '../../../src/pulumi/azure/scheduled-pg-dump';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const RETENTION_DAYS = 90;
const BASE: ScheduledPgDumpProps = {
  ...DUMP_PROPS,
  location: 'westeurope',
  dump: { retentionDays: RETENTION_DAYS },
  storage: { accountName: 'ordersdumps', replication: { location: 'northeurope', accountName: 'ordersoffsite', resourceGroupName: 'backups-offsite' } },
};

/** Creates the component and waits until the replica and every alert are registered. */
async function deploy(props: Partial<ScheduledPgDumpProps> = {}): Promise<ScheduledPgDump> {
  const dump = new ScheduledPgDump('orders', { ...BASE, ...props });
  const replica = dump.storage.replica;
  await Promise.all([
    ...dump.alerts.map((alert) => valueOf(alert.id)),
    valueOf(dump.storage.blobService.id),
    ...(replica ? [replica.sourcePolicy.id, replica.managementPolicy.id].map((id) => valueOf(id)) : []),
  ]);
  return dump;
}

const inputsOf = (type: string, name: string) => engine.named(`azure-native:storage:${type}`, name).inputs;

describe('ScheduledPgDump storage.replication (Azure object replication)', () => {
  test('a second storage account in the other region, hardened as the source and versioned', async () => {
    await deploy();
    expect(inputsOf('StorageAccount', 'orders-storage-replica')).toMatchObject({
      resourceGroupName: 'backups-offsite',
      location: 'northeurope',
      accountName: 'ordersoffsite',
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      allowCrossTenantReplication: false,
    });
    expect(inputsOf('BlobServiceProperties', 'orders-storage-replica-blob-service')).toMatchObject({
      accountName: 'ordersoffsite', isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 14 },
    });
    expect(inputsOf('BlobContainer', 'orders-storage-replica-container')).toMatchObject({ accountName: 'ordersoffsite', containerName: 'pg-dumps', publicAccess: 'None' });
  });

  test('the source account keeps versioning and gains the change feed object replication reads', async () => {
    await deploy();
    const source = inputsOf('BlobServiceProperties', 'orders-storage-blob-service');
    expect(source).toMatchObject({ accountName: 'ordersdumps', isVersioningEnabled: true, changeFeed: { enabled: true } });
    expect(source.changeFeed.retentionInDays).toBeGreaterThanOrEqual(1);
  });

  test('without replication there is no second account, no change feed and no replication policy', async () => {
    await deploy({ storage: { accountName: 'ordersdumps' } });
    expect(engine.ofType('azure-native:storage:StorageAccount')).toHaveLength(1);
    expect(engine.ofType('azure-native:storage:ObjectReplicationPolicy')).toHaveLength(0);
    expect(inputsOf('BlobServiceProperties', 'orders-storage-blob-service').changeFeed).toBeUndefined();
  });

  test('the policy is created on the destination first and repeated on the source with the ids Azure gave it', async () => {
    const dump = await deploy();
    const sourceId = await valueOf(dump.storage.account.id);
    const destinationId = await valueOf(dump.storage.replica!.account.id);
    const rule = {
      sourceContainer: 'pg-dumps',
      destinationContainer: 'pg-dumps',
      filters: { prefixMatch: ['pg-dumps/'], minCreationTime: REPLICATE_ALL_BLOBS_SINCE },
    };
    const destination = inputsOf('ObjectReplicationPolicy', 'orders-storage-replica-policy-destination');
    expect(destination).toEqual({
      resourceGroupName: 'backups-offsite',
      accountName: 'ordersoffsite',
      objectReplicationPolicyId: 'default',
      sourceAccount: sourceId,
      destinationAccount: destinationId,
      metrics: { enabled: true },
      rules: [rule],
    });
    const generatedPolicyId = await valueOf(dump.storage.replica!.destinationPolicy.policyId);
    const generatedRules = await valueOf(dump.storage.replica!.destinationPolicy.rules);
    expect(generatedPolicyId).not.toBe('default');
    expect(generatedRules![0].ruleId).toBeTruthy();
    expect(inputsOf('ObjectReplicationPolicy', 'orders-storage-replica-policy-source')).toEqual({
      resourceGroupName: 'backups',
      accountName: 'ordersdumps',
      objectReplicationPolicyId: generatedPolicyId,
      sourceAccount: sourceId,
      destinationAccount: destinationId,
      metrics: { enabled: true },
      rules: [{ ...rule, ruleId: generatedRules![0].ruleId }],
    });
  });

  test('the destination keeps each replica as long as the source keeps the dump, and a pruned replica (a previous version) '
    + 'as long as the source keeps a pruned dump', async () => {
    await deploy();
    const sourceRule = inputsOf('ManagementPolicy', 'orders-storage-lifecycle').policy.rules[0];
    const sourceKeeps = sourceRule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan;
    expect(sourceKeeps).toBe(RETENTION_DAYS);
    expect(inputsOf('ManagementPolicy', 'orders-storage-replica-lifecycle')).toMatchObject({
      accountName: 'ordersoffsite',
      policy: {
        rules: [{
          name: 'expire-replicas',
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['pg-dumps/pg-dumps/'] },
            actions: {
              baseBlob: { delete: { daysAfterModificationGreaterThan: sourceKeeps } },
              version: { delete: { daysAfterCreationGreaterThan: sourceRule.definition.actions.version.delete.daysAfterCreationGreaterThan } },
            },
          },
        }],
      },
    });
  });

  test('with dump.retention the prune jobs prune the replicas too, by the same retention, and the prune identity alone may delete there', async () => {
    const dump = await deploy({ dump: { retentionDays: 800, retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 } } });
    await Promise.all([...dump.pruneJobs.map((job) => valueOf(job.id)), ...dump.roleAssignments.map((assignment) => valueOf(assignment.id))]);
    const args: string[] = engine.named('azure-native:app:Job', 'orders-prune-0').inputs.template.containers[0].args;
    expect(args.slice(0, 3)).toEqual(['prune', '--from', 'azblob://ordersdumps/pg-dumps/pg-dumps']);
    expect(args[args.indexOf('--replica') + 1]).toBe('azblob://ordersoffsite/pg-dumps/pg-dumps');
    const replicaContainer = await valueOf(dump.storage.replica!.container.id);
    const onReplica = engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)
      .filter((assignment) => assignment.scope === replicaContainer);
    expect(onReplica.map((assignment) => assignment.principalId)).toEqual([await valueOf(dump.pruneIdentity!.principalId)]);
  });

  test('stalled replication raises an alert on the source\'s policy to the dump\'s action group', async () => {
    const dump = await deploy();
    const alert = engine.named('azure-native:monitor:MetricAlert', 'orders-replication-pending').inputs;
    expect(alert.scopes).toEqual([await valueOf(dump.storage.replica!.sourcePolicy.id)]);
    expect(alert.actions).toEqual([{ actionGroupId: await valueOf(dump.actionGroupId) }]);
    expect(alert.windowSize).toBe('PT6H');
    expect(alert.criteria.allOf).toEqual([expect.objectContaining({
      metricNamespace: 'Microsoft.Storage/storageAccounts/objectReplicationPolicies',
      metricName: 'PendingOperationsForReplication',
      timeAggregation: 'Minimum',
      operator: 'GreaterThan',
      threshold: 0,
    })]);
  });

  test('the replicas are immutable as long and as strictly as the dumps, as object replication into immutable storage allows', async () => {
    await deploy({ immutability: { mode: 'compliance', days: 30 } });
    const policy = { enabled: true, immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 30, state: 'Locked', allowProtectedAppendWrites: false } };
    expect(inputsOf('StorageAccount', 'orders-storage').immutableStorageWithVersioning).toEqual(policy);
    expect(inputsOf('StorageAccount', 'orders-storage-replica').immutableStorageWithVersioning).toEqual(policy);
    // Object replication needs versioning on both accounts and the change feed on the source, immutable or not.
    expect(inputsOf('BlobServiceProperties', 'orders-storage-replica-blob-service').isVersioningEnabled).toBe(true);
    expect(inputsOf('BlobServiceProperties', 'orders-storage-blob-service')).toMatchObject({ isVersioningEnabled: true, changeFeed: { enabled: true } });
  });

  test('the destination account carries a CanNotDelete lock, created after every other part of the copy', async () => {
    const dump = await deploy();
    const replica = dump.storage.replica!;
    await valueOf(replica.deleteLock!.id);
    expect(engine.named('azure-native:authorization:ManagementLockByScope', 'orders-storage-replica-delete-lock').inputs).toEqual({
      scope: await valueOf(replica.account.id),
      level: 'CanNotDelete',
      notes: 'Offsite copy of the dumps: remove this lock before deleting the account, its container or its replication policy',
    });
    const types = engine.resources.map((resource) => resource.type);
    expect(types.lastIndexOf('azure-native:authorization:ManagementLockByScope')).toBeGreaterThan(types.lastIndexOf('azure-native:storage:ObjectReplicationPolicy'));
  });

  test('deleteLock: false leaves the destination account without a lock', async () => {
    const dump = await deploy({ storage: { accountName: 'ordersdumps', replication: { location: 'northeurope', deleteLock: false } } });
    expect(dump.storage.replica!.deleteLock).toBeUndefined();
    expect(engine.ofType('azure-native:authorization:ManagementLockByScope')).toHaveLength(0);
  });

  test.each([
    ['replicas immutable less long than the dumps', { location: 'northeurope', immutability: { days: 7 } },
      'replication.immutability.days is 7; allowed: at least 14 days'],
    ['a destination that keeps replicas less long than the dumps', { location: 'northeurope', expirationDays: 30 },
      'replication.expirationDays is 30; allowed: at least 90 days (the source keeps the dumps 90 days)'],
    ['a destination in the dumps\' own region', { location: 'westeurope' }, 'replication.location is "westeurope"; allowed: an Azure region other than westeurope'],
  ])('rejects %s before creating anything', (_, replication, message) => {
    let thrown: unknown;
    try {
      new ScheduledPgDump('orders', { ...BASE, immutability: { days: 14 }, storage: { accountName: 'ordersdumps', replication } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    expect((thrown as Error).message).toContain(message);
    expect(engine.ofType('azure-native:storage:StorageAccount')).toHaveLength(0);
  });
});
