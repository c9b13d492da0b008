import type * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { DatabaseStorageEncryption } from '../../core/aws/managed-backup-plan';
import {
  ImportedManagedPostgresOptions, ManagedDatabaseSettings, ManagedPostgresKind, ResolvedManagedDatabase, automatedBackupArguments,
  checkManagedDatabaseProps, managedDatabaseArnResource, parseManagedDatabaseArn, reportedManagedSettings, resolveManagedDatabase,
} from '../../core/aws/managed-postgres-database';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export type { ManagedDatabaseSettings, ManagedPostgresKind } from '../../core/aws/managed-postgres-database';

/** Options of {@link ManagedPostgresDatabase.fromInstance} and {@link ManagedPostgresDatabase.fromCluster}. */
export interface ManagedPostgresDatabaseOptions {
  /**
   * How the database's storage is encrypted. A Pulumi program sees the key ARN RDS reports (the `aws/rds` key too), so
   * a customer managed key is named here; it decides whether snapshots may be copied to another account.
   * @default - 'none' for unencrypted storage, else 'unknown' (account copies are then not checked)
   */
  readonly storageEncryption?: DatabaseStorageEncryption;
}

/** A managed database this program does not define, by identifier. */
export interface ImportedManagedPostgresProps extends ImportedManagedPostgresOptions {
  /**
   * How its storage is encrypted.
   * @default 'unknown'
   */
  readonly storageEncryption?: DatabaseStorageEncryption;
}

interface DatabaseSpec {
  readonly kind: ManagedPostgresKind;
  readonly identifier: pulumi.Output<string>;
  readonly arnOf: (environment: AwsEnvironment) => pulumi.Output<string>;
  readonly storageEncryption: pulumi.Output<DatabaseStorageEncryption>;
  readonly settings?: pulumi.Output<ManagedDatabaseSettings>;
  readonly resource?: pulumi.CustomResource;
}

/** What core resolves of every database: its kind and AWS Backup's resource type for it. */
export interface ManagedPostgresDatabase extends Pick<ResolvedManagedDatabase, 'kind' | 'backupResourceType'> {}

/**
 * A managed PostgreSQL database whose backups a {@link ManagedPostgresBackupPlan} sets up: an RDS for PostgreSQL
 * instance, an Aurora PostgreSQL cluster, or one imported by identifier or ARN.
 */
export class ManagedPostgresDatabase {
  /** An RDS for PostgreSQL instance of this program. */
  public static fromInstance(instance: rds.Instance, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    checkManagedDatabaseProps(options, 'fromInstance', PULUMI_VALIDATION_OPTIONS);
    return ManagedPostgresDatabase.ofResource('instance', instance, instance.identifier, options, [instance.backupWindow, instance.maintenanceWindow]);
  }

  /** An Aurora PostgreSQL cluster of this program; its instances are covered by the cluster's backups. */
  public static fromCluster(cluster: rds.Cluster, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    checkManagedDatabaseProps(options, 'fromCluster', PULUMI_VALIDATION_OPTIONS);
    const windows = [cluster.preferredBackupWindow, cluster.preferredMaintenanceWindow] as const;
    return ManagedPostgresDatabase.ofResource('aurora-cluster', cluster, cluster.clusterIdentifier, options, windows);
  }

  /** A database this program does not define, by identifier, in the provider's account and region. */
  public static fromIdentifier(props: ImportedManagedPostgresProps): ManagedPostgresDatabase {
    checkManagedDatabaseProps(props, 'fromIdentifier', PULUMI_VALIDATION_OPTIONS);
    // The identifier may be another resource's output: the ARN is formed once it is known.
    const identifier = pulumi.output(props.identifier);
    return new ManagedPostgresDatabase({
      kind: props.kind,
      identifier,
      arnOf: (environment) => formatArn(environment, 'rds', identifier.apply((known) => managedDatabaseArnResource(props.kind, known))),
      storageEncryption: pulumi.output(resolveManagedDatabase({ kind: props.kind, storageEncryption: props.storageEncryption }).storageEncryption),
    });
  }

