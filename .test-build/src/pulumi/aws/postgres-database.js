"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.PostgresDatabase = exports.RUNNER_DATABASE_SECRET_ENV = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
/** The environment variable the runner reads an RDS-style secret JSON from (`pg-backup --secret-env`'s default). */
exports.RUNNER_DATABASE_SECRET_ENV = 'PG_BACKUP_DATABASE_SECRET';
/**
 * Why an RDS database has no `masterUserSecrets` to connect with: it does not manage its password, or (when it says it
 * does) the engine answering for it — in a unit test, the Pulumi mocks — did not report the secret RDS creates.
 */
function missingRdsSecretMessage(factory, urn, managesPassword) {
    const kind = factory === 'fromInstance' ? 'instance' : 'cluster';
    const name = urn.split('::').pop();
    const head = `PostgresDatabase.${factory}(${name}): the RDS ${kind} reports no masterUserSecrets, the secret the dump task connects with`;
    return managesPassword
        ? `${head}, although it has manageMasterUserPassword: true. RDS reports it once the ${kind} exists; in a unit test under `
            + 'pulumi.runtime.setMocks the mocks must answer it: use setBackupMocks() from postgres-backup-constructs/pulumi/testing, '
            + 'or return masterUserSecrets from your own newResource mock'
        : `${head}; create the ${kind} with manageMasterUserPassword: true, or use PostgresDatabase.fromSecret`;
}
/** Why an RDS database has no security group to let the dump task in through: the engine reported none. */
function missingRdsSecurityGroupMessage(factory, urn) {
    const kind = factory === 'fromInstance' ? 'instance' : 'cluster';
    return `PostgresDatabase.${factory}(${urn.split('::').pop()}): the RDS ${kind} reports no vpcSecurityGroupIds, so the dump task `
        + 'cannot be let in; pass securityGroupId, or in a unit test under pulumi.runtime.setMocks use setBackupMocks() from '
        + 'postgres-backup-constructs/pulumi/testing';
}
/**
 * A PostgreSQL database a scheduled dump connects to: an RDS instance or Aurora cluster whose master password RDS
 * manages in Secrets Manager (`manageMasterUserPassword: true`), or any server given by a secret.
 */
class PostgresDatabase {
    /**
     * An RDS for PostgreSQL instance created with `manageMasterUserPassword: true`: its RDS-managed secret (user name
     * and password only) and its address, port and first security group are wired in.
     */
    static fromInstance(instance, options = {}) {
        return PostgresDatabase.fromRds('fromInstance', instance, instance.manageMasterUserPassword, instance.masterUserSecrets, instance.address, instance.port, instance.vpcSecurityGroupIds, options);
    }
    /** An Aurora PostgreSQL cluster created with `manageMasterUserPassword: true`; dumps read from its writer endpoint. */
    static fromCluster(cluster, options = {}) {
        return PostgresDatabase.fromRds('fromCluster', cluster, cluster.manageMasterUserPassword, cluster.masterUserSecrets, cluster.endpoint, cluster.port, cluster.vpcSecurityGroupIds, options);
    }
    /** Any PostgreSQL server reachable from the VPC, given by its secret. */
    static fromSecret(props) {
        return new PostgresDatabase(props);
    }
    static fromRds(factory, resource, managesPassword, secrets, host, port, securityGroups, options) {
        const secret = pulumi.all([secrets, managesPassword, resource.urn]).apply(([list, managed, urn]) => {
            if (list && list.length > 0)
                return list[0];
            throw new Error(missingRdsSecretMessage(factory, urn, managed === true));
        });
        return new PostgresDatabase({
            secretArn: secret.secretArn,
            secretKmsKeyArn: secret.kmsKeyId,
            host,
            port,
            securityGroupId: options.securityGroupId ?? pulumi.all([securityGroups, resource.urn]).apply(([ids, urn]) => {
                if (ids && ids.length > 0)
                    return ids[0];
                throw new Error(missingRdsSecurityGroupMessage(factory, urn));
            }),
            postgresMajorVersion: options.postgresMajorVersion,
            managed: true,
        }, resource);
    }
    /** ARN of the secret holding the credentials. */
    secretArn;
    /** ARN of the secret's customer managed key, when it has one. */
    secretKmsKeyArn;
    /** Security group of the server, when known. */
    securityGroupId;
    /** The server's PostgreSQL major version, when named. */
    postgresMajorVersion;
    /** Whether this is a managed service (RDS, Aurora). */
    managed;
    /** The port the server listens on. */
    port;
    /** The RDS resource of this program, when made from one (`fromInstance`, `fromCluster`). */
    resource;
    host;
    constructor(props, resource) {
        this.secretArn = pulumi.output(props.secretArn);
        this.secretKmsKeyArn = props.secretKmsKeyArn === undefined ? undefined : pulumi.output(props.secretKmsKeyArn);
        this.securityGroupId = props.securityGroupId === undefined ? undefined : pulumi.output(props.securityGroupId);
        this.postgresMajorVersion = props.postgresMajorVersion;
        this.managed = props.managed ?? false;
        this.port = pulumi.output(props.port ?? 5432);
        this.host = props.host === undefined ? undefined : pulumi.output(props.host);
        this.resource = resource;
    }
    /** The container secrets and URL the runner connects with. */
    runnerWiring() {
        if (this.host === undefined)
            return { secrets: { [exports.RUNNER_DATABASE_SECRET_ENV]: this.secretArn } };
        // Only credentials in the secret: libpq reads the user and password from the environment, the rest from the URL.
        return {
            secrets: {
                PGUSER: pulumi.interpolate `${this.secretArn}:username::`,
                PGPASSWORD: pulumi.interpolate `${this.secretArn}:password::`,
            },
            databaseUrl: pulumi.interpolate `postgres://${this.host}:${this.port}/postgres`,
        };
    }
}
exports.PostgresDatabase = PostgresDatabase;
