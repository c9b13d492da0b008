import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupStoreArgs, retainOnDeleteOf } from './backup-store-handles';
import { RenderedBucket, backupObjectScopes, renderPlannedBucket } from './planned-bucket';
import { PolicyStatement, grantStatements, plannedStatement } from './policy-document';
import { BackupBucketOptions, BackupBucketPlan, denyDeletingStatement, planBackupBucket } from '../../core/aws/backup-bucket';
import { REPLICA_BUCKET_RESOURCE } from '../../core/aws/bucket-replication';
import * as groups from '../../core/aws/iam-action-groups';
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

/** What a created bucket is made of (a given bucket has only its key), declared once with the renderer. */
export interface BackupBucket extends Partial<RenderedBucket> {}

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

  constructor(name: string, props: BackupBucketProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupBucket', name, {}, opts);
    const { bucket: given, breakGlassRoleArn, pruneRoleArn, deletingPrincipalArns } = props;
    this.prefix = props.prefix;
    this.plan = props.plan ?? planBackupBucket(props, {
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      givenBucket: given !== undefined,
      deleters: { breakGlass: breakGlassRoleArn !== undefined, prune: pruneRoleArn !== undefined, archivers: deletingPrincipalArns !== undefined },
    });
    if (given) {
      this.bucketName = pulumi.output(given.bucketName);
      this.bucketArn = pulumi.output(given.bucketArn);
      const keyArn = props.encryptionKeyArn ?? given.encryptionKeyArn;
      if (keyArn !== undefined) Object.assign(this, { encryptionKeyArn: pulumi.output(keyArn) });
      this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
      return;
    }
    const environment = () => props.environment ?? awsEnvironment(this);
    const rendered = renderPlannedBucket(name, this, this.plan, {
      encryptionKeyArn: props.encryptionKeyArn,
      serverAccessLogs: props.serverAccessLogs ?? true,
      retainOnDelete: retainOnDeleteOf(props),
      environment,
      references: {
        'break-glass-role': breakGlassRoleArn,
        'prune-role': pruneRoleArn,
        'archivers': deletingPrincipalArns,
        ...(deletingPrincipalArns !== undefined ? { 'account-root': pulumi.interpolate`arn:${environment().partition}:iam::${environment().account}:root` } : {}),
      },
    });
    Object.assign(this, rendered);
    this.bucketName = rendered.bucket.bucket;
    this.bucketArn = rendered.bucket.arn;
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
}
