import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as iam from '@pulumi/aws/iam';
import type * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { createDeadLetterQueue } from './dead-letter-queue';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedTaskScheduleTarget } from './planned-task-schedules';
import { createTaskRole } from './planned-tasks';
import { PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { DEFAULT_LOG_RETENTION_DAYS, checkLogRetentionDays } from '../../core/aws/log-retention';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, PostgresBackupBlueprintPlan, planPostgresBackupBlueprint } from '../../core/aws/postgres-backup-blueprint';
import { SCHEDULE_START_RETRY } from '../../core/aws/schedule-start-retry';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** The pieces of a Pulumi `PostgresBackupBlueprint` that every server's dumps, drills and prunes share, and core's plan of it. */
export interface BlueprintFleetInfrastructure {
  readonly plan: PostgresBackupBlueprintPlan;
  readonly props: PostgresBackupBlueprintProps;
  /** The blueprint component: the parent of every resource. */
  readonly parent: pulumi.ComponentResource;
  /** The blueprint's name, the start of every resource name. */
  readonly name: string;
  readonly environment: AwsEnvironment;
  readonly backupBucket: BackupBucket;
  readonly notificationTopicArn: pulumi.Output<string>;
  readonly notificationTopicKeyArn?: pulumi.Output<string>;
  readonly cluster: EcsClusterReference;
  /** The log group of the tasks. */
  readonly logGroup: cloudwatch.LogGroup;
  readonly logRetentionDays: number;
  /** The dead-letter queue of every schedule. */
  readonly deadLetterQueue: sqs.Queue;
  /** The role of the prune task, when a server's dumps have a retention policy. */
  readonly pruneRole?: iam.Role;
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => pulumi.Input<string>;
}

/**
 * Plans the fleet (every prop is a plain value: the whole fleet is checked before any resource is registered) and
 * creates what it shares, as children of `parent`: the prune task's role (before the bucket, whose policy lets
 * it, and only it, delete), the bucket with core's lifecycle, the topic, the cluster, the task logs and the schedules'
 * dead-letter queue.
 */
export function createFleetInfrastructure(
  name: string, parent: pulumi.ComponentResource, props: PostgresBackupBlueprintProps,
): BlueprintFleetInfrastructure {
  const plan = planPostgresBackupBlueprint(props, {
    // The storage key is known only at deploy time here: account copies are checked as for an unknown key.
    servers: props.databases.map((entry) => ({
      managed: entry.managedDatabase !== undefined, postgresMajorVersion: entry.database.postgresMajorVersion, kind: entry.managedDatabase?.kind,
    })),
    region: new pulumi.Config('aws').get('region'),
    validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
    check: (validator) => checkLogRetentionDays(validator, 'logRetentionDays', props.logRetentionDays),
    identitySecret: { given: props.encryption?.identitySecretArn !== undefined, path: 'encryption.identitySecretArn' },
    name,
  });
  for (const note of plan.notes) void pulumi.log.info(note, parent);
  const environment = awsEnvironment(parent);
  const child = { parent };
  const pruneRole = plan.prune && createTaskRole(`${name}-prune-role`, plan.prune.descriptions.taskRole, parent);
  const backupBucket = new BackupBucket(`${name}-backups`, {
    pruneRoleArn: pruneRole?.arn,
    replication: plan.replication,
    bucketName: props.bucketName,
    lifecycleRules: [...plan.lifecycleRules],
    objectLock: plan.lock,
    serverAccessLogs: props.serverAccessLogs,
    breakGlassRoleArn: props.breakGlassRoleArn,
    retainOnDelete: props.retainOnDelete,
    environment,
  }, child);
  const notifications = new BackupNotifications(`${name}-notifications`, {
    topicArn: props.notificationTopicArn,
    topicKeyArn: props.notificationTopicKeyArn,
    additionalPublishingServices: plan.backupPlans.length > 0 ? ['backup.amazonaws.com'] : [],
    retainOnDelete: props.retainOnDelete,
    environment,
  }, child);
  const logRetentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const image = props.image;
  return {
    plan,
    props,
    parent,
    name,
    environment,
    backupBucket,
    notificationTopicArn: notifications.topicArn,
    notificationTopicKeyArn: notifications.topicKeyArn,
    cluster: givenOrNewEcsCluster(name, props.cluster, child),
    logGroup: new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child),
    logRetentionDays,
    deadLetterQueue: createDeadLetterQueue(name, parent),
    pruneRole,
    image: (major) => (typeof image === 'function' ? image(major) : image),
  };
}

/**
 * What a schedule of the fleet starts: `task` in the fleet's cluster and subnets, its runner's command overridden, a
 * start it could not make retried as every schedule retries it, then sent to the fleet's dead-letter queue.
 */
export function fleetScheduleTarget(
  fleet: BlueprintFleetInfrastructure, task: Pick<PlannedTaskScheduleTarget, 'taskDefinitionArn' | 'securityGroupId' | 'roleArn' | 'command'>,
): PlannedTaskScheduleTarget {
  return {
    clusterArn: fleet.cluster.arn,
    subnetIds: fleet.props.subnetIds,
    deadLetterQueueArn: fleet.deadLetterQueue.arn,
    retryAttempts: SCHEDULE_START_RETRY.attempts,
    maxEventAgeSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds,
    containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    ...task,
  };
}
