import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { DatabaseStorageEncryption } from '../core/aws/managed-backup-plan';

/** Which kind of managed database: an RDS for PostgreSQL DB instance or an Aurora PostgreSQL cluster. */
export type ManagedPostgresKind = 'instance' | 'aurora-cluster';

/** Options of {@link ManagedPostgresDatabase.fromInstance} and {@link ManagedPostgresDatabase.fromCluster}. */
export interface ManagedPostgresDatabaseOptions {
  /**
   * The KMS key the database's storage is encrypted with, when it is a customer managed key (rds constructs do not
   * expose it). Restore drills are granted its use, and account copies are allowed to use it.
   * @default - none known: grants on the key are left to the user (a synth warning says which)
   */
  readonly storageEncryptionKey?: kms.IKey;
  /**
   * The database (inside the server) the restore drill checks.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * How its storage is encrypted; it decides whether snapshots may be copied to another account. Read from the
   * construct of a database defined in this app; name it for an imported one.
   * @default - read from the construct; for an imported database 'customer-managed-key' when `storageEncryptionKey`
   * is given, else 'unknown'
   */
  readonly storageEncryption?: DatabaseStorageEncryption;
  /**
   * The secret with its master `username` and `password` (a restored snapshot keeps them), for the drill's checks:
   * name it for an imported database, which carries none.
   * @default - the construct's own secret; none for an imported database (a restore drill of it then needs one)
   */
  readonly secret?: secretsmanager.ISecret;
}

