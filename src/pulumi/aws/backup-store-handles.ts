import * as pulumi from '@pulumi/pulumi';

/** An existing bucket of backups (dumps, an archive, drill results): its name, ARN and key. */
export interface ExistingBucket {
  /** Name of the bucket. */
  readonly bucketName: pulumi.Input<string>;
  /** ARN of the bucket. */
  readonly bucketArn: pulumi.Input<string>;
  /**
   * ARN of the KMS key its objects are encrypted with.
   * @default - none: the bucket is taken to use S3-managed keys
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
}

/** Whether what a component creates to hold backups outlives it. */
export interface RetainOnDeleteArgs {
  /**
   * Keep the bucket, vault and keys this creates when the stack is destroyed (CDK's `RemovalPolicy.RETAIN`; a vault
   * with recovery points cannot be deleted anyway).
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/** Whether what a component creates to hold backups outlives it: as given, else its default, kept. */
export function retainOnDeleteOf(args: RetainOnDeleteArgs): boolean {
  return args.retainOnDelete ?? true;
}

/** The key backups are encrypted with, and whether it is kept. */
export interface BackupKeyArgs extends RetainOnDeleteArgs {
  /**
   * ARN of the KMS key the backups are encrypted with: a bucket's objects, an archive's WAL, the recovery points of a
   * created vault (a given vault keeps its own; RDS snapshots taken in the source region keep the database's key).
   * @default - the given bucket's key when a bucket is given; else a key is created, with rotation
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
}

/** Who may delete backup objects, and where requests to them are logged. */
export interface BucketAccessArgs {
  /**
   * Log every request to the backups of a created bucket into a separate bucket (server access logs). A bucket with
   * Object Lock cannot receive access logs, and logging a bucket into itself loops, so the logs always go elsewhere.
   * `true` creates that bucket; a bucket name sends them to an existing one, whose policy must let
   * `logging.s3.amazonaws.com` put objects.
   * @default true
   */
  readonly serverAccessLogs?: boolean | pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete backup objects (and a fleet's recovery points), for emergencies; everybody
   * else is denied `s3:DeleteObject*` by the bucket policy (expiry by the lifecycle rules still works).
   * @default - nobody may delete
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
}

/** The bucket backups are written to, its key, access and retention: the Pulumi handles of a backup store. */
export interface BackupStoreArgs extends BackupKeyArgs, BucketAccessArgs {
  /**
   * An existing bucket the backups are written to. Its encryption, versioning, lifecycle, Object Lock and policy are
   * left as they are: a bucket policy is one document in Pulumi, so the delete-deny statement
   * (`BackupBucket.denyDeleteStatement`) is for its owner to add.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: ExistingBucket;
}
