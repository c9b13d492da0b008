import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { ImportedManagedPostgresProps, ManagedPostgresDatabaseOptions } from './managed-postgres-database-props';
import { DatabaseStorageEncryption } from '../core/aws/managed-backup-plan';
import {
  DEFAULT_DRILL_DATABASE_NAME, DEFAULT_MANAGED_DATABASE_PORT, ManagedPostgresKind, backupResourceTypeOf, importedStorageEncryption,
  managedDatabaseArnResource, parseManagedDatabaseArn, postgresMajorOf, storageEncryptionOf,
} from '../core/aws/managed-postgres-database';

export type { ManagedPostgresKind } from '../core/aws/managed-postgres-database';
export * from './managed-postgres-database-props';

/**
 * A managed PostgreSQL database whose backups a {@link ManagedPostgresBackupPlan} sets up: an RDS for PostgreSQL
 * instance, an Aurora PostgreSQL cluster, or one imported by identifier or ARN (whose settings cannot be changed
 * from here, only checked and warned about).
 */
export class ManagedPostgresDatabase {
  /**
   * An RDS for PostgreSQL instance defined in this app, or one imported with
   * `rds.DatabaseInstance.fromDatabaseInstanceAttributes` (its settings are then only checked, and its secret and
   * storage encryption are named in `options`).
   */
  public static fromInstance(instance: rds.IDatabaseInstance, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    const resource = instance.node.defaultChild;
    const identity = { identifier: instance.instanceIdentifier, arnOf: () => instance.instanceArn };
    if (!(instance instanceof rds.DatabaseInstanceBase) || !(resource instanceof rds.CfnDBInstance)) {
      return ManagedPostgresDatabase.fromImportedConstruct('instance', instance, identity, options);
    }
    const secret = (instance as { secret?: secretsmanager.ISecret }).secret;
    return ManagedPostgresDatabase.ofConstruct('instance', instance, resource, { ...identity, secret, protectedConstructs: [instance] }, options);
  }

