import { LiteralProps } from '../policy/validation';

/*
 * The props of each AWS construct whose value decides what is synthesized (see LiteralProps): given as a CDK token or a
 * Pulumi output, each is refused with the range a literal must be in and the reason below, instead of being skipped by
 * the checks and failing later inside the framework (a Duration of -1.8e+289 hours, `[object Object]` in a name).
 * A prop not listed here may be left to deploy time (a task's cpu, a bucket's name, an ARN): its value only flows
 * into the template.
 */

const ALARM_PERIOD = 'it sets how far back an alarm looks, a period CloudWatch fixes in the template when it is synthesized';
const SCHEDULE = 'the schedule is rendered, and the RPO it implies derived, when the template is synthesized';
const LIFECYCLE = 'it decides the lifecycle rules written into the template when it is synthesized';
const LOCK = 'it sets the lock\'s mode and retention, written into the template when it is synthesized';
const PER_ENTRY = 'each entry becomes resources or arguments of their own when the template is synthesized';
const RETRIES = 'it sets the schedule\'s retry policy, written into the template when it is synthesized';
const DRILL = 'it decides the drill\'s state machine, its timeouts and its commands when the template is synthesized';
const ARCHIVE = 'it is rendered into the archiver\'s configuration files and the WAL lifecycle rules when the template is synthesized';

/** The props of `ScheduledPgDump` that need a literal. */
export const SCHEDULED_PG_DUMP_LITERAL_PROPS: LiteralProps = {
  'rpoHours': ALARM_PERIOD,
  'retryAttempts': RETRIES,
  'objectLock': LOCK,
  'databaseNames': PER_ENTRY,
  'dump.schedule': SCHEDULE,
  'dump.format': PER_ENTRY,
  'dump.tables': PER_ENTRY,
  'dump.excludeTables': PER_ENTRY,
  'dump.schemas': PER_ENTRY,
  'dump.excludeSchemas': PER_ENTRY,
  'dump.retentionDays': LIFECYCLE,
  'dump.retention': LIFECYCLE,
  'encryption.recipients': PER_ENTRY,
};

/** The props of `VerifyRestore` that need a literal. */
export const VERIFY_RESTORE_LITERAL_PROPS: LiteralProps = {
  maxDrillAgeDays: ALARM_PERIOD,
  restoreTarget: DRILL,
  verification: DRILL,
  databaseName: DRILL,
  scratchInstance: DRILL,
};

/** The props of `ManagedPostgresBackupPlan` that need a literal. */
export const MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS: LiteralProps = {
  'rpoHours': ALARM_PERIOD,
  'restorableTimeCheckIntervalMinutes': SCHEDULE,
  'immutability': LOCK,
  'backupPlan.rules.frequency': SCHEDULE,
  'backupPlan.rules.schedule': SCHEDULE,
  // Each copy's destination decides its rule's copy action and the key statements; its vault ARN may be a token.
  'copies.destination': PER_ENTRY,
  'metricNamespace': DRILL,
  'restoreTesting.schedule': SCHEDULE,
};

/** The props of `SnapshotRestoreDrill` that need a literal. */
export const SNAPSHOT_RESTORE_DRILL_LITERAL_PROPS: LiteralProps = {
  verification: DRILL,
  pointInTime: DRILL,
  pollIntervalSeconds: DRILL,
  rowCounts: DRILL,
  snapshotType: DRILL,
  scratchInstanceClass: DRILL,
  scratchIdentifierPrefix: DRILL,
  metricNamespace: DRILL,
};

/** The props of `SelfHostedPitrArchive` that need a literal. */
export const SELF_HOSTED_PITR_ARCHIVE_LITERAL_PROPS: LiteralProps = {
  clusterName: ARCHIVE,
  prefix: ARCHIVE,
  pitr: ARCHIVE,
  immutability: LOCK,
};

/** The props of `OffsiteBackupBucket` that need a literal. */
export const OFFSITE_BACKUP_BUCKET_LITERAL_PROPS: LiteralProps = {
  objectLock: LOCK,
  replicationRoleNames: PER_ENTRY,
};

/** The props of `PostgresBackupBlueprint` that need a literal. */
export const POSTGRES_BACKUP_BLUEPRINT_LITERAL_PROPS: LiteralProps = {
  maxDrillAgeDays: ALARM_PERIOD,
  databases: PER_ENTRY,
  maxConcurrentDrills: DRILL,
  metricNamespace: DRILL,
};
