import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DrillResourceScope, addDrillPermissions } from './drill-permissions';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { acknowledgeWildcards, drillRoleWildcards } from './reviewed-findings';
import { RESTORABLE_TIME_LAG_METRIC, restorableTimeCheck } from '../core/aws/restorable-time-check';
import { DrillPlaceholder, DrillResourceKind } from '../core/aws/state-machines';

/** AWS Backup's own CloudWatch namespace. */
export const AWS_BACKUP_METRIC_NAMESPACE = 'AWS/Backup';

/** Job states of AWS Backup events that mean a backup or copy did not happen. */
export const FAILED_JOB_STATES: readonly string[] = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];

/** Props of {@link ManagedBackupAlarms}. */
export interface ManagedBackupAlarmsProps {
  /** The database. */
  readonly database: ManagedPostgresDatabase;
  /** Name of the vault its backup jobs write to (a vault of its own, so the vault's job count is the database's). */
  readonly backupVaultName: string;
  /** Where alarms and failed-job events go. */
  readonly topic: sns.ITopic;
  /** Alarm when no backup job completed in this many hours (at most 168). */
  readonly rpoHours: number;
  /** Alarm when the latest restorable time lags more than this many minutes. */
  readonly maxRestorableTimeLagMinutes: number;
  /** How often the latest restorable time is read, minutes. */
  readonly restorableTimeCheckIntervalMinutes: number;
  /** Namespace of the restorable-time lag metric. */
  readonly metricNamespace: string;
  /** Value of the `Database` dimension of that metric. */
  readonly databaseLabel: string;
  /** How long the check's execution logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

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
export class ManagedBackupAlarms extends Construct {
  /** Alarms: no completed backup job within the RPO; restorable time lagging. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The rules sending failed jobs to the topic. */
  public readonly failedJobRules: readonly events.Rule[];
  /** The state machine that publishes the restorable-time lag. */
  public readonly restorableTimeCheck: sfn.StateMachine;
  private readonly props: ManagedBackupAlarmsProps;

  constructor(scope: Construct, id: string, props: ManagedBackupAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.failedJobRules = this.notifyFailedJobs();
    this.restorableTimeCheck = this.createRestorableTimeCheck();

    const action = new cloudwatchActions.SnsAction(props.topic);
    this.alarms = [
      new cloudwatch.Alarm(this, 'NoCompletedBackupAlarm', {
        alarmDescription: `No AWS Backup job of ${props.database.identifier} completed in vault ${props.backupVaultName} within the RPO of ${props.rpoHours} hours`,
        metric: this.metricBackupJobsCompleted({ period: Duration.hours(props.rpoHours) }),
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
  public metricBackupJobsCompleted(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: AWS_BACKUP_METRIC_NAMESPACE,
      metricName: 'NumberOfBackupJobsCompleted',
      dimensionsMap: { BackupVaultName: this.props.backupVaultName },
      statistic: 'Sum',
      period: Duration.hours(1),
      ...props,
    });
  }

  /**
   * Seconds between the check and the database's latest restorable time (largest per period). The period spans three
   * checks, so one late check does not count as missing.
   */
  public metricRestorableTimeLag(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricNamespace,
      metricName: RESTORABLE_TIME_LAG_METRIC,
      dimensionsMap: { Database: this.props.databaseLabel },
      statistic: 'Maximum',
      period: Duration.minutes(3 * this.props.restorableTimeCheckIntervalMinutes),
      ...props,
    });
  }

  private notifyFailedJobs(): events.Rule[] {
    const { database, topic } = this.props;
    const arn = database.arn(this);
    const target = (what: string) => new eventsTargets.SnsTopic(topic, {
      message: events.RuleTargetInput.fromText(
        `AWS Backup ${what} of ${database.identifier} ended ${events.EventField.fromPath('$.detail.state')}`
        + `${events.EventField.fromPath('$.detail.status')}: ${events.EventField.fromPath('$.detail.statusMessage')} `
        + `(${events.EventField.fromPath('$.detail-type')}, ${events.EventField.fromPath('$.resources')})`,
      ),
    });
    const jobs = new events.Rule(this, 'FailedJobRule', {
      description: `A backup or copy job of ${database.identifier} failed, was aborted, expired or was partial`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: { resourceArn: [arn], state: [...FAILED_JOB_STATES] },
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

  private createRestorableTimeCheck(): sfn.StateMachine {
    const { database, metricNamespace, databaseLabel } = this.props;
    const check = restorableTimeCheck({ source: database.kind, metricNamespace });
    const role = new iam.Role(this, 'CheckRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Reads the latest restorable time of one database and publishes its lag, nothing else',
    });
    const scopes: Partial<Record<DrillResourceKind, DrillResourceScope>> = {
      'rds-source': { resources: [database.arn(this)] },
      'cloudwatch-namespace-condition': { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': metricNamespace } } },
    };
    addDrillPermissions(role, check.iamActions, scopes, 'ManagedBackupAlarms');
    acknowledgeWildcards(role, drillRoleWildcards(check.iamActions, (kind) => scopes[kind]?.resources));
    const substitutions: Record<string, string> = {
      [DrillPlaceholder.DATABASE_NAME]: databaseLabel,
      [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
    };
    const stateMachine = new sfn.StateMachine(this, 'RestorableTimeCheck', {
      comment: `Publishes how far the latest restorable time of ${database.kind === 'instance' ? 'the DB instance' : 'the Aurora cluster'} lags`,
      // Express: it runs every few minutes for a few seconds, and costs a fraction of a standard workflow.
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(check.definition)),
      definitionSubstitutions: Object.fromEntries(check.placeholders.map((name) => [name, substitutions[name]])),
      role,
      logs: {
        destination: new logs.LogGroup(this, 'CheckLogs', { retention: this.props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
      tracingEnabled: true,
    });
    new scheduler.Schedule(this, 'CheckSchedule', {
      description: `Reads the latest restorable time of ${database.kind === 'instance' ? 'a DB instance' : 'an Aurora cluster'} in ${Stack.of(this).stackName}`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(this.props.restorableTimeCheckIntervalMinutes)),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, { retryAttempts: 0 }),
    });
    return stateMachine;
  }
}
