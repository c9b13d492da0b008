"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DumpRestoreDrillStateName = void 0;
exports.dumpRestoreDrill = dumpRestoreDrill;
const definition_substitutions_1 = require("./definition-substitutions");
const drill_iam_actions_1 = require("./drill-iam-actions");
const drill_states_1 = require("./drill-states");
const restore_drill_options_1 = require("./restore-drill-options");
const validation_1 = require("../validation");
/** Names of the dump drill's own states (the shared ones are in {@link DrillStateName}). */
exports.DumpRestoreDrillStateName = {
    /** ECS RunTask `.sync`: `pg-backup verify --from … --latest --target-url …`. */
    RUN_VERIFY_TASK: 'Run verify task',
};
/**
 * The dump restore drill: one ECS task restores the latest dump into a scratch PostgreSQL and checks it
 * (`pg-backup verify --from ${DumpLocation} --latest --target-url ${TargetUrl}`).
 *
 * Success: success metric, restore duration, Succeed. Failure or timeout of the task: stop it if it is still running,
 * failure metric, notification, Fail with the task's error.
 */
function dumpRestoreDrill(options = {}) {
    const validator = new validation_1.Validator();
    const resolved = (0, restore_drill_options_1.resolveRestoreDrillOptions)(options, validator);
    validator.throwIfInvalid();
    const taskTimeout = (0, drill_states_1.restoreTaskTimeoutSeconds)(resolved);
    const states = {
        [drill_states_1.DrillStateName.INITIALIZE]: (0, drill_states_1.initializeState)(exports.DumpRestoreDrillStateName.RUN_VERIFY_TASK),
        ...(0, drill_states_1.ecsDrillTaskStates)(resolved, {
            runState: exports.DumpRestoreDrillStateName.RUN_VERIFY_TASK,
            taskLabel: 'verify task',
            command: (0, drill_states_1.runnerArgv)(resolved, [
                'verify',
                '--from', `\${${restore_drill_options_1.DrillPlaceholder.DUMP_LOCATION}}`,
                '--latest',
                '--target-url', `\${${restore_drill_options_1.DrillPlaceholder.TARGET_URL}}`,
            ]),
            timeoutSeconds: taskTimeout,
            next: drill_states_1.DrillStateName.PUBLISH_SUCCESS_METRIC,
            afterStop: drill_states_1.DrillStateName.PUBLISH_FAILURE_METRIC,
        }),
        ...(0, drill_states_1.successTailStates)(resolved, 'dump'),
        ...(0, drill_states_1.failureTailStates)(resolved, 'dump'),
    };
    // The task, then at most: list + stop + three metrics + notification.
    const longestPath = taskTimeout + 6 * resolved.apiCallTimeoutSeconds;
    const definition = {
        Comment: 'Restore the latest pg_dump into a scratch PostgreSQL and check it',
        StartAt: drill_states_1.DrillStateName.INITIALIZE,
        TimeoutSeconds: resolved.executionTimeoutSeconds ?? longestPath + 300,
        States: states,
    };
    return {
        definition,
        placeholders: (0, definition_substitutions_1.listPlaceholders)(definition),
        iamActions: (0, drill_iam_actions_1.mergeIamActionGroups)(drill_iam_actions_1.ECS_SYNC_TASK_IAM_ACTIONS, drill_iam_actions_1.DRILL_OUTCOME_IAM_ACTIONS),
    };
}
