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
exports.createBackupAlarm = createBackupAlarm;
exports.failedExecutionsExpression = failedExecutionsExpression;
exports.deadLetterMessages = deadLetterMessages;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
/** Creates the alarm of a spec: one evaluation period, the topic as alarm and OK action. */
function createBackupAlarm(name, spec, parent) {
    const common = {
        alarmDescription: spec.description,
        threshold: spec.threshold,
        comparisonOperator: spec.comparisonOperator,
        evaluationPeriods: 1,
        treatMissingData: spec.treatMissingData,
        alarmActions: [spec.topicArn],
        okActions: [spec.topicArn],
    };
    const metric = spec.metric;
    if ('expression' in metric) {
        return new cloudwatch.MetricAlarm(name, {
            ...common,
            metricQueries: [
                { id: 'expr_1', expression: metric.expression, label: metric.label, returnData: true },
                ...Object.entries(metric.metrics).map(([id, m]) => ({
                    id,
                    returnData: false,
                    metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.statistic, period: metric.periodSeconds },
                })),
            ],
        }, { parent });
    }
    return new cloudwatch.MetricAlarm(name, {
        ...common,
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions,
        statistic: metric.statistic,
        period: metric.periodSeconds,
    }, { parent });
}
/** The failed, timed-out and aborted executions of a state machine, added up (missing values count as none). */
function failedExecutionsExpression(stateMachineArn) {
    const metric = (metricName) => ({ namespace: 'AWS/States', metricName, dimensions: { StateMachineArn: stateMachineArn }, statistic: 'Sum' });
    return {
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        label: 'Failed, timed-out or aborted drill executions',
        periodSeconds: 300,
        metrics: { failed: metric('ExecutionsFailed'), timedOut: metric('ExecutionsTimedOut'), aborted: metric('ExecutionsAborted') },
    };
}
/** Messages waiting in a dead-letter queue (largest per 5 minutes). */
function deadLetterMessages(queueName) {
    return { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queueName }, statistic: 'Maximum', periodSeconds: 300 };
}
