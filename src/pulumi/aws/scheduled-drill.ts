import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ec2 from '@pulumi/aws/ec2';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import * as secretsmanager from '@pulumi/aws/secretsmanager';
import type * as sfn from '@pulumi/aws/sfn';
import type * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { ExistingBucket } from './backup-store-handles';
import { DrillTaskArgs } from './drill-task-props';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedContainerHandles, plannedContainerDefinitions } from './planned-containers';
import { createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { createDeadLetterQueue } from './planned-task-schedules';
import { PlannedTask, createPlannedTasksSharingRoles, taskExecutionStatements } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { TaskSubnetsArgs, checkedLogRetentionDays, givenOrNewEcsCluster } from './task-placement-handles';
import { DrillBucket, DrillInputs } from '../../core/aws/drill-inputs';
import { PlannedTaskContainers, SCRATCH_POSTGRES_CONTAINER } from '../../core/aws/drill-task-containers';
import {
  DrillWiring, EcsDrillTask, SYNC_EVENTS_RULE_NAME, ecsDrillWiring,
} from '../../core/aws/ecs-drill-wiring';
import { PlannedTaskSize } from '../../core/aws/fargate-sizes';
import {
  DrillRendering, RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillRendering,
} from '../../core/aws/scheduled-drill';
import { DrillPlaceholder, RestoreDrillStateMachine } from '../../core/aws/state-machines';
import { PlannedTaskNames, taskResourceNames } from '../../core/aws/task-resource-names';

/** What {@link createDrills} renders besides core's plan: the drill's Pulumi handles. */
export interface ScheduledDrillArgs extends Pick<DrillTaskArgs, 'vpcId' | 'cluster' | 'notificationTopicKeyArn' | 'logRetentionDays'>, TaskSubnetsArgs,
  Pick<PlannedContainerHandles, 'secrets'> {
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
  /**
   * What the task role may do.
   * @default - no inline policy
   */
  readonly taskStatements?: readonly PolicyStatement[];
  /**
   * ARNs of the secrets the execution role hands to the containers, besides the scratch password.
   * @default - none
   */
  readonly secretArns?: readonly pulumi.Input<string>[];
  /**
   * Further statements of the execution role (a cipher pass it reads).
   * @default - none
   */
  readonly executionStatements?: readonly PolicyStatement[];
  /**
   * The task's security group, when the component created it first (a scratch database admits it).
   * @default - one is created in the VPC with core's description
   */
  readonly securityGroup?: ec2.SecurityGroup;
  /**
   * Statements the drill role needs beyond the drill's own actions (the backups' key, a snapshot's key).
   * @default - none
   */
  readonly additionalStatements?: readonly PolicyStatement[];
  /**
   * The log group of the tasks, when the drill shares one.
   * @default - `<name>-logs`, kept `logRetentionDays`
   */
  readonly logGroup?: cloudwatch.LogGroup;
  /**
   * The queue of the schedules' dead letters, when the drill shares one.
   * @default - `<name>-dead-letters`
   */
  readonly deadLetterQueue?: sqs.Queue;
}

/** What every scheduled drill component exposes (core's drill, its state machine, task and schedule), declared once. */
export interface ScheduledDrillAttributes extends RestoreDrillAttributes {
  /** Core's drill: definition with placeholders, their names, the IAM actions of its role. */
  readonly drill: RestoreDrillStateMachine;
  /** The state machine's definition as deployed (core's definition with every placeholder filled). */
  readonly definition: pulumi.Output<string>;
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The role the state machine runs as. */
  readonly drillRole: iam.Role;
  /** The drill task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** The role of the drill task: what the drill reads and writes, nothing else. */
  readonly taskRole: iam.Role;
  /** The role ECS starts the task with. */
  readonly executionRole: iam.Role;
  /** The cluster the drill task runs in. */
  readonly cluster: EcsClusterReference;
  /** The schedule that starts the drill. */
  readonly schedule: scheduler.Schedule;
  /** The role the schedule starts the drill with. */
  readonly schedulerRole: iam.Role;
  /** Alarms: failed executions, restore slower than the RTO, a drill the schedule could not start. */
  readonly alarms: readonly cloudwatch.MetricAlarm[];
}

/** One task of a drill as Pulumi renders it: core's size and containers, the names of its resources, its images. */
export interface DrillTaskRendering {
  /** The names of its roles, policies, task definition and security group. */
  readonly names: PlannedTaskNames;
  /** The task definition's family. */
  readonly family: string;
  /** CPU units, memory and ephemeral storage. */
  readonly size: PlannedTaskSize;
  /** Its containers, as core planned them. */
  readonly containers: PlannedTaskContainers<pulumi.Input<string>>;
  /** The image of each kind its containers run. */
  readonly images: PlannedContainerHandles['images'];
}

/**
 * Renders a restore drill as children of `parent`, named as every drill names them: its cluster (when none is given),
 * task log group (`<name>-logs`, unless given), the scratch server's password when a container reads it, the planned
 * tasks (their roles and security group shared) running core's containers, core's state machine given the drill's own
 * placeholders and scopes, the schedules with their role and dead-letter queue (unless given), and the planned alarms.
 */
export function createDrills(
  name: string, parent: pulumi.Resource, drill: DrillRendering, tasks: readonly DrillTaskRendering[], inputs: DrillWiring<pulumi.Input<string>>,
  args: ScheduledDrillArgs,
): { attributes: Omit<ScheduledDrillAttributes, keyof RestoreDrillAttributes | 'drill'>; securityGroup: ec2.SecurityGroup; taskDefinitions: ecs.TaskDefinition[]; schedules: scheduler.Schedule[] } {
  const { environment, notificationTopicArn } = args;
  const logRetentionDays = checkedLogRetentionDays(name, args.logRetentionDays);
  const cluster = givenOrNewEcsCluster(name, args.cluster, { parent });
  const logGroup = args.logGroup ?? new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, { parent });
  const readsScratchPassword = tasks.some((task) => task.containers.containers.some((container) => Object.values(container.secrets ?? {}).includes('scratch-password')));
  const scratchPassword = readsScratchPassword ? createScratchPassword(name, drill.descriptions.scratchPassword!, parent).arn : undefined;
  // The execution role alone reads the secrets: the runner's own role cannot.
  const secrets = { ...(scratchPassword === undefined ? {} : { 'scratch-password': scratchPassword }), ...args.secrets };
  const secretArns = [...(scratchPassword === undefined ? [] : [scratchPassword]), ...args.secretArns ?? []];
  const planned = createPlannedTasksSharingRoles(tasks.map((task) => ({
    names: task.names,
    args: {
      family: task.family,
      size: task.size,
      volumes: task.containers.volumes,
      container: plannedContainerDefinitions(task.containers.containers, {
        images: task.images, secrets, logs: { groupName: logGroup.name, region: environment.region },
      }),
      taskRole: { role: drill.descriptions.taskRole, statements: args.taskStatements },
      executionRole: {
        role: drill.descriptions.executionRole,
        statements: [...taskExecutionStatements(logGroup.arn, secretArns.length > 1 ? secretArns : secretArns[0]), ...args.executionStatements ?? []],
      },
      securityGroup: args.securityGroup ?? { vpcId: args.vpcId, description: drill.descriptions.taskSecurityGroup },
    },
  })), parent);
  const [first] = planned;
  const taskDefinitions = planned.map((task) => task.taskDefinition);
  const task = ecsTaskWiring(environment, first, cluster, args.subnetIds, { ...drill, databaseName: drill.databaseName ?? '', notificationTopicArn });
  const placeholders = { ...task.placeholders, ...inputs.placeholders };
  const wanted = new Set(drill.stateMachine.placeholders);
  const { definition, role: drillRole, stateMachine } = createPlannedStateMachine(name, parent, drill.stateMachine, {
    owner: drill.owner,
    substitutions: pulumi.output(Object.fromEntries(Object.entries(placeholders).filter(([key]) => wanted.has(key)))),
    // Every task the executions may pick, by their input or the definition.
    scopes: { ...task.scopes, 'ecs-task-definition': { resources: taskDefinitions.map((taskDefinition) => taskDefinition.arn) }, ...inputs.scopes },
    notificationTopicKeyArn: args.notificationTopicKeyArn,
    additionalStatements: args.additionalStatements,
    logRetentionDays,
  });
  const deadLetterQueue = args.deadLetterQueue ?? createDeadLetterQueue(name, parent);
  const { schedulerRole, schedules } = createStateMachineSchedules(name, parent, environment, stateMachine.arn, drill.schedules, deadLetterQueue.arn,
    (schedule) => ({ ...placeholders, [DrillPlaceholder.TASK_DEFINITION_ARN]: taskDefinitions[schedule.taskIndex ?? 0].arn }));
  const alarms = createPlannedAlarms(name, drill.alarms, notificationTopicArn, parent, {
    'state-machine': stateMachine.arn,
    'dead-letter-queue': deadLetterQueue.name,
  });
  const { taskDefinition, taskRole, executionRole, securityGroup } = first;
  const handles = { taskDefinition, taskRole, executionRole, cluster, schedule: schedules[0], schedulerRole, alarms };
  return { attributes: { definition, stateMachine, drillRole, ...handles }, securityGroup, taskDefinitions, schedules };
}

