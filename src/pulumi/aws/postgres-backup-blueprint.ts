import type * as backup from '@pulumi/aws/backup';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ecs from '@pulumi/aws/ecs';
import type * as scheduler from '@pulumi/aws/scheduler';
import type * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { BackupBucket } from './backup-bucket';
import { PostgresBackupVault } from './backup-vault';
import { BlueprintRestoreTesting, createFleetBackupPlans } from './blueprint-backup-plans';
import { createFleetDrills } from './blueprint-drills';
import { createFleetDashboard, createFleetDumps } from './blueprint-dumps';
import { createFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { createFleetPrune } from './blueprint-prune';
import { replicaPruneDestinationPolicyOutput } from './bucket-replication';
import { ManagedSnapshotArgsProps, managedSnapshotArgs } from './managed-postgres-database';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { PostgresBackupBlueprintPlan, blueprintCostEstimates, blueprintProtections } from '../../core/aws/postgres-backup-blueprint';
import { BackupTier, BackupTierOptions } from '../../core/policy/backup-tier';
import { CostEstimate } from '../../core/policy/cost-estimate';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { resolveManagedSnapshots } from '../../core/policy/defaults';
import { protectionsOutput } from '../protection-outputs';

export * from './postgres-backup-blueprint-props';
export { BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION } from '../../core/aws/postgres-backup-blueprint';
export type { BlueprintRestoreTesting } from './blueprint-backup-plans';

/**
 * Backups for a fleet of PostgreSQL databases from one tier, on shared infrastructure, so that each database adds
 * about three resources — the same design as the CDK `PostgresBackupBlueprint`: one ECS cluster, one bucket (a prefix
 * per server), one dump task definition and one verify task definition per PostgreSQL major, one restore-drill state
 * machine that drills any database named in its input, one topic, one dashboard, one AWS Backup vault; per database a
 * dump schedule (the shared task with its own command) and an RPO alarm; per server a security-group ingress rule; per
 * group of databases sharing drill settings, one drill schedule; per 40 servers a managed policy reading their secrets
 * (a role's inline policies share 10,240 characters).
 *
 * Each database's restore runbook (from core) is an output (`runbooks`, and `databases[i].runbook`), written to
 * `runbookDirectory` when asked; the monthly storage-cost estimate of each server with sizes is in `costEstimates`
 * and logged.
 *
 * Where Pulumi differs from CDK: a component cannot change the RDS instances' own arguments, so their automated
 * backups come from `PostgresBackupBlueprint.managedSnapshotArgs(tier, …)` spread into each instance (the blueprint
 * warns about every setting a database lacks); the scratch server of the drills trusts its task's loopback instead of
 * a generated password, as `VerifyRestore` does.
 *
 * What the shared pieces cost in isolation: every dump task can read every server's secret (they are all in the one
 * task definition), and the bucket's Object Lock and the vault lock are the blueprint's tier's for every database.
 */
export class PostgresBackupBlueprint extends pulumi.ComponentResource {
  /**
   * The automated-backup arguments a tier gives an `aws.rds.Instance` (retention, windows, tags copied to snapshots,
   * a final snapshot): spread them into the instance, since a Pulumi component cannot set them afterwards.
   */
  public static managedSnapshotArgs(
    tier: BackupTier, props: ManagedSnapshotArgsProps, options: BackupTierOptions = {},
  ): ReturnType<typeof managedSnapshotArgs> {
    const snapshots = tier.policy(options).managedSnapshots;
    return managedSnapshotArgs(snapshots ? resolveManagedSnapshots(snapshots) : {}, props);
  }

  /** The bucket of every dump. */
  public readonly backupBucket: BackupBucket;
  /** Name of that bucket. */
  public readonly bucketName: pulumi.Output<string>;
  /** The key prefix of the fleet. */
  public readonly prefix: string;
  /** ARN of the topic failures go to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** The cluster the tasks run in. */
  public readonly cluster: EcsClusterReference;
  /** Dump task definitions by PostgreSQL major. */
  public readonly dumpTaskDefinitions: ReadonlyMap<number, ecs.TaskDefinition>;
  /** Verify task definitions by PostgreSQL major (none when no tier drills). */
  public readonly verifyTaskDefinitions: ReadonlyMap<number, ecs.TaskDefinition>;
  /** The restore-drill state machine of the whole fleet, when a tier drills. */
  public readonly drillStateMachine?: sfn.StateMachine;
  /** Its definition as deployed. */
  public readonly drillDefinition?: pulumi.Output<string>;
  /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
  public readonly drillSchedules: readonly scheduler.Schedule[];
  /** The AWS Backup vault, when a managed server's tier has a backup plan. */
  public readonly vault?: PostgresBackupVault;
  /** The AWS Backup plans, one per distinct plan among the managed servers. */
  public readonly backupPlans: readonly backup.Plan[];
  /** The AWS Backup restore testing of the managed servers' recovery points, when `restoreTesting` is set. */
  public readonly restoreTesting?: BlueprintRestoreTesting;
  /** Fleet-wide alarms: a schedule that could not start a task or drill, a failed drill execution. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every protected database. */
  public readonly databases: readonly BlueprintProtectedDatabase[];
  /** Each database's restore runbook (Markdown), by `<serverId>/<databaseName>`. */
  public readonly runbooks: Readonly<Record<string, pulumi.Output<string>>>;
  /** Storage-cost estimates by server id (servers with sizes only). */
  public readonly costEstimates: ReadonlyMap<string, CostEstimate>;
  /** The CloudWatch namespace of the metrics. */
  public readonly metricNamespace: string;
  /** The prune task definition, whose role alone may delete dumps (when a server's dumps have a retention policy). */
  public readonly pruneTaskDefinition?: ecs.TaskDefinition;
  /** One prune schedule per database whose dumps have a retention policy. */
  public readonly pruneSchedules: readonly scheduler.Schedule[];
  /**
   * With a retention policy and a `replication` destination given by ARN: the statements (JSON) its owner adds to the offsite bucket's policy and the replica key's policy so that
   * the prune task may prune the replicas; also the `replicaPruneDestinationPolicy` output.
   */
  public readonly replicaPruneDestinationPolicy?: pulumi.Output<string>;

  /** What this component creates, as core decided it. */
  public readonly plan: PostgresBackupBlueprintPlan;
  /**
   * What protects each server (core's protection records: dumps, managed backups, drills, restore testing, cost
   * estimates), naming it by the URN of its RDS resource when it is one of this program's; also its `protections` output.
   */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: PostgresBackupBlueprintProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:PostgresBackupBlueprint', name, {}, opts);
    const fleet = createFleetInfrastructure(name, this, props);
    const plan = fleet.plan;
    this.plan = plan;
    this.prefix = plan.prefix;
    this.metricNamespace = plan.metricNamespace;
    this.backupBucket = fleet.backupBucket;
    this.bucketName = fleet.backupBucket.bucketName;
    this.notificationTopicArn = fleet.notificationTopicArn;
    this.cluster = fleet.cluster;
    const dumps = createFleetDumps(fleet);
    this.dumpTaskDefinitions = dumps.taskDefinitions;
    this.databases = dumps.databases;
    this.costEstimates = blueprintCostEstimates(plan);
    const prune = plan.prune && createFleetPrune(fleet);
    this.pruneTaskDefinition = prune?.taskDefinition;
    this.pruneSchedules = prune?.schedules ?? [];
    this.replicaPruneDestinationPolicy = replicaPruneDestinationPolicyOutput(plan.prune?.replica, fleet.pruneRole?.arn);
    this.runbooks = Object.fromEntries(dumps.databases.map((database) => [database.label, database.runbook]));
    for (const [serverId, estimate] of this.costEstimates) {
      void pulumi.log.info(`${serverId}: estimated backup storage ${estimate.totalMonthlyUsd.toFixed(2)} USD a month (${estimate.summary})`, this);
    }

    const drills = plan.drills && createFleetDrills(fleet, plan.drills);
    this.verifyTaskDefinitions = drills?.taskDefinitions ?? new Map();
    this.drillStateMachine = drills?.stateMachine;
    this.drillDefinition = drills?.definition;
    this.drillSchedules = drills?.schedules ?? [];
    this.alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this, {
      'dead-letter-queue': fleet.deadLetterQueue.name,
      'backup-bucket': this.bucketName,
      ...this.backupBucket.replicationMetricResources(),
      ...(drills ? { 'state-machine': drills.stateMachine.arn } : {}),
    });

    const managedPlans = createFleetBackupPlans(fleet);
    this.vault = managedPlans.vault;
    this.backupPlans = managedPlans.plans;
    this.restoreTesting = managedPlans.restoreTesting;
    this.dashboard = createFleetDashboard(fleet, this.databases);
    this.protections = protectionsOutput(blueprintProtections(plan, this.vault?.lock).map(({ serverIndex, protection }) => ({
      ...protection, database: (props.databases[serverIndex].database.resource ?? props.databases[serverIndex].managedDatabase?.resource)?.urn,
    })));
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      bucketName: this.bucketName,
      notificationTopicArn: this.notificationTopicArn,
      drillStateMachineArn: this.drillStateMachine?.arn,
      dashboardName: this.dashboard.dashboardName,
      runbooks: this.runbooks,
      restoreCommands: Object.fromEntries(this.databases.map((database) => [database.label, database.restoreCommand])),
      replicaPruneDestinationPolicy: this.replicaPruneDestinationPolicy,
    });
  }

  /** The protected database `databaseName` of server `serverId`. */
  public database(serverId: string, databaseName: string): BlueprintProtectedDatabase {
    const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
    if (!found) throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
    return found;
  }
}
