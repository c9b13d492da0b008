import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { grantReplicaPrune, outputReplicaPruneDestinationPolicy } from './bucket-replication';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleRole, notifyWhenTaskFails, renderPlannedTaskSchedules } from './planned-schedules';
import { acknowledgeImagePull, acknowledgeWildcards, backupObjectsWildcard, scheduledTasksWildcard } from './reviewed-findings';
import { blueprintPruneContainer } from '../core/aws/blueprint-fleet-tasks';
import { blueprintDumpLocation, blueprintPruneCommand } from '../core/aws/postgres-backup-blueprint';

/**
 * The fleet's pruning as core planned it: the prune task (its role reads, lists and deletes under the fleet's prefix,
 * nothing else), per server with a retention policy a schedule per database running `pg-backup prune` of that
 * database's folder, and an alarm per database on a failed or halted prune; a prune task that dies is notified.
 */
export function createFleetPrune(fleet: BlueprintFleetInfrastructure): Pick<CdkBlueprintResources, 'pruneSchedules' | 'replicaPruneDestinationPolicy'> {
  const { plan: { prune }, plan, scope, pruneTaskDefinition: taskDefinition, securityGroups: { prune: securityGroup } } = fleet;
  if (!prune || !taskDefinition || !securityGroup) return { pruneSchedules: [] };
  const container = blueprintPruneContainer(plan);
  taskDefinition.addContainer(container.containerName, {
    image: fleet.image(container.major),
    command: [...container.command],
    logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: prune.task.logStreamPrefix }),
  });
  fleet.backupBucket.grantPruneBackups(taskDefinition.taskRole, plan.prefix);
  if (prune.replica) grantReplicaPrune(taskDefinition.taskRole, prune.replica);
  const replicaPolicy = prune.replica && outputReplicaPruneDestinationPolicy(scope, taskDefinition.taskRole, prune.replica);
  acknowledgeWildcards(taskDefinition.taskRole, [backupObjectsWildcard(fleet.backupBucket.objectsUnder(plan.prefix), 'prune')]);
  acknowledgeImagePull(taskDefinition);
  const scheduleRole = createScheduleRole(scope, prune.descriptions.scheduleRole, 'PruneScheduleRole');
  acknowledgeWildcards(scheduleRole, [scheduledTasksWildcard(fleet.cluster, taskDefinition)]);

  const schedules: scheduler.Schedule[] = [];
  for (const server of plan.servers) {
    if (!server.prune) continue;
    const location = blueprintDumpLocation(fleet.bucketName, server);
    schedules.push(...renderPlannedTaskSchedules(scope, `PruneSchedule-${server.id}-`, server.prune.schedule, {
      ...fleet.scheduleTarget,
      taskDefinition,
      securityGroup,
      role: scheduleRole,
      command: (database) => blueprintPruneCommand(plan, server, database, location),
    }));
    renderPlannedAlarms(scope, server.prune.alarms, fleet.notificationTopic);
  }
  notifyWhenTaskFails(scope, 'PruneTaskFailedRule', {
    description: prune.descriptions.taskFailedRule,
    subject: prune.taskFailureSubject,
    taskDefinitionArns: [taskDefinition.taskDefinitionArn],
    topic: fleet.notificationTopic,
    namesStarter: true,
  });
  return { pruneSchedules: schedules, ...(replicaPolicy ? { replicaPruneDestinationPolicy: replicaPolicy } : {}) };
}
