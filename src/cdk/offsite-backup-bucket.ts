import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RemovalPolicyProps, removalPolicyOf } from './backup-store-handles';
import { cdkValidationOptions } from './cdk-validation';
import { renderPlannedBucket, renderPlannedStatement } from './planned-bucket';
import { BucketReplicationOptions } from '../core/aws/bucket-replication';
import {
  OffsiteBackupBucketOptions, OffsiteBackupBucketPlan, offsiteReplicationFor, planOffsiteBackupBucket,
} from '../core/aws/offsite-backup-bucket';

/** Props of {@link OffsiteBackupBucket}. */
export interface OffsiteBackupBucketProps extends OffsiteBackupBucketOptions, RemovalPolicyProps {}

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
    const removalPolicy = removalPolicyOf(props);
    this.encryptionKey = new kms.Key(this, 'Key', { description: plan.keyDescription, alias: plan.keyAlias, enableKeyRotation: true, removalPolicy });
    for (const statement of plan.keyPolicy) this.encryptionKey.addToResourcePolicy(renderPlannedStatement(statement, undefined));
    const rendered = renderPlannedBucket(this, plan.bucket, { encryptionKey: this.encryptionKey, serverAccessLogs: true, removalPolicy });
    this.bucket = rendered.bucket;
    this.accessLogsBucket = rendered.accessLogsBucket as s3.Bucket;
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
