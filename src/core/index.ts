/**
 * The cloud-neutral backup policy: its model, its validation, and every renderer the front ends and the runner share.
 *
 * @packageDocumentation
 */
// Folders: policy/ is the cloud-neutral model, its rules, defaults, lifecycle, schedules and cost; postgres/ how
// PostgreSQL and its tools are called and configured; aws/ and azure/ what is shaped by one cloud.
export * from './policy/policy';
export * from './policy/validation';
export * from './postgres/database-level-entries';
export * from './postgres/pg-client-argv';
export * from './postgres/pg-name-pattern';
export * from './postgres/table-name';
export * from './policy/schedule';
export * from './policy/wal-retention';
export * from './policy/validate-policy';
export * from './policy/defaults';
export * from './policy/backup-tier';
export * from './policy/dump-encryption';
export * from './postgres/shell-quote';
export * from './postgres/archive-repository';
export * from './postgres/archive-command';
export * from './postgres/postgres-settings';
export * from './postgres/wal-archiver';
export * from './postgres/postgresql-conf';
export * from './postgres/recovery-target';
export * from './postgres/recovery-conf';
export * from './postgres/pgbackrest-conf';
export * from './postgres/wal-g';
export * from './postgres/barman-cloud';
export * from './postgres/pg-basebackup';
export * from './aws/state-machines';
export * from './policy/storage-class';
export * from './policy/lifecycle-rules';
export * from './policy/lifecycle';
export * from './aws/lifecycle-s3';
export * from './azure/lifecycle-azure';
export * from './azure/blob-object-replication';
export * from './azure/restore-window';
export * from './azure/flexible-server-pitr-drill';
export * from './policy/runbook';
export * from './policy/storage-prices';
export * from './policy/cost-estimate';
export * from './policy/kept-dumps';
export * from './policy/dump-scratch-storage';
export * from './aws/fargate-sizes';
export * from './postgres/runner-argv';
export * from './aws/managed-backup-plan';
export * from './aws/restorable-time-check';
export * from './aws/blueprint-server';
export * from './aws/blueprint-drill-groups';
export * from './policy/construct-prop-paths';
export * from './policy/database-name';
export * from './policy/backup-store-layout';
export * from './postgres/sql-statements';
export * from './aws';
export * from './policy/backup-classes';
export * from './policy/backup-retention';
export * from './policy/retention-selection';
export * from './policy/database-protection';
export * from './azure/azure-dump-cost';
