import { BucketReplicationPlan, ReplicaPrunePlan, replicaKeyGrantScope } from './bucket-replication';
import {
  BACKUP_PRUNE_IAM_ACTIONS, BACKUP_READ_IAM_ACTIONS, BACKUP_WRITE_IAM_ACTIONS, DRILL_RESULT_WRITE_IAM_ACTIONS, SCHEDULED_TASK_IAM_ACTIONS,
  IamActionGroup, WAL_ARCHIVE_RESTORE_IAM_ACTIONS, actionsOnResource, walArchiveIamActions,
} from './iam-action-groups';
import type { DrillIamActionGroup, DrillResourceKind } from './state-machines';

/**
 * The wildcards the roles of this module's constructs hold by design, each with the only actions allowed there (core's
 * action groups for that kind of resource) and the reason a reviewer reads beside the acknowledged finding.
 */

/**
 * A wildcard a role needs by design: the resource it is granted on (an ARN with a `*`, or `*` for actions without
 * resource-level permissions), the only actions allowed there, and why.
 */
export interface ReviewedWildcard {
  /** The resource as granted, e.g. `bucket.arnForObjects('pg-dumps/*')`, or `*`. */
  readonly resource: string;
  /** The actions granted on it; a statement on the resource with any other action keeps the finding. */
  readonly actions: readonly string[];
  /** A condition key every statement on the resource must use, e.g. `cloudwatch:namespace`. */
  readonly conditionKey?: string;
  /** Why the resource cannot be named more narrowly. */
  readonly reason: string;
}

/** `ecr:GetAuthorizationToken`, which an execution role needs to pull an image from ECR and which has no resource. */
export const IMAGE_PULL_WILDCARD: ReviewedWildcard = {
  resource: '*',
  actions: ['ecr:GetAuthorizationToken'],
  reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image from ECR, has no resource-level permissions; the '
    + 'other statements of the role name the repository, the log group and the secrets.',
};

/** What a Step Functions state machine with execution logs and X-Ray tracing is given by aws-cdk-lib on `*`. */
export const STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS: readonly ReviewedWildcard[] = [
  {
    resource: '*',
    actions: [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ],
    reason: 'Log delivery of the state machine\'s execution logs: CloudWatch Logs delivery actions have no resource-level permissions.',
  },
  {
    resource: '*',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    reason: 'X-Ray tracing of the state machine: these actions have no resource-level permissions.',
  },
];

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

/**
 * What EventBridge Scheduler needs to start a task with its schedule's tags: `ecs:TagResource` on the tasks of the one
 * cluster (`tasks`: `arn:…:task/<cluster>/*`, as the schedule's target writes it), whose ARNs exist only once started.
 */
export function scheduledTasksWildcardOn(tasks: string): ReviewedWildcard {
  return {
    resource: tasks,
    actions: actionsOnResource(SCHEDULED_TASK_IAM_ACTIONS, 'ecs-task'),
    reason: 'EventBridge Scheduler tags the tasks it starts, in the one cluster only: a task ARN exists only once the task has started.',
  };
}

/**
 * The objects under a backup prefix: every backup gets a new key (database, time stamp, run), so a role that writes or
 * reads backups is granted `<prefix>/*`.
 * @param access `write` for the dump task (put, tag, abort its own uploads, check that a key is new), `read` for restores,
 * `drill-results` for a drill writing its result beside the backups, `prune` for the prune task
 */
export function backupObjectsWildcard(objects: string, access: 'write' | 'read' | 'drill-results' | 'prune'): ReviewedWildcard {
  if (access === 'drill-results') {
    return {
      resource: objects,
      actions: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'drill-results'),
      reason: 'A restore drill writes its result beside the backups it restored, one new key per drill (its time), under one prefix only.',
    };
  }
  if (access === 'prune') {
    return {
      resource: objects,
      actions: actionsOnResource(BACKUP_PRUNE_IAM_ACTIONS, 'backup-objects'),
      reason: 'The prune task reads the manifests and deletes the backups retention lets go, under its own prefix only; every backup has '
        + 'a new key, so the objects cannot be named in advance. The bucket policy denies deletion to every other principal.',
    };
  }
  return access === 'write'
    ? {
      resource: objects,
      actions: actionsOnResource(BACKUP_WRITE_IAM_ACTIONS, 'backup-objects'),
      reason: 'The dump task writes (and checks that a key is new) only under its own prefix; every backup has a new key, so '
        + 'the objects cannot be named in advance. The bucket policy denies deletion to every principal.',
    }
    : {
      resource: objects,
      actions: actionsOnResource(BACKUP_READ_IAM_ACTIONS, 'backup-objects'),
      reason: 'Read-only access to the backups under one prefix; every backup has a new key, so the objects cannot be named in advance.',
    };
}