  /** A database this program does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
  public static fromArn(arn: string, props: Omit<ImportedManagedPostgresProps, 'identifier' | 'kind'> = {}): ManagedPostgresDatabase {
    const database = ManagedPostgresDatabase.fromIdentifier({ ...props, ...parseManagedDatabaseArn(arn) });
    return new ManagedPostgresDatabase({ ...database.spec, arnOf: () => pulumi.output(arn) });
  }

  /** An instance or cluster of this program: its automated-backup arguments are read back as its settings. */
  private static ofResource(
    kind: ManagedPostgresKind,
    resource: rds.Instance | rds.Cluster,
    identifier: pulumi.Output<string>,
    options: ManagedPostgresDatabaseOptions,
    [preferredBackupWindow, preferredMaintenanceWindow]: readonly [backup: pulumi.Output<string>, maintenance: pulumi.Output<string>],
  ): ManagedPostgresDatabase {
    const { backupRetentionPeriod, copyTagsToSnapshot, deleteAutomatedBackups, skipFinalSnapshot } = resource;
    const settings = pulumi.output({
      backupRetentionPeriod, preferredBackupWindow, preferredMaintenanceWindow, copyTagsToSnapshot, deleteAutomatedBackups, skipFinalSnapshot,
    }).apply(reportedManagedSettings);
    const storageEncrypted: pulumi.Output<boolean | undefined> = resource.storageEncrypted;
    const storageEncryption = options.storageEncryption !== undefined ? pulumi.output(options.storageEncryption)
      : storageEncrypted.apply((encrypted): DatabaseStorageEncryption => (encrypted === false ? 'none' : 'unknown'));
    return new ManagedPostgresDatabase({ kind, resource, identifier, storageEncryption, arnOf: () => resource.arn, settings });
  }

  /** DB instance or cluster identifier. */
  public readonly identifier: pulumi.Output<string>;
  /** How its storage is encrypted, once known. */
  public readonly storageEncryption: pulumi.Output<DatabaseStorageEncryption>;
  /** Its automated-backup settings, for a database of this program. */
  public readonly settings?: pulumi.Output<ManagedDatabaseSettings>;
  /** The RDS resource of this program, when made from one (`fromInstance`, `fromCluster`). */
  public readonly resource?: pulumi.CustomResource;
  private readonly spec: DatabaseSpec;

  private constructor(spec: DatabaseSpec) {
    this.spec = spec;
    ({ identifier: this.identifier, storageEncryption: this.storageEncryption, settings: this.settings, resource: this.resource } = spec);
    const { kind, backupResourceType } = resolveManagedDatabase({ kind: spec.kind });
    Object.assign(this, { kind, backupResourceType });
  }

  /** Whether the database is defined in this program, so its settings are read back and checked. */
  public get managedHere(): boolean {
    return this.settings !== undefined;
  }

  /** Its ARN (in `environment` for an imported identifier). */
  public arn(environment: AwsEnvironment): pulumi.Output<string> {
    return this.spec.arnOf(environment);
  }
}

/** Props of {@link managedSnapshotArgs}. */
export interface ManagedSnapshotArgsProps {
  /** Identifier of the snapshot RDS takes when the database is deleted. */
  readonly finalSnapshotIdentifier: pulumi.Input<string>;
}

/**
 * The automated-backup arguments of an `aws.rds.Instance` for a snapshot policy (retention, windows, tags copied to
 * snapshots, a final snapshot and automated backups kept on deletion). In Pulumi a component cannot change another
 * resource's arguments after the fact as CDK does, so spread these into the instance; `ManagedPostgresBackupPlan`
 * then checks that the instance has them. For an `aws.rds.Cluster`, the windows are `preferredBackupWindow` and
 * `preferredMaintenanceWindow`: use {@link managedClusterSnapshotArgs}.
 */
export function managedSnapshotArgs(snapshots: ManagedDatabaseSettings, props: ManagedSnapshotArgsProps): Pick<rds.InstanceArgs,
  'backupRetentionPeriod' | 'backupWindow' | 'maintenanceWindow' | 'copyTagsToSnapshot' | 'deleteAutomatedBackups' | 'skipFinalSnapshot' | 'finalSnapshotIdentifier'> {
  const { preferredBackupWindow, preferredMaintenanceWindow, ...rest } = managedClusterSnapshotArgs(snapshots, props);
  return {
    ...rest,
    ...(preferredBackupWindow !== undefined ? { backupWindow: preferredBackupWindow } : {}),
    ...(preferredMaintenanceWindow !== undefined ? { maintenanceWindow: preferredMaintenanceWindow } : {}),
  };
}

/** {@link managedSnapshotArgs} for an `aws.rds.Cluster` (Aurora PostgreSQL), whose arguments are core's names. */
export function managedClusterSnapshotArgs(snapshots: ManagedDatabaseSettings, props: ManagedSnapshotArgsProps): Pick<rds.ClusterArgs,
  'backupRetentionPeriod' | 'preferredBackupWindow' | 'preferredMaintenanceWindow' | 'copyTagsToSnapshot' | 'deleteAutomatedBackups' | 'skipFinalSnapshot' | 'finalSnapshotIdentifier'> {
  const args = automatedBackupArguments(snapshots);
  return { ...args, ...(args.skipFinalSnapshot ? {} : { finalSnapshotIdentifier: props.finalSnapshotIdentifier }) };
}
