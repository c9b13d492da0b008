import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createFleetBackupPlans } from './blueprint-backup-plans';
import { createFleetDrills } from './blueprint-drills';
import { CdkBlueprintResources, createFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { createFleetScheduledTasks } from './blueprint-scheduled-tasks';
import { coreServerHandle, recordBlueprintProtections, serverHandles } from './blueprint-server-handles';
import { cdkValidationOptions } from './cdk-validation';
import { plannedMetric, renderPlannedAlarms } from './planned-alarms';
import { addPlannedAlarmStatus, addPlannedGraphs } from './planned-dashboard';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { planBlueprintDashboard } from '../core/aws/blueprint-dashboard';
import {
  PostgresBackupBlueprintAttributes, blueprintDumpSucceededMetric, checkBlueprintLiterals, findBlueprintDatabase, planPostgresBackupBlueprint,
  postgresBackupBlueprintAttributes,
} from '../core/aws/postgres-backup-blueprint';

export * from './postgres-backup-blueprint-props';
export type { BlueprintRestoreTesting } from './blueprint-fleet-infrastructure';

/** The attributes core decides (its plan, prefix, namespace, cost estimates) and the resources it declares, in CDK constructs. */
export interface PostgresBackupBlueprint extends PostgresBackupBlueprintAttributes, CdkBlueprintResources {}

/**
 * Backups for a fleet of PostgreSQL databases from one tier, on shared infrastructure, so that each database adds at
 * most three resources: one ECS cluster, one bucket (a prefix per server), one dump task definition and one verify task
 * definition per PostgreSQL major, one restore-drill state machine that drills any database named in its input, one
 * topic, one dashboard, one AWS Backup vault; per database a dump schedule (the shared task with its own command) and
 * an RPO alarm; per server a security-group ingress rule; per group of databases sharing a drill schedule, one drill
 * schedule.
 *
 * Each database gets its restore runbook (from core) as a file in the cloud assembly and a stack output with its
 * restore command, and the monthly storage-cost estimate of each server is recorded for the synth report.
 *
 * What the shared pieces cost in isolation: every dump task can read every server's secret (they are all in the one
 * task definition), and the bucket's Object Lock and the vault lock are the blueprint's tier's for every database.
 */
export class PostgresBackupBlueprint extends Construct {
  /** The bucket of every dump. */
  public readonly bucket: s3.IBucket;
  /** The topic failures go to. */
  public readonly notificationTopic: sns.ITopic;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PostgresBackupBlueprintProps) {
    super(scope, id);
    const stack = Stack.of(this);
    checkBlueprintLiterals(props, cdkValidationOptions(this));
    const handles = props.databases.map((entry, index) => serverHandles(entry, index, cdkValidationOptions(this)));
    const plan = planPostgresBackupBlueprint(props, {
      servers: handles.map(coreServerHandle),
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      validation: cdkValidationOptions(this),
      identitySecret: { given: props.encryption?.identitySecret !== undefined, path: 'encryption.identitySecret' },
      name: Names.uniqueId(this),
      constructPath: this.node.path,
    });
    Object.assign(this, postgresBackupBlueprintAttributes(plan));
    for (const note of plan.notes) Annotations.of(this).addInfo(note);
    const fleet = createFleetInfrastructure(this, props, plan, handles);
    this.bucket = fleet.backupBucket.bucket;
    this.notificationTopic = fleet.notificationTopic;
    Object.assign(this, fleet.resources, createFleetScheduledTasks(fleet), createFleetDrills(fleet));
    renderPlannedAlarms(this, plan.alarms, this.notificationTopic, {
      'dead-letter-queue': fleet.deadLetterQueue.queueName,
      ...this.backupBucket.replicationMetricResources(),
      ...(plan.replication ? { 'backup-bucket': fleet.bucketName } : {}),
      ...(this.drillStateMachine ? { 'state-machine': this.drillStateMachine.stateMachineArn } : {}),
    });
    Object.assign(this, createFleetBackupPlans(fleet));
    recordBlueprintProtections(this, plan, handles, this.databases, this.vault?.lock);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    const dashboard = planBlueprintDashboard({ metricNamespace: this.metricNamespace, databaseCount: this.databases.length });
    addPlannedGraphs(this.dashboard, dashboard.graphs);
    addPlannedAlarmStatus(this.dashboard, dashboard.alarmStatus, this.databases.map((database) => database.rpoAlarm));
  }

  /** Successful dumps of one database (sum per period). */
  public metricDumpSucceeded(serverId: string, databaseName: string, period: Duration = Duration.hours(1)): cloudwatch.Metric {
    return plannedMetric(blueprintDumpSucceededMetric(this.metricNamespace, serverId, databaseName, period.toSeconds()));
  }

  /** The protected database `databaseName` of server `serverId`. */
  public database(serverId: string, databaseName: string): BlueprintProtectedDatabase {
    return findBlueprintDatabase(this.databases, serverId, databaseName);
  }
}
