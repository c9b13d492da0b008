import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** What happens to what a construct creates to hold backups. */
export interface RemovalPolicyProps {
  /**
   * What happens to the bucket, vault and keys this creates when the stack is deleted (a vault with recovery points
   * cannot be deleted anyway).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The removal policy of what a construct creates to hold backups: the given one, else its default, retain. */
export function removalPolicyOf(props: RemovalPolicyProps): RemovalPolicy {
  return props.removalPolicy ?? RemovalPolicy.RETAIN;
}

/** The key backups are encrypted with, and what happens to it. */
export interface BackupKeyProps extends RemovalPolicyProps {
  /**
   * The KMS key the backups are encrypted with: a bucket's objects, an archive's WAL, the recovery points of a created
   * vault (a given vault keeps its own; RDS snapshots taken in the source region keep the database's key).
   * @default - the given bucket's key when a bucket is given; else a key is created, with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/** Who may delete backup objects, and where requests to them are logged. */
export interface BucketAccessProps {
  /**
   * Log every request to the backups of a created bucket into a separate bucket (server access logs). A bucket with
   * Object Lock cannot receive access logs, and logging a bucket into itself loops, so the logs always go elsewhere.
   * `true` creates that bucket.
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one role allowed to delete backup objects (and a fleet's recovery points), for emergencies; everybody else is
   * denied `s3:DeleteObject*` by the bucket policy (expiry by the lifecycle rules still works).
   * @default - nobody may delete
   */
  readonly breakGlassRole?: iam.IRole;
}

/** The bucket backups are written to, its key, access and removal: the CDK handles of a backup store. */
export interface BackupStoreProps extends BackupKeyProps, BucketAccessProps {
  /**
   * An existing bucket the backups are written to. Its encryption, versioning, lifecycle and Object Lock are left as
   * they are; the delete-deny statement is added to its policy when the bucket belongs to this app.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: s3.IBucket;
}
