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
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
/** The environment variable the runner reads an RDS-style secret JSON from (`pg-backup --secret-env`'s default). */
exports.RUNNER_DATABASE_SECRET_ENV = 'PG_BACKUP_DATABASE_SECRET';
/**
 * A PostgreSQL database a scheduled dump connects to: an RDS instance or Aurora cluster (its generated secret
 * and security group are wired in), or any server given by a secret and a security group.
 */
class PostgresDatabase {
    /** An RDS for PostgreSQL instance with a generated or attached secret. */
    static fromInstance(instance) {
        return PostgresDatabase.fromRdsConstruct(instance, instance.secret, instance.engine, 'instance');
    }
    /** An Aurora PostgreSQL cluster with a generated or attached secret. */
    static fromCluster(cluster) {
        return PostgresDatabase.fromRdsConstruct(cluster, cluster.secret, cluster.engine, 'cluster');
    }
    /** Any PostgreSQL server reachable from the VPC, given by its secret and security group. */
    static fromSecret(props) {
        return new PostgresDatabase(props.secret, props.connections, props.postgresMajorVersion, false, props.host, props.port);
    }
    static fromRdsConstruct(database, secret, engine, kind) {
        if (secret === undefined) {
            throw new Error(`the RDS ${kind} has no secret; create it with credentials from a generated secret, or use PostgresDatabase.fromSecret`);
        }
        const major = engine?.engineVersion?.majorVersion;
        const parsed = major === undefined ? undefined : Number.parseInt(major, 10);
        return new PostgresDatabase(secret, database, Number.isInteger(parsed) ? parsed : undefined, true);
    }
    /** The secret holding the credentials. */
    secret;
    /** What the dump task must be let through to. */
    connections;
    /** The server's PostgreSQL major version, when known from the construct. */
    postgresMajorVersion;
    /** Whether this is a managed service (RDS, Aurora), where `pg_dumpall` may not read role passwords. */
    managed;
    host;
    port;
    constructor(secret, connections, postgresMajorVersion, managed, host, port) {
        this.secret = secret;
        this.connections = connections;
        this.postgresMajorVersion = postgresMajorVersion;
        this.managed = managed;
        this.host = host;
        this.port = port;
    }
    /** Lets `peer` reach the database port (an ingress rule on the database's security group). */
    allowFrom(peer) {
        const port = this.port !== undefined ? ec2.Port.tcp(this.port) : this.connections.connections.defaultPort ?? ec2.Port.tcp(5432);
        this.connections.connections.allowFrom(peer, port, 'pg_dump from the scheduled backup task');
    }
    /** Lets `grantee` read the secret (and decrypt it with its key, if it has one). */
    grantRead(grantee) {
        this.secret.grantRead(grantee);
    }
    /** The container secrets and URL the runner connects with. */
    runnerWiring() {
        if (this.host === undefined) {
            return { secrets: { [exports.RUNNER_DATABASE_SECRET_ENV]: ecs.Secret.fromSecretsManager(this.secret) } };
        }
        // Only credentials in the secret: libpq reads the user and password from the environment, the rest from the URL.
        return {
            secrets: {
                PGUSER: ecs.Secret.fromSecretsManager(this.secret, 'username'),
                PGPASSWORD: ecs.Secret.fromSecretsManager(this.secret, 'password'),
            },
            databaseUrl: `postgres://${this.host}:${this.port ?? 5432}/postgres`,
        };
    }
}
exports.PostgresDatabase = PostgresDatabase;
