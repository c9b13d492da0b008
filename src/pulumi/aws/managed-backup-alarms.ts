import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createEventNotification } from './event-notification';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { createPlannedAlarms } from './metric-alarm';
import { createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { ManagedBackupMonitoringPlan, ManagedBackupNames, fillManagedBackupNames } from '../../core/aws/managed-backup-alarms';
import { restorableTimeCheckWiring } from '../../core/aws/restorable-time-check';

export { AWS_BACKUP_METRIC_NAMESPACE, FAILED_JOB_STATES } from '../../core/aws/managed-backup-alarms';

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
  /** What core planned: rules, alarms, the restorable-time check (`ManagedPostgresBackupPlan.backupPlan.monitoring`). */
  readonly plan: ManagedBackupMonitoringPlan;
  /** Days the check's execution logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * Paging for a managed backup plan, as core plans it (`planManagedBackupMonitoring`): failed backup, copy and restore
 * jobs to the topic; an alarm when no backup job completed within the RPO; a scheduled check of the database's
 * `LatestRestorableTime` and an alarm when point-in-time recovery lags or the check stops reporting.
 */
export class ManagedBackupAlarms extends pulumi.ComponentResource {
  /** Alarms: no completed backup job within the RPO; restorable time lagging. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The rules sending failed jobs to the topic. */
  public readonly failedJobRules: readonly cloudwatch.EventRule[];
  /** The state machine that publishes the restorable-time lag. */
  public readonly restorableTimeCheck: sfn.StateMachine;

  constructor(name: string, props: ManagedBackupAlarmsProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ManagedBackupAlarms', name, {}, opts);
    const { database, environment, plan } = props;
    const databaseArn = database.arn(environment);
    const names: pulumi.Output<ManagedBackupNames> = pulumi.all([database.identifier, databaseArn, props.backupVaultName])
      .apply(([identifier, arn, vault]) => ({ Database: identifier, DatabaseArn: arn, BackupVaultName: vault }));
    const fill = (text: string) => names.apply((values) => fillManagedBackupNames(text, values));

    this.failedJobRules = plan.failedJobRules.map((rule) => createEventNotification(name, rule, props.topicArn, this, { fill }));

    const check = plan.restorableTimeCheck;
    const wiring = restorableTimeCheckWiring<pulumi.Input<string>>({ identifier: database.identifier, arn: databaseArn }, check.metricNamespace);
    this.restorableTimeCheck = createPlannedStateMachine(name, this, check.stateMachine, {
      substitutions: pulumi.output(wiring.placeholders),
      scopes: wiring.scopes,
      logRetentionDays: props.logRetentionDays,
      owner: 'ManagedBackupAlarms',
    }).stateMachine;
    createStateMachineSchedules(name, this, environment, this.restorableTimeCheck.arn, [check.schedule]);

    this.alarms = createPlannedAlarms(name, plan.alarms, props.topicArn, this,
      { 'backup-vault': props.backupVaultName, 'database': database.identifier }, fill);
    this.registerOutputs({ alarmArns: this.alarms.map((alarm) => alarm.arn), restorableTimeCheckArn: this.restorableTimeCheck.arn });
  }
}
