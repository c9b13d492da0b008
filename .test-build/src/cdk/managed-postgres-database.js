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
exports.ManagedPostgresDatabase = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const rds = __importStar(require("aws-cdk-lib/aws-rds"));
/**
 * A managed PostgreSQL database whose backups a {@link ManagedPostgresBackupPlan} sets up: an RDS for PostgreSQL
 * instance, an Aurora PostgreSQL cluster, or one imported by identifier or ARN (whose settings cannot be changed
 * from here, only checked and warned about).
 */
class ManagedPostgresDatabase {
    /** An RDS for PostgreSQL instance defined in this app. */
    static fromInstance(instance, options = {}) {
        const resource = instance.node.defaultChild;
        return new ManagedPostgresDatabase({
            kind: 'instance',
            identifier: instance.instanceIdentifier,
            arnOf: () => instance.instanceArn,
            construct: instance,
            resource,
            engineFamily: instance.engine?.engineFamily,
            postgresMajorVersion: majorOf(instance.engine?.engineVersion?.majorVersion),
            storageEncryption: encryptionOf(resource.storageEncrypted, resource.kmsKeyId, false),
            secret: instance.secret,
            port: portOf(resource.port),
            protectedConstructs: [instance],
            ...options,
        });
    }
    /** An Aurora PostgreSQL cluster defined in this app; its instances are covered by the cluster's backups. */
    static fromCluster(cluster, options = {}) {
        const resource = cluster.node.defaultChild;
        const instances = cluster.node.findAll().filter((child) => child instanceof rds.CfnDBInstance).map((child) => child.node.scope);
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
    static fromIdentifier(props) {
        return new ManagedPostgresDatabase({
            ...props,
            kind: props.kind,
            identifier: props.identifier,
            arnOf: (scope) => aws_cdk_lib_1.Stack.of(scope).formatArn({
                service: 'rds',
                resource: props.kind === 'instance' ? 'db' : 'cluster',
                resourceName: props.identifier,
                arnFormat: aws_cdk_lib_1.ArnFormat.COLON_RESOURCE_NAME,
            }),
            engineFamily: 'POSTGRESQL',
            storageEncryption: props.storageEncryption ?? (props.storageEncryptionKey ? 'customer-managed-key' : 'unknown'),
            protectedConstructs: [],
        });
    }
    /** A database this app does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
    static fromArn(arn, props = {}) {
        const parts = aws_cdk_lib_1.Token.isUnresolved(arn) ? undefined : /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):([A-Za-z][A-Za-z0-9-]*)$/.exec(arn);
        if (!parts) {
            throw new Error(`ManagedPostgresDatabase.fromArn: ${JSON.stringify(arn)} is not the ARN of an RDS DB instance (…:db:<id>) or Aurora cluster (…:cluster:<id>)`);
        }
        const database = ManagedPostgresDatabase.fromIdentifier({ ...props, identifier: parts[2], kind: parts[1] === 'db' ? 'instance' : 'aurora-cluster' });
        return new ManagedPostgresDatabase({ ...database.spec, arnOf: () => arn });
    }
    /** Instance or Aurora cluster. */
    kind;
    /** DB instance or cluster identifier (a token for databases defined in this app). */
    identifier;
    /** The rds construct, when the database is defined in this app (its settings can then be set). */
    construct;
    /** Its CloudFormation resource, when defined in this app. */
    resource;
    /** How its storage is encrypted. */
    storageEncryption;
    /** The customer managed key of its storage, when known. */
    storageEncryptionKey;
    /** The secret with its master credentials, when known. */
    secret;
    /** The port it listens on. */
    port;
    /** Its PostgreSQL major version, when known. */
    postgresMajorVersion;
    /** The database the restore drill checks. */
    databaseName;
    /** The engine family, `POSTGRESQL` for the databases this module protects. */
    engineFamily;
    /** AWS Backup's resource type for it: `RDS` for an instance, `Aurora` for a cluster. */
    backupResourceType;
    /** The constructs its backups protect: the instance, or the cluster and its instances. */
    protectedConstructs;
    spec;
    constructor(spec) {
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
    get managedHere() {
        return this.resource !== undefined;
    }
    /** Its ARN, in the stack of `scope` for an imported identifier. */
    arn(scope) {
        return this.spec.arnOf(scope);
    }
    /** Construct paths of what its backups protect, as the protection metadata names them. */
    protectedPaths() {
        return this.protectedConstructs.map((construct) => construct.node.path);
    }
    /** The ARN's account, when it is known at synth time. */
    accountOf(scope) {
        const arn = this.arn(scope);
        if (aws_cdk_lib_1.Token.isUnresolved(arn)) {
            const account = aws_cdk_lib_1.Stack.of(scope).account;
            return aws_cdk_lib_1.Token.isUnresolved(account) ? undefined : account;
        }
        return aws_cdk_lib_1.Arn.split(arn, aws_cdk_lib_1.ArnFormat.COLON_RESOURCE_NAME).account;
    }
}
exports.ManagedPostgresDatabase = ManagedPostgresDatabase;
function majorOf(version) {
    const major = version === undefined ? undefined : Number.parseInt(version, 10);
    return major !== undefined && Number.isInteger(major) ? major : undefined;
}
/** The port a CloudFormation resource names (a string on DB instances, a number on clusters), when it is literal. */
function portOf(port) {
    if (port === undefined || aws_cdk_lib_1.Token.isUnresolved(port))
        return undefined;
    const value = Number(port);
    return Number.isInteger(value) ? value : undefined;
}
/** Reads the encryption of a database from its CloudFormation resource. */
function encryptionOf(storageEncrypted, kmsKeyId, encryptedByDefault) {
    if (kmsKeyId !== undefined)
        return 'customer-managed-key';
    if (storageEncrypted === undefined)
        return encryptedByDefault ? 'aws-managed-key' : 'none';
    if (typeof storageEncrypted !== 'boolean')
        return 'unknown';
    return storageEncrypted ? 'aws-managed-key' : 'none';
}
