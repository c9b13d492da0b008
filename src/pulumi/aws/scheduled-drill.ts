import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ec2 from '@pulumi/aws/ec2';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import * as secretsmanager from '@pulumi/aws/secretsmanager';
import type * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createDeadLetterQueue } from './dead-letter-queue';
import { ecsDrillTaskWiring } from './drill-state-machine';
import { DrillTaskArgs } from './drill-task-props';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedContainerHandles, plannedContainerDefinitions } from './planned-containers';
import { DrillResourceScope, createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { TaskSubnetsArgs } from './task-placement-handles';
import { PlannedTaskContainers, SCRATCH_POSTGRES_CONTAINER } from '../../core/aws/drill-task-containers';
import { drillResultsWiring } from '../../core/aws/ecs-drill-wiring';
import {
  RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillSchedule, scheduledDrillStateMachine,
} from '../../core/aws/scheduled-drill';
import { DrillResourceKind, RestoreDrillStateMachine } from '../../core/aws/state-machines';
import { taskResourceNames } from '../../core/aws/task-resource-names';

/** Where a drill's results go beside the backups, and what writing them takes. */
export interface DrillResultsStore {
  /** Name and ARN of the bucket. */
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** The folder of this drill's results (`<prefix>/<database>/drills`): the only place the state machine may put objects. */
  readonly folder: string;
  /** What writing results there takes (objects, key): the task role has them; the state machine uses the key through them. */
  readonly writeStatements: readonly PolicyStatement[];
}

/** What {@link createScheduledDrill} renders: core's drill, the task it runs, and where the results go. */
export interface ScheduledDrillArgs extends Pick<DrillTaskArgs, 'vpcId' | 'cluster' | 'notificationTopicKeyArn'>, TaskSubnetsArgs,
  Pick<PlannedContainerHandles, 'images' | 'secrets'> {
  /** Core's plan of the drill: its task, state machine, schedule, alarms and descriptions. */
  readonly plan: ScheduledDrillPlan;
  /** The task definition's family. */
  readonly family: string;
  /** The task's containers and volumes, as core planned them. */
  readonly containers: PlannedTaskContainers<pulumi.Input<string>>;
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
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /**
   * The task's security group, when the component created it first (a scratch database admits it).
   * @default - one is created in the VPC with core's description
   */
  readonly securityGroup?: ec2.SecurityGroup;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
  /** Days the task and execution logs are kept. */
  readonly logRetentionDays: number;
  /**
   * Where the state machine writes the failures the task never saw, beside the task's own results.
   * @default - no results written
   */
  readonly results?: DrillResultsStore;
  /**
   * Values of the placeholders only this drill has.
   * @default - none
   */
  readonly substitutions?: Record<string, pulumi.Input<string>>;
  /**
   * Scopes of the resource kinds only this drill acts on.
   * @default - none
   */
  readonly scopes?: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /**
   * Statements the drill role needs beyond the drill's own actions (a snapshot's KMS key).
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
 * given), task log group (`<name>-logs`), the planned task (`<name>-task`, its roles and security group), core's state
 * machine (`<name>-drill`, its role, policy and execution logs), the schedule (`<name>-schedule`) with its role and
 * dead-letter queue, and the planned alarms; the results' folder and key, when the drill writes results.
 */
export function createScheduledDrill(
  name: string, parent: pulumi.Resource, args: ScheduledDrillArgs,
): { readonly attributes: ScheduledDrillAttributes; readonly securityGroup: ec2.SecurityGroup } {
  const { results, environment, plan, notificationTopicArn, secretArns = [] } = args;
  const cluster = givenOrNewEcsCluster(name, args.cluster, { parent });
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays }, { parent });
  const planned = createPlannedTask(taskResourceNames(name), {
    family: args.family,
    size: plan.task,
    volumes: args.containers.volumes,
    container: plannedContainerDefinitions(args.containers.containers, {
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
  const wiring = results && drillResultsWiring<pulumi.Input<string>>({
    bucketName: results.bucketName, folder: results.folder, objectsArn: (key) => pulumi.interpolate`${results.bucketArn}/${key}`,
  });
  const taskWiring = ecsDrillTaskWiring({
    environment,
    task: planned,
    cluster,
    subnetIds: args.subnetIds,
    containerName: plan.task.containerName,
    notificationTopicArn,
    databaseName: plan.databaseName,
    metricNamespace: plan.metricNamespace,
    additional: { ...args.substitutions, ...wiring?.placeholders },
  });
  const { definition, role: drillRole, stateMachine } = createPlannedStateMachine(name, parent, scheduledDrillStateMachine(plan), {
    owner: plan.owner,
    substitutions: taskWiring.substitutions,
    scopes: { ...taskWiring.scopes, ...args.scopes, ...wiring?.scopes },
    notificationTopicKeyArn: args.notificationTopicKeyArn,
    // A failed drill's result is written through the bucket's key, when it has one.
    additionalStatements: [...args.additionalStatements ?? [], ...keyStatements(results?.writeStatements ?? [])],
    logRetentionDays: args.logRetentionDays,
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
