import { CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { BlueprintFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { connectionPath, literalIdentifier, secretVariable, ServerPlan } from './blueprint-server-plan';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { notifyWhenTaskFails, plannedScheduleExpression } from './planned-schedules';
import {
  BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION, BlueprintProtectedDatabase, PostgresBackupBlueprintProps,
} from './postgres-backup-blueprint-props';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { IMAGE_PULL_WILDCARD, acknowledgeWildcards, backupObjectsWildcard, scheduledTasksWildcard } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { estimateBlueprintServerCost, renderBlueprintRunbook } from '../core/aws/blueprint-server';
import { dumpTaskEphemeralStorageGiB } from '../core/aws/fargate-sizes';
import { CostEstimate } from '../core/policy/cost-estimate';
import { resolveLogicalDump } from '../core/policy/defaults';
import { ImmutabilityPolicy } from '../core/policy/policy';
import { runbookFileName } from '../core/policy/runbook';
import { renderEventBridgeSchedule } from '../core/policy/schedule';
import { runnerDumpArgv } from '../core/postgres/runner-argv';

/** What the fleet's dumps are made of. */
export interface BlueprintFleetDumps {
  /** Dump task definitions by PostgreSQL major. */
  readonly taskDefinitions: Map<number, ecs.FargateTaskDefinition>;
  /** Every protected database. */
  readonly databases: BlueprintProtectedDatabase[];
  /** Storage-cost estimates by server id (servers with sizes only). */
  readonly costEstimates: Map<string, CostEstimate>;
  /** The runbook files. */
  readonly runbooks: RestoreRunbookArtifacts;
}

/**
 * The fleet's dumps: one task definition per PostgreSQL major holding every server's secret under its own variable;
 * per database a schedule that runs it with the database's own command, an RPO alarm, its runbook and restore
 * output; per server an ingress rule from the dump tasks and the cost estimate.
 */
export function createFleetDumps(
  fleet: BlueprintFleetInfrastructure, props: PostgresBackupBlueprintProps, servers: ServerPlan[], lock: ImmutabilityPolicy | undefined,
  dumpSecurityGroup: ec2.ISecurityGroup,
): BlueprintFleetDumps {
  // Dump task definitions: one per major, every server's secret under its own variable, the database picked per run.
  const dumpTaskRole = new iam.Role(fleet.scope, 'DumpTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const dumpExecutionRole = new iam.Role(fleet.scope, 'DumpExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  fleet.backupBucket.grantWriteBackups(dumpTaskRole, fleet.prefix);
  acknowledgeWildcards(dumpTaskRole, [backupObjectsWildcard(fleet.backupBucket.objectsUnder(fleet.prefix), 'write')]);
  acknowledgeWildcards(dumpExecutionRole, [IMAGE_PULL_WILDCARD]);
  const dumpTaskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
  for (const major of fleet.majors) {
    const taskDefinition = new ecs.FargateTaskDefinition(fleet.scope, `DumpTask${major}`, {
      cpu: props.dumpCpu ?? 1024,
      memoryLimitMiB: props.dumpMemoryLimitMiB ?? 2048,
      ephemeralStorageGiB: dumpTaskEphemeralStorageGiB(servers.filter((server) => server.major === major).map((server) => server.policy.logicalDump)),
      taskRole: dumpTaskRole,
      executionRole: dumpExecutionRole,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const ofMajor = servers.filter((server) => server.major === major);
    taskDefinition.addContainer(BLUEPRINT_RUNNER_CONTAINER_NAME, {
      image: fleet.image(major),
      // Every run overrides the command; run without one, the task only prints the usage.
      command: ['--help'],
      secrets: Object.fromEntries(ofMajor.map((server) => [secretVariable(server), server.secret])),
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `dump-${major}` }),
      stopTimeout: Duration.seconds(30),
    });
    dumpTaskDefinitions.set(major, taskDefinition);
  }
  const allowed = new Set<ec2.IConnectable>();
  for (const server of servers) {
    if (allowed.has(server.connection.connections)) continue;
    allowed.add(server.connection.connections);
    server.connection.allowFrom(dumpSecurityGroup);
  }

  // The schedules' own role (not the one the target would share stack-wide), so its grants are reviewed here.
  const stack = Stack.of(fleet.scope);
  const scheduleRole = new iam.Role(fleet.scope, 'DumpScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
    description: 'Starts the fleet\'s scheduled pg_dump tasks in its cluster and tags them',
  });
  acknowledgeWildcards(scheduleRole, [...dumpTaskDefinitions.values()].map((definition) => scheduledTasksWildcard(fleet.cluster, definition)));

  // Per database: the schedule and the RPO alarm.
  const alarmAction = new cloudwatchActions.SnsAction(fleet.notificationTopic);
  const artifacts = new RestoreRunbookArtifacts(fleet.scope, 'Runbooks');
  const protectedDatabases: BlueprintProtectedDatabase[] = [];
  const costEstimates = new Map<string, CostEstimate>();
  for (const server of servers) {
    const dump = server.policy.logicalDump && resolveLogicalDump(server.policy.logicalDump);
    if (!dump) continue;
    const dumpLocation = `s3://${fleet.bucketName ?? fleet.bucket.bucketName}/${fleet.prefix}/${server.entry.id}`;
    const rendered = renderEventBridgeSchedule(dump.schedule, `databases[${server.index}].logicalDump.schedule`);
    const rpoHours = server.rpoHours;
    for (const databaseName of server.databaseNames) {
      const constructId = `${server.entry.id}-${databaseName}`;
      const command = [
        ...runnerDumpArgv(dump, {
          to: dumpLocation, database: databaseName, noRolePasswords: server.connection.managed, metricsNamespace: fleet.metricNamespace,
        }),
        '--secret-env', secretVariable(server),
        '--metric-dimension', `${BLUEPRINT_SERVER_DIMENSION}=${server.entry.id}`,
      ];
      const schedule = new scheduler.Schedule(fleet.scope, `DumpSchedule-${constructId}`, {
        description: `pg_dump of ${databaseName} on ${server.entry.id} to ${fleet.prefix}/${server.entry.id}/`,
        schedule: plannedScheduleExpression(rendered),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.EcsRunFargateTask(fleet.cluster, {
          taskDefinition: dumpTaskDefinitions.get(server.major)!,
          vpcSubnets: fleet.subnets,
          securityGroups: [dumpSecurityGroup],
          assignPublicIp: false,
          propagateTags: true,
          role: scheduleRole,
          deadLetterQueue: fleet.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
          input: scheduler.ScheduleTargetInput.fromObject({ containerOverrides: [{ name: BLUEPRINT_RUNNER_CONTAINER_NAME, command }] }),
        }),
      });
      const rpoAlarm = new cloudwatch.Alarm(fleet.scope, `RpoAlarm-${constructId}`, {
        alarmDescription: `No successful pg_dump of ${databaseName} on ${server.entry.id} within the RPO of ${rpoHours} hours`,
        metric: dumpSucceededMetric(fleet.metricNamespace, server.entry.id, databaseName, Duration.hours(rpoHours)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A dump that stops silently publishes nothing: that must page too.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      rpoAlarm.addAlarmAction(alarmAction);
      rpoAlarm.addOkAction(alarmAction);

      const runbook = renderRunbook(fleet, server, databaseName, rpoHours, fleet.region);
      const runbookPath = artifacts.add(runbookFileName(server.entry.id, databaseName), runbook);
      protectedDatabases.push({
        serverId: server.entry.id,
        databaseName,
        label: `${server.entry.id}/${databaseName}`,
        policy: server.policy,
        dumpLocation,
        schedule,
        rpoAlarm,
        rpoHours,
        runbook,
        runbookPath,
      });
      if (props.runbookOutputs ?? true) {
        new CfnOutput(fleet.scope, `Restore-${constructId}`, {
          description: `Restore ${databaseName} on ${server.entry.id}; the whole runbook is ${runbookPath} in the cloud assembly`,
          value: `pg-backup restore --from ${dumpLocation} --database ${databaseName} --latest --target-url "$TARGET_URL"`,
        });
      }
      fleet.scope.node.addMetadata(PROTECTION_METADATA_TYPE, {
        kind: 'logical-dump',
        database: connectionPath(server.connection),
        databaseNames: [databaseName],
        schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
        prefix: `${fleet.prefix}/${server.entry.id}/`,
        retentionDays: dump.retentionDays,
        objectLock: lock ? `${lock.mode} ${lock.days} days` : undefined,
        rpoHours,
        runbook: runbookPath,
      });
    }
    const estimate = estimateCost(server);
    if (estimate) {
      costEstimates.set(server.entry.id, estimate);
      fleet.scope.node.addMetadata(PROTECTION_METADATA_TYPE, {
        kind: 'cost-estimate',
        database: connectionPath(server.connection),
        databaseNames: server.databaseNames,
        monthlyCostUsd: Math.round(estimate.totalMonthlyUsd * 100) / 100,
        summary: estimate.summary,
      });
    }
  }
  return { taskDefinitions: dumpTaskDefinitions, databases: protectedDatabases, costEstimates, runbooks: artifacts };
}

/** Successful dumps of one database of a blueprint (sum per period). */
export function dumpSucceededMetric(metricNamespace: string, serverId: string, databaseName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricNamespace,
    metricName: 'BackupSucceeded',
    dimensionsMap: { Database: databaseName, [BLUEPRINT_SERVER_DIMENSION]: serverId },
    statistic: 'Sum',
    period,
  });
}

/**
 * A task that cannot start or dies before the runner reports publishes no metric; ECS still reports it stopping,
 * so one rule for every dump task definition pages with the task's ARN and reason.
 */
export function notifyWhenDumpTaskFails(fleet: BlueprintFleetInfrastructure, taskDefinitions: ecs.FargateTaskDefinition[]): void {
  notifyWhenTaskFails(fleet.scope, 'DumpTaskFailedRule', {
    description: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
    subject: 'A fleet pg_dump task',
    taskDefinitionArns: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn),
    topic: fleet.notificationTopic,
    namesStarter: true,
  });
}

function renderRunbook(fleet: BlueprintFleetInfrastructure, server: ServerPlan, databaseName: string, rpoHours: number, region: string): string {
  const managed = server.managed;
  return renderBlueprintRunbook({
    serverIndex: server.index,
    databaseName,
    policy: server.policy,
    rpoHours,
    bucket: fleet.bucketName ?? fleet.bucket.bucketName,
    region,
    prefix: `${fleet.prefix}/${server.entry.id}`,
    managedDatabase: managed && {
      kind: managed.kind === 'instance' ? 'rds-instance' : 'aurora-cluster',
      identifier: literalIdentifier(managed) ?? managed.identifier,
      region,
    },
    notificationTopic: fleet.notificationTopic.topicArn,
    validation: CDK_VALIDATION_OPTIONS,
  });
}

function estimateCost(server: ServerPlan): CostEstimate | undefined {
  const allocated = server.managed?.resource instanceof rds.CfnDBInstance ? server.managed.resource.allocatedStorage : undefined;
  const fromStorage = allocated !== undefined && !Token.isUnresolved(allocated) ? Number(allocated) : undefined;
  return estimateBlueprintServerCost(server.entry.id, server.policy, server.entry.estimate, fromStorage);
}
