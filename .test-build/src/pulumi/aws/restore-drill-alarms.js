"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createRestoreDrillAlarms = createRestoreDrillAlarms;
const metric_alarm_1 = require("./metric-alarm");
const state_machines_1 = require("../../core/state-machines");
/**
 * The alarms of a scheduled restore drill, as the CDK constructs raise them: a failed, timed-out or aborted execution;
 * a restore slower than the RTO; a schedule that could not start the drill. Silence means nothing failed, so missing
 * data does not breach (a drill that never starts is caught by the dead-letter alarm).
 */
function createRestoreDrillAlarms(name, spec, parent) {
    return [
        (0, metric_alarm_1.createBackupAlarm)(`${name}-failed-drill`, {
            description: spec.failedDescription ?? `A ${spec.subject} failed: the backup could not be restored and checked`,
            metric: (0, metric_alarm_1.failedExecutionsExpression)(spec.stateMachineArn),
            threshold: 1,
            comparisonOperator: 'GreaterThanOrEqualToThreshold',
            treatMissingData: 'notBreaching',
            topicArn: spec.topicArn,
        }, parent),
        (0, metric_alarm_1.createBackupAlarm)(`${name}-rto`, {
            description: spec.slowRestoreDescription ?? `A ${spec.subject} took longer than the RTO of ${spec.maxRestoreDurationMinutes} minutes`,
            metric: {
                namespace: spec.metricNamespace,
                metricName: state_machines_1.RestoreDrillMetric.DURATION,
                dimensions: { Database: spec.databaseName, Drill: spec.drillKind },
                statistic: 'Maximum',
                periodSeconds: 3600,
            },
            threshold: spec.maxRestoreDurationMinutes * 60,
            comparisonOperator: 'GreaterThanThreshold',
            treatMissingData: 'notBreaching',
            topicArn: spec.topicArn,
        }, parent),
        (0, metric_alarm_1.createBackupAlarm)(`${name}-schedule-dead-letters`, {
            description: `EventBridge Scheduler could not start the ${spec.subject}`,
            metric: (0, metric_alarm_1.deadLetterMessages)(spec.deadLetterQueueName),
            threshold: 1,
            comparisonOperator: 'GreaterThanOrEqualToThreshold',
            treatMissingData: 'notBreaching',
            topicArn: spec.topicArn,
        }, parent),
    ];
}
