import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createDeadLetterQueue } from './dead-letter-queue';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';
import { createSchedulerRole } from './scheduler-role';
import { DrillResourceScope, STATE_MACHINE_OBSERVABILITY_STATEMENTS, drillPermissionStatements, drillResourceScopes } from './state-machine-permissions';
import { AlarmPlan } from '../../core/aws/alarm-plan';
import { SYNC_EVENTS_RULE_NAME, ecsDrillPlaceholderValues, ecsDrillScopes as plannedEcsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import { SCHEDULE_START_RETRY } from '../../core/aws/schedule-start-retry';
import {
  DrillIamActionGroup, DrillResourceKind, RestoreDrillStateMachine, StateMachineDefinition, renderDefinition,
} from '../../core/aws/state-machines';
import { ScheduleSpec } from '../../core/policy/policy';
import { renderEventBridgeSchedule } from '../../core/policy/schedule';

/** The resources {@link createDrillStateMachine} created. */
export interface DrillStateMachine {
  /** The definition with every placeholder filled, as deployed. */
  readonly definition: pulumi.Output<string>;
  /** The role the state machine runs as, holding only the drill's scoped permissions. */
  readonly drillRole: iam.Role;
  /** The state machine, logging every event to its own log group, traced. */
  readonly stateMachine: sfn.StateMachine;
  /** Where the schedule puts the starts it could not make. */
  readonly deadLetterQueue: sqs.Queue;
  /** The role the schedule starts the drill with. */
  readonly schedulerRole: iam.Role;
  /** The schedule that starts the drill. */
  readonly schedule: scheduler.Schedule;
  /** The alarms. */
  readonly alarms: cloudwatch.MetricAlarm[];
}

/** What {@link createDrillExecution} wires: a restore drill's state machine, without its schedule. */
export interface DrillExecutionProps {
  /** The core drill's ASL definition (with placeholders; an object or its JSON) and the IAM actions of its role. */
  readonly drill: { readonly definition: StateMachineDefinition | string; readonly iamActions: readonly DrillIamActionGroup[] };
  /** Exactly one value for each placeholder of the drill. */
  readonly substitutions: pulumi.Output<Record<string, string>>;
  /** What each kind of resource the drill acts on is scoped to; a kind the drill needs without a scope is an error. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /**
   * ARN of the notification topic's KMS key, which the role then may use to publish.
   * @default - none: the topic is taken as unencrypted or encrypted with a key the role may already use
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * Statements the role needs besides the drill's action groups (e.g. a snapshot's KMS key).
   * @default - none
   */
  readonly additionalStatements?: readonly PolicyStatement[];
  /** Days the execution logs are kept. */
  readonly logRetentionDays: number;
  /** The component that owns the drill, named in error messages, e.g. `VerifyRestore`. */
  readonly owner: string;
  /** Description of the drill role. */
  readonly roleDescription: string;
}

/** The ECS task a scheduled drill runs: what its common placeholders are filled with and its ECS actions are scoped to. */
export interface EcsDrillTaskProps extends Omit<EcsDrillSubstitutionsProps, 'additional' | 'clusterArn'>, Omit<EcsDrillScopesProps, 'environment' | 'cluster'> {}

/** What {@link createDrillStateMachine} wires into a scheduled restore drill. */
export interface DrillStateMachineProps extends Omit<DrillExecutionProps, 'drill' | 'substitutions' | 'scopes'> {
  /** The core drill: its ASL definition, its placeholders and the IAM actions of its role. */
  readonly drill: RestoreDrillStateMachine;
  /** The ECS task the drill runs (in `cluster`). */
  readonly task: EcsDrillTaskProps;
  /** The cluster the task runs in. */
  readonly cluster: EcsClusterReference;
  /**
   * Values of the placeholders only this drill has.
   * @default - none
   */
  readonly substitutions?: Record<string, pulumi.Input<string>>;
  /**
   * What the kinds of resource only this drill acts on are scoped to.
   * @default - none
   */
  readonly scopes?: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /** When the drill runs. */
  readonly schedule: ScheduleSpec;
  /** The account, region and partition the ARNs and the scheduler role's conditions are formatted in. */
  readonly environment: AwsEnvironment;
  /** Description of the schedule. */
  readonly scheduleDescription: pulumi.Input<string>;
  /** The drill's alarms: on the state machine, the schedule's dead letters and the drill's metrics, notifying the task's topic. */
  readonly alarms: readonly AlarmPlan[];
}

/** The resources {@link createDrillExecution} created. */
export type DrillExecution = Pick<DrillStateMachine, 'definition' | 'drillRole' | 'stateMachine'>;

/**
 * Creates, as children of `parent`, a restore drill's state machine: the drill role and its policy
 * (`<name>-drill-role`, `<name>-drill-policy`) and the state machine (`<name>-drill`) with its execution logs
 * (`<name>-execution-logs`). {@link createDrillStateMachine} adds one schedule; a fleet adds its own schedules.
 */
export function createDrillExecution(name: string, parent: pulumi.Resource, props: DrillExecutionProps): DrillExecution {
  const child = { parent };
  const { drill } = props;
  const definition = props.substitutions.apply((values) => renderDefinition(drill.definition, values));

  const drillRole = new iam.Role(`${name}-drill-role`, {
    description: props.roleDescription,
    assumeRolePolicy: assumedByService('states.amazonaws.com'),
  }, child);
  const topicKeyArn = props.notificationTopicKeyArn;
  new iam.RolePolicy(`${name}-drill-policy`, {
    role: drillRole.id,
    policy: policyDocument([
      ...drillPermissionStatements(drill.iamActions, props.scopes, props.owner),
      // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
      ...(topicKeyArn ? [{ Effect: 'Allow' as const, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: topicKeyArn }] : []),
      ...(props.additionalStatements ?? []),
      ...STATE_MACHINE_OBSERVABILITY_STATEMENTS,
    ]),
  }, child);
  const executionLogs = new cloudwatch.LogGroup(`${name}-execution-logs`, { retentionInDays: props.logRetentionDays }, child);
  const stateMachine = new sfn.StateMachine(`${name}-drill`, {
    type: 'STANDARD',
    definition,
    roleArn: drillRole.arn,
    loggingConfiguration: { logDestination: pulumi.interpolate`${executionLogs.arn}:*`, level: 'ALL', includeExecutionData: true },
    tracingConfiguration: { enabled: true },
  }, child);
  return { definition, drillRole, stateMachine };
}

/**
 * Creates, as children of `parent`, what every scheduled restore drill has: the state machine of
 * {@link createDrillExecution}, and the schedule (`<name>-schedule`) with its role and dead-letter queue. The names
 * are the owner's, so its stacks keep their resources.
 */
export function createDrillStateMachine(name: string, parent: pulumi.Resource, props: DrillStateMachineProps): DrillStateMachine {
  const child = { parent };
  const { task } = props;
  const { definition, drillRole, stateMachine } = createDrillExecution(name, parent, {
    ...props,
    substitutions: ecsDrillSubstitutions({ ...task, clusterArn: props.cluster.arn, additional: props.substitutions }),
    scopes: { ...ecsDrillScopes({ ...task, cluster: props.cluster, environment: props.environment }), ...props.scopes },
  });
  const deadLetterQueue = createDeadLetterQueue(name, parent);
  const schedulerRole = createSchedulerRole(name, parent, props.environment, [
    { Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachine.arn },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetterQueue.arn },
  ]);
  const rendered = renderEventBridgeSchedule(props.schedule, 'verification.schedule');
  const schedule = new scheduler.Schedule(`${name}-schedule`, {
    description: props.scheduleDescription,
    scheduleExpression: rendered.scheduleExpression,
    scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: stateMachine.arn,
      roleArn: schedulerRole.arn,
      deadLetterConfig: { arn: deadLetterQueue.arn },
      retryPolicy: { maximumRetryAttempts: SCHEDULE_START_RETRY.attempts, maximumEventAgeInSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds },
    },
  }, child);
  const alarms = createPlannedAlarms(name, props.alarms, task.notificationTopicArn, parent, {
    'state-machine': stateMachine.arn,
    'dead-letter-queue': deadLetterQueue.name,
  });
  return { definition, drillRole, stateMachine, deadLetterQueue, schedulerRole, schedule, alarms };
}

