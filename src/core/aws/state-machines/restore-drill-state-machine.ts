import { AslState, StateMachineDefinition } from './asl';
import { listPlaceholders } from './definition-substitutions';
import {
  DRILL_OUTCOME_IAM_ACTIONS, DRILL_RESULT_OBJECT_IAM_ACTIONS, DrillIamActionGroup, ECS_SYNC_TASK_IAM_ACTIONS, mergeIamActionGroups,
} from './drill-iam-actions';
import { DrillStateName, EXECUTION_START_TIME, RestoredPaths, failureTailStates, secondsSince, successTailStates } from './drill-states';
import { ResolvedRestoreDrillOptions, RestoreDrillKind, RestoreDrillStateMachine } from './restore-drill-options';

/** What one restore drill adds to what every drill has, for {@link restoreDrillStateMachine}. */
export interface RestoreDrillParts {
  /** The definition's comment. */
  readonly comment: string;
  /**
   * The first state.
   * @default DrillStateName.INITIALIZE
   */
  readonly startAt?: string;
  /** The drill's own states; the success and failure tails every drill ends with follow them. */
  readonly states: Record<string, AslState>;
  /** The `Drill` dimension of the outcome metrics. */
  readonly kind: RestoreDrillKind;
  /**
   * Where the success tail reads when the measured restore started.
   * @default - the execution's start
   */
  readonly restoreStartedAt?: string;
  /**
   * The measured restore, seconds, as a JSONata expression, for a drill that measures it otherwise than from
   * `restoreStartedAt` to its success.
   * @default - the seconds since `restoreStartedAt`
   */
  readonly restoreSeconds?: string;
  /**
   * Where the state data holds what the drill restores (a snapshot, a target time, a backup id), which a failed
   * drill's result records as far as it is known.
   * @default - nothing: the drill's task alone knows what it restored
   */
  readonly restored?: RestoredPaths;
  /** Seconds of the longest path through the states. */
  readonly longestPathSeconds: number;
  /** Seconds the execution may run beyond its longest path before it times out (unless `executionTimeoutSeconds` is set). */
  readonly marginSeconds: number;
  /**
   * The action groups on the drill's own resources; the ECS task's and the outcome's (metrics, notification) follow.
   * @default - none
   */
  readonly iamActions?: readonly DrillIamActionGroup[];
}

/**
 * A restore drill's state machine: its states followed by the success and failure tails (the failure tail writes the
 * failed drill's result beside the backups with `writeFailedDrillResult`), its timeout (the longest path plus a margin,
 * or the options' `executionTimeoutSeconds`), the placeholders it needs, and its role's action groups.
 */
export function restoreDrillStateMachine(resolved: ResolvedRestoreDrillOptions, parts: RestoreDrillParts): RestoreDrillStateMachine {
  const definition: StateMachineDefinition = {
    Comment: parts.comment,
    StartAt: parts.startAt ?? DrillStateName.INITIALIZE,
    TimeoutSeconds: resolved.executionTimeoutSeconds ?? parts.longestPathSeconds + parts.marginSeconds,
    States: {
      ...parts.states,
      ...successTailStates(resolved, parts.kind, parts.restoreSeconds ?? secondsSince(parts.restoreStartedAt ?? EXECUTION_START_TIME)),
      ...failureTailStates(resolved, parts.kind, resolved.writeFailedDrillResult, parts.restored),
    },
  };
  return {
    definition,
    placeholders: listPlaceholders(definition),
    iamActions: mergeIamActionGroups(
      parts.iamActions ?? [], ECS_SYNC_TASK_IAM_ACTIONS, DRILL_OUTCOME_IAM_ACTIONS,
      resolved.writeFailedDrillResult ? DRILL_RESULT_OBJECT_IAM_ACTIONS : [],
    ),
  };
}
