import { AslResource, AslCatcher, AslJsonValue, AslPayloadTemplate, AslState, AslTaskState, intrinsicFormatTemplate, intrinsicStringLiteral } from './asl';
import { DrillPlaceholder, ResolvedRestoreDrillOptions, RestoreDrillKind, RestoreDrillMetric } from './restore-drill-options';
import { DRILL_ID_ENV } from '../../policy/backup-store-layout';

/**
 * Names of the states every drill shares. The success path is `Measure restore` → `Publish restore duration` →
 * `Within the RTO?` → `Publish success metric` → `Drill succeeded`; a restore slower than the RTO goes `Record RTO
 * exceeded` → the failure path. Failure paths all end `Publish failure metric` → (`Build failed drill record` →
 * `Store failed drill record`, when the drill writes its failures) → `Notify failure` → `Drill failed`.
 */
export const DrillStateName = {
  /** Derives the drill's identifiers from the execution name. */
  INITIALIZE: 'Initialize drill',
  /** `RestoreDrillFailed` = 1. */
  PUBLISH_FAILURE_METRIC: 'Publish failure metric',
  /** Builds the failed drill's result as `pg-backup` writes one: its key and body. */
  BUILD_FAILED_DRILL_RECORD: 'Build failed drill record',
  /** S3 PutObject of that result beside the backups, where `pg-backup status` shows it. */
  STORE_FAILED_DRILL_RECORD: 'Store failed drill record',
  /** SNS message naming the database, the execution, the error and its cause. */
  NOTIFY_FAILURE: 'Notify failure',
  /** The Fail state: error and cause of the first failure. */
  DRILL_FAILED: 'Drill failed',
  /**
   * The first state of the success path, where a drill goes once its restore is verified: seconds from the restore's
   * start to then, in JSONata (JSONPath has no date arithmetic), into `$.restoreSeconds`.
   */
  MEASURE_RESTORE: 'Measure restore',
  /** `RestoreDurationSeconds`: the measured restore, published whether or not it was within the RTO. */
  PUBLISH_RESTORE_DURATION: 'Publish restore duration',
  /** The measured restore against the RTO. */
  WITHIN_RTO: 'Within the RTO?',
  /** Turns a restore slower than the RTO into the drill's error (`RestoreDrill.RtoExceeded`). */
  RECORD_RTO_EXCEEDED: 'Record RTO exceeded',
  /** `RestoreDrillSucceeded` = 1. */
  PUBLISH_SUCCESS_METRIC: 'Publish success metric',
  /** The Succeed state. */
  DRILL_SUCCEEDED: 'Drill succeeded',
} as const;

/** The drill's identity every drill task and result carries (`DRILL_ID_ENV`): the execution's ARN, as a JSONPath context path. */
export const DRILL_ID_PATH = '$$.Execution.Id';

/** Where a Task's error goes in the state data; cleanup and notification read it, so it never replaces the input. */
export const ERROR_PATH = '$.error';
/** Where a cleanup step's error goes, so that it does not hide the error that started the cleanup. */
export const CLEANUP_ERROR_PATH = '$.cleanupError';

/** Catches every error into `resultPath`, keeping the rest of the state data. */
export function catchAll(next: string, resultPath: string = ERROR_PATH): AslCatcher[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next }];
}

/** A string field that is a path or an intrinsic function (`Key.$`). */
function dynamic(key: string, expression: string): AslPayloadTemplate {
  return { [`${key}.$`]: expression };
}

/** An intrinsic splitting a comma-separated placeholder into a list. */
export function splitPlaceholder(placeholder: string): string {
  return `States.StringSplit(${intrinsicStringLiteral(`\${${placeholder}}`)}, ',')`;
}

