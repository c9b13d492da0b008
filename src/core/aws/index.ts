export * from './alarm-plan';
export * from './iam-action-groups';
export * from './scheduled-pg-dump';
export * from './restore-drill-alarms';
export * from './verify-restore';
export * from './pitr-drill';
export * from './backup-dashboard';
export * from './snapshot-restore-drill';