/** Renders a scheduled restore drill of one task and one schedule ({@link createDrills}), as `VerifyRestore`, `PitrDrill` and `SnapshotRestoreDrill` have it. */
export function createScheduledDrill(
  name: string, parent: pulumi.Resource, plan: ScheduledDrillPlan,
  inputs: DrillInputs<pulumi.Input<string>>, args: ScheduledDrillArgs & { readonly images: PlannedContainerHandles['images'] },
): { readonly attributes: ScheduledDrillAttributes; readonly securityGroup: ec2.SecurityGroup } {
  const task = { names: taskResourceNames(name), family: `${name}-${plan.task.family}`, size: plan.task, containers: inputs.containers, images: args.images };
  const { attributes, securityGroup } = createDrills(name, parent, scheduledDrillRendering(plan), [task], inputs, args);
  return { attributes: { ...restoreDrillAttributes(plan), drill: plan.drill, ...attributes }, securityGroup };
}

/** The placeholders and scopes of a drill's ECS task, as created, scoped to its cluster's tasks and its roles (core's {@link ecsDrillWiring}). */
export function ecsTaskWiring(
  environment: AwsEnvironment, task: PlannedTask, cluster: EcsClusterReference, subnetIds: TaskSubnetsArgs['subnetIds'],
  drill: Pick<EcsDrillTask<pulumi.Input<string>>, 'databaseName' | 'containerName' | 'notificationTopicArn'> & { readonly metricNamespace: string },
): DrillWiring<pulumi.Input<string>> {
  return ecsDrillWiring<pulumi.Input<string>>({
    taskDefinitionArn: task.taskDefinition.arn,
    clusterArn: cluster.arn,
    clusterTasksArn: formatArn(environment, 'ecs', pulumi.interpolate`task/${cluster.name}/*`),
    taskRoleArns: [task.taskRole.arn, task.executionRole.arn],
    syncEventsRuleArn: formatArn(environment, 'events', `rule/${SYNC_EVENTS_RULE_NAME}`),
    ...drill,
    subnets: pulumi.output(subnetIds).apply((ids) => ids.join(',')),
    securityGroupId: task.securityGroup.id,
  });
}

