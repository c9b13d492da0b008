import { RestoreDrillStateMachine } from './state-machines/restore-drill-options';
import { EventBridgeSchedule } from '../policy/schedule';

/**
 * A state machine a construct creates, as core plans it: core's definition with its placeholders and the IAM action
 * groups of its role, its type, the ids (CDK) and names (Pulumi, after the component's name) of its role, log group
 * and state machine, and their descriptions. Each front end renders it with its one state-machine renderer.
 */
export interface StateMachinePlan extends RestoreDrillStateMachine {
  /** `EXPRESS` for a check run every few minutes for a few seconds (a fraction of the cost), `STANDARD` for a drill. */
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Construct ids of the execution role, the state machine and its execution logs. */
  readonly ids: { readonly role: string; readonly stateMachine: string; readonly logs: string };
  /** Pulumi names (after `<name>-`) of the execution role, its policy, the state machine and its execution logs. */
  readonly names: { readonly role: string; readonly policy: string; readonly stateMachine: string; readonly logs: string };
  /** Descriptions: the execution role's, and the state machine's comment. */
  readonly descriptions: { readonly role: string; readonly comment: string };
}

/**
 * How every planned state machine is observed: every event, with its execution data, logged to its own log group, and
 * traced with X-Ray (its role then needs core's `STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS`).
 */
export const STATE_MACHINE_OBSERVABILITY = { logLevel: 'ALL', includeExecutionData: true, tracing: true } as const;

/** How EventBridge Scheduler retries a start it could not make, and for how long, seconds. */
export interface StartRetryPlan {
  /** Retries after the first attempt. */
  readonly attempts: number;
  /** How long a start may be retried, seconds. */
  readonly maxEventAgeSeconds: number;
}

/** The schedule that starts a planned state machine. */
export interface StateMachineSchedulePlan {
  /** Construct id of the schedule (CDK). */
  readonly id: string;
  /**
   * What the Pulumi names of the schedule and its role start with after the component's name (`<name>-<prefix>-schedule`,
   * `<name>-<prefix>-scheduler-role`).
   * @default - none: `<name>-schedule`, `<name>-scheduler-role`
   */
  readonly namePrefix?: string;
  /**
   * The Pulumi name of the schedule after the component's name, when the role starts several schedules.
   * @default - `<namePrefix>-schedule`, or `schedule`
   */
  readonly name?: string;
  /** When it runs. */
  readonly schedule: EventBridgeSchedule;
  /** Its description. */
  readonly description: string;
  /** How a start it could not make is retried. */
  readonly startRetry: StartRetryPlan;
  /** Whether a start it could not make after its retries goes to a dead-letter queue (whose alarm pages). */
  readonly deadLetterQueue: boolean;
  /**
   * The execution input: each of its string values that is a `${Name}` placeholder is filled by the front end with
   * what only it knows (a bucket's name, a task definition's ARN), the other values as planned.
   * @default - none: an execution starts with the state machine's default input
   */
  readonly input?: object;
}

/**
 * The execution input of a planned schedule, its placeholders filled with `values` (the front end's tokens or outputs),
 * its keys in the planned order; none when the plan has no input. A placeholder without a value is an error.
 */
export function fillScheduleInput<T>(plan: StateMachineSchedulePlan, values: Readonly<Record<string, T>>): Record<string, unknown> | undefined {
  if (plan.input === undefined) return undefined;
  return Object.fromEntries(Object.entries(plan.input).map(([key, value]) => {
    const placeholder = typeof value === 'string' ? /^\$\{(\w+)\}$/.exec(value)?.[1] : undefined;
    if (placeholder === undefined) return [key, value];
    if (values[placeholder] === undefined) throw new Error(`the schedule ${plan.id} needs a value for its input's ${placeholder}`);
    return [key, values[placeholder]];
  }));
}