/** The Pass state that derives a drill's identifiers from the execution name (hashed, so any name gives valid ids). */
export function initializeState(next: string, extra: AslPayloadTemplate = {}): AslState {
  return {
    Type: 'Pass',
    Comment: 'Identifiers of this drill, derived from the execution name',
    Parameters: {
      'id.$': "States.Hash($$.Execution.Name, 'MD5')",
      'startedBy.$': "States.Format('pg-backup-drill-{}', States.Hash($$.Execution.Name, 'MD5'))",
      ...extra,
    },
    ResultPath: '$.drill',
    Next: next,
  };
}

/** A string a tail state reads: fixed in the definition (placeholders allowed), or read from the state data by a JSONPath path. */
export type DrillString = { readonly text: string } | { readonly path: string };

/**
 * Whom the success and failure tails report on, where a failed drill's result goes, and how the tails end. A drill of
 * one database has all of it fixed by placeholders ({@link PLACEHOLDER_DRILL_SUBJECT}); the fleet drill reads it from
 * each Map iteration's state data and ends the iteration, not the execution, so one database's failure does not stop
 * the others.
 */
export interface DrillSubject {
  /** The `Database` metric dimension, and the database as notifications name it. */
  readonly label: DrillString;
  /** The database a failed drill's result names (its `database` field, as `pg-backup` writes it). */
  readonly database: DrillString;
  /** The bucket of the store the result is written to. */
  readonly resultsBucket: DrillString;
  /** The database's drill results folder in that bucket: core's `drillResultsFolder`, never built in the definition. */
  readonly resultsFolder: DrillString;
  /**
   * JSONata: when the drill started, the failed result's `startedAt` and the time its key is named after when the
   * drill's task never finished (see {@link failureTailStates}).
   */
  readonly startedAt: string;
  /**
   * Where the state data holds the RTO in seconds (a JSONPath path), for a subject whose RTO is not the options'.
   * @default - the options' `maxRestoreDurationSeconds`, fixed in the definition
   */
  readonly rtoSecondsPath?: string;
  /** The last state of the success path. */
  readonly succeeded: AslState;
  /** The last state of every failure path. */
  readonly failed: AslState;
}

/** The JSONata expression of the moment a drill's restore starts: the execution's start, for drills that restore at once. */
export const EXECUTION_START_TIME = '$states.context.Execution.StartTime';

/** The subject of a drill of one database: every value a placeholder, the tails ending the execution. */
export const PLACEHOLDER_DRILL_SUBJECT: DrillSubject = {
  label: { text: `\${${DrillPlaceholder.DATABASE_NAME}}` },
  database: { text: `\${${DrillPlaceholder.DATABASE_NAME}}` },
  resultsBucket: { text: `\${${DrillPlaceholder.DRILL_RESULTS_BUCKET}}` },
  resultsFolder: { text: `\${${DrillPlaceholder.DRILL_RESULTS_FOLDER}}` },
  startedAt: EXECUTION_START_TIME,
  succeeded: { Type: 'Succeed' },
  failed: {
    Type: 'Fail',
    Comment: 'Fails with the error and cause that started the failure path',
    ErrorPath: '$.error.Error',
    CausePath: '$.error.Cause',
  },
};

/** A payload field holding `value`: `Key` for a fixed text, `Key.$` for a path. */
function stringField(key: string, value: DrillString): AslPayloadTemplate {
  return 'text' in value ? { [key]: value.text } : { [`${key}.$`]: value.path };
}

/** `before` + `value` + `after`, with `args` filling the `{}` of the text: a fixed field when nothing is read, else `States.Format`. */
function formattedField(key: string, before: string, value: DrillString, after: string, args: readonly string[] = []): AslPayloadTemplate {
  if ('text' in value && args.length === 0) return { [key]: `${before}${value.text}${after}` };
  const [template, values] = 'text' in value ? [`${before}${value.text}${after}`, args] : [`${before}{}${after}`, [value.path, ...args]];
  return dynamic(key, `States.Format(${intrinsicFormatTemplate(template)}, ${values.join(', ')})`);
}

