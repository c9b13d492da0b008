import type * as iam from '@pulumi/aws/iam';
import * as kms from '@pulumi/aws/kms';
import * as s3 from '@pulumi/aws/s3';
import type * as inputs from '@pulumi/aws/types/input';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupStoreArgs, retainOnDeleteOf } from './backup-store-handles';
import { createBucketReplication, providerShaped } from './bucket-replication';
import { PolicyReferenceInputs, PolicyStatement, backupObjectScopes, grantStatements, plannedStatement, policyDocument } from './policy-document';
import { BackupBucketOptions, BackupBucketPlan, denyDeletingStatement, planBackupBucket } from '../../core/aws/backup-bucket';
import { REPLICA_BUCKET_RESOURCE } from '../../core/aws/bucket-replication';
import * as groups from '../../core/aws/iam-action-groups';
import { S3LifecycleConfiguration, s3ApiLifecycleRules } from '../../core/aws/lifecycle-s3';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export { ACCESS_LOG_PREFIX } from '../../core/aws/backup-bucket';
export type { ExistingBucket } from './backup-store-handles';

/** Props of {@link BackupBucket}: core's options, and the ARNs and names of the resources it works with. */
export interface BackupBucketProps extends BackupBucketOptions, BackupStoreArgs {
  /**
   * The bucket as core planned it for a component (an archive's, an offsite bucket's): rendered as it is, instead of
   * planned from the options.
   * @default - planned from the options
   */
  readonly plan?: BackupBucketPlan;
  /**
   * ARNs of the principals that may delete objects besides a break-glass role (an archiver that expires its own
   * backups); the account root is then exempted too, so the exception list is never only computed values.
   * @default - none
   */
  readonly deletingPrincipalArns?: pulumi.Input<string>[];
  /**
   * ARN of the prune task's role, which the bucket policy lets delete backups too (its own grants scope it to the prefix).
   * @default - no prune task
   */
  readonly pruneRoleArn?: pulumi.Input<string>;
  /**
   * The environment (account) of the access-log delivery condition.
   * @default - read from the provider
   */
  readonly environment?: AwsEnvironment;
}

/**
 * The bucket backups are written to: public access blocked, TLS 1.2+ only, KMS-encrypted with a bucket key, versioned,
 * objects owned by the bucket owner, the lifecycle rules from core, optional Object Lock, access logs in a separate
 * bucket, and a bucket-policy Deny on deleting objects for every principal but an optional break-glass role.
 */
export class BackupBucket extends pulumi.ComponentResource {
  /** Name of the bucket. */
  public readonly bucketName: pulumi.Output<string>;
  /** ARN of the bucket. */
  public readonly bucketArn: pulumi.Output<string>;
  /** The key prefix of the dumps (no trailing `/`), when given. */
  public readonly prefix?: string;
  /** The bucket as core planned it. */
  public readonly plan: BackupBucketPlan;
  /** The bucket, when created here. */
  public readonly bucket?: s3.Bucket;
  /** ARN of the key the backups are encrypted with, when known. */
  public readonly encryptionKeyArn?: pulumi.Output<string>;
  /** The bucket the access logs go to, when created here. */
  public readonly accessLogsBucket?: s3.Bucket;
  /** The policy of a created bucket. */
  public readonly bucketPolicy?: s3.BucketPolicy;
  /** The role S3 replicates the bucket offsite with, when replicated. */
  public readonly replicationRole?: iam.Role;
  /** The replication configuration, when replicated. */
  public readonly replicationConfiguration?: s3.BucketReplicationConfig;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  public readonly replicaBucketName?: string;

