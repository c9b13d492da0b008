/**
 * The offsite bucket a backup bucket is replicated into, created for the user in another region and/or account:
 * versioned, encrypted with its own KMS key, public access blocked, TLS only, optional Object Lock, a lifecycle that
 * keeps replicas at least as long as the sources keep their objects, and policies that let only the sources'
 * replication roles write replicas there and nobody delete them. Decided once for every AWS front end.
 */
import { BackupBucketPlan, PlannedPolicyStatement, planBackupBucket } from './backup-bucket';
import { BucketReplicationOptions, IAM_ROLE_NAME, handOverReplication } from './bucket-replication';
import { IamActionGroup } from './iam-action-groups';
import { OFFSITE_BACKUP_BUCKET_LITERAL_PROPS } from './literal-props';
import { REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS } from '../policy/lifecycle';
import { LifecycleRule } from '../policy/lifecycle-rules';
import { ImmutabilityPolicy } from '../policy/policy';
import { PolicyValidationError, ValidationOptions, Validator } from '../policy/validation';
import { awsPartitionOf } from '../postgres/aws-partitions';

/**
 * The options of an `OffsiteBackupBucket` that are the same in every AWS front end. The names are physical, so the
 * source constructs in another stack, region or account name the bucket, its key and their replication roles without
 * a cross-region reference.
 */
export interface OffsiteBackupBucketOptions {
  /** Name of the bucket, a physical name unique in the partition, e.g. `acme-pg-backups-offsite-eu-central-1`. */
  readonly bucketName: string;
  /**
   * Alias of the bucket's KMS key: the sources name the replica key by this alias's ARN.
   * @default - `alias/<bucketName>`
   */
  readonly keyAlias?: string;
  /**
   * The names of the replication roles allowed to replicate into the bucket: the `replication.roleName` of each source
   * (a `ScheduledPgDump`'s dump bucket, a `SelfHostedPitrArchive`'s WAL bucket).
   */
  readonly replicationRoleNames: string[];
  /**
   * The account of the sources, when it is not the bucket's: replicas are then owned by the bucket's account.
   * @default - the bucket's account
   */
  readonly sourceAccount?: string;
  /**
   * S3 Object Lock of the replicas (default retention), at least the sources' own: a source with Object Lock refuses
   * a destination locked less long or less strictly.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
  /**
   * Days after which the bucket's lifecycle expires a replica; at least as long as each source keeps its objects
   * (each source checks it) and at least the Object Lock's days. Deletes are never replicated, so this is what bounds
   * the offsite copy.
   * @default - replicas never expire
   */
  readonly expirationDays?: number;
}

/** The names of {@link OffsiteBackupBucketOptions}, the options every front end shares. */
export const OFFSITE_BACKUP_BUCKET_OPTION_NAMES = [
  'bucketName', 'keyAlias', 'replicationRoleNames', 'sourceAccount', 'objectLock', 'expirationDays',
] as const satisfies readonly (keyof OffsiteBackupBucketOptions)[];

/** Where the bucket is: the front end's account and region, which must be known at synthesis (an explicit stack `env`). */
export interface OffsiteBackupBucketEnvironment {
  /** The account of the bucket. */
  readonly account: string;
  /** The region of the bucket. */
  readonly region: string;
  /**
   * The partition.
   * @default - the region's: `aws-cn` for cn-…, `aws-us-gov` for us-gov-…, else `aws`
   */
  readonly partition?: string;
  /**
   * How values are checked and problems named.
   * @default - plain paths, throws on the first call of `throwIfInvalid`
   */
  readonly validation?: ValidationOptions;
}

/** The resources the bucket policy and key policy speak of. */
export type OffsiteResourceKind =
  /** The offsite bucket itself. */
  | 'offsite-bucket'
  /** Every object of the offsite bucket. */
  | 'offsite-objects'
  /** The offsite bucket's KMS key (in its key policy: `*`). */
  | 'offsite-key';

/**
 * What the sources' replication roles may do at the destination, as the bucket policy and the key policy grant it:
 * check the bucket's versioning and write replicas with their tags (taking ownership across accounts), encrypt them
 * with the bucket's key. Never `s3:ReplicateDelete`.
 */
