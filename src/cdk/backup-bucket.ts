import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { renderBucketReplication } from './bucket-replication';
import { cdkValidationOptions } from './cdk-validation';
import { createAccessLogsBucket, deliverAccessLogs, secureBucketProps } from './secure-bucket';
import { BucketReplicationPlan, REPLICA_BUCKET_RESOURCE } from '../core/aws/bucket-replication';
import {
  BACKUP_PRUNE_IAM_ACTIONS, BACKUP_READ_IAM_ACTIONS, BACKUP_WRITE_IAM_ACTIONS, BackupObjectResourceKind, DRILL_RESULT_WRITE_IAM_ACTIONS,
  IamActionGroup,
} from '../core/aws/iam-action-groups';
import { renderS3LifecycleConfiguration } from '../core/aws/lifecycle-s3';
import { dumpBucketLifecycleRules } from '../core/policy/lifecycle';
import { ImmutabilityPolicy, LogicalDumpPolicy } from '../core/policy/policy';
import { Validator } from '../core/policy/validation';

export { ACCESS_LOG_PREFIX } from './secure-bucket';

/** Props of {@link BackupBucket}. */
export interface BackupBucketProps {
  /**
   * An existing bucket. Its encryption, versioning, lifecycle and Object Lock are left as they are; the
   * delete-deny statement is added to its policy when the bucket belongs to this app.
   * @default - a bucket is created
   */
  readonly bucket?: s3.IBucket;
  /**
   * The KMS key the backups are encrypted with.
   * @default - the given bucket's key; for a created bucket, a key is created (rotation on)
   */
  readonly encryptionKey?: kms.IKey;
  /** Key prefix of the dumps, without a trailing `/`. */
  readonly prefix: string;
  /**
   * The dump policy: its `retentionDays` becomes the lifecycle of the prefix.
   * @default - keep 30 days
   */
  readonly dump?: LogicalDumpPolicy;
  /**
   * Write-once protection (S3 Object Lock default retention); only for a created bucket.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * Log every request to the backups into a separate bucket (server access logs). A bucket with Object Lock
   * cannot receive access logs, and logging a bucket into itself loops, so the logs always go elsewhere.
   * `true` creates that bucket.
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one principal allowed to delete backup objects, for emergencies; everybody else is denied
   * `s3:DeleteObject*` by the bucket policy (expiry by the lifecycle rules still works).
   * @default - nobody may delete
   */
  readonly breakGlassRole?: iam.IRole;
  /**
   * The role of the prune task, which the bucket policy lets delete too (its own grants scope it to the prefix).
   * @default - no prune task
   */
  readonly pruneRole?: iam.IRole;
  /**
   * The offsite copy of a created bucket, as core planned it (`planScheduledPgDump(…).replication`).
   * @default - no replication
   */
  readonly replication?: BucketReplicationPlan;
  /**
   * What happens to a created bucket and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Where problems are reported.
   * @default - a new validator: the constructor throws a `PolicyValidationError` listing every problem
   */
  readonly validator?: Validator;
}

/**
 * The bucket backups are written to: public access blocked, TLS only, KMS-encrypted, versioned, with the dump
 * lifecycle from core, optional Object Lock, access logs in a separate bucket, and a bucket-policy Deny on
 * deleting objects for every principal but an optional break-glass role.
 */
