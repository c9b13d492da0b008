import { AlarmPlan, DEFAULT_METRIC_NAMESPACE, checkMetricNamespace } from './alarm-plan';
import { BackupBucketPlan, BucketGrantLocation, bucketListingOnly, planBackupBucket } from './backup-bucket';
import { BucketReplicationOptions, ReplicatedBucket, checkBucketReplication, planBucketReplication, replicaKeyRegion } from './bucket-replication';
import { EventNotificationPlan } from './event-notification';
import { checkFargateTaskSize } from './fargate-sizes';
import { IamActionGroup, WalArchiveResourceKind, walArchiveIamActions, WAL_ARCHIVE_CONFIGURATION_READ_IAM_ACTIONS, WAL_ARCHIVE_RESTORE_IAM_ACTIONS } from './iam-action-groups';
import { SELF_HOSTED_PITR_ARCHIVE_LITERAL_PROPS } from './literal-props';
import {
  PitrArchiveEncryptionOptions, PitrArchiveEncryptionPlan, PitrArchiveEncryptionResourceKind, checkPitrArchiveEncryption, planPitrArchiveEncryption,
} from './pitr-archive-encryption';
import { PitrDrillOptions } from './pitr-drill';
import { ReviewedAwsManagedPolicy } from './reviewed-findings';
import { ARCHIVE_CHECK_RATE_MINUTES, WAL_REQUEST_METRICS_FILTER_ID, walArchiveAlarms } from './wal-archive-alarms';
import { PITR_DRILL_PROP_PATHS } from '../policy/construct-prop-paths';
import { CostEstimate, DatabaseSizeInputs, estimateFromSizes, estimateLabel } from '../policy/cost-estimate';
import { DatabaseProtection, costEstimateProtection } from '../policy/database-protection';
import { ResolvedPitrPolicy, resolvePitr, resolveVerification } from '../policy/defaults';
import { ArchiveObjectPrefixes, archiverObjectPrefixes, walArchiveLifecycleRules } from '../policy/lifecycle';
import { LifecycleRule, LifecycleTransition, validateLifecycleRules } from '../policy/lifecycle-rules';
import { Archiver, ImmutabilityPolicy, PitrPolicy, VerificationPolicy } from '../policy/policy';
import { renderAwsBackupSchedule, renderEventBridgeSchedule } from '../policy/schedule';
import { checkPolicy } from '../policy/validate-policy';
import { ValidationOptions, Validator } from '../policy/validation';
import { minimumWalRetentionDays } from '../policy/wal-retention';
import { checkArchiveKeyPrefix, validateAbsolutePath } from '../postgres/archive-repository';

export { ARCHIVE_CHECK_METRIC_NAMES, ARCHIVE_CHECK_RATE_MINUTES, WAL_REQUEST_METRICS_FILTER_ID, walPutRequestsMetric } from './wal-archive-alarms';

/** The EC2 tag that selects the database hosts of an archive for the scheduled base backups and checks. */
export interface PitrHostTag {
  /** Tag key. */
  readonly key: string;
  /** Tag value. */
  readonly value: string;
}

/** The options of the scheduled PITR drill of an archive that are the same in every AWS front end. */
export interface SelfHostedPitrDrillOptions {
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks that must each return a single `true`, and the RTO.
   * @default - weekly, no SQL checks, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * Ephemeral storage in GiB (21–200): it holds the restored cluster.
   * @default 100
   */
  readonly ephemeralStorageGiB?: number;
}

/**
 * The options of a `SelfHostedPitrArchive` that are the same in every AWS front end; the CDK props and the Pulumi args
 * extend them with the cloud handles (key, topic, removal), and name the drill's and the encryption's types, which add
 * theirs (the drill's network, the secret).
 */
export interface SelfHostedPitrArchiveOptions<
  Drill extends SelfHostedPitrDrillOptions = SelfHostedPitrDrillOptions,
  Encryption extends PitrArchiveEncryptionOptions = PitrArchiveEncryptionOptions,
