import { AslResource, AslState, AslTaskState } from './asl';
import { RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS, RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS } from './drill-iam-actions';
import { DrillStateName, ERROR_PATH, catchAll, initializeState } from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import {
  SCRATCH_PLACEMENT, SCRATCH_TAGS, ScratchDatabaseDrillOptions, ScratchDatabaseStateName, resolveScratchDatabaseOptions,
  scratchDatabaseLongestPathSeconds, scratchDatabaseStates, scratchIdentifiers,
} from './scratch-database-states';
import { Validator } from '../../policy/validation';

export { SCRATCH_RESOURCE_TAG_KEY } from './scratch-database-states';
export type { SnapshotSourceKind } from './scratch-database-states';

/** Which snapshots the drill considers (the `snapshot-type` of `DescribeDBSnapshots`). */
export type DrillSnapshotType = 'automated' | 'manual' | 'awsbackup';

/** Options of the snapshot restore drill. */
export interface SnapshotRestoreDrillOptions extends RestoreDrillOptions, ScratchDatabaseDrillOptions {
  /**
   * Which snapshots are candidates; the newest `available` one is restored. The drill reads one page of 100
   * snapshots, which holds every automated snapshot (retention is at most 35 days).
   * @default 'automated'
   */
  readonly snapshotType?: DrillSnapshotType;
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
  ...ScratchDatabaseStateName,
} as const;

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
  validator.oneOf('snapshotType', options.snapshotType, ['automated', 'manual', 'awsbackup']);
  const scratch = resolveScratchDatabaseOptions(options, resolved, validator);
  validator.throwIfInvalid();

  const aurora = scratch.aurora;
  const names = SnapshotRestoreDrillStateName;
  const api = resolved.apiCallTimeoutSeconds;
  const snapshotId = aurora ? 'DbClusterSnapshotIdentifier' : 'DbSnapshotIdentifier';
  const source = `\${${DrillPlaceholder.SOURCE_IDENTIFIER}}`;
  const apiTask = (resource: string, fields: Omit<AslTaskState, 'Type' | 'Resource' | 'TimeoutSeconds'>): AslTaskState => ({
    Type: 'Task', Resource: resource, TimeoutSeconds: api, ...fields,
  });

  const states: Record<string, AslState> = {
    [DrillStateName.INITIALIZE]: initializeState(names.FIND_SNAPSHOTS, scratchIdentifiers(scratch)),
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
    ...scratchDatabaseStates(resolved, scratch, {
      restoreCluster: {
        action: 'restoreDBClusterFromSnapshot',
        parameters: {
          'DbClusterIdentifier.$': '$.drill.scratchIdentifier',
          'SnapshotIdentifier.$': `$.scan.newest.${snapshotId}`,
          'Engine.$': '$.scan.newest.Engine',
          'EngineVersion.$': '$.scan.newest.EngineVersion',
          ...SCRATCH_PLACEMENT,
          'DeletionProtection': false,
          'CopyTagsToSnapshot': false,
          'Tags': SCRATCH_TAGS,
        },
        enginePath: '$.scan.newest.Engine',
      },
      restoreInstance: {
        action: 'restoreDBInstanceFromDBSnapshot',
        parameters: {
          'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
          'DbSnapshotIdentifier.$': `$.scan.newest.${snapshotId}`,
          'DbInstanceClass': scratch.instanceClass,
          ...SCRATCH_PLACEMENT,
          'PubliclyAccessible': false,
          'DeletionProtection': false,
          'CopyTagsToSnapshot': false,
          'Tags': SCRATCH_TAGS,
        },
      },
      restoredFrom: { words: 'restored from', path: `$.scan.newest.${snapshotId}` },
      // The restore duration runs from the execution's start, and so does the RTO the checks task records.
      checksEnvironment: { PG_BACKUP_DRILL_SNAPSHOT: `$.scan.newest.${snapshotId}`, PG_BACKUP_DRILL_STARTED_AT: '$$.Execution.StartTime' },
    }),
  };

  // Every API call once (find, restore, create, two deletes, list, stop, three metrics, notification), every poll,
  // the checks, and the delete retries.
  const longestPath = 12 * api + scratchDatabaseLongestPathSeconds(resolved, scratch);
  return restoreDrillStateMachine(resolved, {
    comment: aurora
      ? 'Restore the newest snapshot of an Aurora cluster into a scratch cluster, check it, and delete it'
      : 'Restore the newest snapshot of an RDS instance into a scratch instance, check it, and delete it',
    states,
    kind: 'snapshot',
    // The snapshot as the checks task records it (its identifier), once the scan has chosen one.
    restored: { snapshot: `$.scan.newest.${snapshotId}` },
    longestPathSeconds: longestPath,
    marginSeconds: 600,
    iamActions: aurora ? RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS : RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS,
  });
}
