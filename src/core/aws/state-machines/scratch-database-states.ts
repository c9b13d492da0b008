import { AslCatcher, AslChoiceState, AslJsonValue, AslPassState, AslPayloadTemplate, AslResource, AslState, AslTaskState, intrinsicFormatTemplate } from './asl';
import {
  CLEANUP_ERROR_PATH, DrillStateName, ERROR_PATH, catchAll, ecsDrillTaskStates, restoreTaskTimeoutSeconds, runnerArgv, splitPlaceholder,
} from './drill-states';
import { DrillPlaceholder, ResolvedRestoreDrillOptions } from './restore-drill-options';
import { Validator } from '../../policy/validation';

/** The tag key every scratch resource carries, with the execution name as its value (for IAM conditions and audits). */
export const SCRATCH_RESOURCE_TAG_KEY = 'postgres-backup:drill';

/** What a drill restores into a scratch database from: an RDS DB instance, or an Aurora cluster (restored as a cluster plus one instance). */
export type SnapshotSourceKind = 'instance' | 'aurora-cluster';

/** Options of the drills that restore an RDS instance or Aurora cluster into a scratch database and check it there. */
export interface ScratchDatabaseDrillOptions {
  /**
   * What `${SourceIdentifier}` names.
   * @default 'instance'
   */
  readonly source?: SnapshotSourceKind;
  /**
   * Instance class of the scratch database: small, it only has to start and answer the checks.
   * @default 'db.t4g.micro' for an instance, 'db.t4g.medium' for an Aurora cluster
   */
  readonly scratchInstanceClass?: string;
  /**
   * Prefix of scratch identifiers: `<prefix>-<md5 of the execution name>` (and `-1` for an Aurora instance).
   * Lowercase letters, digits and single hyphens, at most 20 characters; IAM policies scope deletes to it.
   * @default 'pg-drill'
   */
  readonly scratchIdentifierPrefix?: string;
  /**
   * Seconds between two checks of whether the scratch database is available.
   * @default 60
   */
  readonly pollIntervalSeconds?: number;
  /**
   * Checks before the drill gives up on the scratch database ("never became available").
   * @default - enough polls to cover maxRestoreDurationSeconds
   */
  readonly maxPolls?: number;
  /**
   * The runner subcommand and arguments that run the checks; the task gets the scratch endpoint as `PGHOST` and
   * `PGPORT`, what was restored (`PG_BACKUP_DRILL_SNAPSHOT` or `PG_BACKUP_DRILL_TARGET_TIME`) and when its restore
   * started (`PG_BACKUP_DRILL_STARTED_AT`, the start of the recorded RTO).
   * @default ['check']
   */
  readonly checksArgs?: string[];
  /**
   * Timeout of the checks task, in seconds.
   * @default - maxRestoreDurationSeconds + taskTimeoutMarginSeconds
   */
  readonly checksTimeoutSeconds?: number;
}

/** Names of the states that restore into, poll, check and delete the scratch database. */
export const ScratchDatabaseStateName = {
  RESTORE_INSTANCE: 'Restore scratch instance',
  RESTORE_CLUSTER: 'Restore scratch cluster',
  CREATE_INSTANCE: 'Create scratch instance',
  COUNT_POLL: 'Count availability poll',
  WAIT: 'Wait for scratch instance',
  DESCRIBE: 'Describe scratch instance',
  AVAILABLE: 'Is scratch instance available?',
  RECORD_RESTORE_FAILED: 'Record restore failed',
  RECORD_NEVER_AVAILABLE: 'Record scratch never available',
  RUN_CHECKS: 'Run checks task',
  DELETE_INSTANCE: 'Delete scratch instance',
  DELETE_CLUSTER: 'Delete scratch cluster',
  DELETE_INSTANCE_AFTER_FAILURE: 'Delete scratch instance after failure',
  DELETE_CLUSTER_AFTER_FAILURE: 'Delete scratch cluster after failure',
  RECORD_CLEANUP_FAILURE: 'Record cleanup failure',
  RECORD_CLEANUP_FAILURE_AFTER_SUCCESS: 'Record cleanup failure after success',
} as const;

