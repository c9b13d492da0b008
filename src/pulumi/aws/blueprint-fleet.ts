import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedTaskScheduleTarget } from './planned-task-schedules';
import { PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, PostgresBackupBlueprintPlan } from '../../core/aws/postgres-backup-blueprint';
import { SCHEDULE_START_RETRY } from '../../core/aws/schedule-start-retry';

export { BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION } from '../../core/aws/postgres-backup-blueprint';

/** The pieces of a Pulumi `PostgresBackupBlueprint` that every server's dumps and drills share, and core's plan of it. */
export interface BlueprintFleetInfrastructure {
  /** What the blueprint creates, as core decided it. */
  readonly plan: PostgresBackupBlueprintPlan;
  /** The blueprint component: the parent of every resource. */
  readonly parent: pulumi.ComponentResource;
  /** The blueprint's name, the start of every resource name. */
  readonly name: string;
  /** The props as given. */
  readonly props: PostgresBackupBlueprintProps;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
  /** The bucket of every dump. */
  readonly backupBucket: BackupBucket;
  /** ARN of the topic failures go to. */
  readonly notificationTopicArn: pulumi.Output<string>;
  /** ARN of that topic's key, when known. */
  readonly notificationTopicKeyArn?: pulumi.Output<string>;
  /** The cluster the tasks run in. */
  readonly cluster: EcsClusterReference;
  /** Name of the log group of the tasks. */
  readonly logGroupName: pulumi.Output<string>;
  /** ARN of that log group. */
  readonly logGroupArn: pulumi.Output<string>;
  /** ARN of the dead-letter queue of every schedule. */
  readonly deadLetterQueueArn: pulumi.Output<string>;
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => pulumi.Input<string>;
  /** Days task and execution logs are kept. */
  readonly logRetentionDays: number;
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
    deadLetterQueueArn: fleet.deadLetterQueueArn,
    retryAttempts: SCHEDULE_START_RETRY.attempts,
    maxEventAgeSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds,
    containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    ...task,
  };
}
