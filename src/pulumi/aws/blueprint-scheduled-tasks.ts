import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { replicaPruneDestinationPolicyOutput, replicaPruneStatements } from './bucket-replication';
import { createPlannedAlarms } from './metric-alarm';
import { createPlannedTaskSchedules, createSchedulerRole, scheduledTaskStatements } from './planned-task-schedules';
import { createPlannedTasksSharingRoles, taskExecutionStatements } from './planned-tasks';
import { grantStatements, policyDocument } from './policy-document';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { recordProtectedDatabase } from './require-postgres-backups';
import { writeRunbookFile } from './restore-runbook-artifacts';
import { notifyWhenTasksFail } from './task-failure-notification';
import { planBlueprintDashboard } from '../../core/aws/blueprint-dashboard';
import { BlueprintScheduledRun, blueprintScheduledTasks, blueprintSecretsPolicies, blueprintTaskNames } from '../../core/aws/blueprint-fleet-tasks';
import { alarmStatusWidgets, dashboardWidgets } from '../../core/aws/dashboard-body';
import { TASK_EXECUTION_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import {
  BlueprintServerPlan, blueprintDatabaseRunbook, blueprintDumpLocation, blueprintProtectedDatabaseFields, blueprintRestoreCommand,
} from '../../core/aws/postgres-backup-blueprint';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/**
 * The fleet's scheduled tasks as core planned them: per PostgreSQL major a dump task definition (the first one's roles
 * and security group shared) holding the secrets of that major's servers, each under its own variable, and the prune
 * task (its role created with the bucket, whose policy lets it delete); per group its schedules' role, one schedule
 * per database with its command, and a notification when a task dies; per server an ingress rule from the dump tasks;
 * per database an RPO alarm and its runbook.
 */
export function createFleetScheduledTasks(fleet: BlueprintFleetInfrastructure): Pick<PulumiBlueprintResources,
'dumpTaskDefinitions' | 'databases' | 'runbooks' | 'pruneTaskDefinition' | 'pruneSchedules' | 'replicaPruneDestinationPolicy'> {
  const { name, parent, props, plan } = fleet;
  const entry = (server: BlueprintServerPlan) => props.databases[server.index];
  const tasks = blueprintScheduledTasks(plan, props.databases.map(({ database }) => ({
    managed: database.managed, databaseUrl: database.runnerWiring().databaseUrl !== undefined,
  })));
  const command = (run: BlueprintScheduledRun) => pulumi.output({ 'dump-location': fleet.fleetLocation, 'database-url': entry(run.server).database.runnerWiring().databaseUrl })
    .apply((values) => run.command.map((arg) => (typeof arg === 'string' ? arg : `${values[arg.ref]!}${arg.suffix ?? ''}`)));
  // Few distinct keys (the account's default or a handful of CMKs): one statement, de-duplicated by IAM.
  const secretKeys = (servers: readonly BlueprintServerPlan[]) => {
    const keys = servers.map((server) => entry(server).database.secretKmsKeyArn).filter((key): key is pulumi.Output<string> => key !== undefined);
    return keys.length > 0 ? keys : undefined;
  };
  const [dumps, [prune] = []] = tasks.groups.map((group) => {
    const keys = secretKeys(group.tasks.flatMap(({ servers }) => servers));
    const rendered = createPlannedTasksSharingRoles(group.tasks.map((task) => {
      const names = blueprintTaskNames(name, task.kind, { name: task.name, family: task.names.family });
      return {
        names,
        args: {
          family: names.family,
          size: task.size,
          taskRole: {
            role: (task.deletes && fleet.pruneRole) || task.descriptions.taskRole,
            statements: [...fleet.backupBucket.actionGroupStatements(task.roleGrants, plan.prefix), ...replicaPruneStatements(task.replica)],
          },
          executionRole: {
            role: task.executionRole.description, statements: taskExecutionStatements(fleet.logGroup.arn, undefined, keys, task.executionRole.grants),
          },
          securityGroup: { vpcId: props.vpcId, description: task.descriptions.securityGroup },
          container: {
            name: task.container.name,
            image: fleet.image(task.major),
            command: [...task.container.command!],
            // The whole secret (user and password; the host too for an RDS-style one), each server under its own variable.
            secrets: Object.fromEntries(task.servers.map((server) => [server.secretVariable, entry(server).database.secretArn])),
            environment: task.container.environment?.variables,
            logs: { groupName: fleet.logGroup.name, region: fleet.environment.region, streamPrefix: task.container.logStreamPrefix },
            stopTimeoutSeconds: task.container.stopTimeoutSeconds,
          },
        },
      };
    }), parent);
    const [{ taskRole, executionRole }] = rendered;
    const taskDefinitionArns = rendered.map(({ taskDefinition }) => taskDefinition.arn);
    const schedulerRole = createSchedulerRole(`${name}-${group.kind}`, parent, fleet.environment, scheduledTaskStatements(group.scheduleRole.grants, {
      taskRoleArns: [taskRole.arn, executionRole.arn],
      // The prune task's one definition is named alone, as every prune task's schedules' role names it.
      taskDefinitionArns: group.kind === 'prune' ? taskDefinitionArns[0] : taskDefinitionArns,
      clusterName: fleet.cluster.name,
      deadLetterQueueArn: fleet.deadLetterQueue.arn,
    }, fleet.environment), group.scheduleRole.description);
    notifyWhenTasksFail(`${name}-${group.kind}`, parent, { ...group.taskFailure, taskDefinitionArns, topicArn: fleet.notificationTopicArn });
    return group.tasks.map((task, index) => ({
      ...rendered[index],
      schedules: createPlannedTaskSchedules(name, task.schedule, {
        ...fleet.scheduleTarget,
        taskDefinitionArn: rendered[index].taskDefinition.arn,
        securityGroupId: rendered[index].securityGroup.id,
        roleArn: schedulerRole.arn,
        command: (_database, run) => command(run),
      }, parent),
    }));
  });
  grantSecretsInChunks(fleet, dumps[0].executionRole);
  createPlannedAlarms(name, tasks.pruneAlarms, fleet.notificationTopicArn, parent);

  const dumpTasks = tasks.groups[0].tasks;
  const schedules = new Map(dumpTasks.flatMap((task, at) => task.schedule.runs.map((run, index) => [run.label, dumps[at].schedules[index]])));
  const databases = plan.servers.flatMap((server) => {
    const { database, managedDatabase } = entry(server);
    database.allowFrom(`${name}-${server.id}-ingress`, dumps[0].securityGroup.id, plan.databaseIngress, parent);
    recordProtectedDatabase(database.resource ?? managedDatabase?.resource, 'logical-dump');
    const dumpLocation = fleet.backupBucket.bucketName.apply((bucket) => blueprintDumpLocation(bucket, server));
    return server.databases.map((planned): BlueprintProtectedDatabase => ({
      ...blueprintProtectedDatabaseFields(server, planned),
      dumpLocation,
      schedule: schedules.get(planned.label)!,
      rpoAlarm: createPlannedAlarms(name, [planned.rpoAlarm], fleet.notificationTopicArn, parent)[0],
      runbook: runbookOf(fleet, server, planned.databaseName, planned.runbookFile),
      restoreCommand: dumpLocation.apply((location) => blueprintRestoreCommand(location, planned.databaseName)),
    }));
  });
  return {
    dumpTaskDefinitions: new Map(dumpTasks.map((task, at) => [task.major, dumps[at].taskDefinition])),
    databases,
    runbooks: Object.fromEntries(databases.map((database) => [database.label, database.runbook])),
    pruneTaskDefinition: prune?.taskDefinition,
    pruneSchedules: prune?.schedules ?? [],
    replicaPruneDestinationPolicy: replicaPruneDestinationPolicyOutput(plan.prune?.replica, fleet.pruneRole?.arn),
  };
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
