import { Construct } from 'constructs';
import { BlueprintServerHandles, connectionPath } from './blueprint-server-handles';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { PostgresBackupBlueprintPlan, blueprintProtections } from '../core/aws/postgres-backup-blueprint';

/** What the blueprint's protection records need that only the rendered constructs know. */
export interface BlueprintProtectionFacts {
  /** The servers' handles, by server index: the construct paths the records name. */
  readonly handles: readonly BlueprintServerHandles[];
  /** The protected databases, whose runbooks the dump records point at. */
  readonly databases: readonly BlueprintProtectedDatabase[];
  /**
   * The lock of the fleet's vault.
   * @default - no lock
   */
  readonly vaultLock?: { readonly mode: string; readonly minRetentionDays: number };
}

/**
 * Records core's protections of the blueprint as construct metadata, each naming what it protects: a managed server's
 * backup plan and restore testing every construct its backups cover (an Aurora cluster and its instances), the other
 * kinds the server's connection; a dump record also its runbook in the cloud assembly.
 */
export function recordBlueprintProtections(scope: Construct, plan: PostgresBackupBlueprintPlan, facts: BlueprintProtectionFacts): void {
  const runbooks = new Map(facts.databases.map((database) => [database.label, database.runbookPath]));
  for (const { serverIndex, protection } of blueprintProtections(plan, facts.vaultLock)) {
    const handle = facts.handles[serverIndex];
    const coversManagedBackups = protection.kind === 'managed-backup' || protection.kind === 'restore-testing';
    const paths = coversManagedBackups && handle.managed ? handle.managed.protectedPaths() : [connectionPath(handle.connection)];
    const server = plan.servers.find((candidate) => candidate.index === serverIndex)!;
    const runbook = protection.kind === 'logical-dump' ? runbooks.get(`${server.id}/${protection.databaseNames![0]}`) : undefined;
    for (const database of paths) scope.node.addMetadata(PROTECTION_METADATA_TYPE, { ...protection, database, ...(runbook ? { runbook } : {}) });
  }
}
