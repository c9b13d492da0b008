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
exports.prefixReadStatements = prefixReadStatements;
const kms = __importStar(require("@pulumi/aws/kms"));
const s3 = __importStar(require("@pulumi/aws/s3"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const policy_document_1 = require("./policy-document");
const s3_lifecycle_rules_1 = require("./s3-lifecycle-rules");
const lifecycle_s3_1 = require("../../core/lifecycle-s3");
const validation_1 = require("../../core/validation");
const pulumi_validation_1 = require("../pulumi-validation");
/** Key prefix of the backup bucket's server access logs in the log bucket. */
exports.ACCESS_LOG_PREFIX = 'backup-bucket/';
/**
 * The bucket backups are written to: public access blocked, TLS 1.2+ only, KMS-encrypted with a bucket key, versioned,
 * objects owned by the bucket owner, the lifecycle rules from core, optional Object Lock, access logs in a separate
 * bucket, and a bucket-policy Deny on deleting objects for every principal but an optional break-glass role.
 */
class BackupBucket extends pulumi.ComponentResource {
    /** Name of the bucket. */
    bucketName;
    /** ARN of the bucket. */
    bucketArn;
    /** ARN of the key the backups are encrypted with, when known. */
    encryptionKeyArn;
    /** The bucket, when created here. */
    bucket;
    /** The bucket the access logs go to, when created here. */
    accessLogsBucket;
    /** The lifecycle configuration of a created bucket, as core rendered it. */
    lifecycleConfiguration;
    /** The policy of a created bucket. */
    bucketPolicy;
    constructor(name, props, opts) {
        super('postgres-backup:aws:BackupBucket', name, {}, opts);
        const validator = props.validator ?? new validation_1.Validator({ ...pulumi_validation_1.PULUMI_VALIDATION_OPTIONS, construct: name });
        if (props.bucket && props.objectLock) {
            validator.report({ path: 'objectLock', value: props.objectLock, allowed: 'undefined when a bucket is given', reason: 'Object Lock is set when a bucket is created' });
        }
        const retainOnDelete = props.retainOnDelete ?? true;
        if (props.bucket) {
            if (!props.validator)
                validator.throwIfInvalid();
            this.bucketName = pulumi.output(props.bucket.bucketName);
            this.bucketArn = pulumi.output(props.bucket.bucketArn);
            const keyArn = props.encryptionKeyArn ?? props.bucket.encryptionKeyArn;
            this.encryptionKeyArn = keyArn === undefined ? undefined : pulumi.output(keyArn);
            this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
            return;
        }
        this.lifecycleConfiguration = (0, lifecycle_s3_1.renderS3LifecycleConfiguration)(props.lifecycleRules, { validator });
        if (!props.validator)
            validator.throwIfInvalid();
        const child = { parent: this };
        const retained = { parent: this, retainOnDelete };
        const keyArn = props.encryptionKeyArn !== undefined
            ? pulumi.output(props.encryptionKeyArn)
            : new kms.Key(`${name}-key`, { description: props.keyDescription ?? 'Encrypts PostgreSQL backups', enableKeyRotation: true }, retained).arn;
        this.encryptionKeyArn = keyArn;
        const lock = props.objectLock;
        const bucket = new s3.Bucket(`${name}-bucket`, { bucket: props.bucketName, objectLockEnabled: lock !== undefined ? true : undefined }, retained);
        this.bucket = bucket;
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        const publicAccess = new s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, child);
        new s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
        const versioning = new s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, child);
        new s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
        }, child);
        // Lifecycle rules on noncurrent versions need versioning first.
        new s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
            bucket: bucket.id,
            rules: (0, s3_lifecycle_rules_1.bucketLifecycleRules)(this.lifecycleConfiguration),
        }, { parent: this, dependsOn: [versioning] });
        if (lock) {
            new s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
                bucket: bucket.id,
                rule: { defaultRetention: { mode: lock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', days: lock.days } },
            }, { parent: this, dependsOn: [versioning] });
        }
        if (props.requestMetrics) {
            new s3.BucketMetric(`${name}-request-metrics`, {
                bucket: bucket.id, name: props.requestMetrics.id, filter: { prefix: props.requestMetrics.prefix },
            }, child);
        }
        const logs = props.serverAccessLogs ?? true;
        if (logs !== false) {
            let targetBucket;
            if (logs === true) {
                this.accessLogsBucket = this.createAccessLogsBucket(name, bucket, props.environment ?? (0, aws_environment_1.awsEnvironment)(this), retainOnDelete);
                targetBucket = this.accessLogsBucket.bucket;
            }
            else {
                targetBucket = logs;
            }
            new s3.BucketLogging(`${name}-logging`, { bucket: bucket.id, targetBucket, targetPrefix: exports.ACCESS_LOG_PREFIX }, child);
        }
        this.bucketPolicy = new s3.BucketPolicy(`${name}-policy`, {
            bucket: bucket.id,
            policy: (0, policy_document_1.policyDocument)([
                (0, policy_document_1.denyInsecureTransport)('s3:*', [bucket.arn, pulumi.interpolate `${bucket.arn}/*`]),
                {
                    Effect: 'Deny',
                    Principal: { AWS: '*' },
                    Action: 's3:*',
                    Resource: [bucket.arn, pulumi.interpolate `${bucket.arn}/*`],
                    Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
                },
                props.deletingPrincipalArns === undefined
                    ? this.denyDeleteStatement(props.breakGlassRoleArn)
                    : this.denyDeleteStatement(undefined, [
                        pulumi.interpolate `arn:${(props.environment ?? (0, aws_environment_1.awsEnvironment)(this)).partition}:iam::${(props.environment ?? (0, aws_environment_1.awsEnvironment)(this)).account}:root`,
                        ...props.deletingPrincipalArns,
                        ...(props.breakGlassRoleArn !== undefined ? [props.breakGlassRoleArn] : []),
                    ], 'DenyDeletingArchive'),
            ]),
        }, { parent: this, dependsOn: [publicAccess] });
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, encryptionKeyArn: this.encryptionKeyArn });
    }
    /**
     * The bucket-policy statement that keeps backups from being deleted by any principal but `breakGlassRoleArn`: only
     * the lifecycle rules expire them (S3 itself, which no bucket policy applies to), so a stolen credential or a bad
     * script cannot erase the history. With `exempted`, those principals (a list) are the exception instead.
     */
    denyDeleteStatement(breakGlassRoleArn, exempted, sid = 'DenyDeletingBackups') {
        if (exempted !== undefined) {
            return {
                Sid: sid,
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: 's3:DeleteObject*',
                Resource: pulumi.interpolate `${this.bucketArn}/*`,
                Condition: { ArnNotEquals: { 'aws:PrincipalArn': exempted } },
            };
        }
        return {
            Sid: sid,
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:DeleteObject*',
            Resource: pulumi.interpolate `${this.bucketArn}/*`,
            ...(breakGlassRoleArn !== undefined ? { Condition: { ArnNotEquals: { 'aws:PrincipalArn': breakGlassRoleArn } } } : {}),
        };
    }
    /** The ARN pattern of every object under `prefix` (no trailing `/`). */
    objectsUnder(prefix) {
        return pulumi.interpolate `${this.bucketArn}/${prefix}/*`;
    }
    /**
     * What a writer of new backups under `prefix` may do, and nothing else: put objects and abort or list the parts of
     * its own multipart uploads there, read and list that prefix (the runner never overwrites a backup), and use the key.
     * No delete, and no access to any other prefix.
     */
    writeStatements(prefix) {
        return [
            { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: this.objectsUnder(prefix) },
            ...this.readStatements(prefix),
            ...(this.encryptionKeyArn ? [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Encrypt'], Resource: this.encryptionKeyArn }] : []),
        ];
    }
    /** What a reader of the backups under `prefix` may do: get objects there, list that prefix only, decrypt with the key. */
    readStatements(prefix) {
        return prefixReadStatements(this.bucketArn, prefix, this.encryptionKeyArn);
    }
    createAccessLogsBucket(name, source, environment, retainOnDelete) {
        const child = { parent: this };
        const logs = new s3.Bucket(`${name}-access-logs`, {}, { parent: this, retainOnDelete });
        const publicAccess = new s3.BucketPublicAccessBlock(`${name}-access-logs-public-access`, {
            bucket: logs.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, child);
        new s3.BucketOwnershipControls(`${name}-access-logs-ownership`, { bucket: logs.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
        const versioning = new s3.BucketVersioning(`${name}-access-logs-versioning`, { bucket: logs.id, versioningConfiguration: { status: 'Enabled' } }, child);
        // S3 delivers access logs only to buckets encrypted with S3-managed keys.
        new s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs-encryption`, {
            bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
        }, child);
        new s3.BucketLifecycleConfiguration(`${name}-access-logs-lifecycle`, {
            bucket: logs.id,
            rules: [{ id: 'expire-access-logs', status: 'Enabled', filter: {}, expiration: { days: 365 }, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
        }, { parent: this, dependsOn: [versioning] });
        new s3.BucketPolicy(`${name}-access-logs-policy`, {
            bucket: logs.id,
            policy: (0, policy_document_1.policyDocument)([
                (0, policy_document_1.denyInsecureTransport)('s3:*', [logs.arn, pulumi.interpolate `${logs.arn}/*`]),
                {
                    Sid: 'AllowServerAccessLogDelivery',
                    Effect: 'Allow',
                    Principal: { Service: 'logging.s3.amazonaws.com' },
                    Action: 's3:PutObject',
                    Resource: pulumi.interpolate `${logs.arn}/${exports.ACCESS_LOG_PREFIX}*`,
                    Condition: { ArnLike: { 'aws:SourceArn': source.arn }, StringEquals: { 'aws:SourceAccount': environment.account } },
                },
            ]),
        }, { parent: this, dependsOn: [publicAccess] });
        return logs;
    }
}
exports.BackupBucket = BackupBucket;
/** Reading objects under a prefix of a bucket: get them, list that prefix only, decrypt with the key when there is one. */
function prefixReadStatements(bucketArn, prefix, encryptionKeyArn) {
    return [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: pulumi.interpolate `${bucketArn}/${prefix}/*` },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } } },
        ...(encryptionKeyArn !== undefined ? [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: encryptionKeyArn }] : []),
    ];
}
