"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS = exports.RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS = exports.DRILL_OUTCOME_IAM_ACTIONS = exports.ECS_SYNC_TASK_IAM_ACTIONS = void 0;
exports.mergeIamActionGroups = mergeIamActionGroups;
exports.allIamActions = allIamActions;
/** Running a task with `ecs:runTask.sync`, and stopping it when the drill gives up on it. */
exports.ECS_SYNC_TASK_IAM_ACTIONS = [
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
exports.DRILL_OUTCOME_IAM_ACTIONS = [
    { resource: 'sns-topic', actions: ['sns:Publish'], reason: 'notify a failed drill' },
    { resource: 'cloudwatch-namespace-condition', actions: ['cloudwatch:PutMetricData'], reason: 'publish the drill outcome and restore duration' },
];
/** Restoring the latest snapshot of an RDS DB instance into a scratch instance and deleting it. */
exports.RDS_INSTANCE_SNAPSHOT_IAM_ACTIONS = [
    { resource: 'rds-source', actions: ['rds:DescribeDBSnapshots'], reason: 'list the source instance\'s snapshots' },
    {
        resource: 'rds-snapshots',
        actions: ['rds:DescribeDBSnapshots', 'rds:RestoreDBInstanceFromDBSnapshot'],
        reason: 'read and restore the newest snapshot',
    },
    {
        resource: 'rds-scratch-instances',
        actions: ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:AddTagsToResource', 'rds:DescribeDBInstances', 'rds:DeleteDBInstance'],
        reason: 'create, tag, poll and delete the scratch instance',
    },
    { resource: 'rds-subnet-group', actions: ['rds:RestoreDBInstanceFromDBSnapshot'], reason: 'place the scratch instance in the drill subnet group' },
];
/** Restoring the latest snapshot of an Aurora cluster into a scratch cluster with one instance, and deleting both. */
exports.RDS_CLUSTER_SNAPSHOT_IAM_ACTIONS = [
    { resource: 'rds-source', actions: ['rds:DescribeDBClusterSnapshots'], reason: 'list the source cluster\'s snapshots' },
    {
        resource: 'rds-snapshots',
        actions: ['rds:DescribeDBClusterSnapshots', 'rds:RestoreDBClusterFromSnapshot'],
        reason: 'read and restore the newest cluster snapshot',
    },
    {
        resource: 'rds-scratch-clusters',
        actions: ['rds:RestoreDBClusterFromSnapshot', 'rds:CreateDBInstance', 'rds:AddTagsToResource', 'rds:DeleteDBCluster'],
        reason: 'create, tag and delete the scratch cluster (creating an instance also acts on its cluster)',
    },
    {
        resource: 'rds-scratch-instances',
        actions: ['rds:CreateDBInstance', 'rds:AddTagsToResource', 'rds:DescribeDBInstances', 'rds:DeleteDBInstance'],
        reason: 'create, tag, poll and delete the scratch cluster\'s instance',
    },
    {
        resource: 'rds-subnet-group',
        actions: ['rds:RestoreDBClusterFromSnapshot', 'rds:CreateDBInstance'],
        reason: 'place the scratch cluster in the drill subnet group',
    },
];
/**
 * Merges action groups: one group per resource kind, actions sorted and listed once, reasons joined.
 */
function mergeIamActionGroups(...groups) {
    const byResource = new Map();
    for (const group of groups.flat()) {
        const entry = byResource.get(group.resource) ?? { actions: new Set(), reasons: [] };
        group.actions.forEach((action) => entry.actions.add(action));
        if (!entry.reasons.includes(group.reason))
            entry.reasons.push(group.reason);
        byResource.set(group.resource, entry);
    }
    return [...byResource.entries()].map(([resource, entry]) => ({
        resource,
        actions: [...entry.actions].sort(),
        reason: entry.reasons.join('; '),
    }));
}
/** Every IAM action in a list of groups, sorted, each once (for a quick review or an unscoped policy). */
function allIamActions(groups) {
    return [...new Set(groups.flatMap((group) => group.actions))].sort();
}