export class BackupBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /** The key the backups are encrypted with, when known. */
  public readonly encryptionKey?: kms.IKey;
  /** The key prefix of the dumps (no trailing `/`). */
  public readonly prefix: string;
  /** The bucket the access logs go to, when created or given. */
  public readonly accessLogsBucket?: s3.IBucket;
  /** The role S3 replicates the bucket offsite with, when replicated. */
  public readonly replicationRole?: iam.IRole;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  public readonly replicaBucketName?: string;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    this.prefix = props.prefix;
    const validator = props.validator ?? new Validator(cdkValidationOptions(this));
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validator.matches('prefix', props.prefix, /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
      'an S3 key prefix of safe characters, segments separated by "/", without a leading or trailing "/"');
    if (props.bucket && props.objectLock) {
      validator.report({ path: 'objectLock', value: props.objectLock, allowed: 'undefined when a bucket is given', reason: 'Object Lock is set when a bucket is created' });
    }
    if (props.bucket && props.replication) {
      validator.report({
        path: 'replication',
        value: props.replication.destinationBucketArn,
        allowed: 'undefined when a bucket is given',
        reason: 'replication is configured on a bucket this construct creates; a given bucket keeps its own',
      });
    }

    if (props.bucket) {
      this.bucket = props.bucket;
      this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey;
      if (!props.validator) validator.throwIfInvalid();
    } else {
      const rules = dumpBucketLifecycleRules(props.dump ?? {}, { prefix: `${props.prefix}/`, validator, path: 'lifecycleRules' });
      const lifecycle = renderS3LifecycleConfiguration(rules, { validator });
      if (!props.validator) validator.throwIfInvalid();

      this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
        description: 'Encrypts PostgreSQL backups',
        enableKeyRotation: true,
        removalPolicy,
      });
      this.accessLogsBucket = this.accessLogsDestination(props.serverAccessLogs ?? true, removalPolicy);
      const lock = props.objectLock;
      const bucket = new s3.Bucket(this, 'Bucket', secureBucketProps(this.encryptionKey, lock, removalPolicy));
      const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
      cfnBucket.addPropertyOverride('LifecycleConfiguration', lifecycle);
      if (this.accessLogsBucket) deliverAccessLogs(bucket, this.accessLogsBucket);
      if (props.replication) {
        const replication = renderBucketReplication(this, 'ReplicationRole', bucket, this.encryptionKey, props.replication);
        this.replicationRole = replication.role;
        this.replicaBucketName = replication.replicaBucketName;
      }
      this.bucket = bucket;
    }

    const deleters = [props.breakGlassRole, props.pruneRole].flatMap((role) => (role ? [role.roleArn] : []));
    // Backups are never deleted by a principal: only the lifecycle rules expire them (S3 itself, which no
    // bucket policy applies to), so a stolen credential or a bad script cannot erase the history.
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyDeletingBackups',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject*'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: deleters.length > 0 ? { ArnNotEquals: { 'aws:PrincipalArn': deleters.length === 1 ? deleters[0] : deleters } } : undefined,
    }));
  }

  /** The names the replication alarms' dimensions name (`backup-bucket`, `replica-bucket`), when replicated. */
  public replicationMetricResources(): Record<string, string> {
    return this.replicaBucketName === undefined ? {}
      : { 'backup-bucket': this.bucket.bucketName, [REPLICA_BUCKET_RESOURCE]: this.replicaBucketName };
  }

  /** The ARN pattern of every object under `prefix`. */
  public objectsUnder(prefix: string = this.prefix): string {
    return this.bucket.arnForObjects(`${prefix}/*`);
  }

  /**
   * Lets `grantee` write new backups under `prefix` and nothing else: put objects and abort or list the parts of
   * its own multipart uploads there, check whether a key there exists (the runner never overwrites a backup),
   * list that prefix, and use the key. No delete, and no access to any other prefix.
   */
  public grantWriteBackups(grantee: iam.IGrantable, prefix: string = this.prefix): void {
    this.grantActionGroups(grantee, BACKUP_WRITE_IAM_ACTIONS, prefix);
  }

  /**
   * Lets `grantee` read the backups under `prefix`: get objects there, list that prefix only, and decrypt with
   * the key.
   */
  public grantReadBackups(grantee: iam.IGrantable, prefix: string = this.prefix): void {
    this.grantActionGroups(grantee, BACKUP_READ_IAM_ACTIONS, prefix);
  }

  /**
   * Lets `grantee` write restore drill results beside the backups under `prefix` (`<prefix>/<database>/drills/*`) and
   * nothing else there.
   */
  public grantWriteDrillResults(grantee: iam.IGrantable, prefix: string = this.prefix): void {
    this.grantActionGroups(grantee, DRILL_RESULT_WRITE_IAM_ACTIONS, prefix);
  }

  /**
   * Lets `grantee` prune the backups under `prefix`: read and list them, and delete objects there (the bucket policy
   * must also exempt it: {@link BackupBucketProps.pruneRole}).
   */
  public grantPruneBackups(grantee: iam.IGrantable, prefix: string = this.prefix): void {
    this.grantActionGroups(grantee, BACKUP_PRUNE_IAM_ACTIONS, prefix);
  }

  private grantActionGroups(grantee: iam.IGrantable, groups: readonly IamActionGroup<BackupObjectResourceKind>[], prefix: string): void {
    grantBackupObjectGroups(grantee, groups, { bucket: this.bucket, prefix, encryptionKey: this.encryptionKey });
  }

  private accessLogsDestination(setting: boolean | s3.IBucket, removalPolicy: RemovalPolicy): s3.IBucket | undefined {
    if (setting === false) return undefined;
    if (setting !== true) return setting;
    return createAccessLogsBucket(this, 'AccessLogs', removalPolicy);
  }
}

/** A prefix of a bucket holding backups, and the key they are encrypted with. */
export interface BackupObjectScope {
  /** The bucket. */
  readonly bucket: s3.IBucket;
  /** The key prefix of the backups, without a trailing `/`. */
  readonly prefix: string;
  /** The key of the backups, when they have one. */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Grants core's action groups, each scoped to its kind of resource: the objects under the prefix, the bucket listing
 * only that prefix, the drill results beside the backups, or the key (nothing when there is no key).
 */
export function grantBackupObjectGroups(
  grantee: iam.IGrantable, groups: readonly IamActionGroup<BackupObjectResourceKind>[], scope: BackupObjectScope,
): void {
  const principal = grantee.grantPrincipal;
  for (const group of groups) {
    const actions = [...group.actions];
    if (group.resource === 'backup-objects') {
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [scope.bucket.arnForObjects(`${scope.prefix}/*`)] }));
    }
    if (group.resource === 'drill-results') {
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [scope.bucket.arnForObjects(`${scope.prefix}/*/drills/*`)] }));
    }
    if (group.resource === 'backup-bucket-prefix') {
      principal.addToPrincipalPolicy(new iam.PolicyStatement({
        actions, resources: [scope.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${scope.prefix}/*`] } },
      }));
    }
    if (group.resource === 'backup-key') scope.encryptionKey?.grant(grantee, ...actions);
  }
}
