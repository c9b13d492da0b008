import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { createFleetBackupPlans } from './blueprint-backup-plans';
import { createFleetDrills } from './blueprint-drills';
import { PulumiBlueprintResources, createFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { createFleetDashboard, createFleetScheduledTasks } from './blueprint-scheduled-tasks';
import { ManagedSnapshotArgsProps, managedSnapshotArgs } from './managed-postgres-database';
import { createPlannedAlarms } from './metric-alarm';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import {
  PostgresBackupBlueprintAttributes, blueprintCostMessages, blueprintProtections, findBlueprintDatabase, postgresBackupBlueprintAttributes,
} from '../../core/aws/postgres-backup-blueprint';
import { BackupTier, BackupTierOptions } from '../../core/policy/backup-tier';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';

export * from './postgres-backup-blueprint-props';
export { BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION } from '../../core/aws/postgres-backup-blueprint';
export type { BlueprintRestoreTesting } from './blueprint-fleet-infrastructure';

/** The attributes core decides (its plan, prefix, namespace, cost estimates) and the resources it declares, in Pulumi resources and outputs. */
export interface PostgresBackupBlueprint extends PostgresBackupBlueprintAttributes, PulumiBlueprintResources {}

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
 * warns about every setting a database lacks).
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
    return managedSnapshotArgs(tier.policy(options).managedSnapshots ?? {}, props);
  }

  /** ARN of the topic failures go to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** The fleet drill's definition as deployed, when a tier drills. */
  public readonly drillDefinition?: pulumi.Output<string>;
  /** Fleet-wide alarms: a schedule that could not start a task or drill, a failed drill execution. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /**
   * What protects each server (core's protection records: dumps, managed backups, drills, restore testing, cost
   * estimates), naming it by the URN of its RDS resource when it is one of this program's; also its `protections` output.
   */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: PostgresBackupBlueprintProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:PostgresBackupBlueprint', name, {}, opts);
    const fleet = createFleetInfrastructure(name, this, props);
    const plan = fleet.plan;
    this.notificationTopicArn = fleet.notificationTopicArn;
    Object.assign(this, postgresBackupBlueprintAttributes(plan), fleet.resources, createFleetScheduledTasks(fleet));
    for (const message of blueprintCostMessages(plan)) void pulumi.log.info(message, this);
    Object.assign(this, createFleetDrills(fleet));
    this.alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this, {
      'dead-letter-queue': fleet.deadLetterQueue.name,
      'backup-bucket': this.bucketName,
      ...this.backupBucket.replicationMetricResources(),
      ...(this.drillStateMachine ? { 'state-machine': this.drillStateMachine.arn } : {}),
    });
    Object.assign(this, createFleetBackupPlans(fleet));
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
    return findBlueprintDatabase(this.databases, serverId, databaseName);
  }
}
