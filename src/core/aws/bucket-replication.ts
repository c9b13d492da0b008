/**
 * Offsite copies of a backup bucket: S3 replication of every new object version to a bucket in another region and/or
 * account, decided once for the dump bucket and the WAL archive bucket of every AWS front end.
 */
import { AlarmPlan, MetricPlan } from './alarm-plan';
import { IamActionGroup } from './iam-action-groups';
import { ReplicationCostInputs } from '../policy/cost-estimate';
import { ProtectionReplica, describeLock } from '../policy/database-protection';
import { REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS } from '../policy/lifecycle';
import { LifecycleRule } from '../policy/lifecycle-rules';
import { checkOffsiteAtLeastAsImmutable } from '../policy/offsite-immutability';
import { ImmutabilityPolicy } from '../policy/policy';
import { Validator } from '../policy/validation';

/**
 * Where and how a backup bucket is copied offsite. The destination must have versioning on, and, when the source has
 * Object Lock, Object Lock too; in another account its bucket policy must let the replication role
 * (`s3:ReplicateObject`, `s3:ReplicateTags`, `s3:ObjectOwnerOverrideToBucketOwner`) and its key policy must let that
 * role encrypt.
 */
export interface BucketReplicationOptions {
  /** ARN of the destination bucket, in another region and/or account (`arn:aws:s3:::name`). */
  readonly destinationBucketArn: string;
  /**
   * ARN of the KMS key, in the destination's region, the replicas are encrypted with (the backups are KMS-encrypted,
   * and S3 replicates such objects only into a key it is told).
   */
  readonly replicaKmsKeyArn: string;
  /**
   * The account that owns the destination, when it is another account: the replicas are then owned by that account
   * (owner override), so the source account cannot delete or read them through object ownership.
   * @default - the destination is in the source's account
   */
  readonly destinationAccount?: string;
  /**
   * After how many days the destination's own lifecycle expires replicas. Checked to keep at least as long as the
   * source's longest expiry, so the offsite copy never vanishes first.
   * @default - the destination never expires replicas
   */
  readonly destinationExpirationDays?: number;
  /**
   * S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, with replication metrics.
   * @default true
   */
  readonly replicationTimeControl?: boolean;
  /**
   * Alarm when an object waits longer than this for replication (the `ReplicationLatency` metric).
   * @default 15 (the Replication Time Control promise)
   */
  readonly latencyAlarmMinutes?: number;
  /**
   * The destination bucket's Object Lock (its default retention). Required when the source has Object Lock: S3
   * replicates locked objects only into a bucket with Object Lock, and the offsite copy must stay write-once at least
   * as long, in a mode at least as strict (compliance is stricter than governance). An `OffsiteBackupBucket`'s
   * `replicationFor()` sets it.
   * @default - the destination has no Object Lock (refused when the source has one)
   */
  readonly destinationObjectLock?: ImmutabilityPolicy;
  /**
   * Physical name of the replication role, so that a destination in another stack, region or account can name it in
   * its bucket and key policies (an `OffsiteBackupBucket`'s `replicationRoleNames`) without a cross-stack reference.
   * @default - a generated name
   */
  readonly roleName?: string;
}

/** The rule id of the offsite copy in the bucket's replication configuration and in the metrics' `RuleId`. */
export const REPLICATION_RULE_ID = 'offsite-copy';

/** The longest `latencyAlarmMinutes`: a day, far beyond any replication that still works. */
export const MAX_REPLICATION_LATENCY_ALARM_MINUTES = 1440;

/** What `destinationBucketArn` may be. */
const S3_BUCKET_ARN = /^arn:aws(-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** What `replicaKmsKeyArn` may be: a key or alias ARN with its region and account. */
const KMS_KEY_ARN = /^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
/** What `roleName` may be: an IAM role name. */
export const IAM_ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;

/**
 * Where the replication role may use the replica key. IAM authorizes a KMS action against the key's ARN, never an
 * alias's, so a key given by alias ARN is granted on the keys of its account and region that carry that alias
 * (`kms:ResourceAliases`); a key ARN is granted as it is.
 */
export function replicaKeyGrantScope(
  replicaKmsKeyArn: string,
): { readonly resources: string[]; readonly condition?: Record<string, Record<string, string>> } {
  const alias = /^(arn:[^:]+:kms:[^:]+:\d{12}):(alias\/.+)$/.exec(replicaKmsKeyArn);
  if (!alias) return { resources: [replicaKmsKeyArn] };
  return { resources: [`${alias[1]}:key/*`], condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias[2] } } };
}