> {
  /**
   * The PITR policy: window, `archiveTimeoutSeconds` (30–3600 unless allowed outside), full/diff base-backup
   * schedules, `retainFull`, archiver, who expires old backups, WAL retention.
   * @default - the defaults of PitrPolicy: pgBackRest, 7-day window, 60 s archive_timeout, weekly full, daily diff
   */
  readonly pitr?: PitrPolicy;
  /**
   * Object Lock on the bucket (needs `pitr.expireBy: 'lifecycle'`).
   * @default - no Object Lock
   */
  readonly immutability?: ImmutabilityPolicy;
  /**
   * Name of the archived cluster: the pgBackRest stanza (barman-cloud server name) and the `Database` metric dimension.
   * It also names the archive's SSM parameters, State Manager associations and host tag, so two archives of one account
   * and region need different names (the CDK construct refuses a second one of its app under a name taken there).
   * @default 'main'
   */
  readonly clusterName?: string;
  /**
   * Key prefix of the repository in the bucket, without slashes at the ends.
   * @default - the bucket root
   */
  readonly prefix?: string;
  /** PostgreSQL major version of the hosts. */
  readonly postgresMajorVersion: number;
  /**
   * Data directory on the hosts (`pg1-path`).
   * @default '/var/lib/postgresql/<major>/main' (Debian and Ubuntu)
   */
  readonly dataDirectory?: string;
  /**
   * Where the user-data snippet writes the archive block: a file the server's configuration includes.
   * @default '/etc/postgresql/<major>/main/conf.d/50-wal-archive.conf' (Debian's `include_dir = 'conf.d'`)
   */
  readonly postgresqlConfFile?: string;
  /**
   * Port of the cluster on the hosts.
   * @default 5432
   */
  readonly pgPort?: number;
  /**
   * The tag that selects the database hosts for the scheduled base backups and archive checks.
   * @default - key `postgres-backup:pitr-archive`, value the cluster name
   */
  readonly hostTag?: PitrHostTag;
  /**
   * Create an instance role (and profile) with this archive's access, SSM management and the CloudWatch agent.
   * @default false
   */
  readonly createInstanceRole?: boolean;
  /**
   * Alarm when no WAL object arrived within this many `archive_timeout`s (at least the heartbeat minute plus one).
   * @default 3
   */
  readonly rpoArchiveTimeouts?: number;
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
   * it out of reach of `restore_command`, is rejected.
   * @default - none
   */
  readonly additionalLifecycleRules?: LifecycleRule[];
  /**
   * A scheduled point-in-time recovery drill (pgBackRest archives only).
   * @default - no drill
   */
  readonly drill?: Drill;
  /**
   * CloudWatch namespace of the runner's and the drill's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Copy the WAL archive and base backups offsite: S3 replication of the bucket to a bucket in another region and/or
   * account, with Replication Time Control, replication metrics and alarms on failed or late replication; delete
   * markers are never replicated.
   * @default - no offsite copy
   */
  readonly replication?: BucketReplicationOptions;
  /**
   * Encrypt the repository on the hosts before anything is stored (pgBackRest `repo1-cipher-type=aes-256-cbc`, or
   * WAL-G's libsodium), with the pass or key in a Secrets Manager secret each front end takes: the hosts write it at
   * boot into a file only `postgres` reads, the drill receives it from its execution role, and no parameter, user data
   * or template holds it.
   * @default - not encrypted by the archiver (the bucket's KMS encryption only)
   */
  readonly encryption?: Encryption;
  /**
   * The database's size, for an estimate of what the archive stores a month and its cost: WAL, base backups and,
   * with `replication`, the offsite replicas (kept again by the destination's lifecycle, deletes are not replicated)
   * and their transfer to another region.
   * @default - no estimate
   */
  readonly estimate?: DatabaseSizeInputs;
}

/** The names of {@link SelfHostedPitrArchiveOptions}, the options every front end shares. */
export const SELF_HOSTED_PITR_ARCHIVE_OPTION_NAMES = [
  'pitr', 'immutability', 'clusterName', 'prefix', 'postgresMajorVersion', 'dataDirectory', 'postgresqlConfFile', 'pgPort', 'hostTag',
  'createInstanceRole', 'rpoArchiveTimeouts', 'walTransitions', 'baseTransitions', 'additionalLifecycleRules', 'drill', 'metricNamespace',
  'replication', 'encryption', 'estimate',
] as const satisfies readonly (keyof SelfHostedPitrArchiveOptions)[];

/** The shared options of a front end's props, without its cloud handles (the drill keeps only its plain options). */
export function selfHostedPitrArchiveOptionsOf(props: SelfHostedPitrArchiveOptions): SelfHostedPitrArchiveOptions {
  const options = Object.fromEntries(SELF_HOSTED_PITR_ARCHIVE_OPTION_NAMES.filter((name) => props[name] !== undefined)
    .map((name) => [name, props[name]])) as unknown as SelfHostedPitrArchiveOptions;
  const { drill, encryption } = props;
  return {
    ...options,
    ...(drill ? { drill: { verification: drill.verification, ephemeralStorageGiB: drill.ephemeralStorageGiB } } : {}),
    ...(encryption ? { encryption: encryption.keyEncoding !== undefined ? { keyEncoding: encryption.keyEncoding } : {} } : {}),
  };
}

