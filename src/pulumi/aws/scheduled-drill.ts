import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ec2 from '@pulumi/aws/ec2';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import * as secretsmanager from '@pulumi/aws/secretsmanager';
import type * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { ExistingBucket } from './backup-store-handles';
import { DrillTaskArgs } from './drill-task-props';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedContainerHandles, plannedContainerDefinitions } from './planned-containers';
import { createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { createDeadLetterQueue } from './planned-task-schedules';
import { PlannedTask, createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { TaskSubnetsArgs, checkedLogRetentionDays, givenOrNewEcsCluster } from './task-placement-handles';
import { DrillBucket, DrillInputs } from '../../core/aws/drill-inputs';
import { SCRATCH_POSTGRES_CONTAINER } from '../../core/aws/drill-task-containers';
import {
  DrillWiring, EcsDrillResources, EcsDrillTask, SYNC_EVENTS_RULE_NAME, ecsDrillWiring,
} from '../../core/aws/ecs-drill-wiring';
import {
  RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillSchedule, scheduledDrillStateMachine,
} from '../../core/aws/scheduled-drill';
import { RestoreDrillStateMachine } from '../../core/aws/state-machines';
import { taskResourceNames } from '../../core/aws/task-resource-names';

/** What {@link createScheduledDrill} renders besides core's plan and inputs: the drill's Pulumi handles. */
export interface ScheduledDrillArgs extends Pick<DrillTaskArgs, 'vpcId' | 'cluster' | 'notificationTopicKeyArn' | 'logRetentionDays'>, TaskSubnetsArgs,
  Pick<PlannedContainerHandles, 'images' | 'secrets'> {
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
   * ARNs of the secrets the execution role hands to the containers.
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

/**
 * Renders a scheduled restore drill as children of `parent`, named as every drill names them: its cluster (when none is
 * given), task log group (`<name>-logs`), the planned task (`<name>-task`, its roles and security group) running core's
 * containers, core's state machine (`<name>-drill`, its role, policy and execution logs) given the drill's own
 * placeholders and scopes, the schedule (`<name>-schedule`) with its role and dead-letter queue, and the planned alarms.
 */
export function createScheduledDrill(
  name: string, parent: pulumi.Resource, plan: ScheduledDrillPlan, inputs: DrillInputs<pulumi.Input<string>>, args: ScheduledDrillArgs,
): { readonly attributes: ScheduledDrillAttributes; readonly securityGroup: ec2.SecurityGroup } {
  const { environment, notificationTopicArn, secretArns = [] } = args;
  const logRetentionDays = checkedLogRetentionDays(name, args.logRetentionDays);
  const cluster = givenOrNewEcsCluster(name, args.cluster, { parent });
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, { parent });
  const planned = createPlannedTask(taskResourceNames(name), {
    family: `${name}-${plan.task.family}`,
    size: plan.task,
    volumes: inputs.containers.volumes,
    container: plannedContainerDefinitions(inputs.containers.containers, {
      images: args.images, secrets: args.secrets, logs: { groupName: logGroup.name, region: environment.region },
    }),
    taskRole: { role: plan.descriptions.taskRole, statements: args.taskStatements },
    executionRole: {
      role: plan.descriptions.executionRole,
      statements: [
        ...taskExecutionStatements(logGroup.arn, secretArns.length > 1 ? [...secretArns] : secretArns[0]), ...args.executionStatements ?? [],
      ],
    },
    securityGroup: args.securityGroup ?? { vpcId: args.vpcId, description: plan.descriptions.taskSecurityGroup },
  }, parent);
  const task = ecsTaskWiring(environment, planned, cluster, args.subnetIds, {
    ...plan, containerName: plan.task.containerName, notificationTopicArn,
  });
  const { definition, role: drillRole, stateMachine } = createPlannedStateMachine(name, parent, scheduledDrillStateMachine(plan), {
    owner: plan.owner,
    substitutions: pulumi.output({ ...task.placeholders, ...inputs.placeholders }),
    scopes: { ...task.scopes, ...inputs.scopes },
    notificationTopicKeyArn: args.notificationTopicKeyArn,
    additionalStatements: args.additionalStatements,
    logRetentionDays,
  });
  const deadLetterQueue = createDeadLetterQueue(name, parent);
  const { schedulerRole, schedules: [schedule] } = createStateMachineSchedules(
    name, parent, environment, stateMachine.arn, [scheduledDrillSchedule(plan)], deadLetterQueue.arn,
  );
  const alarms = createPlannedAlarms(name, plan.alarms, notificationTopicArn, parent, {
    'state-machine': stateMachine.arn,
    'dead-letter-queue': deadLetterQueue.name,
  });
  const { taskDefinition, taskRole, executionRole, securityGroup } = planned;
  const handles = { definition, stateMachine, drillRole, taskDefinition, taskRole, executionRole, cluster, schedule, schedulerRole, alarms };
  return { attributes: { ...restoreDrillAttributes(plan), drill: plan.drill, ...handles }, securityGroup };
}

/** The ARNs of a drill's one ECS task, as created, that its ECS actions are scoped to (core's {@link EcsDrillResources}). */
export function ecsTaskResources(
  environment: AwsEnvironment, task: Pick<PlannedTask, 'taskDefinition' | 'taskRole' | 'executionRole'>, cluster: EcsClusterReference,
): Omit<EcsDrillResources<pulumi.Input<string>>, 'notificationTopicArn' | 'metricNamespace'> {
  return {
    taskDefinitionArn: task.taskDefinition.arn,
    clusterArn: cluster.arn,
    clusterTasksArn: formatArn(environment, 'ecs', pulumi.interpolate`task/${cluster.name}/*`),
    taskRoleArns: [task.taskRole.arn, task.executionRole.arn],
    syncEventsRuleArn: formatArn(environment, 'events', `rule/${SYNC_EVENTS_RULE_NAME}`),
  };
}

/** The placeholders and scopes of a drill's one ECS task, as created (core's {@link ecsDrillWiring}). */
export function ecsTaskWiring(
  environment: AwsEnvironment, task: PlannedTask, cluster: EcsClusterReference, subnetIds: TaskSubnetsArgs['subnetIds'],
  drill: Pick<EcsDrillTask<pulumi.Input<string>>, 'databaseName' | 'containerName' | 'notificationTopicArn'> & { readonly metricNamespace: string },
): DrillWiring<pulumi.Input<string>> {
  return ecsDrillWiring<pulumi.Input<string>>({
    ...ecsTaskResources(environment, task, cluster),
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