/** The resources the replication role acts on. */
export type ReplicationResourceKind =
  /** The source bucket (its replication configuration and listing). */
  | 'replication-source-bucket'
  /** Every object version of the source bucket. */
  | 'replication-source-objects'
  /** The source bucket's KMS key. */
  | 'replication-source-key'
  /** Every object of the destination bucket. */
  | 'replication-destination-objects'
  /** The replica KMS key in the destination's region. */
  | 'replication-destination-key';

/**
 * What S3's replication role may do, and nothing else: read the source's configuration and its object versions with
 * their tags, retention and legal hold, decrypt them, and write replicas (with their tags) encrypted with the replica
 * key. No `s3:ReplicateDelete`: deletes and delete markers are never replicated, so the offsite copy survives a
 * deletion at the source.
 */
export function replicationIamActions(crossAccount: boolean): IamActionGroup<ReplicationResourceKind>[] {
  return [
    {
      resource: 'replication-source-bucket',
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      reason: 'read the replication configuration of the source',
    },
    {
      resource: 'replication-source-objects',
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
      reason: 'read each new object version with its tags, retention and legal hold',
    },
    { resource: 'replication-source-key', actions: ['kms:Decrypt'], reason: 'decrypt the source object versions' },
    {
      resource: 'replication-destination-objects',
      actions: ['s3:ReplicateObject', 's3:ReplicateTags', ...(crossAccount ? ['s3:ObjectOwnerOverrideToBucketOwner'] : [])],
      reason: crossAccount ? 'write replicas, owned by the destination account, never deletes' : 'write replicas, never deletes',
    },
    { resource: 'replication-destination-key', actions: ['kms:Encrypt', 'kms:GenerateDataKey'], reason: 'encrypt the replicas with the replica key' },
  ];
}

/** The offsite copy of one bucket, as every front end renders it. */
export interface BucketReplicationPlan {
  /** Rule id (`RuleId` of the metrics). */
  readonly ruleId: string;
  /** ARN of the destination bucket. */
  readonly destinationBucketArn: string;
  /** ARN of the replica key. */
  readonly replicaKmsKeyArn: string;
  /**
   * The account that owns the destination; replicas are then owned by it.
   * @default - the source's account, no owner override
   */
  readonly destinationAccount?: string;
  /**
   * Replication Time Control, minutes.
   * @default - off
   */
  readonly replicationTimeMinutes?: number;
  /** Replication metrics are on, with this event threshold in minutes. */
  readonly metricsEventThresholdMinutes: number;
  /** What the replication role may do, by resource kind. */
  readonly roleGrants: readonly IamActionGroup<ReplicationResourceKind>[];
  /** Description of the replication role. */
  readonly roleDescription: string;
  /**
   * Physical name of the replication role.
   * @default - a generated name
   */
  readonly roleName?: string;
  /** The lifecycle of a destination created for it: the source's expiries, so replicas are kept as long as the source keeps them. */
  readonly destinationLifecycleRules: readonly LifecycleRule[];
  /** Failed replication and late replication. */
  readonly alarms: readonly AlarmPlan[];
  /** The offsite copy as the protection records say it (the examples' summary lists it per database). */
  readonly protection: ProtectionReplica;
  /**
   * Whether the prune task may prune the copy with the dumps' retention (`pg-backup prune --replica`): not when an
   * `OffsiteBackupBucket` made the options, since its bucket policy refuses every delete; its lifecycle keeps them.
   */
  readonly prunable: boolean;
}

/**
 * The destination's region, as the replica key's ARN names it (a bucket ARN names no region; the replica key must be
 * in the destination's region); undefined for an alias name or an unresolved value.
 */
export function replicaKeyRegion(replicaKmsKeyArn: string): string | undefined {
  return /^arn:[^:]+:kms:([a-z0-9-]+):/.exec(replicaKmsKeyArn)?.[1];
}

