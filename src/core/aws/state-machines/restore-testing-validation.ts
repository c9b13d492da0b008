import { AslResource, AslState, AslTaskState, intrinsicFormatTemplate } from './asl';
import {
  DRILL_RESULT_OBJECT_IAM_ACTIONS, DrillIamActionGroup, ECS_SYNC_TASK_IAM_ACTIONS, mergeIamActionGroups,
} from './drill-iam-actions';
import {
  DrillStateName, ERROR_PATH, RTO_EXCEEDED_ERROR, catchAll, ecsDrillTaskStates, initializeState, putDrillRecordTask, restoreTaskTimeoutSeconds,
  rtoRecordFields, runnerArgv,
} from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import { SnapshotSourceKind } from './scratch-database-states';
import { Validator } from '../../policy/validation';

/** Where the restore testing validation writes its drill result (when it does): the drill placeholders of the result store. */
export const RestoreValidationPlaceholder = {
  /** Bucket of the store the result is written to (`<prefix>/<database>/drills/<time>.json`). */
  DRILL_RESULTS_BUCKET: DrillPlaceholder.DRILL_RESULTS_BUCKET,
  /**
   * The database's drill results folder in that bucket: core's `drillResultsFolder(prefix, database)`, as every other
   * drill and the runner name it (a database named `..` or with a `/` cannot leave the folder).
   */
  DRILL_RESULTS_FOLDER: DrillPlaceholder.DRILL_RESULTS_FOLDER,
} as const;

/** The `Drill` dimension of a validated restore test's metrics. */
export const RESTORE_TESTING_DRILL_KIND = 'restore-testing';

/** Names of the validation's own states (the success and failure tails' are in {@link DrillStateName}). */
export const RestoreValidationStateName = {
  DESCRIBE_INSTANCE: 'Describe restored instance',
  DESCRIBE_CLUSTER: 'Describe restored cluster',
  HAS_ENDPOINT: 'Has restored database an endpoint?',
  RECORD_NO_ENDPOINT: 'Record no endpoint',
  RUN_CHECKS: 'Run checks task',
  REPORT_SUCCESSFUL: 'Report validation successful',
  PREPARE_SUCCESS_RESULT: 'Prepare drill result',
  WRITE_SUCCESS_RESULT: 'Write drill result',
  REPORT_FAILED: 'Report validation failed',
  PREPARE_FAILURE_RESULT: 'Prepare failed drill result',
  WRITE_FAILURE_RESULT: 'Write failed drill result',
} as const;

/** Options of the state machine that validates a restore test of AWS Backup. */
export interface RestoreTestingValidationOptions extends RestoreDrillOptions {
  /**
   * What AWS Backup restores: an RDS DB instance or an Aurora cluster (whose writer endpoint is checked).
   * @default 'instance'
   */
  readonly source?: SnapshotSourceKind;
  /**
   * The runner subcommand and arguments that run the checks; the task gets the restored endpoint as `PGHOST` and `PGPORT`.
   * @default ['check']
   */
  readonly checksArgs?: string[];
  /**
   * Timeout of the checks task, in seconds.
   * @default - maxRestoreDurationSeconds + taskTimeoutMarginSeconds
   */
  readonly checksTimeoutSeconds?: number;
  /**
   * Write each result beside the backups (`${DrillResultsBucket}`, `${DrillResultsFolder}`), where `pg-backup status` reads it.
   * @default false
   */
  readonly writeDrillResult?: boolean;
}

/** Describing the database AWS Backup restored for a test (its name is chosen by AWS Backup per job). */
export const RESTORED_INSTANCE_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'rds-restored', actions: ['rds:DescribeDBInstances'], reason: 'read the endpoint of the instance AWS Backup restored' },
];
/** Describing the Aurora cluster AWS Backup restored for a test. */
export const RESTORED_CLUSTER_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'rds-restored', actions: ['rds:DescribeDBClusters'], reason: 'read the endpoint of the cluster AWS Backup restored' },
];
/** Reporting the validation's verdict to AWS Backup. */
export const RESTORE_VALIDATION_RESULT_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'backup-restore-jobs', actions: ['backup:PutRestoreValidationResult'], reason: 'report the validation of the restore test to AWS Backup' },
];

