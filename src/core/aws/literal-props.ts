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
const COMMAND = 'it is rendered into the task\'s command when the template is synthesized';
const POLICY = 'the tier decides each server\'s policy, and with it which resources exist, when the template is synthesized';
const ESTIMATE = 'the cost estimate is worked out from it when the template is synthesized';

/**
 * The props of an offsite copy (`replication`) that need a literal: its lifecycle, alarm and lock are written into the
 * template; the destination's ARNs and account may be left to deploy time.
 */
const REPLICATION_LITERAL_PROPS: LiteralProps = {
  'replication.destinationExpirationDays': LIFECYCLE,
  'replication.latencyAlarmMinutes': ALARM_PERIOD,
  'replication.destinationObjectLock': LOCK,
  'replication.replicationTimeControl': PER_ENTRY,
};

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
  'dump.compression': COMMAND,
  'dump.lockWaitTimeoutSeconds': COMMAND,
  'dump.rowCounts': COMMAND,
  'dump.largestTableGiB': 'it sizes the dump task\'s storage when the template is synthesized',
  'postgresMajorVersion': COMMAND,
  'metricNamespace': 'the runner\'s command names it and the alarms watch metrics in it, as the template is synthesized',
  ...REPLICATION_LITERAL_PROPS,
};

/** The props of `VerifyRestore` that need a literal. */
export const VERIFY_RESTORE_LITERAL_PROPS: LiteralProps = {
  maxDrillAgeDays: ALARM_PERIOD,
  restoreTarget: DRILL,
  verification: DRILL,
  databaseName: DRILL,
  scratchInstance: DRILL,
  checkFiles: DRILL,
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
  'restoreTesting.validation.checkFiles': DRILL,
  'maxRestorableTimeLagMinutes': 'it sets the restorable-time alarm\'s threshold and is written into its description when the template is synthesized',
  'airGappedCopy.retentionDays': LOCK,
  'airGappedCopy.minRetentionDays': LOCK,
  'airGappedCopy.maxRetentionDays': LOCK,
};

/**
 * The props of `ManagedPostgresBackupPlan` that are groups of options (each may be left to deploy time): given whole as a
 * deploy-time value, each is refused.
 */
export const MANAGED_POSTGRES_BACKUP_PLAN_OPTION_GROUPS: readonly string[] = ['managedSnapshots', 'vaultLock'];

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
  checkFiles: DRILL,
  postgresMajorVersion: DRILL,
};

/** The props of `SelfHostedPitrArchive` that need a literal. */
export const SELF_HOSTED_PITR_ARCHIVE_LITERAL_PROPS: LiteralProps = {
  clusterName: ARCHIVE,
  prefix: ARCHIVE,
  pitr: ARCHIVE,
  immutability: LOCK,
  postgresMajorVersion: ARCHIVE,
  dataDirectory: ARCHIVE,
  postgresqlConfFile: ARCHIVE,
  pgPort: ARCHIVE,
  rpoArchiveTimeouts: ALARM_PERIOD,
  metricNamespace: ARCHIVE,
  estimate: ESTIMATE,
};

/** The props of `OffsiteBackupBucket` that need a literal. */
export const OFFSITE_BACKUP_BUCKET_LITERAL_PROPS: LiteralProps = {
  objectLock: LOCK,
  replicationRoleNames: PER_ENTRY,
  sourceAccount: 'it names the account trusted in the bucket\'s and the key\'s policies, written into the template when it is synthesized',
};

/** The props of `PostgresBackupBlueprint` that need a literal. */
export const POSTGRES_BACKUP_BLUEPRINT_LITERAL_PROPS: LiteralProps = {
  'maxDrillAgeDays': ALARM_PERIOD,
  'databases': PER_ENTRY,
  'maxConcurrentDrills': DRILL,
  'metricNamespace': DRILL,
  'tier': POLICY,
  'tierOptions.platform': POLICY,
  'tierOptions.sourceRegion': POLICY,
  'tierOptions.copyRegion': POLICY,
  'tierOptions.copyAccount': POLICY,
  'tierOptions.copyAccountRegion': POLICY,
  'encryption.recipients': PER_ENTRY,
  'retention': 'it decides whether a prune task exists and what it keeps when the template is synthesized',
  'vaultLock': LOCK,
  'restoreTesting.schedule': SCHEDULE,
  'restoreTesting.recoveryPoint': SCHEDULE,
  'restoreTesting.selectionWindowDays': SCHEDULE,
  'restoreTesting.startWindowHours': SCHEDULE,
  'restoreTesting.validationWindowHours': SCHEDULE,
  'restoreTesting.validation.checkFiles': DRILL,
  ...REPLICATION_LITERAL_PROPS,
};

/** The props of `PostgresBackupVault` that need a literal. */
export const BACKUP_VAULT_LITERAL_PROPS: LiteralProps = {
  lock: LOCK,
  allowCopiesFromAccounts: PER_ENTRY,
};

/** The props of `PgDumpLocation.fromBucket` that need a literal. */
export const PG_DUMP_LOCATION_LITERAL_PROPS: LiteralProps = {
  databaseNames: PER_ENTRY,
  postgresMajorVersion: 'it selects the PostgreSQL tools and the scratch server of a restore drill when the template is synthesized',
  metricNamespace: DRILL,
};

/** The props of `RequirePostgresBackups` that need a literal, named as its messages name them. */
export const REQUIRE_POSTGRES_BACKUPS_LITERAL_PROPS: LiteralProps = {
  'RequirePostgresBackups.level': 'it decides whether an unprotected database fails or is only reported when the template is synthesized',
  'RequirePostgresBackups.includeReadReplicas': 'it decides which databases are checked when the template is synthesized',
};

/** The props of the `ManagedPostgresDatabase` factories that need a literal. */
export const MANAGED_POSTGRES_DATABASE_LITERAL_PROPS: LiteralProps = {
  kind: 'it decides whether the database is an instance or a cluster, and so its ARN and AWS Backup\'s resource type, when the template is synthesized',
  engineVersion: 'the PostgreSQL major version a restore drill uses is read from it when the template is synthesized',
  storageEncryption: 'it decides the key statements of copies when the template is synthesized',
};
