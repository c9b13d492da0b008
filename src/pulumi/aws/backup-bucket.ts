import * as kms from '@pulumi/aws/kms';
import * as s3 from '@pulumi/aws/s3';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { PolicyStatement, denyInsecureTransport, policyDocument } from './policy-document';
import { bucketLifecycleRules } from './s3-lifecycle-rules';
import { LifecycleRule } from '../../core/lifecycle-rules';
import { S3LifecycleConfiguration, renderS3LifecycleConfiguration } from '../../core/lifecycle-s3';
import { ImmutabilityPolicy } from '../../core/policy';
import { Validator } from '../../core/validation';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Key prefix of the backup bucket's server access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = 'backup-bucket/';

/** An existing bucket backups are written to. */
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

/** Props of {@link BackupBucket}. */
export interface BackupBucketProps {
  /**
   * An existing bucket. Its encryption, versioning, lifecycle, Object Lock and policy are left as they are: a bucket
   * policy is one document in Pulumi, so the delete-deny statement ({@link BackupBucket.denyDeleteStatement}) is
   * for its owner to add.
   * @default - a bucket is created
   */
  readonly bucket?: ExistingBucket;
  /**
   * ARN of the KMS key the backups are encrypted with.
   * @default - the given bucket's key; for a created bucket, a key is created (rotation on)
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /** Lifecycle rules of a created bucket, from core (`dumpBucketLifecycleRules`, `walArchiveLifecycleRules`). */
  readonly lifecycleRules: LifecycleRule[];
  /**
   * Write-once protection (S3 Object Lock default retention); only for a created bucket.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * Log every request to the backups into a separate bucket (server access logs). A bucket with Object Lock cannot
   * receive access logs, and logging a bucket into itself loops, so the logs always go elsewhere. `true` creates that
   * bucket; a bucket name sends them to an existing one, whose policy must let `logging.s3.amazonaws.com` put objects.
   * @default true
   */
  readonly serverAccessLogs?: boolean | pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete backup objects, for emergencies; everybody else is denied
   * `s3:DeleteObject*` by the bucket policy (expiry by the lifecycle rules still works).
   * @default - nobody may delete
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /**
   * ARNs of the principals that may delete objects besides a break-glass role (an archiver that expires its own
   * backups); the account root is then exempted too, so the exception list is never only computed values.
   * @default - none
   */
  readonly deletingPrincipalArns?: pulumi.Input<string>[];
  /**
   * S3 request metrics on a prefix (`PutRequests` and others by `FilterId`), for an alarm on writes stopping.
   * @default - none
   */
  readonly requestMetrics?: { readonly id: string; readonly prefix: string };
  /**
   * Description of a created key.
   * @default 'Encrypts PostgreSQL backups'
   */
  readonly keyDescription?: string;
  /**
   * Keep the created bucket and key when the stack is destroyed (CDK's `RemovalPolicy.RETAIN`).
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * The environment (account) of the access-log delivery condition.
   * @default - read from the provider
   */
  readonly environment?: AwsEnvironment;
  /**
   * Where problems are reported.
   * @default - a new validator: the constructor throws a `PolicyValidationError` listing every problem
   */
  readonly validator?: Validator;
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
  /** ARN of the key the backups are encrypted with, when known. */
  public readonly encryptionKeyArn?: pulumi.Output<string>;
  /** The bucket, when created here. */
  public readonly bucket?: s3.Bucket;
  /** The bucket the access logs go to, when created here. */
  public readonly accessLogsBucket?: s3.Bucket;
  /** The lifecycle configuration of a created bucket, as core rendered it. */
  public readonly lifecycleConfiguration?: S3LifecycleConfiguration;
  /** The policy of a created bucket. */
  public readonly bucketPolicy?: s3.BucketPolicy;

