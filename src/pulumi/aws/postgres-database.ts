import type * as rds from '@pulumi/aws/rds';
import * as vpc from '@pulumi/aws/vpc';
import * as pulumi from '@pulumi/pulumi';
import {
  PostgresServerOptions, RdsPostgresFactory, RdsPostgresServerOptions, firstReported, rdsResourceWithoutSecretMessage,
  rdsResourceWithoutSecurityGroupMessage,
} from '../../core/aws/postgres-database-connection';
import { DatabaseIngressPlan } from '../../core/aws/scheduled-pg-dump';
import { DEFAULT_POSTGRES_PORT, RunnerConnection, runnerConnection, runnerDatabaseUrl } from '../../core/postgres/runner-connection';

export { RUNNER_DATABASE_SECRET_ENV } from '../../core/postgres/runner-connection';

/** A database given by its secret, for {@link PostgresDatabase.fromSecret}: core's options, the secret and the server's security group. */
export interface PostgresDatabaseSecretProps extends PostgresServerOptions<pulumi.Input<string>, pulumi.Input<number>> {
  /** ARN of the Secrets Manager secret: RDS-style JSON with `username` and `password`, and `host`, `port`, `dbname` unless `host` is given. */
  readonly secretArn: pulumi.Input<string>;
  /**
   * ARN of the customer managed KMS key the secret is encrypted with, so the task's execution role may decrypt it.
   * @default - the secret uses the AWS managed key `aws/secretsmanager`
   */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  /**
   * Id of the security group of the server, to which an ingress rule from the dump task is added.
   * @default - no rule: the server must already accept the task's subnets
   */
  readonly securityGroupId?: pulumi.Input<string>;
}

/** Options of {@link PostgresDatabase.fromInstance} and {@link PostgresDatabase.fromCluster}. */
export interface RdsPostgresOptions extends RdsPostgresServerOptions {
  /**
   * The security group the ingress rule from the dump task is added to.
   * @default - the database's first VPC security group
   */
  readonly securityGroupId?: pulumi.Input<string>;
  /**
   * ARN of the secret with the master `username` and `password`, for a database whose password RDS does not manage
   * (e.g. one read with `aws.rds.Instance.get(…)` that was created with its own password). The dump task connects
   * to the database's address and port and reads only the user name and password from the secret.
   * @default - the RDS-managed secret the database reports (`masterUserSecrets`)
   */
  readonly secretArn?: pulumi.Input<string>;
  /**
   * ARN of the customer managed KMS key `secretArn` is encrypted with, so the task's execution role may decrypt it.
   * @default - the secret uses the AWS managed key `aws/secretsmanager` (with `secretArn`), else the key RDS reports
   */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
}

/** How the runner container learns where the database is and how to log in: core's shape, each secret a `valueFrom` (`<arn>:<json key>::`). */
export interface RunnerDatabaseWiring extends RunnerConnection<pulumi.Output<string>, pulumi.Output<string>> {}

/**
 * A PostgreSQL database a scheduled dump connects to: an RDS instance or Aurora cluster whose master password RDS
 * manages in Secrets Manager (`manageMasterUserPassword: true`), or any server given by a secret.
 */
export class PostgresDatabase {
  /**
   * An RDS for PostgreSQL instance created with `manageMasterUserPassword: true`, or given its secret in
   * `options.secretArn`: the secret (user name and password only) and its address, port and first security group are
   * wired in. The instance may be one this program creates or one it reads with `aws.rds.Instance.get`:
   *
   * ```ts
   * const orders = aws.rds.Instance.get('orders', 'orders-db');
   * PostgresDatabase.fromInstance(orders, { postgresMajorVersion: 16, secretArn: ordersSecretArn });
   * ```
   */
  public static fromInstance(instance: rds.Instance, options: RdsPostgresOptions = {}): PostgresDatabase {
    return PostgresDatabase.fromRds('fromInstance', instance, instance.address, options);
  }

  /**
   * An Aurora PostgreSQL cluster created with `manageMasterUserPassword: true`, or given its secret in
   * `options.secretArn`; one this program creates or one it reads with `aws.rds.Cluster.get`. Dumps read from its
   * writer endpoint.
   */
  public static fromCluster(cluster: rds.Cluster, options: RdsPostgresOptions = {}): PostgresDatabase {
    return PostgresDatabase.fromRds('fromCluster', cluster, cluster.endpoint, options);
  }