const detail = (field: string): string => `$.detail.${field}`;

/**
 * The validation of an AWS Backup restore test, started by the restore job's completion event (EventBridge's
 * `Restore Job State Change` of the restore testing plan, whose `detail` is the input): read the restored database's
 * endpoint, run the checks task against it, report `SUCCESSFUL` or `FAILED` with `PutRestoreValidationResult` on every
 * path, write the drill result beside the backups when asked, and publish the outcome; a failure also notifies.
 *
 * The machine creates nothing but the checks task, which is stopped on every failure path; the restored database
 * belongs to AWS Backup, which deletes it when the validation is reported or its window closes.
 */
export function restoreTestingValidation(options: RestoreTestingValidationOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  validator.oneOf('source', options.source, ['instance', 'aurora-cluster']);
  validator.integer('checksTimeoutSeconds', options.checksTimeoutSeconds, 60, 86_400 * 7, 'seconds');
  validator.nonEmptyStrings('checksArgs', options.checksArgs);
  options.checksArgs?.forEach((arg, index) => {
    if (typeof arg === 'string' && /['\\{}]/.test(arg.replace(/\$\{[A-Za-z][A-Za-z0-9]*\}/g, ''))) {
      validator.report({ path: `checksArgs[${index}]`, value: arg, allowed: 'an argument without quotes, backslashes or braces (placeholders ${Name} excepted)' });
    }
  });
  validator.throwIfInvalid();

  const names = RestoreValidationStateName;
  const aurora = options.source === 'aurora-cluster';
  const api = resolved.apiCallTimeoutSeconds;
  const checksTimeout = options.checksTimeoutSeconds ?? restoreTaskTimeoutSeconds(resolved);
  const write = options.writeDrillResult ?? false;
  const apiTask = (resource: string, fields: Omit<AslTaskState, 'Type' | 'Resource' | 'TimeoutSeconds'>): AslTaskState => ({
    Type: 'Task', Resource: resource, TimeoutSeconds: api, ...fields,
  });
  const describe = aurora ? names.DESCRIBE_CLUSTER : names.DESCRIBE_INSTANCE;
  const database = `\${${DrillPlaceholder.DATABASE_NAME}}`;
  const reportMessage = (template: string, ...paths: string[]) => ({
    'ValidationStatusMessage.$': `States.Format(${intrinsicFormatTemplate(template)}, ${paths.join(', ')})`,
  });

  const states: Record<string, AslState> = {
    [DrillStateName.INITIALIZE]: initializeState(describe),
    [describe]: apiTask(AslResource.awsSdk('rds', aurora ? 'describeDBClusters' : 'describeDBInstances'), {
      Comment: 'The identifier may be the ARN AWS Backup reports as the created resource',
      Parameters: { [aurora ? 'DbClusterIdentifier.$' : 'DbInstanceIdentifier.$']: detail('createdResourceArn') },
      // A whole element, never a field of it: a missing field in a ResultSelector is an error no catcher sees.
      ResultSelector: { 'database.$': aurora ? '$.DbClusters[0]' : '$.DbInstances[0]' },
      ResultPath: '$.restored',
      Catch: catchAll(names.REPORT_FAILED),
      Next: names.HAS_ENDPOINT,
    }),
    [names.HAS_ENDPOINT]: {
      Type: 'Choice',
      Choices: [{
        And: aurora
          ? [{ Variable: '$.restored.database.Endpoint', IsPresent: true }, { Variable: '$.restored.database.Port', IsPresent: true }]
          : [{ Variable: '$.restored.database.Endpoint.Address', IsPresent: true }, { Variable: '$.restored.database.Endpoint.Port', IsPresent: true }],
        Next: names.RUN_CHECKS,
      }],
      Default: names.RECORD_NO_ENDPOINT,
    },
    [names.RECORD_NO_ENDPOINT]: {
      Type: 'Pass',
      Parameters: {
        'Error': 'RestoreTesting.NoEndpoint',
        'Cause.$': `States.Format(${intrinsicFormatTemplate('The restored database {} has no endpoint to check')}, ${detail('createdResourceArn')})`,
      },
      ResultPath: ERROR_PATH,
      Next: names.REPORT_FAILED,
    },
    ...ecsDrillTaskStates(resolved, {
      runState: names.RUN_CHECKS,
      taskLabel: 'checks task',
      command: runnerArgv(resolved, options.checksArgs ?? ['check']),
      environmentPaths: aurora
        ? { PGHOST: '$.restored.database.Endpoint', PGPORT: "States.Format('{}', $.restored.database.Port)" }
        : { PGHOST: '$.restored.database.Endpoint.Address', PGPORT: "States.Format('{}', $.restored.database.Endpoint.Port)" },
      timeoutSeconds: checksTimeout,
      next: names.REPORT_SUCCESSFUL,
      afterStop: names.REPORT_FAILED,
    }),
    [names.REPORT_SUCCESSFUL]: apiTask(AslResource.awsSdk('backup', 'putRestoreValidationResult'), {
      Parameters: {
        'RestoreJobId.$': detail('restoreJobId'),
        'ValidationStatus': 'SUCCESSFUL',
        ...reportMessage(`pg-backup check of ${database} passed on {}`, detail('createdResourceArn')),
      },
      ResultPath: null,
      // Once the verdict is reported it is not reported again: the failure goes straight to the metric and notification.
      Catch: catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
      Next: write ? names.PREPARE_SUCCESS_RESULT : DrillStateName.MEASURE_RESTORE,
    }),
    ...(write ? drillResultStates(api, resolved.maxRestoreDurationSeconds, true, DrillStateName.MEASURE_RESTORE) : {}),
    [names.REPORT_FAILED]: apiTask(AslResource.awsSdk('backup', 'putRestoreValidationResult'), {
      Parameters: {
        'RestoreJobId.$': detail('restoreJobId'),
        'ValidationStatus': 'FAILED',
        ...reportMessage(`pg-backup validation of ${database} failed with {}: {}`, '$.error.Error', '$.error.Cause'),
      },
      ResultPath: null,
      // A report that fails still lets the failure be counted and notified, with the drill's own error.
      Catch: catchAll(write ? names.PREPARE_FAILURE_RESULT : DrillStateName.PUBLISH_FAILURE_METRIC, '$.reportError'),
      Next: write ? names.PREPARE_FAILURE_RESULT : DrillStateName.PUBLISH_FAILURE_METRIC,
    }),
    ...(write ? drillResultStates(api, resolved.maxRestoreDurationSeconds, false, DrillStateName.PUBLISH_FAILURE_METRIC) : {}),
  };

  return restoreDrillStateMachine({
    ...resolved,
    // The validation writes its own failed result, with the restore job, after reporting the verdict.
    writeFailedDrillResult: false,
  }, {
    comment: `Validate an AWS Backup restore test of ${aurora ? 'an Aurora cluster' : 'an RDS instance'} with pg-backup check and report the result`,
    states,
    kind: RESTORE_TESTING_DRILL_KIND,
    // The restore the drill measures is AWS Backup's restore job, which began before the validation was started: the
    // same seconds its drill result records, so the result and the RTO verdict agree.
    restoreSeconds: RTO_SECONDS,
    // Every API call once (describe, two reports, two writes, list, stop, three metrics, notification) and the checks.
    longestPathSeconds: 11 * api + checksTimeout,
    marginSeconds: 600,
    iamActions: mergeIamActionGroups(
      aurora ? RESTORED_CLUSTER_IAM_ACTIONS : RESTORED_INSTANCE_IAM_ACTIONS,
      ECS_SYNC_TASK_IAM_ACTIONS,
      RESTORE_VALIDATION_RESULT_IAM_ACTIONS,
      write ? DRILL_RESULT_OBJECT_IAM_ACTIONS : [],
    ),
  });
}

/**
 * The RTO in JSONata: from the restore job's creation to its completion (or, without one in the event, the start of
 * the validation).
 */
const RTO_SECONDS = '$round(($toMillis($exists($states.input.detail.completionDate) ? $states.input.detail.completionDate '
  + ': $states.context.Execution.StartTime) - $toMillis($states.input.detail.creationDate)) / 1000)';

/**
 * The drill result as `pg-backup` writes its own (`${DrillResultsFolder}/<compact UTC time>.json`, the folder core's
 * `drillResultsFolder` of the store's prefix and the database), so
 * `pg-backup status` shows the restore test beside the dump and PITR drills: a JSONata Pass state that adds
 * `drillResult: { key, body }` to the state data (JSONPath has no string replace or date arithmetic).
 */
export function drillResultExpression(succeeded: boolean, rtoSeconds: number): string {
  const folder = `'\${${RestoreValidationPlaceholder.DRILL_RESULTS_FOLDER}}'`;
  const database = `'\${${DrillPlaceholder.DATABASE_NAME}}'`;
  const finishedAt = '$states.context.State.EnteredTime';
  const exceeded = `${RTO_SECONDS} > ${rtoSeconds}`;
  const slower = `'${RTO_EXCEEDED_ERROR}: The restore took ' & ${RTO_SECONDS} & ' seconds; the RTO is ${rtoSeconds} seconds'`;
  const body = [
    '$merge([{',
    "'version': 1,",
    `'kind': '${RESTORE_TESTING_DRILL_KIND}',`,
    `'database': ${database},`,
    // Checks that passed on a restore slower than the RTO are not a good drill: the success tail fails it too.
    `'succeeded': ${succeeded ? `${RTO_SECONDS} <= ${rtoSeconds}` : 'false'},`,
    ...(succeeded ? [] : ["'reason': $states.input.error.Error & ': ' & $states.input.error.Cause,"]),
    "'startedAt': $states.input.detail.creationDate,",
    `'finishedAt': ${finishedAt},`,
    "'drillId': $states.context.Execution.Id,",
    "'restored': { 'restoreJobId': $states.input.detail.restoreJobId, 'resource': $states.input.detail.createdResourceArn },",
    "'checks': []",
    `}${succeeded ? `, ${rtoRecordFields(RTO_SECONDS, String(rtoSeconds), exceeded)}, ${exceeded} ? { 'reason': ${slower} } : {}` : ''}])`,
  ].join(' ');
  const key = `${folder} & '/' & $replace($replace(${finishedAt}, '-', ''), ':', '') & '.json'`;
  return `{% $merge([$states.input, { 'drillResult': { 'key': ${key}, 'body': ${body} } }]) %}`;
}

/** The two states that write the drill result: the JSONata Pass that builds it, and the JSONPath put. */
function drillResultStates(api: number, rtoSeconds: number, succeeded: boolean, next: string): Record<string, AslState> {
  const names = RestoreValidationStateName;
  const put = succeeded ? names.WRITE_SUCCESS_RESULT : names.WRITE_FAILURE_RESULT;
  return {
    [succeeded ? names.PREPARE_SUCCESS_RESULT : names.PREPARE_FAILURE_RESULT]: {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: drillResultExpression(succeeded, rtoSeconds),
      Next: put,
    },
    // After a success, a failed write is a failed drill (status would not show it; the verdict stands). After a
    // failure, the drill's own error is what is notified: a failed write only loses the record.
    [put]: putDrillRecordTask(
      { apiCallTimeoutSeconds: api }, { text: `\${${RestoreValidationPlaceholder.DRILL_RESULTS_BUCKET}}` }, '$.drillResult',
      succeeded ? catchAll(DrillStateName.PUBLISH_FAILURE_METRIC) : catchAll(next, '$.drillResultError'), next,
    ),
  };
}