/**
 * The properties of a State Manager association but its parameters, named as both `AWS::SSM::Association` (CDK's
 * `CfnAssociationProps`) and Pulumi's `aws.ssm.Association` name them.
 */
export interface ArchiveAssociationProperties {
  /** The SSM document run: `AWS-RunShellScript`. */
  readonly name: string;
  /** The association's name, as the console lists it. */
  readonly associationName: string;
  /** The hosts: those with the archive's tag. */
  readonly targets: { readonly key: string; readonly values: string[] }[];
  /** `cron(…)` or `rate(…)`. */
  readonly scheduleExpression: string;
  /** Run only on the schedule, not also when the association is created or changed. */
  readonly applyOnlyAtCronInterval: boolean;
  /** One host at a time. */
  readonly maxConcurrency: string;
  /** No failure tolerated: the association reports failed, which notifies. */
  readonly maxErrors: string;
  /** How a failed run counts in compliance. */
  readonly complianceSeverity: string;
}

/** A State Manager association that runs on the tagged hosts: a base backup or the archive check. */
export interface ArchiveAssociationPlan {
  /** Construct id in CDK, e.g. `FullBaseBackup`. */
  readonly id: string;
  /** Suffix of the resource name in Pulumi, e.g. `full-base-backup`. */
  readonly name: string;
  /** What it runs (see `archiveAssociationCommands`). */
  readonly task: 'full' | 'diff' | 'archive-check';
  /** The association's properties. */
  readonly properties: ArchiveAssociationProperties;
  /** Seconds a run may take before SSM stops it. */
  readonly executionTimeoutSeconds: number;
}

/** The kinds of resource an archive's grants name: the bucket, its key and the configuration parameters; the encryption secret and its key. */
export type PitrArchiveResourceKind = WalArchiveResourceKind | PitrArchiveEncryptionResourceKind;

/** Everything a `SelfHostedPitrArchive` creates, decided once for every front end. */
export interface SelfHostedPitrArchivePlan {
  /** The cluster name: stanza, server name, metric dimension. */
  readonly clusterName: string;
  /** The PITR policy with every default filled in. */
  readonly pitr: ResolvedPitrPolicy;
  /** PostgreSQL major version of the hosts. */
  readonly postgresMajorVersion: number;
  /** Data directory on the hosts. */
  readonly dataDirectory: string;
  /** Where the archive block goes on the hosts. */
  readonly postgresqlConfFile: string;
  /** Port of the cluster on the hosts, when not 5432 by default. */
  readonly pgPort?: number;
  /** Key prefix of the repository ('' for the bucket root). */
  readonly prefix: string;
  /** Where the archiver writes WAL and base backups. */
  readonly prefixes: ArchiveObjectPrefixes;
  /** CloudWatch namespace of the check's and the drill's metrics. */
  readonly metricNamespace: string;
  /** The tag that selects the hosts. */
  readonly hostTag: PitrHostTag;
  /** The archive bucket. */
  readonly bucket: {
    /** Where the archiver writes WAL and base backups. */
    readonly prefixes: ArchiveObjectPrefixes;
    /** Core's lifecycle (which never expires WAL the oldest retained base backup needs) and the user's rules. */
    readonly lifecycleRules: readonly LifecycleRule[];
    /**
     * The bucket as every backup bucket is: its key's description, lifecycle, Object Lock, the request-metrics filter on
     * the WAL prefix that the RPO alarm watches, replication, access logs, and a policy that denies deleting to all but
     * the archiving hosts.
     */
    readonly backupBucket: BackupBucketPlan;
    /** Object key patterns of the archive (`<wal prefix>*`, `<base prefix>*`), which the grants scope objects to. */
    readonly objectKeyPatterns: readonly string[];
    /** The `s3:prefix` values a listing of the archive may ask for. */
    readonly listPrefixes: readonly string[];
    /** Where the archive's kinds of resources are in the bucket: the objects under the archive prefixes, a listing of them, the key. */
    readonly grantLocations: Readonly<Record<Exclude<WalArchiveResourceKind, 'configuration-parameters'>, BucketGrantLocation>>;
  };
  /** The rendered configuration in SSM parameters, and where the host writes it. */
  readonly parameters: {
    readonly postgresqlConf: { readonly parameterName: string; readonly description: string };
    readonly archiverConf?: { readonly parameterName: string; readonly description: string; readonly path: string };
  };
  /** The created instance role, when asked for. */
  readonly instanceRole?: {
    readonly description: string;
    /** The service that assumes it. */
    readonly assumedBy: string;
    readonly managedPolicies: readonly ReviewedAwsManagedPolicy[];
    /** What it may do: archive (with the archiver's own expiry when asked), read the configuration, and read the encryption secret. */
    readonly grants: readonly IamActionGroup<PitrArchiveResourceKind>[];
  };
  /** What a host archiving (with its own expiry when `expireBy` is `archiver`), a restore, and a configuration reader may do. */
  readonly grants: {
    readonly archive: readonly IamActionGroup<WalArchiveResourceKind>[];
    readonly restore: readonly IamActionGroup<WalArchiveResourceKind>[];
    readonly readConfiguration: readonly IamActionGroup<WalArchiveResourceKind>[];
  };
  /** How the archiver encrypts the repository with the pass or key in the front end's secret, when asked for. */
  readonly encryption?: PitrArchiveEncryptionPlan;
  /** Whether archiving hosts delete under the archive prefixes (the archiver's own expiry). */
  readonly archiverDeletes: boolean;
  /** The associations on the tagged hosts: full and differential base backups (as the archiver takes them), archive check. */
  readonly associations: readonly ArchiveAssociationPlan[];
  /** The EventBridge rule that notifies when an association fails on a host (its pattern names the planned `associations`). */
  readonly failedAssociations: EventNotificationPlan;
  /** RPO on the WAL prefix, archiver failing, failures growing, archive gap, newest WAL unreadable (pgBackRest). */
  readonly alarms: readonly AlarmPlan[];
  /** What the construct protects, for tools that report it. */
  readonly protection: Readonly<Record<string, unknown>> & { readonly kind: 'wal-archive' };
  /**
   * The monthly storage-cost estimate of the archive and its offsite replicas, with `estimate`.
   * @default - no estimate
   */
  readonly costEstimate?: CostEstimate;
  /**
   * The estimate as a protection record (`cost-estimate`), with `estimate`.
   * @default - no estimate
   */
  readonly costProtection?: DatabaseProtection;
  /** The scheduled PITR drill, when asked for: core's drill options and what it protects. */
  readonly drill?: {
    readonly options: PitrDrillOptions;
    readonly protection: Readonly<Record<string, unknown>> & { readonly kind: 'pitr-drill' };
  };
}

