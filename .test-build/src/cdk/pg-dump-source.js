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
exports.PgDumpLocation = void 0;
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
/** Dumps written by something other than a {@link ScheduledPgDump} of this app: a bucket and a prefix. */
class PgDumpLocation {
    /** Dumps in a bucket under a prefix. */
    static fromBucket(props) {
        return new PgDumpLocation(props);
    }
    /** The bucket holding the dumps. */
    bucket;
    /** The key prefix of the dumps. */
    prefix;
    /** The databases whose dumps are there. */
    databaseNames;
    /** PostgreSQL major version of the dumped server. */
    postgresMajorVersion;
    /** CloudWatch namespace of the runner's metrics. */
    metricNamespace;
    encryptionKey;
    constructor(props) {
        this.bucket = props.bucket;
        this.prefix = props.prefix;
        this.databaseNames = [...props.databaseNames];
        this.postgresMajorVersion = props.postgresMajorVersion;
        this.metricNamespace = props.metricNamespace ?? 'PostgresBackup';
        this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey;
    }
    /** Lets `grantee` get objects under the prefix, list that prefix only, and decrypt with the key. */
    grantRead(grantee) {
        grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [this.bucket.arnForObjects(`${this.prefix}/*`)],
        }));
        grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [this.bucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${this.prefix}/*`] } },
        }));
        this.encryptionKey?.grant(grantee, 'kms:Decrypt');
    }
}
exports.PgDumpLocation = PgDumpLocation;