  constructor(name: string, props: BackupBucketProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupBucket', name, {}, opts);
    const { bucket: given, breakGlassRoleArn, pruneRoleArn, deletingPrincipalArns } = props;
    this.prefix = props.prefix;
    const plan = this.plan = props.plan ?? planBackupBucket(props, {
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      givenBucket: given !== undefined,
      deleters: { breakGlass: breakGlassRoleArn !== undefined, prune: pruneRoleArn !== undefined, archivers: deletingPrincipalArns !== undefined },
    });
    if (given) {
      this.bucketName = pulumi.output(given.bucketName);
      this.bucketArn = pulumi.output(given.bucketArn);
      const keyArn = props.encryptionKeyArn ?? given.encryptionKeyArn;
      if (keyArn !== undefined) this.encryptionKeyArn = pulumi.output(keyArn);
      this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
      return;
    }
    const environment = () => props.environment ?? awsEnvironment(this);
    const child = { parent: this };
    const retained = { parent: this, retainOnDelete: retainOnDeleteOf(props) };
    const encryptionKeyArn = props.encryptionKeyArn !== undefined ? pulumi.output(props.encryptionKeyArn)
      : new kms.Key(`${name}-key`, { description: plan.keyDescription, enableKeyRotation: true }, retained).arn;
    const lock = plan.objectLock;
    const bucket = new s3.Bucket(`${name}-bucket`, { bucket: plan.bucketName, objectLockEnabled: lock !== undefined ? true : undefined }, retained);
    const { publicAccess, versioning } = this.secure(name, bucket, plan.lifecycle, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: encryptionKeyArn }, bucketKeyEnabled: true,
    });
    if (lock) {
      new s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
        bucket: bucket.id, rule: { defaultRetention: { mode: lock.mode, days: lock.days } },
      }, { parent: this, dependsOn: [versioning] });
    }
    Object.assign(this, plan.replication && createBucketReplication(name, this, plan.replication, bucket, encryptionKeyArn, versioning));
    this.replicaBucketName = plan.replication?.destinationBucketArn.split(':')[5];
    if (plan.requestMetrics) {
      new s3.BucketMetric(`${name}-request-metrics`, { bucket: bucket.id, name: plan.requestMetrics.id, filter: { prefix: plan.requestMetrics.prefix } }, child);
    }
    const logs = props.serverAccessLogs ?? true;
    if (logs === true) this.accessLogsBucket = this.createAccessLogsBucket(name, bucket, plan, retained, environment);
    if (logs !== false) {
      const targetBucket = this.accessLogsBucket?.bucket ?? (logs as pulumi.Input<string>);
      new s3.BucketLogging(`${name}-logging`, { bucket: bucket.id, targetBucket, targetPrefix: plan.accessLogPrefix }, child);
    }
    const references: PolicyReferenceInputs = {
      'break-glass-role': breakGlassRoleArn,
      'prune-role': pruneRoleArn,
      'archivers': deletingPrincipalArns,
      ...(deletingPrincipalArns !== undefined ? { 'account-root': pulumi.interpolate`arn:${environment().partition}:iam::${environment().account}:root` } : {}),
    };
    this.bucketPolicy = new s3.BucketPolicy(`${name}-policy`, {
      bucket: bucket.id, policy: policyDocument(plan.policy.map((statement) => plannedStatement(statement, bucket.arn, references))),
    }, { parent: this, dependsOn: [publicAccess] });
    this.bucket = bucket;
    this.encryptionKeyArn = encryptionKeyArn;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, encryptionKeyArn: this.encryptionKeyArn });
  }

  /**
   * The bucket-policy statement that keeps backups from being deleted by any principal but `breakGlassRoleArn`: only
   * the lifecycle rules expire them (S3 itself, which no bucket policy applies to), so a stolen credential or a bad
   * script cannot erase the history. For the owner of a given bucket to add to its policy.
   */
  public denyDeleteStatement(breakGlassRoleArn?: pulumi.Input<string>): PolicyStatement {
    const statement = denyDeletingStatement({ breakGlass: breakGlassRoleArn !== undefined, prune: false, archivers: false });
    return plannedStatement(statement, this.bucketArn, { 'break-glass-role': breakGlassRoleArn });
  }

  /** The names the replication alarms' dimensions name (`replica-bucket`), when replicated. */
  public replicationMetricResources(): Record<string, pulumi.Input<string>> {
    return this.replicaBucketName === undefined ? {} : { [REPLICA_BUCKET_RESOURCE]: this.replicaBucketName };
  }

  /** What a writer of new backups under `prefix` may do, and nothing else (core's `BACKUP_WRITE_IAM_ACTIONS`: no delete). */
  public writeStatements(prefix: string): PolicyStatement[] {
    return this.actionGroupStatements(groups.BACKUP_WRITE_IAM_ACTIONS, prefix);
  }

  /** The statements that grant core's action groups (a plan's task role grants) on the backups under `prefix`. */
  public actionGroupStatements(actions: readonly groups.IamActionGroup<groups.BackupObjectResourceKind>[], prefix: string): PolicyStatement[] {
    return grantStatements(actions, backupObjectScopes(this.bucketArn, prefix, this.encryptionKeyArn));
  }

  /** What a prune task may do under `prefix` (core's `BACKUP_PRUNE_IAM_ACTIONS`). */
  public pruneStatements(prefix: string): PolicyStatement[] {
    return this.actionGroupStatements(groups.BACKUP_PRUNE_IAM_ACTIONS, prefix);
  }

  /** What a reader of the backups under `prefix` may do (core's `BACKUP_READ_IAM_ACTIONS`). */
  public readStatements(prefix: string): PolicyStatement[] {
    return this.actionGroupStatements(groups.BACKUP_READ_IAM_ACTIONS, prefix);
  }

  /** What a restore drill may write beside the backups under `prefix` (core's `DRILL_RESULT_WRITE_IAM_ACTIONS`). */
  public drillResultStatements(prefix: string): PolicyStatement[] {
    return this.actionGroupStatements(groups.DRILL_RESULT_WRITE_IAM_ACTIONS, prefix);
  }

  /** Public access blocked, bucket-owner objects, versioning, default `encryption` and `lifecycle` on `bucket`, named `<name>-…`. */
  private secure(
    name: string, bucket: s3.Bucket, lifecycle: S3LifecycleConfiguration, encryption: inputs.s3.BucketServerSideEncryptionConfigurationRule,
  ): { publicAccess: s3.BucketPublicAccessBlock; versioning: s3.BucketVersioning } {
    const child = { parent: this };
    const publicAccess = new s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, child);
    new s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
    const versioning = new s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, child);
    new s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, rules: [encryption] }, child);
    // Lifecycle rules on noncurrent versions need versioning first.
    new s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: bucket.id, rules: providerShaped(s3ApiLifecycleRules(lifecycle)) as s3.BucketLifecycleConfigurationArgs['rules'],
    }, { parent: this, dependsOn: [versioning] });
    return { publicAccess, versioning };
  }

  /** The access-log bucket of a plan: S3 delivers access logs only to buckets encrypted with S3-managed keys. */
  private createAccessLogsBucket(
    name: string, source: s3.Bucket, plan: BackupBucketPlan, retained: pulumi.CustomResourceOptions, environment: () => AwsEnvironment,
  ): s3.Bucket {
    const logs = new s3.Bucket(`${name}-access-logs`, {}, retained);
    const { publicAccess } = this.secure(`${name}-access-logs`, logs, plan.accessLogsBucket.lifecycle, { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } });
    const references = { 'source-bucket-arn': source.arn, 'account': environment().account };
    new s3.BucketPolicy(`${name}-access-logs-policy`, {
      bucket: logs.id,
      policy: policyDocument(plan.accessLogsBucket.policy.map((statement) => plannedStatement(statement, logs.arn, references))),
    }, { parent: this, dependsOn: [publicAccess] });
    return logs;
  }
}