export function offsiteReplicationGrants(crossAccount: boolean): IamActionGroup<OffsiteResourceKind>[] {
  return [
    { resource: 'offsite-bucket', actions: ['s3:GetBucketVersioning', 's3:ListBucket'], reason: 'check the destination is versioned' },
    {
      resource: 'offsite-objects',
      actions: ['s3:ReplicateObject', 's3:ReplicateTags', ...(crossAccount ? ['s3:ObjectOwnerOverrideToBucketOwner'] : [])],
      reason: 'write replicas with their tags, never deletes',
    },
    { resource: 'offsite-key', actions: ['kms:Encrypt', 'kms:GenerateDataKey'], reason: 'encrypt the replicas with the offsite key' },
  ];
}

/** The actions nobody may take on the offsite objects: a replica is only ever removed by the bucket's lifecycle. */
export const OFFSITE_DENIED_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ReplicateDelete'] as const;

/** The actions only the replication roles may take on the offsite objects. */
export const OFFSITE_REPLICATE_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'] as const;

/** What an `OffsiteBackupBucket` creates, as every front end renders it. */
export interface OffsiteBackupBucketPlan {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** ARN of the bucket. */
  readonly bucketArn: string;
  /** Alias of the key, `alias/…`. */
  readonly keyAlias: string;
  /** ARN of the key's alias, which the sources replicate into. */
  readonly keyAliasArn: string;
  /** Description of the key. */
  readonly keyDescription: string;
  /**
   * Object Lock default retention.
   * @default - none
   */
  readonly objectLock?: ImmutabilityPolicy;
  /** The bucket's lifecycle: expire replicas (when asked), noncurrent versions and aborted uploads. */
  readonly lifecycleRules: readonly LifecycleRule[];
  /**
   * ARNs of the replication roles allowed to replicate in. The policies name them in an `aws:PrincipalArn` condition
   * on their account's principal, not as principals: a policy naming a role that does not exist yet is refused, and
   * the sources are deployed after their destination.
   */
  readonly replicationRoleArns: readonly string[];
  /** The account of the replication roles (the principal of the policies' statements). */
  readonly replicatingAccount: string;
  /** What those roles may do, by resource kind (bucket policy and key policy). */
  readonly replicationGrants: readonly IamActionGroup<OffsiteResourceKind>[];
  /** The account of the sources, when another one (replicas are then owned by the bucket's account). */
  readonly sourceAccount?: string;
  /** What each source's `replication` prop is, by replication role name. */
  readonly replication: Readonly<Record<string, BucketReplicationOptions>>;
  /**
   * The bucket as every backup bucket is, its policy adding that the replication roles may replicate in, nobody else
   * may, and nobody may delete a replica.
   */
  readonly bucket: BackupBucketPlan;
  /** What the key's policy adds to its default (the account's IAM policies decide): the replication roles may encrypt. */
  readonly keyPolicy: readonly PlannedPolicyStatement[];
  /** What the construct protects, for tools that report it. */
  readonly protection: {
    readonly kind: 'offsite-copy';
    readonly bucketArn: string;
    readonly region: string;
    readonly account: string;
    readonly objectLock?: string;
    readonly expirationDays?: number;
  };
}

/** What a bucket name may be (S3's rules for names usable with virtual-hosted addressing). */
const S3_BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** What a KMS alias may be. */
const KMS_ALIAS = /^alias\/(?!aws\/)[A-Za-z0-9/_-]{1,250}$/;

