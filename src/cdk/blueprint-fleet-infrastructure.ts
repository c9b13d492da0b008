import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import type { PostgresBackupVault } from './backup-vault';
import { BlueprintServerHandles } from './blueprint-server-handles';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { createPlannedTaskDefinition } from './planned-tasks';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import type { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { runnerImageFromPackage } from './runner-image';
import { BlueprintFleetResources, BlueprintHandleTypes } from '../core/aws/blueprint-resources';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { PostgresBackupBlueprintPlan, blueprintFleetLocation } from '../core/aws/postgres-backup-blueprint';

/** The fleet's AWS Backup restore testing: one plan over the vault, one selection per resource type. */
export interface BlueprintRestoreTesting {
  /** The restore testing plan. */
  readonly plan: backup.CfnRestoreTestingPlan;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
  /** The selections: the tested RDS instances, the tested Aurora clusters. */
  readonly selections: readonly backup.CfnRestoreTestingSelection[];
}

/** The CDK constructs the resources of a `PostgresBackupBlueprint` are. */
export interface CdkBlueprintHandles extends BlueprintHandleTypes {
  readonly backupBucket: BackupBucket;
  readonly bucketName: string | undefined;
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly schedule: scheduler.Schedule;
  readonly stateMachine: sfn.StateMachine;
  readonly vault: PostgresBackupVault;
  readonly backupPlan: backup.BackupPlan;
  readonly restoreTesting: BlueprintRestoreTesting;
  readonly protectedDatabase: BlueprintProtectedDatabase;
  readonly runbooks: RestoreRunbookArtifacts;
  readonly text: string;
}

/** What a `PostgresBackupBlueprint` creates and exposes, as core declares it, in CDK constructs. */
export type CdkBlueprintResources = BlueprintFleetResources<CdkBlueprintHandles>;

/** The pieces of a `PostgresBackupBlueprint` that every server's dumps, drills and prunes share, and core's plan of it. */
export type BlueprintFleetInfrastructure = ReturnType<typeof createFleetInfrastructure>;

/**
 * Creates what the fleet shares: the prune task (before the bucket, whose policy lets its role, and only it, delete),
 * the bucket with core's name and lifecycle, the topic, the cluster, the task logs, the schedules' dead-letter queue,
 * and what every schedule's target shares.
 */
export function createFleetInfrastructure(
  scope: Construct, props: PostgresBackupBlueprintProps, plan: PostgresBackupBlueprintPlan, handles: readonly BlueprintServerHandles[],
) {
  const pruneTaskDefinition = plan.prune && createPlannedTaskDefinition(scope, 'PruneTask', plan.prune.task);
  const backupBucket = new BackupBucket(scope, 'Backups', {
    pruneRole: pruneTaskDefinition?.taskRole,
    replication: plan.replication,
    prefix: plan.prefix,
    lifecycleRules: plan.lifecycleRules,
    bucketName: plan.bucketName,
    objectLock: plan.lock,
    serverAccessLogs: props.serverAccessLogs,
    breakGlassRole: props.breakGlassRole,
    removalPolicy: props.removalPolicy,
  });
  const notifications = new BackupNotifications(scope, 'Notifications', { topic: props.notificationTopic });
  const cluster = props.cluster ?? new ecs.Cluster(scope, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const deadLetterQueue = createScheduleDeadLetterQueue(scope);
  const notificationTopic = notifications.topic;
  const bucketName = plan.bucketName ?? backupBucket.bucket.bucketName;
  const resources: Pick<CdkBlueprintResources, 'backupBucket' | 'bucketName' | 'cluster' | 'pruneTaskDefinition'> = {
    backupBucket, bucketName: plan.bucketName, cluster, pruneTaskDefinition,
  };
  return {
    plan,
    props,
    /** The CDK handles of each server, by its position in `databases`. */
    handles,
    /** The blueprint: the scope of every resource, and the node that carries the protection metadata. */
    scope,
    resources,
    subnets,
    backupBucket,
    /** The bucket's name: the literal one when known at synth time, else a token. */
    bucketName,
    /** Where the fleet's dumps are: `s3://<bucket>/<prefix>`. */
    fleetLocation: blueprintFleetLocation(bucketName, plan),
    /** The region the runbooks name: the stack's, a token when the stack has no region. */
    region: Stack.of(scope).region,
    notifications,
    notificationTopic,
    cluster,
    logGroup: new logs.LogGroup(scope, 'Logs', { retention: props.logRetention ?? DEFAULT_LOG_RETENTION_DAYS, removalPolicy: RemovalPolicy.DESTROY }),
    deadLetterQueue,
    /** The runner image of a PostgreSQL major. */
    image: (major: number) => props.image ?? runnerImageFromPackage({ postgresMajorVersion: major }),
    /** What every schedule of the fleet starts a task with: the cluster and subnets, core's retries and container, the dead-letter queue. */
    scheduleTarget: { cluster, vpcSubnets: subnets, deadLetterQueue, ...plan.scheduleStart },
  };
}
