import { LiteralProps } from '../policy/validation';

/*
 * The props of the Azure components whose value decides what is created (see LiteralProps): their types are plain
 * values, so a Pulumi output given there (from JavaScript, or through `as any`) is refused with the range a literal must
 * be in, instead of being turned into text such as "Calling [toString] on an [Output<T>]" in a job's name or command, or
 * into a weaker resource (an output's `mode` is never `'compliance'`, so a locked vault would have been left unlocked).
 * The cloud handles (resource groups, locations, account names, images, connections, ids) take outputs.
 */

const PER_ENTRY = 'each entry becomes jobs and alerts of their own when the program runs';
const SCHEDULE_AND_LIFECYCLE = 'it is rendered into the jobs\' cron, their commands and the storage lifecycle when the program runs';
const ALERT_WINDOW = 'it sets how far back an alert looks, fixed when the program runs';
const STORAGE = 'it names the container and the blobs, or sets the storage account\'s policies, when the program runs';
const LIFECYCLE = 'it is rendered into the storage lifecycle rules when the program runs';
const REPLICATION = 'it decides the offsite account, its replication policy, lifecycle and lock when the program runs';
const ALERT_RECEIVERS = 'each address becomes a receiver of the action group when the program runs';
const VAULT = 'it decides whether the vault, its policy and its immutability lock are created when the program runs';
const SERVER_WINDOW = 'it is parsed into the server\'s maintenance and backup windows when the program runs';
const DRILL = 'it is rendered into the drill job\'s command, schedule and alerts when the program runs';

/** The plain-valued options of an offsite copy (`BlobObjectReplicationOptions`), under `path`; its resource group is a handle. */
function replicationLiterals(path: string): LiteralProps {
  const fields = ['location', 'accountName', 'containerName', 'expirationDays', 'skuName', 'pendingAlertHours', 'immutability', 'deleteLock'];
  return Object.fromEntries(fields.map((field) => [`${path}.${field}`, REPLICATION]));
}

/** The props of the Azure `BackupStorage` that need a literal. */
export const AZURE_BACKUP_STORAGE_LITERAL_PROPS: LiteralProps = {
  containerName: STORAGE,
  prefix: STORAGE,
  softDeleteDays: STORAGE,
  immutability: STORAGE,
  dump: LIFECYCLE,
  transitions: LIFECYCLE,
  ...replicationLiterals('replication'),
};

/** The props of the Azure `ScheduledPgDump` that need a literal. */
export const AZURE_SCHEDULED_PG_DUMP_LITERAL_PROPS: LiteralProps = {
  'databaseNames': PER_ENTRY,
  'rpoHours': ALERT_WINDOW,
  'maxDrillAgeDays': ALERT_WINDOW,
  'dump': SCHEDULE_AND_LIFECYCLE,
  'verification': SCHEDULE_AND_LIFECYCLE,
  'transitions': LIFECYCLE,
  'immutability': STORAGE,
  'storage.containerName': STORAGE,
  'storage.prefix': STORAGE,
  'storage.softDeleteDays': STORAGE,
  ...replicationLiterals('storage.replication'),
  'alerts.alertEmails': ALERT_RECEIVERS,
  'encryption.recipients': 'each recipient is written into the dump job\'s command when the program runs',
  'estimate': 'the cost estimate is worked out when the program runs',
};

/** The props of the Azure `ManagedPostgresBackupPlan` that need a literal. */
export const AZURE_MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS: LiteralProps = {
  'backupPlan': VAULT,
  'immutability': VAULT,
  'preferredMaintenanceWindow': SERVER_WINDOW,
  'preferredBackupWindow': SERVER_WINDOW,
  'alerts.alertEmails': ALERT_RECEIVERS,
};

/** The props of the Azure `PointInTimeRestore` that need a literal. */
export const AZURE_POINT_IN_TIME_RESTORE_LITERAL_PROPS: LiteralProps = {
  geoRestore: 'it decides the restore\'s create mode and the window the restore point is checked against when the program runs',
};

/** The props of the Azure `FlexibleServerPitrDrill` that need a literal. */
export const FLEXIBLE_SERVER_PITR_DRILL_LITERAL_PROPS: LiteralProps = {
  ...Object.fromEntries([
    'databaseName', 'schedule', 'targetLagMinutes', 'randomTarget', 'readyTimeoutMinutes', 'checks', 'minRows', 'recoveryPointQuery',
    'maxRecoveryPointGapMinutes', 'scratchServerPrefix', 'maxDrillAgeDays', 'sslMode',
  ].map((prop) => [prop, DRILL])),
  'alerts.alertEmails': ALERT_RECEIVERS,
};