/** Checks the options and the environment, every problem at once, each named by its prop. */
export function checkOffsiteBackupBucketOptions(
  validator: Validator, options: OffsiteBackupBucketOptions, environment: OffsiteBackupBucketEnvironment,
): void {
  // The checks below read the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(OFFSITE_BACKUP_BUCKET_LITERAL_PROPS, options)) return;
  if (validator.isUnresolved(environment.account) || !/^\d{12}$/.test(environment.account)) {
    validator.report({
      path: 'env.account',
      value: validator.isUnresolved(environment.account) ? '(unresolved)' : environment.account,
      allowed: 'a 12-digit account id known at synthesis (an explicit env on the stack, or the provider\'s account)',
      reason: 'the sources in another region name the bucket, its key alias and their roles by physical ARNs',
    }, []);
  }
  if (validator.isUnresolved(environment.region) || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(environment.region)) {
    validator.report({
      path: 'env.region',
      value: validator.isUnresolved(environment.region) ? '(unresolved)' : environment.region,
      allowed: 'a region such as eu-central-1 known at synthesis (an explicit env on the stack, or the provider\'s region)',
      reason: 'the replica key\'s alias ARN names the region',
    }, []);
  }
  validator.matches('bucketName', options.bucketName, S3_BUCKET_NAME, 'an S3 bucket name: 3–63 lowercase letters, digits and hyphens');
  validator.matches('keyAlias', options.keyAlias, KMS_ALIAS, 'a KMS alias such as alias/pg-backups-offsite (not alias/aws/…)');
  validator.matches('sourceAccount', options.sourceAccount, /^\d{12}$/, 'a 12-digit AWS account id');
  const roles = options.replicationRoleNames;
  if (!validator.deferredOrRefused('replicationRoleNames', roles, 'a list of IAM role names: the replication.roleName of each source')) {
    if (!Array.isArray(roles) || roles.length === 0) {
      validator.report({ path: 'replicationRoleNames', value: roles, allowed: 'at least one IAM role name: the replication.roleName of each source' });
    } else {
      roles.forEach((role, index) => validator.matches(`replicationRoleNames[${index}]`, role, IAM_ROLE_NAME,
        'an IAM role name: up to 64 letters, digits and +=,.@_-'));
      // A role listed twice would be granted twice and make two identical replicationFor() entries.
      roles.forEach((role, index) => {
        const first = roles.indexOf(role);
        if (first < index && !validator.isUnresolved(role)) {
          validator.report({ path: `replicationRoleNames[${index}]`, value: role, allowed: `a role name not listed before (replicationRoleNames[${first}] has it)` });
        }
      });
    }
  }
  const lock = options.objectLock;
  if (lock !== undefined && !validator.isUnresolved(lock)) {
    validator.oneOf('objectLock.mode', lock.mode, ['governance', 'compliance']);
    validator.integer('objectLock.days', lock.days, 1, 36_500, 'days');
  }
  if (validator.integer('expirationDays', options.expirationDays, 1, 36_500, 'days') && lock !== undefined
    && typeof lock.days === 'number' && options.expirationDays !== undefined && options.expirationDays < lock.days) {
    validator.report({
      path: 'expirationDays',
      value: options.expirationDays,
      allowed: `at least ${lock.days} days (objectLock.days), or undefined (replicas never expire)`,
      reason: 'a replica cannot expire while it is locked',
    });
  }
}

/**
 * Validates the options (throwing a `PolicyValidationError` that lists every problem) and decides what an
 * `OffsiteBackupBucket` creates and what each source's `replication` prop is.
 */
export function planOffsiteBackupBucket(options: OffsiteBackupBucketOptions, environment: OffsiteBackupBucketEnvironment): OffsiteBackupBucketPlan {
  const validator = new Validator(environment.validation ?? {});
  checkOffsiteBackupBucketOptions(validator, options, environment);
  validator.throwIfInvalid();
  const partition = environment.partition ?? awsPartitionOf(environment.region).partition;
  const keyAlias = options.keyAlias ?? `alias/${options.bucketName}`;
  const keyAliasArn = `arn:${partition}:kms:${environment.region}:${environment.account}:${keyAlias}`;
  const bucketArn = `arn:${partition}:s3:::${options.bucketName}`;
  const sourceAccount = options.sourceAccount !== undefined && options.sourceAccount !== environment.account ? options.sourceAccount : undefined;
  const roleAccount = sourceAccount ?? environment.account;
  const replication = Object.fromEntries(options.replicationRoleNames.map((roleName): [string, BucketReplicationOptions] => [roleName, {
    destinationBucketArn: bucketArn,
    replicaKmsKeyArn: keyAliasArn,
    roleName,
    ...(sourceAccount !== undefined ? { destinationAccount: environment.account } : {}),
    ...(options.expirationDays !== undefined ? { destinationExpirationDays: options.expirationDays } : {}),
    ...(options.objectLock !== undefined ? { destinationObjectLock: options.objectLock } : {}),
  }]));
  const replicationRoleArns = options.replicationRoleNames.map((roleName) => `arn:${partition}:iam::${roleAccount}:role/${roleName}`);
  const replicationGrants = offsiteReplicationGrants(sourceAccount !== undefined);
  const lifecycleRules: LifecycleRule[] = [{
    id: 'expire-replicas',
    prefix: '',
    ...(options.expirationDays !== undefined ? { expirationDays: options.expirationDays } : {}),
    noncurrentVersionExpirationDays: REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS,
    abortIncompleteMultipartUploadDays: 7,
  }];
  const keyDescription = `Encrypts the offsite copies of PostgreSQL backups in ${options.bucketName}`;
  const bucket = planBackupBucket({ objectLock: options.objectLock, keyDescription, lifecycleRules, bucketName: options.bucketName }, {
    givenBucket: false, deleters: { breakGlass: false, prune: false, archivers: false },
  });
  return {
    bucketName: options.bucketName,
    bucketArn,
    keyAlias,
    keyAliasArn,
    keyDescription,
    ...(options.objectLock !== undefined ? { objectLock: options.objectLock } : {}),
    lifecycleRules,
    replicationRoleArns,
    replicatingAccount: roleAccount,
    replicationGrants,
    ...offsitePolicies(bucketArn, replicationRoleArns, { account: roleAccount, partition }, replicationGrants, bucket),
    ...(sourceAccount !== undefined ? { sourceAccount } : {}),
    replication,
    protection: {
      kind: 'offsite-copy',
      bucketArn,
      region: environment.region,
      account: environment.account,
      ...(options.objectLock !== undefined ? { objectLock: `${options.objectLock.mode ?? 'governance'} ${options.objectLock.days} days` } : {}),
      ...(options.expirationDays !== undefined ? { expirationDays: options.expirationDays } : {}),
    },
  };
}

