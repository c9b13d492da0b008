/**
 * AWS CDK constructs that render the backup policy onto AWS.
 *
 * @packageDocumentation
 */
export * from './backup-bucket';
export * from './offsite-backup-bucket';
export * from './backup-dashboard';
export * from './backup-notifications';
export * from './cdk-validation';
export * from './database-connection';
export * from './pg-dump-source';
export * from './runner-image';
export * from './scheduled-pg-dump';
export * from './verify-restore';
export * from './backup-vault';
export * from './managed-backup-alarms';
export * from './managed-postgres-backup-plan';
export * from './managed-postgres-database';
export * from './snapshot-restore-drill';
export * from './pitr-drill';
export * from './self-hosted-pitr-archive';
export * from './postgres-backup-blueprint';
export * from './restore-runbook-artifacts';
export * from './require-postgres-backups';
export * from './restore-testing';
export type { DrillResultStoreProps, RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps } from './restore-testing-validation';
