import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { createPlannedAlarms } from './metric-alarm';
import { createPlannedTaskSchedules } from './planned-task-schedules';
import { createPlannedTaskDefinition, createTaskRole, createTaskSecurityGroup, taskExecutionStatements } from './planned-tasks';
import { PolicyStatement, grantStatements, policyDocument } from './policy-document';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { recordProtectedDatabase } from './require-postgres-backups';
import { writeRunbookFile } from './restore-runbook-artifacts';
import { createSchedulerRole, scheduledTaskStatements } from './scheduler-role';
import { notifyWhenTasksFail } from './task-failure-notification';
import { planBlueprintDashboard } from '../../core/aws/blueprint-dashboard';
import { blueprintDumpSchedule, blueprintDumpTask, blueprintSecretsPolicies } from '../../core/aws/blueprint-fleet-tasks';
import { alarmStatusWidgets, dashboardWidgets } from '../../core/aws/dashboard-body';
import { TASK_EXECUTION_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import {
  BlueprintServerPlan, blueprintDatabaseRunbook, blueprintDumpCommand, blueprintDumpLocation, blueprintProtectedDatabaseFields,
  blueprintRestoreCommand,
} from '../../core/aws/postgres-backup-blueprint';
import { taskResourceNames } from '../../core/aws/task-resource-names';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/**
 * The fleet's dumps as core planned them: one task definition per PostgreSQL major holding every server's secret
 * under its own variable; per database a schedule that runs it with the database's own command, an RPO alarm and its
 * runbook; per server an ingress rule from the dump tasks (when its security group is known).
 */
export function createFleetDumps(fleet: BlueprintFleetInfrastructure): Pick<PulumiBlueprintResources, 'dumpTaskDefinitions' | 'databases' | 'runbooks'> {
  const { name, parent, props, plan } = fleet;
  const child = { parent };
  const entry = (server: BlueprintServerPlan) => props.databases[server.index];
  const names = taskResourceNames(`${name}-dump`);
  const taskRole = createTaskRole(names.taskRole, plan.descriptions.dumpTaskRole, parent);
  new iam.RolePolicy(names.taskPolicy, { role: taskRole.id, policy: policyDocument(fleet.backupBucket.writeStatements(plan.prefix)) }, child);
  const executionRole = createTaskRole(names.executionRole, plan.descriptions.dumpExecutionRole, parent);
  new iam.RolePolicy(names.executionPolicy, { role: executionRole.id, policy: policyDocument(executionStatements(fleet)) }, child);
  grantSecretsInChunks(fleet, executionRole);

  const taskDefinitions = new Map<number, ecs.TaskDefinition>();
  for (const major of plan.majors) {
    const task = blueprintDumpTask(plan, major);
    const ofMajor = plan.servers.filter((server) => server.major === major);
    taskDefinitions.set(major, createPlannedTaskDefinition(`${name}-${task.name}`, {
      family: `${name}-${task.family}`,
      size: task,
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      container: {
        name: task.containerName,
        image: fleet.image(major),
        command: [...task.command],
        // The whole secret (user and password; the host too for an RDS-style one), each server under its own variable.
        secrets: Object.fromEntries(ofMajor.map((server) => [server.secretVariable, entry(server).database.secretArn])),
        environment: plan.dumpTask.environment,
        logs: { groupName: fleet.logGroup.name, region: fleet.environment.region, streamPrefix: task.logStreamPrefix },
        stopTimeoutSeconds: plan.dumpTask.stopTimeoutSeconds,
      },
    }, parent));
  }
  const schedulerRole = createSchedulerRole(`${name}-dump`, parent, fleet.environment, scheduledTaskStatements(plan.dumpScheduleRoleGrants, {
    taskRoleArns: [taskRole.arn, executionRole.arn],
    taskDefinitionArns: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn),
    clusterName: fleet.cluster.name,
    deadLetterQueueArn: fleet.deadLetterQueue.arn,
  }, fleet.environment), plan.descriptions.dumpScheduleRole);
  const securityGroup = createTaskSecurityGroup(`${name}-dump-sg`, props.vpcId, plan.descriptions.dumpSecurityGroup, parent);

  const databases: BlueprintProtectedDatabase[] = [];
  for (const server of plan.servers) {
    const { database, managedDatabase } = entry(server);
    database.allowFrom(`${name}-${server.id}-ingress`, securityGroup.id, plan.databaseIngress, parent);
    recordProtectedDatabase(database.resource ?? managedDatabase?.resource, 'logical-dump');
    const dumpLocation = fleet.backupBucket.bucketName.apply((bucket) => blueprintDumpLocation(bucket, server));
    const databaseUrl = database.runnerWiring().databaseUrl;
    const schedules = createPlannedTaskSchedules(name, blueprintDumpSchedule(server), {
      ...fleet.scheduleTarget,
      taskDefinitionArn: taskDefinitions.get(server.major)!.arn,
      securityGroupId: securityGroup.id,
      roleArn: schedulerRole.arn,
      command: (databaseName) => pulumi.all([dumpLocation, databaseUrl])
        .apply(([to, url]) => blueprintDumpCommand(plan, server, databaseName, to, { managed: database.managed, databaseUrl: url })),
    }, parent);
    server.databases.forEach((planned, index) => databases.push({
      ...blueprintProtectedDatabaseFields(server, planned),
      dumpLocation,
      schedule: schedules[index],
      rpoAlarm: createPlannedAlarms(name, [planned.rpoAlarm], fleet.notificationTopicArn, parent)[0],
      runbook: runbookOf(fleet, server, planned.databaseName, planned.runbookFile),
      restoreCommand: dumpLocation.apply((location) => blueprintRestoreCommand(location, planned.databaseName)),
    }));
  }
  notifyWhenTasksFail(`${name}-dump`, parent, {
    description: plan.descriptions.dumpTaskFailedRule,
    taskDefinitionArns: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn),
    topicArn: fleet.notificationTopicArn,
    subject: plan.dumpTaskFailureSubject,
    namesStarter: true,
  });
  const runbooks = Object.fromEntries(databases.map((database) => [database.label, database.runbook]));
  return { dumpTaskDefinitions: taskDefinitions, databases, runbooks };
}

