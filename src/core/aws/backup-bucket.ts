/**
 * The bucket backups are written to (dumps, the WAL archive, offsite replicas), decided once for every AWS front end:
 * which combinations are refused, its key's description, its lifecycle, its Object Lock, its access-log bucket, and
 * every statement of the two buckets' policies, with the values only a front end knows (ARNs of its roles and
 * buckets) named by reference.
 */
import { BucketReplicationPlan, ReplicationResourceKind, replicaKeyGrantScope } from './bucket-replication';
import { BackupObjectResourceKind } from './iam-action-groups';
import { S3LifecycleConfiguration, renderS3LifecycleConfiguration } from './lifecycle-s3';
import { S3_PREFIX_ALLOWED, S3_PREFIX_PATTERN } from './scheduled-pg-dump';
import { dumpBucketLifecycleRules } from '../policy/lifecycle';
import { LifecycleRule } from '../policy/lifecycle-rules';
import { ImmutabilityPolicy, LogicalDumpPolicy } from '../policy/policy';
import { ValidationOptions, Validator } from '../policy/validation';

/** Key prefix of the backup bucket's server access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = 'backup-bucket/';

/** The description of a key created for backups unless told otherwise. */
export const BACKUP_KEY_DESCRIPTION = 'Encrypts PostgreSQL backups';

/** The oldest TLS version a request to a backup bucket may use. */
export const MINIMUM_TLS_VERSION = 1.2;

/** The options of a backup bucket every AWS front end shares; the CDK props and Pulumi args add the cloud handles. */
export interface BackupBucketOptions {
  /**
   * Key prefix of the dumps, without a trailing `/`: the dump lifecycle applies under it, and grants name it.
   * @default - none: `lifecycleRules` give the lifecycle of a created bucket
   */
  readonly prefix?: string;
  /**
   * The dump policy: its `retentionDays` becomes the lifecycle of `prefix`.
   * @default - keep 30 days
   */
  readonly dump?: LogicalDumpPolicy;
  /**
   * Lifecycle rules of a created bucket as core planned them (`dumpBucketLifecycleRules`, `walArchiveLifecycleRules`),
   * instead of the dump lifecycle of `prefix`.
   * @default - the lifecycle of `dump` under `prefix`
   */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /**
   * Name of a created bucket, so runbooks can name it before deployment.
   * @default - generated
   */
  readonly bucketName?: string;
  /**
   * Write-once protection (S3 Object Lock default retention); only for a created bucket.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * The offsite copy of a created bucket, as core planned it (`planScheduledPgDump(…).replication`,
   * `planSelfHostedPitrArchive(…).bucket.backupBucket.replication`).
   * @default - no replication
   */
  readonly replication?: BucketReplicationPlan;
  /**
   * Description of a created key.
   * @default 'Encrypts PostgreSQL backups'
   */
  readonly keyDescription?: string;
  /**
   * S3 request metrics on a prefix (`PutRequests` and others by `FilterId`), for an alarm on writes stopping.
   * @default - none
   */
  readonly requestMetrics?: { readonly id: string; readonly prefix: string };
  /**
   * Where problems are reported.
   * @default - a new validator: the constructor throws a `PolicyValidationError` listing every problem
   */
  readonly validator?: Validator;
}

/**
 * The principals that may delete objects despite the bucket policy, by who they are. Backups are otherwise only
 * expired by the lifecycle (S3 itself, which no bucket policy applies to), so a stolen credential or a bad script cannot
 * erase the history.
 */
export interface BackupBucketDeleters {
  /** A break-glass role, for emergencies. */
  readonly breakGlass: boolean;
  /** The prune task's role (its own grants scope it to the prefix). */
  readonly prune: boolean;
  /**
   * The archivers that expire their own backups: the exception list then starts with the account root, so it is never
   * only values known later (the root can rewrite the policy anyway).
   */
  readonly archivers: boolean;
}

