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
exports.ACCESS_LOG_PREFIX = void 0;
exports.secureBucketProps = secureBucketProps;
exports.deliverAccessLogs = deliverAccessLogs;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const s3 = __importStar(require("aws-cdk-lib/aws-s3"));
/** Key prefix of the backup bucket's server access logs in the log bucket. */
exports.ACCESS_LOG_PREFIX = 'backup-bucket/';
/**
 * The settings every bucket holding backups shares: no public access, TLS 1.2 only, the backups' KMS key,
 * versioning, bucket-owner objects, and Object Lock by default when the policy asks for immutability.
 */
function secureBucketProps(encryptionKey, objectLock, removalPolicy) {
    return {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey,
        bucketKeyEnabled: true,
        versioned: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        objectLockEnabled: objectLock !== undefined ? true : undefined,
        objectLockDefaultRetention: objectLock === undefined ? undefined : objectLock.mode === 'compliance'
            ? s3.ObjectLockRetention.compliance(aws_cdk_lib_1.Duration.days(objectLock.days))
            : s3.ObjectLockRetention.governance(aws_cdk_lib_1.Duration.days(objectLock.days)),
        removalPolicy,
    };
}
/**
 * Sends `bucket`'s server access logs to `logsBucket` under {@link ACCESS_LOG_PREFIX}, allowing only S3's log
 * delivery for this bucket and account to write there.
 */
function deliverAccessLogs(bucket, logsBucket) {
    // Set on the L1 so the log bucket can stay ACL-free (the L2 prop falls back to the log-delivery ACL).
    bucket.node.defaultChild.loggingConfiguration = {
        destinationBucketName: logsBucket.bucketName,
        logFilePrefix: exports.ACCESS_LOG_PREFIX,
    };
    logsBucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowServerAccessLogDelivery',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [logsBucket.arnForObjects(`${exports.ACCESS_LOG_PREFIX}*`)],
        conditions: {
            ArnLike: { 'aws:SourceArn': bucket.bucketArn },
            StringEquals: { 'aws:SourceAccount': aws_cdk_lib_1.Stack.of(bucket).account },
        },
    }));
}
