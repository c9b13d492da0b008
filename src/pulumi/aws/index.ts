/**
 * Pulumi components that render the backup policy onto AWS (`@pulumi/aws`): the same `ScheduledPgDump`,
 * `VerifyRestore`, `ManagedPostgresBackupPlan` and `SelfHostedPitrArchive` as the CDK constructs, with the same core
 * validation, state-machine definitions, IAM scoping, lifecycle rules and alarms.
 *
 * @packageDocumentation
 */
export * from '../pulumi-validation';
export * from './backup-notifications';
export * from './backup-bucket';
export * from './offsite-backup-bucket';
export * from './runner-image';
export * from './postgres-database';
export * from './pg-dump-source';
export * from './scheduled-pg-dump';
export * from './verify-restore';
export * from './managed-postgres-database';
export * from './backup-vault';
export * from './managed-backup-alarms';
export * from './backup-plan-rules';
export * from './managed-postgres-backup-plan';
export * from './snapshot-restore-drill';
export * from './backup-dashboard';
export * from './pitr-drill';
export * from './self-hosted-pitr-archive';
export * from './require-postgres-backups';
export * from './restore-runbook-artifacts';
export * from './postgres-backup-blueprint';
export * from './restore-testing';
export type { DrillResultStoreArgs, RenderedRestoreValidation, RestoreValidationArgs, RestoreValidationHandles } from './restore-testing-validation';