/** What a front end knows of the bucket it renders. */
export interface BackupBucketEnvironment {
  /** Whether the bucket is given: its settings stay as they are, and Object Lock and replication are refused. */
  readonly givenBucket: boolean;
  /** Who may delete objects. */
  readonly deleters: BackupBucketDeleters;
  /**
   * How values are checked when no `validator` is given: unresolved values and the construct messages name.
   * @default - plain values, no construct named
   */
  readonly validation?: ValidationOptions;
}

/** A value of a policy only the front end knows, named by what it is. */
export interface PolicyReference {
  /**
   * `account`: the bucket's account id; `account-root`: that account's root principal ARN; `source-bucket-arn`: the
   * bucket whose access logs are delivered; `break-glass-role`, `prune-role`: those roles' ARNs; `archivers`: the ARNs of
   * the roles that expire their own backups (a list, spread where it stands); `admin-role`: the vault's admin role ARN;
   * `topic`: the notification topic's ARN; `partition`: the environment's partition (`aws`, `aws-cn`…).
   */
  readonly ref: 'account' | 'account-root' | 'source-bucket-arn' | 'break-glass-role' | 'prune-role' | 'archivers' | 'admin-role' | 'topic' | 'partition';
}

/** A condition's value: literal, or a reference, or a list of references. */
export type PlannedConditionValue = string | number | readonly string[] | PolicyReference | readonly PolicyReference[];

/** A resource of a planned statement: the bucket, its objects matching a key pattern, a literal ARN, or a reference. */
export type PlannedPolicyResource = 'bucket' | { readonly objects: string } | { readonly arn: string } | PolicyReference;

/**
 * A principal of a planned statement: everybody (`anyone` as `{ AWS: '*' }`, `*` as the bare star SNS's TLS statement
 * has), a service, an account (its root, in its partition; the environment's (`partition` reference) when not given),
 * or several accounts' roots.
 */
export type PlannedPolicyPrincipal = 'anyone' | '*' | { readonly service: string } | { readonly account: string; readonly partition?: string }
  | { readonly accounts: readonly string[] };

/** One statement of a resource policy, as core decides it and each front end renders it. */
export interface PlannedPolicyStatement {
  /**
   * Statement id.
   * @default - none
   */
  readonly sid?: string;
  /** `Allow` or `Deny`. */
  readonly effect: 'Allow' | 'Deny';
  /** Who the statement applies to. */
  readonly principal: PlannedPolicyPrincipal;
  /** The actions. */
  readonly actions: readonly string[];
  /** The resources. */
  readonly resources: readonly PlannedPolicyResource[];
  /**
   * Conditions, by operator and key.
   * @default - none
   */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, PlannedConditionValue>>>>;
}

/** The bucket server access logs go to, when created: no public access, TLS only, S3-managed keys, versioned. */
export interface AccessLogsBucketPlan {
  /** Its lifecycle: logs are kept a year, noncurrent versions 30 days. */
  readonly lifecycle: S3LifecycleConfiguration;
  /** Its policy: TLS only, and only S3's log delivery for the backup bucket's account may write the logs. */
  readonly policy: readonly PlannedPolicyStatement[];
}

/** What a backup bucket is, decided once for every front end. */
export interface BackupBucketPlan {
  /**
   * The bucket's physical name.
   * @default - generated
   */
  readonly bucketName?: string;
  /** Description of a created key. */
  readonly keyDescription: string;
  /** The lifecycle of a created bucket, as S3 takes it. */
  readonly lifecycle: S3LifecycleConfiguration;
  /**
   * The Object Lock default retention, as S3 names its mode.
   * @default - none
   */
  readonly objectLock?: { readonly mode: 'COMPLIANCE' | 'GOVERNANCE'; readonly days: number };
  /**
   * Request metrics on a prefix.
   * @default - none
   */
  readonly requestMetrics?: { readonly id: string; readonly prefix: string };
  /**
   * The offsite copy.
   * @default - none
   */
  readonly replication?: BucketReplicationPlan;
  /** The key prefix the access logs are delivered under. */
  readonly accessLogPrefix: string;
  /** The access-log bucket, when one is created. */
  readonly accessLogsBucket: AccessLogsBucketPlan;
  /**
   * The statements of the bucket's policy that come before any a caller adds: TLS only, and the delete Deny (only the
   * delete Deny on a given bucket).
   */
  readonly policy: readonly PlannedPolicyStatement[];
}

