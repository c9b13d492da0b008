/**
 * The resources a drill's execution role acts on. Each front end maps a kind to the ARNs it knows (the task
 * definition it created, the topic it was given, …) so every statement is scoped as narrowly as the service allows.
 */
export type DrillResourceKind =
  /** The drill's ECS task definition (`arn:aws:ecs:…:task-definition/family:*`). */
  | 'ecs-task-definition'
  /** Tasks of the drill's cluster (`arn:aws:ecs:…:task/cluster-name/*`). */
  | 'ecs-task'
  /** `ecs:ListTasks` has no task resource: `*`, scoped with the condition `ecs:cluster` = the cluster ARN. */
  | 'ecs-cluster-condition'
  /** The task role and task execution role the task definition names (`iam:PassRole` to `ecs-tasks.amazonaws.com`). */
  | 'ecs-task-roles'
  /** The rule Step Functions manages for `.sync` ECS tasks (`arn:aws:events:…:rule/StepFunctionsGetEventsForECSTaskRule`). */
  | 'sync-events-rule'
  /** The notification topic. */
  | 'sns-topic'
  /** `cloudwatch:PutMetricData` has no resource: `*`, scoped with the condition `cloudwatch:namespace`. */
  | 'cloudwatch-namespace-condition'
  /** The database whose snapshots are restored, or which is restored to a point in time (`arn:aws:rds:…:db:source` or `…:cluster:source`). */
  | 'rds-source'
  /** Its snapshots (`arn:aws:rds:…:snapshot:*` or `…:cluster-snapshot:*`). */
  | 'rds-snapshots'
  /** Scratch DB instances the drill creates (`arn:aws:rds:…:db:<scratchIdentifierPrefix>-*`). */
  | 'rds-scratch-instances'
  /** Scratch Aurora clusters the drill creates (`arn:aws:rds:…:cluster:<scratchIdentifierPrefix>-*`). */
  | 'rds-scratch-clusters'
  /** The DB subnet group scratch databases are placed in (`arn:aws:rds:…:subgrp:name`). */
  | 'rds-subnet-group'
  /** Databases AWS Backup restores for a restore test, named by it per job (`arn:aws:rds:…:db:*` or `…:cluster:*`). */
  | 'rds-restored'
  /** `backup:PutRestoreValidationResult`, which names no resource: `*`. */
  | 'backup-restore-jobs'
  /** The dumps' `latest` pointers and manifests (`arn:aws:s3:::bucket/<prefix>/*`), read to size a scratch instance. */
  | 'dump-objects'
  /** The master user secrets RDS creates for scratch instances it manages the password of (`arn:aws:secretsmanager:…:secret:rds!db-*`). */
  | 'rds-managed-secrets'
  /** Drill results beside the backups (`arn:aws:s3:::bucket/<prefix>/<database>/drills/*`). */
  | 'drill-result-objects';

/** IAM actions a drill needs on one kind of resource. */
export interface DrillIamActionGroup {
  /** What the actions apply to. */
  readonly resource: DrillResourceKind;
  /** The IAM actions, e.g. `ecs:RunTask`. */
  readonly actions: readonly string[];
  /** Why the drill needs them, for the policy's documentation and for reviewers. */
  readonly reason: string;
}

/** Running a task with `ecs:runTask.sync`, and stopping it when the drill gives up on it. */
export const ECS_SYNC_TASK_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'ecs-task-definition', actions: ['ecs:RunTask'], reason: 'start the drill task' },
  {
    resource: 'ecs-task',
    actions: ['ecs:DescribeTasks', 'ecs:StopTask', 'ecs:TagResource'],
    reason: 'wait for the task (.sync), stop it after a timeout or failure, and tag it at launch (PropagateTags)',
  },
  { resource: 'ecs-cluster-condition', actions: ['ecs:ListTasks'], reason: 'find the drill task still running after a timeout' },
  { resource: 'ecs-task-roles', actions: ['iam:PassRole'], reason: 'hand the task role and execution role to ECS' },
  {
    resource: 'sync-events-rule',
    actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    reason: 'Step Functions learns that a .sync task stopped through this managed rule',
  },
];

/** Reporting the outcome: metrics and the failure notification. */
export const DRILL_OUTCOME_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'sns-topic', actions: ['sns:Publish'], reason: 'notify a failed drill' },
  { resource: 'cloudwatch-namespace-condition', actions: ['cloudwatch:PutMetricData'], reason: 'publish the drill outcome and restore duration' },
];

/** Writing the drill result beside the backups (`<prefix>/<database>/drills/<time>.json`). */
export const DRILL_RESULT_OBJECT_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'drill-result-objects', actions: ['s3:PutObject'], reason: 'write the drill result beside the backups' },
];

/** Creating a scratch instance with `createAction` (a restore, or an empty instance) in the drill subnet group: tag, poll, delete it. */
function scratchInstanceIamActions(createAction: string): DrillIamActionGroup[] {
  return [
    {
      resource: 'rds-scratch-instances',
      actions: [createAction, 'rds:AddTagsToResource', 'rds:DescribeDBInstances', 'rds:DeleteDBInstance'],
      reason: 'create, tag, poll and delete the scratch instance',
    },
    { resource: 'rds-subnet-group', actions: [createAction], reason: 'place the scratch instance in the drill subnet group' },
  ];
}

