import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DrillTask } from './drill-task';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { renderPlannedStateMachine, renderStateMachineSchedule } from './planned-state-machine';
import { DrillBucket } from '../core/aws/drill-inputs';
import { AwsArnFormat, DrillWiring, EcsDrillResources, SYNC_EVENTS_RULE_NAME, ecsDrillWiring } from '../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import {
  RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillSchedule, scheduledDrillStateMachine,
} from '../core/aws/scheduled-drill';

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

/** What {@link createDrillStateMachine} wires into a scheduled restore drill besides core's plan and the task. */
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
}

/**
 * Creates, in `scope`, what every scheduled restore drill has, as core planned it: the role (`DrillRole`), the state
 * machine (`Drill`) running `task` with its execution logs (`ExecutionLogs`), the schedule (`Schedule`) with its
 * dead-letter queue (`DeadLetterQueue`), and the planned alarms. The ids are the constructs', so their templates keep
 * their logical ids.
 */
export function createDrillStateMachine(
  scope: Construct, plan: ScheduledDrillPlan, task: DrillTask, props: DrillStateMachineProps,
): ScheduledDrillAttributes {
  const { notificationTopic, wiring } = props;
  const ecsWiring = ecsDrillWiring({
    ...ecsTaskResources(scope, task.taskDefinition, task.cluster),
    ...plan,
    containerName: plan.task.containerName,
    notificationTopicArn: notificationTopic.topicArn,
    subnets: Fn.join(',', task.subnets.subnetIds),
    securityGroupId: task.securityGroup.securityGroupId,
  });
  const { role, stateMachine } = renderPlannedStateMachine(scope, scheduledDrillStateMachine(plan), {
    substitutions: { ...ecsWiring.placeholders, ...wiring.placeholders },
    scopes: { ...ecsWiring.scopes, ...wiring.scopes },
    logRetention: task.logRetention,
    owner: plan.owner,
    what: plan.drillName,
    grant: (drillRole: iam.Role) => {
      // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
      notificationTopic.masterKey?.grant(drillRole, ...TOPIC_KEY_PUBLISH_IAM_ACTIONS);
      (props.additionalStatements ?? []).forEach((statement) => drillRole.addToPrincipalPolicy(statement));
    },
  });
  const deadLetterQueue = createScheduleDeadLetterQueue(scope);
  const schedule = renderStateMachineSchedule(scope, stateMachine, scheduledDrillSchedule(plan), deadLetterQueue);
  const alarms = renderPlannedAlarms(scope, plan.alarms, notificationTopic, {
    'state-machine': stateMachine.stateMachineArn,
    'dead-letter-queue': deadLetterQueue.queueName,
  });
  props.resultsKey?.grant(role, ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'));
  const { cluster, taskDefinition } = task;
  return { ...restoreDrillAttributes(plan), stateMachine, taskDefinition, cluster, schedule, alarms };
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
