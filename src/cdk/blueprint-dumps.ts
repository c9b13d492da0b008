import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { literalIdentifier } from './blueprint-server-handles';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleRole, notifyWhenTaskFails, renderPlannedTaskSchedules } from './planned-schedules';
import { createPlannedTaskDefinition, createTaskRole } from './planned-tasks';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import {
  IMAGE_PULL_WILDCARD, acknowledgePlainTaskEnvironment, acknowledgeWildcards, backupObjectsWildcard, scheduledTasksWildcard,
} from './reviewed-findings';
import { blueprintDumpSchedule, blueprintDumpTask } from '../core/aws/blueprint-fleet-tasks';
import {
  blueprintDatabaseRunbook, blueprintDumpCommand, blueprintDumpLocation, blueprintProtectedDatabaseFields, blueprintRestoreOutput,
} from '../core/aws/postgres-backup-blueprint';

/**
 * The fleet's dumps as core planned them: one task definition per PostgreSQL major holding every server's secret
 * under its own variable; per database a schedule that runs it with the database's own command, an RPO alarm, its
 * runbook and restore output; per server an ingress rule from the dump tasks.
 */
export function createFleetDumps(fleet: BlueprintFleetInfrastructure): Pick<CdkBlueprintResources, 'dumpTaskDefinitions' | 'databases' | 'runbooks'> {
  const { plan, scope, handles, props, securityGroups: { dump: dumpSecurityGroup } } = fleet;
  const dumpTaskRole = createTaskRole(scope, 'DumpTaskRole', plan.descriptions.dumpTaskRole);
  const dumpExecutionRole = createTaskRole(scope, 'DumpExecutionRole', plan.descriptions.dumpExecutionRole);
  fleet.backupBucket.grantWriteBackups(dumpTaskRole, plan.prefix);
  acknowledgeWildcards(dumpTaskRole, [backupObjectsWildcard(fleet.backupBucket.objectsUnder(plan.prefix), 'write')]);
  acknowledgeWildcards(dumpExecutionRole, [IMAGE_PULL_WILDCARD]);
  const taskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
  for (const major of plan.majors) {
    const task = blueprintDumpTask(plan, major);
    const taskDefinition = createPlannedTaskDefinition(scope, task.id, task, { taskRole: dumpTaskRole, executionRole: dumpExecutionRole });
    taskDefinition.addContainer(task.containerName, {
      image: fleet.image(major),
      command: [...task.command],
      secrets: Object.fromEntries(plan.servers.filter((server) => server.major === major)
        .map((server) => [server.secretVariable, handles[server.index].secret!])),
      ...(Object.keys(plan.dumpTask.environment).length > 0 ? { environment: { ...plan.dumpTask.environment } } : {}),
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: task.logStreamPrefix }),
      stopTimeout: Duration.seconds(plan.dumpTask.stopTimeoutSeconds),
    });
    if (plan.encryption) acknowledgePlainTaskEnvironment(taskDefinition, 'the age public keys the dumps are encrypted to');
    taskDefinitions.set(major, taskDefinition);
  }
  const allowed = new Set<ec2.IConnectable>();
  for (const server of plan.servers) {
    const connection = handles[server.index].connection;
    if (allowed.has(connection.connections)) continue;
    allowed.add(connection.connections);
    connection.allowFrom(dumpSecurityGroup, plan.databaseIngress.description);
  }

  const scheduleRole = createScheduleRole(scope, plan.descriptions.dumpScheduleRole, 'DumpScheduleRole');
  acknowledgeWildcards(scheduleRole, [...taskDefinitions.values()].map((definition) => scheduledTasksWildcard(fleet.cluster, definition)));

  const artifacts = new RestoreRunbookArtifacts(scope, 'Runbooks');
  const databases: BlueprintProtectedDatabase[] = [];
  for (const server of plan.servers) {
    const { connection, managed } = handles[server.index];
    const dumpLocation = blueprintDumpLocation(fleet.bucketName, server);
    const schedules = renderPlannedTaskSchedules(scope, 'DumpSchedule-', blueprintDumpSchedule(server), {
      ...fleet.scheduleTarget,
      taskDefinition: taskDefinitions.get(server.major)!,
      securityGroup: dumpSecurityGroup,
      role: scheduleRole,
      command: (database) => blueprintDumpCommand(plan, server, database, dumpLocation, { managed: connection.managed }),
    });
    const facts = {
      bucket: fleet.bucketName,
      region: fleet.region,
      managedDatabase: managed && { kind: managed.kind, identifier: literalIdentifier(managed) ?? managed.identifier },
      notificationTopic: fleet.notificationTopic.topicArn,
      validation: CDK_VALIDATION_OPTIONS,
    };
    server.databases.forEach((database, index) => {
      const [rpoAlarm] = renderPlannedAlarms(scope, [database.rpoAlarm], fleet.notificationTopic);
      const runbook = blueprintDatabaseRunbook(plan, server, database.databaseName, facts);
      const runbookPath = artifacts.add(database.runbookFile, runbook);
      const schedule = schedules[index];
      databases.push({ ...blueprintProtectedDatabaseFields(server, database), dumpLocation, schedule, rpoAlarm, runbook, runbookPath });
      const output = blueprintRestoreOutput(server, database, dumpLocation, runbookPath);
      if (props.runbookOutputs ?? true) new CfnOutput(scope, output.id, output);
    });
  }
  notifyWhenTaskFails(scope, 'DumpTaskFailedRule', {
    description: plan.descriptions.dumpTaskFailedRule,
    subject: plan.dumpTaskFailureSubject,
    taskDefinitionArns: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.taskDefinitionArn),
    topic: fleet.notificationTopic,
    namesStarter: true,
  });
  return { dumpTaskDefinitions: taskDefinitions, databases, runbooks: artifacts };
}
