"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PgDumpLocation = void 0;
const backup_bucket_1 = require("./backup-bucket");
/** Dumps written by something other than a `ScheduledPgDump` of this program: a bucket and a prefix. */
class PgDumpLocation {
    /** Dumps in a bucket under a prefix. */
    static fromBucket(props) {
        return new PgDumpLocation(props);
    }
    /** Name of the bucket holding the dumps. */
    bucketName;
    /** ARN of that bucket. */
    bucketArn;
    /** The key prefix of the dumps. */
    prefix;
    /** The databases whose dumps are there. */
    databaseNames;
    /** PostgreSQL major version of the dumped server. */
    postgresMajorVersion;
    /** CloudWatch namespace of the runner's metrics. */
    metricNamespace;
    encryptionKeyArn;
    constructor(props) {
        this.bucketName = props.bucketName;
        this.bucketArn = props.bucketArn;
        this.prefix = props.prefix;
        this.databaseNames = [...props.databaseNames];
        this.postgresMajorVersion = props.postgresMajorVersion;
        this.metricNamespace = props.metricNamespace ?? 'PostgresBackup';
        this.encryptionKeyArn = props.encryptionKeyArn;
    }
    /** Get objects under the prefix, list that prefix only, decrypt with the key. */
    readStatements() {
        return (0, backup_bucket_1.prefixReadStatements)(this.bucketArn, this.prefix, this.encryptionKeyArn);
    }
}
exports.PgDumpLocation = PgDumpLocation;