/** Statuses from which a restoring instance never becomes available. */
const TERMINAL_FAILURE_STATUSES = [
  'failed', 'incompatible-restore', 'incompatible-parameters', 'incompatible-network', 'inaccessible-encryption-credentials',
  'storage-full', 'restore-error',
];

/** Deletes are refused while RDS is still busy with a new instance (its first backup, say): wait and try again. */
const DELETE_RETRY_ATTEMPTS = 10;
const DELETE_RETRY_INTERVAL_SECONDS = 60;

/** {@link ScratchDatabaseDrillOptions} with every default applied. */
export interface ResolvedScratchDatabaseOptions {
  readonly aurora: boolean;
  readonly prefix: string;
  readonly instanceClass: string;
  readonly pollInterval: number;
  readonly maxPolls: number;
  readonly checksTimeout: number;
  readonly checksArgs: readonly string[];
}

/** Checks the scratch database options (with `validator`, so a drill reports its own options in the same error) and applies the defaults. */
export function resolveScratchDatabaseOptions(
  options: ScratchDatabaseDrillOptions, resolved: ResolvedRestoreDrillOptions, validator: Validator,
): ResolvedScratchDatabaseOptions {
  validator.oneOf('source', options.source, ['instance', 'aurora-cluster']);
  validator.matches('scratchInstanceClass', options.scratchInstanceClass, /^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'an instance class such as db.t4g.micro');
  validator.matches(
    'scratchIdentifierPrefix', options.scratchIdentifierPrefix, /^(?=.{1,20}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    'lowercase letters, digits and single hyphens, starting with a letter, at most 20 characters',
  );
  validator.integer('pollIntervalSeconds', options.pollIntervalSeconds, 10, 3600, 'seconds');
  validator.integer('maxPolls', options.maxPolls, 1, 1000);
  validator.integer('checksTimeoutSeconds', options.checksTimeoutSeconds, 60, 86_400 * 7, 'seconds');
  validator.nonEmptyStrings('checksArgs', options.checksArgs);
  options.checksArgs?.forEach((arg, index) => {
    if (typeof arg === 'string' && /['\\{}]/.test(arg.replace(/\$\{[A-Za-z][A-Za-z0-9]*\}/g, ''))) {
      validator.report({ path: `checksArgs[${index}]`, value: arg, allowed: 'an argument without quotes, backslashes or braces (placeholders ${Name} excepted)' });
    }
  });
  const aurora = (options.source ?? 'instance') === 'aurora-cluster';
  const pollInterval = options.pollIntervalSeconds ?? 60;
  return {
    aurora,
    prefix: options.scratchIdentifierPrefix ?? 'pg-drill',
    instanceClass: options.scratchInstanceClass ?? (aurora ? 'db.t4g.medium' : 'db.t4g.micro'),
    pollInterval,
    maxPolls: options.maxPolls ?? Math.max(1, Math.ceil(resolved.maxRestoreDurationSeconds / pollInterval)),
    checksTimeout: options.checksTimeoutSeconds ?? restoreTaskTimeoutSeconds(resolved),
    checksArgs: options.checksArgs ?? ['check'],
  };
}

/** The scratch identifiers the drill's Initialize state derives from the execution name (`$.drill.scratchIdentifier`, `…InstanceIdentifier`). */
export function scratchIdentifiers(scratch: ResolvedScratchDatabaseOptions): AslPayloadTemplate {
  const hash = "States.Hash($$.Execution.Name, 'MD5')";
  return {
    'scratchIdentifier.$': `States.Format('${scratch.prefix}-{}', ${hash})`,
    'scratchInstanceIdentifier.$': scratch.aurora ? `States.Format('${scratch.prefix}-{}-1', ${hash})` : `States.Format('${scratch.prefix}-{}', ${hash})`,
  };
}

/** The tags of every scratch resource: the execution, and the database under test. */
export const SCRATCH_TAGS: AslJsonValue = [
  { 'Key': SCRATCH_RESOURCE_TAG_KEY, 'Value.$': '$$.Execution.Name' },
  { Key: 'postgres-backup:database', Value: `\${${DrillPlaceholder.DATABASE_NAME}}` },
];

/** Where a scratch database is placed: the drill's isolated subnet group, its own security group. */
export const SCRATCH_PLACEMENT: AslPayloadTemplate = {
  'DbSubnetGroupName': `\${${DrillPlaceholder.DB_SUBNET_GROUP_NAME}}`,
  'VpcSecurityGroupIds.$': splitPlaceholder(DrillPlaceholder.VPC_SECURITY_GROUP_IDS),
};

/** A Pass state that files an error (cause built with `States.Format`) under `$.error` and goes on. */
export function recordErrorState(error: string, causeTemplate: string, causeArgs: readonly string[], next: string): AslPassState {
  return {
    Type: 'Pass',
    Parameters: { 'Error': error, 'Cause.$': `States.Format(${intrinsicFormatTemplate(causeTemplate)}, ${causeArgs.join(', ')})` },
    ResultPath: ERROR_PATH,
    Next: next,
  };
}

/** How a drill restores its scratch database and what the checks task learns of it. */
export interface ScratchDatabaseSpec {
  /** The restore call of an instance drill: the SDK action and its parameters. */
  readonly restoreInstance?: { readonly action: string; readonly parameters: AslPayloadTemplate };
  /** The restore call of an Aurora drill, and the path of the engine its instance is created with. */
  readonly restoreCluster?: { readonly action: string; readonly parameters: AslPayloadTemplate; readonly enginePath: string };
  /** How the restore-failed message names what was restored, e.g. `restored from` and the snapshot's path. */
  readonly restoredFrom: { readonly words: string; readonly path: string };
  /** Environment of the checks task besides the endpoint: name → path into the state data. */
  readonly checksEnvironment: Readonly<Record<string, string>>;
}

/**
 * The states from the restore call to the deleted scratch database: restore (Aurora: cluster, then its instance),
 * poll until available within the bound, run the checks task, delete on success and after every failure that may have
 * created something, and record a cleanup that failed. A drill puts its own states before them (they start at
 * {@link ScratchDatabaseStateName.RESTORE_INSTANCE} or `RESTORE_CLUSTER`) and the shared tails after them.
 */
export function scratchDatabaseStates(
  resolved: ResolvedRestoreDrillOptions, scratch: ResolvedScratchDatabaseOptions, spec: ScratchDatabaseSpec,
): Record<string, AslState> {
  const names = ScratchDatabaseStateName;
  const { aurora } = scratch;
  const apiTask = (resource: string, fields: Omit<AslTaskState, 'Type' | 'Resource' | 'TimeoutSeconds'>): AslTaskState => ({
    Type: 'Task', Resource: resource, TimeoutSeconds: resolved.apiCallTimeoutSeconds, ...fields,
  });
  // After a failure, a scratch resource may or may not exist: "not found" means there is nothing to clean up.
  const deleteAfterFailureCatch = (notFound: string, next: string): AslCatcher[] => [
    { ErrorEquals: [notFound], ResultPath: CLEANUP_ERROR_PATH, Next: next },
    ...catchAll(names.RECORD_CLEANUP_FAILURE, CLEANUP_ERROR_PATH),
  ];
  const deleteInstanceParameters = {
    'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
    'SkipFinalSnapshot': true,
    'DeleteAutomatedBackups': true,
  };
  const deleteClusterParameters = {
    'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
    'SkipFinalSnapshot': true,
    'DeleteAutomatedBackups': true,
  };
  const retryBusy = (error: string) => [{
    ErrorEquals: [error], IntervalSeconds: DELETE_RETRY_INTERVAL_SECONDS, MaxAttempts: DELETE_RETRY_ATTEMPTS, BackoffRate: 1,
  }];
  const failureCleanupEntry = names.DELETE_INSTANCE_AFTER_FAILURE;
  const restore = aurora ? spec.restoreCluster : spec.restoreInstance;
  if (!restore) throw new Error(`scratchDatabaseStates: no restore call for ${aurora ? 'an Aurora cluster' : 'an instance'}`);

  return {
    ...(aurora
      ? {
        [names.RESTORE_CLUSTER]: apiTask(AslResource.awsSdk('rds', spec.restoreCluster!.action), {
          Parameters: spec.restoreCluster!.parameters,
          ResultPath: null,
          Catch: catchAll(names.DELETE_CLUSTER_AFTER_FAILURE),
          Next: names.CREATE_INSTANCE,
        }),
        [names.CREATE_INSTANCE]: apiTask(AslResource.awsSdk('rds', 'createDBInstance'), {
          Parameters: {
            'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
            'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
            'DbInstanceClass': scratch.instanceClass,
            'Engine.$': spec.restoreCluster!.enginePath,
            'PubliclyAccessible': false,
            'Tags': SCRATCH_TAGS,
          },
          // The poll count starts with the instance.
          ResultSelector: { count: 0 },
          ResultPath: '$.poll',
          Catch: catchAll(failureCleanupEntry),
          Next: names.COUNT_POLL,
        }),
      }
      : {
        [names.RESTORE_INSTANCE]: apiTask(AslResource.awsSdk('rds', spec.restoreInstance!.action), {
          Parameters: spec.restoreInstance!.parameters,
          // The poll count starts with the instance.
          ResultSelector: { count: 0 },
          ResultPath: '$.poll',
          Catch: catchAll(failureCleanupEntry),
          Next: names.COUNT_POLL,
        }),
      }),
    [names.COUNT_POLL]: {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)' },
      ResultPath: '$.poll',
      Next: names.WAIT,
    },
    [names.WAIT]: { Type: 'Wait', Seconds: scratch.pollInterval, Next: names.DESCRIBE },
    [names.DESCRIBE]: apiTask(AslResource.awsSdk('rds', 'describeDBInstances'), {
      Parameters: { 'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier' },
      ResultSelector: { 'instance.$': '$.DbInstances[0]' },
      ResultPath: '$.scratch',
      Catch: catchAll(failureCleanupEntry),
      Next: names.AVAILABLE,
    }),
    [names.AVAILABLE]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.scratch.instance.DbInstanceStatus', StringEquals: 'available', Next: names.RUN_CHECKS },
        {
          Or: TERMINAL_FAILURE_STATUSES.map((status) => ({ Variable: '$.scratch.instance.DbInstanceStatus', StringEquals: status })),
          Next: names.RECORD_RESTORE_FAILED,
        },
        { Variable: '$.poll.count', NumericGreaterThanEquals: scratch.maxPolls, Next: names.RECORD_NEVER_AVAILABLE },
      ],
      Default: names.COUNT_POLL,
    } satisfies AslChoiceState,
    [names.RECORD_RESTORE_FAILED]: recordErrorState(
      'RestoreDrill.RestoreFailed', `The scratch instance {} ${spec.restoredFrom.words} {} is {}`,
      ['$.drill.scratchInstanceIdentifier', spec.restoredFrom.path, '$.scratch.instance.DbInstanceStatus'],
      failureCleanupEntry,
    ),
    [names.RECORD_NEVER_AVAILABLE]: recordErrorState(
      'RestoreDrill.ScratchNeverAvailable', `The scratch instance {} never became available: still {} after {} checks ${scratch.pollInterval} seconds apart`,
      ['$.drill.scratchInstanceIdentifier', '$.scratch.instance.DbInstanceStatus', '$.poll.count'],
      failureCleanupEntry,
    ),
    ...ecsDrillTaskStates(resolved, {
      runState: names.RUN_CHECKS,
      taskLabel: 'checks task',
      command: runnerArgv(resolved, scratch.checksArgs),
      environmentPaths: {
        PGHOST: '$.scratch.instance.Endpoint.Address',
        PGPORT: "States.Format('{}', $.scratch.instance.Endpoint.Port)",
        ...spec.checksEnvironment,
      },
      timeoutSeconds: scratch.checksTimeout,
      next: names.DELETE_INSTANCE,
      afterStop: failureCleanupEntry,
    }),
    [names.DELETE_INSTANCE]: apiTask(AslResource.awsSdk('rds', 'deleteDBInstance'), {
      Parameters: deleteInstanceParameters,
      ResultPath: null,
      Retry: retryBusy('Rds.InvalidDbInstanceStateException'),
      Catch: catchAll(names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS, CLEANUP_ERROR_PATH),
      Next: aurora ? names.DELETE_CLUSTER : DrillStateName.MEASURE_RESTORE,
    }),
    ...(aurora
      ? {
        [names.DELETE_CLUSTER]: apiTask(AslResource.awsSdk('rds', 'deleteDBCluster'), {
          Parameters: deleteClusterParameters,
          ResultPath: null,
          Retry: retryBusy('Rds.InvalidDbClusterStateException'),
          Catch: catchAll(names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS, CLEANUP_ERROR_PATH),
          Next: DrillStateName.MEASURE_RESTORE,
        }),
      }
      : {}),
    [names.DELETE_INSTANCE_AFTER_FAILURE]: apiTask(AslResource.awsSdk('rds', 'deleteDBInstance'), {
      Parameters: deleteInstanceParameters,
      ResultPath: null,
      Retry: retryBusy('Rds.InvalidDbInstanceStateException'),
      Catch: deleteAfterFailureCatch(
        'Rds.DbInstanceNotFoundException', aurora ? names.DELETE_CLUSTER_AFTER_FAILURE : DrillStateName.PUBLISH_FAILURE_METRIC,
      ),
      Next: aurora ? names.DELETE_CLUSTER_AFTER_FAILURE : DrillStateName.PUBLISH_FAILURE_METRIC,
    }),
    ...(aurora
      ? {
        [names.DELETE_CLUSTER_AFTER_FAILURE]: apiTask(AslResource.awsSdk('rds', 'deleteDBCluster'), {
          Parameters: deleteClusterParameters,
          ResultPath: null,
          Retry: retryBusy('Rds.InvalidDbClusterStateException'),
          Catch: deleteAfterFailureCatch('Rds.DbClusterNotFoundException', DrillStateName.PUBLISH_FAILURE_METRIC),
          Next: DrillStateName.PUBLISH_FAILURE_METRIC,
        }),
      }
      : {}),
    [names.RECORD_CLEANUP_FAILURE]: recordErrorState(
      'RestoreDrill.CleanupFailed',
      'Deleting the scratch resources failed with {}: {}. Delete {} by hand. The drill had failed with {}: {}',
      ['$.cleanupError.Error', '$.cleanupError.Cause', '$.drill.scratchIdentifier', '$.error.Error', '$.error.Cause'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    [names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS]: recordErrorState(
      'RestoreDrill.CleanupFailed',
      'The restore and checks passed, but deleting the scratch resources failed with {}: {}. Delete {} by hand',
      ['$.cleanupError.Error', '$.cleanupError.Cause', '$.drill.scratchIdentifier'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
  };
}

/**
 * The longest the scratch database states may take: every API call (restore, create, two deletes, list, stop), every
 * poll, the checks and the delete retries.
 */
export function scratchDatabaseLongestPathSeconds(resolved: ResolvedRestoreDrillOptions, scratch: ResolvedScratchDatabaseOptions): number {
  const api = resolved.apiCallTimeoutSeconds;
  const deleteRetries = 2 * DELETE_RETRY_ATTEMPTS * (DELETE_RETRY_INTERVAL_SECONDS + api);
  return scratch.maxPolls * (scratch.pollInterval + api) + scratch.checksTimeout + deleteRetries;
}
