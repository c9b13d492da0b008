import * as kms from '@pulumi/aws/kms';
import * as pulumi from '@pulumi/pulumi';
import { BackupBucket } from './backup-bucket';
import { PolicyStatement, policyDocument } from './policy-document';
import { BucketReplicationOptions } from '../../core/aws/bucket-replication';
import {
  OFFSITE_DENIED_ACTIONS, OFFSITE_REPLICATE_ACTIONS, OffsiteBackupBucketOptions, OffsiteBackupBucketPlan, offsiteReplicationFor,
  planOffsiteBackupBucket,
} from '../../core/aws/offsite-backup-bucket';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Arguments of {@link OffsiteBackupBucket}. */
export interface OffsiteBackupBucketArgs extends OffsiteBackupBucketOptions {
  /** The account the bucket is created in (that of the provider it is created with). */
  readonly account: string;
  /** The region the bucket is created in (that of the provider it is created with), e.g. `eu-central-1`. */
  readonly region: string;
  /**
   * Keep the bucket and its key when the component is deleted.
   * @default true
   */
  readonly retainOnDelete?: boolean;
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
    const retainOnDelete = args.retainOnDelete ?? true;
    const replicatingAccount = { AWS: `arn:${plan.bucketArn.split(':')[1]}:iam::${plan.replicatingAccount}:root` };
    const byReplicationRoles = { ArnEquals: { 'aws:PrincipalArn': [...plan.replicationRoleArns] } };
    const groupActions = (kind: string) => plan.replicationGrants.filter((group) => group.resource === kind).flatMap((group) => group.actions);

    this.encryptionKey = new kms.Key(`${name}-key`, {
      description: plan.keyDescription,
      enableKeyRotation: true,
      policy: policyDocument([
        // The key's default policy: the account's IAM policies decide who else may use it.
        { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:${plan.bucketArn.split(':')[1]}:iam::${args.account}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'AllowReplicationRolesToEncryptReplicas',
          Effect: 'Allow',
          Principal: replicatingAccount,
          Action: groupActions('offsite-key'),
          Resource: '*',
          Condition: byReplicationRoles,
        },
      ]),
    }, { parent: this, retainOnDelete });
    new kms.Alias(`${name}-key-alias`, { name: plan.keyAlias, targetKeyId: this.encryptionKey.keyId }, { parent: this });

    const bucketArn = plan.bucketArn;
    const objects = `${bucketArn}/*`;
    // The roles are named in a condition on their account, not as principals: S3 and KMS refuse a policy naming a role
    // that does not exist yet, and the sources are deployed after this bucket.
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Principal: replicatingAccount, Action: groupActions('offsite-bucket'), Resource: bucketArn, Condition: byReplicationRoles },
      { Effect: 'Allow', Principal: replicatingAccount, Action: groupActions('offsite-objects'), Resource: objects, Condition: byReplicationRoles },
      {
        Sid: 'DenyReplicationByOthers',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [...OFFSITE_REPLICATE_ACTIONS],
        Resource: objects,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...plan.replicationRoleArns] } },
      },
      // A replica is only ever removed by the lifecycle (S3 itself, which no bucket policy applies to).
      { Sid: 'DenyDeletingReplicas', Effect: 'Deny', Principal: { AWS: '*' }, Action: [...OFFSITE_DENIED_ACTIONS], Resource: objects },
    ];
    this.backupBucket = new BackupBucket(`${name}-bucket`, {
      bucketName: plan.bucketName,
      encryptionKeyArn: this.encryptionKey.arn,
      lifecycleRules: [...plan.lifecycleRules],
      objectLock: plan.objectLock,
      retainOnDelete,
      additionalPolicyStatements: statements,
    }, { parent: this });
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
