import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BlueprintServerHandles } from './blueprint-server-handles';
import { PlannedTaskScheduleTarget } from './planned-schedules';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, PostgresBackupBlueprintPlan } from '../core/aws/postgres-backup-blueprint';
import { SCHEDULE_START_RETRY } from '../core/aws/schedule-start-retry';

/** The pieces of a `PostgresBackupBlueprint` that every server's dumps and drills share, and core's plan of it. */
export interface BlueprintFleetInfrastructure {
  /** What the blueprint creates, as core decided it. */
  readonly plan: PostgresBackupBlueprintPlan;
  /** The CDK handles of each server, by its position in `databases`. */
  readonly handles: readonly BlueprintServerHandles[];
  /** The blueprint: the scope of every resource, and the node that carries the protection metadata. */
  readonly scope: Construct;
  /** The VPC of the tasks. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /** The bucket construct of every dump. */
  readonly backupBucket: BackupBucket;
  /** The bucket of every dump. */
  readonly bucket: s3.IBucket;
  /** The bucket's name: the literal one when known at synth time, else a token. */
  readonly bucketName: string;
  /** The region the runbooks name: the stack's, a token when the stack has no region. */
  readonly region: string;
  /** The topic failures go to. */
  readonly notificationTopic: sns.ITopic;
  /** The cluster the tasks run in. */
  readonly cluster: ecs.ICluster;
  /** The log group of the tasks. */
  readonly logGroup: logs.ILogGroup;
  /** The dead-letter queue of every schedule. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => ecs.ContainerImage;
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
