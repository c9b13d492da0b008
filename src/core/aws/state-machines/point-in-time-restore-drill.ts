import { AslChoiceState, AslResource, AslState, AslTaskState } from './asl';
import { RDS_CLUSTER_POINT_IN_TIME_IAM_ACTIONS, RDS_INSTANCE_POINT_IN_TIME_IAM_ACTIONS } from './drill-iam-actions';
import { DrillStateName, catchAll, initializeState } from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import {
  SCRATCH_PLACEMENT, SCRATCH_TAGS, ScratchDatabaseDrillOptions, ScratchDatabaseStateName, recordErrorState, resolveScratchDatabaseOptions,
  scratchDatabaseLongestPathSeconds, scratchDatabaseStates, scratchIdentifiers,
} from './scratch-database-states';
import { Validator } from '../../policy/validation';

/** The longest lag (and random extra lag) a point-in-time drill waits: 7 days, well inside the 35-day backup window. */
export const MAX_TARGET_LAG_SECONDS = 7 * 86_400;

/** Options of the point-in-time restore drill of an RDS instance or Aurora cluster. */
export interface PointInTimeRestoreDrillOptions extends RestoreDrillOptions, ScratchDatabaseDrillOptions {
  /**
   * How old the target time is when the restore starts, in seconds: the drill takes its start as the target, waits
   * this long, then restores to the target ("restore to one hour ago").
   * @default 3600
   */
  readonly targetLagSeconds?: number;
  /**
   * A random extra lag of up to this many seconds, drawn by each execution, so that drills restore to times of
   * varied age rather than always the same distance from the present.
   * @default 0
   */
  readonly randomExtraLagSeconds?: number;
  /**
   * Seconds between two reads of the source's `LatestRestorableTime` while it is still before the target.
   * @default 60
   */
  readonly restorablePollIntervalSeconds?: number;
  /**
   * Reads of the source before the drill gives up on the target ever becoming restorable.
   * @default 30
   */
  readonly maxRestorablePolls?: number;
}

/** Names of the point-in-time drill's own states (the shared ones are in {@link DrillStateName} and {@link ScratchDatabaseStateName}). */
export const PointInTimeRestoreDrillStateName = {
  WAIT_TARGET_LAG: 'Wait target lag',
  DRAW_EXTRA_LAG: 'Draw extra lag',
  WAIT_EXTRA_LAG: 'Wait extra lag',
  START_SOURCE_READS: 'Start source reads',
  COUNT_SOURCE_READ: 'Count source read',
  DESCRIBE_SOURCE: 'Describe source',
  TARGET_RESTORABLE: 'Is target restorable?',
  WAIT_RESTORABLE: 'Wait for restorable time',
  RECORD_NO_RESTORE_WINDOW: 'Record no restore window',
  RECORD_TARGET_TOO_OLD: 'Record target too old',
  RECORD_NEVER_RESTORABLE: 'Record target never restorable',
  RECORD_RESTORE_START: 'Record restore start',
  ...ScratchDatabaseStateName,
} as const;

/**
 * The point-in-time restore drill of an RDS instance or Aurora cluster: the drill's start is its target time; it
 * waits the target lag (plus a random extra), reads the source until its `LatestRestorableTime` reaches the target
 * (refusing a target before `EarliestRestorableTime`, or one that never becomes restorable within the bound), restores
 * the source to the target into a scratch database (small, private, tagged, named after the execution), waits until it
 * is available, runs the checks task with the target in `PG_BACKUP_DRILL_TARGET_TIME`, and deletes it on every path
 * that may have created it, before the outcome is reported. The restore duration is measured from the restore call.
 *
 * JSONPath has no date arithmetic, so "one hour ago" is made by waiting an hour after taking the present as target.
 */