/**
 * The objects of a WAL archive: the archiver names one object per WAL segment and per base-backup file as it writes it.
 * @param access `archive` for the database hosts (with `delete` when the archiver expires its own backups), `restore` for drills
 */
export function walArchiveWildcards(objects: readonly string[], access: 'archive' | 'restore', withDelete = false): ReviewedWildcard[] {
  return objects.map((resource) => access === 'archive'
    ? {
      resource,
      actions: actionsOnResource(walArchiveIamActions(withDelete), 'archive-objects'),
      reason: 'The archiver on the database host writes one object per WAL segment and per base-backup file, named as it '
        + 'archives them, under its own prefixes only'
        + (withDelete ? '; it deletes there (its own expiry) and nowhere else: the bucket policy denies deletion to every other principal.' : '.'),
    }
    : {
      resource,
      actions: actionsOnResource(WAL_ARCHIVE_RESTORE_IAM_ACTIONS, 'archive-objects'),
      reason: 'The recovery reads (no write, no delete) the WAL and base backups of the one archive it restores; their keys '
        + 'are created as the host archives, so they cannot be named in advance.',
    });
}

/** Why a grant on a replica key named by its alias is on `key/*` under a `kms:ResourceAliases` condition. */
const REPLICA_KEY_BY_ALIAS = 'The replica key is named by its alias (a physical name another region can know); IAM matches KMS actions against key ARNs, '
  + 'so the grant is on the keys of that account and region carrying the alias (kms:ResourceAliases), which is one key.';

/** The actions `groups` grant on `kind`. */
function actionsOn(groups: readonly IamActionGroup<string>[], kind: string): string[] {
  return groups.filter((group) => group.resource === kind).flatMap((group) => group.actions);
}

/**
 * The wildcards of S3 replication's role: every object of the source bucket (`sourceObjects`, as the front end writes
 * its ARN), every object of the offsite bucket, and the replica key when named by alias.
 */
export function replicationRoleWildcards(plan: BucketReplicationPlan, sourceObjects: string): ReviewedWildcard[] {
  return [
    {
      resource: sourceObjects,
      actions: actionsOn(plan.roleGrants, 'replication-source-objects'),
      reason: 'S3 replication reads every new version of every object of the backup bucket: the whole bucket holds backups, each under a new key.',
    },
    {
      resource: `${plan.destinationBucketArn}/*`,
      actions: actionsOn(plan.roleGrants, 'replication-destination-objects'),
      reason: 'S3 replication writes the replica of every object into the offsite bucket under the same new key; it may never delete there.',
    },
    ...replicaKeyGrantScope(plan.replicaKmsKeyArn).resources.filter((resource) => resource.endsWith(':key/*')).map((resource) => ({
      resource, actions: actionsOn(plan.roleGrants, 'replication-destination-key'), reason: REPLICA_KEY_BY_ALIAS,
    })),
  ];
}

/** The wildcards of the prune task's role in the offsite bucket: the replicas under the dumps' prefix, and the replica key when named by alias. */
export function replicaPruneWildcards(replica: ReplicaPrunePlan): ReviewedWildcard[] {
  return [
    ...replica.scopes['replica-objects'].resources.map((resource) => ({
      resource,
      actions: actionsOn(replica.roleGrants, 'replica-objects'),
      reason: 'The prune reads the replicated manifests and deletes the replicas retention lets go in the offsite bucket, under the dumps\' prefix only '
        + '(each backup is a new key): S3 replication never brings the source\'s deletes.',
    })),
    ...replica.scopes['replica-key'].resources.filter((resource) => resource.endsWith(':key/*')).map((resource) => ({
      resource, actions: actionsOn(replica.roleGrants, 'replica-key'), reason: REPLICA_KEY_BY_ALIAS,
    })),
  ];
}
