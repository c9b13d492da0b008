import * as kms from '@pulumi/aws/kms';
import * as pulumi from '@pulumi/pulumi';
import { BackupBucket } from './backup-bucket';
import { RetainOnDeleteArgs, retainOnDeleteOf } from './backup-store-handles';
import { plannedStatement, policyDocument } from './policy-document';
import { BucketReplicationOptions } from '../../core/aws/bucket-replication';
import { OffsiteBackupBucketOptions, OffsiteBackupBucketPlan, offsiteReplicationFor, planOffsiteBackupBucket } from '../../core/aws/offsite-backup-bucket';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Arguments of {@link OffsiteBackupBucket}. */
export interface OffsiteBackupBucketArgs extends OffsiteBackupBucketOptions, RetainOnDeleteArgs {
  /** The account the bucket is created in (that of the provider it is created with). */
  readonly account: string;
  /** The region the bucket is created in (that of the provider it is created with), e.g. `eu-central-1`. */
  readonly region: string;
}

/**
 * The offsite bucket backups are replicated into, created with a provider for another region and/or account:
 * versioned, encrypted with its own KMS key (named by an alias), public access blocked, TLS 1.2 only, optional Object
 * Lock, access logs in a separate bucket, a lifecycle that keeps replicas `expirationDays` (or forever), a bucket
 * policy that lets only the sources' replication roles replicate in and nobody delete a replica, and a key policy that
 * lets those roles encrypt. Wire a source with `replication: offsite.replicationFor('<roleName>')`.
 */
export class OffsiteBackupBucket extends pulumi.ComponentResource {
  /** The bucket, its access logs and its policy. */
  public readonly backupBucket: BackupBucket;
  /** The key the replicas are encrypted with. */
  public readonly encryptionKey: kms.Key;
  /** What core decided. */
  public readonly plan: OffsiteBackupBucketPlan;
  private readonly componentName: string;

  constructor(name: string, args: OffsiteBackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:OffsiteBackupBucket', name, {}, opts);
    this.componentName = name;
    this.plan = planOffsiteBackupBucket(args, {
      account: args.account, region: args.region, validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
    });
    const plan = this.plan;
    const retainOnDelete = retainOnDeleteOf(args);
    const account = { account: args.account, partition: plan.bucketArn.split(':')[1] };
    this.encryptionKey = new kms.Key(`${name}-key`, {
      description: plan.keyDescription,
      enableKeyRotation: true,
      policy: policyDocument([
        // The key's default policy: the account's IAM policies decide who else may use it.
        { Sid: 'EnableIamPolicies', ...plannedStatement({ effect: 'Allow', principal: account, actions: ['kms:*'], resources: [{ arn: '*' }] }, undefined) },
        ...plan.keyPolicy.map((statement) => plannedStatement(statement, undefined)),
      ]),
    }, { parent: this, retainOnDelete });
    new kms.Alias(`${name}-key-alias`, { name: plan.keyAlias, targetKeyId: this.encryptionKey.keyId }, { parent: this });
    this.backupBucket = new BackupBucket(`${name}-bucket`, { plan: plan.bucket, encryptionKeyArn: this.encryptionKey.arn, retainOnDelete }, { parent: this });
    this.registerOutputs({ bucketArn: plan.bucketArn, keyAliasArn: plan.keyAliasArn });
  }

  /**
   * The `replication` arg of the source whose replication role is `roleName` (one of `replicationRoleNames`): the
   * bucket's ARN, the key's alias ARN, the role's name, the destination account, expiry and Object Lock.
   */
  public replicationFor(roleName: string): BucketReplicationOptions {
    return offsiteReplicationFor(this.plan, roleName, this.componentName);
  }
}
