import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { PlannedResourceNames, plannedMetric, renderPlannedAlarms } from './planned-alarms';
import { renderEventNotification } from './planned-event-notifications';
import { renderPlannedStateMachine, renderStateMachineSchedule } from './planned-state-machine';
import { ManagedBackupMonitoringPlan, ManagedBackupNames, fillManagedBackupNames } from '../core/aws/managed-backup-alarms';
import { restorableTimeCheckWiring } from '../core/aws/restorable-time-check';

export { AWS_BACKUP_METRIC_NAMESPACE, FAILED_JOB_STATES } from '../core/aws/managed-backup-alarms';

/** Props of {@link ManagedBackupAlarms}. */
export interface ManagedBackupAlarmsProps {
  /** The database. */
  readonly database: ManagedPostgresDatabase;
  /** Name of the vault its backup jobs write to (a vault of its own, so the vault's job count is the database's). */
  readonly backupVaultName: string;
  /** Where alarms and failed-job events go. */
  readonly topic: sns.ITopic;
  /** What core planned: rules, alarms, the restorable-time check (`ManagedPostgresBackupPlan.backupPlan.monitoring`). */
  readonly plan: ManagedBackupMonitoringPlan;
  /** How long the check's execution logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Paging for a managed backup plan, as core plans it (`planManagedBackupMonitoring`): failed backup, copy and restore
 * jobs to the topic; an alarm when no backup job completed within the RPO; a scheduled check of the database's
 * `LatestRestorableTime` and an alarm when point-in-time recovery lags or the check stops reporting.
 */
export class ManagedBackupAlarms extends Construct {
  /** Alarms: no completed backup job within the RPO; restorable time lagging. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The rules sending failed jobs to the topic. */
  public readonly failedJobRules: readonly events.Rule[];
  /** The state machine that publishes the restorable-time lag. */
  public readonly restorableTimeCheck: sfn.StateMachine;
  private readonly metrics: ManagedBackupMonitoringPlan['metrics'];
  private readonly resources: PlannedResourceNames;

  constructor(scope: Construct, id: string, props: ManagedBackupAlarmsProps) {
    super(scope, id);
    const { database, topic, logRetention, plan: { restorableTimeCheck: check, ...plan } } = props;
    const arn = database.arn(this);
    const names: ManagedBackupNames = { Database: database.identifier, DatabaseArn: arn, BackupVaultName: props.backupVaultName };
    const fill = (text: string) => fillManagedBackupNames(text, names);
    this.metrics = plan.metrics;
    this.resources = { 'backup-vault': props.backupVaultName, 'database': database.identifier };
    this.failedJobRules = plan.failedJobRules.map((rule) => renderEventNotification(this, rule, topic, { fill }));
    const wiring = restorableTimeCheckWiring({ identifier: database.identifier, arn }, check.metricNamespace);
    ({ stateMachine: this.restorableTimeCheck } = renderPlannedStateMachine(this, check.stateMachine,
      { substitutions: wiring.placeholders, scopes: wiring.scopes, logRetention, owner: 'ManagedBackupAlarms', what: 'the restorable-time check' }));
    renderStateMachineSchedule(this, this.restorableTimeCheck, check.schedule, undefined, `${check.schedule.description} in ${Stack.of(this).stackName}`);
    this.alarms = renderPlannedAlarms(this, plan.alarms.map((alarm) => ({ ...alarm, description: fill(alarm.description) })), topic, this.resources);
  }

  /** Backup jobs AWS Backup completed in the vault (sum per period). */
  public metricBackupJobsCompleted(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return plannedMetric(this.metrics.backupJobsCompleted, this.resources, props);
  }

  /**
   * Seconds between the check and the database's latest restorable time (largest per period). The period spans three
   * checks, so one late check does not count as missing.
   */
  public metricRestorableTimeLag(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return plannedMetric(this.metrics.restorableTimeLag, this.resources, props);
  }
}
