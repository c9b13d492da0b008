import { AslJsonValue, AslState, AslTaskState, intrinsicStringLiteral } from './asl';
import { listPlaceholders } from './definition-substitutions';
import {
  DRILL_OUTCOME_IAM_ACTIONS, DRILL_RESULT_OBJECT_IAM_ACTIONS, DrillIamActionGroup, ECS_SYNC_TASK_IAM_ACTIONS, mergeIamActionGroups,
} from './drill-iam-actions';
import {
  DrillStateName, DrillSubject, ecsDrillTaskStates, failureTailStates, restoreTaskTimeoutSeconds, secondsSince, successTailStates,
} from './drill-states';
import { DrillPlaceholder, MAX_TIMEOUT_SECONDS, resolveRestoreDrillOptions } from './restore-drill-options';
import { Validator } from '../../policy/validation';

/**
 * One database of a fleet drill execution, an item of {@link FleetDrillInput.databases}. Kept short: a schedule's
 * input carries a whole group of databases, and EventBridge Scheduler limits that input to 8 KB.
 */
export interface FleetDrillDatabase {
  /** The id of the database's server in the fleet: its dumps are under `<prefix>/<id>/`. */
  readonly id: string;
  /** The PostgreSQL database whose latest dump is restored (`pg-backup verify --database`). */
  readonly name: string;
  /**
   * Its drill results folder in the bucket: core's `drillResultsFolder('<prefix>/<id>', name)`, where a failed drill's
   * result is written and `pg-backup status` reads it. Decided when the schedule is planned, so the definition never
   * builds a key from a database name.
   */
  readonly resultsFolder: string;
}

/** The execution input of the fleet drill: one group of databases that share a drill schedule, an RTO and checks. */
export interface FleetDrillInput {
  /** The bucket holding every database's dumps. */
  readonly bucket: string;
  /** The key prefix of the fleet; each server's dumps are below `<prefix>/<id>`. */
  readonly prefix: string;
  /** The recovery-time objective, seconds: a restore that takes longer fails the drill. */
  readonly rtoSeconds: number;
  /** ARN of the verify task definition (one per PostgreSQL major). */
  readonly taskDefinitionArn: string;
  /** `pg-backup verify --jobs` of the group, as a string (`pg_restore -j`). */
  readonly jobs: string;
  /** `pg-backup verify --check` of the group: a SQL file in the verify task (it may hold no statement). */
  readonly checkFile: string;
  /** The databases drilled, at most {@link FleetDumpRestoreDrillOptions.maxConcurrency} at a time. */
  readonly databases: FleetDrillDatabase[];
}

/** Options of {@link fleetDumpRestoreDrill}. */
export interface FleetDumpRestoreDrillOptions {
  /**
   * The longest RTO of the fleet, seconds: with {@link taskTimeoutMarginSeconds} it bounds every verify task (each
   * group's own RTO is checked against the measured restore).
   * @default 3600
   */
  readonly maxRestoreDurationSeconds?: number;
  /**
   * Seconds added to the longest RTO for a task to start (image pull, ENI) and report.
   * @default 600
   */
  readonly taskTimeoutMarginSeconds?: number;
  /**
   * How many databases are drilled at the same time (each drill is a Fargate task with a scratch server).
   * @default 2
   */
  readonly maxConcurrency?: number;
  /**
   * Timeout of each AWS API call the drill makes, in seconds.
   * @default 60
   */
  readonly apiCallTimeoutSeconds?: number;
  /**
   * CloudWatch namespace of the drill metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * The runner executable as the container runs it.
   * @default ['pg-backup']
   */
  readonly runnerCommand?: string[];
  /**
   * Give the task a public IP (only for public subnets without a NAT gateway).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * The longest a whole execution (every database of the largest group) may run, in seconds; see
   * {@link fleetDrillExecutionTimeoutSeconds}.
   * @default 604800 (one week)
   */
  readonly executionTimeoutSeconds?: number;
}

/** A state of the fleet drill: the drill states, a Map over the databases, and JSONata states. */
export type FleetDrillState = AslState | { readonly [field: string]: AslJsonValue };

