import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BackupStoreProps, removalPolicyOf } from './backup-store-handles';
import { renderBucketReplication } from './bucket-replication';
import { cdkValidationOptions } from './cdk-validation';
import { bucketGrantScopes, grantPlannedActions, renderPlannedStatement } from './planned-grants';
import { BackupBucketOptions, BackupBucketPlan, backupObjectGrantLocations, backupObjectLocations, planBackupBucket } from '../core/aws/backup-bucket';
import { REPLICA_BUCKET_RESOURCE } from '../core/aws/bucket-replication';
import {
  BACKUP_PRUNE_IAM_ACTIONS, BACKUP_READ_IAM_ACTIONS, BACKUP_WRITE_IAM_ACTIONS, BackupObjectResourceKind, DRILL_RESULT_WRITE_IAM_ACTIONS,
  IamActionGroup,
} from '../core/aws/iam-action-groups';

export { ACCESS_LOG_PREFIX } from '../core/aws/backup-bucket';

/** Props of {@link BackupBucket}: core's options, and the bucket, key and roles it works with. */
export interface BackupBucketProps extends BackupBucketOptions, BackupStoreProps {
  /**
   * The bucket as core planned it for a construct (a WAL archive's): rendered as it is, instead of planned from the
   * options.
   * @default - planned from the options
   */
  readonly plan?: BackupBucketPlan;
  /**
   * The role of the prune task, which the bucket policy lets delete too (its own grants scope it to the prefix).
   * @default - no prune task
   */
  readonly pruneRole?: iam.IRole;
  /**
   * ARNs of the roles that may delete objects besides a break-glass role (archivers that expire their own backups),
   * read when the template is synthesized, so roles granted later count; the account root is then exempted too, so
   * the exception list is never only computed values.
   * @default - none
   */
  readonly deletingPrincipalArns?: string[];
}

/**
 * The bucket backups are written to: public access blocked, TLS only, KMS-encrypted, versioned, with the dump
 * lifecycle from core, optional Object Lock, access logs in a separate bucket, and a bucket-policy Deny on
 * deleting objects for every principal but an optional break-glass role.
 */
