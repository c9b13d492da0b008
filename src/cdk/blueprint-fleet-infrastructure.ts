import * as crypto from 'node:crypto';
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { BlueprintServerHandles } from './blueprint-server-handles';
import { createScheduleDeadLetterQueue, PlannedTaskScheduleTarget } from './planned-schedules';
import { createPlannedTaskDefinition } from './planned-tasks';
import { PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { runnerImageFromPackage } from './runner-image';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, PostgresBackupBlueprintPlan } from '../core/aws/postgres-backup-blueprint';
import { SCHEDULE_START_RETRY } from '../core/aws/schedule-start-retry';

/** The pieces of a `PostgresBackupBlueprint` that every server's dumps, drills and prunes share, and core's plan of it. */
export interface BlueprintFleetInfrastructure {
  readonly plan: PostgresBackupBlueprintPlan;
  readonly props: PostgresBackupBlueprintProps;
  /** The CDK handles of each server, by its position in `databases`. */
  readonly handles: readonly BlueprintServerHandles[];
  /** The blueprint: the scope of every resource, and the node that carries the protection metadata. */
  readonly scope: Construct;
  readonly subnets: ec2.SubnetSelection;
  readonly backupBucket: BackupBucket;
  /** The bucket's name: the literal one when known at synth time, else a token. */
  readonly bucketName: string;
  /** The region the runbooks name: the stack's, a token when the stack has no region. */
  readonly region: string;
  readonly notifications: BackupNotifications;
  readonly notificationTopic: sns.ITopic;
  readonly cluster: ecs.ICluster;
  readonly logGroup: logs.ILogGroup;
  /** The dead-letter queue of every schedule. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly securityGroups: { readonly dump: ec2.ISecurityGroup; readonly drill: ec2.ISecurityGroup; readonly prune?: ec2.ISecurityGroup };
  /** The prune task definition, when a server's dumps have a retention policy. */
  readonly pruneTaskDefinition?: ecs.FargateTaskDefinition;
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => ecs.ContainerImage;
}

/**
 * Creates what the fleet shares: the prune task (before the bucket, whose policy lets its role, and only it, delete),
 * the bucket (`bucketName` when known at synth time) with core's lifecycle, the topic, the cluster, the task logs,
 * the security groups of the dump, drill and prune tasks, and the schedules' dead-letter queue.
 */
export function createFleetInfrastructure(
  scope: Construct, props: PostgresBackupBlueprintProps, plan: PostgresBackupBlueprintPlan, handles: readonly BlueprintServerHandles[],
  bucketName: string | undefined,
): BlueprintFleetInfrastructure {
  const pruneTaskDefinition = plan.prune && createPlannedTaskDefinition(scope, 'PruneTask', plan.prune.task);
  const backupBucket = new BackupBucket(scope, 'Backups', {
    pruneRole: pruneTaskDefinition?.taskRole,
    replication: plan.replication,
    prefix: plan.prefix,
    lifecycleRules: plan.lifecycleRules,
    bucketName,
    objectLock: plan.lock,
    serverAccessLogs: props.serverAccessLogs,
    breakGlassRole: props.breakGlassRole,
    removalPolicy: props.removalPolicy,
  });

  const notifications = new BackupNotifications(scope, 'Notifications', { topic: props.notificationTopic });
  const cluster = props.cluster ?? new ecs.Cluster(scope, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: props.logRetention ?? DEFAULT_LOG_RETENTION_DAYS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const securityGroup = (groupId: string, description: string) => new ec2.SecurityGroup(scope, groupId, {
    vpc: props.vpc, description, allowAllOutbound: true,
  });
  const securityGroups = {
    dump: securityGroup('DumpSecurityGroup', plan.descriptions.dumpSecurityGroup),
    drill: securityGroup('DrillSecurityGroup', plan.descriptions.drillSecurityGroup),
    prune: plan.prune && securityGroup('PruneSecurityGroup', plan.prune.descriptions.securityGroup),
  };
  const stack = Stack.of(scope);
  return {
    plan,
    props,
    handles,
    scope,
    subnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    backupBucket,
    bucketName: bucketName ?? backupBucket.bucket.bucketName,
    region: stack.region,
    notifications,
    notificationTopic: notifications.topic,
    cluster,
    logGroup,
    deadLetterQueue: createScheduleDeadLetterQueue(scope),
    securityGroups,
    pruneTaskDefinition,
    image: (major) => props.image ?? runnerImageFromPackage({ postgresMajorVersion: major }),
  };
}

/** `pg-backups-<account>-<region>-<hash of the path>` when the stack's environment is known, so runbooks can name it. */
export function defaultBucketName(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const hash = crypto.createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8);
  return `pg-backups-${stack.account}-${stack.region}-${hash}`;
}

/**
 * What a schedule of the fleet starts: `task` in the fleet's cluster and subnets, its runner's command overridden, a
 * start it could not make retried as every schedule retries it, then sent to the fleet's dead-letter queue.
 */
export function fleetScheduleTarget(
  fleet: BlueprintFleetInfrastructure, task: Pick<PlannedTaskScheduleTarget, 'taskDefinition' | 'securityGroup' | 'role' | 'command'>,
): PlannedTaskScheduleTarget {
  return {
    cluster: fleet.cluster,
    vpcSubnets: fleet.subnets,
    deadLetterQueue: fleet.deadLetterQueue,
    retryAttempts: SCHEDULE_START_RETRY.attempts,
    maxEventAgeSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds,
    containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    ...task,
  };
}
