import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintRestoreTesting, createFleetBackupPlans } from './blueprint-backup-plans';
import { createFleetDrills } from './blueprint-drills';
import { createFleetDumps } from './blueprint-dumps';
import { createFleetInfrastructure, defaultBucketName } from './blueprint-fleet-infrastructure';
import { createFleetPrune } from './blueprint-prune';
import { checkServerSecrets, coreServerHandle, recordBlueprintProtections, serverHandles } from './blueprint-server-handles';
import { cdkValidationOptions } from './cdk-validation';
import { plannedMetric, renderPlannedAlarms } from './planned-alarms';
import { addPlannedAlarmStatus, addPlannedGraphs } from './planned-dashboard';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { planBlueprintDashboard } from '../core/aws/blueprint-dashboard';
import {
  PostgresBackupBlueprintPlan, blueprintCostEstimates, blueprintDumpSucceededMetric, planPostgresBackupBlueprint,
} from '../core/aws/postgres-backup-blueprint';
import { CostEstimate } from '../core/policy/cost-estimate';

export * from './postgres-backup-blueprint-props';
export type { BlueprintRestoreTesting } from './blueprint-backup-plans';

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
  /** The bucket construct. */
  public readonly backupBucket: BackupBucket;
  /** The bucket's name, when known at synth time. */
  public readonly bucketName?: string;
  /** The key prefix of the fleet. */
  public readonly prefix: string;
  /** The topic failures go to. */
  public readonly notificationTopic: sns.ITopic;
  /** The cluster the tasks run in. */
  public readonly cluster: ecs.ICluster;
  /** Dump task definitions by PostgreSQL major. */
  public readonly dumpTaskDefinitions: ReadonlyMap<number, ecs.FargateTaskDefinition>;
  /** Verify task definitions by PostgreSQL major (none when no tier drills). */
  public readonly verifyTaskDefinitions: ReadonlyMap<number, ecs.FargateTaskDefinition>;
  /** The restore-drill state machine of the whole fleet, when a tier drills. */
  public readonly drillStateMachine?: sfn.StateMachine;
  /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
  public readonly drillSchedules: readonly scheduler.Schedule[];
  /** The AWS Backup vault, when a server is a managed database whose tier has a backup plan. */
  public readonly vault?: PostgresBackupVault;
  /** The AWS Backup plans, one per distinct plan among the managed servers. */
  public readonly backupPlans: readonly backup.BackupPlan[];
  /** The AWS Backup restore testing of the managed servers' recovery points, when `restoreTesting` is set. */
  public readonly restoreTesting?: BlueprintRestoreTesting;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every protected database. */
  public readonly databases: readonly BlueprintProtectedDatabase[];
  /** Storage-cost estimates by server id (servers with sizes only). */
  public readonly costEstimates: ReadonlyMap<string, CostEstimate>;
  /** The runbook files. */
  public readonly runbooks: RestoreRunbookArtifacts;
  /** The CloudWatch namespace of the metrics. */
  public readonly metricNamespace: string;
  /** The prune task definition, whose role alone may delete dumps (when a server's dumps have a retention policy). */
  public readonly pruneTaskDefinition?: ecs.FargateTaskDefinition;
  /** One prune schedule per database whose dumps have a retention policy. */
  public readonly pruneSchedules: readonly scheduler.Schedule[];
  /**
   * With a retention policy and a `replication` destination given by ARN: the statements (JSON) its owner adds to the
   * offsite bucket's policy and the replica key's policy so that the prune task may prune the replicas; also the stack
   * output `ReplicaPruneDestinationPolicy`.
   */
  public readonly replicaPruneDestinationPolicy?: string;

  /** What this construct creates, as core decided it. */
  public readonly plan: PostgresBackupBlueprintPlan;

  constructor(scope: Construct, id: string, props: PostgresBackupBlueprintProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const handles = props.databases.map((entry) => serverHandles(entry));
    const plan = planPostgresBackupBlueprint(props, {
      servers: handles.map(coreServerHandle),
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      validation: cdkValidationOptions(this),
      check: (validator) => checkServerSecrets(validator, handles),
      identitySecret: { given: props.encryption?.identitySecret !== undefined, path: 'encryption.identitySecret' },
      name: Names.uniqueId(this),
    });
    this.plan = plan;
    this.prefix = plan.prefix;
    this.metricNamespace = plan.metricNamespace;
    this.bucketName = props.bucketName ?? defaultBucketName(this);
    for (const note of plan.notes) Annotations.of(this).addInfo(note);

    const fleet = createFleetInfrastructure(this, props, plan, handles, this.bucketName);
    this.backupBucket = fleet.backupBucket;
    this.bucket = fleet.backupBucket.bucket;
    this.notificationTopic = fleet.notificationTopic;
    this.cluster = fleet.cluster;
    this.pruneTaskDefinition = fleet.pruneTaskDefinition;
    const dumps = createFleetDumps(fleet);
    this.dumpTaskDefinitions = dumps.taskDefinitions;
    this.runbooks = dumps.runbooks;
    this.databases = dumps.databases;
    this.costEstimates = blueprintCostEstimates(plan);
    const prune = plan.prune && createFleetPrune(fleet);
    this.pruneSchedules = prune?.schedules ?? [];
    this.replicaPruneDestinationPolicy = prune?.replicaPruneDestinationPolicy;

    const drill = plan.drills && createFleetDrills(fleet, plan.drills);
    this.verifyTaskDefinitions = drill?.taskDefinitions ?? new Map();
    this.drillStateMachine = drill?.stateMachine;
    this.drillSchedules = drill?.schedules ?? [];
    renderPlannedAlarms(this, plan.alarms, this.notificationTopic, {
      'dead-letter-queue': fleet.deadLetterQueue.queueName,
      ...this.backupBucket.replicationMetricResources(),
      ...(plan.replication ? { 'backup-bucket': fleet.bucketName } : {}),
      ...(drill ? { 'state-machine': drill.stateMachine.stateMachineArn } : {}),
    });

    const managedPlans = createFleetBackupPlans(fleet);
    this.vault = managedPlans.vault;
    this.backupPlans = managedPlans.plans;
    this.restoreTesting = managedPlans.restoreTesting;
    recordBlueprintProtections(this, plan, handles, dumps.databases, managedPlans.vault?.lock);
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
    const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
    if (!found) throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
    return found;
  }
}