/** Restoring a scratch Aurora cluster with `restoreAction` and one instance in it, in the drill subnet group: tag, poll, delete both. */
function scratchClusterIamActions(restoreAction: string): DrillIamActionGroup[] {
  return [
    {
      resource: 'rds-scratch-clusters',
      actions: [restoreAction, 'rds:CreateDBInstance', 'rds:AddTagsToResource', 'rds:DeleteDBCluster'],
      reason: 'create, tag and delete the scratch cluster (creating an instance also acts on its cluster)',
    },
    {
      resource: 'rds-scratch-instances',
      actions: ['rds:CreateDBInstance', 'rds:AddTagsToResource', 'rds:DescribeDBInstances', 'rds:DeleteDBInstance'],
      reason: 'create, tag, poll and delete the scratch cluster\'s instance',
    },
    { resource: 'rds-subnet-group', actions: [restoreAction, 'rds:CreateDBInstance'], reason: 'place the scratch cluster in the drill subnet group' },
  ];
}

/** Restoring the latest snapshot of an RDS DB instance into a scratch instance and deleting it. */
export const RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'rds-source', actions: ['rds:DescribeDBSnapshots'], reason: 'list the source instance\'s snapshots' },
  {
    resource: 'rds-snapshots',
    actions: ['rds:DescribeDBSnapshots', 'rds:RestoreDBInstanceFromDBSnapshot'],
    reason: 'read and restore the newest snapshot',
  },
  ...scratchInstanceIamActions('rds:RestoreDBInstanceFromDBSnapshot'),
];

/** Restoring the latest snapshot of an Aurora cluster into a scratch cluster with one instance, and deleting both. */
export const RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'rds-source', actions: ['rds:DescribeDBClusterSnapshots'], reason: 'list the source cluster\'s snapshots' },
  {
    resource: 'rds-snapshots',
    actions: ['rds:DescribeDBClusterSnapshots', 'rds:RestoreDBClusterFromSnapshot'],
    reason: 'read and restore the newest cluster snapshot',
  },
  ...scratchClusterIamActions('rds:RestoreDBClusterFromSnapshot'),
];

/** Restoring an RDS DB instance to a point in time into a scratch instance and deleting it. */
export const RDS_INSTANCE_POINT_IN_TIME_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  {
    resource: 'rds-source',
    actions: ['rds:DescribeDBInstances', 'rds:RestoreDBInstanceToPointInTime'],
    reason: 'read the source instance\'s restorable time window and restore it to the target time',
  },
  ...scratchInstanceIamActions('rds:RestoreDBInstanceToPointInTime'),
];

/** Restoring an Aurora cluster to a point in time into a scratch cluster with one instance, and deleting both. */
export const RDS_CLUSTER_POINT_IN_TIME_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  {
    resource: 'rds-source',
    actions: ['rds:DescribeDBClusters', 'rds:RestoreDBClusterToPointInTime'],
    reason: 'read the source cluster\'s restorable time window and restore it to the target time',
  },
  ...scratchClusterIamActions('rds:RestoreDBClusterToPointInTime'),
];

/**
 * Merges action groups: one group per resource kind, actions sorted and listed once, reasons joined.
 */
export function mergeIamActionGroups(...groups: (readonly DrillIamActionGroup[])[]): DrillIamActionGroup[] {
  const byResource = new Map<DrillResourceKind, { actions: Set<string>; reasons: string[] }>();
  for (const group of groups.flat()) {
    const entry = byResource.get(group.resource) ?? { actions: new Set<string>(), reasons: [] };
    group.actions.forEach((action) => entry.actions.add(action));
    if (!entry.reasons.includes(group.reason)) entry.reasons.push(group.reason);
    byResource.set(group.resource, entry);
  }
  return [...byResource.entries()].map(([resource, entry]) => ({
    resource,
    actions: [...entry.actions].sort(),
    reason: entry.reasons.join('; '),
  }));
}

/** Every IAM action in a list of groups, sorted, each once (for a quick review or an unscoped policy). */
export function allIamActions(groups: readonly DrillIamActionGroup[]): string[] {
  return [...new Set(groups.flatMap((group) => group.actions))].sort();
}

/**
 * Creating an empty scratch RDS instance sized from the dump's manifest, with a master password RDS keeps in Secrets
 * Manager (so it never passes through the drill's state), and deleting it.
 */
export const RDS_SCRATCH_INSTANCE_IAM_ACTIONS: readonly DrillIamActionGroup[] = [
  { resource: 'dump-objects', actions: ['s3:GetObject'], reason: 'read the latest pointer and the manifest of the dump, to size the scratch instance' },
  ...scratchInstanceIamActions('rds:CreateDBInstance'),
  {
    resource: 'rds-managed-secrets',
    actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
    reason: 'RDS creates the scratch instance\'s master user secret in the caller\'s name (ManageMasterUserPassword)',
  },
];
