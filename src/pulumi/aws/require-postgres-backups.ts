import * as pulumi from '@pulumi/pulumi';
import {
  BackupProtectionKind, GuardedCandidate, RECORDING_BACKUP_CONSTRUCTS, RequirePostgresBackupsOptions, RequirePostgresBackupsPlan,
  UNPROTECTED_DATABASE_ACKNOWLEDGEMENT, checkBackupProtectionKind, planRequirePostgresBackups, unprotectedCandidates, unprotectedDatabaseMessage,
  unprotectedDatabasesMessage,
} from '../../core/aws/require-postgres-backups';
import { Validator } from '../../core/policy/validation';

export type { BackupProtectionKind } from '../../core/aws/require-postgres-backups';

/** The RDS resources of this program that a backup component protects, and how; weak, so the registry keeps nothing alive. */
const protections = new WeakMap<pulumi.Resource, Set<BackupProtectionKind>>();

/**
 * Records that a backup component of this library protects `resource`, an RDS instance or cluster of this program, for
 * {@link RequirePostgresBackups}. `ScheduledPgDump` records a logical dump, `ManagedPostgresBackupPlan` a managed
 * backup; a database given by secret, identifier or ARN has no resource here (`undefined`), and nothing is recorded.
 */
export function recordProtectedDatabase(resource: pulumi.Resource | undefined, kind: 'logical-dump' | 'managed-backup' | 'wal-archive'): void {
  // Callers from plain JavaScript are not held to the type.
  checkBackupProtectionKind(kind);
  if (resource === undefined) return;
  let kinds = protections.get(resource);
  if (kinds === undefined) {
    kinds = new Set();
    protections.set(resource, kinds);
  }
  kinds.add(kind);
}

/**
 * Props of {@link RequirePostgresBackups}: core's options. At level `error` {@link RequirePostgresBackups.check}
 * throws, so `pulumi preview` and `pulumi up` fail before any change; at `warning` it logs a warning on each
 * unprotected database and the program goes on. A read replica is an instance with `replicateSourceDb` set.
 */
export interface RequirePostgresBackupsProps extends RequirePostgresBackupsOptions {}

/**
 * Thrown by {@link RequirePostgresBackups.check} at level `error`: one error naming every unprotected database, so
 * they are all fixed in one pass.
 */
export class UnprotectedPostgresDatabasesError extends Error {
  /** The Pulumi resource names of the unprotected databases, in the order they were created. */
  public readonly databases: readonly string[];

  constructor(message: string, databases: readonly string[]) {
    super(message);
    this.name = 'UnprotectedPostgresDatabasesError';
    this.databases = databases;
  }
}

const INSTANCE_TYPE = 'aws:rds/instance:Instance';
const CLUSTER_TYPE = 'aws:rds/cluster:Cluster';

/** An RDS instance or cluster the guard saw being created. */
interface RdsCandidate extends GuardedCandidate {
  readonly resource: pulumi.Resource;
}

/**
 * Proves that every PostgreSQL database of a Pulumi program is backed up: each RDS for PostgreSQL instance and
 * Aurora PostgreSQL cluster (`aws.rds.Instance` with engine `postgres`, `aws.rds.Cluster` with engine
 * `aurora-postgresql` or `postgres`) created after the guard that no `ScheduledPgDump`, `ManagedPostgresBackupPlan`
 * or `PostgresBackupBlueprint` of this library protects (through `PostgresDatabase.fromInstance/fromCluster` or
 * `ManagedPostgresDatabase.fromInstance/fromCluster`) is reported by {@link RequirePostgresBackups.check}: all of
 * them in one error, or a warning on each by option.
 *
 * ```ts
 * const guard = new RequirePostgresBackups();   // first, before the resources it is to see
 * const orders = new aws.rds.Instance('orders', { engine: 'postgres', ... });
 * new ScheduledPgDump('orders', { database: PostgresDatabase.fromInstance(orders), ... });
 * const scratch = new aws.rds.Instance('scratch', { engine: 'postgres', ... });
 * guard.acknowledge(scratch, 'rebuilt from fixtures by every test run');
 * export const unprotectedDatabases = guard.check();   // last
 * ```
 *
 * Aurora cluster instances (`aws.rds.ClusterInstance`) are covered by their cluster and never checked; read replicas
 * are skipped unless asked for; other engines are ignored; resources read with `get` are not this program's and are
 * not checked.
 *
 * How it differs from the CDK Aspect:
 * - Pulumi has no phase after the program is built in which an aspect could visit the tree, so the program calls
 *   {@link RequirePostgresBackups.check} after creating its resources. Resources created after that call, such as
 *   those created inside `apply` callbacks that run later, are not seen; neither are resources created before the
 *   guard, nor the children of components created before it (a component takes its transformations when it is
 *   created).
 * - The guard sees resources through `pulumi.runtime.registerStackTransformation`: a transformation the SDK runs in
 *   the program itself, synchronously, while each resource is constructed, with the resource object, type, name and
 *   inputs. The newer `registerResourceTransform` runs in the Pulumi engine, asynchronously, and is refused under
 *   `pulumi.runtime.setMocks` ("The Pulumi CLI does not support transforms"), so a guard built on it could not be
 *   unit tested, and its findings would not be complete when the program's last line runs. A stack transformation
 *   needs the stack resource, which `pulumi up` and `pulumi preview` always have; a unit test creates it with
 *   `pulumi.runtime.runInPulumiStack`. It does not see the children of multi-language components, which the engine
 *   constructs in another process.
 * - An engine given as an output or a promise, or not given (an instance restored from a snapshot; a read replica
 *   whose source is not an instance of this program), is not known while the program runs. Such a database is checked
 *   as if it were PostgreSQL, and the finding says so: skipping it would let an unprotected database pass. Acknowledge
 *   it when it is not PostgreSQL. A read replica whose `replicateSourceDb` is its source's `identifier`, `arn` or `id`
 *   (or the source's plain identifier) has the source's engine.
 * - A database that deliberately needs no backup is acknowledged with {@link RequirePostgresBackups.acknowledge},
 *   the counterpart of CDK's `Annotations.acknowledgeWarning`, at either level.
 */