/** What the front end knows of how values are checked. */
export interface SelfHostedPitrArchiveEnvironment {
  /** How values are checked: unresolved values (tokens, outputs) and the construct that messages name. */
  readonly validation?: ValidationOptions;
}

const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function archiverOfOptions(options: SelfHostedPitrArchiveOptions): Archiver {
  return options.pitr?.archiver ?? 'pgbackrest';
}

/** Where the archiver writes: only the prefix decides it, so it is known before the bucket exists. */
function prefixesOf(archiver: Archiver, prefix: string, clusterName: string): ArchiveObjectPrefixes {
  return archiverObjectPrefixes(archiver, { kind: 's3', bucket: 'unknown-yet', region: 'unknown-yet', prefix }, clusterName);
}

/** Core's WAL-archive lifecycle and the user's rules, which may not delete WAL recovery still needs. */
function archiveLifecycleRules(
  options: SelfHostedPitrArchiveOptions, pitr: PitrPolicy, prefixes: ArchiveObjectPrefixes, validator?: Validator,
): LifecycleRule[] {
  const least = minimumWalRetentionDays(pitr);
  const rules = walArchiveLifecycleRules(pitr, least, {
    walPrefix: prefixes.wal,
    basePrefix: prefixes.base,
    walTransitions: options.walTransitions,
    baseTransitions: options.baseTransitions,
    validator,
    path: 'lifecycleRules',
  });
  const additional = options.additionalLifecycleRules ?? [];
  // A user rule whose prefix covers the WAL (`''`, a parent folder) must keep it as long as recovery needs it.
  if (additional.length > 0) {
    const checker = validator ?? new Validator();
    validateLifecycleRules(additional, checker, 'additionalLifecycleRules', { minimumWalRetentionDays: least, walPrefix: prefixes.wal });
    if (!validator) checker.throwIfInvalid();
  }
  return [...rules, ...additional];
}

/**
 * Checks the options of a `SelfHostedPitrArchive`, every problem at once: core's policy rules, the cluster name, the
 * major version, the RPO factor, the drill (pgBackRest only, its verification and task size), and — once the policy
 * itself is valid — the bucket's lifecycle with the user's rules.
 */