/** `value` as a JSONata string: a literal (substituted values never hold quotes: renderDefinition refuses them), or the state data's field. */
function jsonataString(value: DrillString): string {
  return 'text' in value ? `'${value.text}'` : jsonataInput(value.path);
}

function metricDimensions(kind: RestoreDrillKind, subject: DrillSubject): AslJsonValue {
  return [
    { Name: 'Database', ...stringField('Value', subject.label) },
    { Name: 'Drill', Value: kind },
  ];
}

function putMetricTask(
  options: ResolvedRestoreDrillOptions, kind: RestoreDrillKind, subject: DrillSubject, metricName: string, next: string, catchers: AslCatcher[],
  value: AslPayloadTemplate = { Value: 1, Unit: 'Count' },
): AslTaskState {
  return {
    Type: 'Task',
    Resource: AslResource.awsSdk('cloudwatch', 'putMetricData'),
    Parameters: {
      Namespace: options.metricNamespace,
      MetricData: [{ MetricName: metricName, Dimensions: metricDimensions(kind, subject), ...value }],
    },
    ResultPath: null,
    TimeoutSeconds: options.apiCallTimeoutSeconds,
    Catch: catchers,
    Next: next,
  };
}

/** What a drill result says was restored (`restored` of `runner/drill-record.ts`), by field. */
export type RestoredField = 'backupId' | 'baseBackup' | 'targetTime' | 'snapshot' | 'restoreJobId' | 'resource';

/**
 * Where a drill's state data holds what it restores, by drill result field: JSONPath paths (`$.drill.targetTime`). A
 * failure may come before a value is known (a snapshot not yet found): then the field is left out.
 */
export type RestoredPaths = Partial<Record<RestoredField, string>>;

/** A JSONPath path into the state data (`$.a.b`) as the JSONata expression reading the same value. */
function jsonataInput(path: string): string {
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`not a plain JSONPath path into the state data: ${path}`);
  return `$states.input${path.slice(1)}`;
}

/** The JSONata object of what was restored: each field whose path holds a value. */
function restoredExpression(restored: RestoredPaths): string {
  const fields = Object.entries(restored).map(([field, path]) => {
    const value = jsonataInput(path!);
    return `$exists(${value}) ? { '${field}': ${value} } : {}`;
  });
  return `$merge([{}${fields.map((field) => `, ${field}`).join('')}])`;
}

/** Where the success tail leaves the measured restore, seconds: the duration metric, the RTO verdict and a failed result read it. */
export const RESTORE_SECONDS_PATH = '$.restoreSeconds';

/** The RTO of a subject, seconds: a JSONPath path into the state data, or the options' fixed value. */
type RtoSeconds = { readonly path: string } | { readonly value: number };

function rtoOf(options: Pick<ResolvedRestoreDrillOptions, 'maxRestoreDurationSeconds'>, subject: DrillSubject): RtoSeconds {
  return subject.rtoSecondsPath !== undefined ? { path: subject.rtoSecondsPath } : { value: options.maxRestoreDurationSeconds };
}

/** The RTO as a JSONata number. */
function jsonataRto(rto: RtoSeconds): string {
  return 'path' in rto ? jsonataInput(rto.path) : String(rto.value);
}

/** The error the success tail gives a drill whose measured restore is slower than its RTO. */
export const RTO_EXCEEDED_ERROR = 'RestoreDrill.RtoExceeded';

/**
 * What a drill result says of the RTO, as JSONata object fields: the measured restore (`rtoSeconds`), when the drill
 * got as far as measuring it, and whether it was slower than the objective (`rtoExceeded`, with `rtoObjectiveSeconds`).
 * `exceeded` is the JSONata condition that it was.
 */
export function rtoRecordFields(measured: string, objective: string, exceeded: string): string {
  return `{ 'rtoSeconds': ${measured}, 'rtoObjectiveSeconds': ${objective}, 'rtoExceeded': ${exceeded} }`;
}

