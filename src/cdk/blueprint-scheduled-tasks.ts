import { CfnOutput } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { literalIdentifier } from './blueprint-server-handles';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { renderPlannedAlarms } from './planned-alarms';
import { renderScheduledTaskGroup } from './planned-schedules';
import { createPlannedTaskDefinition, createTaskRole } from './planned-tasks';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { blueprintScheduledTasks } from '../core/aws/blueprint-fleet-tasks';
import { blueprintDatabaseRunbook, blueprintDumpLocation, blueprintProtectedDatabaseFields, blueprintRestoreOutput } from '../core/aws/postgres-backup-blueprint';

/**
 * The fleet's scheduled tasks as core planned them, each rendered as every scheduled task is: per PostgreSQL major a
 * dump task definition (its roles and security group shared) holding the secrets of that major's servers, and the
 * prune task (created with the bucket, whose policy lets its role delete); one schedule per database; per server an
 * ingress rule from the dump tasks; per database an RPO alarm, its runbook and restore output.
 */
export function createFleetScheduledTasks(fleet: BlueprintFleetInfrastructure): Pick<CdkBlueprintResources,
'dumpTaskDefinitions' | 'databases' | 'runbooks' | 'pruneSchedules' | 'replicaPruneDestinationPolicy'> {
  const { plan, scope, handles, props } = fleet;
  const roles = {
    taskRole: createTaskRole(scope, 'DumpTaskRole', plan.descriptions.dumpTaskRole),
    executionRole: createTaskRole(scope, 'DumpExecutionRole', plan.descriptions.dumpExecutionRole),
  };
  const tasks = blueprintScheduledTasks(plan, handles.map(({ connection }) => ({ managed: connection.managed, databaseUrl: false })));
  const [dumps, [prune] = []] = tasks.groups.map((group) => renderScheduledTaskGroup(scope, group, group.tasks.map((task) => (task.deletes
    // The prune task exists before the bucket, whose policy lets its role delete.
    ? fleet.resources.pruneTaskDefinition! : createPlannedTaskDefinition(scope, task.ids.taskDefinition, task.size, roles))), {
    ...fleet.scheduleTarget,
    vpc: props.vpc,
    topic: fleet.notificationTopic,
    logGroup: fleet.logGroup,
    bucket: fleet.backupBucket,
    references: { 'dump-location': fleet.fleetLocation },
    image: (task) => fleet.image(task.major),
    secrets: (task) => Object.fromEntries(task.servers.map((server) => [server.secretVariable, handles[server.index].secret!])),
  }));
  renderPlannedAlarms(scope, tasks.pruneAlarms, fleet.notificationTopic);
  const allowed = new Set<ec2.IConnectable>();
  for (const { connection } of handles) {
    if (allowed.has(connection.connections)) continue;
    allowed.add(connection.connections);
    connection.allowFrom(dumps[0].securityGroup, plan.databaseIngress.description);
  }

  const dumpTasks = tasks.groups[0].tasks;
  const schedules = new Map(dumpTasks.flatMap((task, at) => task.schedule.runs.map((run, index) => [run.label, dumps[at].schedules[index]])));
  const runbooks = new RestoreRunbookArtifacts(scope, 'Runbooks');
  const databases = plan.servers.flatMap((server) => {
    const { managed } = handles[server.index];
    const dumpLocation = blueprintDumpLocation(fleet.bucketName, server);
    const facts = {
      bucket: fleet.bucketName,
      region: fleet.region,
      managedDatabase: managed && { kind: managed.kind, identifier: literalIdentifier(managed) ?? managed.identifier },
      notificationTopic: fleet.notificationTopic.topicArn,
      validation: CDK_VALIDATION_OPTIONS,
    };
    return server.databases.map((database): BlueprintProtectedDatabase => {
      const [rpoAlarm] = renderPlannedAlarms(scope, [database.rpoAlarm], fleet.notificationTopic);
      const runbook = blueprintDatabaseRunbook(plan, server, database.databaseName, facts);
      const runbookPath = runbooks.add(database.runbookFile, runbook);
      const output = blueprintRestoreOutput(server, database, dumpLocation, runbookPath);
      if (props.runbookOutputs ?? true) new CfnOutput(scope, output.id, output);
      const schedule = schedules.get(database.label)!;
      return { ...blueprintProtectedDatabaseFields(server, database), dumpLocation, schedule, rpoAlarm, runbook, runbookPath };
    });
  });
  const replicaPruneDestinationPolicy = prune?.replicaPruneDestinationPolicy;
  return {
    dumpTaskDefinitions: new Map(dumpTasks.map((task, at) => [task.major, dumps[at].taskDefinition])),
    databases,
    runbooks,
    pruneSchedules: prune?.schedules ?? [],
    ...(replicaPruneDestinationPolicy ? { replicaPruneDestinationPolicy } : {}),
  };
}