export function checkSelfHostedPitrArchiveOptions(validator: Validator, options: SelfHostedPitrArchiveOptions): void {
  // The checks below read the options' contents, which a deploy-time value refused here does not have.
  if (!validator.requireLiterals(SELF_HOSTED_PITR_ARCHIVE_LITERAL_PROPS, options)) return;
  validator.include(checkPolicy({ platform: 'self-hosted', pitr: options.pitr ?? {}, immutability: options.immutability }, validator.optionsFor()));
  validator.matches('clusterName', options.clusterName ?? 'main', CLUSTER_NAME_PATTERN, '1-64 letters, digits, ".", "_" and "-"');
  validator.integer('postgresMajorVersion', options.postgresMajorVersion, 10, 99);
  validator.number('rpoArchiveTimeouts', options.rpoArchiveTimeouts, 1, 1000);
  // The host's files name these once the bucket is known (a Pulumi output): checked now, under the props' own names.
  checkArchiveKeyPrefix(validator, 'prefix', options.prefix);
  validateAbsolutePath(validator, 'dataDirectory', options.dataDirectory);
  validateAbsolutePath(validator, 'postgresqlConfFile', options.postgresqlConfFile);
  validator.integer('pgPort', options.pgPort, 1, 65_535);
  checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  checkPitrArchiveEncryption(validator, options.encryption, archiverOfOptions(options));
  if (options.drill) {
    if (archiverOfOptions(options) !== 'pgbackrest') {
      validator.report({ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }, []);
    }
    validator.include(checkPolicy({ verification: options.drill.verification ?? {} }, validator.optionsFor(PITR_DRILL_PROP_PATHS)));
    checkFargateTaskSize(validator, { ephemeralStorageGiB: options.drill.ephemeralStorageGiB ?? 100 }, 'drill.');
  }
  // The lifecycle is checked once the policy itself is valid, so no problem is reported twice.
  if (validator.issues.length > 0 || validator.isUnresolved(options.pitr)) {
    checkBucketReplication(validator, options.replication, replicatedArchiveBucket(options, []));
    return;
  }
  const pitr = resolvePitr(options.pitr ?? {});
  const lifecycleRules = archiveLifecycleRules(options, pitr, prefixesOf(pitr.archiver, options.prefix ?? '', options.clusterName ?? 'main'), validator);
  checkBucketReplication(validator, options.replication, replicatedArchiveBucket(options, lifecycleRules));
}

/** The archive bucket as its replication sees it. */
function replicatedArchiveBucket(options: SelfHostedPitrArchiveOptions, lifecycleRules: readonly LifecycleRule[]): ReplicatedBucket {
  return {
    path: 'replication',
    contents: `the WAL archive of ${options.clusterName ?? 'main'}`,
    lifecycleRules,
    sourceBucket: 'archive-bucket',
    ...(options.immutability !== undefined ? { objectLock: { path: 'immutability', policy: options.immutability } } : {}),
  };
}

/**
 * Validates the options of a front end's props, its cloud handles left out (throwing a `PolicyValidationError` that
 * lists every problem; what is not known yet is checked again through `validation.whenKnown`) and decides what a
 * `SelfHostedPitrArchive` creates: the bucket's lifecycle and request metrics, the configuration parameters, the
 * instance role, the grants by resource kind, the State Manager associations, the failed-association notification,
 * the alarms, the drill and what it all protects.
 */
