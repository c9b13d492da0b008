import * as cloudwatch from '@pulumi/aws/cloudwatch';
import { getPartitionOutput } from '@pulumi/aws/getPartition';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createSchedulerRole } from './planned-task-schedules';
import { PolicyStatement, assumedByService, grantStatements, policyDocument } from './policy-document';
import { DrillScope } from '../../core/aws/ecs-drill-wiring';
import { STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, STATE_MACHINE_SCHEDULE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import { STATE_MACHINE_OBSERVABILITY, StateMachinePlan, StateMachineSchedulePlan, fillScheduleInput } from '../../core/aws/planned-state-machine';
import { DrillResourceKind, PARTITION_PLACEHOLDER, listPlaceholders, renderDefinition } from '../../core/aws/state-machines';

/** What {@link createPlannedStateMachine} fills a planned state machine with. */
export interface PlannedStateMachineProps {
  /** Exactly one value for each placeholder of the definition, but the partition: the renderer fills it. */
  readonly substitutions: pulumi.Output<Record<string, string>>;
  /** What each kind of resource the role acts on is scoped to (core's scopes); a kind the plan needs without a scope is an error. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillScope<pulumi.Input<string>>>>;
  /**
   * ARN of the notification topic's KMS key, which the role then may use to publish.
   * @default - none: the topic is taken as unencrypted or encrypted with a key the role may already use
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * Statements the role needs besides the plan's action groups (e.g. a snapshot's KMS key).
   * @default - none
   */
  readonly additionalStatements?: readonly PolicyStatement[];
  /** Days the execution logs are kept. */
  readonly logRetentionDays: number;
  /** The component that owns the state machine, named in error messages, e.g. `VerifyRestore`. */
  readonly owner: string;
}

/** The resources {@link createPlannedStateMachine} created. */
export interface PlannedStateMachine {
  /** The definition with every placeholder filled, as deployed. */
  readonly definition: pulumi.Output<string>;
  /** The role the state machine runs as, holding only the plan's scoped permissions. */
  readonly role: iam.Role;
  /** The state machine, logging every event to its own log group, traced. */
  readonly stateMachine: sfn.StateMachine;
}

/**
 * Creates, as children of `parent`, a planned state machine: its execution role and the role's policy
 * (`<name>-<names.role>`, `<name>-<names.policy>`), its execution logs (`<name>-<names.logs>`) and the state machine
 * (`<name>-<names.stateMachine>`), logged and traced as core's `STATE_MACHINE_OBSERVABILITY` says; the definition's
 * integrations in the partition of `parent`'s provider.
 */
export function createPlannedStateMachine(
  name: string, parent: pulumi.Resource, plan: StateMachinePlan, props: PlannedStateMachineProps,
): PlannedStateMachine {
  const child = { parent };
  // The integrations' ARNs name the partition of the provider the state machine is created with.
  const partition = listPlaceholders(plan.definition).includes(PARTITION_PLACEHOLDER) ? getPartitionOutput({}, child).partition : undefined;
  const definition = pulumi.all([props.substitutions, partition]).apply(([values, partitionName]) => renderDefinition(plan.definition, {
    ...values, ...(partitionName === undefined ? {} : { [PARTITION_PLACEHOLDER]: partitionName }),
  }));
  const role = new iam.Role(`${name}-${plan.names.role}`, {
    description: plan.descriptions.role,
    assumeRolePolicy: assumedByService('states.amazonaws.com'),
  }, child);
  // A state machine's role names one resource as a string and lists its actions, as its policies always have.
  const scopes = Object.fromEntries(Object.entries(props.scopes).map(([kind, scope]) => [kind, {
    resources: scope!.resources.length === 1 ? scope!.resources[0] : scope!.resources, condition: scope!.conditions,
  }]));
  const topicKeyArn = props.notificationTopicKeyArn;
  new iam.RolePolicy(`${name}-${plan.names.policy}`, {
    role: role.id,
    policy: policyDocument([
      ...grantStatements(plan.iamActions, scopes, props.owner).map((statement) => ({ ...statement, Action: [statement.Action].flat() })),
      // sns:Publish comes from the plan's own action list; an encrypted topic also needs its key.
      ...(topicKeyArn ? [{ Effect: 'Allow' as const, Action: [...TOPIC_KEY_PUBLISH_IAM_ACTIONS], Resource: topicKeyArn }] : []),
      ...(props.additionalStatements ?? []),
      ...grantStatements(STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, { 'log-delivery': { resources: '*' }, 'tracing': { resources: '*' } }),
    ]),
  }, child);
  const executionLogs = new cloudwatch.LogGroup(`${name}-${plan.names.logs}`, { retentionInDays: props.logRetentionDays }, child);
  const stateMachine = new sfn.StateMachine(`${name}-${plan.names.stateMachine}`, {
    type: plan.type,
    definition,
    roleArn: role.arn,
    loggingConfiguration: {
      logDestination: pulumi.interpolate`${executionLogs.arn}:*`,
      level: STATE_MACHINE_OBSERVABILITY.logLevel,
      includeExecutionData: STATE_MACHINE_OBSERVABILITY.includeExecutionData,
    },
    tracingConfiguration: { enabled: STATE_MACHINE_OBSERVABILITY.tracing },
  }, child);
  return { definition, role, stateMachine };
}

/**
 * Creates, as children of `parent`, the schedules that start a planned state machine and their one role (the prefix
 * `<name>`, or `<name>-<namePrefix>` of the first plan: `<prefix>-scheduler-role`), allowed to start the state machine
 * and, when a plan has one, to send to `deadLetterQueueArn` the starts it could not make after the planned retries.
 * Each schedule is `<name>-<plan's name>` when it has one, else `<prefix>-schedule`, its execution input's
 * placeholders filled with `inputValues(plan)`.
 */
export function createStateMachineSchedules<Plan extends StateMachineSchedulePlan>(
  name: string, parent: pulumi.Resource, environment: AwsEnvironment, stateMachineArn: pulumi.Input<string>,
  plans: readonly Plan[], deadLetterQueueArn?: pulumi.Input<string>,
  inputValues: (plan: Plan) => Readonly<Record<string, pulumi.Input<string>>> = () => ({}),
): { schedulerRole: iam.Role; schedules: scheduler.Schedule[] } {
  const missing = plans.find((plan) => plan.deadLetterQueue && deadLetterQueueArn === undefined);
  if (missing) throw new Error(`the schedule ${missing.id} plans a dead-letter queue, which was not given`);
  const prefix = plans[0].namePrefix === undefined ? name : `${name}-${plans[0].namePrefix}`;
  const deadLetters = plans.some((plan) => plan.deadLetterQueue) ? deadLetterQueueArn : undefined;
  const schedulerRole = createSchedulerRole(prefix, parent, environment, grantStatements(STATE_MACHINE_SCHEDULE_IAM_ACTIONS, {
    'state-machine': { resources: stateMachineArn },
    ...(deadLetters === undefined ? {} : { 'dead-letter-queue': { resources: deadLetters } }),
  }));
  const schedules = plans.map((plan) => {
    const input = fillScheduleInput(plan, inputValues(plan));
    return new scheduler.Schedule(plan.name === undefined ? `${prefix}-schedule` : `${name}-${plan.name}`, {
      description: plan.description,
      scheduleExpression: plan.schedule.scheduleExpression,
      scheduleExpressionTimezone: plan.schedule.scheduleExpressionTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: stateMachineArn,
        roleArn: schedulerRole.arn,
        ...(input ? { input: pulumi.output(input).apply((value) => JSON.stringify(value)) } : {}),
        ...(plan.deadLetterQueue ? { deadLetterConfig: { arn: deadLetterQueueArn! } } : {}),
        retryPolicy: { maximumRetryAttempts: plan.startRetry.attempts, maximumEventAgeInSeconds: plan.startRetry.maxEventAgeSeconds },
      },
    }, { parent });
  });
  return { schedulerRole, schedules };
}
