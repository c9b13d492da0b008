import type * as scheduler from '@pulumi/aws/scheduler';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { replicaPruneDestinationPolicyOutput, replicaPruneStatements } from './bucket-replication';
import { createPlannedAlarms } from './metric-alarm';
import { createPlannedTaskSchedules } from './planned-task-schedules';
import { createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { createSchedulerRole, scheduledTaskStatements } from './scheduler-role';
import { notifyWhenTasksFail } from './task-failure-notification';
import { blueprintPruneContainer } from '../../core/aws/blueprint-fleet-tasks';
import { SCHEDULED_TASK_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import { blueprintDumpLocation, blueprintPruneCommand } from '../../core/aws/postgres-backup-blueprint';
import { pruneTaskResourceNames } from '../../core/aws/task-resource-names';

/**
 * The fleet's pruning as core planned it: the prune task (its role reads, lists and deletes under the fleet's prefix,
 * nothing else; its execution role writes its logs), per server with a retention policy a schedule per database
 * running `pg-backup prune` of that database's folder, an alarm per database on a failed or halted prune, and a
 * notification when a prune task dies.
 */
export function createFleetPrune(
  fleet: BlueprintFleetInfrastructure,
): Pick<PulumiBlueprintResources, 'pruneTaskDefinition' | 'pruneSchedules' | 'replicaPruneDestinationPolicy'> {
  const { name, parent, props, plan, plan: { prune }, pruneRole } = fleet;
  if (!prune || !pruneRole) return { pruneSchedules: [] };
  const container = blueprintPruneContainer(plan);
  const { taskDefinition, executionRole, securityGroup } = createPlannedTask(pruneTaskResourceNames(name), {
    family: `${name}-pg-backup-prune`,
    size: prune.task,
    taskRole: {
      role: pruneRole,
      statements: [...fleet.backupBucket.actionGroupStatements(prune.roleGrants, plan.prefix), ...replicaPruneStatements(prune.replica)],
    },
    executionRole: {
      role: prune.descriptions.executionRole,
      statements: taskExecutionStatements(fleet.logGroup.arn),
    },
    securityGroup: { vpcId: props.vpcId, description: prune.descriptions.securityGroup },
    container: {
      name: container.containerName,
      image: fleet.image(container.major),
      command: [...container.command],
      logs: { groupName: fleet.logGroup.name, region: fleet.environment.region, streamPrefix: prune.task.logStreamPrefix },
    },
  }, parent);
  const schedulerRole = createSchedulerRole(`${name}-prune`, parent, fleet.environment, scheduledTaskStatements(SCHEDULED_TASK_IAM_ACTIONS, {
    taskRoleArns: [pruneRole.arn, executionRole.arn],
    taskDefinitionArns: taskDefinition.arn,
    clusterName: fleet.cluster.name,
    deadLetterQueueArn: fleet.deadLetterQueue.arn,
  }, fleet.environment), prune.descriptions.scheduleRole);

  const schedules: scheduler.Schedule[] = [];
  for (const server of plan.servers) {
    if (!server.prune) continue;
    const location = fleet.backupBucket.bucketName.apply((bucket) => blueprintDumpLocation(bucket, server));
    schedules.push(...createPlannedTaskSchedules(`${name}-prune-${server.id}`, server.prune.schedule, {
      ...fleet.scheduleTarget,
      taskDefinitionArn: taskDefinition.arn,
      securityGroupId: securityGroup.id,
      roleArn: schedulerRole.arn,
      command: (database) => location.apply((to) => blueprintPruneCommand(plan, server, database, to)),
    }, parent));
    createPlannedAlarms(name, [...server.prune.alarms], fleet.notificationTopicArn, parent);
  }
  notifyWhenTasksFail(`${name}-prune`, parent, {
    description: prune.descriptions.taskFailedRule,
    taskDefinitionArns: [taskDefinition.arn],
    topicArn: fleet.notificationTopicArn,
    subject: prune.taskFailureSubject,
    namesStarter: true,
  });
  const replicaPruneDestinationPolicy = replicaPruneDestinationPolicyOutput(prune.replica, pruneRole.arn);
  return { pruneTaskDefinition: taskDefinition, pruneSchedules: schedules, replicaPruneDestinationPolicy };
}
