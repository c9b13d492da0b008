import { FleetDrillDatabase } from './state-machines';
import { drillResultsFolder } from '../policy/backup-store-layout';
import { resolveVerification } from '../policy/defaults';
import { BackupPolicy, ScheduleSpec } from '../policy/policy';

/** A server of a blueprint as its restore drills see it. */
export interface BlueprintDrillServer {
  /** The server's id. */
  readonly id: string;
  /** Where its dumps are: `<prefix>/<id>`, under which each database's folder holds its dumps and drill results. */
  readonly dumpPrefix: string;
  /** The server's policy in the blueprint. */
  readonly policy: BackupPolicy;
  /** Its PostgreSQL major, which picks the verify task definition. */
  readonly major: number;
  /** The databases on it that are drilled. */
  readonly databaseNames: readonly string[];
}

/** Databases sharing drill settings: one state-machine input, one schedule (or a few, when the input grows large). */
export interface BlueprintDrillGroup {
  /** When the drills run. */
  readonly schedule: ScheduleSpec;
  /** The RTO of the group, seconds. */
  readonly rtoSeconds: number;
  /** The SQL checks run after each restore. */
  readonly checks: readonly string[];
  /** The PostgreSQL major of the group's servers. */
  readonly major: number;
  /** The databases drilled. */
  readonly databases: FleetDrillDatabase[];
}

/** EventBridge Scheduler takes at most 8 KB of target input; a group's input is split below this. */
export const MAX_DRILL_SCHEDULE_INPUT_CHARACTERS = 7000;

/** What the fixed fields of a drill input (bucket name, task definition ARN, …) take at most. */
const FIXED_INPUT_CHARACTERS = 400;

/**
 * The drill groups of a blueprint: servers whose drills share schedule, RTO, checks and PostgreSQL major are drilled
 * by one execution of the fleet drill, so a group costs one schedule however many databases it has. Servers without
 * a `verification` section are not drilled.
 */
export function blueprintDrillGroups(servers: readonly BlueprintDrillServer[]): BlueprintDrillGroup[] {
  const groups = new Map<string, { schedule: ScheduleSpec; rtoSeconds: number; checks: string[]; major: number; databases: FleetDrillDatabase[] }>();
  for (const server of servers) {
    if (!server.policy.verification || !server.policy.logicalDump) continue;
    const verification = resolveVerification(server.policy.verification);
    const key = JSON.stringify([verification.schedule, verification.maxRestoreDurationMinutes, verification.checks, server.major]);
    const group = groups.get(key) ?? {
      schedule: verification.schedule,
      rtoSeconds: verification.maxRestoreDurationMinutes * 60,
      checks: [...verification.checks],
      major: server.major,
      databases: [],
    };
    group.databases.push(...server.databaseNames.map((name) => ({
      id: server.id, name, resultsFolder: drillResultsFolder(server.dumpPrefix, name),
    })));
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Splits a group's databases so that each schedule's input stays under EventBridge Scheduler's 8 KB. */
export function chunkDrillDatabases(
  databases: readonly FleetDrillDatabase[], maxCharacters = MAX_DRILL_SCHEDULE_INPUT_CHARACTERS,
): FleetDrillDatabase[][] {
  // The list's brackets, then each item and its comma.
  const emptyChunk = FIXED_INPUT_CHARACTERS + 2;
  const chunks: FleetDrillDatabase[][] = [[]];
  let size = emptyChunk;
  for (const database of databases) {
    const itemSize = JSON.stringify(database).length + 1;
    if (size + itemSize > maxCharacters && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      size = emptyChunk;
    }
    chunks[chunks.length - 1].push(database);
    size += itemSize;
  }
  return chunks;
}

/** The SQL file of a group's checks: each statement ended by one `;`, one a line (the runner runs a file of several). */
export function drillGroupCheckFile(checks: readonly string[]): string {
  return checks.map((sql) => `${sql.trim().replace(/;+$/, '').trimEnd()};`).join('\n');
}
