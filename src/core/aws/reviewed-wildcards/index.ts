export * from './reviewed-wildcard';
export * from './task-wildcards';
export * from './state-machine-wildcards';
export * from './backup-object-wildcards';
export * from './replication-wildcards';
