import type * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { DatabaseStorageEncryption } from '../../core/aws/managed-backup-plan';
import {
  ManagedDatabaseSettings, ManagedPostgresKind, backupResourceTypeOf, managedDatabaseArnResource, parseManagedDatabaseArn,
} from '../../core/aws/managed-postgres-database';

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
export interface ImportedManagedPostgresProps {
  /** DB instance identifier or Aurora cluster identifier. */
  readonly identifier: string;
  /** What the identifier names. */
  readonly kind: ManagedPostgresKind;
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

/**
 * A managed PostgreSQL database whose backups a {@link ManagedPostgresBackupPlan} sets up: an RDS for PostgreSQL
 * instance, an Aurora PostgreSQL cluster, or one imported by identifier or ARN.
 */
export class ManagedPostgresDatabase {
  /** An RDS for PostgreSQL instance of this program. */
  public static fromInstance(instance: rds.Instance, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      kind: 'instance',
      resource: instance,
      identifier: instance.identifier,
      arnOf: () => instance.arn,
      storageEncryption: encryptionOf(instance.storageEncrypted, options),
      settings: settingsOf([
        instance.backupRetentionPeriod, instance.backupWindow, instance.maintenanceWindow, instance.copyTagsToSnapshot,
        instance.deleteAutomatedBackups, instance.skipFinalSnapshot,
      ]),
    });
  }

  /** An Aurora PostgreSQL cluster of this program; its instances are covered by the cluster's backups. */
  public static fromCluster(cluster: rds.Cluster, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      kind: 'aurora-cluster',
      resource: cluster,
      identifier: cluster.clusterIdentifier,
      arnOf: () => cluster.arn,
      storageEncryption: encryptionOf(cluster.storageEncrypted, options),
      settings: settingsOf([
        cluster.backupRetentionPeriod, cluster.preferredBackupWindow, cluster.preferredMaintenanceWindow, cluster.copyTagsToSnapshot,
        cluster.deleteAutomatedBackups, cluster.skipFinalSnapshot,
      ]),
    });
  }

  /** A database this program does not define, by identifier, in the provider's account and region. */
  public static fromIdentifier(props: ImportedManagedPostgresProps): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      kind: props.kind,
      identifier: pulumi.output(props.identifier),
      arnOf: (environment) => formatArn(environment, 'rds', managedDatabaseArnResource(props.kind, props.identifier)),
      storageEncryption: pulumi.output(props.storageEncryption ?? 'unknown'),
    });
  }

  /** A database this program does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
  public static fromArn(arn: string, props: Omit<ImportedManagedPostgresProps, 'identifier' | 'kind'> = {}): ManagedPostgresDatabase {
    const { kind, identifier } = parseManagedDatabaseArn(arn);
    return new ManagedPostgresDatabase({
      kind,
      identifier: pulumi.output(identifier),
      arnOf: () => pulumi.output(arn),
      storageEncryption: pulumi.output(props.storageEncryption ?? 'unknown'),
    });
  }

  /** Instance or Aurora cluster. */
  public readonly kind: ManagedPostgresKind;
  /** DB instance or cluster identifier. */
  public readonly identifier: pulumi.Output<string>;
  /** How its storage is encrypted, once known. */
  public readonly storageEncryption: pulumi.Output<DatabaseStorageEncryption>;
  /** Its automated-backup settings, for a database of this program. */
  public readonly settings?: pulumi.Output<ManagedDatabaseSettings>;
  /** AWS Backup's resource type for it: `RDS` for an instance, `Aurora` for a cluster. */
  public readonly backupResourceType: 'RDS' | 'Aurora';
  /** The RDS resource of this program, when made from one (`fromInstance`, `fromCluster`). */
  public readonly resource?: pulumi.CustomResource;
  private readonly arnOf: (environment: AwsEnvironment) => pulumi.Output<string>;

  private constructor(spec: DatabaseSpec) {
    this.kind = spec.kind;
    this.identifier = spec.identifier;
    this.storageEncryption = spec.storageEncryption;
    this.settings = spec.settings;
    this.backupResourceType = backupResourceTypeOf(spec.kind);
    this.arnOf = spec.arnOf;
    this.resource = spec.resource;
  }

  /** Whether the database is defined in this program, so its settings are read back and checked. */
  public get managedHere(): boolean {
    return this.settings !== undefined;
  }

  /** Its ARN (in `environment` for an imported identifier). */
  public arn(environment: AwsEnvironment): pulumi.Output<string> {
    return this.arnOf(environment);
  }
}

function encryptionOf(
  storageEncrypted: pulumi.Output<boolean | undefined>, options: ManagedPostgresDatabaseOptions,
): pulumi.Output<DatabaseStorageEncryption> {
  if (options.storageEncryption !== undefined) return pulumi.output(options.storageEncryption);
  return storageEncrypted.apply((encrypted): DatabaseStorageEncryption => (encrypted === false ? 'none' : 'unknown'));
}

/** The automated-backup settings an instance or cluster reports: retention, windows, copy tags, delete-time behaviour. */
function settingsOf(values: [
  retention: pulumi.Output<number | undefined>, backupWindow: pulumi.Output<string | undefined>, maintenanceWindow: pulumi.Output<string | undefined>,
  copyTags: pulumi.Output<boolean | undefined>, deleteAutomated: pulumi.Output<boolean | undefined>, skipFinal: pulumi.Output<boolean | undefined>,
]): pulumi.Output<ManagedDatabaseSettings> {
  return pulumi.all(values).apply(([retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal]) => ({
    backupRetentionDays: retention,
    preferredBackupWindow: backupWindow || undefined,
    preferredMaintenanceWindow: maintenanceWindow || undefined,
    copyTagsToSnapshot: copyTags,
    finalSnapshot: deleteAutomated === false && skipFinal === false,
  }));
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
  const finalSnapshot = snapshots.finalSnapshot ?? true;
  return {
    backupRetentionPeriod: snapshots.backupRetentionDays ?? 7,
    ...(snapshots.preferredBackupWindow !== undefined ? { backupWindow: snapshots.preferredBackupWindow } : {}),
    ...(snapshots.preferredMaintenanceWindow !== undefined ? { maintenanceWindow: snapshots.preferredMaintenanceWindow } : {}),
    copyTagsToSnapshot: snapshots.copyTagsToSnapshot ?? true,
    deleteAutomatedBackups: !finalSnapshot,
    skipFinalSnapshot: !finalSnapshot,
    ...(finalSnapshot ? { finalSnapshotIdentifier: props.finalSnapshotIdentifier } : {}),
  };
}

/** {@link managedSnapshotArgs} for an `aws.rds.Cluster` (Aurora PostgreSQL). */
export function managedClusterSnapshotArgs(snapshots: ManagedDatabaseSettings, props: ManagedSnapshotArgsProps): Pick<rds.ClusterArgs,
  'backupRetentionPeriod' | 'preferredBackupWindow' | 'preferredMaintenanceWindow' | 'copyTagsToSnapshot' | 'deleteAutomatedBackups' | 'skipFinalSnapshot' | 'finalSnapshotIdentifier'> {
  const { backupWindow, maintenanceWindow, ...rest } = managedSnapshotArgs(snapshots, props);
  return {
    ...rest,
    ...(backupWindow !== undefined ? { preferredBackupWindow: backupWindow } : {}),
    ...(maintenanceWindow !== undefined ? { preferredMaintenanceWindow: maintenanceWindow } : {}),
  };
}
