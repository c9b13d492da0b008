import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { RemovalPolicyProps } from './backup-store-handles';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { renderPlannedStatement } from './planned-grants';
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
export class OffsiteBackupBucket extends BackupBucket {
  /** The bucket. */
  public declare readonly bucket: s3.Bucket;
  /** The key the replicas are encrypted with. */
  public declare readonly encryptionKey: kms.Key;
  /** The bucket its access logs go to. */
  public declare readonly accessLogsBucket: s3.Bucket;
  /** What core decided. */
  public readonly plan: OffsiteBackupBucketPlan;

  constructor(scope: Construct, id: string, props: OffsiteBackupBucketProps) {
    const stack = Stack.of(scope);
    // Planned before the bucket exists, so its messages name the path it is about to have.
    const construct = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
    const validation = { ...CDK_VALIDATION_OPTIONS, construct };
    const plan = planOffsiteBackupBucket(props, { account: stack.account, region: stack.region, validation });
    super(scope, id, { plan: plan.bucket, removalPolicy: props.removalPolicy });
    this.plan = plan;
    this.encryptionKey.addAlias(plan.keyAlias);
    for (const statement of plan.keyPolicy) this.encryptionKey.addToResourcePolicy(renderPlannedStatement(statement, undefined));
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
