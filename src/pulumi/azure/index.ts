/**
 * Pulumi components that render the backup policy onto Azure (`@pulumi/azure-native`): the managed backups and
 * long-term retention of a PostgreSQL flexible server, point-in-time and geo restores, and scheduled `pg_dump`
 * to Blob Storage with restore drills.
 *
 * @packageDocumentation
 */
export * from '../pulumi-validation';
export * from './role-definitions';
export * from './backup-action-group';
export * from './vault-backup-policy';
export * from './flexible-server-backup';
export * from './managed-postgres-backup-plan';
export * from '../../core/azure/restore-window';
export * from './point-in-time-restore';
export * from './backup-storage';
export * from './offsite-blob-replica';
export * from '../../core/azure/blob-object-replication';
export * from './runner-connection';
export * from './dump-encryption';
export * from './restore-drill-containers';
export * from './scheduled-pg-dump';
export * from './failed-execution-alert';
export * from './flexible-server-pitr-drill';
