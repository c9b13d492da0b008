export * from './alarm-plan';
export * from './iam-action-groups';
export * from './scheduled-pg-dump';
