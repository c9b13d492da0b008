import * as pulumi from '@pulumi/pulumi';
import {
  BackupProtectionKind, GuardedCandidate, ProtectedDatabases, RequirePostgresBackupsOptions, RequirePostgresBackupsPlan, checkAcknowledgementReason,
  guardedCandidateOf, planRequirePostgresBackups, unprotectedDatabasesReport,
} from '../../core/aws/require-postgres-backups';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export type { BackupProtectionKind } from '../../core/aws/require-postgres-backups';

/** The RDS resources of this program that a backup component protects. */
const protections = new ProtectedDatabases<pulumi.Resource>();

/**
 * Records that a backup component of this library protects `resource`, an RDS instance or cluster of this program, for
 * {@link RequirePostgresBackups}. `ScheduledPgDump` records a logical dump, `ManagedPostgresBackupPlan` a managed
 * backup; a database given by secret, identifier or ARN has no resource here (`undefined`), and nothing is recorded.
 */
export function recordProtectedDatabase(resource: pulumi.Resource | undefined, kind: BackupProtectionKind): void {
  protections.record(resource, kind);
}

/** Props of {@link RequirePostgresBackups}: core's options (a read replica is an instance with `replicateSourceDb` set). */
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

/** The level and whether read replicas are checked, as core resolved them. */
export interface RequirePostgresBackups extends RequirePostgresBackupsPlan {}

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
 * Aurora cluster instances (`aws.rds.ClusterInstance`) are covered by their cluster; read replicas are skipped unless asked for; other engines
 * are ignored; resources read with `get` are not this program's and are not checked. Unlike the CDK Aspect:
 * - Pulumi has no phase after the program is built, so the program calls {@link RequirePostgresBackups.check} last.
 *   Resources created before the guard (or inside components created before it), after `check()` (such as those
 *   created inside `apply` callbacks that run later), and the children of multi-language components are not seen.
 * - The guard sees resources through a stack transformation, which needs the stack resource: `pulumi up` and
 *   `pulumi preview` have it; a unit test creates it with `pulumi.runtime.runInPulumiStack`.
 * - An engine given as an output or a promise, or not given (an instance restored from a snapshot; a read replica
 *   whose source is not an instance of this program), is not known while the program runs: such a database is checked
 *   as PostgreSQL, and the finding says so; acknowledge it when it is not PostgreSQL. A read replica whose
 *   `replicateSourceDb` is its source's `identifier`, `arn` or `id` has the source's engine.
 * - A database that deliberately needs no backup is acknowledged with {@link RequirePostgresBackups.acknowledge}
 *   (CDK's `Annotations.acknowledgeWarning`), at either level.
 */
export class RequirePostgresBackups {
  private readonly plan: RequirePostgresBackupsPlan;
  private readonly candidates: (GuardedCandidate & { readonly resource: pulumi.Resource })[] = [];
  private readonly acknowledged = new Map<pulumi.Resource, string>();

  constructor(props: RequirePostgresBackupsProps = {}) {
    this.plan = planRequirePostgresBackups(props, PULUMI_VALIDATION_OPTIONS);
    Object.assign(this, this.plan);
    try {
      // A stack transformation runs in the program, synchronously, as each resource is constructed, so the findings
      // are complete when `check()` runs; `registerResourceTransform` runs in the engine, later, and is refused under
      // `pulumi.runtime.setMocks`. The guard only looks: the resource is created as the program wrote it.
      pulumi.runtime.registerStackTransformation((args) => {
        const candidate = guardedCandidateOf({ ...args, readId: args.opts.id });
        if (candidate) this.candidates.push(candidate);
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
    checkAcknowledgementReason(reason);
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
    const report = unprotectedDatabasesReport(this.plan, this.candidates,
      (candidate) => protections.has(candidate.resource) || this.acknowledged.has(candidate.resource));
    if (report.error !== undefined) throw new UnprotectedPostgresDatabasesError(report.error, report.names);
    for (const { candidate, message } of report.warnings) void pulumi.log.warn(message, candidate.resource);
    return report.names;
  }
}