export function planSelfHostedPitrArchive(
  props: SelfHostedPitrArchiveOptions, environment: SelfHostedPitrArchiveEnvironment = {},
): SelfHostedPitrArchivePlan {
  const options = selfHostedPitrArchiveOptionsOf(props);
  const validation = environment.validation ?? {};
  const validator = new Validator(validation);
  checkSelfHostedPitrArchiveOptions(validator, options);
  validator.throwIfInvalid();
  validation.whenKnown?.(options, (known) => {
    const later = new Validator({ construct: validation.construct });
    checkSelfHostedPitrArchiveOptions(later, known as SelfHostedPitrArchiveOptions);
    later.throwIfInvalid();
  });

  const pitr = resolvePitr(options.pitr ?? {}, validation);
  const clusterName = options.clusterName ?? 'main';
  const major = options.postgresMajorVersion;
  const prefix = options.prefix ?? '';
  const prefixes = prefixesOf(pitr.archiver, prefix, clusterName);
  const metricNamespace = options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
  const archiverDeletes = pitr.expireBy === 'archiver';
  const parameterRoot = `/postgres-backup/${clusterName}`;
  const archiverConf = pitr.archiver === 'pgbackrest' ? { file: 'pgbackrest.conf', path: '/etc/pgbackrest/pgbackrest.conf' }
    : pitr.archiver === 'wal-g' ? { file: 'wal-g.env', path: '/etc/wal-g/wal-g.env' } : undefined;
  const archivePrefixes = [prefixes.wal, prefixes.base];
  const hostTag = options.hostTag ?? { key: 'postgres-backup:pitr-archive', value: clusterName };
  const lifecycleRules = archiveLifecycleRules(options, pitr, prefixes);
  const replication = options.replication && planBucketReplication(options.replication, replicatedArchiveBucket(options, lifecycleRules));
  const costEstimate = options.estimate && estimateArchiveCost(options, clusterName, validator);
  validator.throwIfInvalid();
  const encryption = planPitrArchiveEncryption(options.encryption, pitr.archiver);
  const archiveGrants = walArchiveIamActions(archiverDeletes);
  const objectKeyPatterns = archivePrefixes.map((p) => `${p}*`);
  const listPrefixes = archivePrefixes.flatMap((p) => [p.replace(/\/$/, ''), `${p}*`]);
  return {
    ...(costEstimate ? {
      costEstimate,
      costProtection: costEstimateProtection(costEstimate, [clusterName]),
    } : {}),
    clusterName,
    pitr,
    postgresMajorVersion: major,
    dataDirectory: options.dataDirectory ?? `/var/lib/postgresql/${major}/main`,
    postgresqlConfFile: options.postgresqlConfFile ?? `/etc/postgresql/${major}/main/conf.d/50-wal-archive.conf`,
    pgPort: options.pgPort,
    prefix,
    prefixes,
    metricNamespace,
    hostTag,
    bucket: {
      prefixes,
      lifecycleRules,
      backupBucket: planBackupBucket({
        objectLock: options.immutability,
        replication,
        keyDescription: 'Encrypts the PostgreSQL WAL archive and base backups',
        requestMetrics: { id: WAL_REQUEST_METRICS_FILTER_ID, prefix: prefixes.wal },
        lifecycleRules,
      }, { givenBucket: false, deleters: { breakGlass: false, prune: false, archivers: true } }),
      objectKeyPatterns,
      listPrefixes,
      grantLocations: { 'archive-objects': { objects: objectKeyPatterns }, 'archive-bucket-prefixes': bucketListingOnly(listPrefixes), 'archive-key': 'key' },
    },
    parameters: {
      postgresqlConf: {
        parameterName: `${parameterRoot}/postgresql.conf`,
        description: 'postgresql.conf block that archives WAL (rendered by postgres-backup-constructs)',
      },
      ...(archiverConf ? {
        archiverConf: {
          parameterName: `${parameterRoot}/${archiverConf.file}`,
          description: `${pitr.archiver} configuration of the WAL archive (rendered by postgres-backup-constructs)`,
          path: archiverConf.path,
        },
      } : {}),
    },
    instanceRole: options.createInstanceRole ? {
      description: `Database hosts of ${clusterName}: archive WAL and base backups, SSM management, CloudWatch agent`,
      assumedBy: 'ec2.amazonaws.com',
      managedPolicies: ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy'],
      grants: [...archiveGrants, ...WAL_ARCHIVE_CONFIGURATION_READ_IAM_ACTIONS, ...(encryption?.readSecret ?? [])],
    } : undefined,
    grants: {
      archive: archiveGrants,
      restore: WAL_ARCHIVE_RESTORE_IAM_ACTIONS,
      readConfiguration: WAL_ARCHIVE_CONFIGURATION_READ_IAM_ACTIONS,
    },
    encryption,
    archiverDeletes,
    associations: archiveAssociations(pitr, clusterName, hostTag),
    failedAssociations: {
      id: 'FailedAssociationRule',
      name: 'failed-associations',
      description: `A scheduled base backup or archive check of ${clusterName} failed on a host`,
      eventPattern: {
        'source': ['aws.ssm'],
        'detail-type': ['EC2 State Manager Instance Association State Change'],
        'detail': { 'association-id': [{ resource: 'associations' }], 'status': ['Failed'] },
      },
      message: [
        `${clusterName}: association `, { eventPath: '$.detail.association-name' }, ' failed on ', { eventPath: '$.detail.instance-id' },
        ' (', { eventPath: '$.detail.detailed-status' }, ')',
      ],
    },
    alarms: [...walArchiveAlarms(pitr, clusterName, metricNamespace, options.rpoArchiveTimeouts ?? 3), ...(replication?.alarms ?? [])],
    protection: {
      kind: 'wal-archive',
      databaseNames: [clusterName],
      archiver: pitr.archiver,
      windowDays: pitr.windowDays,
      archiveTimeoutSeconds: pitr.archiveTimeoutSeconds,
      schedule: `full ${renderAwsBackupSchedule(pitr.fullBackupSchedule)}, diff ${renderAwsBackupSchedule(pitr.diffBackupSchedule)}`,
      prefix: prefixes.wal,
      retentionDays: pitr.walRetentionDays,
      expireBy: pitr.expireBy,
      objectLock: options.immutability ? `${options.immutability.mode ?? 'governance'} ${options.immutability.days} days` : undefined,
      ...(replication ? { replica: replication.protection } : {}),
      ...(options.encryption ? { encryption: pitr.archiver === 'wal-g' ? 'libsodium' : 'aes-256-cbc' } : {}),
    },
    drill: options.drill ? drillPlan(options.drill, pitr, clusterName, prefix, metricNamespace) : undefined,
  };
}