/** What the source bucket is, for the checks and the alarms. */
export interface ReplicatedBucket {
  /** Where the options are in the props, e.g. `replication`. */
  readonly path: string;
  /** What is copied, e.g. `dumps` or `the WAL archive of orders`. */
  readonly contents: string;
  /** The source's lifecycle: a destination's expiry must not come before the source's longest. */
  readonly lifecycleRules: readonly LifecycleRule[];
  /** The planned resource (metric dimension) of the source bucket, e.g. `backup-bucket`. */
  readonly sourceBucket: string;
  /** Prefix of the alarm ids (`Replication…Alarm`) and names (`replication-…`), when a construct has several replicated buckets. */
  readonly alarmPrefix?: { readonly id: string; readonly name: string };
  /**
   * The source's Object Lock and where it is in the props (`objectLock`, `immutability`): the destination must be
   * locked at least as long and as strictly.
   * @default - no Object Lock at the source
   */
  readonly objectLock?: { readonly path: string; readonly policy: ImmutabilityPolicy };
}

/**
 * Checks that the destination's Object Lock, as the user states it, is at least the source's: present when the source
 * has one, in a mode at least as strict, for at least as many days.
 */
function checkDestinationObjectLock(validator: Validator, options: BucketReplicationOptions, source: ReplicatedBucket): void {
  const path = replicationOptionPath(options, source, 'destinationObjectLock');
  const destination = options.destinationObjectLock;
  if (destination !== undefined && !validator.isUnresolved(destination)) {
    validator.oneOf(`${path}.mode`, destination.mode, ['governance', 'compliance']);
    validator.integer(`${path}.days`, destination.days, 1, 36_500, 'days');
  }
  const lock = source.objectLock;
  if (lock === undefined || validator.isUnresolved(lock.policy, lock.policy.days, destination)) return;
  const sourceMode = lock.policy.mode ?? 'governance';
  const stated = `${validator.propPath(lock.path)} is ${sourceMode} ${lock.policy.days} days`;
  if (destination === undefined) {
    validator.report({
      path,
      value: undefined,
      allowed: `the destination bucket's Object Lock, at least ${sourceMode} ${lock.policy.days} days (${stated})`,
      reason: 'S3 replicates locked backups only into a bucket with Object Lock, and the offsite copy must stay write-once as long as the source',
    });
    return;
  }
  checkOffsiteAtLeastAsImmutable(validator, path, destination, lock.policy, stated, 'locked');
}

/** The planned resource (metric dimension) of the destination bucket's name. */
export const REPLICA_BUCKET_RESOURCE = 'replica-bucket';

/** How long the source keeps what it holds: its longest lifecycle expiry, or undefined when nothing expires. */
function sourceKeepsDays(rules: readonly LifecycleRule[]): number | undefined {
  const days = rules.filter((rule) => rule.enabled !== false).flatMap((rule) => (rule.expirationDays !== undefined ? [rule.expirationDays] : []));
  return days.length === 0 ? undefined : Math.max(...days);
}

/**
 * How the cost estimate sees a bucket's offsite copy: in the region of its replica key (the destination's), pruned with
 * the dumps when they have a grandfather-father-son retention and the destination lets the prune delete (the prune task's
 * `--replica`; not into an `OffsiteBackupBucket`, which refuses every delete), else kept `destinationExpirationDays`, else as long as the
 * source's longest expiry (what a destination created for it keeps).
 */
export function replicationCostInputs(options: BucketReplicationOptions, sourceLifecycleRules: readonly LifecycleRule[]): ReplicationCostInputs {
  const region = /^arn:[^:]+:kms:([^:]+):/.exec(options.replicaKmsKeyArn)?.[1];
  const keptDays = options.destinationExpirationDays ?? sourceKeepsDays(sourceLifecycleRules);
  return {
    ...(region ? { region } : {}),
    ...(keptDays !== undefined ? { destinationExpirationDays: keptDays } : {}),
    prunedWithSource: replicasPrunable(options),
    noncurrentVersionDays: REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS,
  };
}

/** Replication options an `OffsiteBackupBucket` handed a source (`replicationFor`), by the construct that wrote them. */
const HANDED_OVER = new WeakMap<BucketReplicationOptions, string>();

