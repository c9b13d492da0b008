import { Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { deliverAccessLogs, secureBucketProps } from './secure-bucket';
import { renderS3LifecycleConfiguration } from '../core/aws/lifecycle-s3';
import { ArchiveObjectPrefixes, walArchiveLifecycleRules } from '../core/policy/lifecycle';
import { LifecycleRule, LifecycleTransition, validateLifecycleRules } from '../core/policy/lifecycle-rules';
import { ImmutabilityPolicy, PitrPolicy } from '../core/policy/policy';
import { Validator } from '../core/policy/validation';
import { minimumWalRetentionDays } from '../core/policy/wal-retention';

/** Id of the S3 request-metrics filter on the WAL prefix (the `FilterId` dimension of `AWS/S3` request metrics). */
export const WAL_REQUEST_METRICS_FILTER_ID = 'wal-archive';

/** Props of {@link WalArchiveBucket}. */
export interface WalArchiveBucketProps {
  /** The PITR policy: it decides the lifecycle (and who expires old backups). */
  readonly pitr: PitrPolicy;
  /** Where the archiver writes WAL and base backups in the bucket (from core's `archiverObjectPrefixes`). */
  readonly prefixes: ArchiveObjectPrefixes;
  /**
   * Write-once protection (S3 Object Lock default retention). Needs `pitr.expireBy: 'lifecycle'`.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * Moves of WAL to colder classes (only classes `restore_command` can read at once are accepted).
   * @default - none
   */
  readonly walTransitions?: LifecycleTransition[];
  /**
   * Moves of base backups to colder classes (only classes readable without a restore request are accepted).
   * @default - none
   */
  readonly baseTransitions?: LifecycleTransition[];
  /**
   * More lifecycle rules for other prefixes of the bucket; a rule that would delete WAL recovery still needs, or move
   * it out of reach of `restore_command`, fails synthesis.
   * @default - none
   */
  readonly additionalLifecycleRules?: LifecycleRule[];
  /**
   * The KMS key.
   * @default - a key is created (rotation on)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the bucket and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Where problems are reported; the caller throws. */
  readonly validator: Validator;
}

/**
 * The bucket of a WAL archive: public access blocked, TLS only, KMS-encrypted, versioned, optional Object Lock, access
 * logs in a separate bucket, request metrics on the WAL prefix (for the RPO alarm), and the lifecycle from core that
 * never expires WAL still needed by the oldest retained base backup. Deleting objects is denied to every principal but
 * those granted the archiver's own expiry.
 */
export class WalArchiveBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** The key. */
  public readonly encryptionKey: kms.IKey;
  /** The access-log bucket. */
  public readonly accessLogsBucket: s3.Bucket;
  /** WAL and base-backup prefixes. */
  public readonly prefixes: ArchiveObjectPrefixes;
  /** The lifecycle rules, as core rendered them. */
  public readonly lifecycleRules: readonly LifecycleRule[];
  private readonly deleters: string[] = [];

  constructor(scope: Construct, id: string, props: WalArchiveBucketProps) {
    super(scope, id);
    const validator = props.validator;
    this.prefixes = props.prefixes;
    const least = minimumWalRetentionDays(props.pitr);
    const archiveRules = walArchiveLifecycleRules(props.pitr, least, {
      walPrefix: props.prefixes.wal,
      basePrefix: props.prefixes.base,
      walTransitions: props.walTransitions,
      baseTransitions: props.baseTransitions,
      validator,
      path: 'lifecycleRules',
    });
    const additional = props.additionalLifecycleRules ?? [];
    // A user rule whose prefix covers the WAL (`''`, a parent folder) must keep it as long as recovery needs it.
    if (additional.length > 0) {
      validateLifecycleRules(additional, validator, 'additionalLifecycleRules', { minimumWalRetentionDays: least, walPrefix: props.prefixes.wal });
    }
    this.lifecycleRules = [...archiveRules, ...additional];
    const lifecycle = renderS3LifecycleConfiguration(this.lifecycleRules, { validator });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: 'Encrypts the PostgreSQL WAL archive and base backups',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 delivers access logs only to buckets encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });
    const lock = props.objectLock;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...secureBucketProps(this.encryptionKey, lock, removalPolicy),
      metrics: [{ id: WAL_REQUEST_METRICS_FILTER_ID, prefix: props.prefixes.wal }],
    });
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.addPropertyOverride('LifecycleConfiguration', lifecycle);
    deliverAccessLogs(this.bucket, this.accessLogsBucket);

    // Only the lifecycle (S3 itself, which no bucket policy applies to) and the principals granted the archiver's own
    // expiry may delete; the account root is listed so the exception is never empty (it can rewrite this policy anyway).
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyDeletingArchive',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject*'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: {
        ArnNotEquals: {
          'aws:PrincipalArn': Lazy.list({ produce: () => [`arn:${Aws.PARTITION}:iam::${Stack.of(this).account}:root`, ...this.deleters] }),
        },
      },
    }));
  }

  /** The ARNs of every object under the WAL and base-backup prefixes. */
  public objectArns(): string[] {
    return [this.bucket.arnForObjects(`${this.prefixes.wal}*`), this.bucket.arnForObjects(`${this.prefixes.base}*`)];
  }

  private listStatement(): iam.PolicyStatement {
    const prefixes = [this.prefixes.wal, this.prefixes.base];
    return new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.flatMap((prefix) => [prefix.replace(/\/$/, ''), `${prefix}*`]) } },
    });
  }

  /**
   * What an archiver on a host needs: put, get and list under the WAL and base-backup prefixes, abort its own
   * multipart uploads, use the key; and, when `withDelete` (the archiver expires its own backups), delete there.
   */
  public grantArchive(grantee: iam.IGrantable, withDelete: boolean): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
      resources: this.objectArns(),
    }));
    principal.addToPrincipalPolicy(this.listStatement());
    this.encryptionKey.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
    if (withDelete) {
      const arn = (principal as { roleArn?: string }).roleArn;
      if (arn === undefined) throw new Error('grantArchive with the archiver\'s own expiry needs a role (its ARN is exempted from the delete Deny)');
      this.deleters.push(arn);
    }
  }

  /** Read-only: get and list under the WAL and base-backup prefixes, decrypt with the key. */
  public grantRestore(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: this.objectArns() }));
    principal.addToPrincipalPolicy(this.listStatement());
    this.encryptionKey.grant(grantee, 'kms:Decrypt');
  }

  /** PUT requests under the WAL prefix (S3 request metrics), summed per `period`: 0 means no WAL arrived. */
  public metricWalPutRequests(period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName: 'PutRequests',
      dimensionsMap: { BucketName: this.bucket.bucketName, FilterId: WAL_REQUEST_METRICS_FILTER_ID },
      statistic: 'Sum',
      period,
    });
  }
}