/** A managed database that CDK does not manage, named by its identifier. */
export interface ImportedManagedPostgresProps extends ManagedPostgresDatabaseOptions {
  /** DB instance identifier or Aurora cluster identifier. */
  readonly identifier: string;
  /** What the identifier names. */
  readonly kind: ManagedPostgresKind;
  /**
   * Port the database listens on (a restored snapshot keeps it).
   * @default 5432
   */
  readonly port?: number;
  /**
   * PostgreSQL major version, which selects the client tools of the drill's runner image.
   * @default - none: a restore drill of this database needs it
   */
  readonly postgresMajorVersion?: number;
}

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
    if (!(instance instanceof rds.DatabaseInstanceBase) || !(resource instanceof rds.CfnDBInstance)) {
      return ManagedPostgresDatabase.fromImportedConstruct('instance', instance.instanceIdentifier, () => instance.instanceArn,
        instance.engine, instance.connections.defaultPort?.toRuleJson().fromPort, options);
    }
    return new ManagedPostgresDatabase({
      kind: 'instance',
      identifier: instance.instanceIdentifier,
      arnOf: () => instance.instanceArn,
      construct: instance,
      resource,
      engineFamily: instance.engine?.engineFamily,
      postgresMajorVersion: majorOf(instance.engine?.engineVersion?.majorVersion),
      storageEncryption: encryptionOf(resource.storageEncrypted, resource.kmsKeyId, false),
      secret: (instance as { secret?: secretsmanager.ISecret }).secret,
      port: portOf(resource.port),
      protectedConstructs: [instance],
      ...options,
    });
  }

  /**
   * An Aurora PostgreSQL cluster defined in this app (its instances are covered by the cluster's backups), or one
   * imported with `rds.DatabaseCluster.fromDatabaseClusterAttributes` (its settings are then only checked, and its
   * secret and storage encryption are named in `options`).
   */
  public static fromCluster(cluster: rds.IDatabaseCluster, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    const resource = cluster.node.defaultChild;
    if (!(cluster instanceof rds.DatabaseCluster) || !(resource instanceof rds.CfnDBCluster)) {
      return ManagedPostgresDatabase.fromImportedConstruct('aurora-cluster', cluster.clusterIdentifier, () => cluster.clusterArn,
        cluster.engine, cluster.connections.defaultPort?.toRuleJson().fromPort, options);
    }
    const instances = cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance).map((child) => child.node.scope as IConstruct);
    return new ManagedPostgresDatabase({
      kind: 'aurora-cluster',
      identifier: cluster.clusterIdentifier,
      arnOf: () => cluster.clusterArn,
      construct: cluster,
      resource,
      engineFamily: cluster.engine?.engineFamily,
      postgresMajorVersion: majorOf(cluster.engine?.engineVersion?.majorVersion),
      // Aurora clusters made by rds.DatabaseCluster are encrypted unless told otherwise.
      storageEncryption: encryptionOf(resource.storageEncrypted, resource.kmsKeyId, true),
      secret: cluster.secret,
      port: portOf(resource.port),
      protectedConstructs: [cluster, ...instances],
      ...options,
    });
  }

  /** A database this app does not define, by identifier. */
  public static fromIdentifier(props: ImportedManagedPostgresProps): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      ...props,
      kind: props.kind,
      identifier: props.identifier,
      arnOf: (scope) => Stack.of(scope).formatArn({
        service: 'rds',
        resource: props.kind === 'instance' ? 'db' : 'cluster',
        resourceName: props.identifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      engineFamily: 'POSTGRESQL',
      storageEncryption: props.storageEncryption ?? (props.storageEncryptionKey ? 'customer-managed-key' : 'unknown'),
      protectedConstructs: [],
    });
  }

  /** A database this app does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
  public static fromArn(arn: string, props: Omit<ImportedManagedPostgresProps, 'identifier' | 'kind'> = {}): ManagedPostgresDatabase {
    const parts = Token.isUnresolved(arn) ? undefined : /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):([A-Za-z][A-Za-z0-9-]*)$/.exec(arn);
    if (!parts) {
      throw new Error(`ManagedPostgresDatabase.fromArn: ${JSON.stringify(arn)} is not the ARN of an RDS DB instance (…:db:<id>) or Aurora cluster (…:cluster:<id>)`);
    }
    const database = ManagedPostgresDatabase.fromIdentifier({ ...props, identifier: parts[2], kind: parts[1] === 'db' ? 'instance' : 'aurora-cluster' });
    return new ManagedPostgresDatabase({ ...database.spec, arnOf: () => arn });
  }

  /** A database imported as an rds construct: what the construct knows, the rest from the options. */
  private static fromImportedConstruct(
    kind: ManagedPostgresKind,
    identifier: string,
    arnOf: () => string,
    engine: rds.IEngine | undefined,
    port: number | undefined,
    options: ManagedPostgresDatabaseOptions,
  ): ManagedPostgresDatabase {
    return new ManagedPostgresDatabase({
      ...options,
      kind,
      identifier,
      arnOf,
      engineFamily: engine?.engineFamily ?? 'POSTGRESQL',
      postgresMajorVersion: majorOf(engine?.engineVersion?.majorVersion),
      storageEncryption: options.storageEncryption ?? (options.storageEncryptionKey ? 'customer-managed-key' : 'unknown'),
      port: portOf(port),
      protectedConstructs: [],
    });
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
    this.kind = spec.kind;
    this.identifier = spec.identifier;
    this.construct = spec.construct;
    this.resource = spec.resource;
    this.storageEncryption = spec.storageEncryption;
    this.storageEncryptionKey = spec.storageEncryptionKey;
    this.secret = spec.secret;
    this.port = spec.port ?? 5432;
    this.postgresMajorVersion = spec.postgresMajorVersion;
    this.databaseName = spec.databaseName ?? 'postgres';
    this.engineFamily = spec.engineFamily;
    this.backupResourceType = spec.kind === 'instance' ? 'RDS' : 'Aurora';
    this.protectedConstructs = spec.protectedConstructs;
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

interface DatabaseSpec extends ManagedPostgresDatabaseOptions {
  readonly kind: ManagedPostgresKind;
  readonly identifier: string;
  readonly arnOf: (scope: Construct) => string;
  readonly construct?: rds.DatabaseInstanceBase | rds.DatabaseCluster;
  readonly resource?: rds.CfnDBInstance | rds.CfnDBCluster;
  readonly engineFamily?: string;
  readonly postgresMajorVersion?: number;
  readonly storageEncryption: DatabaseStorageEncryption;
  readonly secret?: secretsmanager.ISecret;
  readonly port?: number;
  readonly protectedConstructs: readonly IConstruct[];
}

function majorOf(version: string | undefined): number | undefined {
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  return major !== undefined && Number.isInteger(major) ? major : undefined;
}

/** The port a CloudFormation resource names (a string on DB instances, a number on clusters), when it is literal. */
function portOf(port: string | number | undefined): number | undefined {
  if (port === undefined || Token.isUnresolved(port)) return undefined;
  const value = Number(port);
  return Number.isInteger(value) ? value : undefined;
}

/** Reads the encryption of a database from its CloudFormation resource. */
function encryptionOf(storageEncrypted: unknown, kmsKeyId: string | undefined, encryptedByDefault: boolean): DatabaseStorageEncryption {
  if (kmsKeyId !== undefined) return 'customer-managed-key';
  if (storageEncrypted === undefined) return encryptedByDefault ? 'aws-managed-key' : 'none';
  if (typeof storageEncrypted !== 'boolean') return 'unknown';
  return storageEncrypted ? 'aws-managed-key' : 'none';
}