/** The statement that denies every request to a bucket and its objects not made over TLS. */
const DENY_INSECURE_TRANSPORT: PlannedPolicyStatement = {
  effect: 'Deny',
  principal: 'anyone',
  actions: ['s3:*'],
  resources: ['bucket', { objects: '*' }],
  conditions: { Bool: { 'aws:SecureTransport': 'false' } },
};

const ACCESS_LOGS_BUCKET: AccessLogsBucketPlan = {
  lifecycle: renderS3LifecycleConfiguration([{ id: 'expire-access-logs', prefix: '', expirationDays: 365, noncurrentVersionExpirationDays: 30 }]),
  policy: [
    DENY_INSECURE_TRANSPORT,
    {
      sid: 'AllowServerAccessLogDelivery',
      effect: 'Allow',
      principal: { service: 'logging.s3.amazonaws.com' },
      actions: ['s3:PutObject'],
      resources: [{ objects: `${ACCESS_LOG_PREFIX}*` }],
      conditions: { ArnLike: { 'aws:SourceArn': { ref: 'source-bucket-arn' } }, StringEquals: { 'aws:SourceAccount': { ref: 'account' } } },
    },
  ],
};

/**
 * The bucket-policy statement that keeps objects from being deleted by any principal but `deleters`: only the
 * lifecycle rules expire them (S3 itself, which no bucket policy applies to).
 */