/** The execution role's own statements: write the task logs, decrypt the secrets' keys. */
function executionStatements(fleet: BlueprintFleetInfrastructure): PolicyStatement[] {
  const keys = fleet.plan.servers.map((server) => fleet.props.databases[server.index].database.secretKmsKeyArn)
    .filter((key): key is pulumi.Output<string> => key !== undefined);
  // Few distinct keys (the account's default or a handful of CMKs): one statement, de-duplicated by IAM.
  return taskExecutionStatements(fleet.logGroup.arn, undefined, keys.length > 0 ? keys : undefined);
}

/** Reading every server's secret, in the managed policies core plans, so no inline policy outgrows the role's limit. */
function grantSecretsInChunks(fleet: BlueprintFleetInfrastructure, role: iam.Role): void {
  for (const planned of blueprintSecretsPolicies(fleet.plan)) {
    const policy = new iam.Policy(`${fleet.name}-dump-secrets-${planned.index}`, {
      description: planned.description,
      policy: policyDocument(grantStatements(TASK_EXECUTION_IAM_ACTIONS, {
        'database-secret': { resources: planned.serverIndexes.map((index) => fleet.props.databases[index].database.secretArn) },
      })),
    }, { parent: fleet.parent });
    new iam.RolePolicyAttachment(`${fleet.name}-dump-secrets-${planned.index}`, { role: role.name, policyArn: policy.arn }, { parent: fleet.parent });
  }
}

/** One database's runbook once the bucket, region, topic and identifier are known; written to the runbook directory if asked. */
function runbookOf(fleet: BlueprintFleetInfrastructure, server: BlueprintServerPlan, databaseName: string, file: string): pulumi.Output<string> {
  const managed = fleet.props.databases[server.index].managedDatabase;
  return pulumi.all([fleet.backupBucket.bucketName, fleet.environment.region, fleet.notificationTopicArn, managed?.identifier])
    .apply(([bucket, region, topic, identifier]) => {
      const markdown = blueprintDatabaseRunbook(fleet.plan, server, databaseName, {
        bucket,
        region,
        managedDatabase: managed && identifier !== undefined ? { kind: managed.kind, identifier } : undefined,
        notificationTopic: topic,
        validation: PULUMI_VALIDATION_OPTIONS,
      });
      const directory = fleet.props.runbookDirectory;
      return directory === undefined ? markdown : writeRunbookFile(directory, file, markdown);
    });
}

/** The fleet's dashboard: core's graphs of the fleet's metrics, and the state of each database's RPO alarm. */
export function createFleetDashboard(fleet: BlueprintFleetInfrastructure, databases: readonly BlueprintProtectedDatabase[]): cloudwatch.Dashboard {
  const plan = planBlueprintDashboard({ metricNamespace: fleet.plan.metricNamespace, databaseCount: databases.length });
  const alarmArns = databases.map((database) => database.rpoAlarm.arn);
  const body = pulumi.all([fleet.environment.region, alarmArns]).apply(([region, arns]) => JSON.stringify({
    widgets: [...dashboardWidgets(plan.graphs, region), ...alarmStatusWidgets(plan.alarmStatus, arns, plan.graphs.length)],
  }));
  return new cloudwatch.Dashboard(`${fleet.name}-dashboard`, { dashboardName: `${fleet.name}-postgres-backups`, dashboardBody: body }, { parent: fleet.parent });
}