/** The fleet drill's definition. */
export interface FleetDrillDefinition {
  /** What the machine does. */
  readonly Comment: string;
  /** The first state. */
  readonly StartAt: string;
  /** The longest an execution may run. */
  readonly TimeoutSeconds: number;
  /** Every state, by name. */
  readonly States: { readonly [name: string]: FleetDrillState };
}

/** A built fleet drill: definition, the placeholders it needs, and the IAM actions of its role. */
export interface FleetRestoreDrillStateMachine {
  /** The ASL definition with `${Name}` placeholders. */
  readonly definition: FleetDrillDefinition;
  /** The placeholders the definition needs filled, sorted: cluster, container, subnets, security groups, topic, target URL. */
  readonly placeholders: readonly string[];
  /** The IAM actions of the execution role, one group per resource kind. */
  readonly iamActions: readonly DrillIamActionGroup[];
}

/** Names of the fleet drill's states. */
export const FleetDrillStateName = {
  /** The Map over `databases`. */
  DRILL_EACH_DATABASE: 'Drill each database',
  /** Per database: identifiers and start time of its drill. */
  PREPARE: 'Prepare drill',
  /** Per database: ECS RunTask `.sync`. */
  RUN_VERIFY_TASK: 'Run verify task',
  /** Per database: seconds from its drill's start to its verified restore (the shared success tail). */
  MEASURE_RESTORE: DrillStateName.MEASURE_RESTORE,
  /** Per database: `RestoreDurationSeconds`, the measured restore. */
  PUBLISH_RESTORE_DURATION: DrillStateName.PUBLISH_RESTORE_DURATION,
  /** Per database: the restore against its group's RTO (`rtoSeconds` of the input). */
  WITHIN_RTO: DrillStateName.WITHIN_RTO,
  /** Per database: turns a slow restore into the drill's error. */
  RECORD_RTO_EXCEEDED: DrillStateName.RECORD_RTO_EXCEEDED,
  /** Per database: `RestoreDrillSucceeded` = 1 (the shared success tail). */
  PUBLISH_SUCCESS_METRIC: DrillStateName.PUBLISH_SUCCESS_METRIC,
  /** Per database: the iteration's result `{ database, outcome: 'succeeded', restoreSeconds }`. */
  DRILL_PASSED: DrillStateName.DRILL_SUCCEEDED,
  /** Per database: `RestoreDrillFailed` = 1 (the shared failure tail). */
  PUBLISH_FAILURE_METRIC: DrillStateName.PUBLISH_FAILURE_METRIC,
  /** Per database: the failed drill's result, written beside the database's dumps. */
  BUILD_FAILED_DRILL_RECORD: DrillStateName.BUILD_FAILED_DRILL_RECORD,
  /** Per database: S3 PutObject of that result. */
  STORE_FAILED_DRILL_RECORD: DrillStateName.STORE_FAILED_DRILL_RECORD,
  /** Per database: SNS message naming the database, the execution, the error and its cause. */
  NOTIFY_FAILURE: DrillStateName.NOTIFY_FAILURE,
  /** Per database: the iteration's result `{ database, outcome: 'failed', error }`. */
  DRILL_FAILED: DrillStateName.DRILL_FAILED,
  /** After the Map: any failed database fails the execution. */
  ANY_FAILED: 'Any drill failed?',
  /** The Fail state naming the failed databases. */
  DRILLS_FAILED: 'Drills failed',
  /** The Succeed state. */
  DRILLS_PASSED: 'Drills passed',
  /** The Fail state of an error outside any database's drill. */
  FLEET_DRILL_ERROR: 'Fleet drill error',
} as const;

/** Default of {@link FleetDumpRestoreDrillOptions.executionTimeoutSeconds}: one week. */
export const DEFAULT_FLEET_DRILL_EXECUTION_TIMEOUT_SECONDS = 604_800;

/** API calls on the longest path of one database's drill: list + stop + metric + record + notification. */
const API_CALLS_PER_DRILL = 5;

/**
 * The execution timeout that lets every database of a group finish: the groups's databases run `maxConcurrency` at a
 * time, each at most its task timeout plus its API calls, plus five minutes.
 */