/** What a `SelfHostedPitrArchive` exposes of core's plan, declared once for every front end. */
export interface SelfHostedPitrArchiveAttributes {
  /** What this construct creates, as core decided it. */
  readonly plan: SelfHostedPitrArchivePlan;
  /** The policy with its defaults. */
  readonly pitr: ResolvedPitrPolicy;
  /** The cluster name (stanza). */
  readonly clusterName: string;
  /** Where the archiver writes WAL and base backups. */
  readonly prefixes: ArchiveObjectPrefixes;
  /** The lifecycle rules of the bucket. */
  readonly lifecycleRules: readonly LifecycleRule[];
  /**
   * Where the archiver's configuration file goes on the hosts.
   * @default - none: the archiver has no configuration file
   */
  readonly archiverConfPath?: string;
  /**
   * The monthly storage-cost estimate of the archive and its offsite replicas, with `estimate`.
   * @default - no estimate
   */
  readonly costEstimate?: CostEstimate;
}

/**
 * The types of a front end's resources that {@link SelfHostedPitrArchiveResources} names: rendered text (a string, or an
 * output), the repository, an SSM parameter, a role, an instance profile, an association, an alarm and a drill.
 */
export interface SelfHostedPitrArchiveResourceTypes {
  /** A rendered configuration file. */
  readonly text: unknown;
  /** The repository the configuration names. */
  readonly repository: unknown;
  /** An SSM parameter. */
  readonly parameter: unknown;
  /** An IAM role. */
  readonly role: unknown;
  /** An instance profile. */
  readonly instanceProfile: unknown;
  /** A State Manager association. */
  readonly association: unknown;
  /** A CloudWatch alarm. */
  readonly alarm: unknown;
  /** The scheduled PITR drill. */
  readonly drill: unknown;
}

/**
 * What a `SelfHostedPitrArchive` creates from core's plan, declared once for every AWS front end with that front end's
 * resource types `R`; each front end's class declares these by extending this interface.
 */
export interface SelfHostedPitrArchiveResources<R extends SelfHostedPitrArchiveResourceTypes> {
  /** The repository the configuration names. */
  readonly repository: R['repository'];
  /** The `postgresql.conf` block that turns archiving on. */
  readonly postgresqlConf: R['text'];
  /** The archiver's configuration file (`pgbackrest.conf`, or WAL-G's `.env`), when it has one. */
  readonly archiverConf?: R['text'];
  /** SSM parameter holding `postgresqlConf`. */
  readonly postgresqlConfParameter: R['parameter'];
  /** SSM parameter holding `archiverConf`. */
  readonly archiverConfParameter?: R['parameter'];
  /** The instance role, when created. */
  readonly instanceRole?: R['role'];
  /** Its instance profile. */
  readonly instanceProfile?: R['instanceProfile'];
  /** The State Manager associations: full and differential base backups, archive check. */
  readonly associations: readonly R['association'][];
  /** Alarms: RPO, archiver failing, failures growing, archive gap, newest WAL unreadable. */
  readonly alarms: readonly R['alarm'][];
  /** The drill, when configured (its own alarms are on it). */
  readonly drill?: R['drill'];
}

