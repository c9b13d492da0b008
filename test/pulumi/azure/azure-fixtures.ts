import { SUBSCRIPTION_ID } from './azure-mocks';
import { FlexibleServerPitrDrillProps, ScheduledPgDumpProps } from '../../../src/pulumi/azure';

/** The Key Vault the tests' secrets are in. */
export const KEY_VAULT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/security/providers/Microsoft.KeyVault/vaults/team-kv`;

/** The Container Apps environment the tests' jobs run in. */
export const ENVIRONMENT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/apps/providers/Microsoft.App/managedEnvironments/jobs`;

/** The flexible server the tests' drills restore. */
export const SOURCE_SERVER_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/db/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db`;

/** The least a `ScheduledPgDump` takes: where its jobs run, the server and its password's secret, the storage account. */
export const DUMP_PROPS: ScheduledPgDumpProps = {
  resourceGroupName: 'backups',
  environmentId: ENVIRONMENT_ID,
  image: 'teamregistry.azurecr.io/pg-backup:16',
  connection: {
    host: 'orders-db.postgres.database.azure.com',
    user: 'backup_reader',
    password: { keyVaultId: KEY_VAULT_ID, secretUri: 'https://team-kv.vault.azure.net/secrets/orders-db-backup-password' },
  },
  storage: { accountName: 'ordersdumps' },
};

/** The least a `FlexibleServerPitrDrill` takes: where its job runs, the server it restores, its login and the database. */
export const DRILL_PROPS: FlexibleServerPitrDrillProps = {
  resourceGroupName: 'backups',
  environmentId: ENVIRONMENT_ID,
  image: 'teamregistry.azurecr.io/pg-backup:16',
  sourceServerId: SOURCE_SERVER_ID,
  scratchResourceGroupName: 'orders-drills',
  login: { user: 'orders_admin', password: { keyVaultId: KEY_VAULT_ID, secretUri: 'https://team-kv.vault.azure.net/secrets/orders-admin' } },
  databaseName: 'orders',
};
