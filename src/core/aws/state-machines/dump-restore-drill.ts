import { DrillStateName, ecsDrillTaskStates, initializeState, restoreTaskTimeoutSeconds, runnerArgv } from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import { Validator } from '../../policy/validation';

/** Options of the dump restore drill. */
export interface DumpRestoreDrillOptions extends RestoreDrillOptions {}

/** Names of the dump drill's own states (the shared ones are in {@link DrillStateName}). */
export const DumpRestoreDrillStateName = {
  /** ECS RunTask `.sync`: `pg-backup verify --from … --latest --target-url …`. */
  RUN_VERIFY_TASK: 'Run verify task',
} as const;

/**
 * The dump restore drill: one ECS task restores the latest dump into a scratch PostgreSQL and checks it
 * (`pg-backup verify --from ${DumpLocation} --latest --target-url ${TargetUrl}`).
 *
 * Success: success metric, restore duration, Succeed. Failure or timeout of the task: stop it if it is still running,
 * failure metric, notification, Fail with the task's error.
 */
export function dumpRestoreDrill(options: DumpRestoreDrillOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  validator.throwIfInvalid();

  const taskTimeout = restoreTaskTimeoutSeconds(resolved);
  const states = {
    [DrillStateName.INITIALIZE]: initializeState(DumpRestoreDrillStateName.RUN_VERIFY_TASK),
    ...ecsDrillTaskStates(resolved, {
      runState: DumpRestoreDrillStateName.RUN_VERIFY_TASK,
      taskLabel: 'verify task',
      command: runnerArgv(resolved, [
        'verify',
        '--from', `\${${DrillPlaceholder.DUMP_LOCATION}}`,
        '--latest',
        '--target-url', `\${${DrillPlaceholder.TARGET_URL}}`,
      ]),
      timeoutSeconds: taskTimeout,
      next: DrillStateName.MEASURE_RESTORE,
      afterStop: DrillStateName.PUBLISH_FAILURE_METRIC,
    }),
  };
  // The task, then at most: list + stop + three metrics + notification.
  const longestPath = taskTimeout + 6 * resolved.apiCallTimeoutSeconds;
  return restoreDrillStateMachine(resolved, {
    comment: 'Restore the latest pg_dump into a scratch PostgreSQL and check it',
    states,
    kind: 'dump',
    longestPathSeconds: longestPath,
    marginSeconds: 300,
  });
}