/** The props of an `OffsiteBackupBucket` that the replication options it hands over are made from. */
const OFFSITE_BUCKET_PROPS: Partial<Record<keyof BucketReplicationOptions, string>> = {
  destinationExpirationDays: 'expirationDays',
  destinationObjectLock: 'objectLock',
};

/**
 * Whether the prune task can delete replicas at the destination: an `OffsiteBackupBucket` refuses every delete (so a
 * compromised source account cannot remove its offsite copy), and only its lifecycle expires them; a destination given
 * by ARN lets the prune role in through its own policy (README, 3-2-1).
 */
export function replicasPrunable(options: BucketReplicationOptions): boolean {
  return !HANDED_OVER.has(options);
}

/**
 * Marks `options` as written by the `OffsiteBackupBucket` `construct` (its CDK node path, its Pulumi name), so a
 * problem the source finds with them (an expiry before the source's, a lock weaker than the source's) names the
 * offsite bucket's prop the user wrote, not a `replication.…` field the user never typed. Returns `options`.
 */
export function handOverReplication(options: BucketReplicationOptions, construct: string): BucketReplicationOptions {
  HANDED_OVER.set(options, construct);
  return options;
}

/** Where a replication option is in what the user wrote: the source's prop, or the offsite bucket's that made it. */
function replicationOptionPath(options: BucketReplicationOptions, source: ReplicatedBucket, field: keyof BucketReplicationOptions): string {
  const construct = HANDED_OVER.get(options);
  const prop = OFFSITE_BUCKET_PROPS[field];
  if (construct === undefined || prop === undefined) return `${source.path}.${field}`;
  return construct === 'OffsiteBackupBucket' ? `OffsiteBackupBucket ${prop}` : `OffsiteBackupBucket ${construct} ${prop}`;
}

/** Checks the replication options of a bucket, every problem at once, each named by its path in the props. */
export function checkBucketReplication(validator: Validator, options: BucketReplicationOptions | undefined, source: ReplicatedBucket): void {
  if (options === undefined || validator.isUnresolved(options)) return;
  const path = source.path;
  const expirationPath = replicationOptionPath(options, source, 'destinationExpirationDays');
  if (options.destinationBucketArn === undefined) {
    validator.report({ path: `${path}.destinationBucketArn`, value: undefined, allowed: 'the ARN of a bucket in another region or account, e.g. arn:aws:s3:::backups-offsite' }, []);
  }
  validator.matches(`${path}.destinationBucketArn`, options.destinationBucketArn, S3_BUCKET_ARN,
    'the ARN of a bucket in another region or account, e.g. arn:aws:s3:::backups-offsite');
  if (options.replicaKmsKeyArn === undefined) {
    validator.report({ path: `${path}.replicaKmsKeyArn`, value: undefined, allowed: 'the ARN of a KMS key in the destination\'s region', reason: 'the backups are KMS-encrypted, so S3 replicates them only into a key it is told' }, []);
  }
  validator.matches(`${path}.replicaKmsKeyArn`, options.replicaKmsKeyArn, KMS_KEY_ARN,
    'the ARN of a KMS key or alias in the destination\'s region, e.g. arn:aws:kms:eu-central-1:123456789012:key/…');
  validator.matches(`${path}.destinationAccount`, options.destinationAccount, /^\d{12}$/, 'a 12-digit AWS account id');
  validator.integer(`${path}.latencyAlarmMinutes`, options.latencyAlarmMinutes, 1, MAX_REPLICATION_LATENCY_ALARM_MINUTES, 'minutes');
  if (validator.integer(expirationPath, options.destinationExpirationDays, 1, 36500, 'days')) {
    const keeps = sourceKeepsDays(source.lifecycleRules);
    const expires = options.destinationExpirationDays;
    if (expires !== undefined && keeps !== undefined && !validator.isUnresolved(expires) && expires < keeps) {
      validator.report({
        path: expirationPath,
        value: expires,
        allowed: `at least ${keeps} days (the source keeps ${source.contents} ${keeps} days), or undefined (replicas never expire)`,
        reason: 'the offsite copy would vanish before the source copy',
      });
    }
  }
  if (options.replicationTimeControl !== undefined && typeof options.replicationTimeControl !== 'boolean') {
    validator.report({ path: `${path}.replicationTimeControl`, value: options.replicationTimeControl, allowed: 'true or false' });
  }
  validator.matches(`${path}.roleName`, options.roleName, IAM_ROLE_NAME, 'an IAM role name: up to 64 letters, digits and +=,.@_-');
  checkDestinationObjectLock(validator, options, source);
}

