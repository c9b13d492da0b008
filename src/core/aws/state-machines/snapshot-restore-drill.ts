import { AslResource, AslCatcher, AslChoiceState, AslJsonValue, AslPassState, AslState, StateMachineDefinition, AslTaskState, intrinsicFormatTemplate } from './asl';
import { listPlaceholders } from './definition-substitutions';
import {
  DRILL_OUTCOME_IAM_ACTIONS, ECS_SYNC_TASK_IAM_ACTIONS, RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS, RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS,
  mergeIamActionGroups,
} from './drill-iam-actions';
import {
  CLEANUP_ERROR_PATH, DrillStateName, ERROR_PATH, catchAll, ecsDrillTaskStates, failureTailStates, initializeState,
  restoreTaskTimeoutSeconds, runnerArgv, splitPlaceholder, successTailStates,
} from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { Validator } from '../../policy/validation';

/** What the snapshots are of: an RDS DB instance, or an Aurora cluster (restored as a cluster plus one instance). */
export type SnapshotSourceKind = 'instance' | 'aurora-cluster';

/** Which snapshots the drill considers (the `snapshot-type` of `DescribeDBSnapshots`). */
export type DrillSnapshotType = 'automated' | 'manual' | 'awsbackup';

/** The tag key every scratch resource carries, with the execution name as its value (for IAM conditions and audits). */
export const SCRATCH_RESOURCE_TAG_KEY = 'postgres-backup:drill';

/** Options of the snapshot restore drill. */
export interface SnapshotRestoreDrillOptions extends RestoreDrillOptions {
  /**
   * What `${SourceIdentifier}` names.
   * @default 'instance'
   */
  readonly source?: SnapshotSourceKind;
  /**
   * Which snapshots are candidates; the newest `available` one is restored. The drill reads one page of 100
   * snapshots, which holds every automated snapshot (retention is at most 35 days).
   * @default 'automated'
   */
  readonly snapshotType?: DrillSnapshotType;
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
   * `PGPORT`, and the restored snapshot's identifier as `PG_BACKUP_DRILL_SNAPSHOT`.
   * @default ['check']
   */
  readonly checksArgs?: string[];
  /**
   * Timeout of the checks task, in seconds.
   * @default - maxRestoreDurationSeconds + taskTimeoutMarginSeconds
   */
  readonly checksTimeoutSeconds?: number;
}

