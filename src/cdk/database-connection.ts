import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct, Node } from 'constructs';
import { postgresMajorOf } from '../core/aws/managed-postgres-database';
import { PostgresServerOptions, RdsPostgresServerOptions, rdsConstructWithoutSecretMessage } from '../core/aws/postgres-database-connection';
import { DATABASE_INGRESS_DESCRIPTION } from '../core/aws/scheduled-pg-dump';
import { DEFAULT_POSTGRES_PORT, RunnerConnection, runnerConnection, runnerDatabaseUrl } from '../core/postgres/runner-connection';

export { RUNNER_DATABASE_SECRET_ENV } from '../core/postgres/runner-connection';

/** A database given by its secret, for {@link PostgresDatabase.fromSecret}: core's options, the secret and what lets the task in. */
export interface PostgresDatabaseSecretProps extends PostgresServerOptions {
  /**
   * The secret: RDS-style JSON with `username` and `password`, and `host`, `port`, `dbname` unless `host` is given.
   */
  readonly secret: secretsmanager.ISecret;
  /** What the dump task must be let through to reach the database (its security group, or the database construct). */
  readonly connections: ec2.IConnectable;
}

/** Options of {@link PostgresDatabase.fromInstance} and {@link PostgresDatabase.fromCluster}. */
export interface RdsPostgresDatabaseOptions extends RdsPostgresServerOptions {
  /**
   * The secret with the master `username` and `password`: for a database imported with
   * `rds.DatabaseInstance.fromDatabaseInstanceAttributes` or `rds.DatabaseCluster.fromDatabaseClusterAttributes`,
   * which carries no secret (e.g. `secretsmanager.Secret.fromSecretCompleteArn(…)`, or the RDS-managed secret). The
   * dump task then connects to the database's endpoint and reads only the user name and password from the secret.
   * @default - the secret the construct generated or was given
   */
  readonly secret?: secretsmanager.ISecret;
}

/** How the runner container learns where the database is and how to log in: core's shape, with ECS container secrets. */
export interface RunnerDatabaseWiring extends RunnerConnection<ecs.Secret> {}

/**
 * A PostgreSQL database a scheduled dump connects to: an RDS instance or Aurora cluster (its generated secret
 * and security group are wired in), or any server given by a secret and a security group.
 */
export class PostgresDatabase {
  /**
   * An RDS for PostgreSQL instance: one of this app with a generated or attached secret, or one imported with its
   * secret:
   *
   * ```ts
   * const orders = rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Orders', {
   *   instanceIdentifier: 'orders', instanceEndpointAddress: 'orders.abc123.eu-west-1.rds.amazonaws.com', port: 5432,
   *   securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'OrdersSg', 'sg-0123456789abcdef0')],
   *   engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
   * });
   * const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'OrdersSecret', ordersSecretArn);
   * PostgresDatabase.fromInstance(orders, { secret });
   * ```
   */
  public static fromInstance(instance: rds.IDatabaseInstance, options: RdsPostgresDatabaseOptions = {}): PostgresDatabase {
    return PostgresDatabase.fromRdsConstruct(instance, instance.engine, 'instance', options,
      () => ({ host: instance.dbInstanceEndpointAddress, port: instance.dbInstanceEndpointPort }));
  }

  /**
   * An Aurora PostgreSQL cluster: one of this app with a generated or attached secret, or one imported with
   * `rds.DatabaseCluster.fromDatabaseClusterAttributes` (with `clusterEndpointAddress` and `port`) and its secret;
   * dumps read from the writer endpoint.
   */
  public static fromCluster(cluster: rds.IDatabaseCluster, options: RdsPostgresDatabaseOptions = {}): PostgresDatabase {
    return PostgresDatabase.fromRdsConstruct(cluster, cluster.engine, 'cluster', options,
      () => ({ host: cluster.clusterEndpoint.hostname, port: Token.asString(cluster.clusterEndpoint.port) }));
  }

  /** Any PostgreSQL server reachable from the VPC, given by its secret and security group. */
  public static fromSecret(props: PostgresDatabaseSecretProps): PostgresDatabase {
    return new PostgresDatabase(props.secret, props.connections, props.managed ?? false, props.postgresMajorVersion, props.host, props.port);
  }

  private static fromRdsConstruct(
    database: IConstruct & ec2.IConnectable & { readonly secret?: secretsmanager.ISecret },
    engine: rds.IEngine | undefined,
    kind: 'instance' | 'cluster',
    options: RdsPostgresDatabaseOptions,
    endpoint: () => { host: string; port: string },
  ): PostgresDatabase {
    const version = options.postgresMajorVersion ?? postgresMajorOf(engine?.engineVersion?.majorVersion);
    if (options.secret !== undefined) {
      // A secret named by the user may hold only credentials (an RDS-managed one does): connect to the endpoint.
      const { host, port } = endpoint();
      return new PostgresDatabase(options.secret, database, true, version, host, port);
    }
    if (database.secret === undefined) {
      throw new Error(rdsConstructWithoutSecretMessage(kind === 'instance' ? 'fromInstance' : 'fromCluster', Node.of(database).path));
    }
    return new PostgresDatabase(database.secret, database, true, version);
  }

  private constructor(
    /** The secret holding the credentials. */
    public readonly secret: secretsmanager.ISecret,
    /** What the dump task must be let through to. */
    public readonly connections: ec2.IConnectable,
    /** Whether this is a managed service (RDS, Aurora), where `pg_dumpall` may not read role passwords. */
    public readonly managed: boolean,
    /** The server's PostgreSQL major version, when known from the construct. */
    public readonly postgresMajorVersion?: number,
    private readonly host?: string,
    /** The port when the URL names the host: a number from `fromSecret`, a string (maybe a token) from an RDS endpoint. */
    private readonly port?: number | string,
  ) {}

  /**
   * Lets `peer` reach the database port (an ingress rule on the database's security group). When the peer is in another
   * stack than the database, the rule is written in the peer's stack: in the database's, it would name the peer's
   * security group, and the database's stack would then depend on the backups' stack, which already depends on it for the
   * secret and the endpoint (a dependency cycle no deploy order resolves).
   * @param description the rule's description (default: the dump task's, `DATABASE_INGRESS_DESCRIPTION`)
   */
  public allowFrom(peer: ec2.IConnectable, description: string = DATABASE_INGRESS_DESCRIPTION): void {
    const port = typeof this.port === 'number' ? ec2.Port.tcp(this.port) : this.connections.connections.defaultPort ?? ec2.Port.tcp(DEFAULT_POSTGRES_PORT);
    for (const databaseGroup of this.connections.connections.securityGroups) {
      for (const peerGroup of peer.connections.securityGroups) databaseGroup.addIngressRule(peerGroup, port, description, true);
    }
  }

  /** Lets `grantee` read the secret (and decrypt it with its key, if it has one). */
  public grantRead(grantee: iam.IGrantable): void {
    this.secret.grantRead(grantee);
  }

  /** The container secrets and URL the runner connects with. */
  public runnerWiring(): RunnerDatabaseWiring {
    return runnerConnection(this.host, (jsonKey) => ecs.Secret.fromSecretsManager(this.secret, jsonKey),
      (host) => runnerDatabaseUrl(host, this.port));
  }
}
