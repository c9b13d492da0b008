import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { createBackupAlarm } from './metric-alarm';
import { assumedByService, policyDocument } from './policy-document';
import { createSchedulerRole } from './scheduler-role';
import { STATE_MACHINE_OBSERVABILITY_STATEMENTS, drillPermissionStatements } from './state-machine-permissions';
import { RESTORABLE_TIME_LAG_METRIC, RestorableTimeCheckStateMachine, restorableTimeCheck } from '../../core/aws/restorable-time-check';
import { DrillPlaceholder, renderDefinition } from '../../core/aws/state-machines';

/** AWS Backup's own CloudWatch namespace. */
export const AWS_BACKUP_METRIC_NAMESPACE = 'AWS/Backup';

/** Job states of AWS Backup events that mean a backup or copy did not happen. */
export const FAILED_JOB_STATES: readonly string[] = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];

/** Props of {@link ManagedBackupAlarms}. */
export interface ManagedBackupAlarmsProps {
  /** The database. */
  readonly database: ManagedPostgresDatabase;
  /** Where the database is. */
  readonly environment: AwsEnvironment;
  /** Name of the vault its backup jobs write to (a vault of its own, so the vault's job count is the database's). */
  readonly backupVaultName: pulumi.Input<string>;
  /** ARN of the topic alarms and failed-job events go to. */
  readonly topicArn: pulumi.Input<string>;
  /** Alarm when no backup job completed in this many hours (at most 168). */
  readonly rpoHours: number;
  /** Alarm when the latest restorable time lags more than this many minutes. */
  readonly maxRestorableTimeLagMinutes: number;
  /** How often the latest restorable time is read, minutes. */
  readonly restorableTimeCheckIntervalMinutes: number;
  /** Namespace of the restorable-time lag metric. */
  readonly metricNamespace: string;
  /** Days the check's execution logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * Paging for a managed backup plan, so that neither a failure nor a silent stop goes unnoticed: EventBridge rules send
 * every failed, aborted, expired or partial backup or copy job of the database, and every failed restore job, to the
 * topic; an alarm on AWS Backup's `NumberOfBackupJobsCompleted` of the vault fires when none completed within the RPO,
 * missing data counting as breaching; a scheduled check publishes how far `LatestRestorableTime` lags and an alarm
 * fires when it lags too much or stops reporting.
 */
export class ManagedBackupAlarms extends pulumi.ComponentResource {
  /** Alarms: no completed backup job within the RPO; restorable time lagging. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The rules sending failed jobs to the topic. */
  public readonly failedJobRules: readonly cloudwatch.EventRule[];
  /** The state machine that publishes the restorable-time lag. */
  public readonly restorableTimeCheck: sfn.StateMachine;
  /** Its definition as deployed. */
  public readonly checkDefinition: pulumi.Output<string>;
  /** The core check: definition with placeholders and IAM actions. */
  public readonly check: RestorableTimeCheckStateMachine;
  /** The role the check runs as. */
  public readonly checkRole: iam.Role;

  constructor(name: string, props: ManagedBackupAlarmsProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ManagedBackupAlarms', name, {}, opts);
    const { database, environment } = props;
    const databaseArn = database.arn(environment);
    this.failedJobRules = this.notifyFailedJobs(name, props, databaseArn);

    this.check = restorableTimeCheck({ source: database.kind, metricNamespace: props.metricNamespace });
    this.checkRole = new iam.Role(`${name}-check-role`, {
      description: 'Reads the latest restorable time of one database and publishes its lag, nothing else',
      assumeRolePolicy: assumedByService('states.amazonaws.com'),
    }, { parent: this });
    new iam.RolePolicy(`${name}-check-policy`, {
      role: this.checkRole.id,
      policy: policyDocument([
        ...drillPermissionStatements(this.check.iamActions, {
          'rds-source': { Resource: databaseArn },
          'cloudwatch-namespace-condition': { Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } } },
        }, 'ManagedBackupAlarms'),
        ...STATE_MACHINE_OBSERVABILITY_STATEMENTS,
      ]),
    }, { parent: this });
    this.checkDefinition = database.identifier.apply((identifier) => renderDefinition(this.check.definition, {
      [DrillPlaceholder.DATABASE_NAME]: identifier,
      [DrillPlaceholder.SOURCE_IDENTIFIER]: identifier,
    }));
    const logs = new cloudwatch.LogGroup(`${name}-check-logs`, { retentionInDays: props.logRetentionDays }, { parent: this });
    this.restorableTimeCheck = new sfn.StateMachine(`${name}-restorable-time-check`, {
      // Express: it runs every few minutes for a few seconds, and costs a fraction of a standard workflow.
      type: 'EXPRESS',
      definition: this.checkDefinition,
      roleArn: this.checkRole.arn,
      loggingConfiguration: { logDestination: pulumi.interpolate`${logs.arn}:*`, level: 'ALL', includeExecutionData: true },
      tracingConfiguration: { enabled: true },
    }, { parent: this });
    const schedulerRole = createSchedulerRole(`${name}-check`, this, environment, [
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
      createBackupAlarm(`${name}-no-completed-backup`, {
        description: pulumi.interpolate`No AWS Backup job of ${database.identifier} completed in vault ${props.backupVaultName} within the RPO of ${props.rpoHours} hours`,
        metric: {
          namespace: AWS_BACKUP_METRIC_NAMESPACE,
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
      createBackupAlarm(`${name}-restorable-time-lag`, {
        description: pulumi.interpolate`Point-in-time recovery of ${database.identifier} lags more than ${props.maxRestorableTimeLagMinutes} minutes, or its check stopped reporting`,
        metric: {
          namespace: props.metricNamespace,
          metricName: RESTORABLE_TIME_LAG_METRIC,
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

  private notifyFailedJobs(name: string, props: ManagedBackupAlarmsProps, databaseArn: pulumi.Output<string>): cloudwatch.EventRule[] {
    const { database, topicArn } = props;
    const notify = (rule: cloudwatch.EventRule, id: string, what: string) => new cloudwatch.EventTarget(`${id}-notification`, {
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
        inputTemplate: pulumi.interpolate`"AWS Backup ${what} of ${database.identifier} ended <detail-state><detail-status>: <detail-statusMessage> (<detail-type>, <resources>)"`,
      },
    }, { parent: this });
    const jobs = new cloudwatch.EventRule(`${name}-failed-jobs`, {
      description: pulumi.interpolate`A backup or copy job of ${database.identifier} failed, was aborted, expired or was partial`,
      eventPattern: pulumi.jsonStringify({
        'source': ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        'detail': { resourceArn: [databaseArn], state: [...FAILED_JOB_STATES] },
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
