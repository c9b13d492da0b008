"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PitrRestoreDrillStateName = void 0;
exports.pitrRestoreDrill = pitrRestoreDrill;
const asl_1 = require("./asl");
const definition_substitutions_1 = require("./definition-substitutions");
const drill_iam_actions_1 = require("./drill-iam-actions");
const drill_states_1 = require("./drill-states");
const restore_drill_options_1 = require("./restore-drill-options");
const validation_1 = require("../validation");
/** Names of the PITR drill's own states (the shared ones are in {@link DrillStateName}). */
exports.PitrRestoreDrillStateName = {
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
};
/**
 * The point-in-time recovery drill: one ECS task restores the base backup and replays WAL to a target time
 * (`pg-backup drill-pitr --target-time <time>`), then checks the result.
 *
 * The target is the execution input's `targetTime` (an RFC 3339 timestamp) when given, otherwise the moment the
 * execution started, so a scheduled drill proves that the archive reaches the present.
 */
function pitrRestoreDrill(options = {}) {
    const validator = new validation_1.Validator();
    const resolved = (0, restore_drill_options_1.resolveRestoreDrillOptions)(options, validator);
    validator.throwIfInvalid();
    const names = exports.PitrRestoreDrillStateName;
    const taskTimeout = (0, drill_states_1.restoreTaskTimeoutSeconds)(resolved);
    const literalArgs = (args) => args.map(asl_1.intrinsicStringLiteral).join(', ');
    const command = `States.Array(${literalArgs([...resolved.runnerCommand, 'drill-pitr', '--target-time'])}, $.drill.targetTime`
        + `${resolved.extraArgs.length > 0 ? `, ${literalArgs(resolved.extraArgs)}` : ''})`;
    const states = {
        [names.CHOOSE_TARGET_TIME]: {
            Type: 'Choice',
            Choices: [
                {
                    And: [{ Variable: '$.targetTime', IsPresent: true }, { Variable: '$.targetTime', IsTimestamp: true }],
                    Next: names.USE_REQUESTED_TARGET,
                },
                { Variable: '$.targetTime', IsPresent: true, Next: names.REJECT_TARGET_TIME },
            ],
            Default: names.TARGET_DRILL_START,
        },
        [names.USE_REQUESTED_TARGET]: (0, drill_states_1.initializeState)(names.RUN_PITR_TASK, { 'targetTime.$': '$.targetTime' }),
        [names.TARGET_DRILL_START]: (0, drill_states_1.initializeState)(names.RUN_PITR_TASK, { 'targetTime.$': '$$.Execution.StartTime' }),
        [names.REJECT_TARGET_TIME]: {
            Type: 'Pass',
            Parameters: {
                'Error': 'RestoreDrill.InvalidTargetTime',
                'Cause.$': "States.Format('targetTime must be an RFC 3339 timestamp such as 2026-11-24T06:00:00Z, got: {}', States.JsonToString($.targetTime))",
            },
            ResultPath: drill_states_1.ERROR_PATH,
            Next: drill_states_1.DrillStateName.PUBLISH_FAILURE_METRIC,
        },
        ...(0, drill_states_1.ecsDrillTaskStates)(resolved, {
            runState: names.RUN_PITR_TASK,
            taskLabel: 'PITR drill task',
            commandExpression: command,
            timeoutSeconds: taskTimeout,
            next: drill_states_1.DrillStateName.PUBLISH_SUCCESS_METRIC,
            afterStop: drill_states_1.DrillStateName.PUBLISH_FAILURE_METRIC,
        }),
        ...(0, drill_states_1.successTailStates)(resolved, 'pitr'),
        ...(0, drill_states_1.failureTailStates)(resolved, 'pitr'),
    };
    const longestPath = taskTimeout + 6 * resolved.apiCallTimeoutSeconds;
    const definition = {
        Comment: 'Restore the base backup and replay WAL to a target time, then check the result',
        StartAt: names.CHOOSE_TARGET_TIME,
        TimeoutSeconds: resolved.executionTimeoutSeconds ?? longestPath + 300,
        States: states,
    };
    return {
        definition,
        placeholders: (0, definition_substitutions_1.listPlaceholders)(definition),
        iamActions: (0, drill_iam_actions_1.mergeIamActionGroups)(drill_iam_actions_1.ECS_SYNC_TASK_IAM_ACTIONS, drill_iam_actions_1.DRILL_OUTCOME_IAM_ACTIONS),
    };
}
