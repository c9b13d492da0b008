import { definePostgresBackups } from './backup-program';

const example = definePostgresBackups();

export const databaseIdentifier = example.databaseIdentifier;
export const dumpLocation = example.dumpLocation;
export const drillStateMachineArn = example.drillStateMachineArn;
export const backupVaultName = example.backupVaultName;
export const notificationTopicArn = example.notificationTopicArn;
