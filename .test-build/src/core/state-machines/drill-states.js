"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CLEANUP_ERROR_PATH = exports.ERROR_PATH = exports.DrillStateName = void 0;
exports.catchAll = catchAll;
exports.splitPlaceholder = splitPlaceholder;
exports.initializeState = initializeState;
exports.failureTailStates = failureTailStates;
exports.successTailStates = successTailStates;
exports.ecsStopStateNames = ecsStopStateNames;
exports.ecsDrillTaskStates = ecsDrillTaskStates;
exports.runnerArgv = runnerArgv;
exports.restoreTaskTimeoutSeconds = restoreTaskTimeoutSeconds;
const asl_1 = require("./asl");
const restore_drill_options_1 = require("./restore-drill-options");
/** Names of the states every drill shares. Failure paths all end `Publish failure metric` → `Notify failure` → `Drill failed`. */
exports.DrillStateName = {
    /** Derives the drill's identifiers from the execution name. */
    INITIALIZE: 'Initialize drill',
    /** `RestoreDrillFailed` = 1. */
    PUBLISH_FAILURE_METRIC: 'Publish failure metric',
    /** SNS message naming the database, the execution, the error and its cause. */
    NOTIFY_FAILURE: 'Notify failure',
    /** The Fail state: error and cause of the first failure. */
    DRILL_FAILED: 'Drill failed',
    /** `RestoreDrillSucceeded` = 1. */
    PUBLISH_SUCCESS_METRIC: 'Publish success metric',
    /** `RestoreDurationSeconds`, computed in JSONata from the execution's start time. */
    PUBLISH_RESTORE_DURATION: 'Publish restore duration',
    /** Turns a failed duration publish into the drill's error. */
    RECORD_DURATION_METRIC_FAILURE: 'Record duration metric failure',
    /** The Succeed state. */
    DRILL_SUCCEEDED: 'Drill succeeded',
};
/** Where a Task's error goes in the state data; cleanup and notification read it, so it never replaces the input. */
exports.ERROR_PATH = '$.error';
/** Where a cleanup step's error goes, so that it does not hide the error that started the cleanup. */
exports.CLEANUP_ERROR_PATH = '$.cleanupError';
/** Catches every error into `resultPath`, keeping the rest of the state data. */
function catchAll(next, resultPath = exports.ERROR_PATH) {
    return [{ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next }];
}
/** A string field that is a path or an intrinsic function (`Key.$`). */
function dynamic(key, expression) {
    return { [`${key}.$`]: expression };
}
/** An intrinsic splitting a comma-separated placeholder into a list. */
function splitPlaceholder(placeholder) {
    return `States.StringSplit(${(0, asl_1.intrinsicStringLiteral)(`\${${placeholder}}`)}, ',')`;
}
/** The Pass state that derives a drill's identifiers from the execution name (hashed, so any name gives valid ids). */
function initializeState(next, extra = {}) {
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
function metricDimensions(kind) {
    return [
        { Name: 'Database', Value: `\${${restore_drill_options_1.DrillPlaceholder.DATABASE_NAME}}` },
        { Name: 'Drill', Value: kind },
    ];
}
function putMetricTask(options, kind, metricName, next, catchers) {
    return {
        Type: 'Task',
        Resource: asl_1.AslResource.awsSdk('cloudwatch', 'putMetricData'),
        Parameters: {
            Namespace: options.metricNamespace,
            MetricData: [{ MetricName: metricName, Dimensions: metricDimensions(kind), Value: 1, Unit: 'Count' }],
        },
        ResultPath: null,
        TimeoutSeconds: options.apiCallTimeoutSeconds,
        Catch: catchers,
        Next: next,
    };
}
/**
 * The end of every failure path: failure metric, notification, Fail. A failed metric or notification does not stop
 * the others: the execution still fails with the drill's own error.
 */
function failureTailStates(options, kind) {
    const label = `${kind} restore drill`;
    return {
        [exports.DrillStateName.PUBLISH_FAILURE_METRIC]: putMetricTask(options, kind, restore_drill_options_1.RestoreDrillMetric.FAILED, exports.DrillStateName.NOTIFY_FAILURE, catchAll(exports.DrillStateName.NOTIFY_FAILURE, '$.metricError')),
        [exports.DrillStateName.NOTIFY_FAILURE]: {
            Type: 'Task',
            Resource: asl_1.AslResource.SNS_PUBLISH,
            Parameters: {
                TopicArn: `\${${restore_drill_options_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN}}`,
                Subject: `\${${restore_drill_options_1.DrillPlaceholder.DATABASE_NAME}}: ${label} failed`,
                ...dynamic('Message', `States.Format(${(0, asl_1.intrinsicFormatTemplate)(`The ${label} of \${${restore_drill_options_1.DrillPlaceholder.DATABASE_NAME}} failed. Execution: {}. Error: {}. Cause: {}`)}, `
                    + '$$.Execution.Id, $.error.Error, $.error.Cause)'),
            },
            ResultPath: null,
            TimeoutSeconds: options.apiCallTimeoutSeconds,
            Catch: catchAll(exports.DrillStateName.DRILL_FAILED, '$.notifyError'),
            Next: exports.DrillStateName.DRILL_FAILED,
        },
        [exports.DrillStateName.DRILL_FAILED]: {
            Type: 'Fail',
            Comment: 'Fails with the error and cause that started the failure path',
            ErrorPath: '$.error.Error',
            CausePath: '$.error.Cause',
        },
    };
}
/**
 * The end of the success path: success metric, then the restore duration, then Succeed.
 *
 * The duration is the one state in JSONata: JSONPath has no date arithmetic. It measures from the execution's start
 * to the moment the verified restore was reported, which is what an operator would wait in a real recovery.
 */
function successTailStates(options, kind) {
    return {
        [exports.DrillStateName.PUBLISH_SUCCESS_METRIC]: putMetricTask(options, kind, restore_drill_options_1.RestoreDrillMetric.SUCCEEDED, exports.DrillStateName.PUBLISH_RESTORE_DURATION, catchAll(exports.DrillStateName.PUBLISH_FAILURE_METRIC)),
        [exports.DrillStateName.PUBLISH_RESTORE_DURATION]: {
            Type: 'Task',
            QueryLanguage: 'JSONata',
            Resource: asl_1.AslResource.awsSdk('cloudwatch', 'putMetricData'),
            Arguments: {
                Namespace: options.metricNamespace,
                MetricData: [{
                        MetricName: restore_drill_options_1.RestoreDrillMetric.DURATION,
                        Dimensions: metricDimensions(kind),
                        Value: '{% $round(($millis() - $toMillis($states.context.Execution.StartTime)) / 1000) %}',
                        Unit: 'Seconds',
                    }],
            },
            TimeoutSeconds: options.apiCallTimeoutSeconds,
            // A JSONata catcher without Output passes on the error output ({ Error, Cause }); the next state files it under $.error.
            Catch: [{ ErrorEquals: ['States.ALL'], Next: exports.DrillStateName.RECORD_DURATION_METRIC_FAILURE }],
            Next: exports.DrillStateName.DRILL_SUCCEEDED,
        },
        [exports.DrillStateName.RECORD_DURATION_METRIC_FAILURE]: {
            Type: 'Pass',
            Parameters: { 'error.$': '$' },
            Next: exports.DrillStateName.PUBLISH_FAILURE_METRIC,
        },
        [exports.DrillStateName.DRILL_SUCCEEDED]: { Type: 'Succeed' },
    };
}
/** Names of the states {@link ecsDrillTaskStates} creates for one task. */
function ecsStopStateNames(taskLabel) {
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
function ecsDrillTaskStates(options, spec) {
    const names = ecsStopStateNames(spec.taskLabel);
    const environment = Object.entries(spec.environmentPaths ?? {}).map(([name, path]) => ({ 'Name': name, 'Value.$': path }));
    const containerOverride = {
        Name: `\${${restore_drill_options_1.DrillPlaceholder.CONTAINER_NAME}}`,
        ...(spec.commandExpression !== undefined ? dynamic('Command', spec.commandExpression) : { Command: [...(spec.command ?? [])] }),
        ...(environment.length > 0 ? { Environment: environment } : {}),
    };
    const cluster = `\${${restore_drill_options_1.DrillPlaceholder.CLUSTER_ARN}}`;
    return {
        [spec.runState]: {
            Type: 'Task',
            Resource: asl_1.AslResource.ECS_RUN_TASK_SYNC,
            Parameters: {
                'LaunchType': 'FARGATE',
                'Cluster': cluster,
                'TaskDefinition': `\${${restore_drill_options_1.DrillPlaceholder.TASK_DEFINITION_ARN}}`,
                'StartedBy.$': '$.drill.startedBy',
                'NetworkConfiguration': {
                    AwsvpcConfiguration: {
                        'Subnets.$': splitPlaceholder(restore_drill_options_1.DrillPlaceholder.SUBNETS),
                        'SecurityGroups.$': splitPlaceholder(restore_drill_options_1.DrillPlaceholder.SECURITY_GROUPS),
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
            Resource: asl_1.AslResource.awsSdk('ecs', 'listTasks'),
            Parameters: { 'Cluster': cluster, 'StartedBy.$': '$.drill.startedBy', 'DesiredStatus': 'RUNNING' },
            ResultSelector: { 'taskArns.$': '$.TaskArns' },
            ResultPath: '$.runningTasks',
            TimeoutSeconds: options.apiCallTimeoutSeconds,
            Catch: catchAll(spec.afterStop, exports.CLEANUP_ERROR_PATH),
            Next: names.check,
        },
        [names.check]: {
            Type: 'Choice',
            Choices: [{ Variable: '$.runningTasks.taskArns[0]', IsPresent: true, Next: names.stop }],
            Default: spec.afterStop,
        },
        [names.stop]: {
            Type: 'Task',
            Resource: asl_1.AslResource.awsSdk('ecs', 'stopTask'),
            Parameters: {
                'Cluster': cluster,
                'Task.$': '$.runningTasks.taskArns[0]',
                'Reason': `Restore drill gave up on the ${spec.taskLabel}`,
            },
            ResultPath: null,
            TimeoutSeconds: options.apiCallTimeoutSeconds,
            Catch: catchAll(spec.afterStop, exports.CLEANUP_ERROR_PATH),
            Next: spec.afterStop,
        },
    };
}
/** The argv of a runner subcommand: the runner, the subcommand's arguments, then the user's extra arguments. */
function runnerArgv(options, args) {
    return [...options.runnerCommand, ...args, ...options.extraArgs];
}
/** The task timeout of a restore: the RTO plus the margin. */
function restoreTaskTimeoutSeconds(options) {
    return options.maxRestoreDurationSeconds + options.taskTimeoutMarginSeconds;
}
