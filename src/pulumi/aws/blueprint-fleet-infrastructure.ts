import type * as backup from '@pulumi/aws/backup';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as awsConfig from '@pulumi/aws/config';
import type * as ecs from '@pulumi/aws/ecs';
import type * as scheduler from '@pulumi/aws/scheduler';
import type * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import type { PostgresBackupVault } from './backup-vault';
import { EcsClusterReference } from './pg-dump-source';
import { createDeadLetterQueue } from './planned-task-schedules';
import { createTaskRole } from './planned-tasks';
import { BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import type { RenderedRestoreTesting } from './restore-testing';
import { givenOrNewEcsCluster } from './task-placement-handles';
import { AWS_BACKUP_SERVICE_PRINCIPAL } from '../../core/aws/backup-plan-rules';
import { BlueprintFleetResources, BlueprintHandleTypes } from '../../core/aws/blueprint-resources';
import { DEFAULT_LOG_RETENTION_DAYS, checkLogRetentionDays } from '../../core/aws/log-retention';
import { blueprintFleetLocation, checkBlueprintLiterals, planPostgresBackupBlueprint } from '../../core/aws/postgres-backup-blueprint';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/**
 * The fleet's AWS Backup restore testing: one plan over the vault, the role AWS Backup restores with and the attachment
 * of its policy, one selection per resource type (the tested RDS instances, the tested Aurora clusters).
 */
export type BlueprintRestoreTesting = Pick<RenderedRestoreTesting, 'plan' | 'role' | 'attachment' | 'selections'>;

/** The Pulumi resources and outputs the resources of a `PostgresBackupBlueprint` are. */
export interface PulumiBlueprintHandles extends BlueprintHandleTypes {
  readonly backupBucket: BackupBucket;
  readonly bucketName: pulumi.Output<string>;
  readonly cluster: EcsClusterReference;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly schedule: scheduler.Schedule;
  readonly stateMachine: sfn.StateMachine;
  readonly vault: PostgresBackupVault;
  readonly backupPlan: backup.Plan;
  readonly restoreTesting: BlueprintRestoreTesting;
  readonly protectedDatabase: BlueprintProtectedDatabase;
  readonly runbooks: Readonly<Record<string, pulumi.Output<string>>>;
  readonly text: pulumi.Output<string>;
}

/** What a `PostgresBackupBlueprint` creates and exposes, as core declares it, in Pulumi resources and outputs. */
export type PulumiBlueprintResources = BlueprintFleetResources<PulumiBlueprintHandles>;

/** The pieces of a Pulumi `PostgresBackupBlueprint` that every server's dumps, drills and prunes share, and core's plan of it. */
export type BlueprintFleetInfrastructure = ReturnType<typeof createFleetInfrastructure>;

/**
 * Plans the fleet (every prop is a plain value: the whole fleet is checked before any resource is registered) and
 * creates what it shares, as children of `parent`: the prune task's role (before the bucket, whose policy lets
 * it, and only it, delete), the bucket with core's lifecycle, the topic, the cluster, the task logs and the schedules'
 * dead-letter queue.
 */
export function createFleetInfrastructure(name: string, parent: pulumi.ComponentResource, props: PostgresBackupBlueprintProps) {
  checkBlueprintLiterals(props, { ...PULUMI_VALIDATION_OPTIONS, construct: name });
  const plan = planPostgresBackupBlueprint(props, {
    // The storage key is known only at deploy time here: account copies are checked as for an unknown key.
    servers: props.databases.map((entry) => ({
      managed: entry.managedDatabase !== undefined, postgresMajorVersion: entry.database.postgresMajorVersion, kind: entry.managedDatabase?.kind,
    })),
    // The default provider's region: `aws:region`, else AWS_REGION or AWS_DEFAULT_REGION (a stack without the setting).
    region: awsConfig.region,
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
    bucketName: plan.bucketName,
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
    additionalPublishingServices: plan.backupPlans.length > 0 ? [AWS_BACKUP_SERVICE_PRINCIPAL] : [],
    retainOnDelete: props.retainOnDelete,
    environment,
  }, child);
  const logRetentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const { image } = props;
  const cluster = givenOrNewEcsCluster(name, props.cluster, child);
  const deadLetterQueue = createDeadLetterQueue(name, parent, 'later');
  const resources: Pick<PulumiBlueprintResources, 'backupBucket' | 'bucketName' | 'cluster'> = { backupBucket, bucketName: backupBucket.bucketName, cluster };
  return {
    plan,
    props,
    /** The blueprint component: the parent of every resource. */
    parent,
    /** The blueprint's name, the start of every resource name. */
    name,
    environment,
    resources,
    backupBucket,
    /** Where the fleet's dumps are: `s3://<bucket>/<prefix>`. */
    fleetLocation: backupBucket.bucketName.apply((bucketName) => blueprintFleetLocation(bucketName, plan)),
    notificationTopicArn: notifications.topicArn,
    notificationTopicKeyArn: notifications.topicKeyArn,
    cluster,
    logGroup: new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child),
    logRetentionDays,
    deadLetterQueue,
    /** The role of the prune task, when a server's dumps have a retention policy. */
    pruneRole,
    /** The runner image of a PostgreSQL major. */
    image: (major: number) => (typeof image === 'function' ? image(major) : image),
    /** What every schedule of the fleet starts a task with: the cluster and subnets, core's retries and container, the dead-letter queue. */
    scheduleTarget: { clusterArn: cluster.arn, subnetIds: props.subnetIds, deadLetterQueueArn: deadLetterQueue.arn, ...plan.scheduleStart },
  };
}