/**
 * Decides the offsite copy of a bucket whose options were checked ({@link checkBucketReplication}): one rule for every
 * object (the whole bucket holds backups), KMS-encrypted objects included, delete markers never replicated, Replication
 * Time Control and metrics, the replication role's action groups, the lifecycle of a created destination, and the alarms.
 */
export function planBucketReplication(options: BucketReplicationOptions, source: ReplicatedBucket): BucketReplicationPlan {
  const rtc = options.replicationTimeControl ?? true;
  const latencyMinutes = options.latencyAlarmMinutes ?? 15;
  const prefix = source.alarmPrefix ?? { id: '', name: '' };
  const metric = (metricName: string, statistic: string): MetricPlan => ({
    namespace: 'AWS/S3',
    metricName,
    dimensions: {
      SourceBucket: { resource: source.sourceBucket },
      DestinationBucket: { resource: REPLICA_BUCKET_RESOURCE },
      RuleId: REPLICATION_RULE_ID,
    },
    statistic,
    periodSeconds: 300,
  });
  const replicasExpireDays = options.destinationExpirationDays ?? sourceKeepsDays(source.lifecycleRules);
  const keyRegion = replicaKeyRegion(options.replicaKmsKeyArn);
  const where = [keyRegion && `in ${keyRegion}`, options.destinationAccount && `account ${options.destinationAccount}`].filter(Boolean).join(', ');
  const replicaLock = describeLock(options.destinationObjectLock);
  return {
    protection: {
      destination: `bucket ${options.destinationBucketArn}${where ? ` (${where})` : ''}`,
      ...(replicaLock ? { immutability: replicaLock } : {}),
      // What the user says of the destination's lifecycle (a destination given by ARN keeps its own).
      ...(options.destinationExpirationDays !== undefined ? { expirationDays: options.destinationExpirationDays } : {}),
    },
    prunable: replicasPrunable(options),
    ruleId: REPLICATION_RULE_ID,
    destinationBucketArn: options.destinationBucketArn,
    replicaKmsKeyArn: options.replicaKmsKeyArn,
    ...(options.destinationAccount !== undefined ? { destinationAccount: options.destinationAccount } : {}),
    ...(rtc ? { replicationTimeMinutes: 15 } : {}),
    metricsEventThresholdMinutes: 15,
    roleGrants: replicationIamActions(options.destinationAccount !== undefined),
    roleDescription: `S3 replication of ${source.contents} to the offsite bucket: reads new versions, writes replicas, never deletes`,
    ...(options.roleName !== undefined ? { roleName: options.roleName } : {}),
    destinationLifecycleRules: [{
      id: 'expire-replicas',
      prefix: '',
      ...(replicasExpireDays !== undefined ? { expirationDays: replicasExpireDays } : {}),
      noncurrentVersionExpirationDays: REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS,
      abortIncompleteMultipartUploadDays: 7,
    }],
    // S3 publishes replication metrics only while object versions are being replicated: no data means nothing was
    // pending and nothing failed, so silence is not a breach. Backups that stop arriving are the RPO alarms' job.
    alarms: [
      {
        id: `${prefix.id}ReplicationFailedAlarm`,
        name: `${prefix.name}replication-failed`,
        description: `S3 could not replicate ${source.contents} to the offsite bucket (OperationsFailedReplication); `
          + 'check the replication role, the replica key and the destination\'s policies',
        metric: metric('OperationsFailedReplication', 'Sum'),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
      {
        id: `${prefix.id}ReplicationLatencyAlarm`,
        name: `${prefix.name}replication-latency`,
        description: `The offsite copy of ${source.contents} is more than ${latencyMinutes} minutes behind (ReplicationLatency)`,
        metric: metric('ReplicationLatency', 'Maximum'),
        threshold: latencyMinutes * 60,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
    ],
  };
}

/** The resources the prune task acts on in the offsite bucket. */
export type ReplicaPruneResourceKind =
  /** The replicas under the dumps' prefix (`arn:aws:s3:::offsite/prefix/*`). */
  | 'replica-objects'
  /** The offsite bucket, listing only that prefix (condition `s3:prefix`). */
  | 'replica-bucket-prefix'
  /** The replica KMS key. */
  | 'replica-key';

/**
 * What the prune task may do in the offsite bucket, as at the source: read and list the replicas under the dumps' prefix
 * (their manifests and `latest`), decrypt them, and delete the replicas retention lets go. S3 replication never brings
 * a delete, so without it the offsite copy would keep every dump until its lifecycle safety net.
 */
export const REPLICA_PRUNE_IAM_ACTIONS: readonly IamActionGroup<ReplicaPruneResourceKind>[] = [
  { resource: 'replica-objects', actions: ['s3:GetObject'], reason: 'read the replicated manifests and latest' },
  { resource: 'replica-bucket-prefix', actions: ['s3:ListBucket'], reason: 'list the replicas under the prefix' },
  { resource: 'replica-key', actions: ['kms:Decrypt'], reason: 'decrypt the replicated manifests and latest' },
  { resource: 'replica-objects', actions: ['s3:DeleteObject'], reason: 'delete the replicas retention lets go, under the prefix only' },
];

/** Where one kind of resource of {@link REPLICA_PRUNE_IAM_ACTIONS} is: ARNs, and the condition that narrows them. */
export interface ReplicaPruneGrantScope {
  /** The ARNs. */
  readonly resources: readonly string[];
  /**
   * The condition of the statement.
   * @default - none
   */
  readonly condition?: Record<string, Record<string, string | string[]>>;
}

/** How the prune task prunes the offsite copy of the dumps under one prefix. */
export interface ReplicaPrunePlan {
  /** The replicas' location, `s3://offsite-bucket/prefix`: the keys S3 replication keeps. */
  readonly location: string;
  /** What the prune role may do there. */
  readonly roleGrants: readonly IamActionGroup<ReplicaPruneResourceKind>[];
  /** Each kind scoped to the offsite bucket's ARNs, the replica key's by alias when given by alias. */
  readonly scopes: Readonly<Record<ReplicaPruneResourceKind, ReplicaPruneGrantScope>>;
}

/**
 * The prune of the offsite copy of the dumps under `prefix` (without trailing `/`): the same `pg-backup prune` run
 * also prunes `s3://<destination>/<prefix>` (`--replica`), with the role's grants there. A destination in another
 * account must also allow the prune role in its bucket policy and key policy; an `OffsiteBackupBucket` does with its
 * `pruneRoleNames`.
 */
export function planReplicaPrune(replication: Pick<BucketReplicationPlan, 'destinationBucketArn' | 'replicaKmsKeyArn'>, prefix: string): ReplicaPrunePlan {
  const bucketArn = replication.destinationBucketArn;
  const bucketName = bucketArn.replace(/^arn:[^:]+:s3:::/, '');
  const key = replicaKeyGrantScope(replication.replicaKmsKeyArn);
  return {
    location: `s3://${bucketName}/${prefix}`,
    roleGrants: REPLICA_PRUNE_IAM_ACTIONS,
    scopes: {
      'replica-objects': { resources: [`${bucketArn}/${prefix}/*`] },
      'replica-bucket-prefix': { resources: [bucketArn], condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } } },
      'replica-key': { resources: key.resources, ...(key.condition ? { condition: key.condition } : {}) },
    },
  };
}

