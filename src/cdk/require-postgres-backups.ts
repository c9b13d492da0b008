import { Annotations, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import {
  RequirePostgresBackupsOptions, RequirePostgresBackupsPlan, UNPROTECTED_DATABASE_ANNOTATION_ID, backedUpDatabases, guardedEngineOf,
  isGuardedDatabase, planRequirePostgresBackups, unprotectedDatabaseFinding,
} from '../core/aws/require-postgres-backups';

export { BACKUP_PROTECTION_KINDS, UNPROTECTED_DATABASE_ANNOTATION_ID } from '../core/aws/require-postgres-backups';

/**
 * Props of {@link RequirePostgresBackups}: core's options. A warning is acknowledged per database with
 * `Annotations.of(db).acknowledgeWarning('postgres-backup:unprotected-database', reason)`.
 */
export interface RequirePostgresBackupsProps extends RequirePostgresBackupsOptions {}

/**
 * An Aspect that proves every PostgreSQL database of an app is backed up: each RDS for PostgreSQL instance and
 * Aurora PostgreSQL cluster in its scope that no backup construct of this library covers (a `ScheduledPgDump`, a
 * `ManagedPostgresBackupPlan` or a `PostgresBackupBlueprint`, which record what they protect as construct metadata; a
 * `SelfHostedPitrArchive` protects a server of its own, not an RDS database) gets an error annotation naming its construct path, or a warning by option.
 *
 * ```ts
 * Aspects.of(app).add(new RequirePostgresBackups());
 * ```
 *
 * Instances of an Aurora cluster are covered by the cluster; read replicas are skipped unless asked for; other
 * engines are ignored.
 */
export class RequirePostgresBackups implements IAspect {
  private readonly plan: RequirePostgresBackupsPlan;
  private readonly protectedPaths = new WeakMap<IConstruct, Set<string>>();

  constructor(props: RequirePostgresBackupsProps = {}) {
    this.plan = planRequirePostgresBackups(props, CDK_VALIDATION_OPTIONS);
  }

  public visit(node: IConstruct): void {
    const database = postgresDatabaseOf(node, this.plan);
    if (database === undefined) return;
    const path = database.node.path;
    if (this.protectedIn(node.node.root).has(path)) return;
    const message = unprotectedDatabaseFinding(path, 'cdk');
    if (this.plan.level === 'error') {
      Annotations.of(database).addError(message);
    } else {
      Annotations.of(database).addWarningV2(UNPROTECTED_DATABASE_ANNOTATION_ID, message);
    }
  }

  /** The construct paths that backup constructs anywhere in the app record as protected. */
  private protectedIn(root: IConstruct): Set<string> {
    // Aspects run after the app is built, so the metadata is complete; it is read once per app.
    const paths = this.protectedPaths.get(root) ?? backedUpDatabases(root.node.findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === PROTECTION_METADATA_TYPE).map((entry) => entry.data)));
    this.protectedPaths.set(root, paths);
    return paths;
  }
}

/**
 * The construct that stands for a PostgreSQL database, when `node` is one: an L2 instance or cluster (its default
 * child is the CloudFormation resource), or a bare `CfnDBInstance` / `CfnDBCluster`.
 */
function postgresDatabaseOf(node: IConstruct, plan: RequirePostgresBackupsPlan): IConstruct | undefined {
  const resource = node instanceof rds.CfnDBInstance || node instanceof rds.CfnDBCluster ? node : undefined;
  // An engine known only at deploy time cannot be read at synth time.
  if (resource === undefined || resource.engine === undefined || Token.isUnresolved(resource.engine)) return undefined;
  const instance = resource instanceof rds.CfnDBInstance ? resource : undefined;
  const guarded = isGuardedDatabase(plan, {
    engine: guardedEngineOf(resource.engine) ?? 'other',
    clusterMember: instance?.dbClusterIdentifier !== undefined,
    readReplica: instance?.sourceDbInstanceIdentifier !== undefined,
  });
  if (!guarded) return undefined;
  const parent = resource.node.scope;
  return parent !== undefined && parent.node.defaultChild === resource && !(parent instanceof Stack) ? parent : resource;
}