/** Names of the snapshot drill's own states (the shared ones are in {@link DrillStateName}). */
export const SnapshotRestoreDrillStateName = {
  FIND_SNAPSHOTS: 'Find snapshots',
  START_SCAN: 'Start snapshot scan',
  SNAPSHOTS_LEFT: 'Snapshots left to compare?',
  READ_SNAPSHOT: 'Read next snapshot',
  SNAPSHOT_AVAILABLE: 'Is snapshot available?',
  SNAPSHOT_NEWER: 'Is snapshot newer?',
  KEEP_SNAPSHOT: 'Keep newest snapshot',
  ADVANCE_SCAN: 'Advance snapshot scan',
  SNAPSHOT_FOUND: 'Snapshot found?',
  RECORD_NO_SNAPSHOT: 'Record no snapshot',
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

/**
 * The snapshot restore drill: restore the newest available snapshot of `${SourceIdentifier}` into a scratch database
 * (small, private, tagged, named after the execution), wait until it is available, run the checks task against it,
 * and delete it on every path that may have created it, before the outcome is reported.
 *
 * The newest snapshot is picked in the state machine by a scan of `DescribeDBSnapshots` (or
 * `DescribeDBClusterSnapshots`), comparing `SnapshotCreateTime`: the API does not sort, and RDS snapshots (rather than
 * AWS Backup recovery points) are what both automated backups and AWS Backup leave for RDS.
 */
export function snapshotRestoreDrill(options: SnapshotRestoreDrillOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  validator.oneOf('source', options.source, ['instance', 'aurora-cluster']);
  validator.oneOf('snapshotType', options.snapshotType, ['automated', 'manual', 'awsbackup']);
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
  validator.throwIfInvalid();

  const aurora = (options.source ?? 'instance') === 'aurora-cluster';
  const names = SnapshotRestoreDrillStateName;
  const prefix = options.scratchIdentifierPrefix ?? 'pg-drill';
  const instanceClass = options.scratchInstanceClass ?? (aurora ? 'db.t4g.medium' : 'db.t4g.micro');
  const pollInterval = options.pollIntervalSeconds ?? 60;
  const maxPolls = options.maxPolls ?? Math.max(1, Math.ceil(resolved.maxRestoreDurationSeconds / pollInterval));
  const checksTimeout = options.checksTimeoutSeconds ?? restoreTaskTimeoutSeconds(resolved);
  const api = resolved.apiCallTimeoutSeconds;
  const snapshotId = aurora ? 'DbClusterSnapshotIdentifier' : 'DbSnapshotIdentifier';
  const source = `\${${DrillPlaceholder.SOURCE_IDENTIFIER}}`;
  const tags: AslJsonValue = [
    { 'Key': SCRATCH_RESOURCE_TAG_KEY, 'Value.$': '$$.Execution.Name' },
    { Key: 'postgres-backup:database', Value: `\${${DrillPlaceholder.DATABASE_NAME}}` },
  ];
  const placement = {
    'DbSubnetGroupName': `\${${DrillPlaceholder.DB_SUBNET_GROUP_NAME}}`,
    'VpcSecurityGroupIds.$': splitPlaceholder(DrillPlaceholder.VPC_SECURITY_GROUP_IDS),
  };
  const hash = "States.Hash($$.Execution.Name, 'MD5')";
  const apiTask = (resource: string, fields: Omit<AslTaskState, 'Type' | 'Resource' | 'TimeoutSeconds'>): AslTaskState => ({
    Type: 'Task', Resource: resource, TimeoutSeconds: api, ...fields,
  });
  const recordError = (error: string, causeTemplate: string, causeArgs: string[], next: string): AslPassState => ({
    Type: 'Pass',
    Parameters: { 'Error': error, 'Cause.$': `States.Format(${intrinsicFormatTemplate(causeTemplate)}, ${causeArgs.join(', ')})` },
    ResultPath: ERROR_PATH,
    Next: next,
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

  const states: Record<string, AslState> = {
    [DrillStateName.INITIALIZE]: initializeState(names.FIND_SNAPSHOTS, {
      'scratchIdentifier.$': `States.Format('${prefix}-{}', ${hash})`,
      'scratchInstanceIdentifier.$': aurora ? `States.Format('${prefix}-{}-1', ${hash})` : `States.Format('${prefix}-{}', ${hash})`,
    }),
    [names.FIND_SNAPSHOTS]: apiTask(AslResource.awsSdk('rds', aurora ? 'describeDBClusterSnapshots' : 'describeDBSnapshots'), {
      Parameters: {
        [aurora ? 'DbClusterIdentifier' : 'DbInstanceIdentifier']: source,
        SnapshotType: options.snapshotType ?? 'automated',
        MaxRecords: 100,
      },
      ResultSelector: { 'snapshots.$': aurora ? '$.DbClusterSnapshots' : '$.DbSnapshots' },
      ResultPath: '$.candidates',
      Catch: catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
      Next: names.START_SCAN,
    }),
    [names.START_SCAN]: {
      Type: 'Pass',
      Comment: 'The scan keeps the newest available snapshot; the epoch stands in until one is found',
      Parameters: {
        'index': 0,
        'count.$': 'States.ArrayLength($.candidates.snapshots)',
        'newest': { SnapshotCreateTime: '1970-01-01T00:00:00Z' },
      },
      ResultPath: '$.scan',
      Next: names.SNAPSHOTS_LEFT,
    },
    [names.SNAPSHOTS_LEFT]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.scan.index', NumericLessThanPath: '$.scan.count', Next: names.READ_SNAPSHOT }],
      Default: names.SNAPSHOT_FOUND,
    },
    [names.READ_SNAPSHOT]: {
      Type: 'Pass',
      Parameters: { 'snapshot.$': 'States.ArrayGetItem($.candidates.snapshots, $.scan.index)' },
      ResultPath: '$.current',
      Next: names.SNAPSHOT_AVAILABLE,
    },
    // Two Choice states rather than one And: the creation time is compared only once the snapshot is known to be complete.
    [names.SNAPSHOT_AVAILABLE]: {
      Type: 'Choice',
      Choices: [{
        And: [
          { Variable: '$.current.snapshot.Status', StringEquals: 'available' },
          { Variable: '$.current.snapshot.SnapshotCreateTime', IsPresent: true },
        ],
        Next: names.SNAPSHOT_NEWER,
      }],
      Default: names.ADVANCE_SCAN,
    },
    [names.SNAPSHOT_NEWER]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.current.snapshot.SnapshotCreateTime', TimestampGreaterThanPath: '$.scan.newest.SnapshotCreateTime', Next: names.KEEP_SNAPSHOT }],
      Default: names.ADVANCE_SCAN,
    },
    [names.KEEP_SNAPSHOT]: {
      Type: 'Pass',
      Parameters: { 'index.$': '$.scan.index', 'count.$': '$.scan.count', 'newest.$': '$.current.snapshot' },
      ResultPath: '$.scan',
      Next: names.ADVANCE_SCAN,
    },
    [names.ADVANCE_SCAN]: {
      Type: 'Pass',
      Parameters: { 'index.$': 'States.MathAdd($.scan.index, 1)', 'count.$': '$.scan.count', 'newest.$': '$.scan.newest' },
      ResultPath: '$.scan',
      Next: names.SNAPSHOTS_LEFT,
    },
    [names.SNAPSHOT_FOUND]: {
      Type: 'Choice',
      Choices: [{ Variable: `$.scan.newest.${snapshotId}`, IsPresent: true, Next: aurora ? names.RESTORE_CLUSTER : names.RESTORE_INSTANCE }],
      Default: names.RECORD_NO_SNAPSHOT,
    },
    [names.RECORD_NO_SNAPSHOT]: {
      Type: 'Pass',
      Parameters: {
        Error: 'RestoreDrill.NoSnapshot',
        Cause: `No available ${options.snapshotType ?? 'automated'} snapshot of ${source} to restore`,
      },
      ResultPath: ERROR_PATH,
      Next: DrillStateName.PUBLISH_FAILURE_METRIC,
    },
    ...(aurora
      ? {
        [names.RESTORE_CLUSTER]: apiTask(AslResource.awsSdk('rds', 'restoreDBClusterFromSnapshot'), {
          Parameters: {
            'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
            'SnapshotIdentifier.$': `$.scan.newest.${snapshotId}`,
            'Engine.$': '$.scan.newest.Engine',
            'EngineVersion.$': '$.scan.newest.EngineVersion',
            ...placement,
            'DeletionProtection': false,
            'CopyTagsToSnapshot': false,
            'Tags': tags,
          },
          ResultPath: null,
          Catch: catchAll(names.DELETE_CLUSTER_AFTER_FAILURE),
          Next: names.CREATE_INSTANCE,
        }),
        [names.CREATE_INSTANCE]: apiTask(AslResource.awsSdk('rds', 'createDBInstance'), {
          Parameters: {
            'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
            'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
            'DbInstanceClass': instanceClass,
            'Engine.$': '$.scan.newest.Engine',
            'PubliclyAccessible': false,
            'Tags': tags,
          },
          // The poll count starts with the instance.
          ResultSelector: { count: 0 },
          ResultPath: '$.poll',
          Catch: catchAll(failureCleanupEntry),
          Next: names.COUNT_POLL,
        }),
      }
      : {
        [names.RESTORE_INSTANCE]: apiTask(AslResource.awsSdk('rds', 'restoreDBInstanceFromDBSnapshot'), {
          Parameters: {
            'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
            'DbSnapshotIdentifier.$': `$.scan.newest.${snapshotId}`,
            'DbInstanceClass': instanceClass,
            ...placement,
            'PubliclyAccessible': false,
            'DeletionProtection': false,
            'CopyTagsToSnapshot': false,
            'Tags': tags,
          },
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
    [names.WAIT]: { Type: 'Wait', Seconds: pollInterval, Next: names.DESCRIBE },
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
        { Variable: '$.poll.count', NumericGreaterThanEquals: maxPolls, Next: names.RECORD_NEVER_AVAILABLE },
      ],
      Default: names.COUNT_POLL,
    } satisfies AslChoiceState,
    [names.RECORD_RESTORE_FAILED]: recordError(
      'RestoreDrill.RestoreFailed', 'The scratch instance {} restored from {} is {}',
      ['$.drill.scratchInstanceIdentifier', `$.scan.newest.${snapshotId}`, '$.scratch.instance.DbInstanceStatus'],
      failureCleanupEntry,
    ),
    [names.RECORD_NEVER_AVAILABLE]: recordError(
      'RestoreDrill.ScratchNeverAvailable', `The scratch instance {} never became available: still {} after {} checks ${pollInterval} seconds apart`,
      ['$.drill.scratchInstanceIdentifier', '$.scratch.instance.DbInstanceStatus', '$.poll.count'],
      failureCleanupEntry,
    ),
    ...ecsDrillTaskStates(resolved, {
      runState: names.RUN_CHECKS,
      taskLabel: 'checks task',
      command: runnerArgv(resolved, options.checksArgs ?? ['check']),
      environmentPaths: {
        PGHOST: '$.scratch.instance.Endpoint.Address',
        PGPORT: "States.Format('{}', $.scratch.instance.Endpoint.Port)",
        PG_BACKUP_DRILL_SNAPSHOT: `$.scan.newest.${snapshotId}`,
      },
      timeoutSeconds: checksTimeout,
      next: names.DELETE_INSTANCE,
      afterStop: failureCleanupEntry,
    }),
    [names.DELETE_INSTANCE]: apiTask(AslResource.awsSdk('rds', 'deleteDBInstance'), {
      Parameters: deleteInstanceParameters,
      ResultPath: null,
      Retry: retryBusy('Rds.InvalidDbInstanceStateException'),
      Catch: catchAll(names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS, CLEANUP_ERROR_PATH),
      Next: aurora ? names.DELETE_CLUSTER : DrillStateName.PUBLISH_SUCCESS_METRIC,
    }),
    ...(aurora
      ? {
        [names.DELETE_CLUSTER]: apiTask(AslResource.awsSdk('rds', 'deleteDBCluster'), {
          Parameters: deleteClusterParameters,
          ResultPath: null,
          Retry: retryBusy('Rds.InvalidDbClusterStateException'),
          Catch: catchAll(names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS, CLEANUP_ERROR_PATH),
          Next: DrillStateName.PUBLISH_SUCCESS_METRIC,
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
    [names.RECORD_CLEANUP_FAILURE]: recordError(
      'RestoreDrill.CleanupFailed',
      'Deleting the scratch resources failed with {}: {}. Delete {} by hand. The drill had failed with {}: {}',
      ['$.cleanupError.Error', '$.cleanupError.Cause', '$.drill.scratchIdentifier', '$.error.Error', '$.error.Cause'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    [names.RECORD_CLEANUP_FAILURE_AFTER_SUCCESS]: recordError(
      'RestoreDrill.CleanupFailed',
      'The restore and checks passed, but deleting the scratch resources failed with {}: {}. Delete {} by hand',
      ['$.cleanupError.Error', '$.cleanupError.Cause', '$.drill.scratchIdentifier'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    ...successTailStates(resolved, 'snapshot'),
    ...failureTailStates(resolved, 'snapshot'),
  };

  // Every API call once (find, restore, create, two deletes, list, stop, three metrics, notification), every poll,
  // the checks, and the delete retries.
  const deleteRetries = 2 * DELETE_RETRY_ATTEMPTS * (DELETE_RETRY_INTERVAL_SECONDS + api);
  const longestPath = 12 * api + maxPolls * (pollInterval + api) + checksTimeout + deleteRetries;
  const definition: StateMachineDefinition = {
    Comment: aurora
      ? 'Restore the newest snapshot of an Aurora cluster into a scratch cluster, check it, and delete it'
      : 'Restore the newest snapshot of an RDS instance into a scratch instance, check it, and delete it',
    StartAt: DrillStateName.INITIALIZE,
    TimeoutSeconds: resolved.executionTimeoutSeconds ?? longestPath + 600,
    States: states,
  };
  return {
    definition,
    placeholders: listPlaceholders(definition),
    iamActions: mergeIamActionGroups(
      aurora ? RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS : RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS, ECS_SYNC_TASK_IAM_ACTIONS, DRILL_OUTCOME_IAM_ACTIONS,
    ),
  };
}
