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
exports.WalArchiveBucket = exports.WAL_REQUEST_METRICS_FILTER_ID = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const s3 = __importStar(require("aws-cdk-lib/aws-s3"));
const constructs_1 = require("constructs");
const secure_bucket_1 = require("./secure-bucket");
const lifecycle_1 = require("../core/lifecycle");
const lifecycle_rules_1 = require("../core/lifecycle-rules");
const lifecycle_s3_1 = require("../core/lifecycle-s3");
const wal_retention_1 = require("../core/wal-retention");
/** Id of the S3 request-metrics filter on the WAL prefix (the `FilterId` dimension of `AWS/S3` request metrics). */
exports.WAL_REQUEST_METRICS_FILTER_ID = 'wal-archive';
/**
 * The bucket of a WAL archive: public access blocked, TLS only, KMS-encrypted, versioned, optional Object Lock, access
 * logs in a separate bucket, request metrics on the WAL prefix (for the RPO alarm), and the lifecycle from core that
 * never expires WAL still needed by the oldest retained base backup. Deleting objects is denied to every principal but
 * those granted the archiver's own expiry.
 */
class WalArchiveBucket extends constructs_1.Construct {
    /** The bucket. */
    bucket;
    /** The key. */
    encryptionKey;
    /** The access-log bucket. */
    accessLogsBucket;
    /** WAL and base-backup prefixes. */
    prefixes;
    /** The lifecycle rules, as core rendered them. */
    lifecycleRules;
    deleters = [];
    constructor(scope, id, props) {
        super(scope, id);
        const validator = props.validator;
        this.prefixes = props.prefixes;
        const least = (0, wal_retention_1.minimumWalRetentionDays)(props.pitr);
        const archiveRules = (0, lifecycle_1.walArchiveLifecycleRules)(props.pitr, least, {
            walPrefix: props.prefixes.wal,
            basePrefix: props.prefixes.base,
            walTransitions: props.walTransitions,
            baseTransitions: props.baseTransitions,
            validator,
            path: 'lifecycleRules',
        });
        const additional = props.additionalLifecycleRules ?? [];
        // A user rule whose prefix covers the WAL (`''`, a parent folder) must keep it as long as recovery needs it.
        if (additional.length > 0) {
            (0, lifecycle_rules_1.validateLifecycleRules)(additional, validator, 'additionalLifecycleRules', { minimumWalRetentionDays: least, walPrefix: props.prefixes.wal });
        }
        this.lifecycleRules = [...archiveRules, ...additional];
        const lifecycle = (0, lifecycle_s3_1.renderS3LifecycleConfiguration)(this.lifecycleRules, { validator });
        const removalPolicy = props.removalPolicy ?? aws_cdk_lib_1.RemovalPolicy.RETAIN;
        this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
            description: 'Encrypts the PostgreSQL WAL archive and base backups',
            enableKeyRotation: true,
            removalPolicy,
        });
        this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            // S3 delivers access logs only to buckets encrypted with S3-managed keys.
            encryption: s3.BucketEncryption.S3_MANAGED,
            objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned: true,
            lifecycleRules: [{ id: 'expire-access-logs', expiration: aws_cdk_lib_1.Duration.days(365), noncurrentVersionExpiration: aws_cdk_lib_1.Duration.days(30) }],
            removalPolicy,
        });
        const lock = props.objectLock;
        this.bucket = new s3.Bucket(this, 'Bucket', {
            ...(0, secure_bucket_1.secureBucketProps)(this.encryptionKey, lock, removalPolicy),
            metrics: [{ id: exports.WAL_REQUEST_METRICS_FILTER_ID, prefix: props.prefixes.wal }],
        });
        const cfnBucket = this.bucket.node.defaultChild;
        cfnBucket.addPropertyOverride('LifecycleConfiguration', lifecycle);
        (0, secure_bucket_1.deliverAccessLogs)(this.bucket, this.accessLogsBucket);
        // Only the lifecycle (S3 itself, which no bucket policy applies to) and the principals granted the archiver's own
        // expiry may delete; the account root is listed so the exception is never empty (it can rewrite this policy anyway).
        this.bucket.addToResourcePolicy(new iam.PolicyStatement({
            sid: 'DenyDeletingArchive',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['s3:DeleteObject*'],
            resources: [this.bucket.arnForObjects('*')],
            conditions: {
                ArnNotEquals: {
                    'aws:PrincipalArn': aws_cdk_lib_1.Lazy.list({ produce: () => [`arn:${aws_cdk_lib_1.Aws.PARTITION}:iam::${aws_cdk_lib_1.Stack.of(this).account}:root`, ...this.deleters] }),
                },
            },
        }));
    }
    /** The ARNs of every object under the WAL and base-backup prefixes. */
    objectArns() {
        return [this.bucket.arnForObjects(`${this.prefixes.wal}*`), this.bucket.arnForObjects(`${this.prefixes.base}*`)];
    }
    listStatement() {
        const prefixes = [this.prefixes.wal, this.prefixes.base];
        return new iam.PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [this.bucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': prefixes.flatMap((prefix) => [prefix.replace(/\/$/, ''), `${prefix}*`]) } },
        });
    }
    /**
     * What an archiver on a host needs: put, get and list under the WAL and base-backup prefixes, abort its own
     * multipart uploads, use the key; and, when `withDelete` (the archiver expires its own backups), delete there.
     */
    grantArchive(grantee, withDelete) {
        const principal = grantee.grantPrincipal;
        principal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
            resources: this.objectArns(),
        }));
        principal.addToPrincipalPolicy(this.listStatement());
        this.encryptionKey.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
        if (withDelete) {
            const arn = principal.roleArn;
            if (arn === undefined)
                throw new Error('grantArchive with the archiver\'s own expiry needs a role (its ARN is exempted from the delete Deny)');
            this.deleters.push(arn);
        }
    }
    /** Read-only: get and list under the WAL and base-backup prefixes, decrypt with the key. */
    grantRestore(grantee) {
        const principal = grantee.grantPrincipal;
        principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: this.objectArns() }));
        principal.addToPrincipalPolicy(this.listStatement());
        this.encryptionKey.grant(grantee, 'kms:Decrypt');
    }
    /** PUT requests under the WAL prefix (S3 request metrics), summed per `period`: 0 means no WAL arrived. */
    metricWalPutRequests(period) {
        return new cloudwatch.Metric({
            namespace: 'AWS/S3',
            metricName: 'PutRequests',
            dimensionsMap: { BucketName: this.bucket.bucketName, FilterId: exports.WAL_REQUEST_METRICS_FILTER_ID },
            statistic: 'Sum',
            period,
        });
    }
}
exports.WalArchiveBucket = WalArchiveBucket;