/**
 * The statements of the bucket's and the key's policies about replication. The roles are named in a condition on their
 * account, not as principals: S3 and KMS refuse a policy naming a role that does not exist yet, and the sources are
 * deployed after this bucket. Resources are the bucket's physical ARN, as the sources know it.
 */
function offsitePolicies(
  bucketArn: string, roleArns: string[], replicatingAccount: { account: string; partition: string },
  grants: readonly IamActionGroup<OffsiteResourceKind>[], bucket: BackupBucketPlan,
): Pick<OffsiteBackupBucketPlan, 'bucket' | 'keyPolicy'> {
  const byReplicationRoles = { ArnEquals: { 'aws:PrincipalArn': roleArns } };
  const objects = { arn: `${bucketArn}/*` };
  const allow = (kind: OffsiteResourceKind, resource: { arn: string }, sid?: string): PlannedPolicyStatement => ({
    ...(sid !== undefined ? { sid } : {}),
    effect: 'Allow',
    principal: replicatingAccount,
    actions: grants.filter((group) => group.resource === kind).flatMap((group) => group.actions),
    resources: [resource],
    conditions: byReplicationRoles,
  });
  return {
    bucket: {
      ...bucket,
      policy: [
        ...bucket.policy,
        allow('offsite-bucket', { arn: bucketArn }),
        allow('offsite-objects', objects),
        {
          sid: 'DenyReplicationByOthers',
          effect: 'Deny',
          principal: 'anyone',
          actions: OFFSITE_REPLICATE_ACTIONS,
          resources: [objects],
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArns } },
        },
        // A replica is only ever removed by the lifecycle (S3 itself, which no bucket policy applies to).
        { sid: 'DenyDeletingReplicas', effect: 'Deny', principal: 'anyone', actions: OFFSITE_DENIED_ACTIONS, resources: [objects] },
      ],
    },
    keyPolicy: [allow('offsite-key', { arn: '*' }, 'AllowReplicationRolesToEncryptReplicas')],
  };
}

/**
 * The `replication` prop of the source whose replication role is `roleName`, from a plan: one line of wiring. A name
 * the bucket does not let replicate is an error naming the names it does.
 */
export function offsiteReplicationFor(plan: OffsiteBackupBucketPlan, roleName: string, construct = 'OffsiteBackupBucket'): BucketReplicationOptions {
  const options = plan.replication[roleName];
  if (options === undefined) {
    throw new PolicyValidationError([{
      path: 'replicationFor(roleName)',
      value: roleName,
      allowed: `one of replicationRoleNames: ${Object.keys(plan.replication).join(', ')}`,
    }], construct);
  }
  return handOverReplication(options, construct);
}
