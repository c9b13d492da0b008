import * as pulumi from '@pulumi/pulumi';
import { ExistingBucket } from './backup-store-handles';
import { PolicyStatement, backupObjectScopes, grantStatements } from './policy-document';
import { BACKUP_READ_IAM_ACTIONS, DRILL_RESULT_WRITE_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import { PgDumpLocationOptions, PgDumpSourceAttributes, PgDumpSourceFields, pgDumpLocationAttributes } from '../../core/aws/pg-dump-location';
import { DumpEncryptionOptions } from '../../core/policy/dump-encryption';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Age encryption of dumps: the public keys the dump task encrypts to, and the secret holding an identity. */
export interface DumpEncryption extends DumpEncryptionOptions {
  /**
   * ARN of the Secrets Manager secret whose value is the age identity (`AGE-SECRET-KEY-1…`) of one of the recipients.
   * Only a restore drill of these dumps reads it (its execution role injects it as `PG_BACKUP_AGE_IDENTITY`); the dump
   * task's roles cannot.
   * @default - none: a `VerifyRestore` of these dumps must be given one
   */
  readonly identitySecretArn?: pulumi.Input<string>;
}

/** An ECS cluster tasks run in. */
export interface EcsClusterReference {
  /** ARN of the cluster. */
  readonly arn: pulumi.Input<string>;
  /** Name of the cluster. */
  readonly name: pulumi.Input<string>;
}

/** Where `pg-backup dump` writes and what a restore drill needs to know about it. */
export interface PgDumpSource extends PgDumpSourceFields<{
  cluster: EcsClusterReference;
  encryption: DumpEncryption;
  database: pulumi.Input<string>;
}> {
  /** Name of the bucket holding the dumps. */
  readonly bucketName: pulumi.Input<string>;
  /** ARN of that bucket. */
  readonly bucketArn: pulumi.Input<string>;
  /**
   * ARN of the topic failures are sent to, when the source has one.
   * @default - none
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key, when it is encrypted with one.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /** The IAM statements that let a role read the dumps (objects under the prefix, listing of the prefix, decryption). */
  readStatements(): PolicyStatement[];
  /** The IAM statements that let a restore drill write its result beside the dumps (`<prefix>/<database>/drills/…`), nothing else. */
  drillResultStatements(): PolicyStatement[];
}

/** Props of {@link PgDumpLocation.fromBucket}: the options every front end shares, and the bucket. */
export interface PgDumpLocationProps extends PgDumpLocationOptions, ExistingBucket {}

/** The prefix, databases, major and metric namespace of the dumps, as core resolves them. */
export interface PgDumpLocation extends PgDumpSourceAttributes {}

/** Dumps written by something other than a `ScheduledPgDump` of this program: a bucket and a prefix. */
export class PgDumpLocation implements PgDumpSource {
  /** Dumps in a bucket under a prefix. */
  public static fromBucket(props: PgDumpLocationProps): PgDumpSource {
    return new PgDumpLocation(props);
  }

  /** Name of the bucket holding the dumps. */
  public readonly bucketName: pulumi.Input<string>;
  /** ARN of that bucket. */
  public readonly bucketArn: pulumi.Input<string>;
  private readonly encryptionKeyArn?: pulumi.Input<string>;

  private constructor(props: PgDumpLocationProps) {
    Object.assign(this, pgDumpLocationAttributes(props, PULUMI_VALIDATION_OPTIONS));
    this.bucketName = props.bucketName;
    this.bucketArn = props.bucketArn;
    this.encryptionKeyArn = props.encryptionKeyArn;
  }

  /** Get objects under the prefix, list that prefix only, decrypt with the key. */
  public readStatements(): PolicyStatement[] {
    return grantStatements(BACKUP_READ_IAM_ACTIONS, backupObjectScopes(this.bucketArn, this.prefix, this.encryptionKeyArn));
  }

  /** Put drill results beside the dumps (`<prefix>/<database>/drills/…`), encrypt them with the key. */
  public drillResultStatements(): PolicyStatement[] {
    return grantStatements(DRILL_RESULT_WRITE_IAM_ACTIONS, backupObjectScopes(this.bucketArn, this.prefix, this.encryptionKeyArn));
  }
}
