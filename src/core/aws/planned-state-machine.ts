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
  /** When it runs. */
  readonly schedule: EventBridgeSchedule;
  /** Its description. */
  readonly description: string;
  /** How a start it could not make is retried. */
  readonly startRetry: StartRetryPlan;
  /** Whether a start it could not make after its retries goes to a dead-letter queue (whose alarm pages). */
  readonly deadLetterQueue: boolean;
}