export class BackupBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /** The key prefix of the dumps (no trailing `/`), which the grants default to. */
  public readonly prefix?: string;
  /** The key the backups are encrypted with (a given bucket's, when known). */
  public readonly encryptionKey?: kms.IKey;
  /** The bucket the access logs go to, when created or given. */
  public readonly accessLogsBucket?: s3.IBucket;
  /** The role S3 replicates the bucket offsite with, when replicated. */
  public readonly replicationRole?: iam.IRole;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  public readonly replicaBucketName?: string;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    this.prefix = props.prefix;
    const { bucket: given, breakGlassRole, pruneRole, deletingPrincipalArns: archivers } = props;
    const plan = props.plan ?? planBackupBucket(props, {
      validation: cdkValidationOptions(this),
      givenBucket: given !== undefined,
      deleters: { breakGlass: breakGlassRole !== undefined, prune: pruneRole !== undefined, archivers: archivers !== undefined },
    });
    const references = {
      'break-glass-role': breakGlassRole?.roleArn,
      'prune-role': pruneRole?.roleArn,
      ...(archivers !== undefined ? { 'account-root': `arn:${Aws.PARTITION}:iam::${Stack.of(this).account}:root`, archivers } : {}),
    };
    if (given) {
      this.bucket = given;
      this.encryptionKey = props.encryptionKey ?? given.encryptionKey;
      for (const statement of plan.policy) given.addToResourcePolicy(renderPlannedStatement(statement, given, references));
      return;
    }
    const removalPolicy = removalPolicyOf(props);
    const encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', { description: plan.keyDescription, enableKeyRotation: true, removalPolicy });
    const logs = props.serverAccessLogs ?? true;
    const accessLogsBucket = logs === true ? createAccessLogsBucket(this, plan, removalPolicy) : logs || undefined;
    const lock = plan.objectLock;
    const bucket = new s3.Bucket(this, 'Bucket', {
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
    for (const statement of plan.policy) bucket.addToResourcePolicy(renderPlannedStatement(statement, bucket, references));
    if (accessLogsBucket) {
      // Set on the L1 so the log bucket can stay ACL-free (the L2 prop falls back to the log-delivery ACL).
      cfnBucket.loggingConfiguration = { destinationBucketName: accessLogsBucket.bucketName, logFilePrefix: plan.accessLogPrefix };
      const delivery = plan.accessLogsBucket.policy.filter((statement) => statement.effect === 'Allow');
      const sources = { 'source-bucket-arn': bucket.bucketArn, 'account': Stack.of(bucket).account };
      for (const statement of delivery) accessLogsBucket.addToResourcePolicy(renderPlannedStatement(statement, accessLogsBucket, sources));
    }
    Object.assign(this, plan.replication && renderBucketReplication(this, 'ReplicationRole', bucket, encryptionKey, plan.replication));
    this.bucket = bucket;
    this.encryptionKey = encryptionKey;
    this.accessLogsBucket = accessLogsBucket;
  }

  /** The names the replication alarms' dimensions name (`backup-bucket`, `replica-bucket`), when replicated. */
  public replicationMetricResources(): Record<string, string> {
    return this.replicaBucketName === undefined ? {}
      : { 'backup-bucket': this.bucket.bucketName, [REPLICA_BUCKET_RESOURCE]: this.replicaBucketName };
  }

  /** The ARN pattern of every object under `prefix`. */
  public objectsUnder(prefix?: string): string {
    return this.bucket.arnForObjects(backupObjectLocations(this.prefixOr(prefix)).objects);
  }

  /** Lets `grantee` write new backups under `prefix` and nothing else (core's `BACKUP_WRITE_IAM_ACTIONS`: no delete). */
  public grantWriteBackups(grantee: iam.IGrantable, prefix?: string): void {
    this.grantActionGroups(grantee, BACKUP_WRITE_IAM_ACTIONS, prefix);
  }

  /** Lets `grantee` read the backups under `prefix` (core's `BACKUP_READ_IAM_ACTIONS`). */
  public grantReadBackups(grantee: iam.IGrantable, prefix?: string): void {
    this.grantActionGroups(grantee, BACKUP_READ_IAM_ACTIONS, prefix);
  }

  /** Lets `grantee` write restore drill results beside the backups under `prefix` (core's `DRILL_RESULT_WRITE_IAM_ACTIONS`). */
  public grantWriteDrillResults(grantee: iam.IGrantable, prefix?: string): void {
    this.grantActionGroups(grantee, DRILL_RESULT_WRITE_IAM_ACTIONS, prefix);
  }

  /** Lets `grantee` prune the backups under `prefix` (core's `BACKUP_PRUNE_IAM_ACTIONS`; also {@link BackupBucketProps.pruneRole}). */
  public grantPruneBackups(grantee: iam.IGrantable, prefix?: string): void {
    this.grantActionGroups(grantee, BACKUP_PRUNE_IAM_ACTIONS, prefix);
  }

  /** Grants `grantee` core's action groups (a plan's task role grants) on the backups under `prefix`. */
  public grantActionGroups(grantee: iam.IGrantable, groups: readonly IamActionGroup<BackupObjectResourceKind>[], prefix?: string): void {
    grantBackupObjectGroups(grantee, groups, { bucket: this.bucket, prefix: this.prefixOr(prefix), encryptionKey: this.encryptionKey });
  }

  private prefixOr(prefix: string | undefined): string {
    const resolved = prefix ?? this.prefix;
    if (resolved === undefined) throw new Error(`BackupBucket ${this.node.path}: name the prefix to grant or address, as the bucket was given none`);
    return resolved;
  }
}

/**
 * Grants core's action groups, each scoped to its kind of resource: the objects under the prefix (no trailing `/`) of
 * the bucket, the bucket listing only that prefix, the drill results beside the backups, or the key (when there is one).
 */
export function grantBackupObjectGroups(
  grantee: iam.IGrantable, groups: readonly IamActionGroup<BackupObjectResourceKind>[],
  scope: { readonly bucket: s3.IBucket; readonly prefix: string; readonly encryptionKey?: kms.IKey },
): void {
  grantPlannedActions(grantee, groups, bucketGrantScopes(backupObjectGrantLocations(scope.prefix), scope.bucket, scope.encryptionKey), 'BackupBucket');
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