/** A bucket of a drill's backups or results, as core's drill inputs take it. */
export function drillBucket(bucket: Pick<ExistingBucket, 'bucketName' | 'bucketArn'>): DrillBucket<pulumi.Input<string>> {
  return {
    bucketName: bucket.bucketName,
    objectsArn: (key) => pulumi.interpolate`${bucket.bucketArn}/${key}`,
    withName: (render) => pulumi.output(bucket.bucketName).apply(render),
  };
}

/** The outputs every scheduled drill component registers: its state machine, task definition, schedule and alarms. */
export function scheduledDrillOutputs(drill: ScheduledDrillAttributes): pulumi.Inputs {
  return {
    stateMachineArn: drill.stateMachine.arn,
    taskDefinitionArn: drill.taskDefinition.arn,
    scheduleArn: drill.schedule.arn,
    alarmArns: drill.alarms.map((alarm) => alarm.arn),
  };
}

/** The statements of `statements` that are about a KMS key only. */
export function keyStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((statement) => [statement.Action].flat().every((action) => action.startsWith('kms:')));
}

/**
 * The secret of a drill task's scratch PostgreSQL password (`<name>-scratch-password`), as core plans it. The password
 * is generated by Secrets Manager and written once as a write-only value: it is kept neither in the Pulumi state nor
 * in the task definition, and a later update does not change it.
 */
export function createScratchPassword(name: string, description: string, parent: pulumi.Resource): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(`${name}-scratch-password`, { description }, { parent });
  const { length } = SCRATCH_POSTGRES_CONTAINER.password;
  const password = secretsmanager.getRandomPasswordOutput({ passwordLength: length, excludePunctuation: true }, { parent });
  new secretsmanager.SecretVersion(`${name}-scratch-password-value`, {
    secretId: secret.id,
    secretStringWo: pulumi.secret(password.randomPassword),
    secretStringWoVersion: 1,
  }, { parent });
  return secret;
}
