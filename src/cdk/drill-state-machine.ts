import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DrillContainerProps, DrillTaskRendering, DrillTasks, renderDrillTasks } from './drill-task';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { renderPlannedStateMachine, renderStateMachineSchedule } from './planned-state-machine';
import { LogRetentionProps, TaskPlacementProps } from './task-placement-handles';
import { DrillBucket } from '../core/aws/drill-inputs';
import { AwsArnFormat, DrillWiring, EcsDrillResources, SYNC_EVENTS_RULE_NAME, ecsDrillWiring } from '../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import {
  DrillRendering, RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillRendering,
} from '../core/aws/scheduled-drill';
import { DrillPlaceholder } from '../core/aws/state-machines';

/** What every scheduled drill construct exposes, declared once: core's plain attributes and the handles of what it created. */
export interface ScheduledDrillAttributes extends RestoreDrillAttributes {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The drill task definition. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The cluster the drill task runs in. */
  readonly cluster: ecs.ICluster;
  /** The schedule that starts the drill. */
  readonly schedule: scheduler.Schedule;
  /** Alarms: failed executions, restore slower than the RTO, a drill the schedule could not start. */
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** What {@link renderDrillStateMachine} wires into a restore drill besides core's plan and the tasks. */
export interface DrillStateMachineProps {
  /** The topic the drill and its alarms notify. */
  readonly notificationTopic: sns.ITopic;
  /** Core's values of the placeholders only this drill has, and the scopes of the resources only it acts on. */
  readonly wiring: DrillWiring<string>;
  /**
   * Statements the role needs beyond the drill's own actions, e.g. on a key.
   * @default - none
   */
  readonly additionalStatements?: readonly iam.PolicyStatement[];
  /**
   * The key of the bucket the state machine writes the failures the task never saw to, when it has one.
   * @default - none
   */
  readonly resultsKey?: kms.IKey;
  /**
   * The queue of the schedules' dead letters, when the drill shares one.
   * @default - `DeadLetterQueue`
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Creates, in `scope`, what every restore drill has around its tasks, as core planned it: the role and the state
 * machine (`DrillRole`, `Drill`) with its execution logs, the schedules, each starting the task it names, with their
 * dead-letter queue (`DeadLetterQueue`, unless given), and the planned alarms. The ids are the constructs', so their
 * templates keep their logical ids.
 */
export function renderDrillStateMachine(scope: Construct, drill: DrillRendering, tasks: DrillTasks, props: DrillStateMachineProps) {
  const { notificationTopic, wiring } = props;
  const [taskDefinition] = tasks.taskDefinitions;
  const ecsWiring = ecsDrillWiring({
    ...ecsTaskResources(scope, taskDefinition, tasks.cluster),
    ...drill,
    databaseName: drill.databaseName ?? '',
    notificationTopicArn: notificationTopic.topicArn,
    subnets: Fn.join(',', tasks.subnets.subnetIds),
    securityGroupId: tasks.securityGroup.securityGroupId,
  });
  const placeholders = { ...ecsWiring.placeholders, ...wiring.placeholders };
  const { role, stateMachine } = renderPlannedStateMachine(scope, drill.stateMachine, {
    substitutions: placeholders,
    // Every task the executions may pick, by their input or the definition.
    scopes: { ...ecsWiring.scopes, 'ecs-task-definition': { resources: tasks.taskDefinitions.map((task) => task.taskDefinitionArn) }, ...wiring.scopes },
    logRetention: tasks.logRetention,
    owner: drill.owner,
    what: drill.drillName,
    grant: (drillRole: iam.Role) => {
      // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
      notificationTopic.masterKey?.grant(drillRole, ...TOPIC_KEY_PUBLISH_IAM_ACTIONS);
      (props.additionalStatements ?? []).forEach((statement) => drillRole.addToPrincipalPolicy(statement));
    },
  });
  const deadLetterQueue = props.deadLetterQueue ?? createScheduleDeadLetterQueue(scope);
  const schedules = drill.schedules.map((schedule) => renderStateMachineSchedule(scope, stateMachine, schedule, deadLetterQueue, undefined, {
    ...placeholders, [DrillPlaceholder.TASK_DEFINITION_ARN]: tasks.taskDefinitions[schedule.taskIndex ?? 0].taskDefinitionArn,
  }));
  const alarms = renderPlannedAlarms(scope, drill.alarms, notificationTopic, {
    'state-machine': stateMachine.stateMachineArn,
    'dead-letter-queue': deadLetterQueue.queueName,
  });
  props.resultsKey?.grant(role, ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'));
  return { stateMachine, schedules, alarms };
}

/** What a scheduled drill's one task runs with, and what its state machine is wired with. */
export interface ScheduledDrillProps extends DrillContainerProps, DrillStateMachineProps, Pick<DrillTaskRendering, 'containers' | 'postgresMajorVersion'> {}

/**
 * Renders a scheduled restore drill: its one task (`Task`, {@link renderDrillTasks}) and what starts and watches it
 * ({@link renderDrillStateMachine}). The construct grants the task's role what its drill reads and writes.
 */
export function renderScheduledDrill(
  scope: Construct, plan: ScheduledDrillPlan, handles: TaskPlacementProps & LogRetentionProps, props: ScheduledDrillProps,
): { readonly attributes: ScheduledDrillAttributes; readonly securityGroup: ec2.SecurityGroup } {
  const tasks = renderDrillTasks(scope, plan, handles, [{ ...props, id: 'Task', size: plan.task }], props);
  const { stateMachine, schedules: [schedule], alarms } = renderDrillStateMachine(scope, scheduledDrillRendering(plan), tasks, props);
  const { cluster, taskDefinitions: [taskDefinition], securityGroup } = tasks;
  return { attributes: { ...restoreDrillAttributes(plan), stateMachine, taskDefinition, cluster, schedule, alarms }, securityGroup };
}

/** The ARNs of a drill's one ECS task that its ECS actions are scoped to (core's {@link EcsDrillResources}). */
export function ecsTaskResources(
  scope: Construct, taskDefinition: ecs.TaskDefinition, cluster: ecs.ICluster,
): Omit<EcsDrillResources<string>, 'notificationTopicArn' | 'metricNamespace'> {
  const stack = Stack.of(scope);
  return {
    taskDefinitionArn: taskDefinition.taskDefinitionArn,
    clusterTasksArn: stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` }),
    clusterArn: cluster.clusterArn,
    taskRoleArns: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
    syncEventsRuleArn: stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_EVENTS_RULE_NAME }),
  };
}

/** A bucket of a drill's backups or results, as core's drill inputs take it. */
export function drillBucket(bucket: s3.IBucket): DrillBucket<string> {
  return { bucketName: bucket.bucketName, objectsArn: (key) => bucket.arnForObjects(key), withName: (render) => render(bucket.bucketName) };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>:<resourceName>` of `scope`'s stack, as core's wiring asks for it. */
export function awsArnFormat(scope: Construct): AwsArnFormat<string> {
  const stack = Stack.of(scope);
  return (service, resource, resourceName) => stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