  /** Any PostgreSQL server reachable from the VPC, given by its secret. */
  public static fromSecret(props: PostgresDatabaseSecretProps): PostgresDatabase {
    return new PostgresDatabase(props);
  }

  /** The RDS database's own secret (or the one named), its `host` and port, and its first security group. */
  private static fromRds(
    factory: RdsPostgresFactory, resource: rds.Instance | rds.Cluster, host: pulumi.Output<string>, options: RdsPostgresOptions,
  ): PostgresDatabase {
    const { manageMasterUserPassword: managesPassword, masterUserSecrets: secrets, port, vpcSecurityGroupIds: securityGroups, urn } = resource;
    const secret = options.secretArn !== undefined ? { secretArn: options.secretArn, kmsKeyId: options.secretKmsKeyArn }
      : pulumi.all([secrets, managesPassword, urn])
        .apply(([list, managed, id]) => firstReported(list, rdsResourceWithoutSecretMessage(factory, id, managed === true)));
    const securityGroupId = options.securityGroupId
      ?? pulumi.all([securityGroups, urn]).apply(([ids, id]) => firstReported(ids, rdsResourceWithoutSecurityGroupMessage(factory, id)));
    const { postgresMajorVersion } = options;
    const { secretArn, kmsKeyId: secretKmsKeyArn } = secret;
    return new PostgresDatabase({ secretArn, secretKmsKeyArn, host, port, securityGroupId, postgresMajorVersion, managed: true }, resource);
  }

  /** ARN of the secret holding the credentials. */
  public readonly secretArn: pulumi.Output<string>;
  /** ARN of the secret's customer managed key, when it has one. */
  public readonly secretKmsKeyArn?: pulumi.Output<string>;
  /** Security group of the server, when known. */
  public readonly securityGroupId?: pulumi.Output<string>;
  /** The server's PostgreSQL major version, when named. */
  public readonly postgresMajorVersion?: number;
  /** Whether this is a managed service (RDS, Aurora). */
  public readonly managed: boolean;
  /** The port the server listens on. */
  public readonly port: pulumi.Output<number>;
  /** The RDS resource of this program, when made from one (`fromInstance`, `fromCluster`). */
  public readonly resource?: pulumi.CustomResource;
  private readonly host?: pulumi.Output<string>;

  private constructor(props: PostgresDatabaseSecretProps, resource?: pulumi.CustomResource) {
    this.secretArn = pulumi.output(props.secretArn);
    this.secretKmsKeyArn = props.secretKmsKeyArn === undefined ? undefined : pulumi.output(props.secretKmsKeyArn);
    this.securityGroupId = props.securityGroupId === undefined ? undefined : pulumi.output(props.securityGroupId);
    this.postgresMajorVersion = props.postgresMajorVersion;
    this.managed = props.managed ?? false;
    this.port = pulumi.output(props.port ?? DEFAULT_POSTGRES_PORT);
    this.host = props.host === undefined ? undefined : pulumi.output(props.host);
    this.resource = resource;
  }

  /**
   * Lets the tasks of security group `peerSecurityGroupId` reach the database port as core's `rule` says: an ingress
   * rule (`name`) on the database's security group, none when that group is not known.
   */
  public allowFrom(
    name: string, peerSecurityGroupId: pulumi.Input<string>, rule: DatabaseIngressPlan, parent: pulumi.Resource,
  ): vpc.SecurityGroupIngressRule | undefined {
    if (this.securityGroupId === undefined) return undefined;
    return new vpc.SecurityGroupIngressRule(name, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peerSecurityGroupId,
      ipProtocol: rule.protocol,
      fromPort: this.port,
      toPort: this.port,
      description: rule.description,
    }, { parent });
  }

  /** The container secrets and URL the runner connects with. */
  public runnerWiring(): RunnerDatabaseWiring {
    return runnerConnection(this.host, (jsonKey) => (jsonKey === undefined ? this.secretArn : pulumi.interpolate`${this.secretArn}:${jsonKey}::`),
      (host) => pulumi.all([host, this.port]).apply(([name, port]) => runnerDatabaseUrl(name, port)));
  }
}