/** A statement of a resource policy (a bucket policy, a key policy) in IAM's JSON policy language. */
export interface ResourcePolicyStatement {
  /** The statement's id: the destination owner finds and replaces it by this. */
  readonly Sid: string;
  /** Always `Allow`. */
  readonly Effect: 'Allow';
  /** The prune task's role. */
  readonly Principal: { readonly AWS: string };
  /** The actions, as the prune role's own grants name them. */
  readonly Action: readonly string[];
  /** The ARNs (`*` in a key policy: the key the policy belongs to). */
  readonly Resource: string | readonly string[];
  /**
   * The condition narrowing the statement.
   * @default - none
   */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** What the owner of an offsite bucket given by ARN adds to its policies so that the prune task may prune the replicas. */
export interface ReplicaPruneDestinationPolicy {
  /** Statements for the offsite bucket's policy: read, list and delete the replicas under the dumps' prefix. */
  readonly bucketPolicyStatements: readonly ResourcePolicyStatement[];
  /** Statements for the replica key's policy: decrypt the replicated manifests and `latest`. */
  readonly keyPolicyStatements: readonly ResourcePolicyStatement[];
}

/** The statement id of each kind of resource the prune acts on at the destination. */
const REPLICA_PRUNE_STATEMENT_IDS: Readonly<Record<ReplicaPruneResourceKind, string>> = {
  'replica-objects': 'PgBackupPruneReplicas',
  'replica-bucket-prefix': 'PgBackupPruneListReplicas',
  'replica-key': 'PgBackupPruneDecryptReplicas',
};

/**
 * The statements the owner of an offsite bucket given by ARN must add to its bucket policy and its replica key's policy
 * so that the prune task's role (`pruneRoleArn`) may do there what its own grants say ({@link REPLICA_PRUNE_IAM_ACTIONS},
 * scoped as {@link planReplicaPrune} scopes them): a destination in another account ignores the role's own grants
 * without them, and one whose policy denies deletes must drop that deny for this role. Without them each replica the
 * prune would delete is reported as not deleted and stays until the destination's lifecycle. In a key policy the
 * resource is `*` (the key itself), so the alias condition of the role's own grant is not needed there.
 */
export function replicaPruneDestinationPolicy(replica: ReplicaPrunePlan, pruneRoleArn: string): ReplicaPruneDestinationPolicy {
  const kinds = [...new Set(replica.roleGrants.map((group) => group.resource))];
  const statement = (kind: ReplicaPruneResourceKind): ResourcePolicyStatement => {
    const scope = replica.scopes[kind];
    const resources = kind === 'replica-key' ? '*' : scope.resources.length === 1 ? scope.resources[0] : [...scope.resources];
    return {
      Sid: REPLICA_PRUNE_STATEMENT_IDS[kind],
      Effect: 'Allow',
      Principal: { AWS: pruneRoleArn },
      Action: replica.roleGrants.filter((group) => group.resource === kind).flatMap((group) => group.actions),
      Resource: resources,
      ...(kind !== 'replica-key' && scope.condition ? { Condition: scope.condition } : {}),
    };
  };
  return {
    bucketPolicyStatements: kinds.filter((kind) => kind !== 'replica-key').map(statement),
    keyPolicyStatements: kinds.filter((kind) => kind === 'replica-key').map(statement),
  };
}

/** `AWS::S3::Bucket` `ReplicationConfiguration` of a plan, with the role's ARN (a string or a front end's token). */
export function renderS3ReplicationConfiguration(plan: BucketReplicationPlan, roleArn: string): Record<string, unknown> {
  return { Role: roleArn, Rules: [renderS3ReplicationRule(plan)] };
}

/**
 * The one replication rule of a plan, in CloudFormation's shape (`AWS::S3::Bucket` `ReplicationRule`): every object,
 * KMS-encrypted ones included, delete markers never replicated, into the replica key, with Replication Time Control
 * when asked and metrics always.
 */
export function renderS3ReplicationRule(plan: BucketReplicationPlan): Record<string, unknown> {
  return {
    Id: plan.ruleId,
    Priority: 0,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Disabled' },
    SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    Destination: {
      Bucket: plan.destinationBucketArn,
      ...(plan.destinationAccount !== undefined ? { Account: plan.destinationAccount, AccessControlTranslation: { Owner: 'Destination' } } : {}),
      EncryptionConfiguration: { ReplicaKmsKeyID: plan.replicaKmsKeyArn },
      ...(plan.replicationTimeMinutes !== undefined ? { ReplicationTime: { Status: 'Enabled', Time: { Minutes: plan.replicationTimeMinutes } } } : {}),
      Metrics: { Status: 'Enabled', EventThreshold: { Minutes: plan.metricsEventThresholdMinutes } },
    },
  };
}
