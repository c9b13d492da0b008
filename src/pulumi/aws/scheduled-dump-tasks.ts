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
import { PlannedTask, createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { createSchedulerRole, scheduledTaskStatements } from './scheduler-role';
import { ScheduledPgDumpPlan, scheduledTaskNames } from '../../core/aws/scheduled-pg-dump';

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
  /** The bucket the dumps are written to, and where they are in it: `s3://<bucket>/<prefix>`. */
  readonly bucket: BackupBucket;
  readonly dumpLocation: pulumi.Output<string>;
  /**
   * The role of the task that deletes, created before the bucket, whose policy lets it (and only it) delete.
   * @default - none: the plan has no prune task
   */
  readonly pruneRole?: iam.Role;
  /** The cluster the tasks run in, their log group, and the account, region and partition. */
  readonly cluster: EcsClusterReference;
  readonly logGroup: cloudwatch.LogGroup;
  readonly environment: AwsEnvironment;
}

/**
 * Renders each of core's scheduled tasks as children of `parent`: its roles (a later task sharing the first one's
 * execution role), security group (let into the database when planned) and task definition, whose container's command
 * is the first run's; then the schedules' role and dead-letter queue, and one schedule per run of each task.
 */
export function createScheduledDumpTasks(name: string, parent: pulumi.Resource, args: ScheduledDumpTasksArgs): ScheduledDumpTasks {
  const { plan, props, bucket, environment } = args;
  const wiring = props.database.runnerWiring();
  const references = pulumi.output({ 'dump-location': args.dumpLocation, 'database-url': wiring.databaseUrl });
  const tasks: (PlannedTask & { command: (database: string) => pulumi.Output<string[]> })[] = [];
  for (const task of plan.scheduledTasks) {
    const names = scheduledTaskNames(name, task);
    const { logStreamPrefix, databaseSecrets, stopTimeoutSeconds, environment: variables } = task.container;
    const command = (database: string) => references.apply((values) => task.schedule.runs
      .find((run) => run.database === database)!.command.map((arg) => (typeof arg === 'string' ? arg : values[arg.ref]!)));
    const execution = task.executionRole;
    const planned = createPlannedTask(names, {
      family: names.family,
      size: task.size,
      taskRole: {
        role: (task.deletes && args.pruneRole) || task.descriptions.taskRole,
        statements: [...bucket.actionGroupStatements(task.roleGrants, plan.prefix), ...replicaPruneStatements(task.replica)],
      },
      executionRole: !execution ? { role: tasks[0].executionRole } : {
        role: execution.description,
        statements: taskExecutionStatements(args.logGroup.arn, props.database.secretArn, props.database.secretKmsKeyArn, execution.grants),
      },
      securityGroup: { vpcId: props.vpcId, description: task.descriptions.securityGroup },
      container: {
        name: task.container.name,
        image: props.image,
        command: command(task.schedule.runs[0].database),
        ...(databaseSecrets ? { secrets: wiring.secrets } : {}),
        environment: variables?.variables,
        logs: { groupName: args.logGroup.name, region: environment.region, streamPrefix: logStreamPrefix },
        stopTimeoutSeconds,
      },
    }, parent);
    if (task.databaseIngress) props.database.allowFrom(`${name}-database-ingress`, planned.securityGroup.id, task.databaseIngress, parent);
    tasks.push({ ...planned, command });
  }
  const [dump, prune] = tasks;
  const deadLetterQueue = createDeadLetterQueue(name, parent);
  const schedulerRole = createSchedulerRole(name, parent, environment, scheduledTaskStatements(plan.scheduleRoleGrants, {
    taskRoleArns: [...new Set(tasks.flatMap((task) => [task.taskRole, task.executionRole]))].map((role) => role.arn),
    taskDefinitionArns: prune ? tasks.map((task) => task.taskDefinition.arn) : dump.taskDefinition.arn,
    clusterName: args.cluster.name,
    deadLetterQueueArn: deadLetterQueue.arn,
  }, environment), plan.descriptions.scheduleRole);
  const [schedules, pruneSchedules = []] = plan.scheduledTasks.map((task, index) => createPlannedTaskSchedules(
    scheduledTaskNames(name, task).schedule, task.schedule, {
      clusterArn: args.cluster.arn,
      subnetIds: props.subnetIds,
      roleArn: schedulerRole.arn,
      deadLetterQueueArn: deadLetterQueue.arn,
      retryAttempts: task.schedule.retryAttempts,
      maxEventAgeSeconds: task.schedule.maxEventAgeSeconds,
      containerName: task.container.name,
      taskDefinitionArn: tasks[index].taskDefinition.arn,
      securityGroupId: tasks[index].securityGroup.id,
      command: tasks[index].command,
    }, parent));
  const { taskDefinition, taskRole, executionRole, securityGroup } = dump;
  const pruneTaskDefinition = prune?.taskDefinition;
  return { taskDefinition, taskRole, executionRole, securityGroup, schedules, schedulerRole, deadLetterQueue, pruneTaskDefinition, pruneSchedules };
}