/** What {@link ecsDrillSubstitutions} fills the placeholders of a drill that runs one ECS task with. */
export interface EcsDrillSubstitutionsProps {
  /** The database the drill restores. */
  readonly databaseName: string;
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** ARN of the cluster the task runs in. */
  readonly clusterArn: pulumi.Input<string>;
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The container whose command the drill overrides. */
  readonly containerName: string;
  /** Subnets of the task. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Id of the task's security group. */
  readonly securityGroupId: pulumi.Input<string>;
  /**
   * Values of the placeholders only this drill has, after the common ones.
   * @default - none
   */
  readonly additional?: Record<string, pulumi.Input<string>>;
}

/** The placeholder values of a drill that runs one ECS task: its database, topic, cluster, task, container and network. */
export function ecsDrillSubstitutions(props: EcsDrillSubstitutionsProps): pulumi.Output<Record<string, string>> {
  return pulumi.all([
    props.notificationTopicArn, props.clusterArn, props.taskDefinitionArn, pulumi.output(props.subnetIds), props.securityGroupId,
    pulumi.output(props.additional ?? {}),
  ]).apply(([notificationTopicArn, clusterArn, taskDefinitionArn, subnets, securityGroupId, additional]): Record<string, string> => ({
    ...ecsDrillPlaceholderValues({ ...props, notificationTopicArn, clusterArn, taskDefinitionArn, subnets: subnets.join(','), securityGroupId }),
    ...additional,
  }));
}

/** What {@link ecsDrillScopes} scopes the drill's ECS, SNS and CloudWatch actions to. */
export interface EcsDrillScopesProps {
  /** The account, region and partition the ARNs are formatted in. */
  readonly environment: AwsEnvironment;
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The cluster the task runs in. */
  readonly cluster: EcsClusterReference;
  /** ARN of the task's role. */
  readonly taskRoleArn: pulumi.Input<string>;
  /** ARN of the role ECS starts the task with. */
  readonly executionRoleArn: pulumi.Input<string>;
  /** ARN of the topic the drill notifies. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The namespace the drill publishes its metrics to. */
  readonly metricNamespace: string;
}

/** The scopes of a drill that runs one ECS task, notifies a topic and publishes metrics: its own task, cluster, topic and namespace. */
export function ecsDrillScopes(props: EcsDrillScopesProps): Partial<Record<DrillResourceKind, DrillResourceScope>> {
  const { partition, region, account } = props.environment;
  return drillResourceScopes(plannedEcsDrillScopes<pulumi.Input<string>>({
    taskDefinitionArn: props.taskDefinitionArn,
    clusterTasksArn: pulumi.interpolate`arn:${partition}:ecs:${region}:${account}:task/${props.cluster.name}/*`,
    clusterArn: props.cluster.arn,
    taskRoleArns: [props.taskRoleArn, props.executionRoleArn],
    syncEventsRuleArn: pulumi.interpolate`arn:${partition}:events:${region}:${account}:rule/${SYNC_EVENTS_RULE_NAME}`,
    notificationTopicArn: props.notificationTopicArn,
    metricNamespace: props.metricNamespace,
  }));
}
