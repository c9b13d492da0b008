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
import { PlannedStateMachineProps, PulumiStateMachinePlan, createPlannedStateMachine, createStateMachineSchedule } from './planned-state-machine';
import { DrillResourceScope, drillResourceScopes } from './state-machine-permissions';
import { SYNC_EVENTS_RULE_NAME, ecsDrillPlaceholderValues, ecsDrillScopes as plannedEcsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import {
  RESTORE_DRILL_STATE_MACHINE_NAMES, ScheduledDrillPlan, scheduledDrillSchedule, scheduledDrillStateMachine,
} from '../../core/aws/scheduled-drill';
import { DrillResourceKind } from '../../core/aws/state-machines';

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
export interface DrillExecutionProps extends PlannedStateMachineProps {
  /** The core drill's ASL definition (with placeholders; an object or its JSON) and the IAM actions of its role. */
  readonly drill: Pick<PulumiStateMachinePlan, 'definition' | 'iamActions'>;
  /** Description of the drill role. */
  readonly roleDescription: string;
}

/** The ECS task a scheduled drill runs: what its common placeholders are filled with and its ECS actions are scoped to. */
export interface EcsDrillTaskProps extends Omit<EcsDrillSubstitutionsProps, 'additional' | 'clusterArn'>, Omit<EcsDrillScopesProps, 'environment' | 'cluster'> {}

/** What {@link createDrillStateMachine} wires into a scheduled restore drill besides core's plan. */
export interface DrillStateMachineProps extends Omit<PlannedStateMachineProps, 'substitutions' | 'scopes' | 'owner'> {
  /** Core's plan of the drill: its state machine, schedule, alarms and descriptions. */
  readonly plan: ScheduledDrillPlan;
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
  /** The account, region and partition the ARNs and the scheduler role's conditions are formatted in. */
  readonly environment: AwsEnvironment;
}

/** The resources {@link createDrillExecution} created. */
export type DrillExecution = Pick<DrillStateMachine, 'definition' | 'drillRole' | 'stateMachine'>;

/**
 * Creates, as children of `parent`, a restore drill's state machine: the drill role and its policy
 * (`<name>-drill-role`, `<name>-drill-policy`) and the state machine (`<name>-drill`) with its execution logs
 * (`<name>-execution-logs`). {@link createDrillStateMachine} adds one schedule; a fleet adds its own schedules.
 */
export function createDrillExecution(name: string, parent: pulumi.Resource, props: DrillExecutionProps): DrillExecution {
  const { definition, role, stateMachine } = createPlannedStateMachine(name, parent, {
    ...props.drill, type: 'STANDARD', names: RESTORE_DRILL_STATE_MACHINE_NAMES, descriptions: { role: props.roleDescription },
  }, props);
  return { definition, drillRole: role, stateMachine };
}

/**
 * Creates, as children of `parent`, what every scheduled restore drill has: the state machine of
 * {@link createDrillExecution}, and the schedule (`<name>-schedule`) with its role and dead-letter queue. The names
 * are the owner's, so its stacks keep their resources.
 */
export function createDrillStateMachine(name: string, parent: pulumi.Resource, props: DrillStateMachineProps): DrillStateMachine {
  const { plan, task } = props;
  const { definition, role: drillRole, stateMachine } = createPlannedStateMachine(name, parent, scheduledDrillStateMachine(plan), {
    ...props,
    owner: plan.owner,
    substitutions: ecsDrillSubstitutions({ ...task, clusterArn: props.cluster.arn, additional: props.substitutions }),
    scopes: { ...ecsDrillScopes({ ...task, cluster: props.cluster, environment: props.environment }), ...props.scopes },
  });
  const deadLetterQueue = createDeadLetterQueue(name, parent);
  const { schedulerRole, schedule } = createStateMachineSchedule(
    name, parent, props.environment, stateMachine.arn, scheduledDrillSchedule(plan), deadLetterQueue.arn,
  );
  const alarms = createPlannedAlarms(name, plan.alarms, task.notificationTopicArn, parent, {
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
