import { AlarmPlan } from './alarm-plan';
import { StateMachinePlan, StateMachineSchedulePlan } from './planned-state-machine';
import { SCHEDULE_START_RETRY } from './schedule-start-retry';
import { RestoreDrillKind, RestoreDrillStateMachine } from './state-machines/restore-drill-options';
import { ScheduleSpec } from '../policy/policy';
import { renderEventBridgeSchedule } from '../policy/schedule';

/** The Fargate task a scheduled restore drill runs: its size, and the container whose command the state machine sets. */
export interface ScheduledDrillTaskPlan {
  /** CPU units. */
  readonly cpu: number;
  /** Memory, MiB. */
  readonly memoryLimitMiB: number;
  /**
   * Ephemeral storage, GiB.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /** The container running `pg-backup`. */
  readonly containerName: string;
  /** The task definition's family after the construct's name, where the front end names it (Pulumi: `<name>-<family>`). */
  readonly family: string;
  /** The prefix of its log streams. */
  readonly logStreamPrefix: string;
  /**
   * What the container's plain environment holds, none of it secret (reviewers read it beside the task definition).
   * @default - the container has no plain environment
   */
  readonly plainEnvironment?: string;
}

/** The descriptions every scheduled restore drill gives its resources, as the console shows them. */
export interface ScheduledDrillDescriptions {
  /** The task's security group. */
  readonly taskSecurityGroup: string;
  /** The state machine's role. */
  readonly drillRole: string;
  /** The state machine's comment. */
  readonly stateMachineComment: string;
  /** The schedule that starts the drill. */
  readonly schedule: string;
  /** The task's role. */
  readonly taskRole: string;
  /** The task's execution role. */
  readonly executionRole: string;
  /**
   * The secret of the scratch server's password, for a drill whose task runs one.
   * @default - none: no container reads a scratch password
   */
  readonly scratchPassword?: string;
}

/**
 * What every scheduled restore drill (`VerifyRestore`, `PitrDrill`, `SnapshotRestoreDrill`) creates, as core decides it:
 * a Fargate task, core's state machine that runs it, a schedule, alarms, all described the same in every front end.
 * Each drill's plan extends it with what only that drill has (a scratch database, results beside the backups…).
 */
export interface ScheduledDrillPlan {
  /** The construct, as messages name it, e.g. `VerifyRestore`. */
  readonly owner: string;
  /** What the drill is in messages, e.g. `the dump restore drill`. */
  readonly drillName: string;
  /** The database the drill restores: the `Database` dimension of its metrics. */
  readonly databaseName: string;
  /** CloudWatch namespace of the drill metrics. */
  readonly metricNamespace: string;
  /** The `Drill` dimension of its metrics. */
  readonly drillKind: RestoreDrillKind;
  /** The RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
  /** When the drill runs. */
  readonly schedule: ScheduleSpec;
  /** The task the state machine runs. */
  readonly task: ScheduledDrillTaskPlan;
  /** Core's drill: definition with placeholders, their names, the IAM actions of its role. */
  readonly drill: RestoreDrillStateMachine;
  /** The drill's alarms: on the state machine, the schedule's dead letters and the drill's metrics. */
  readonly alarms: readonly AlarmPlan[];
  /** Descriptions of the resources. */
  readonly descriptions: ScheduledDrillDescriptions;
}

/**
 * The plain attributes every scheduled restore drill construct exposes, the same in every front end (each front end
 * adds the handles of what it created): what its metrics are named by, and the RTO they are held to.
 */
export interface RestoreDrillAttributes {
  /** The database the drill restores: the `Database` dimension of its metrics. */
  readonly databaseName: string;
  /** CloudWatch namespace of the drill metrics. */
  readonly metricNamespace: string;
  /** The `Drill` dimension of its metrics: `dump`, `pitr`, `snapshot` or `point-in-time`. */
  readonly drillKind: RestoreDrillKind;
  /** The RTO, minutes. */
  readonly maxRestoreDurationMinutes: number;
}

