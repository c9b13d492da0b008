import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { grantBackupObjectGroups } from './backup-bucket';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { BACKUP_READ_IAM_ACTIONS, DRILL_RESULT_WRITE_IAM_ACTIONS } from '../core/aws/iam-action-groups';
import { PgDumpLocationOptions, PgDumpSourceAttributes, PgDumpSourceFields, pgDumpLocationAttributes } from '../core/aws/pg-dump-location';
import { DumpEncryptionOptions } from '../core/policy/dump-encryption';

/** Age encryption of dumps: the public keys the dump task encrypts to, and the secret holding an identity. */
export interface DumpEncryption extends DumpEncryptionOptions {
  /**
   * The secret whose value is the age identity (`AGE-SECRET-KEY-1…`) of one of the recipients. Only a restore drill of
   * these dumps reads it (its execution role injects it as `PG_BACKUP_AGE_IDENTITY`); the dump task's roles cannot.
   * @default - none: a `VerifyRestore` of these dumps must be given one
   */
  readonly identitySecret?: secretsmanager.ISecret;
}

/** Where `pg-backup dump` writes and what a restore drill needs to know about it. */
export interface IPgDumpSource extends PgDumpSourceFields<{ cluster: ecs.ICluster; encryption: DumpEncryption; database: string }> {
  /** The bucket holding the dumps. */
  readonly bucket: s3.IBucket;
  /** The topic failures are sent to, when the source has one. */
  readonly notificationTopic?: sns.ITopic;
  /** Lets `grantee` read the dumps (objects under the prefix, listing of the prefix, decryption). */
  grantRead(grantee: iam.IGrantable): void;
  /** Lets `grantee` write restore drill results beside the dumps (`<prefix>/<database>/drills/*`), nothing else. */
  grantWriteDrillResults(grantee: iam.IGrantable): void;
}

/** Props of {@link PgDumpLocation.fromBucket}: the options every front end shares, and the bucket. */
export interface PgDumpLocationProps extends PgDumpLocationOptions {
  /** The bucket holding the dumps. */
  readonly bucket: s3.IBucket;
  /**
   * The key the dumps are encrypted with.
   * @default - the bucket's key, if it has one
   */
  readonly encryptionKey?: kms.IKey;
}

/** The prefix, databases, major and metric namespace of the dumps, as core resolves them. */
export interface PgDumpLocation extends PgDumpSourceAttributes {}

/** Dumps written by something other than a {@link ScheduledPgDump} of this app: a bucket and a prefix. */
export class PgDumpLocation implements IPgDumpSource {
  /** Dumps in a bucket under a prefix. */
  public static fromBucket(props: PgDumpLocationProps): IPgDumpSource {
    return new PgDumpLocation(props);
  }

  /** The bucket holding the dumps. */
  public readonly bucket: s3.IBucket;
  /** The key the dumps are encrypted with, if any. */
  public readonly encryptionKey?: kms.IKey;

  private constructor(props: PgDumpLocationProps) {
    Object.assign(this, pgDumpLocationAttributes(props, CDK_VALIDATION_OPTIONS));
    this.bucket = props.bucket;
    this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey;
  }

  /** Lets `grantee` get objects under the prefix, list that prefix only, and decrypt with the key. */
  public grantRead(grantee: iam.IGrantable): void {
    grantBackupObjectGroups(grantee, BACKUP_READ_IAM_ACTIONS, this);
  }

  /** Lets `grantee` write restore drill results beside the dumps (`<prefix>/<database>/drills/*`), nothing else. */
  public grantWriteDrillResults(grantee: iam.IGrantable): void {
    grantBackupObjectGroups(grantee, DRILL_RESULT_WRITE_IAM_ACTIONS, this);
  }
}