/**
 * The states that write a failed drill's result beside the backups, in the format `pg-backup` writes its own
 * (`runner/drill-record.ts`), so `pg-backup status` shows the failure and its reason: a JSONata Pass that builds the key
 * and body (JSONPath cannot leave out a value not yet known), and the S3 put. Neither claims more than the state
 * machine knows: `succeeded` is false, the reason is the error that started the failure path, `restored` holds what
 * the drill had chosen to restore by then, the measured restore and the RTO when the drill got that far (with
 * `rtoExceeded` when it failed for being slower), and nothing was checked.
 *
 * The key is the subject's results folder (core's `drillResultsFolder` of the store's prefix and the database, as the
 * runner lays out its store) and a compact time. Which of two results of one drill `pg-backup status` shows is the
 * newer key, so the time says which writer wins:
 * - the drill's task never finished (`$.task` is absent): the drill's start. A result the task wrote during the drill
 *   (with its checks and rows) is then the newer one, and status shows that; this one stands for every failure the
 *   task never saw.
 * - the task finished, and so wrote a successful result, and the state machine failed the drill after it (a restore
 *   slower than the RTO, a metric or a cleanup that failed): the moment this result is written, after the task's, so
 *   status shows the failure the alarms page for, never the task's success.
 */
function failedDrillRecordStates(
  options: ResolvedRestoreDrillOptions, kind: RestoreDrillKind, restored: RestoredPaths, subject: DrillSubject, next: string,
): Record<string, AslState> {
  const startedAt = subject.startedAt;
  const keyTime = `($exists($states.input.task) ? $states.context.State.EnteredTime : ${startedAt})`;
  const key = `${jsonataString(subject.resultsFolder)} & '/' & $replace($replace(${keyTime}, '-', ''), ':', '') & '.json'`;
  const measured = jsonataInput(RESTORE_SECONDS_PATH);
  const rto = rtoRecordFields(measured, jsonataRto(rtoOf(options, subject)), `$states.input.error.Error = '${RTO_EXCEEDED_ERROR}'`);
  const body = [
    '$merge([{',
    "'version': 1,",
    `'kind': '${kind}',`,
    `'database': ${jsonataString(subject.database)},`,
    "'succeeded': false,",
    "'reason': $states.input.error.Error & ': ' & $states.input.error.Cause,",
    `'startedAt': ${startedAt},`,
    "'finishedAt': $states.context.State.EnteredTime,",
    "'drillId': $states.context.Execution.Id,",
    `'restored': ${restoredExpression(restored)},`,
    "'checks': []",
    `}, $exists(${measured}) ? ${rto} : {}])`,
  ].join(' ');
  return {
    [DrillStateName.BUILD_FAILED_DRILL_RECORD]: {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: `{% $merge([$states.input, { 'failedDrillRecord': { 'key': ${key}, 'body': ${body} } }]) %}`,
      Next: DrillStateName.STORE_FAILED_DRILL_RECORD,
    },
    // A record that cannot be written is lost; the drill's own error is still what is notified.
    [DrillStateName.STORE_FAILED_DRILL_RECORD]: putDrillRecordTask(options, subject.resultsBucket, '$.failedDrillRecord', catchAll(next, '$.drillRecordError'), next),
  };
}

/**
 * The checksum S3 is told to expect with a drill result. A bucket with Object Lock (a dump bucket with `immutability`)
 * refuses a PutObject without Content-MD5 or an `x-amz-checksum-*` header; S3's PutObject reference names the
 * `x-amz-sdk-checksum-algorithm` header (the SDK's `ChecksumAlgorithm` parameter) as the alternative to Content-MD5,
 * and the SDK then computes and sends the checksum of the body.
 */
export const DRILL_RECORD_CHECKSUM_ALGORITHM = 'SHA256';

