import type * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ec2 from '@pulumi/aws/ec2';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import type * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { replicaPruneStatements } from './bucket-replication';
import { createDeadLetterQueue } from './dead-letter-queue';
import { EcsClusterReference } from './pg-dump-source';
import { createPlannedTaskSchedules } from './planned-task-schedules';
import { createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { createSchedulerRole, scheduledTaskStatements } from './scheduler-role';
import { ScheduledPgDumpPlan, scheduledDumpCommand, scheduledPruneCommand } from '../../core/aws/scheduled-pg-dump';
import { pruneTaskResourceNames, taskResourceNames } from '../../core/aws/task-resource-names';

/** The tasks of a `ScheduledPgDump` and what starts them. */
export interface ScheduledDumpTasks {
  /** The dump task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** The role of the dump task: write under the prefix, nothing else. */
  readonly taskRole: iam.Role;
  /** The role ECS starts the task with: pull logs and the database secret. */
  readonly executionRole: iam.Role;
  /** The security group of the dump task. */
  readonly securityGroup: ec2.SecurityGroup;
  /** One schedule per database. */
  readonly schedules: readonly scheduler.Schedule[];
  /** The role the schedules start the task with. */
  readonly schedulerRole: iam.Role;
  /** Where schedule runs go that could not start the task. */
  readonly deadLetterQueue: sqs.Queue;
  /**
   * The prune task definition (with `dump.retention`).
   * @default - none
   */
  readonly pruneTaskDefinition?: ecs.TaskDefinition;
  /** One prune schedule per database (with `dump.retention`). */
  readonly pruneSchedules: readonly scheduler.Schedule[];
}

/** What {@link createScheduledDumpTasks} renders: core's plan, the component's handles, and what it created before. */
export interface ScheduledDumpTasksArgs {
  /** What the component creates, as core decided it. */
  readonly plan: ScheduledPgDumpPlan;
  /** The database, image and network of the tasks. */
  readonly props: Pick<ScheduledPgDumpProps, 'database' | 'image' | 'vpcId' | 'subnetIds'>;
  /** The bucket the dumps are written to. */
  readonly bucket: BackupBucket;
  /** Where the dumps are: `s3://<bucket>/<prefix>`. */
  readonly dumpLocation: pulumi.Output<string>;
  /**
   * The prune task's role, created before the bucket, whose policy lets it (and only it) delete.
   * @default - none: the plan has no prune task
   */
  readonly pruneRole?: iam.Role;
  /** The cluster the tasks run in. */
  readonly cluster: EcsClusterReference;
  /** The tasks' log group. */
  readonly logGroup: cloudwatch.LogGroup;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
}

/**
 * Renders the tasks of a `ScheduledPgDump` as children of `parent`: the dump task (`<name>-task`, its roles and
 * security group, let into the database), the prune task when the plan has one (`<name>-prune-task`), the schedules'
 * role and dead-letter queue, and one schedule per database of each (`<name>-schedule-<n>`, `<name>-prune-schedule-<n>`).
 */
export function createScheduledDumpTasks(name: string, parent: pulumi.Resource, args: ScheduledDumpTasksArgs): ScheduledDumpTasks {
  const { plan, props, bucket, pruneRole, environment } = args;
  const logs = (streamPrefix: string) => ({ groupName: args.logGroup.name, region: environment.region, streamPrefix });
  const wiring = props.database.runnerWiring();
  const command = (database: string): pulumi.Output<string[]> => pulumi.all([args.dumpLocation, wiring.databaseUrl])
    .apply(([to, databaseUrl]) => scheduledDumpCommand(plan, database, to, { managed: props.database.managed, databaseUrl }));
  const dump = createPlannedTask(taskResourceNames(name), {
    family: `${name}-pg-dump`,
    size: plan.task,
    taskRole: { role: plan.descriptions.taskRole, statements: bucket.actionGroupStatements(plan.taskRoleGrants, plan.prefix) },
    executionRole: {
      role: plan.descriptions.executionRole,
      statements: taskExecutionStatements(args.logGroup.arn, props.database.secretArn, props.database.secretKmsKeyArn, plan.executionRoleGrants),
    },
    securityGroup: { vpcId: props.vpcId, description: plan.descriptions.securityGroup },
    container: {
      name: plan.task.containerName,
      image: props.image,
      command: command(plan.databaseNames[0]),
      secrets: wiring.secrets,
      environment: plan.task.environment,
      logs: logs(plan.task.logStreamPrefix),
      stopTimeoutSeconds: plan.task.stopTimeoutSeconds,
    },
  }, parent);
  props.database.allowFrom(`${name}-database-ingress`, dump.securityGroup.id, plan.databaseIngress, parent);

  const prune = plan.prune;
  const pruneCommand = (database: string) => args.dumpLocation.apply((location) => scheduledPruneCommand(plan, database, location));
  const pruneTask = prune && pruneRole && createPlannedTask(pruneTaskResourceNames(name), {
    family: `${name}-pg-backup-prune`,
    size: prune.task,
    taskRole: {
      role: pruneRole, statements: [...bucket.actionGroupStatements(prune.roleGrants, plan.prefix), ...replicaPruneStatements(prune.replica)],
    },
    executionRole: { role: dump.executionRole },
    securityGroup: { vpcId: props.vpcId, description: prune.descriptions.securityGroup },
    container: {
      name: plan.task.containerName, image: props.image, command: pruneCommand(plan.databaseNames[0]), logs: logs(prune.task.logStreamPrefix),
    },
  }, parent);
  const taskDefinitions = [dump.taskDefinition, ...(pruneTask ? [pruneTask.taskDefinition] : [])];

  const deadLetterQueue = createDeadLetterQueue(name, parent);
  const schedulerRole = createSchedulerRole(name, parent, environment, scheduledTaskStatements(plan.scheduleRoleGrants, {
    taskRoleArns: [dump.taskRole.arn, dump.executionRole.arn, ...(pruneRole ? [pruneRole.arn] : [])],
    taskDefinitionArns: taskDefinitions.length > 1 ? taskDefinitions.map((task) => task.arn) : dump.taskDefinition.arn,
    clusterName: args.cluster.name,
    deadLetterQueueArn: deadLetterQueue.arn,
  }, environment), plan.descriptions.scheduleRole);
  const target = {
    clusterArn: args.cluster.arn,
    subnetIds: props.subnetIds,
    roleArn: schedulerRole.arn,
    deadLetterQueueArn: deadLetterQueue.arn,
    retryAttempts: plan.schedule.retryAttempts,
    maxEventAgeSeconds: plan.schedule.maxEventAgeSeconds,
    containerName: plan.task.containerName,
  };
  const schedules = createPlannedTaskSchedules(`${name}-schedule`, plan.schedule, {
    ...target, taskDefinitionArn: dump.taskDefinition.arn, securityGroupId: dump.securityGroup.id, command,
  }, parent);
  const pruneSchedules = !prune || !pruneTask ? [] : createPlannedTaskSchedules(`${name}-prune-schedule`, prune.schedule, {
    ...target, taskDefinitionArn: pruneTask.taskDefinition.arn, securityGroupId: pruneTask.securityGroup.id, command: pruneCommand,
  }, parent);
  const { taskDefinition, taskRole, executionRole, securityGroup } = dump;
  const pruneTaskDefinition = pruneTask?.taskDefinition;
  return { taskDefinition, taskRole, executionRole, securityGroup, schedules, schedulerRole, deadLetterQueue, pruneTaskDefinition, pruneSchedules };
}
