import type * as iam from '@pulumi/aws/iam';
import * as kms from '@pulumi/aws/kms';
import * as s3 from '@pulumi/aws/s3';
import type * as inputs from '@pulumi/aws/types/input';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createBucketReplication, providerShaped } from './bucket-replication';
import { GrantScope, PolicyReferenceInputs, bucketGrantScopes, plannedStatement, policyDocument } from './policy-document';
import { BackupBucketPlan, backupObjectGrantLocations } from '../../core/aws/backup-bucket';
import { BackupObjectResourceKind } from '../../core/aws/iam-action-groups';
import { S3LifecycleConfiguration, s3ApiLifecycleRules } from '../../core/aws/lifecycle-s3';

/** The cloud handles a planned bucket is rendered with. */
export interface PlannedBucketHandles {
  /**
   * ARN of the key.
   * @default - a key `<name>-key` is created (rotation on)
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /** Where access logs go: `true` creates a bucket `<name>-access-logs`, a name sends them to that bucket. */
  readonly serverAccessLogs: boolean | pulumi.Input<string>;
  /** Keep the created buckets and key when the stack is destroyed. */
  readonly retainOnDelete: boolean;
  /** The environment (account) of the access-log delivery condition, read only when that bucket is created. */
  readonly environment: () => AwsEnvironment;
  /** The values of the bucket policy's references. */
  readonly references: PolicyReferenceInputs;
}

/** A planned bucket, as rendered: what a created `BackupBucket` exposes. */
export interface RenderedBucket {
  /** The bucket, when created here. */
  readonly bucket: s3.Bucket;
  /** ARN of the key the backups are encrypted with. */
  readonly encryptionKeyArn: pulumi.Output<string>;
  /** The bucket the access logs go to, when created here. */
  readonly accessLogsBucket?: s3.Bucket;
  /** The policy of a created bucket. */
  readonly bucketPolicy: s3.BucketPolicy;
  /** The role S3 replicates the bucket offsite with, when replicated. */
  readonly replicationRole?: iam.Role;
  /** The replication configuration, when replicated. */
  readonly replicationConfiguration?: s3.BucketReplicationConfig;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  readonly replicaBucketName?: string;
}

/**
 * Renders core's bucket plan as children of `parent` named `<name>-…`: the key, the bucket with no public access,
 * bucket-owner objects, versioning, KMS with a bucket key, core's lifecycle, Object Lock, replication, request metrics,
 * access logs (into a bucket created for them, or a given one) and the policy.
 */
export function renderPlannedBucket(name: string, parent: pulumi.Resource, plan: BackupBucketPlan, handles: PlannedBucketHandles): RenderedBucket {
  const child = { parent };
  const retained = { parent, retainOnDelete: handles.retainOnDelete };
  const encryptionKeyArn = handles.encryptionKeyArn !== undefined ? pulumi.output(handles.encryptionKeyArn)
    : new kms.Key(`${name}-key`, { description: plan.keyDescription, enableKeyRotation: true }, retained).arn;
  const lock = plan.objectLock;
  const bucket = new s3.Bucket(`${name}-bucket`, { bucket: plan.bucketName, objectLockEnabled: lock !== undefined ? true : undefined }, retained);
  const { publicAccess, versioning } = secureBucket(name, parent, bucket, plan.lifecycle, {
    applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: encryptionKeyArn }, bucketKeyEnabled: true,
  });
  if (lock) {
    new s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
      bucket: bucket.id, rule: { defaultRetention: { mode: lock.mode, days: lock.days } },
    }, { parent, dependsOn: [versioning] });
  }
  const replication = plan.replication && createBucketReplication(name, parent, plan.replication, bucket, encryptionKeyArn, versioning);
  if (plan.requestMetrics) {
    new s3.BucketMetric(`${name}-request-metrics`, {
      bucket: bucket.id, name: plan.requestMetrics.id, filter: { prefix: plan.requestMetrics.prefix },
    }, child);
  }
  const logs = handles.serverAccessLogs;
  const accessLogsBucket = logs === true ? createAccessLogsBucket(name, parent, bucket, plan, handles) : undefined;
  if (logs !== false) {
    const targetBucket = accessLogsBucket?.bucket ?? (logs as pulumi.Input<string>);
    new s3.BucketLogging(`${name}-logging`, { bucket: bucket.id, targetBucket, targetPrefix: plan.accessLogPrefix }, child);
  }
  const bucketPolicy = new s3.BucketPolicy(`${name}-policy`, {
    bucket: bucket.id,
    policy: policyDocument(plan.policy.map((statement) => plannedStatement(statement, bucket.arn, handles.references))),
  }, { parent, dependsOn: [publicAccess] });
  return { bucket, encryptionKeyArn, accessLogsBucket, bucketPolicy, ...replication, replicaBucketName: plan.replication?.destinationBucketArn.split(':')[5] };
}

/** Public access blocked, bucket-owner objects, versioning, default `encryption` and `lifecycle` on `bucket`, named `<name>-…`. */
function secureBucket(
  name: string, parent: pulumi.Resource, bucket: s3.Bucket, lifecycle: S3LifecycleConfiguration,
  encryption: inputs.s3.BucketServerSideEncryptionConfigurationRule,
): { publicAccess: s3.BucketPublicAccessBlock; versioning: s3.BucketVersioning } {
  const child = { parent };
  const publicAccess = new s3.BucketPublicAccessBlock(`${name}-public-access`, {
    bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  }, child);
  new s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
  const versioning = new s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, child);
  new s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, rules: [encryption] }, child);
  // Lifecycle rules on noncurrent versions need versioning first.
  new s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
    bucket: bucket.id, rules: providerShaped(s3ApiLifecycleRules(lifecycle)) as s3.BucketLifecycleConfigurationArgs['rules'],
  }, { parent, dependsOn: [versioning] });
  return { publicAccess, versioning };
}

/** The access-log bucket of a plan: S3 delivers access logs only to buckets encrypted with S3-managed keys. */
function createAccessLogsBucket(
  name: string, parent: pulumi.Resource, source: s3.Bucket, plan: BackupBucketPlan, handles: PlannedBucketHandles,
): s3.Bucket {
  const logs = new s3.Bucket(`${name}-access-logs`, {}, { parent, retainOnDelete: handles.retainOnDelete });
  const encryption = { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } };
  const { publicAccess } = secureBucket(`${name}-access-logs`, parent, logs, plan.accessLogsBucket.lifecycle, encryption);
  const references = { 'source-bucket-arn': source.arn, 'account': handles.environment().account };
  new s3.BucketPolicy(`${name}-access-logs-policy`, {
    bucket: logs.id,
    policy: policyDocument(plan.accessLogsBucket.policy.map((statement) => plannedStatement(statement, logs.arn, references))),
  }, { parent, dependsOn: [publicAccess] });
  return logs;
}

/** Where the backups under `prefix` are, by kind of resource: the objects, the bucket listing only the prefix, the key (when there is one). */
export function backupObjectScopes(
  bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>,
): Partial<Record<BackupObjectResourceKind, GrantScope>> {
  return bucketGrantScopes(backupObjectGrantLocations(prefix), bucketArn, encryptionKeyArn);
}