/** The attributes of a `SelfHostedPitrArchive` with `plan`. */
export function selfHostedPitrArchiveAttributes(plan: SelfHostedPitrArchivePlan): SelfHostedPitrArchiveAttributes {
  const archiverConfPath = plan.parameters.archiverConf?.path;
  return {
    plan,
    pitr: plan.pitr,
    clusterName: plan.clusterName,
    prefixes: plan.prefixes,
    lifecycleRules: plan.bucket.lifecycleRules,
    ...(archiverConfPath !== undefined ? { archiverConfPath } : {}),
    ...(plan.costEstimate ? { costEstimate: plan.costEstimate } : {}),
  };
}

/** Every protection record of an archive, as a component reports them together: the archive, its drill, its cost estimate. */
export function selfHostedPitrArchiveProtections(plan: SelfHostedPitrArchivePlan): DatabaseProtection[] {
  return [
    plan.protection as DatabaseProtection, ...(plan.drill ? [plan.drill.protection as DatabaseProtection] : []),
    ...(plan.costProtection ? [plan.costProtection] : []),
  ];
}

function archiveAssociations(pitr: ResolvedPitrPolicy, clusterName: string, hostTag: PitrHostTag): ArchiveAssociationPlan[] {
  const run = (id: string, name: string, task: ArchiveAssociationPlan['task'], scheduleExpression: string): ArchiveAssociationPlan => ({
    id,
    name,
    task,
    properties: {
      name: 'AWS-RunShellScript',
      associationName: `${clusterName}-${name}`.slice(0, 128),
      targets: [{ key: `tag:${hostTag.key}`, values: [hostTag.value] }],
      scheduleExpression,
      applyOnlyAtCronInterval: true,
      maxConcurrency: '1',
      maxErrors: '0',
      complianceSeverity: 'HIGH',
    },
    executionTimeoutSeconds: 86400,
  });
  return [
    run('FullBaseBackup', 'full-base-backup', 'full', renderAwsBackupSchedule(pitr.fullBackupSchedule, 'pitr.fullBackupSchedule')),
    // barman-cloud and a plain pg_basebackup take full backups only.
    ...(pitr.archiver === 'pgbackrest' || pitr.archiver === 'wal-g'
      ? [run('DiffBaseBackup', 'diff-base-backup', 'diff', renderAwsBackupSchedule(pitr.diffBackupSchedule, 'pitr.diffBackupSchedule'))] : []),
    run('ArchiveCheck', 'archive-check', 'archive-check', `rate(${ARCHIVE_CHECK_RATE_MINUTES} minutes)`),
  ];
}

function drillPlan(
  drill: SelfHostedPitrDrillOptions, pitr: ResolvedPitrPolicy, clusterName: string, prefix: string, metricNamespace: string,
): SelfHostedPitrArchivePlan['drill'] {
  const verification = resolveVerification(drill.verification ?? {});
  const schedule = renderEventBridgeSchedule(verification.schedule, 'drill.verification.schedule');
  return {
    options: {
      databaseName: clusterName,
      stanza: clusterName,
      verification,
      // The heartbeat commits every minute; archive_timeout ships it; then a margin for the upload.
      archiveWaitSeconds: 60 + 2 * pitr.archiveTimeoutSeconds + 60,
      ephemeralStorageGiB: drill.ephemeralStorageGiB,
      metricNamespace,
      // Beside the archive, under its repository prefix: `pg-backup status --from s3://<bucket>/<prefix>` shows them.
      drillResultsPrefix: prefix,
    },
    protection: {
      kind: 'pitr-drill',
      databaseNames: [clusterName],
      schedule: `${schedule.scheduleExpression} ${schedule.scheduleExpressionTimezone}`,
      rtoMinutes: verification.maxRestoreDurationMinutes,
      checks: verification.checks.length,
    },
  };
}

/**
 * What the archive stores a month and its cost: WAL and base backups by the PITR policy (in the class they are written
 * in), and with `replication` the replicas in the destination (kept `destinationExpirationDays`, else as long as the source's
 * lifecycle keeps them) plus their transfer to the replica key's region.
 */
function estimateArchiveCost(options: SelfHostedPitrArchiveOptions, clusterName: string, validator: Validator): CostEstimate {
  const replication = options.replication;
  return estimateFromSizes(estimateLabel(`the WAL archive of ${clusterName}`, options.estimate!), { pitr: options.pitr ?? {} }, options.estimate!, {
    ...(replication ? {
      walReplication: {
        ...(replicaKeyRegion(replication.replicaKmsKeyArn) ? { region: replicaKeyRegion(replication.replicaKmsKeyArn) } : {}),
        ...(replication.destinationExpirationDays !== undefined ? { destinationExpirationDays: replication.destinationExpirationDays } : {}),
      },
    } : {}),
  }, validator);
}
