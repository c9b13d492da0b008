import { PropPaths } from './validation';

/**
 * Where the policy of a `ScheduledPgDump` (CDK and Pulumi AWS) is in its props: `dump` holds the logical dumps,
 * `objectLock` the bucket's immutability, `rpoHours` the alarm's RPO.
 */
export const SCHEDULED_PG_DUMP_PROP_PATHS: PropPaths = { 'logicalDump': 'dump', 'immutability': 'objectLock', 'alarms.rpoHours': 'rpoHours' };

/** Where the policy of the Azure `ScheduledPgDump` is in its props: `dump` holds the logical dumps, `rpoHours` the watch's RPO. */
export const AZURE_SCHEDULED_PG_DUMP_PROP_PATHS: PropPaths = { 'logicalDump': 'dump', 'alarms.rpoHours': 'rpoHours' };

/**
 * Where the options of its storage account are in the props of the Azure `ScheduledPgDump`: under `storage`, so an
 * account name Azure would refuse is reported as `storage.accountName` of the dump component.
 */
export const AZURE_DUMP_STORAGE_PROP_PATHS: PropPaths = {
  ...AZURE_SCHEDULED_PG_DUMP_PROP_PATHS,
  accountName: 'storage.accountName',
  containerName: 'storage.containerName',
  prefix: 'storage.prefix',
  skuName: 'storage.skuName',
  softDeleteDays: 'storage.softDeleteDays',
  replication: 'storage.replication',
};

/** Where the policy of a `ManagedPostgresBackupPlan` (CDK and Pulumi AWS) is in its props: `rpoHours` is the alarm's RPO. */
export const MANAGED_BACKUP_PLAN_PROP_PATHS: PropPaths = { 'alarms.rpoHours': 'rpoHours' };

/**
 * Where the automated-backup settings of an Azure flexible server are in the props of the Azure
 * `ManagedPostgresBackupPlan` and of `flexibleServerBackupArgs`: at the top level (`backupRetentionDays`, …).
 */
export const FLEXIBLE_SERVER_BACKUP_PROP_PATHS: PropPaths = { managedSnapshots: '' };

/** Where the restore drill of a `SelfHostedPitrArchive` is in its props: under `drill`. */
export const PITR_DRILL_PROP_PATHS: PropPaths = { verification: 'drill.verification' };
