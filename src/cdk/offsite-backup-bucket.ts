import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cdkValidationOptions } from './cdk-validation';
import { createAccessLogsBucket, deliverAccessLogs, secureBucketProps } from './secure-bucket';
import { BucketReplicationOptions } from '../core/aws/bucket-replication';
import { renderS3LifecycleConfiguration } from '../core/aws/lifecycle-s3';
import {
  OFFSITE_DENIED_ACTIONS, OFFSITE_REPLICATE_ACTIONS, OffsiteBackupBucketOptions, OffsiteBackupBucketPlan, OffsiteResourceKind,
  offsiteReplicationFor, planOffsiteBackupBucket,
} from '../core/aws/offsite-backup-bucket';

/** Props of {@link OffsiteBackupBucket}. */
export interface OffsiteBackupBucketProps extends OffsiteBackupBucketOptions {
  /**
   * What happens to the bucket and its key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The offsite bucket backups are replicated into, in a stack of its own in another region and/or account (a stack
 * with an explicit `env`): versioned, encrypted with its own KMS key (named by an alias), public access blocked, TLS
 * 1.2 only, optional Object Lock, access logs in a separate bucket, a lifecycle that keeps replicas `expirationDays`
 * (or forever), a bucket policy that lets only the sources' replication roles replicate in and nobody delete a
 * replica, and a key policy that lets those roles encrypt.
 *
 * Every name is physical, so the source stack needs no cross-region reference: deploy this stack first, then the
 * sources with `replication: offsite.replicationFor('<roleName>')`.
 */
export class OffsiteBackupBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** The key the replicas are encrypted with. */
  public readonly encryptionKey: kms.Key;
  /** The bucket its access logs go to. */
  public readonly accessLogsBucket: s3.Bucket;
  /** What core decided. */
  public readonly plan: OffsiteBackupBucketPlan;

  constructor(scope: Construct, id: string, props: OffsiteBackupBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.plan = planOffsiteBackupBucket(props, {
      account: stack.account, region: stack.region, validation: cdkValidationOptions(this),
    });
    const plan = this.plan;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: plan.keyDescription, alias: plan.keyAlias, enableKeyRotation: true, removalPolicy,
    });
    this.accessLogsBucket = createAccessLogsBucket(this, 'AccessLogs', removalPolicy);
    this.bucket = new s3.Bucket(this, 'Bucket', { ...secureBucketProps(this.encryptionKey, plan.objectLock, removalPolicy), bucketName: plan.bucketName });
    (this.bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('LifecycleConfiguration', renderS3LifecycleConfiguration(plan.lifecycleRules));
    deliverAccessLogs(this.bucket, this.accessLogsBucket);

    // The roles are named in a condition on their account, not as principals: S3 and KMS refuse a policy naming a role
    // that does not exist yet, and the sources are deployed after this bucket.
    const replicatingAccount = new iam.AccountPrincipal(plan.replicatingAccount);
    const byReplicationRoles = { ArnEquals: { 'aws:PrincipalArn': [...plan.replicationRoleArns] } };
    // The bucket's physical ARN, as the sources know it.
    const objects = `${plan.bucketArn}/*`;
    const resources: Record<Exclude<OffsiteResourceKind, 'offsite-key'>, string> = { 'offsite-bucket': plan.bucketArn, 'offsite-objects': objects };
    for (const group of plan.replicationGrants) {
      if (group.resource === 'offsite-key') {
        this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'AllowReplicationRolesToEncryptReplicas', principals: [replicatingAccount], actions: [...group.actions], resources: ['*'], conditions: byReplicationRoles,
        }));
      } else {
        this.bucket.addToResourcePolicy(new iam.PolicyStatement({
          principals: [replicatingAccount], actions: [...group.actions], resources: [resources[group.resource]], conditions: byReplicationRoles,
        }));
      }
    }
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyReplicationByOthers',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...OFFSITE_REPLICATE_ACTIONS],
      resources: [objects],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...plan.replicationRoleArns] } },
    }));
    // A replica is only ever removed by the lifecycle (S3 itself, which no bucket policy applies to).
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyDeletingReplicas',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...OFFSITE_DENIED_ACTIONS],
      resources: [objects],
    }));
  }

  /**
   * The `replication` prop of the source whose replication role is `roleName` (one of `replicationRoleNames`): the
   * bucket's ARN, the key's alias ARN, the role's name, the destination account, expiry and Object Lock, all plain
   * strings, so the source's stack in another region uses them without a cross-region reference.
   */
  public replicationFor(roleName: string): BucketReplicationOptions {
    return offsiteReplicationFor(this.plan, roleName, this.node.path);
  }
}