  /**
   * An Aurora PostgreSQL cluster defined in this app (its instances are covered by the cluster's backups), or one
   * imported with `rds.DatabaseCluster.fromDatabaseClusterAttributes` (its settings are then only checked, and its
   * secret and storage encryption are named in `options`).
   */
  public static fromCluster(cluster: rds.IDatabaseCluster, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    const resource = cluster.node.defaultChild;
    const identity = { identifier: cluster.clusterIdentifier, arnOf: () => cluster.clusterArn };
    if (!(cluster instanceof rds.DatabaseCluster) || !(resource instanceof rds.CfnDBCluster)) {
      return ManagedPostgresDatabase.fromImportedConstruct('aurora-cluster', cluster, identity, options);
    }
    const instances = cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance).map((child) => child.node.scope as IConstruct);
    return ManagedPostgresDatabase.ofConstruct('aurora-cluster', cluster, resource, {
      ...identity, secret: cluster.secret, protectedConstructs: [cluster, ...instances],
    }, options);
  }

  /** A database this app does not define, by identifier. */
  public static fromIdentifier(props: ImportedManagedPostgresProps): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      ...props,
      kind: props.kind,
      identifier: props.identifier,
      arnOf: (scope) => Stack.of(scope).formatArn({
        service: 'rds', resource: managedDatabaseArnResource(props.kind, props.identifier), arnFormat: ArnFormat.NO_RESOURCE_NAME,
      }),
      engineFamily: 'POSTGRESQL',
      storageEncryption: importedStorageEncryption(props.storageEncryption, props.storageEncryptionKey !== undefined),
      protectedConstructs: [],
    });
  }

  /** A database this app does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
  public static fromArn(arn: string, props: Omit<ImportedManagedPostgresProps, 'identifier' | 'kind'> = {}): ManagedPostgresDatabase {
    const database = ManagedPostgresDatabase.fromIdentifier({ ...props, ...parseManagedDatabaseArn(arn) });
    return new ManagedPostgresDatabase({ ...database.spec, arnOf: () => arn });
  }

  /** A database defined in this app: what its construct and CloudFormation resource say, the rest from the options. */
  private static ofConstruct(
    kind: ManagedPostgresKind,
    construct: rds.DatabaseInstanceBase | rds.DatabaseCluster,
    resource: rds.CfnDBInstance | rds.CfnDBCluster,
    identity: Pick<DatabaseSpec, 'identifier' | 'arnOf' | 'secret' | 'protectedConstructs'>,
    options: ManagedPostgresDatabaseOptions,
  ): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      kind,
      ...identity,
      construct,
      resource,
      engineFamily: construct.engine?.engineFamily,
      postgresMajorVersion: postgresMajorOf(construct.engine?.engineVersion?.majorVersion),
      // Aurora clusters made by rds.DatabaseCluster are encrypted unless told otherwise.
      storageEncryption: storageEncryptionOf(resource.storageEncrypted, resource.kmsKeyId, kind === 'aurora-cluster'),
      port: portOf(resource.port),
      ...options,
    });
  }

  /** A database imported as an rds construct: what the construct knows, the rest from the options. */
  private static fromImportedConstruct(
    kind: ManagedPostgresKind,
    database: rds.IDatabaseInstance | rds.IDatabaseCluster,
    { identifier, arnOf }: { readonly identifier: string; readonly arnOf: () => string },
    options: ManagedPostgresDatabaseOptions,
  ): ManagedPostgresDatabase {
    const { spec } = ManagedPostgresDatabase.fromIdentifier({
      ...options,
      kind,
      identifier,
      postgresMajorVersion: postgresMajorOf(database.engine?.engineVersion?.majorVersion),
      port: portOf(database.connections.defaultPort?.toRuleJson().fromPort),
    });
    return new ManagedPostgresDatabase({ ...spec, arnOf, engineFamily: database.engine?.engineFamily ?? 'POSTGRESQL' });
  }

  /** Instance or Aurora cluster. */
  public readonly kind: ManagedPostgresKind;
  /** DB instance or cluster identifier (a token for databases defined in this app). */
  public readonly identifier: string;
  /** The rds construct, when the database is defined in this app (its settings can then be set). */
  public readonly construct?: rds.DatabaseInstanceBase | rds.DatabaseCluster;
  /** Its CloudFormation resource, when defined in this app. */
  public readonly resource?: rds.CfnDBInstance | rds.CfnDBCluster;
  /** How its storage is encrypted. */
  public readonly storageEncryption: DatabaseStorageEncryption;
  /** The customer managed key of its storage, when known. */
  public readonly storageEncryptionKey?: kms.IKey;
  /** The secret with its master credentials, when known. */
  public readonly secret?: secretsmanager.ISecret;
  /** The port it listens on. */
  public readonly port: number;
  /** Its PostgreSQL major version, when known. */
  public readonly postgresMajorVersion?: number;
  /** The database the restore drill checks. */
  public readonly databaseName: string;
  /** The engine family, `POSTGRESQL` for the databases this module protects. */
  public readonly engineFamily?: string;
  /** AWS Backup's resource type for it: `RDS` for an instance, `Aurora` for a cluster. */
  public readonly backupResourceType: 'RDS' | 'Aurora';
  /** The constructs its backups protect: the instance, or the cluster and its instances. */
  public readonly protectedConstructs: readonly IConstruct[];
  private readonly spec: DatabaseSpec;

  private constructor(spec: DatabaseSpec) {
    this.spec = spec;
    ({
      kind: this.kind, identifier: this.identifier, construct: this.construct, resource: this.resource, storageEncryption: this.storageEncryption,
      storageEncryptionKey: this.storageEncryptionKey, secret: this.secret, postgresMajorVersion: this.postgresMajorVersion,
      engineFamily: this.engineFamily, protectedConstructs: this.protectedConstructs,
    } = spec);
    this.port = spec.port ?? DEFAULT_MANAGED_DATABASE_PORT;
    this.databaseName = spec.databaseName ?? DEFAULT_DRILL_DATABASE_NAME;
    this.backupResourceType = backupResourceTypeOf(spec.kind);
  }

  /** Whether the database is defined in this app, so its backup settings can be set rather than only checked. */
  public get managedHere(): boolean {
    return this.resource !== undefined;
  }

  /** Its ARN, in the stack of `scope` for an imported identifier. */
  public arn(scope: Construct): string {
    return this.spec.arnOf(scope);
  }

  /** Construct paths of what its backups protect, as the protection metadata names them. */
  public protectedPaths(): string[] {
    return this.protectedConstructs.map((construct) => construct.node.path);
  }

  /** The ARN's account, when it is known at synth time. */
  public accountOf(scope: Construct): string | undefined {
    const arn = this.arn(scope);
    if (Token.isUnresolved(arn)) {
      const account = Stack.of(scope).account;
      return Token.isUnresolved(account) ? undefined : account;
    }
    return Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME).account;
  }
}

interface DatabaseSpec extends ImportedManagedPostgresProps {
  readonly arnOf: (scope: Construct) => string;
  readonly construct?: rds.DatabaseInstanceBase | rds.DatabaseCluster;
  readonly resource?: rds.CfnDBInstance | rds.CfnDBCluster;
  readonly engineFamily?: string;
  readonly storageEncryption: DatabaseStorageEncryption;
  readonly protectedConstructs: readonly IConstruct[];
}

/** The port a CloudFormation resource names (a string on DB instances, a number on clusters), when it is literal. */
function portOf(port: string | number | undefined): number | undefined {
  if (port === undefined || Token.isUnresolved(port)) return undefined;
  const value = Number(port);
  return Number.isInteger(value) ? value : undefined;
}