/** The attributes of a drill construct that rendered `plan`. */
export function restoreDrillAttributes(plan: ScheduledDrillPlan): RestoreDrillAttributes {
  const { databaseName, metricNamespace, drillKind, maxRestoreDurationMinutes } = plan;
  return { databaseName, metricNamespace, drillKind, maxRestoreDurationMinutes };
}

/** The Pulumi names of a restore drill's state machine and its role, policy and logs, after the component's name. */
export const RESTORE_DRILL_STATE_MACHINE_NAMES: StateMachinePlan['names'] = {
  role: 'drill-role', policy: 'drill-policy', stateMachine: 'drill', logs: 'execution-logs',
};

/** The state machine of a scheduled restore drill, as every drill names and describes it. */
export function scheduledDrillStateMachine(plan: ScheduledDrillPlan): StateMachinePlan {
  return {
    ...plan.drill,
    type: 'STANDARD',
    ids: { role: 'DrillRole', stateMachine: 'Drill', logs: 'ExecutionLogs' },
    names: RESTORE_DRILL_STATE_MACHINE_NAMES,
    descriptions: { role: plan.descriptions.drillRole, comment: plan.descriptions.stateMachineComment },
  };
}

/**
 * The schedule of a scheduled restore drill: at the drill's schedule, a start it could not make retried as every
 * schedule retries it ({@link SCHEDULE_START_RETRY}), then sent to the drill's dead-letter queue, whose alarm pages.
 */
export function scheduledDrillSchedule(plan: ScheduledDrillPlan): StateMachineSchedulePlan {
  return {
    id: 'Schedule',
    schedule: renderEventBridgeSchedule(plan.schedule, 'verification.schedule'),
    description: plan.descriptions.schedule,
    startRetry: SCHEDULE_START_RETRY,
    deadLetterQueue: true,
  };
}

/** A schedule of a restore drill, and which of the drill's tasks the executions it starts run. */
export interface DrillSchedulePlan extends StateMachineSchedulePlan {
  /**
   * Position, among the drill's tasks, of the task whose definition fills the input's task placeholder.
   * @default 0
   */
  readonly taskIndex?: number;
}

/**
 * A restore drill as every front end renders it around its tasks: a single drill (`VerifyRestore`, `PitrDrill`,
 * `SnapshotRestoreDrill`) has one task and one schedule; the fleet's has a verify task per PostgreSQL major and a
 * schedule per group of databases, all starting its one state machine.
 */
export interface DrillRendering extends Pick<ScheduledDrillPlan, 'owner' | 'drillName' | 'metricNamespace' | 'alarms'> {
  /**
   * The database the state machine drills.
   * @default - none: each execution's input names its database
   */
  readonly databaseName?: string;
  /** The container whose command the state machine overrides. */
  readonly containerName: string;
  /** The state machine. */
  readonly stateMachine: StateMachinePlan;
  /** The schedules that start it. */
  readonly schedules: readonly DrillSchedulePlan[];
  /** Descriptions of the tasks' shared roles and security group, and of the scratch password. */
  readonly descriptions: Pick<ScheduledDrillDescriptions, 'taskRole' | 'executionRole' | 'taskSecurityGroup' | 'scratchPassword'>;
  /**
   * Construct ids (CDK) of the tasks' security group and of the roles the tasks share.
   * @default - `TaskSecurityGroup`; each task definition creates its roles
   */
  readonly ids?: { readonly securityGroup: string; readonly taskRole: string; readonly executionRole: string };
}

/** A scheduled restore drill as the front ends render it: its one task, its state machine and its schedule. */
export function scheduledDrillRendering(plan: ScheduledDrillPlan): DrillRendering {
  const stateMachine = scheduledDrillStateMachine(plan);
  return { ...plan, containerName: plan.task.containerName, stateMachine, schedules: [scheduledDrillSchedule(plan)] };
}