export class RequirePostgresBackups {
  /** The level findings are reported at. */
  public readonly level: 'error' | 'warning';
  /** Whether read replicas are checked too. */
  public readonly includeReadReplicas: boolean;
  private readonly plan: RequirePostgresBackupsPlan;
  private readonly candidates: RdsCandidate[] = [];
  private readonly acknowledged = new Map<pulumi.Resource, string>();

  constructor(props: RequirePostgresBackupsProps = {}) {
    const plan = planRequirePostgresBackups(props);
    this.plan = plan;
    this.level = plan.level;
    this.includeReadReplicas = plan.includeReadReplicas;
    try {
      pulumi.runtime.registerStackTransformation((args) => {
        this.observe(args);
        // The guard only looks: the resource is created as the program wrote it.
        return undefined;
      });
    } catch (error) {
      throw new Error('RequirePostgresBackups must be created inside a Pulumi program, where the stack resource exists '
        + `(in a unit test under pulumi.runtime.setMocks, inside pulumi.runtime.runInPulumiStack): ${(error as Error).message}`);
    }
  }

  /**
   * Accepts that `database` has no backups, for `reason` (why it needs none: scratch data, rebuilt from a source,
   * backed up outside this library…), so {@link RequirePostgresBackups.check} passes it at either level.
   */
  public acknowledge(database: pulumi.Resource, reason: string): void {
    const validator = new Validator();
    if (typeof reason !== 'string' || reason.trim() === '') {
      validator.report({
        path: 'RequirePostgresBackups.acknowledge.reason', value: reason, allowed: 'a non-empty reason why the database needs no backups',
      });
    }
    validator.throwIfInvalid();
    this.acknowledged.set(database, reason);
  }

  /**
   * Reports every PostgreSQL database created since the guard that no backup component protects and that is not
   * acknowledged: at level `error` it throws one {@link UnprotectedPostgresDatabasesError} naming them all; at level
   * `warning` it logs a warning on each. Call it after the program has created its resources.
   *
   * @returns the Pulumi resource names of the unprotected databases (empty when all are protected), e.g. to export
   *   as a stack output at level `warning`
   */
  public check(): string[] {
    const unprotected = unprotectedCandidates(this.plan, this.candidates,
      (candidate) => protections.has(candidate.resource) || this.acknowledged.has(candidate.resource));
    const names = unprotected.map(({ candidate }) => candidate.name);
    if (unprotected.length === 0) return names;
    const [constructs, advice] = [RECORDING_BACKUP_CONSTRUCTS, UNPROTECTED_DATABASE_ACKNOWLEDGEMENT.pulumi];
    if (this.level === 'warning') {
      for (const { candidate, subject } of unprotected) {
        void pulumi.log.warn(unprotectedDatabaseMessage(subject, constructs, advice), candidate.resource);
      }
      return names;
    }
    throw new UnprotectedPostgresDatabasesError(unprotectedDatabasesMessage(unprotected.map(({ subject }) => subject), constructs, advice), names);
  }

  private observe(args: pulumi.ResourceTransformationArgs): void {
    if (args.type !== INSTANCE_TYPE && args.type !== CLUSTER_TYPE) return;
    // `get` reads a database another program manages; an `import` adopts one, which this program then manages.
    if (args.opts.id !== undefined) return;
    const instance = args.type === INSTANCE_TYPE;
    // The resource's outputs are set only once it is constructed, after this transformation.
    const attributes = args.resource as unknown as Record<string, unknown>;
    this.candidates.push({
      resource: args.resource,
      name: args.name,
      type: args.type,
      instance,
      engine: args.props.engine,
      identifier: args.props.identifier,
      references: () => [attributes.identifier, attributes.arn, attributes.id],
      replicateSourceDb: instance ? args.props.replicateSourceDb : undefined,
    });
  }
}
