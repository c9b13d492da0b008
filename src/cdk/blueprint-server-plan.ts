import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { PostgresDatabase, RUNNER_DATABASE_SECRET_ENV } from './database-connection';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { BlueprintDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { MAX_ALARM_RPO_HOURS } from './scheduled-pg-dump';
import { BackupTier, BackupTierOptions, BackupTierOverrides } from '../core/backup-tier';
import { defaultRpoHours, resolveImmutability } from '../core/defaults';
import { checkManagedBackupPlan } from '../core/managed-backup-plan';
import { BackupPolicy, ImmutabilityPolicy } from '../core/policy';
import { checkPolicy } from '../core/validate-policy';
import { PolicyValidationError, Validator } from '../core/validation';

/** A server as the blueprint resolved it. */
export interface ServerPlan {
  /** Its position in `props.databases`, for error paths and the secret variable. */
  readonly index: number;
  /** The entry as given. */
  readonly entry: BlueprintDatabase;
  /** How the tasks connect to it. */
  readonly connection: PostgresDatabase;
  /** The RDS instance or Aurora cluster, when it is one. */
  readonly managed?: ManagedPostgresDatabase;
  /** Its tier's policy with the overrides, the blueprint's immutability, and no managed sections for a self-managed server. */
  readonly policy: BackupPolicy;
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
  props.databases.forEach((entry, index) => {
    const path = `databases[${index}]`;
    if (validator.matches(`${path}.id`, entry.id, /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, '1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen')) {
      if (ids.has(entry.id)) validator.report({ path: `${path}.id`, value: entry.id, allowed: 'an id no other server of the blueprint has' });
      ids.add(entry.id);
    }
    const databaseNames = entry.databaseNames ?? ['postgres'];
    if (databaseNames.length === 0) validator.report({ path: `${path}.databaseNames`, value: [], allowed: 'at least one database name' });
    databaseNames.forEach((name, nameIndex) => validator.matches(`${path}.databaseNames[${nameIndex}]`, name, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/,
      'a PostgreSQL database name of letters, digits, "_", "$" and "-", at most 63'));
    if (new Set(databaseNames).size !== databaseNames.length) validator.report({ path: `${path}.databaseNames`, value: databaseNames, allowed: 'names without repeats' });
    if (entry.overrides?.immutability !== undefined) {
      validator.report({
        path: `${path}.overrides.immutability`,
        value: entry.overrides.immutability,
        allowed: 'undefined',
        reason: 'the bucket\'s Object Lock and the vault lock are shared: set immutability on the blueprint\'s tier',
      });
    }
    const { connection, managed } = connectionOf(entry.database);
    const major = entry.postgresMajorVersion ?? connection.postgresMajorVersion;
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
    const policy = tierPolicy(entry.tier ?? props.tier, entry.overrides, tierOptions, validator, path);
    if (!policy) return;
    if (entry.tier && policy.immutability && JSON.stringify(resolveImmutability(policy.immutability)) !== JSON.stringify(lock)) {
      validator.report({
        path: `${path}.tier`,
        value: entry.tier.name,
        allowed: 'a tier with the immutability of the blueprint\'s tier, or none (tier.without(\'immutability\'))',
        reason: 'the bucket\'s Object Lock and the vault lock are shared',
      }, []);
    }
    const applied: BackupPolicy = {
      ...policy,
      immutability: lock,
      ...(managed ? {} : { managedSnapshots: undefined, backupPlan: undefined, copies: undefined }),
    };
    if (!applied.logicalDump) {
      validator.report({ path: `${path}.tier`, value: (entry.tier ?? props.tier).name, allowed: 'a tier with logicalDump', reason: 'the blueprint dumps every database' });
      return;
    }
    const rpoHours = dumpRpoHours(applied);
    const dumpsAndDrills: BackupPolicy = {
      logicalDump: applied.logicalDump, verification: applied.verification, immutability: lock, alarms: { rpoHours },
    };
    checkPolicy(dumpsAndDrills, CDK_VALIDATION_OPTIONS)
      .forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
    if (rpoHours > MAX_ALARM_RPO_HOURS) {
      validator.report({ path: `${path}.alarms.rpoHours`, value: rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'a CloudWatch alarm looks back at most 7 days' });
    }
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
    if (policy.pitr) {
      Annotations.of(scope).addInfo(`${entry.id}: the tier's pitr section (a self-hosted WAL archive) is not applied by the blueprint; `
        + (managed ? 'point-in-time recovery comes from the database\'s automated and continuous backups.' : 'protect the server with a SelfHostedPitrArchive for it.'));
    }
    if (!secret || major === undefined) return;
    plans.push({ index, entry, connection, managed, policy: applied, major, databaseNames, secret });
  });
  return plans;
}

/** A tier's policy for one server, its problems reported under `path`. */
export function tierPolicy(
  tier: BackupTier, overrides: BackupTierOverrides | undefined, options: BackupTierOptions, validator: Validator, path: string,
): BackupPolicy | undefined {
  try {
    return (overrides ? tier.with(overrides) : tier).policy(options);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    error.issues.forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
    return undefined;
  }
}

/**
 * The RPO of the dumps: the policy's, unless it is shorter than the dumps can meet (a tier's RPO may rest on hourly
 * snapshots, which the dump alarm does not watch); then the dump cadence's own default.
 */
export function dumpRpoHours(policy: BackupPolicy): number {
  const cadence = defaultRpoHours({ logicalDump: policy.logicalDump });
  return Math.max(policy.alarms?.rpoHours ?? cadence, cadence);
}

/** The dump task's environment variable that holds the server's secret. */
export function secretVariable(server: ServerPlan): string {
  return `PG_BACKUP_SECRET_${server.index}`;
}

/** How to connect to an entry's server, and the RDS resource behind it, if any. */
export function connectionOf(database: BlueprintDatabase['database']): { connection: PostgresDatabase; managed?: ManagedPostgresDatabase } {
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