  constructor(name: string, props: BackupBucketProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupBucket', name, {}, opts);
    const validator = props.validator ?? new Validator(PULUMI_VALIDATION_OPTIONS);
    if (props.bucket && props.objectLock) {
      validator.report({ path: 'objectLock', value: props.objectLock, allowed: 'undefined when a bucket is given', reason: 'Object Lock is set when a bucket is created' });
    }
    const retainOnDelete = props.retainOnDelete ?? true;
    if (props.bucket) {
      if (!props.validator) validator.throwIfInvalid();
      this.bucketName = pulumi.output(props.bucket.bucketName);
      this.bucketArn = pulumi.output(props.bucket.bucketArn);
      const keyArn = props.encryptionKeyArn ?? props.bucket.encryptionKeyArn;
      this.encryptionKeyArn = keyArn === undefined ? undefined : pulumi.output(keyArn);
      this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
      return;
    }
    this.lifecycleConfiguration = renderS3LifecycleConfiguration(props.lifecycleRules, { validator });
    if (!props.validator) validator.throwIfInvalid();

    const child = { parent: this };
    const retained = { parent: this, retainOnDelete };
    const keyArn = props.encryptionKeyArn !== undefined
      ? pulumi.output(props.encryptionKeyArn)
      : new kms.Key(`${name}-key`, { description: props.keyDescription ?? 'Encrypts PostgreSQL backups', enableKeyRotation: true }, retained).arn;
    this.encryptionKeyArn = keyArn;
    const lock = props.objectLock;
    const bucket = new s3.Bucket(`${name}-bucket`, { objectLockEnabled: lock !== undefined ? true : undefined }, retained);
    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    const publicAccess = new s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, child);
    new s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
    const versioning = new s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, child);
    new s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
    }, child);
    // Lifecycle rules on noncurrent versions need versioning first.
    new s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: bucket.id,
      rules: bucketLifecycleRules(this.lifecycleConfiguration),
    }, { parent: this, dependsOn: [versioning] });
    if (lock) {
      new s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
        bucket: bucket.id,
        rule: { defaultRetention: { mode: lock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', days: lock.days } },
      }, { parent: this, dependsOn: [versioning] });
    }

    if (props.requestMetrics) {
      new s3.BucketMetric(`${name}-request-metrics`, {
        bucket: bucket.id, name: props.requestMetrics.id, filter: { prefix: props.requestMetrics.prefix },
      }, child);
    }
    const logs = props.serverAccessLogs ?? true;
    if (logs !== false) {
      let targetBucket: pulumi.Input<string>;
      if (logs === true) {
        this.accessLogsBucket = this.createAccessLogsBucket(name, bucket, props.environment ?? awsEnvironment(this), retainOnDelete);
        targetBucket = this.accessLogsBucket.bucket;
      } else {
        targetBucket = logs;
      }
      new s3.BucketLogging(`${name}-logging`, { bucket: bucket.id, targetBucket, targetPrefix: ACCESS_LOG_PREFIX }, child);
    }

    this.bucketPolicy = new s3.BucketPolicy(`${name}-policy`, {
      bucket: bucket.id,
      policy: policyDocument([
        denyInsecureTransport('s3:*', [bucket.arn, pulumi.interpolate`${bucket.arn}/*`]),
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        },
        props.deletingPrincipalArns === undefined
          ? this.denyDeleteStatement(props.breakGlassRoleArn)
          : this.denyDeleteStatement(undefined, [
            pulumi.interpolate`arn:${(props.environment ?? awsEnvironment(this)).partition}:iam::${(props.environment ?? awsEnvironment(this)).account}:root`,
            ...props.deletingPrincipalArns,
            ...(props.breakGlassRoleArn !== undefined ? [props.breakGlassRoleArn] : []),
          ], 'DenyDeletingArchive'),
      ]),
    }, { parent: this, dependsOn: [publicAccess] });
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, encryptionKeyArn: this.encryptionKeyArn });
  }

  /**
   * The bucket-policy statement that keeps backups from being deleted by any principal but `breakGlassRoleArn`: only
   * the lifecycle rules expire them (S3 itself, which no bucket policy applies to), so a stolen credential or a bad
   * script cannot erase the history. With `exempted`, those principals (a list) are the exception instead.
   */
  public denyDeleteStatement(breakGlassRoleArn?: pulumi.Input<string>, exempted?: pulumi.Input<string>[], sid = 'DenyDeletingBackups'): PolicyStatement {
    if (exempted !== undefined) {
      return {
        Sid: sid,
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:DeleteObject*',
        Resource: pulumi.interpolate`${this.bucketArn}/*`,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': exempted } },
      };
    }
    return {
      Sid: sid,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:DeleteObject*',
      Resource: pulumi.interpolate`${this.bucketArn}/*`,
      ...(breakGlassRoleArn !== undefined ? { Condition: { ArnNotEquals: { 'aws:PrincipalArn': breakGlassRoleArn } } } : {}),
    };
  }

  /** The ARN pattern of every object under `prefix` (no trailing `/`). */
  public objectsUnder(prefix: string): pulumi.Output<string> {
    return pulumi.interpolate`${this.bucketArn}/${prefix}/*`;
  }

  /**
   * What a writer of new backups under `prefix` may do, and nothing else: put objects and abort or list the parts of
   * its own multipart uploads there, read and list that prefix (the runner never overwrites a backup), and use the key.
   * No delete, and no access to any other prefix.
   */
  public writeStatements(prefix: string): PolicyStatement[] {
    return [
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: this.objectsUnder(prefix) },
      ...this.readStatements(prefix),
      ...(this.encryptionKeyArn ? [{ Effect: 'Allow' as const, Action: ['kms:GenerateDataKey', 'kms:Encrypt'], Resource: this.encryptionKeyArn }] : []),
    ];
  }

  /** What a reader of the backups under `prefix` may do: get objects there, list that prefix only, decrypt with the key. */
  public readStatements(prefix: string): PolicyStatement[] {
    return prefixReadStatements(this.bucketArn, prefix, this.encryptionKeyArn);
  }

  private createAccessLogsBucket(name: string, source: s3.Bucket, environment: AwsEnvironment, retainOnDelete: boolean): s3.Bucket {
    const child = { parent: this };
    const logs = new s3.Bucket(`${name}-access-logs`, {}, { parent: this, retainOnDelete });
    const publicAccess = new s3.BucketPublicAccessBlock(`${name}-access-logs-public-access`, {
      bucket: logs.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, child);
    new s3.BucketOwnershipControls(`${name}-access-logs-ownership`, { bucket: logs.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
    const versioning = new s3.BucketVersioning(`${name}-access-logs-versioning`, { bucket: logs.id, versioningConfiguration: { status: 'Enabled' } }, child);
    // S3 delivers access logs only to buckets encrypted with S3-managed keys.
    new s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs-encryption`, {
      bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    }, child);
    new s3.BucketLifecycleConfiguration(`${name}-access-logs-lifecycle`, {
      bucket: logs.id,
      rules: [{ id: 'expire-access-logs', status: 'Enabled', filter: {}, expiration: { days: 365 }, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
    }, { parent: this, dependsOn: [versioning] });
    new s3.BucketPolicy(`${name}-access-logs-policy`, {
      bucket: logs.id,
      policy: policyDocument([
        denyInsecureTransport('s3:*', [logs.arn, pulumi.interpolate`${logs.arn}/*`]),
        {
          Sid: 'AllowServerAccessLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: pulumi.interpolate`${logs.arn}/${ACCESS_LOG_PREFIX}*`,
          Condition: { ArnLike: { 'aws:SourceArn': source.arn }, StringEquals: { 'aws:SourceAccount': environment.account } },
        },
      ]),
    }, { parent: this, dependsOn: [publicAccess] });
    return logs;
  }
}

/** Reading objects under a prefix of a bucket: get them, list that prefix only, decrypt with the key when there is one. */
export function prefixReadStatements(bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: pulumi.interpolate`${bucketArn}/${prefix}/*` },
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } } },
    ...(encryptionKeyArn !== undefined ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: encryptionKeyArn }] : []),
  ];
}
