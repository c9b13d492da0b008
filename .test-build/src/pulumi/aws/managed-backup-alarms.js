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
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const iam = __importStar(require("@pulumi/aws/iam"));
const scheduler = __importStar(require("@pulumi/aws/scheduler"));
const sfn = __importStar(require("@pulumi/aws/sfn"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const metric_alarm_1 = require("./metric-alarm");
const policy_document_1 = require("./policy-document");
const scheduler_role_1 = require("./scheduler-role");
const state_machine_permissions_1 = require("./state-machine-permissions");
const restorable_time_check_1 = require("../../core/restorable-time-check");
const state_machines_1 = require("../../core/state-machines");
/** AWS Backup's own CloudWatch namespace. */
exports.AWS_BACKUP_METRIC_NAMESPACE = 'AWS/Backup';
/** Job states of AWS Backup events that mean a backup or copy did not happen. */
exports.FAILED_JOB_STATES = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];
/**
 * Paging for a managed backup plan, so that neither a failure nor a silent stop goes unnoticed: EventBridge rules send
 * every failed, aborted, expired or partial backup or copy job of the database, and every failed restore job, to the
 * topic; an alarm on AWS Backup's `NumberOfBackupJobsCompleted` of the vault fires when none completed within the RPO,
 * missing data counting as breaching; a scheduled check publishes how far `LatestRestorableTime` lags and an alarm
 * fires when it lags too much or stops reporting.
 */
class ManagedBackupAlarms extends pulumi.ComponentResource {
    /** Alarms: no completed backup job within the RPO; restorable time lagging. */
    alarms;
    /** The rules sending failed jobs to the topic. */
    failedJobRules;
    /** The state machine that publishes the restorable-time lag. */
    restorableTimeCheck;
    /** Its definition as deployed. */
    checkDefinition;
    /** The core check: definition with placeholders and IAM actions. */
    check;
    /** The role the check runs as. */
    checkRole;
    constructor(name, props, opts) {
        super('postgres-backup:aws:ManagedBackupAlarms', name, {}, opts);
        const { database, environment } = props;
        const databaseArn = database.arn(environment);
        this.failedJobRules = this.notifyFailedJobs(name, props, databaseArn);
        this.check = (0, restorable_time_check_1.restorableTimeCheck)({ source: database.kind, metricNamespace: props.metricNamespace });
        this.checkRole = new iam.Role(`${name}-check-role`, {
            description: 'Reads the latest restorable time of one database and publishes its lag, nothing else',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('states.amazonaws.com'),
        }, { parent: this });
        new iam.RolePolicy(`${name}-check-policy`, {
            role: this.checkRole.id,
            policy: (0, policy_document_1.policyDocument)([
                ...(0, state_machine_permissions_1.drillPermissionStatements)(this.check.iamActions, {
                    'rds-source': { Resource: databaseArn },
                    'cloudwatch-namespace-condition': { Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } } },
                }, 'ManagedBackupAlarms'),
                ...state_machine_permissions_1.STATE_MACHINE_OBSERVABILITY_STATEMENTS,
            ]),
        }, { parent: this });
        this.checkDefinition = database.identifier.apply((identifier) => (0, state_machines_1.renderDefinition)(this.check.definition, {
            [state_machines_1.DrillPlaceholder.DATABASE_NAME]: identifier,
            [state_machines_1.DrillPlaceholder.SOURCE_IDENTIFIER]: identifier,
        }));
        const logs = new cloudwatch.LogGroup(`${name}-check-logs`, { retentionInDays: props.logRetentionDays }, { parent: this });
        this.restorableTimeCheck = new sfn.StateMachine(`${name}-restorable-time-check`, {
            // Express: it runs every few minutes for a few seconds, and costs a fraction of a standard workflow.
            type: 'EXPRESS',
            definition: this.checkDefinition,
            roleArn: this.checkRole.arn,
            loggingConfiguration: { logDestination: pulumi.interpolate `${logs.arn}:*`, level: 'ALL', includeExecutionData: true },
            tracingConfiguration: { enabled: true },
        }, { parent: this });
        const schedulerRole = (0, scheduler_role_1.createSchedulerRole)(`${name}-check`, this, environment, [
            { Effect: 'Allow', Action: 'states:StartExecution', Resource: this.restorableTimeCheck.arn },
        ]);
        new scheduler.Schedule(`${name}-check-schedule`, {
            description: `Reads the latest restorable time of ${database.kind === 'instance' ? 'a DB instance' : 'an Aurora cluster'}`,
            scheduleExpression: `rate(${props.restorableTimeCheckIntervalMinutes} minute${props.restorableTimeCheckIntervalMinutes === 1 ? '' : 's'})`,
            scheduleExpressionTimezone: 'Etc/UTC',
            flexibleTimeWindow: { mode: 'OFF' },
            state: 'ENABLED',
            target: {
                arn: this.restorableTimeCheck.arn,
                roleArn: schedulerRole.arn,
                retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 86400 },
            },
        }, { parent: this });
        this.alarms = [
            (0, metric_alarm_1.createBackupAlarm)(`${name}-no-completed-backup`, {
                description: pulumi.interpolate `No AWS Backup job of ${database.identifier} completed in vault ${props.backupVaultName} within the RPO of ${props.rpoHours} hours`,
                metric: {
                    namespace: exports.AWS_BACKUP_METRIC_NAMESPACE,
                    metricName: 'NumberOfBackupJobsCompleted',
                    dimensions: { BackupVaultName: props.backupVaultName },
                    statistic: 'Sum',
                    periodSeconds: props.rpoHours * 3600,
                },
                threshold: 1,
                comparisonOperator: 'LessThanThreshold',
                // A plan that no longer runs publishes nothing at all: that must page.
                treatMissingData: 'breaching',
                topicArn: props.topicArn,
            }, this),
            (0, metric_alarm_1.createBackupAlarm)(`${name}-restorable-time-lag`, {
                description: pulumi.interpolate `Point-in-time recovery of ${database.identifier} lags more than ${props.maxRestorableTimeLagMinutes} minutes, or its check stopped reporting`,
                metric: {
                    namespace: props.metricNamespace,
                    metricName: restorable_time_check_1.RESTORABLE_TIME_LAG_METRIC,
                    dimensions: { Database: database.identifier },
                    statistic: 'Maximum',
                    // Three checks a period, so one late check does not count as missing.
                    periodSeconds: 3 * props.restorableTimeCheckIntervalMinutes * 60,
                },
                threshold: props.maxRestorableTimeLagMinutes * 60,
                comparisonOperator: 'GreaterThanThreshold',
                treatMissingData: 'breaching',
                topicArn: props.topicArn,
            }, this),
        ];
        this.registerOutputs({ alarmArns: this.alarms.map((alarm) => alarm.arn), restorableTimeCheckArn: this.restorableTimeCheck.arn });
    }
    notifyFailedJobs(name, props, databaseArn) {
        const { database, topicArn } = props;
        const notify = (rule, id, what) => new cloudwatch.EventTarget(`${id}-notification`, {
            rule: rule.name,
            arn: topicArn,
            inputTransformer: {
                inputPaths: {
                    'detail-state': '$.detail.state',
                    'detail-status': '$.detail.status',
                    'detail-statusMessage': '$.detail.statusMessage',
                    'detail-type': '$.detail-type',
                    'resources': '$.resources',
                },
                inputTemplate: pulumi.interpolate `"AWS Backup ${what} of ${database.identifier} ended <detail-state><detail-status>: <detail-statusMessage> (<detail-type>, <resources>)"`,
            },
        }, { parent: this });
        const jobs = new cloudwatch.EventRule(`${name}-failed-jobs`, {
            description: pulumi.interpolate `A backup or copy job of ${database.identifier} failed, was aborted, expired or was partial`,
            eventPattern: pulumi.jsonStringify({
                'source': ['aws.backup'],
                'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
                'detail': { resourceArn: [databaseArn], state: [...exports.FAILED_JOB_STATES] },
            }),
        }, { parent: this });
        notify(jobs, `${name}-failed-jobs`, 'job');
        // Restore jobs report `status` where backup jobs report `state`; they come from restore testing and manual restores.
        const restores = new cloudwatch.EventRule(`${name}-failed-restore-jobs`, {
            description: `A restore job of ${database.backupResourceType} recovery points failed or was aborted`,
            eventPattern: JSON.stringify({
                'source': ['aws.backup'],
                'detail-type': ['Restore Job State Change'],
                'detail': { resourceType: [database.backupResourceType], status: ['FAILED', 'ABORTED'] },
            }),
        }, { parent: this });
        notify(restores, `${name}-failed-restore-jobs`, 'restore job');
        return [jobs, restores];
    }
}
exports.ManagedBackupAlarms = ManagedBackupAlarms;
