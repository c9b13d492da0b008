"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.createRestoreDrillAlarms = createRestoreDrillAlarms;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
/**
 * The alarms of a scheduled restore drill: a failed, timed-out or aborted execution; a restore slower than the RTO;
 * a schedule that could not start the drill. Each notifies the topic on alarm and on recovery.
 */
function createRestoreDrillAlarms(scope, props) {
    const failedExecutions = new cloudwatch.MathExpression({
        label: 'Failed, timed-out or aborted drill executions',
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
            failed: props.stateMachine.metricFailed({ statistic: 'Sum' }),
            timedOut: props.stateMachine.metricTimedOut({ statistic: 'Sum' }),
            aborted: props.stateMachine.metricAborted({ statistic: 'Sum' }),
        },
        period: aws_cdk_lib_1.Duration.minutes(5),
    });
    const alarms = [
        new cloudwatch.Alarm(scope, 'FailedDrillAlarm', {
            alarmDescription: `A ${props.subject} failed: the backup could not be restored and checked`,
            metric: failedExecutions,
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(scope, 'RtoAlarm', {
            alarmDescription: `A ${props.subject} took longer than the RTO of ${props.maxRestoreDurationMinutes} minutes`,
            metric: props.restoreDuration,
            threshold: props.maxRestoreDurationMinutes * 60,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(scope, 'ScheduleDeadLetterAlarm', {
            alarmDescription: `EventBridge Scheduler could not start the ${props.subject}`,
            metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Maximum' }),
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    ];
    const action = new cloudwatchActions.SnsAction(props.topic);
    alarms.forEach((alarm) => {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
    });
    return alarms;
}