export function denyDeletingStatement(deleters: BackupBucketDeleters): PlannedPolicyStatement {
  const exempted: PolicyReference[] = [
    ...(deleters.archivers ? [{ ref: 'account-root' as const }, { ref: 'archivers' as const }] : []),
    ...(deleters.breakGlass ? [{ ref: 'break-glass-role' as const }] : []),
    ...(deleters.prune ? [{ ref: 'prune-role' as const }] : []),
  ];
  return {
    sid: deleters.archivers ? 'DenyDeletingArchive' : 'DenyDeletingBackups',
    effect: 'Deny',
    principal: 'anyone',
    actions: ['s3:DeleteObject*'],
    resources: [{ objects: '*' }],
    ...(exempted.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': exempted.length === 1 ? exempted[0] : exempted } } } : {}),
  };
}

/**
 * Checks the options against the bucket (a given bucket keeps its own Object Lock and replication; the dump prefix is
 * a safe S3 key prefix) and decides what the bucket is. Problems go to `options.validator`, or throw a
 * `PolicyValidationError` listing every one.
 */
export function planBackupBucket(options: BackupBucketOptions, environment: BackupBucketEnvironment): BackupBucketPlan {
  const validator = options.validator ?? new Validator(environment.validation);
  const { prefix, lifecycleRules } = options;
  if (prefix !== undefined) validator.matches('prefix', prefix, S3_PREFIX_PATTERN, S3_PREFIX_ALLOWED);
  if (environment.givenBucket && options.objectLock) {
    validator.report({ path: 'objectLock', value: options.objectLock, allowed: 'undefined when a bucket is given', reason: 'Object Lock is set when a bucket is created' });
  }
  if (environment.givenBucket && options.replication) {
    validator.report({
      path: 'replication',
      value: options.replication.destinationBucketArn,
      allowed: 'undefined when a bucket is given',
      reason: 'replication is configured on a bucket created here; a given bucket keeps its own',
    });
  }
  // Without rules a created bucket would keep every backup forever and never clean up aborted uploads.
  if (!environment.givenBucket && lifecycleRules === undefined && prefix === undefined) {
    validator.report({
      path: 'lifecycleRules',
      value: undefined,
      allowed: 'core\'s lifecycle rules (dumpBucketLifecycleRules, walArchiveLifecycleRules), or the prefix of the dumps, when a bucket is created',
      reason: 'a created bucket needs lifecycle rules',
    });
  }
  const rules = environment.givenBucket ? []
    : lifecycleRules ?? (prefix === undefined ? []
      : dumpBucketLifecycleRules(options.dump ?? {}, { prefix: `${prefix}/`, validator, path: 'lifecycleRules' }));
  const rendered = renderS3LifecycleConfiguration(rules, { validator });
  if (!options.validator) validator.throwIfInvalid();
  const lock = options.objectLock;
  return {
    ...(options.bucketName !== undefined ? { bucketName: options.bucketName } : {}),
    keyDescription: options.keyDescription ?? BACKUP_KEY_DESCRIPTION,
    lifecycle: rendered,
    ...(lock ? { objectLock: { mode: lock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', days: lock.days } } : {}),
    ...(options.requestMetrics ? { requestMetrics: options.requestMetrics } : {}),
    ...(options.replication ? { replication: options.replication } : {}),
    accessLogPrefix: ACCESS_LOG_PREFIX,
    accessLogsBucket: ACCESS_LOGS_BUCKET,
    policy: [
      ...(environment.givenBucket ? [] : [
        DENY_INSECURE_TRANSPORT,
        { ...DENY_INSECURE_TRANSPORT, conditions: { NumericLessThan: { 's3:TlsVersion': MINIMUM_TLS_VERSION } } },
      ]),
      denyDeletingStatement(environment.deleters),
    ],
  };
}

/** Where the backups under `prefix` (no trailing `/`) are, for the grants of core's backup action groups. */
export function backupObjectLocations(prefix: string): { readonly objects: string; readonly drillResults: string; readonly listPrefixes: string[] } {
  return { objects: `${prefix}/*`, drillResults: `${prefix}/*/drills/*`, listPrefixes: [`${prefix}/*`] };
}

/**
 * Where one kind of resource of core's bucket action groups is, relative to the bucket: the objects matching a key
 * pattern (or several), the bucket itself under the conditions of its statement (a listing of some prefixes only), the
 * bucket's key, or ARNs elsewhere (another bucket's, its key's) under the statement's conditions. Each front end turns it into ARNs once ({@link backupObjectGrantLocations}, a WAL archive's
 * `grantLocations`).
 */
export type BucketGrantLocation =
  | { readonly objects: string | readonly string[] }
  | { readonly bucket: { readonly conditions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> } }
  | { readonly arns: string | readonly string[]; readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | string[]>>>> }
  | 'key';

/** The bucket, listing only the `s3:prefix` values given. */
export function bucketListingOnly(listPrefixes: readonly string[]): BucketGrantLocation {
  return { bucket: { conditions: { StringLike: { 's3:prefix': listPrefixes } } } };
}

/** Where each kind of resource of core's backup action groups is, for the backups under `prefix` (no trailing `/`). */
export function backupObjectGrantLocations(prefix: string): Readonly<Record<BackupObjectResourceKind, BucketGrantLocation>> {
  const locations = backupObjectLocations(prefix);
  return {
    'backup-objects': { objects: locations.objects },
    'drill-results': { objects: locations.drillResults },
    'backup-bucket-prefix': bucketListingOnly(locations.listPrefixes),
    'backup-key': 'key',
  };
}

/**
 * Where each kind of resource of a replication role's grants is: the source bucket, its objects and its key, and the
 * destination's objects and key (every key of its account with the alias, when the key is named by alias).
 */
export function replicationGrantLocations(plan: BucketReplicationPlan): Readonly<Record<ReplicationResourceKind, BucketGrantLocation>> {
  const replicaKey = replicaKeyGrantScope(plan.replicaKmsKeyArn);
  return {
    'replication-source-bucket': { bucket: {} },
    'replication-source-objects': { objects: '*' },
    'replication-source-key': 'key',
    'replication-destination-objects': { arns: `${plan.destinationBucketArn}/*` },
    'replication-destination-key': { arns: replicaKey.resources, ...(replicaKey.condition ? { conditions: replicaKey.condition } : {}) },
  };
}
