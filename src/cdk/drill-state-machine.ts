import { Fn, Stack } from 'aws-cdk-lib';
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
import { DrillResourceScope, renderPlannedStateMachine, renderStateMachineSchedule } from './planned-state-machine';
import { SYNC_EVENTS_RULE_NAME, drillResultsWiring, ecsDrillPlaceholderValues, ecsDrillScopes as plannedEcsDrillScopes } from '../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import {
  RestoreDrillAttributes, ScheduledDrillPlan, restoreDrillAttributes, scheduledDrillSchedule, scheduledDrillStateMachine,
} from '../core/aws/scheduled-drill';
import { DrillResourceKind } from '../core/aws/state-machines';

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
  /** Values of the placeholders only this drill has (more are ignored). */
  readonly substitutions?: Readonly<Record<string, string>>;
  /** What the kinds of resource only this drill acts on are scoped to; a kind the drill needs without a scope is an error. */
  readonly scopes?: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /** Statements the role needs beyond the drill's own actions, e.g. on a key. */
  readonly additionalStatements?: readonly iam.PolicyStatement[];
  /**
   * Where the state machine writes the failures the task never saw: beside the task's own results, in `folder` of
   * `bucket`, encrypting through `encryptionKey` when given.
   * @default - the state machine writes no results
   */
  readonly results?: { readonly bucket: s3.IBucket; readonly folder: string; readonly encryptionKey?: kms.IKey };
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
  const ecsTask = { ...task, notificationTopic: props.notificationTopic, metricNamespace: plan.metricNamespace };
  const { results } = props;
  const resultsWiring = results && drillResultsWiring({
    bucketName: results.bucket.bucketName, folder: results.folder, objectsArn: (key) => results.bucket.arnForObjects(key),
  });
  const substitutions: Record<string, string> = {
    ...ecsDrillPlaceholderValues({
      databaseName: plan.databaseName,
      containerName: plan.task.containerName,
      notificationTopicArn: props.notificationTopic.topicArn,
      clusterArn: task.cluster.clusterArn,
      taskDefinitionArn: task.taskDefinition.taskDefinitionArn,
      subnets: Fn.join(',', task.subnets.subnetIds),
      securityGroupId: task.securityGroup.securityGroupId,
    }),
    ...resultsWiring?.placeholders,
    ...props.substitutions,
  };
  const scopes = { ...ecsDrillScopes(scope, ecsTask), ...resultsWiring?.scopes, ...props.scopes };
  const { role, stateMachine } = renderPlannedStateMachine(scope, scheduledDrillStateMachine(plan), {
    substitutions,
    scopes,
    logRetention: task.logRetention,
    owner: plan.owner,
    what: plan.drillName,
    grant: (drillRole: iam.Role) => {
      // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
      props.notificationTopic.masterKey?.grant(drillRole, ...TOPIC_KEY_PUBLISH_IAM_ACTIONS);
      (props.additionalStatements ?? []).forEach((statement) => drillRole.addToPrincipalPolicy(statement));
    },
  });
  const deadLetterQueue = createScheduleDeadLetterQueue(scope);
  const schedule = renderStateMachineSchedule(scope, stateMachine, scheduledDrillSchedule(plan), deadLetterQueue);
  const alarms = renderPlannedAlarms(scope, plan.alarms, props.notificationTopic, {
    'state-machine': stateMachine.stateMachineArn,
    'dead-letter-queue': deadLetterQueue.queueName,
  });
  results?.encryptionKey?.grant(role, ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'));
  const { cluster, taskDefinition } = task;
  return { ...restoreDrillAttributes(plan), stateMachine, taskDefinition, cluster, schedule, alarms };
}

/** What {@link ecsDrillScopes} scopes the drill's ECS, SNS and CloudWatch actions to. */
export interface EcsDrillScopesProps {
  /** The drill's task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** The cluster the task runs in. */
  readonly cluster: ecs.ICluster;
  /** The topic the drill notifies. */
  readonly notificationTopic: sns.ITopic;
  /** The namespace the drill publishes its metrics to. */
  readonly metricNamespace: string;
}

/** The scopes of a drill that runs one ECS task, notifies a topic and publishes metrics: its own task, cluster, topic and namespace. */
export function ecsDrillScopes(scope: Construct, props: EcsDrillScopesProps): Partial<Record<DrillResourceKind, DrillResourceScope>> {
  const stack = Stack.of(scope);
  return plannedEcsDrillScopes({
    taskDefinitionArn: props.taskDefinition.taskDefinitionArn,
    clusterTasksArn: stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` }),
    clusterArn: props.cluster.clusterArn,
    taskRoleArns: [props.taskDefinition.taskRole.roleArn, props.taskDefinition.obtainExecutionRole().roleArn],
    syncEventsRuleArn: stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_EVENTS_RULE_NAME }),
    notificationTopicArn: props.notificationTopic.topicArn,
    metricNamespace: props.metricNamespace,
  });
}
