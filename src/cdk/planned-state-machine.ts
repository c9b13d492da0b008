import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantPlannedActions } from './planned-grants';
import { plannedScheduleExpression } from './planned-schedules';
import { acknowledgeWildcards, drillRoleWildcards } from './reviewed-findings';
import { STATE_MACHINE_OBSERVABILITY, StateMachinePlan, StateMachineSchedulePlan, fillScheduleInput } from '../core/aws/planned-state-machine';
import { DrillResourceKind, PARTITION_PLACEHOLDER } from '../core/aws/state-machines';

/** What one kind of resource a state machine's role acts on is scoped to: statements' resources and conditions. */
export type DrillResourceScope = Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>;

/** What {@link renderPlannedStateMachine} fills a planned state machine with. */
export interface PlannedStateMachineProps {
  /** A value for each placeholder of the definition but the partition, which the renderer fills (more are ignored); a missing one is an error. */
  readonly substitutions: Readonly<Record<string, string>>;
  /** What each kind of resource the role acts on is scoped to; a kind the plan needs without a scope is an error. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  /** How long the execution logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** The construct, as errors name it, e.g. `VerifyRestore`. */
  readonly owner: string;
  /** What the state machine is in the error about a missing placeholder, e.g. `the dump restore drill`. */
  readonly what: string;
  /**
   * Grants the role needs besides the plan's action groups (a topic's key…), made before the state machine adds its
   * logging and tracing statements, in the order the templates have always had.
   * @default - none
   */
  readonly grant?: (role: iam.Role) => void;
}

/**
 * Renders a planned state machine in `scope`: its execution role (`ids.role`, holding only the plan's action groups,
 * each scoped; the wildcards among them reviewed) and the state machine (`ids.stateMachine`), logging to its own log
 * group (`ids.logs`) and traced as core's `STATE_MACHINE_OBSERVABILITY` says; the definition's integrations in the
 * stack's partition.
 */
export function renderPlannedStateMachine(
  scope: Construct, plan: StateMachinePlan, props: PlannedStateMachineProps,
): { role: iam.Role; stateMachine: sfn.StateMachine } {
  // The integrations' ARNs name the stack's partition.
  const substitutions: Readonly<Record<string, string>> = { [PARTITION_PLACEHOLDER]: Aws.PARTITION, ...props.substitutions };
  const missing = plan.placeholders.filter((name) => substitutions[name] === undefined);
  if (missing.length > 0) throw new Error(`${props.what} needs values for ${missing.join(', ')}, which ${props.owner} does not know`);
  const role = new iam.Role(scope, plan.ids.role, {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: plan.descriptions.role,
  });
  grantPlannedActions(role, plan.iamActions, props.scopes, props.owner);
  acknowledgeWildcards(role, drillRoleWildcards(plan.iamActions, (kind) => props.scopes[kind]?.resources));
  props.grant?.(role);
  const stateMachine = new sfn.StateMachine(scope, plan.ids.stateMachine, {
    comment: plan.descriptions.comment,
    // STANDARD is CloudFormation's default: left unset, as the templates always had it.
    stateMachineType: plan.type === 'EXPRESS' ? sfn.StateMachineType.EXPRESS : undefined,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(plan.definition)),
    definitionSubstitutions: Object.fromEntries(plan.placeholders.map((name) => [name, substitutions[name]])),
    role,
    logs: {
      destination: new logs.LogGroup(scope, plan.ids.logs, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
      level: sfn.LogLevel[STATE_MACHINE_OBSERVABILITY.logLevel],
      includeExecutionData: STATE_MACHINE_OBSERVABILITY.includeExecutionData,
    },
    tracingEnabled: STATE_MACHINE_OBSERVABILITY.tracing,
  });
  return { role, stateMachine };
}

/**
 * Renders the schedule (`plan.id`) that starts a planned state machine, with the stack's scheduler role; a start it
 * could not make after the planned retries goes to `deadLetterQueue` when the plan has one.
 *
 * @param description the plan's, unless the construct words it with what only it knows (its stack's name)
 * @param inputValues the values of the placeholders of the plan's execution input
 */
export function renderStateMachineSchedule(
  scope: Construct, stateMachine: sfn.IStateMachine, plan: StateMachineSchedulePlan, deadLetterQueue?: sqs.IQueue,
  description = plan.description, inputValues: Readonly<Record<string, string>> = {},
): scheduler.Schedule {
  if (plan.deadLetterQueue && deadLetterQueue === undefined) throw new Error(`the schedule ${plan.id} plans a dead-letter queue, which was not given`);
  const input = fillScheduleInput(plan, inputValues);
  return new scheduler.Schedule(scope, plan.id, {
    description,
    schedule: plannedScheduleExpression(plan.schedule),
    timeWindow: scheduler.TimeWindow.off(),
    target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
      ...(input ? { input: scheduler.ScheduleTargetInput.fromObject(input) } : {}),
      ...(plan.deadLetterQueue ? { deadLetterQueue } : {}),
      retryAttempts: plan.startRetry.attempts,
      maxEventAge: Duration.seconds(plan.startRetry.maxEventAgeSeconds),
    }),
  });
}
