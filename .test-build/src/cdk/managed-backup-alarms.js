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
exports.ManagedBackupAlarms = exports.FAILED_JOB_STATES = exports.AWS_BACKUP_METRIC_NAMESPACE = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const eventsTargets = __importStar(require("aws-cdk-lib/aws-events-targets"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const schedulerTargets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const sfn = __importStar(require("aws-cdk-lib/aws-stepfunctions"));
const constructs_1 = require("constructs");
const drill_permissions_1 = require("./drill-permissions");
const reviewed_findings_1 = require("./reviewed-findings");
const restorable_time_check_1 = require("../core/restorable-time-check");
const state_machines_1 = require("../core/state-machines");
/** AWS Backup's own CloudWatch namespace. */
exports.AWS_BACKUP_METRIC_NAMESPACE = 'AWS/Backup';
/** Job states of AWS Backup events that mean a backup or copy did not happen. */
exports.FAILED_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];
/**
 * Paging for a managed backup plan, so that neither a failure nor a silent stop goes unnoticed:
 *
 * - an EventBridge rule sends every failed, aborted, expired or partial backup or copy job of the database, and every
 *   failed restore job, to the topic;
 * - an alarm on AWS Backup's `NumberOfBackupJobsCompleted` of the vault fires when none completed within the RPO,
 *   missing data counting as breaching (a plan that stopped scheduling publishes nothing);
 * - a scheduled check reads the database's `LatestRestorableTime` (RDS publishes no metric for it) and an alarm fires
 *   when point-in-time recovery lags more than allowed, or when the check stops reporting.
 */
class ManagedBackupAlarms extends constructs_1.Construct {
    /** Alarms: no completed backup job within the RPO; restorable time lagging. */
    alarms;
    /** The rules sending failed jobs to the topic. */
    failedJobRules;
    /** The state machine that publishes the restorable-time lag. */
    restorableTimeCheck;
    props;
    constructor(scope, id, props) {
        super(scope, id);
        this.props = props;
        this.failedJobRules = this.notifyFailedJobs();
        this.restorableTimeCheck = this.createRestorableTimeCheck();
        const action = new cloudwatchActions.SnsAction(props.topic);
        this.alarms = [
            new cloudwatch.Alarm(this, 'NoCompletedBackupAlarm', {
                alarmDescription: `No AWS Backup job of ${props.database.identifier} completed in vault ${props.backupVaultName} within the RPO of ${props.rpoHours} hours`,
                metric: this.metricBackupJobsCompleted({ period: aws_cdk_lib_1.Duration.hours(props.rpoHours) }),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluationPeriods: 1,
                // A plan that no longer runs publishes nothing at all: that must page.
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            }),
            new cloudwatch.Alarm(this, 'RestorableTimeLagAlarm', {
                alarmDescription: `Point-in-time recovery of ${props.database.identifier} lags more than ${props.maxRestorableTimeLagMinutes} minutes, or its check stopped reporting`,
                metric: this.metricRestorableTimeLag(),
                threshold: props.maxRestorableTimeLagMinutes * 60,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            }),
        ];
        this.alarms.forEach((alarm) => {
            alarm.addAlarmAction(action);
            alarm.addOkAction(action);
        });
    }
    /** Backup jobs AWS Backup completed in the vault (sum per period). */
    metricBackupJobsCompleted(props = {}) {
        return new cloudwatch.Metric({
            namespace: exports.AWS_BACKUP_METRIC_NAMESPACE,
            metricName: 'NumberOfBackupJobsCompleted',
            dimensionsMap: { BackupVaultName: this.props.backupVaultName },
            statistic: 'Sum',
            period: aws_cdk_lib_1.Duration.hours(1),
            ...props,
        });
    }
    /**
     * Seconds between the check and the database's latest restorable time (largest per period). The period spans three
     * checks, so one late check does not count as missing.
     */
    metricRestorableTimeLag(props = {}) {
        return new cloudwatch.Metric({
            namespace: this.props.metricNamespace,
            metricName: restorable_time_check_1.RESTORABLE_TIME_LAG_METRIC,
            dimensionsMap: { Database: this.props.databaseLabel },
            statistic: 'Maximum',
            period: aws_cdk_lib_1.Duration.minutes(3 * this.props.restorableTimeCheckIntervalMinutes),
            ...props,
        });
    }
    notifyFailedJobs() {
        const { database, topic } = this.props;
        const arn = database.arn(this);
        const target = (what) => new eventsTargets.SnsTopic(topic, {
            message: events.RuleTargetInput.fromText(`AWS Backup ${what} of ${database.identifier} ended ${events.EventField.fromPath('$.detail.state')}`
                + `${events.EventField.fromPath('$.detail.status')}: ${events.EventField.fromPath('$.detail.statusMessage')} `
                + `(${events.EventField.fromPath('$.detail-type')}, ${events.EventField.fromPath('$.resources')})`),
        });
        const jobs = new events.Rule(this, 'FailedJobRule', {
            description: `A backup or copy job of ${database.identifier} failed, was aborted, expired or was partial`,
            eventPattern: {
                source: ['aws.backup'],
                detailType: ['Backup Job State Change', 'Copy Job State Change'],
                detail: { resourceArn: [arn], state: [...exports.FAILED_JOB_STATES] },
            },
        });
        jobs.addTarget(target('job'));
        // Restore jobs report `status` where backup jobs report `state`; they come from restore testing and manual restores.
        const restores = new events.Rule(this, 'FailedRestoreJobRule', {
            description: `A restore job of ${database.backupResourceType} recovery points failed or was aborted`,
            eventPattern: {
                source: ['aws.backup'],
                detailType: ['Restore Job State Change'],
                detail: { resourceType: [database.backupResourceType], status: ['FAILED', 'ABORTED'] },
            },
        });
        restores.addTarget(target('restore job'));
        return [jobs, restores];
    }
    createRestorableTimeCheck() {
        const { database, metricNamespace, databaseLabel } = this.props;
        const check = (0, restorable_time_check_1.restorableTimeCheck)({ source: database.kind, metricNamespace });
        const role = new iam.Role(this, 'CheckRole', {
            assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
            description: 'Reads the latest restorable time of one database and publishes its lag, nothing else',
        });
        const scopes = {
            'rds-source': { resources: [database.arn(this)] },
            'cloudwatch-namespace-condition': { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': metricNamespace } } },
        };
        (0, drill_permissions_1.addDrillPermissions)(role, check.iamActions, scopes, 'ManagedBackupAlarms');
        (0, reviewed_findings_1.acknowledgeWildcards)(role, (0, reviewed_findings_1.drillRoleWildcards)(check.iamActions, (kind) => scopes[kind]?.resources));
        const substitutions = {
            [state_machines_1.DrillPlaceholder.DATABASE_NAME]: databaseLabel,
            [state_machines_1.DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
        };
        const stateMachine = new sfn.StateMachine(this, 'RestorableTimeCheck', {
            comment: `Publishes how far the latest restorable time of ${database.kind === 'instance' ? 'the DB instance' : 'the Aurora cluster'} lags`,
            // Express: it runs every few minutes for a few seconds, and costs a fraction of a standard workflow.
            stateMachineType: sfn.StateMachineType.EXPRESS,
            definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(check.definition)),
            definitionSubstitutions: Object.fromEntries(check.placeholders.map((name) => [name, substitutions[name]])),
            role,
            logs: {
                destination: new logs.LogGroup(this, 'CheckLogs', { retention: this.props.logRetention, removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY }),
                level: sfn.LogLevel.ALL,
                includeExecutionData: true,
            },
            tracingEnabled: true,
        });
        new scheduler.Schedule(this, 'CheckSchedule', {
            description: `Reads the latest restorable time of ${database.kind === 'instance' ? 'a DB instance' : 'an Aurora cluster'} in ${aws_cdk_lib_1.Stack.of(this).stackName}`,
            schedule: scheduler.ScheduleExpression.rate(aws_cdk_lib_1.Duration.minutes(this.props.restorableTimeCheckIntervalMinutes)),
            timeWindow: scheduler.TimeWindow.off(),
            target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, { retryAttempts: 0 }),
        });
        return stateMachine;
    }
}
exports.ManagedBackupAlarms = ManagedBackupAlarms;
