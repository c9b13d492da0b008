import { ReviewedWildcard } from './reviewed-wildcard';
import { STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS } from '../iam-action-groups';
import type { DrillIamActionGroup, DrillResourceKind } from '../state-machines';

/** What a Step Functions state machine with execution logs and X-Ray tracing is given by aws-cdk-lib on `*`. */
export const STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS: readonly ReviewedWildcard[] = STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS
  .map(({ actions, reason }) => ({ resource: '*', actions, reason }));

/** `cloudwatch:PutMetricData`, which has no resource, held to one namespace by its condition. */
export const METRICS_WILDCARD: ReviewedWildcard = {
  resource: '*',
  actions: ['cloudwatch:PutMetricData'],
  conditionKey: 'cloudwatch:namespace',
  reason: 'cloudwatch:PutMetricData has no resource-level permissions; a cloudwatch:namespace condition holds it to one namespace.',
};

/**
 * Why a restore drill's state machine is granted a wildcard for a kind of resource (the kinds core names for its
 * actions), and the condition key that narrows it; kinds not listed here are granted on named resources only.
 */
const DRILL_WILDCARD_REASONS: Partial<Record<DrillResourceKind, { reason: string; conditionKey?: string }>> = {
  'ecs-task': { reason: 'Describe, stop and tag only the tasks of the drill\'s cluster: a task ARN exists only once the drill has started it.' },
  'ecs-cluster-condition': {
    reason: 'ecs:ListTasks has no resource-level permissions; an ecs:cluster condition holds it to the drill\'s cluster.',
    conditionKey: 'ecs:cluster',
  },
  'cloudwatch-namespace-condition': METRICS_WILDCARD,
  'rds-snapshots': {
    reason: 'Describe and restore snapshots of the account: automated and AWS Backup snapshot names are generated per backup '
      + '(rds:<id>-<date>, awsbackup:job-<id>), and the drill lists them filtered by the source database.',
  },
  'rds-scratch-instances': {
    reason: 'Create, tag, poll and delete only scratch instances whose identifier starts with the drill\'s prefix; each '
      + 'drill names its instance after the execution, so the name is not known in advance.',
  },
  'rds-scratch-clusters': {
    reason: 'Restore into and delete only scratch clusters whose identifier starts with the drill\'s prefix, named after the execution.',
  },
  'rds-restored': {
    reason: 'Describe only (no change): AWS Backup names the database it restores for a restore test per job, so it cannot be named in advance.',
  },
  'dump-objects': {
    reason: 'Read only, under the dumps\' prefix: the drill reads the latest pointer and the manifest of a backup whose key is its time stamp.',
  },
  'rds-managed-secrets': {
    reason: 'RDS creates the master secret of each scratch instance in the caller\'s name and names it itself (rds!db-<uuid>), so it cannot be named in advance.',
  },
  'backup-restore-jobs': { reason: 'backup:PutRestoreValidationResult names no resource: restore jobs are created by AWS Backup per test.' },
  'drill-result-objects': {
    reason: 'Put only, under <prefix>/<database>/drills/: each drill result gets a new key named after the time it was written.',
  },
};

/**
 * The wildcards of a restore drill's state machine role: those aws-cdk-lib adds for execution logs and tracing, and,
 * per action group of core's drill, the group's actions on the resources it was scoped to, where that kind of
 * resource can only be named by a pattern.
 */
export function drillRoleWildcards(
  groups: readonly DrillIamActionGroup[], resourcesOf: (kind: DrillResourceKind) => readonly string[] | undefined,
): ReviewedWildcard[] {
  const wildcards: ReviewedWildcard[] = [...STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS];
  for (const group of groups) {
    const why = DRILL_WILDCARD_REASONS[group.resource];
    if (why === undefined) continue;
    for (const resource of resourcesOf(group.resource) ?? []) {
      wildcards.push({ resource, actions: group.actions, conditionKey: why.conditionKey, reason: why.reason });
    }
  }
  return wildcards;
}
