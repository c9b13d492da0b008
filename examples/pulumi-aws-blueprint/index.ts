import { definePostgresFleet } from './fleet-program';

const fleet = definePostgresFleet();

export const bucketName = fleet.bucketName;
export const drillStateMachineArn = fleet.drillStateMachineArn;
export const restoreCommands = fleet.restoreCommands;
export const unprotectedDatabases = fleet.unprotectedDatabases;
