import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { plannedMetric } from './planned-alarms';
import { accountRootArn, bucketGrantScopes, renderPlannedBucket } from './planned-bucket';
import { PlannedGrantScope, grantPlannedActions } from './planned-grants';
import { REPLICA_BUCKET_RESOURCE } from '../core/aws/bucket-replication';
import { IamActionGroup, WalArchiveResourceKind, WAL_ARCHIVE_RESTORE_IAM_ACTIONS, walArchiveIamActions } from '../core/aws/iam-action-groups';
import { SelfHostedPitrArchivePlan, walPutRequestsMetric } from '../core/aws/self-hosted-pitr-archive';
import { ArchiveObjectPrefixes } from '../core/policy/lifecycle';
import { LifecycleRule } from '../core/policy/lifecycle-rules';

export { WAL_REQUEST_METRICS_FILTER_ID } from '../core/aws/self-hosted-pitr-archive';

/** Props of {@link WalArchiveBucket}. */
export interface WalArchiveBucketProps {
  /** What core planned for the bucket (`planSelfHostedPitrArchive(…).bucket`): prefixes, lifecycle, grants' scopes, the bucket itself. */
  readonly plan: SelfHostedPitrArchivePlan['bucket'];
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
}

/**
 * The bucket of a WAL archive: public access blocked, TLS only, KMS-encrypted, versioned, optional Object Lock, access
 * logs in a separate bucket, an optional offsite copy (S3 replication), request metrics on the WAL prefix (for the RPO alarm), and core's lifecycle, which never
 * expires WAL still needed by the oldest retained base backup. Deleting objects is denied to every principal but
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
  /** The lifecycle rules, as core planned them. */
  public readonly lifecycleRules: readonly LifecycleRule[];
  /** The role S3 replicates the archive offsite with, when replicated. */
  public readonly replicationRole?: iam.IRole;
  /** Name of the offsite bucket, when replicated (the `DestinationBucket` dimension of the replication metrics). */
  public readonly replicaBucketName?: string;
  private readonly plan: SelfHostedPitrArchivePlan['bucket'];
  private readonly deleters: string[] = [];

  constructor(scope: Construct, id: string, props: WalArchiveBucketProps) {
    super(scope, id);
    const plan = props.plan;
    this.plan = plan;
    this.prefixes = plan.prefixes;
    this.lifecycleRules = plan.lifecycleRules;
    // The archivers are known once granted (`grantArchive`), so the list is read when the template is synthesized.
    const rendered = renderPlannedBucket(this, plan.backupBucket, {
      encryptionKey: props.encryptionKey,
      serverAccessLogs: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      references: { 'account-root': accountRootArn(this), 'archivers': this.deleters },
    });
    this.bucket = rendered.bucket;
    this.encryptionKey = rendered.encryptionKey;
    this.accessLogsBucket = rendered.accessLogsBucket as s3.Bucket;
    this.replicationRole = rendered.replicationRole;
    this.replicaBucketName = rendered.replicaBucketName;
  }

  /** The names the replication alarms' dimensions name besides the archive bucket (`replica-bucket`), when replicated. */
  public replicationMetricResources(): Record<string, string> {
    return this.replicaBucketName === undefined ? {} : { [REPLICA_BUCKET_RESOURCE]: this.replicaBucketName };
  }

  /** The ARNs of every object under the WAL and base-backup prefixes. */
  public objectArns(): string[] {
    return this.plan.objectKeyPatterns.map((pattern) => this.bucket.arnForObjects(pattern));
  }

  /** Where each kind of archive resource is, for core's action groups. */
  public grantScopes(): Partial<Record<WalArchiveResourceKind, PlannedGrantScope | null>> {
    return bucketGrantScopes(this.plan.grantLocations, this.bucket, this.encryptionKey);
  }

  /**
   * What an archiver on a host needs: put, get and list under the WAL and base-backup prefixes, abort its own
   * multipart uploads, use the key; and, when `withDelete` (the archiver expires its own backups), delete there.
   */
  public grantArchive(grantee: iam.IGrantable, withDelete: boolean): void {
    this.grant(grantee, walArchiveIamActions(withDelete));
    if (withDelete) {
      const arn = (grantee.grantPrincipal as { roleArn?: string }).roleArn;
      if (arn === undefined) throw new Error('grantArchive with the archiver\'s own expiry needs a role (its ARN is exempted from the delete Deny)');
      this.deleters.push(arn);
    }
  }

  /** Read-only: get and list under the WAL and base-backup prefixes, decrypt with the key. */
  public grantRestore(grantee: iam.IGrantable): void {
    this.grant(grantee, WAL_ARCHIVE_RESTORE_IAM_ACTIONS);
  }

  /** PUT requests under the WAL prefix (S3 request metrics), summed per `period`: 0 means no WAL arrived. */
  public metricWalPutRequests(period: Duration): cloudwatch.Metric {
    return plannedMetric(walPutRequestsMetric(this.bucket.bucketName, period.toSeconds()));
  }

  private grant(grantee: iam.IGrantable, groups: readonly IamActionGroup<WalArchiveResourceKind>[]): void {
    grantPlannedActions(grantee, groups, this.grantScopes(), 'WalArchiveBucket');
  }
}
