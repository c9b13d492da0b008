import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { PostgresDatabase, RUNNER_DATABASE_SECRET_ENV } from './database-connection';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { BlueprintServer, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { MAX_ALARM_RPO_HOURS } from './scheduled-pg-dump';
import { pitrNotAppliedMessage, planBlueprintServer } from '../core/aws/blueprint-server';
import { checkManagedBackupPlan } from '../core/aws/managed-backup-plan';
import { BackupTierOptions } from '../core/policy/backup-tier';
import { BackupPolicy, ImmutabilityPolicy } from '../core/policy/policy';
import { Validator } from '../core/policy/validation';

/** A server as the blueprint resolved it. */
export interface ServerPlan {
  /** Its position in `props.databases`, for error paths and the secret variable. */
  readonly index: number;
  /** The entry as given. */
  readonly entry: BlueprintServer;
  /** How the tasks connect to it. */
  readonly connection: PostgresDatabase;
  /** The RDS instance or Aurora cluster, when it is one. */
  readonly managed?: ManagedPostgresDatabase;
  /** Its tier's policy with the overrides, the blueprint's immutability, and no managed sections for a self-managed server. */
  readonly policy: BackupPolicy;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** Its PostgreSQL major version. */
  readonly major: number;
  /** The databases on it that are protected. */
  readonly databaseNames: string[];
  /** Its connection secret, as the dump task reads it. */
  readonly secret: ecs.Secret;
}

/**
 * Checks every server of the blueprint and resolves its tier, overrides, PostgreSQL major and secret; problems are
 * reported to `validator` under `databases[i]`, and a server with problems is left out.
 */
export function planServers(
  scope: Construct, props: PostgresBackupBlueprintProps, tierOptions: BackupTierOptions, lock: ImmutabilityPolicy | undefined, validator: Validator,
): ServerPlan[] {
  const ids = new Set<string>();
  const plans: ServerPlan[] = [];
  const fleet = { tier: props.tier, tierOptions, lock, maxRpoHours: MAX_ALARM_RPO_HOURS, validation: CDK_VALIDATION_OPTIONS };
  props.databases.forEach((entry, index) => {
    const path = `databases[${index}]`;
    const { connection, managed } = connectionOf(entry.database);
    const major = entry.postgresMajorVersion ?? connection.postgresMajorVersion;
    const planned = planBlueprintServer(validator, { ...entry, index, managed: managed !== undefined }, fleet, ids);
    if (major === undefined) {
      validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    }
    validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
    const wiring = connection.runnerWiring();
    const secret = wiring.secrets[RUNNER_DATABASE_SECRET_ENV];
    if (wiring.databaseUrl !== undefined || secret === undefined) {
      validator.report({
        path: `${path}.database`,
        value: 'PostgresDatabase.fromSecret({ host })',
        allowed: 'a database whose secret holds its host (RDS-style JSON)',
        reason: 'the shared dump task takes each server\'s connection from its secret',
      });
    }
    if (!planned) return;
    const applied = planned.policy;
    if (managed && (applied.backupPlan || applied.managedSnapshots)) {
      const stack = Stack.of(scope);
      checkManagedBackupPlan({
        policy: {
          managedSnapshots: applied.managedSnapshots,
          backupPlan: applied.backupPlan,
          copies: applied.copies,
          immutability: lock,
          sourceRegion: applied.sourceRegion,
        },
        vaultLock: props.vaultLock,
        storageEncryption: managed.storageEncryption,
        sourceAccount: Token.isUnresolved(stack.account) ? undefined : stack.account,
      }, CDK_VALIDATION_OPTIONS).forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
    }
    if (planned.pitrNotApplied) Annotations.of(scope).addInfo(pitrNotAppliedMessage(entry.id, managed !== undefined));
    if (!secret || major === undefined) return;
    plans.push({
      index, entry, connection, managed, policy: applied, rpoHours: planned.rpoHours, major, databaseNames: planned.databaseNames, secret,
    });
  });
  return plans;
}

/** The dump task's environment variable that holds the server's secret. */
export function secretVariable(server: ServerPlan): string {
  return `PG_BACKUP_SECRET_${server.index}`;
}

/** How to connect to an entry's server, and the RDS resource behind it, if any. */
export function connectionOf(database: BlueprintServer['database']): { connection: PostgresDatabase; managed?: ManagedPostgresDatabase } {
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

/** The construct path of the database the connection belongs to, for the protection metadata. */
export function connectionPath(connection: PostgresDatabase): string | undefined {
  return Construct.isConstruct(connection.connections) ? connection.connections.node.path : undefined;
}