/**
 * The S3 PutObject of a drill result into `bucket`: the key and body from `recordPath` (`{ key, body }`, the body
 * written as JSON), with a checksum so that a bucket with Object Lock takes it. Every drill that writes its result uses
 * this state.
 */
export function putDrillRecordTask(
  options: Pick<ResolvedRestoreDrillOptions, 'apiCallTimeoutSeconds'>, bucket: DrillString, recordPath: string, catchers: AslCatcher[], next: string,
): AslTaskState {
  return {
    Type: 'Task',
    Resource: AslResource.awsSdk('s3', 'putObject'),
    Parameters: {
      ...stringField('Bucket', bucket),
      'Key.$': `${recordPath}.key`,
      'Body.$': `States.JsonToString(${recordPath}.body)`,
      'ContentType': 'application/json',
      'ChecksumAlgorithm': DRILL_RECORD_CHECKSUM_ALGORITHM,
    },
    ResultPath: null,
    TimeoutSeconds: options.apiCallTimeoutSeconds,
    Catch: catchers,
    Next: next,
  };
}

/**
 * The end of every failure path: failure metric, the failed drill's result beside the backups (when `writeRecord`),
 * notification, then the subject's failed state (Fail, for a drill of one database). A failed metric, record or
 * notification does not stop the others: the drill still fails with its own error.
 */
export function failureTailStates(
  options: ResolvedRestoreDrillOptions, kind: RestoreDrillKind, writeRecord: boolean = options.writeFailedDrillResult, restored: RestoredPaths = {},
  subject: DrillSubject = PLACEHOLDER_DRILL_SUBJECT,
): Record<string, AslState> {
  const label = `${kind} restore drill`;
  const afterMetric = writeRecord ? DrillStateName.BUILD_FAILED_DRILL_RECORD : DrillStateName.NOTIFY_FAILURE;
  return {
    [DrillStateName.PUBLISH_FAILURE_METRIC]: putMetricTask(
      options, kind, subject, RestoreDrillMetric.FAILED, afterMetric,
      catchAll(afterMetric, '$.metricError'),
    ),
    ...(writeRecord ? failedDrillRecordStates(options, kind, restored, subject, DrillStateName.NOTIFY_FAILURE) : {}),
    [DrillStateName.NOTIFY_FAILURE]: {
      Type: 'Task',
      Resource: AslResource.SNS_PUBLISH,
      Parameters: {
        TopicArn: `\${${DrillPlaceholder.NOTIFICATION_TOPIC_ARN}}`,
        ...formattedField('Subject', '', subject.label, `: ${label} failed`),
        ...formattedField(
          'Message', `The ${label} of `, subject.label, ' failed. Execution: {}. Error: {}. Cause: {}',
          ['$$.Execution.Id', '$.error.Error', '$.error.Cause'],
        ),
      },
      ResultPath: null,
      TimeoutSeconds: options.apiCallTimeoutSeconds,
      Catch: catchAll(DrillStateName.DRILL_FAILED, '$.notifyError'),
      Next: DrillStateName.DRILL_FAILED,
    },
    [DrillStateName.DRILL_FAILED]: subject.failed,
  };
}

/** The JSONata expression of the seconds from `start` (a JSONata time) to the moment the expression is evaluated. */
export function secondsSince(start: string): string {
  return `$round(($millis() - $toMillis(${start})) / 1000)`;
}

/**
 * The end of the success path: measure the restore, publish its duration, judge it against the RTO, then the success
 * metric and the subject's succeeded state (Succeed, for a drill of one database). A restore slower than the RTO
 * fails the drill (`RestoreDrill.RtoExceeded`) after its duration is published, so the RTO alarm, the failed-drill
 * alarm, the notification and the drill's result all say the same: its checks passed, but not in time.
 *
 * The restore is measured once, in JSONata (JSONPath has no date arithmetic), by `restoreSeconds`: by default from
 * the execution's start to the moment the verified restore was reported, which is what an operator would wait in a
 * real recovery.
 */
