import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DrillResourceScope, addDrillPermissions } from './drill-permissions';
import { createScheduleDeadLetterQueue, plannedScheduleExpression } from './planned-schedules';
import { acknowledgeWildcards, drillRoleWildcards } from './reviewed-findings';
import { DrillResourceKind, RestoreDrillStateMachine } from '../core/aws/state-machines';
import { ScheduleSpec } from '../core/policy/policy';
import { EventBridgeSchedule, renderEventBridgeSchedule } from '../core/policy/schedule';

/** What {@link createDrillStateMachine} wires into a scheduled restore drill. */
export interface DrillStateMachineProps {
  /** The core drill: its ASL definition, the placeholders it needs filled and the IAM actions of its role. */
  readonly drill: RestoreDrillStateMachine;
  /** A value for every placeholder of the drill (more are ignored). */
  readonly substitutions: Readonly<Record<string, string>>;
  /** What each kind of resource the drill acts on is scoped to; a kind the drill needs without a scope is an error. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /** Statements the role needs beyond the drill's own actions, e.g. on a key. */
  readonly additionalStatements?: readonly iam.PolicyStatement[];
  /** Where failed drills are sent: an encrypted topic's key is granted to the role. */
  readonly notificationTopic: sns.ITopic;
  /** When the drill runs. */
  readonly schedule: ScheduleSpec;
  /** How long the execution logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** What the drill is in error messages, e.g. `the dump restore drill`. */
  readonly drillName: string;
  /** The construct that owns the drill, named in error messages, e.g. `VerifyRestore`. */
  readonly owner: string;
  /** Description of the role. */
  readonly roleDescription: string;
  /** Comment of the state machine. */
  readonly comment: string;
  /** Description of the schedule. */
  readonly scheduleDescription: string;
}

/** The resources {@link createDrillStateMachine} created. */
export interface DrillStateMachine {
  /** The execution role, holding only the drill's scoped permissions. */
  readonly role: iam.Role;
  /** The state machine, logging every event to its own log group, traced. */
  readonly stateMachine: sfn.StateMachine;
  /** Where the schedule puts the starts it could not make. */
  readonly deadLetterQueue: sqs.Queue;
  /** The schedule that starts the drill. */
  readonly schedule: scheduler.Schedule;
  /** The schedule as EventBridge Scheduler takes it. */
  readonly renderedSchedule: EventBridgeSchedule;
}

/**
 * Creates, in `scope`, what every scheduled restore drill has: the role (`DrillRole`), the state machine (`Drill`)
 * with its execution logs (`ExecutionLogs`), and the schedule (`Schedule`) with its dead-letter queue
 * (`DeadLetterQueue`). The ids are the owner's, so its templates keep their logical ids.
 */
export function createDrillStateMachine(scope: Construct, props: DrillStateMachineProps): DrillStateMachine {
  const { drill, substitutions } = props;
  const missing = drill.placeholders.filter((name) => substitutions[name] === undefined);
  if (missing.length > 0) throw new Error(`${props.drillName} needs values for ${missing.join(', ')}, which ${props.owner} does not know`);

  const role = new iam.Role(scope, 'DrillRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: props.roleDescription,
  });
  addDrillPermissions(role, drill.iamActions, props.scopes, props.owner);
  acknowledgeWildcards(role, drillRoleWildcards(drill.iamActions, (kind) => props.scopes[kind]?.resources));
  // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
  props.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  (props.additionalStatements ?? []).forEach((statement) => role.addToPrincipalPolicy(statement));

  const stateMachine = new sfn.StateMachine(scope, 'Drill', {
    comment: props.comment,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
    definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
    role,
    logs: {
      destination: new logs.LogGroup(scope, 'ExecutionLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
    tracingEnabled: true,
  });

  const deadLetterQueue = createScheduleDeadLetterQueue(scope);
  const renderedSchedule = renderEventBridgeSchedule(props.schedule, 'verification.schedule');
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    description: props.scheduleDescription,
    schedule: plannedScheduleExpression(renderedSchedule),
    timeWindow: scheduler.TimeWindow.off(),
    target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
      deadLetterQueue,
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
    }),
  });
  return { role, stateMachine, deadLetterQueue, schedule, renderedSchedule };
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
  return {
    'ecs-task-definition': { resources: [props.taskDefinition.taskDefinitionArn] },
    'ecs-task': { resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` })] },
    'ecs-cluster-condition': { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } } },
    'ecs-task-roles': {
      resources: [props.taskDefinition.taskRole.roleArn, props.taskDefinition.obtainExecutionRole().roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    'sync-events-rule': { resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })] },
    'sns-topic': { resources: [props.notificationTopic.topicArn] },
    'cloudwatch-namespace-condition': { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } } },
  };
}
