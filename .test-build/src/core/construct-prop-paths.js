"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PITR_DRILL_PROP_PATHS = exports.FLEXIBLE_SERVER_BACKUP_PROP_PATHS = exports.MANAGED_BACKUP_PLAN_PROP_PATHS = exports.AZURE_SCHEDULED_PG_DUMP_PROP_PATHS = exports.SCHEDULED_PG_DUMP_PROP_PATHS = void 0;
/**
 * Where the policy of a `ScheduledPgDump` (CDK and Pulumi AWS) is in its props: `dump` holds the logical dumps,
 * `objectLock` the bucket's immutability, `rpoHours` the alarm's RPO.
 */
exports.SCHEDULED_PG_DUMP_PROP_PATHS = { 'logicalDump': 'dump', 'immutability': 'objectLock', 'alarms.rpoHours': 'rpoHours' };
/** Where the policy of the Azure `ScheduledPgDump` is in its props: `dump` holds the logical dumps. */
exports.AZURE_SCHEDULED_PG_DUMP_PROP_PATHS = { logicalDump: 'dump' };
/** Where the policy of a `ManagedPostgresBackupPlan` (CDK and Pulumi AWS) is in its props: `rpoHours` is the alarm's RPO. */
exports.MANAGED_BACKUP_PLAN_PROP_PATHS = { 'alarms.rpoHours': 'rpoHours' };
/**
 * Where the automated-backup settings of an Azure flexible server are in the props of the Azure
 * `ManagedPostgresBackupPlan` and of `flexibleServerBackupArgs`: at the top level (`backupRetentionDays`, …).
 */
exports.FLEXIBLE_SERVER_BACKUP_PROP_PATHS = { managedSnapshots: '' };
/** Where the restore drill of a `SelfHostedPitrArchive` is in its props: under `drill`. */
exports.PITR_DRILL_PROP_PATHS = { verification: 'drill.verification' };