export function successTailStates(
  options: ResolvedRestoreDrillOptions, kind: RestoreDrillKind, restoreSeconds: string = secondsSince(EXECUTION_START_TIME),
  subject: DrillSubject = PLACEHOLDER_DRILL_SUBJECT,
): Record<string, AslState> {
  const rto = rtoOf(options, subject);
  const cause = 'path' in rto
    ? `States.Format(${intrinsicFormatTemplate('The restore took {} seconds; the RTO is {} seconds')}, ${RESTORE_SECONDS_PATH}, ${rto.path})`
    : `States.Format(${intrinsicFormatTemplate(`The restore took {} seconds; the RTO is ${rto.value} seconds`)}, ${RESTORE_SECONDS_PATH})`;
  return {
    [DrillStateName.MEASURE_RESTORE]: {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Comment: 'Seconds from the restore\'s start to the verified restore',
      Output: `{% $merge([$states.input, { 'restoreSeconds': ${restoreSeconds} }]) %}`,
      Next: DrillStateName.PUBLISH_RESTORE_DURATION,
    },
    [DrillStateName.PUBLISH_RESTORE_DURATION]: putMetricTask(
      options, kind, subject, RestoreDrillMetric.DURATION, DrillStateName.WITHIN_RTO, catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
      { 'Value.$': RESTORE_SECONDS_PATH, 'Unit': 'Seconds' },
    ),
    [DrillStateName.WITHIN_RTO]: {
      Type: 'Choice',
      Choices: [{
        Variable: RESTORE_SECONDS_PATH,
        ...('path' in rto ? { NumericGreaterThanPath: rto.path } : { NumericGreaterThan: rto.value }),
        Next: DrillStateName.RECORD_RTO_EXCEEDED,
      }],
      Default: DrillStateName.PUBLISH_SUCCESS_METRIC,
    },
    [DrillStateName.RECORD_RTO_EXCEEDED]: {
      Type: 'Pass',
      Parameters: { 'Error': RTO_EXCEEDED_ERROR, 'Cause.$': cause },
      ResultPath: ERROR_PATH,
      Next: DrillStateName.PUBLISH_FAILURE_METRIC,
    },
    [DrillStateName.PUBLISH_SUCCESS_METRIC]: putMetricTask(
      options, kind, subject, RestoreDrillMetric.SUCCEEDED, DrillStateName.DRILL_SUCCEEDED,
      catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
    ),
    [DrillStateName.DRILL_SUCCEEDED]: subject.succeeded,
  };
}

/** What an ECS drill task runs and where its states lead. */
export interface EcsDrillTaskSpec {
  /** Name of the Run state, e.g. `Run verify task`; the stop states are named after it. */
  readonly runState: string;
  /** What the task does, for the stop reason, e.g. `verify task`. */
  readonly taskLabel: string;
  /** The container command, fixed; or `commandExpression` when it depends on the state data. */
  readonly command?: readonly string[];
  /** An intrinsic building the command (`States.Array(…)`). */
  readonly commandExpression?: string;
  /** Environment variables of the container, name → path into the state data. */
  readonly environmentPaths?: Readonly<Record<string, string>>;
  /** The task's timeout. */
  readonly timeoutSeconds: number;
  /** The state after the task succeeded. */
  readonly next: string;
  /** The state after a failed task was stopped (or found already stopped). */
  readonly afterStop: string;
}

/** Names of the states {@link ecsDrillTaskStates} creates for one task. */
export function ecsStopStateNames(taskLabel: string): { find: string; check: string; stop: string } {
  return {
    find: `Find running ${taskLabel}`,
    check: `Is ${taskLabel} still running?`,
    stop: `Stop ${taskLabel}`,
  };
}

/**
 * An ECS RunTask `.sync` state and, for its failures, the states that find the task if it is still running and stop
 * it. The task is found by its `startedBy` (derived from the execution name), because after a timeout the error does
 * not carry the task ARN.
 */
