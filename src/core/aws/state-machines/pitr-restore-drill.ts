import { intrinsicStringLiteral } from './asl';
import { DrillStateName, ERROR_PATH, ecsDrillTaskStates, initializeState, restoreTaskTimeoutSeconds } from './drill-states';
import { RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import { Validator } from '../../policy/validation';

/** Options of the point-in-time recovery drill. */
export interface PitrRestoreDrillOptions extends RestoreDrillOptions {}

/** Names of the PITR drill's own states (the shared ones are in {@link DrillStateName}). */
export const PitrRestoreDrillStateName = {
  /** Chooses the recovery target: the input's `targetTime`, or the drill's start. */
  CHOOSE_TARGET_TIME: 'Choose target time',
  /** Records the input's `targetTime` as the target. */
  USE_REQUESTED_TARGET: 'Use requested target time',
  /** Records the drill's start time as the target. */
  TARGET_DRILL_START: 'Target the drill start',
  /** Fails the drill when the input's `targetTime` is not a timestamp. */
  REJECT_TARGET_TIME: 'Reject target time',
  /** ECS RunTask `.sync`: `pg-backup drill-pitr --target-time …`. */
  RUN_PITR_TASK: 'Run PITR drill task',
} as const;

/**
 * The point-in-time recovery drill: one ECS task restores the base backup and replays WAL to a target time
 * (`pg-backup drill-pitr --target-time <time>`), then checks the result.
 *
 * The target is the execution input's `targetTime` (an RFC 3339 timestamp) when given, otherwise the moment the
 * execution started, so a scheduled drill proves that the archive reaches the present.
 */
export function pitrRestoreDrill(options: PitrRestoreDrillOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  validator.throwIfInvalid();

  const names = PitrRestoreDrillStateName;
  const taskTimeout = restoreTaskTimeoutSeconds(resolved);
  const literalArgs = (args: readonly string[]) => args.map(intrinsicStringLiteral).join(', ');
  const command = `States.Array(${literalArgs([...resolved.runnerCommand, 'drill-pitr', '--target-time'])}, $.drill.targetTime`
    + `${resolved.extraArgs.length > 0 ? `, ${literalArgs(resolved.extraArgs)}` : ''})`;

  const states = {
    [names.CHOOSE_TARGET_TIME]: {
      Type: 'Choice' as const,
      Choices: [
        {
          And: [{ Variable: '$.targetTime', IsPresent: true }, { Variable: '$.targetTime', IsTimestamp: true }],
          Next: names.USE_REQUESTED_TARGET,
        },
        { Variable: '$.targetTime', IsPresent: true, Next: names.REJECT_TARGET_TIME },
      ],
      Default: names.TARGET_DRILL_START,
    },
    [names.USE_REQUESTED_TARGET]: initializeState(names.RUN_PITR_TASK, { 'targetTime.$': '$.targetTime' }),
    [names.TARGET_DRILL_START]: initializeState(names.RUN_PITR_TASK, { 'targetTime.$': '$$.Execution.StartTime' }),
    [names.REJECT_TARGET_TIME]: {
      Type: 'Pass' as const,
      Parameters: {
        'Error': 'RestoreDrill.InvalidTargetTime',
        'Cause.$': "States.Format('targetTime must be an RFC 3339 timestamp such as 2026-11-24T06:00:00Z, got: {}', States.JsonToString($.targetTime))",
      },
      ResultPath: ERROR_PATH,
      Next: DrillStateName.PUBLISH_FAILURE_METRIC,
    },
    ...ecsDrillTaskStates(resolved, {
      runState: names.RUN_PITR_TASK,
      taskLabel: 'PITR drill task',
      commandExpression: command,
      timeoutSeconds: taskTimeout,
      next: DrillStateName.MEASURE_RESTORE,
      afterStop: DrillStateName.PUBLISH_FAILURE_METRIC,
    }),
  };
  const longestPath = taskTimeout + 6 * resolved.apiCallTimeoutSeconds;
  return restoreDrillStateMachine(resolved, {
    comment: 'Restore the base backup and replay WAL to a target time, then check the result',
    startAt: names.CHOOSE_TARGET_TIME,
    states,
    kind: 'pitr',
    restored: { targetTime: '$.drill.targetTime' },
    longestPathSeconds: longestPath,
    marginSeconds: 300,
  });
}
