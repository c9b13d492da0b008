import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { replicaPruneDestinationPolicyOutput } from './bucket-replication';
import { createPlannedAlarms } from './metric-alarm';
import { createDeadLetterQueuePolicy, createScheduledTaskGroup } from './planned-task-schedules';
import { grantStatements, policyDocument } from './policy-document';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { recordProtectedDatabase } from './require-postgres-backups';
import { writeRunbookFile } from './restore-runbook-artifacts';
import { planBlueprintDashboard } from '../../core/aws/blueprint-dashboard';
import { blueprintScheduledTasks, blueprintSecretsPolicies, blueprintTaskNames } from '../../core/aws/blueprint-fleet-tasks';
import { alarmStatusWidgets, dashboardWidgets } from '../../core/aws/dashboard-body';
import { TASK_EXECUTION_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import {
  BlueprintServerPlan, blueprintDatabaseRunbook, blueprintDumpLocation, blueprintProtectedDatabaseFields, blueprintRestoreCommand,
} from '../../core/aws/postgres-backup-blueprint';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/**
 * The fleet's scheduled tasks as core planned them, each group rendered as every group of scheduled tasks is: per
 * PostgreSQL major a dump task definition (the first one's roles and security group shared) holding the secrets of
 * that major's servers, each under its own variable, and the prune task; per server an ingress rule from the dump
 * tasks; per database an RPO alarm and its runbook.
 */
export function createFleetScheduledTasks(fleet: BlueprintFleetInfrastructure): Pick<PulumiBlueprintResources,
'dumpTaskDefinitions' | 'databases' | 'runbooks' | 'pruneTaskDefinition' | 'pruneSchedules' | 'replicaPruneDestinationPolicy'> {
  const { name, parent, props, plan } = fleet;
  const entry = (server: BlueprintServerPlan) => props.databases[server.index];
  const tasks = blueprintScheduledTasks(plan, props.databases.map(({ database }) => ({
    managed: database.managed, databaseUrl: database.runnerWiring().databaseUrl !== undefined,
  })));
  const groups = tasks.groups.map((group) => {
    // Few distinct keys (the account's default or a handful of CMKs): one statement, de-duplicated by IAM.
    const keys = group.tasks.flatMap(({ servers }) => servers.map((server) => entry(server).database.secretKmsKeyArn))
      .filter((key): key is pulumi.Output<string> => key !== undefined);
    return createScheduledTaskGroup(name, group, {
      ...props,
      ...fleet,
      bucket: fleet.backupBucket,
      prefix: plan.prefix,
      secretKeyArns: keys.length > 0 ? keys : undefined,
      names: (task) => blueprintTaskNames(name, task.kind, { name: task.name, family: task.names.family }),
      image: (task) => fleet.image(task.major),
      // The whole secret (user and password; the host too for an RDS-style one), each server under its own variable.
      secrets: (task) => Object.fromEntries(task.servers.map((server) => [server.secretVariable, entry(server).database.secretArn])),
      references: (run) => ({ 'dump-location': fleet.fleetLocation, 'database-url': entry(run.server).database.runnerWiring().databaseUrl }),
    }, parent);
  });
  createDeadLetterQueuePolicy(name, parent, fleet.deadLetterQueue, groups.map(({ taskFailedRule }) => taskFailedRule.arn));
  const [dumps, [prune] = []] = groups.map((group) => group.tasks);
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