export function pointInTimeRestoreDrill(options: PointInTimeRestoreDrillOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  const scratch = resolveScratchDatabaseOptions(options, resolved, validator);
  validator.integer('targetLagSeconds', options.targetLagSeconds, 0, MAX_TARGET_LAG_SECONDS, 'seconds');
  validator.integer('randomExtraLagSeconds', options.randomExtraLagSeconds, 0, MAX_TARGET_LAG_SECONDS, 'seconds');
  validator.integer('restorablePollIntervalSeconds', options.restorablePollIntervalSeconds, 10, 3600, 'seconds');
  validator.integer('maxRestorablePolls', options.maxRestorablePolls, 1, 1000);
  validator.throwIfInvalid();

  const names = PointInTimeRestoreDrillStateName;
  const aurora = scratch.aurora;
  const api = resolved.apiCallTimeoutSeconds;
  const targetLag = options.targetLagSeconds ?? 3600;
  const extraLag = options.randomExtraLagSeconds ?? 0;
  const readInterval = options.restorablePollIntervalSeconds ?? 60;
  const maxReads = options.maxRestorablePolls ?? 30;
  const source = `\${${DrillPlaceholder.SOURCE_IDENTIFIER}}`;
  const restoreEntry = aurora ? names.RESTORE_CLUSTER : names.RESTORE_INSTANCE;
  const describeSource: AslTaskState = {
    Type: 'Task',
    Resource: AslResource.awsSdk('rds', aurora ? 'describeDBClusters' : 'describeDBInstances'),
    Parameters: aurora ? { DbClusterIdentifier: source } : { DbInstanceIdentifier: source },
    ResultSelector: { 'database.$': aurora ? '$.DbClusters[0]' : '$.DbInstances[0]' },
    ResultPath: '$.source',
    TimeoutSeconds: api,
    Catch: catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
    Next: names.TARGET_RESTORABLE,
  };

  const states: Record<string, AslState> = {
    [DrillStateName.INITIALIZE]: initializeState(names.WAIT_TARGET_LAG, {
      ...scratchIdentifiers(scratch),
      'targetTime.$': '$$.Execution.StartTime',
    }),
    [names.WAIT_TARGET_LAG]: { Type: 'Wait', Seconds: targetLag, Next: extraLag > 0 ? names.DRAW_EXTRA_LAG : names.START_SOURCE_READS },
    ...(extraLag > 0
      ? {
        [names.DRAW_EXTRA_LAG]: {
          Type: 'Pass',
          Parameters: { 'seconds.$': `States.MathRandom(0, ${extraLag + 1})` },
          ResultPath: '$.extraLag',
          Next: names.WAIT_EXTRA_LAG,
        },
        [names.WAIT_EXTRA_LAG]: { Type: 'Wait', SecondsPath: '$.extraLag.seconds', Next: names.START_SOURCE_READS },
      }
      : {}),
    [names.START_SOURCE_READS]: { Type: 'Pass', Result: { count: 0 }, ResultPath: '$.sourceReads', Next: names.COUNT_SOURCE_READ },
    [names.COUNT_SOURCE_READ]: {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.sourceReads.count, 1)' },
      ResultPath: '$.sourceReads',
      Next: names.DESCRIBE_SOURCE,
    },
    [names.DESCRIBE_SOURCE]: describeSource,
    [names.TARGET_RESTORABLE]: {
      Type: 'Choice',
      Choices: [
        {
          // Not IsPresent rather than IsPresent false, which not every engine reads alike.
          Or: [
            { Not: { Variable: '$.source.database.EarliestRestorableTime', IsPresent: true } },
            { Not: { Variable: '$.source.database.LatestRestorableTime', IsPresent: true } },
          ],
          Next: names.RECORD_NO_RESTORE_WINDOW,
        },
        { Variable: '$.source.database.EarliestRestorableTime', TimestampGreaterThanPath: '$.drill.targetTime', Next: names.RECORD_TARGET_TOO_OLD },
        { Variable: '$.source.database.LatestRestorableTime', TimestampGreaterThanEqualsPath: '$.drill.targetTime', Next: names.RECORD_RESTORE_START },
        { Variable: '$.sourceReads.count', NumericGreaterThanEquals: maxReads, Next: names.RECORD_NEVER_RESTORABLE },
      ],
      Default: names.WAIT_RESTORABLE,
    } satisfies AslChoiceState,
    [names.WAIT_RESTORABLE]: { Type: 'Wait', Seconds: readInterval, Next: names.COUNT_SOURCE_READ },
    [names.RECORD_NO_RESTORE_WINDOW]: recordErrorState(
      'RestoreDrill.NotRestorable',
      `${source} has no restorable time window (are its automated backups on?), so it cannot be restored to the target time {}`,
      ['$.drill.targetTime'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    [names.RECORD_TARGET_TOO_OLD]: recordErrorState(
      'RestoreDrill.NotRestorable',
      `The target time {} is older than the earliest restorable time {} of ${source}: the continuous backups do not reach back that far`,
      ['$.drill.targetTime', '$.source.database.EarliestRestorableTime'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    [names.RECORD_NEVER_RESTORABLE]: recordErrorState(
      'RestoreDrill.TargetNeverRestorable',
      `The target time {} never became restorable: ${source} was restorable only up to {} after {} reads ${readInterval} seconds apart`,
      ['$.drill.targetTime', '$.source.database.LatestRestorableTime', '$.sourceReads.count'],
      DrillStateName.PUBLISH_FAILURE_METRIC,
    ),
    [names.RECORD_RESTORE_START]: {
      Type: 'Pass',
      Comment: 'The restore duration is measured from here: the wait for the target to age is no part of it',
      Parameters: { 'startedAt.$': '$$.State.EnteredTime' },
      ResultPath: '$.restore',
      Next: restoreEntry,
    },
    ...scratchDatabaseStates(resolved, scratch, {
      restoreCluster: {
        action: 'restoreDBClusterToPointInTime',
        parameters: {
          'SourceDbClusterIdentifier': source,
          'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
          'RestoreTime.$': '$.drill.targetTime',
          // A full copy, not a copy-on-write clone: the drill proves the backups, not the source's storage.
          'RestoreType': 'full-copy',
          ...SCRATCH_PLACEMENT,
          'DeletionProtection': false,
          'CopyTagsToSnapshot': false,
          'Tags': SCRATCH_TAGS,
        },
        enginePath: '$.source.database.Engine',
      },
      restoreInstance: {
        action: 'restoreDBInstanceToPointInTime',
        parameters: {
          'SourceDbInstanceIdentifier': source,
          'TargetDbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
          'RestoreTime.$': '$.drill.targetTime',
          'DbInstanceClass': scratch.instanceClass,
          ...SCRATCH_PLACEMENT,
          'PubliclyAccessible': false,
          'DeletionProtection': false,
          'CopyTagsToSnapshot': false,
          'Tags': SCRATCH_TAGS,
        },
      },
      restoredFrom: { words: 'restored to', path: '$.drill.targetTime' },
      // The restore duration runs from the restore call, and so does the RTO the checks task records.
      checksEnvironment: { PG_BACKUP_DRILL_TARGET_TIME: '$.drill.targetTime', PG_BACKUP_DRILL_STARTED_AT: '$.restore.startedAt' },
    }),
  };

  // The lags, every read of the source, every API call once (restore, create, two deletes, list, stop, three metrics,
  // notification), the scratch database's polls, the checks and the delete retries.
  const longestPath = targetLag + extraLag + maxReads * (readInterval + api) + 10 * api + scratchDatabaseLongestPathSeconds(resolved, scratch);
  return restoreDrillStateMachine(resolved, {
    comment: aurora
      ? 'Restore an Aurora cluster to a point in time into a scratch cluster, check it, and delete it'
      : 'Restore an RDS instance to a point in time into a scratch instance, check it, and delete it',
    states,
    kind: 'point-in-time',
    restored: { targetTime: '$.drill.targetTime' },
    restoreStartedAt: '$states.input.restore.startedAt',
    longestPathSeconds: longestPath,
    marginSeconds: 600,
    iamActions: aurora ? RDS_CLUSTER_POINT_IN_TIME_IAM_ACTIONS : RDS_INSTANCE_POINT_IN_TIME_IAM_ACTIONS,
  });
}
