/**
 * The cloud-neutral backup policy: its model, its validation, and every renderer the front ends and the runner share.
 *
 * @packageDocumentation
 */
export * from './policy';
export * from './validation';
export * from './pg-client-argv';
export * from './pg-name-pattern';
export * from './schedule';
export * from './wal-retention';
export * from './validate-policy';
export * from './defaults';
export * from './backup-tier';
export * from './shell-quote';
export * from './archive-repository';
export * from './archive-command';
export * from './postgres-settings';
export * from './wal-archiver';
export * from './postgresql-conf';
export * from './recovery-target';
export * from './recovery-conf';
export * from './pgbackrest-conf';
export * from './wal-g';
export * from './barman-cloud';
export * from './pg-basebackup';
export * from './state-machines';
export * from './storage-class';
export * from './lifecycle-rules';
export * from './lifecycle';
export * from './lifecycle-s3';
export * from './lifecycle-azure';
export * from './runbook';
export * from './storage-prices';
export * from './cost-estimate';
export * from './dump-scratch-storage';
export * from './fargate-sizes';
export * from './runner-argv';
export * from './managed-backup-plan';
export * from './restorable-time-check';
export * from './blueprint-server';
export * from './blueprint-drill-groups';
export * from './construct-prop-paths';
export * from './database-name';
export * from './sql-statements';
export * from './aws';
