import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { PostgresDatabase, RUNNER_DATABASE_SECRET_ENV } from './database-connection';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { BlueprintProtectedDatabase, BlueprintServer } from './postgres-backup-blueprint-props';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { BlueprintServerHandle, PostgresBackupBlueprintPlan, blueprintProtections } from '../core/aws/postgres-backup-blueprint';
import { ValidationOptions, Validator } from '../core/policy/validation';

/** The CDK handles of one server of the blueprint: how the tasks connect, the RDS resource behind it, its secret. */
export interface BlueprintServerHandles {
  /** How the tasks connect to it. */
  readonly connection: PostgresDatabase;
  /** The RDS instance or Aurora cluster, when it is one. */
  readonly managed?: ManagedPostgresDatabase;
  /** Its connection secret, as the dump task reads it; none when the connection is not a secret with the host. */
  readonly secret?: ecs.Secret;
}

/** The handles of server entry `index`; refuses a database the blueprint cannot connect to, naming it as the user gave it. */
export function serverHandles(entry: BlueprintServer, index: number, validation: ValidationOptions): BlueprintServerHandles {
  const database: unknown = entry.database;
  if (!(database instanceof rds.DatabaseInstance || database instanceof rds.DatabaseCluster || database instanceof PostgresDatabase)) {
    const validator = new Validator(validation);
    validator.report({
      path: `databases[${index}].database`,
      value: Construct.isConstruct(database) ? `${database.node.path} (${database.constructor.name})` : database,
      allowed: 'an rds.DatabaseInstance or rds.DatabaseCluster of this app, or a PostgresDatabase '
        + '(for a database this app imports: PostgresDatabase.fromInstance(imported, { secret }) or PostgresDatabase.fromSecret)',
    });
    validator.throwIfInvalid();
  }
  const { connection, managed } = connectionOf(entry.database);
  const wiring = connection.runnerWiring();
  return { connection, managed, secret: wiring.databaseUrl === undefined ? wiring.secrets[RUNNER_DATABASE_SECRET_ENV] : undefined };
}

/** What core is told of a server's handles. */
export function coreServerHandle(handles: BlueprintServerHandles): BlueprintServerHandle {
  const allocated = handles.managed?.resource instanceof rds.CfnDBInstance ? handles.managed.resource.allocatedStorage : undefined;
  return {
    managed: handles.managed !== undefined,
    postgresMajorVersion: handles.connection.postgresMajorVersion,
    storageEncryption: handles.managed?.storageEncryption,
    kind: handles.managed?.kind,
    allocatedStorageGb: allocated !== undefined && !Token.isUnresolved(allocated) ? Number(allocated) : undefined,
    connectionSecret: handles.secret !== undefined,
  };
}

/** How to connect to an entry's server, and the RDS resource behind it, if any. */
function connectionOf(database: BlueprintServer['database']): { connection: PostgresDatabase; managed?: ManagedPostgresDatabase } {
  if (database instanceof rds.DatabaseInstance) {
    return { connection: PostgresDatabase.fromInstance(database), managed: ManagedPostgresDatabase.fromInstance(database) };
  }
  if (database instanceof rds.DatabaseCluster) {
    return { connection: PostgresDatabase.fromCluster(database), managed: ManagedPostgresDatabase.fromCluster(database) };
  }
  const connections = database.connections;
  if (connections instanceof rds.DatabaseInstance) return { connection: database, managed: ManagedPostgresDatabase.fromInstance(connections) };
  if (connections instanceof rds.DatabaseCluster) return { connection: database, managed: ManagedPostgresDatabase.fromCluster(connections) };
  return { connection: database };
}

/** The identifier the database was given in this app, so runbooks can name it before deployment. */
export function literalIdentifier(database: ManagedPostgresDatabase): string | undefined {
  const resource = database.resource;
  const identifier = resource instanceof rds.CfnDBInstance ? resource.dbInstanceIdentifier
    : resource instanceof rds.CfnDBCluster ? resource.dbClusterIdentifier : undefined;
  return identifier !== undefined && !Token.isUnresolved(identifier) ? identifier : undefined;
}

/**
 * Records core's protections of the blueprint as construct metadata, each naming what it protects: a managed server's
 * backup plan and restore testing every construct its backups cover (an Aurora cluster and its instances), the other
 * kinds the server's connection; a dump record also its runbook in the cloud assembly.
 */
export function recordBlueprintProtections(
  scope: Construct, plan: PostgresBackupBlueprintPlan, handles: readonly BlueprintServerHandles[],
  databases: readonly BlueprintProtectedDatabase[], vaultLock?: { readonly mode: string; readonly minRetentionDays: number },
): void {
  const runbooks = new Map(databases.map((database) => [database.label, database.runbookPath]));
  for (const { serverIndex, protection, coversManagedBackups, runbookLabel } of blueprintProtections(plan, vaultLock)) {
    const handle = handles[serverIndex];
    const paths = coversManagedBackups && handle.managed ? handle.managed.protectedPaths() : [connectionPath(handle.connection)];
    const runbook = runbookLabel === undefined ? undefined : runbooks.get(runbookLabel);
    for (const database of paths) scope.node.addMetadata(PROTECTION_METADATA_TYPE, { ...protection, database, ...(runbook ? { runbook } : {}) });
  }
}

/** The construct path of the database the connection belongs to. */
function connectionPath(connection: PostgresDatabase): string | undefined {
  return Construct.isConstruct(connection.connections) ? connection.connections.node.path : undefined;
}
