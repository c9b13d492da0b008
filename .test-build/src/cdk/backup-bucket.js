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
exports.BackupBucket = exports.ACCESS_LOG_PREFIX = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const s3 = __importStar(require("aws-cdk-lib/aws-s3"));
const constructs_1 = require("constructs");
const cdk_validation_1 = require("./cdk-validation");
const secure_bucket_1 = require("./secure-bucket");
const lifecycle_1 = require("../core/lifecycle");
const lifecycle_s3_1 = require("../core/lifecycle-s3");
const validation_1 = require("../core/validation");
var secure_bucket_2 = require("./secure-bucket");
Object.defineProperty(exports, "ACCESS_LOG_PREFIX", { enumerable: true, get: function () { return secure_bucket_2.ACCESS_LOG_PREFIX; } });
/**
 * The bucket backups are written to: public access blocked, TLS only, KMS-encrypted, versioned, with the dump
 * lifecycle from core, optional Object Lock, access logs in a separate bucket, and a bucket-policy Deny on
 * deleting objects for every principal but an optional break-glass role.
 */
class BackupBucket extends constructs_1.Construct {
    /** The bucket. */
    bucket;
    /** The key the backups are encrypted with, when known. */
    encryptionKey;
    /** The key prefix of the dumps (no trailing `/`). */
    prefix;
    /** The bucket the access logs go to, when created or given. */
    accessLogsBucket;
    constructor(scope, id, props) {
        super(scope, id);
        this.prefix = props.prefix;
        const validator = props.validator ?? new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        const removalPolicy = props.removalPolicy ?? aws_cdk_lib_1.RemovalPolicy.RETAIN;
        validator.matches('prefix', props.prefix, /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'an S3 key prefix of safe characters, segments separated by "/", without a leading or trailing "/"');
        if (props.bucket && props.objectLock) {
            validator.report({ path: 'objectLock', value: props.objectLock, allowed: 'undefined when a bucket is given', reason: 'Object Lock is set when a bucket is created' });
        }
        if (props.bucket) {
            this.bucket = props.bucket;
            this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey;
            if (!props.validator)
                validator.throwIfInvalid();
        }
        else {
            const rules = (0, lifecycle_1.dumpBucketLifecycleRules)(props.dump ?? {}, { prefix: `${props.prefix}/`, validator, path: 'lifecycleRules' });
            const lifecycle = (0, lifecycle_s3_1.renderS3LifecycleConfiguration)(rules, { validator });
            if (!props.validator)
                validator.throwIfInvalid();
            this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
                description: 'Encrypts PostgreSQL backups',
                enableKeyRotation: true,
                removalPolicy,
            });
            this.accessLogsBucket = this.accessLogsDestination(props.serverAccessLogs ?? true, removalPolicy);
            const lock = props.objectLock;
            const bucket = new s3.Bucket(this, 'Bucket', (0, secure_bucket_1.secureBucketProps)(this.encryptionKey, lock, removalPolicy));
            const cfnBucket = bucket.node.defaultChild;
            cfnBucket.addPropertyOverride('LifecycleConfiguration', lifecycle);
            if (this.accessLogsBucket)
                (0, secure_bucket_1.deliverAccessLogs)(bucket, this.accessLogsBucket);
            this.bucket = bucket;
        }
        // Backups are never deleted by a principal: only the lifecycle rules expire them (S3 itself, which no
        // bucket policy applies to), so a stolen credential or a bad script cannot erase the history.
        this.bucket.addToResourcePolicy(new iam.PolicyStatement({
            sid: 'DenyDeletingBackups',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['s3:DeleteObject*'],
            resources: [this.bucket.arnForObjects('*')],
            conditions: props.breakGlassRole ? { ArnNotEquals: { 'aws:PrincipalArn': props.breakGlassRole.roleArn } } : undefined,
        }));
    }
    /** The ARN pattern of every object under `prefix`. */
    objectsUnder(prefix = this.prefix) {
        return this.bucket.arnForObjects(`${prefix}/*`);
    }
    /**
     * Lets `grantee` write new backups under `prefix` and nothing else: put objects and abort or list the parts of
     * its own multipart uploads there, check whether a key there exists (the runner never overwrites a backup),
     * list that prefix, and use the key. No delete, and no access to any other prefix.
     */
    grantWriteBackups(grantee, prefix = this.prefix) {
        const principal = grantee.grantPrincipal;
        principal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
            resources: [this.objectsUnder(prefix)],
        }));
        this.grantReadBackups(grantee, prefix);
        this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Encrypt');
    }
    /**
     * Lets `grantee` read the backups under `prefix`: get objects there, list that prefix only, and decrypt with
     * the key.
     */
    grantReadBackups(grantee, prefix = this.prefix) {
        const principal = grantee.grantPrincipal;
        principal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [this.objectsUnder(prefix)],
        }));
        principal.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [this.bucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
        }));
        this.encryptionKey?.grant(grantee, 'kms:Decrypt');
    }
    accessLogsDestination(setting, removalPolicy) {
        if (setting === false)
            return undefined;
        if (setting !== true)
            return setting;
        return new s3.Bucket(this, 'AccessLogs', {
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            // S3 delivers access logs only to buckets encrypted with S3-managed keys.
            encryption: s3.BucketEncryption.S3_MANAGED,
            objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned: true,
            lifecycleRules: [{ id: 'expire-access-logs', expiration: aws_cdk_lib_1.Duration.days(365), noncurrentVersionExpiration: aws_cdk_lib_1.Duration.days(30) }],
            removalPolicy,
        });
    }
}
exports.BackupBucket = BackupBucket;
