import * as resources from '@pulumi/azure-native/resources';
import * as pulumi from '@pulumi/pulumi';
// In an application: import { … } from 'postgres-backup-constructs/pulumi/azure';
import { StorageClass } from '../../src/core';
import { FlexibleServerPitrDrill, ManagedPostgresBackupPlan, PointInTimeRestore, ScheduledPgDump } from '../../src/pulumi/azure';

/** What the example exports. */
export interface PostgresBackupExample {
  readonly serverId: pulumi.Output<string>;
  readonly dumpLocation: pulumi.Output<string>;
  readonly dumpJobIds: pulumi.Output<string>[];
  readonly restoredHost?: pulumi.Output<string>;
}

/**
 * A PostgreSQL 16 flexible server that keeps 35 days of its own geo-redundant backups, a vault that keeps a daily
 * backup for 30 days and the first of each month for a year, a nightly pg_dump of `shop` encrypted with age into
 * immutable Blob Storage, kept by grandfather-father-son retention and copied to a storage account in another region,
 * with a weekly restore drill, a weekly point-in-time drill of the server's own backups, and, when
 * `restorePointInTime` is configured, a restore of the server to it.
 */
export function definePostgresBackups(): PostgresBackupExample {
  const config = new pulumi.Config();
  const group = new resources.ResourceGroup('shop-data', { location: 'westeurope' });

  const plan = new ManagedPostgresBackupPlan('shop', {
    resourceGroupName: group.name,
    serverName: 'shop-db',
    location: group.location,
    createServer: {
      administratorLogin: 'shop_admin',
      administratorLoginPassword: config.requireSecret('administratorPassword'),
      version: '16',
    },
    backupRetentionDays: 35,
    geoRedundantBackup: true,
    preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
    backupPlan: {
      rules: [
        { name: 'daily', frequency: 'daily', retentionDays: 30 },
        { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
      ],
    },
    alerts: { alertEmails: ['dba@example.com'] },
  });

  const environmentId = config.get('containerAppsEnvironmentId')
    ?? '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-apps/providers/Microsoft.App/managedEnvironments/jobs';
  const image = config.get('runnerImage') ?? 'shopregistry.azurecr.io/pg-backup:16';
  const keyVaultId = config.get('keyVaultId') ?? '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-security/providers/Microsoft.KeyVault/vaults/shop-kv';
  const dump = new ScheduledPgDump('shop', {
    resourceGroupName: group.name,
    location: group.location,
    environmentId,
    image,
    imageRegistry: { server: 'shopregistry.azurecr.io' },
    connection: {
      host: plan.server!.fullyQualifiedDomainName,
      user: 'backup_reader',
      password: {
        keyVaultId,
        secretUri: config.get('passwordSecretUri') ?? 'https://shop-kv.vault.azure.net/secrets/shop-db-backup-reader',
      },
    },
    databaseNames: ['shop'],
    dump: {
      schedule: { expression: '0 1 * * *' },
      includeGlobals: true,
      // A pg-backup prune job, whose identity alone may delete, keeps 7 daily, 4 weekly and 12 monthly dumps and never
      // fewer than 3; the storage lifecycle is only a safety net far beyond the longest class.
      retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
    },
    encryption: {
      // The public key of the team's age identity (age-keygen); the identity itself is only in Key Vault, where the
      // drill jobs' identity alone may read it.
      recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
      identitySecret: {
        keyVaultId,
        secretUri: config.get('ageIdentitySecretUri') ?? 'https://shop-kv.vault.azure.net/secrets/shop-dumps-age-identity',
      },
    },
    transitions: [{ days: 30, storageClass: StorageClass.COOL }],
    // As long as the daily class: no dump can be deleted or overwritten before the prune may drop it.
    immutability: { mode: 'governance', days: 7 },
    // Every dump is copied by object replication to a second storage account in North Europe, which keeps each replica
    // as long as the lifecycle here keeps the dumps, even once deleted here.
    storage: { replication: { location: 'northeurope' } },
    // What the dumps and their replicas store a month and cost, at list prices: in `dump.costEstimate` and the summary.
    estimate: { databaseSizeGb: 120 },
    verification: { checks: ['select count(*) > 0 from orders'], maxRestoreDurationMinutes: 60 },
    alerts: { actionGroupId: plan.actionGroupId },
  });

  // Every Sunday the server's own backups are restored to a random time at least an hour old as a scratch server in a
  // group of its own, checked over TLS and deleted; the result lands beside the dumps, and 8 days without a good
  // drill raise an alert.
  const drillGroup = new resources.ResourceGroup('shop-drills', { location: 'westeurope' });
  new FlexibleServerPitrDrill('shop-pitr', {
    resourceGroupName: group.name,
    location: group.location,
    environmentId,
    image,
    imageRegistry: { server: 'shopregistry.azurecr.io' },
    sourceServerId: plan.serverId,
    scratchResourceGroupName: drillGroup.name,
    login: {
      user: 'shop_admin',
      password: { keyVaultId, secretUri: config.get('administratorPasswordSecretUri') ?? 'https://shop-kv.vault.azure.net/secrets/shop-db-admin' },
    },
    databaseName: 'shop',
    randomTarget: true,
    minRows: { 'public.orders': 1 },
    checks: ['select count(*) > 0 from orders'],
    drillResults: { uri: dump.uri, containerId: dump.storage.container.id },
    maxDrillAgeDays: 8,
    alerts: { actionGroupId: plan.actionGroupId },
  });

  const restorePointInTime = config.get('restorePointInTime');
  const restore = restorePointInTime === undefined ? undefined : new PointInTimeRestore('shop-restore', {
    resourceGroupName: group.name,
    sourceServerId: plan.serverId,
    restorePointInTime,
    sourceBackupRetentionDays: plan.backupRetentionDays,
  });

  return {
    serverId: plan.serverId,
    dumpLocation: dump.uri,
    dumpJobIds: dump.dumpJobs.map((job) => job.id),
    restoredHost: restore?.host,
  };
}
