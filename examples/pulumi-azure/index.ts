import { definePostgresBackups } from './backup-program';

const example = definePostgresBackups();

export const serverId = example.serverId;
export const dumpLocation = example.dumpLocation;
export const dumpJobIds = example.dumpJobIds;
export const restoredHost = example.restoredHost;