export function fleetDrillExecutionTimeoutSeconds(
  databases: number, maxConcurrency: number, taskTimeoutSeconds: number, apiCallTimeoutSeconds = 60,
): number {
  const rounds = Math.ceil(Math.max(1, databases) / Math.max(1, maxConcurrency));
  return Math.min(MAX_TIMEOUT_SECONDS, rounds * (taskTimeoutSeconds + API_CALLS_PER_DRILL * apiCallTimeoutSeconds) + 300);
}

/**
 * Whom a fleet drill's tails report on: the database of the Map iteration (`<id>/<name>` in metrics and notifications,
 * `name` in its drill result), whose result goes to the input's bucket under the folder its schedule planned. A
 * tail ends the iteration with its outcome, so the other databases go on.
 */
const FLEET_DRILL_SUBJECT: DrillSubject = {
  label: { path: '$.label' },
  database: { path: '$.name' },
  resultsBucket: { path: '$.bucket' },
  resultsFolder: { path: '$.resultsFolder' },
  startedAt: '$states.input.drill.startedAt',
  rtoSecondsPath: '$.rtoSeconds',
  succeeded: {
    Type: 'Pass',
    Parameters: { 'database.$': '$.label', 'outcome': 'succeeded', 'restoreSeconds.$': '$.restoreSeconds' },
    End: true,
  },
  failed: {
    Type: 'Pass',
    Comment: 'Ends this database\'s drill without failing the others; the execution fails after the Map',
    Parameters: { 'database.$': '$.label', 'outcome': 'failed', 'error.$': '$.error' },
    End: true,
  },
};

/**
 * The restore drill of a fleet: one state machine that drills any number of databases, named in its execution input
 * ({@link FleetDrillInput}), so a fleet needs one state machine and one schedule per group of databases instead of
 * a machine and a schedule per database. It is the dump restore drill of `dumpRestoreDrill` run in a Map, with what
 * that drill takes from placeholders (the database, the dump location, the RTO, the task definition) taken from the
 * input instead.
 *
 * Each database: `pg-backup verify --from s3://<bucket>/<prefix>/<id> --latest --database <name>` in a Fargate task;
 * a restore slower than `rtoSeconds` counts as a failure. Each database ends in the tails every drill shares
 * (`successTailStates`, `failureTailStates`): success publishes the success metric and the restore duration (the
 * verify task wrote the drill's result); a failure stops the task if it still runs, publishes the failure metric,
 * writes the failed drill's result into the database's `resultsFolder` (where `pg-backup status` shows it) and
 * notifies the topic naming the database. A failed database does not stop the others; the execution fails at the end
 * if any database failed, naming them.
 *
 * Metrics carry the dimensions `Database` = `<id>/<name>` and `Drill` = `dump`.
 */
