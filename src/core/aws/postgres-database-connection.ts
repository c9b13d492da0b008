/** The factory of a `PostgresDatabase` that reads an RDS database. */
export type RdsPostgresFactory = 'fromInstance' | 'fromCluster';

/** The kind of RDS database a factory reads, as messages name it. */
function rdsKind(factory: RdsPostgresFactory): 'instance' | 'cluster' {
  return factory === 'fromInstance' ? 'instance' : 'cluster';
}

/** The resource name at the end of a Pulumi URN (`urn:pulumi:stack::project::type::name`). */
function nameOfUrn(urn: string): string | undefined {
  return urn.split('::').pop();
}

/** Why a CDK `PostgresDatabase.fromInstance`/`fromCluster` of the database at `path` has no secret to connect with. */
export function rdsConstructWithoutSecretMessage(factory: RdsPostgresFactory, path: string): string {
  const kind = rdsKind(factory);
  return `PostgresDatabase.${factory}(${path}): the RDS ${kind} has no secret (an imported ${kind} never has one); `
    + `pass its secret as PostgresDatabase.${factory}(${kind}, { secret }), create it with credentials from a generated secret, or use PostgresDatabase.fromSecret`;
}

/**
 * Why a Pulumi RDS database has no `masterUserSecrets` to connect with: it does not manage its password, or (when it
 * says it does) the engine answering for it — in a unit test, the Pulumi mocks — did not report the secret RDS creates.
 */
export function rdsResourceWithoutSecretMessage(factory: RdsPostgresFactory, urn: string, managesPassword: boolean): string {
  const kind = rdsKind(factory);
  const head = `PostgresDatabase.${factory}(${nameOfUrn(urn)}): the RDS ${kind} reports no masterUserSecrets, the secret the dump task connects with`;
  return managesPassword
    ? `${head}, although it has manageMasterUserPassword: true. RDS reports it once the ${kind} exists; in a unit test under `
      + 'pulumi.runtime.setMocks the mocks must answer it: use setBackupMocks() from postgres-backup-constructs/pulumi/testing, '
      + 'or return masterUserSecrets from your own newResource mock'
    : `${head}; create the ${kind} with manageMasterUserPassword: true, pass its secret as PostgresDatabase.${factory}(${kind}, `
      + '{ secretArn }), or use PostgresDatabase.fromSecret';
}

/** The first of what an RDS resource reports (its secrets, its security groups), or an error saying why there is none. */
export function firstReported<T>(reported: readonly T[] | undefined, whyNone: string): T {
  if (reported && reported.length > 0) return reported[0];
  throw new Error(whyNone);
}

/** Why a Pulumi RDS database has no security group to let the dump task in through: the engine reported none. */
export function rdsResourceWithoutSecurityGroupMessage(factory: RdsPostgresFactory, urn: string): string {
  return `PostgresDatabase.${factory}(${nameOfUrn(urn)}): the RDS ${rdsKind(factory)} reports no vpcSecurityGroupIds, so the dump task `
    + 'cannot be let in; pass securityGroupId, or in a unit test under pulumi.runtime.setMocks use setBackupMocks() from '
    + 'postgres-backup-constructs/pulumi/testing';
}

/**
 * The options of `PostgresDatabase.fromSecret` that are the same in every AWS front end, with that front end's types of
 * a host name and a port (a CDK string or token; a Pulumi input).
 */
export interface PostgresServerOptions<Host = string, Port = number> {
  /**
   * Host name of the server, when the secret holds only credentials.
   * @default - the secret's `host`
   */
  readonly host?: Host;
  /**
   * Port of the server.
   * @default 5432
   */
  readonly port?: Port;
  /**
   * PostgreSQL major version of the server, which selects the client tools of the runner image.
   * @default - none: `ScheduledPgDump.postgresMajorVersion` must be set
   */
  readonly postgresMajorVersion?: number;
  /**
   * Whether this is a managed service (RDS, Aurora), where `pg_dumpall` may not read role passwords.
   * @default false
   */
  readonly managed?: boolean;
}

/** The options of `PostgresDatabase.fromInstance` and `fromCluster` that are the same in every AWS front end. */
export interface RdsPostgresServerOptions {
  /**
   * PostgreSQL major version of the database, which selects the client tools of the runner image. A CDK construct names
   * its engine version; a Pulumi program learns it only at deploy time, so there it is named here.
   * @default - CDK: the construct's engine version, when it names one; Pulumi: none, `ScheduledPgDump.postgresMajorVersion` must be set
   */
  readonly postgresMajorVersion?: number;
}
