import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { renderBucketReplication } from './bucket-replication';
import { BackupBucketPlan, PlannedConditionValue, PlannedPolicyStatement, PolicyReference } from '../core/aws/backup-bucket';

/** The values of core's policy references a construct knows; a list is read when the template is synthesized. */
export type PolicyReferenceValues = Partial<Record<PolicyReference['ref'], string | readonly string[]>>;

/** Core's statement as an `iam.PolicyStatement` on `bucket` (its resources) with `references` filled in. */
export function renderPlannedStatement(
  statement: PlannedPolicyStatement, bucket: s3.IBucket | undefined, references: PolicyReferenceValues = {},
): iam.PolicyStatement {
  const principal = statement.principal;
  const resolve = (reference: PolicyReference): string | readonly string[] => {
    const value = references[reference.ref];
    if (value === undefined) throw new Error(`the policy statement ${statement.sid ?? ''} needs ${reference.ref}, which is not known here`);
    return value;
  };
  const conditionValue = (value: PlannedConditionValue): unknown => {
    if (typeof value !== 'object' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))) return value;
    if (!Array.isArray(value)) return resolve(value as PolicyReference);
    return Lazy.list({ produce: () => (value as PolicyReference[]).flatMap((reference) => resolve(reference)) });
  };
  return new iam.PolicyStatement({
    sid: statement.sid,
    effect: statement.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
    principals: principal !== 'anyone' && principal !== '*' && 'accounts' in principal
      ? principal.accounts.map((account) => new iam.AccountPrincipal(account))
      : [principal === 'anyone' ? new iam.AnyPrincipal() : principal === '*' ? new iam.StarPrincipal()
        : 'service' in principal ? new iam.ServicePrincipal(principal.service) : new iam.AccountPrincipal(principal.account)],
    actions: [...statement.actions],
    resources: statement.resources.flatMap((resource) => (resource === 'bucket' ? bucket!.bucketArn
      : 'arn' in resource ? resource.arn : 'ref' in resource ? resolve(resource) : bucket!.arnForObjects(resource.objects))),
    conditions: statement.conditions && Object.fromEntries(Object.entries(statement.conditions).map(([operator, keys]) => [
      operator, Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, conditionValue(value)])),
    ])),
  });
}

/** The cloud handles a planned bucket is rendered with. */
export interface PlannedBucketHandles {
  /** The key, or a key `Key` is created. */
  readonly encryptionKey?: kms.IKey;
  /** Where access logs go: `true` creates a bucket `AccessLogs`. */
  readonly serverAccessLogs: boolean | s3.IBucket;
  /** What happens to created buckets and key when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** The values of the bucket policy's references. */
  readonly references?: PolicyReferenceValues;
}

/** A planned bucket, as rendered: what a created `BackupBucket` exposes. */
export interface RenderedBucket {
  /** The bucket. */
  readonly bucket: s3.Bucket;
  /** The key the backups are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** The bucket the access logs go to, when created or given. */
  readonly accessLogsBucket?: s3.IBucket;
  /** The role S3 replicates the bucket offsite with, when replicated. */
  readonly replicationRole?: iam.IRole;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  readonly replicaBucketName?: string;
}

/**
 * Renders core's bucket plan in `scope` (ids `Key`, `AccessLogs`, `Bucket`, `ReplicationRole`): no public access,
 * KMS with a bucket key, versioned, bucket-owner objects, core's lifecycle, Object Lock, request metrics, access logs,
 * replication and policy.
 */
export function renderPlannedBucket(scope: Construct, plan: BackupBucketPlan, handles: PlannedBucketHandles): RenderedBucket {
  const { removalPolicy, serverAccessLogs } = handles;
  const encryptionKey = handles.encryptionKey ?? new kms.Key(scope, 'Key', { description: plan.keyDescription, enableKeyRotation: true, removalPolicy });
  const accessLogsBucket = serverAccessLogs === true ? createAccessLogsBucket(scope, plan, removalPolicy) : serverAccessLogs || undefined;
  const lock = plan.objectLock;
  const bucket = new s3.Bucket(scope, 'Bucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    objectLockEnabled: lock ? true : undefined,
    objectLockDefaultRetention: lock && s3.ObjectLockRetention[lock.mode === 'COMPLIANCE' ? 'compliance' : 'governance'](Duration.days(lock.days)),
    metrics: plan.requestMetrics && [plan.requestMetrics],
    bucketName: plan.bucketName,
    removalPolicy,
  });
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.addPropertyOverride('LifecycleConfiguration', plan.lifecycle);
  for (const statement of plan.policy) bucket.addToResourcePolicy(renderPlannedStatement(statement, bucket, handles.references));
  if (accessLogsBucket) {
    // Set on the L1 so the log bucket can stay ACL-free (the L2 prop falls back to the log-delivery ACL).
    cfnBucket.loggingConfiguration = { destinationBucketName: accessLogsBucket.bucketName, logFilePrefix: plan.accessLogPrefix };
    const delivery = plan.accessLogsBucket.policy.filter((statement) => statement.effect === 'Allow');
    const references = { 'source-bucket-arn': bucket.bucketArn, 'account': Stack.of(bucket).account };
    for (const statement of delivery) accessLogsBucket.addToResourcePolicy(renderPlannedStatement(statement, accessLogsBucket, references));
  }
  const replication = plan.replication && renderBucketReplication(scope, 'ReplicationRole', bucket, encryptionKey, plan.replication);
  return { bucket, encryptionKey, accessLogsBucket, ...replication };
}

/** The access-log bucket of a plan: no public access, TLS only, S3-managed keys (the only ones S3 delivers logs to), versioned. */
function createAccessLogsBucket(scope: Construct, plan: BackupBucketPlan, removalPolicy: RemovalPolicy): s3.Bucket {
  const logs = new s3.Bucket(scope, 'AccessLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    removalPolicy,
  });
  (logs.node.defaultChild as s3.CfnBucket).addPropertyOverride('LifecycleConfiguration', plan.accessLogsBucket.lifecycle);
  // The delivery statement is added with the source bucket it names.
  for (const statement of plan.accessLogsBucket.policy.filter((s) => s.effect === 'Deny')) logs.addToResourcePolicy(renderPlannedStatement(statement, logs));
  return logs;
}