export function fleetDumpRestoreDrill(options: FleetDumpRestoreDrillOptions = {}): FleetRestoreDrillStateMachine {
  const validator = new Validator();
  validator.integer('maxConcurrency', options.maxConcurrency, 1, 40);
  const resolved = resolveRestoreDrillOptions({
    maxRestoreDurationSeconds: options.maxRestoreDurationSeconds,
    taskTimeoutMarginSeconds: options.taskTimeoutMarginSeconds,
    apiCallTimeoutSeconds: options.apiCallTimeoutSeconds,
    metricNamespace: options.metricNamespace,
    runnerCommand: options.runnerCommand,
    assignPublicIp: options.assignPublicIp,
    executionTimeoutSeconds: options.executionTimeoutSeconds,
  }, validator);
  validator.throwIfInvalid();
  const names = FleetDrillStateName;
  const verifyArgv = [...resolved.runnerCommand, 'verify', '--from'].map(intrinsicStringLiteral).join(', ');

  // The shared builder's states, with the task definition taken from the input (one per PostgreSQL major).
  const taskStates = ecsDrillTaskStates(resolved, {
    runState: names.RUN_VERIFY_TASK,
    taskLabel: 'verify task',
    commandExpression: `States.Array(${verifyArgv}, States.Format('s3://{}/{}/{}', $.bucket, $.prefix, $.id), '--latest', `
      + `'--target-url', ${intrinsicStringLiteral(`\${${DrillPlaceholder.TARGET_URL}}`)}, '--database', $.name, '--jobs', $.jobs, '--check', $.checkFile)`,
    timeoutSeconds: restoreTaskTimeoutSeconds(resolved),
    next: names.MEASURE_RESTORE,
    afterStop: names.PUBLISH_FAILURE_METRIC,
  });
  const run = taskStates[names.RUN_VERIFY_TASK] as AslTaskState;
  const { TaskDefinition: _placeholder, ...runParameters } = run.Parameters!;
  taskStates[names.RUN_VERIFY_TASK] = { ...run, Parameters: { ...runParameters, 'TaskDefinition.$': '$.taskDefinitionArn' } };

  const itemStates: Record<string, FleetDrillState> = {
    [names.PREPARE]: {
      Type: 'Pass',
      Comment: 'This database\'s drill start, and the ECS startedBy of its task: unique per database, since several run at once',
      Parameters: {
        'startedBy.$': "States.Format('pg-backup-drill-{}', States.Hash(States.Format('{}/{}', $$.Execution.Name, $.label), 'MD5'))",
        'startedAt.$': '$$.State.EnteredTime',
      },
      ResultPath: '$.drill',
      Next: names.RUN_VERIFY_TASK,
    },
    ...taskStates,
    // The tails every drill ends with, reading the database from this iteration's state data.
    ...successTailStates(resolved, 'dump', secondsSince(FLEET_DRILL_SUBJECT.startedAt), FLEET_DRILL_SUBJECT),
    ...failureTailStates(resolved, 'dump', true, {}, FLEET_DRILL_SUBJECT),
  };

  const failedDatabases = '$states.input.results[outcome = "failed"].database';
  const states: Record<string, FleetDrillState> = {
    [names.DRILL_EACH_DATABASE]: {
      Type: 'Map',
      Comment: 'One drill per database, a few at a time',
      ItemsPath: '$.databases',
      ItemSelector: {
        'id.$': '$$.Map.Item.Value.id',
        'name.$': '$$.Map.Item.Value.name',
        'label.$': "States.Format('{}/{}', $$.Map.Item.Value.id, $$.Map.Item.Value.name)",
        'resultsFolder.$': '$$.Map.Item.Value.resultsFolder',
        'bucket.$': '$.bucket',
        'prefix.$': '$.prefix',
        'rtoSeconds.$': '$.rtoSeconds',
        'taskDefinitionArn.$': '$.taskDefinitionArn',
        'jobs.$': '$.jobs',
        'checkFile.$': '$.checkFile',
      },
      MaxConcurrency: options.maxConcurrency ?? 2,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: names.PREPARE,
        States: itemStates as { [name: string]: AslJsonValue },
      },
      ResultPath: '$.results',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: names.FLEET_DRILL_ERROR }],
      Next: names.ANY_FAILED,
    },
    [names.ANY_FAILED]: {
      Type: 'Choice',
      QueryLanguage: 'JSONata',
      Choices: [{ Condition: `{% $count(${failedDatabases}) > 0 %}`, Next: names.DRILLS_FAILED }],
      Default: names.DRILLS_PASSED,
    },
    [names.DRILLS_FAILED]: {
      Type: 'Fail',
      QueryLanguage: 'JSONata',
      Comment: 'Each failed database was notified on its own; this names them all',
      Error: 'RestoreDrill.Failed',
      Cause: `{% "Restore drills failed: " & $join(${failedDatabases}, ", ") %}`,
    },
    [names.DRILLS_PASSED]: { Type: 'Succeed' },
    [names.FLEET_DRILL_ERROR]: {
      Type: 'Fail',
      Comment: 'An error outside any database\'s drill, e.g. an input without databases',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    },
  };
  const definition: FleetDrillDefinition = {
    Comment: 'Restore the latest pg_dump of each database of a fleet into a scratch PostgreSQL and check it',
    StartAt: names.DRILL_EACH_DATABASE,
    TimeoutSeconds: resolved.executionTimeoutSeconds ?? DEFAULT_FLEET_DRILL_EXECUTION_TIMEOUT_SECONDS,
    States: states,
  };
  return {
    definition,
    placeholders: listPlaceholders(JSON.stringify(definition)),
    iamActions: mergeIamActionGroups(ECS_SYNC_TASK_IAM_ACTIONS, DRILL_OUTCOME_IAM_ACTIONS, DRILL_RESULT_OBJECT_IAM_ACTIONS),
  };
}
