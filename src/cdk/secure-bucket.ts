import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ImmutabilityPolicy } from '../core/policy/policy';

/** Key prefix of the backup bucket's server access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = 'backup-bucket/';

/**
 * The settings every bucket holding backups shares: no public access, TLS 1.2 only, the backups' KMS key,
 * versioning, bucket-owner objects, and Object Lock by default when the policy asks for immutability.
 */
export function secureBucketProps(
  encryptionKey: kms.IKey, objectLock: ImmutabilityPolicy | undefined, removalPolicy: RemovalPolicy,
): s3.BucketProps {
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
      ? s3.ObjectLockRetention.compliance(Duration.days(objectLock.days))
      : s3.ObjectLockRetention.governance(Duration.days(objectLock.days)),
    removalPolicy,
  };
}

/**
 * Sends `bucket`'s server access logs to `logsBucket` under {@link ACCESS_LOG_PREFIX}, allowing only S3's log
 * delivery for this bucket and account to write there.
 */
export function deliverAccessLogs(bucket: s3.Bucket, logsBucket: s3.IBucket): void {
  // Set on the L1 so the log bucket can stay ACL-free (the L2 prop falls back to the log-delivery ACL).
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: logsBucket.bucketName,
    logFilePrefix: ACCESS_LOG_PREFIX,
  };
  logsBucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowServerAccessLogDelivery',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [logsBucket.arnForObjects(`${ACCESS_LOG_PREFIX}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': bucket.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
    },
  }));
}

/**
 * A bucket for server access logs, `id` in `scope`: no public access, TLS only, S3-managed keys (the only encryption
 * S3 delivers access logs to), versioned, logs kept a year.
 */
export function createAccessLogsBucket(scope: Construct, id: string, removalPolicy: RemovalPolicy): s3.Bucket {
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy,
  });
}