export function ecsDrillTaskStates(options: ResolvedRestoreDrillOptions, spec: EcsDrillTaskSpec): Record<string, AslState> {
  const names = ecsStopStateNames(spec.taskLabel);
  // Every drill task is told its drill's identity, which it writes into the drill's result (see DRILL_ID_ENV).
  const environmentPaths = { [DRILL_ID_ENV]: DRILL_ID_PATH, ...spec.environmentPaths };
  const environment = Object.entries(environmentPaths).map(([name, path]) => ({ 'Name': name, 'Value.$': path }));
  const containerOverride: AslPayloadTemplate = {
    Name: `\${${DrillPlaceholder.CONTAINER_NAME}}`,
    ...(spec.commandExpression !== undefined ? dynamic('Command', spec.commandExpression) : { Command: [...(spec.command ?? [])] }),
    Environment: environment,
  };
  const cluster = `\${${DrillPlaceholder.CLUSTER_ARN}}`;
  return {
    [spec.runState]: {
      Type: 'Task',
      Resource: AslResource.ECS_RUN_TASK_SYNC,
      Parameters: {
        'LaunchType': 'FARGATE',
        'Cluster': cluster,
        'TaskDefinition': `\${${DrillPlaceholder.TASK_DEFINITION_ARN}}`,
        'StartedBy.$': '$.drill.startedBy',
        'NetworkConfiguration': {
          AwsvpcConfiguration: {
            'Subnets.$': splitPlaceholder(DrillPlaceholder.SUBNETS),
            'SecurityGroups.$': splitPlaceholder(DrillPlaceholder.SECURITY_GROUPS),
            'AssignPublicIp': options.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        'Overrides': { ContainerOverrides: [containerOverride] },
        'PropagateTags': 'TASK_DEFINITION',
      },
      ResultSelector: { 'taskArn.$': '$.TaskArn' },
      ResultPath: '$.task',
      TimeoutSeconds: spec.timeoutSeconds,
      Catch: catchAll(names.find),
      Next: spec.next,
    },
    [names.find]: {
      Type: 'Task',
      Resource: AslResource.awsSdk('ecs', 'listTasks'),
      Parameters: { 'Cluster': cluster, 'StartedBy.$': '$.drill.startedBy', 'DesiredStatus': 'RUNNING' },
      ResultSelector: { 'taskArns.$': '$.TaskArns' },
      ResultPath: '$.runningTasks',
      TimeoutSeconds: options.apiCallTimeoutSeconds,
      Catch: catchAll(spec.afterStop, CLEANUP_ERROR_PATH),
      Next: names.check,
    },
    [names.check]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.runningTasks.taskArns[0]', IsPresent: true, Next: names.stop }],
      Default: spec.afterStop,
    },
    [names.stop]: {
      Type: 'Task',
      Resource: AslResource.awsSdk('ecs', 'stopTask'),
      Parameters: {
        'Cluster': cluster,
        'Task.$': '$.runningTasks.taskArns[0]',
        'Reason': `Restore drill gave up on the ${spec.taskLabel}`,
      },
      ResultPath: null,
      TimeoutSeconds: options.apiCallTimeoutSeconds,
      Catch: catchAll(spec.afterStop, CLEANUP_ERROR_PATH),
      Next: spec.afterStop,
    },
  };
}

/** The argv of a runner subcommand: the runner, the subcommand's arguments, then the user's extra arguments. */
export function runnerArgv(options: ResolvedRestoreDrillOptions, args: readonly string[]): string[] {
  return [...options.runnerCommand, ...args, ...options.extraArgs];
}

/** The task timeout of a restore: the RTO plus the margin. */
export function restoreTaskTimeoutSeconds(options: ResolvedRestoreDrillOptions): number {
  return options.maxRestoreDurationSeconds + options.taskTimeoutMarginSeconds;
}
