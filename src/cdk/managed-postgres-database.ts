import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { ImportedManagedPostgresProps, ManagedPostgresDatabaseOptions } from './managed-postgres-database-props';
import {
  ManagedDatabaseReading, ManagedPostgresKind, ResolvedManagedDatabase, checkManagedDatabaseProps, managedDatabaseArnResource,
  parseManagedDatabaseArn, resolveManagedDatabase,
} from '../core/aws/managed-postgres-database';

export type { ManagedPostgresKind } from '../core/aws/managed-postgres-database';
export * from './managed-postgres-database-props';

/** What core resolves of the database: its kind, engine, major, encryption, port and the database a drill checks. */
export interface ManagedPostgresDatabase extends ResolvedManagedDatabase {}

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
    checkManagedDatabaseProps(options, 'fromInstance', CDK_VALIDATION_OPTIONS);
    const resource = instance.node.defaultChild;
    const secret = (instance as { secret?: secretsmanager.ISecret }).secret;
    const defined = instance instanceof rds.DatabaseInstanceBase && resource instanceof rds.CfnDBInstance
      ? { construct: instance, resource, secret, protectedConstructs: [instance] } : undefined;
    return ManagedPostgresDatabase.ofConstruct('instance', instance, instance.instanceIdentifier, () => instance.instanceArn, defined, options);
  }

  /**
   * An Aurora PostgreSQL cluster defined in this app (its instances are covered by the cluster's backups), or one
   * imported with `rds.DatabaseCluster.fromDatabaseClusterAttributes` (its settings are then only checked, and its
   * secret and storage encryption are named in `options`).
   */
  public static fromCluster(cluster: rds.IDatabaseCluster, options: ManagedPostgresDatabaseOptions = {}): ManagedPostgresDatabase {
    checkManagedDatabaseProps(options, 'fromCluster', CDK_VALIDATION_OPTIONS);
    const resource = cluster.node.defaultChild;
    const instances = () => cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance).map((child) => child.node.scope!);
    const defined = cluster instanceof rds.DatabaseCluster && resource instanceof rds.CfnDBCluster
      ? { construct: cluster, resource, secret: cluster.secret, protectedConstructs: [cluster, ...instances()] } : undefined;
    return ManagedPostgresDatabase.ofConstruct('aurora-cluster', cluster, cluster.clusterIdentifier, () => cluster.clusterArn, defined, options);
  }

  /** A database this app does not define, by identifier. */
  public static fromIdentifier(props: ImportedManagedPostgresProps): ManagedPostgresDatabase {
    checkManagedDatabaseProps(props, 'fromIdentifier', CDK_VALIDATION_OPTIONS);
    const resource = managedDatabaseArnResource(props.kind, props.identifier);
    const arnOf = (scope: Construct) => Stack.of(scope).formatArn({ service: 'rds', resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    return new ManagedPostgresDatabase({ ...props, arnOf, protectedConstructs: [] });
  }

  /** A database this app does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
  public static fromArn(arn: string, props: Omit<ImportedManagedPostgresProps, 'identifier' | 'kind'> = {}): ManagedPostgresDatabase {
    const database = ManagedPostgresDatabase.fromIdentifier({ ...props, ...parseManagedDatabaseArn(arn) });
    return new ManagedPostgresDatabase({ ...database.spec, arnOf: () => arn });
  }

  /** An rds construct: what it says (and its CloudFormation resource, when this app defines it), the rest from the options. */
  private static ofConstruct(
    kind: ManagedPostgresKind, database: rds.IDatabaseInstance | rds.IDatabaseCluster, identifier: string, arnOf: () => string,
    defined: Pick<DatabaseSpec, 'construct' | 'resource' | 'secret' | 'protectedConstructs'> | undefined, options: ManagedPostgresDatabaseOptions,
  ): ManagedPostgresDatabase {
    const resource = defined?.resource;
    return new ManagedPostgresDatabase({
      ...defined,
      ...options,
      kind,
      identifier,
      arnOf,
      secret: options.secret ?? defined?.secret,
      protectedConstructs: defined?.protectedConstructs ?? [],
      storage: resource && { storageEncrypted: resource.storageEncrypted, kmsKeyId: resource.kmsKeyId },
      engineFamily: database.engine?.engineFamily,
      engineVersion: database.engine?.engineVersion?.majorVersion,
      port: resource ? portOf(resource.port) : database.connections.defaultPort?.toRuleJson().fromPort,
    });
  }

  /** DB instance or cluster identifier (a token for databases defined in this app). */
  public readonly identifier: string;
  /** The rds construct, when the database is defined in this app (its settings can then be set). */
  public readonly construct?: rds.DatabaseInstanceBase | rds.DatabaseCluster;
  /** Its CloudFormation resource, when defined in this app. */
  public readonly resource?: rds.CfnDBInstance | rds.CfnDBCluster;
  /** The customer managed key of its storage, when known. */
  public readonly storageEncryptionKey?: kms.IKey;
  /** The secret with its master credentials, when known. */
  public readonly secret?: secretsmanager.ISecret;
  /** The constructs its backups protect: the instance, or the cluster and its instances. */
  public readonly protectedConstructs: readonly IConstruct[];
  private readonly spec: DatabaseSpec;

  private constructor(spec: DatabaseSpec) {
    this.spec = spec;
    ({
      identifier: this.identifier, construct: this.construct, resource: this.resource, storageEncryptionKey: this.storageEncryptionKey,
      secret: this.secret, protectedConstructs: this.protectedConstructs,
    } = spec);
    Object.assign(this, resolveManagedDatabase(spec));
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

/** What the database is: core's reading of it, and its handles. */
interface DatabaseSpec extends ManagedDatabaseReading, Omit<ImportedManagedPostgresProps, 'storageEncryptionKey'> {
  readonly arnOf: (scope: Construct) => string;
  readonly construct?: rds.DatabaseInstanceBase | rds.DatabaseCluster;
  readonly resource?: rds.CfnDBInstance | rds.CfnDBCluster;
  readonly storageEncryptionKey?: kms.IKey;
  readonly protectedConstructs: readonly IConstruct[];
}

/** The port a CloudFormation resource names (a string on DB instances, a number on clusters), when it is literal. */
function portOf(port: string | number | undefined): number | undefined {
  if (port === undefined || Token.isUnresolved(port)) return undefined;
  const value = Number(port);
  return Number.isInteger(value) ? value : undefined;
}
