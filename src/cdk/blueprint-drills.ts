import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BlueprintFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { connectionPath, ServerPlan } from './blueprint-server-plan';
import { plannedScheduleExpression } from './planned-schedules';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import {
  IMAGE_PULL_WILDCARD, acknowledgePlainTaskEnvironment, acknowledgeScratchPassword, acknowledgeWildcards, backupObjectsWildcard, drillRoleWildcards,
} from './reviewed-findings';
import { postgresServerImage } from './runner-image';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { CHECKS_DIRECTORY, SCRATCH_TARGET_URL } from './verify-restore';
import { blueprintDrillGroups, chunkDrillDatabases, drillGroupCheckFile } from '../core/aws/blueprint-drill-groups';
import {
  DrillPlaceholder, DrillResourceKind, FleetDrillInput, fleetDrillExecutionTimeoutSeconds, fleetDumpRestoreDrill,
} from '../core/aws/state-machines';
import { renderEventBridgeSchedule } from '../core/policy/schedule';

/**
 * The fleet's restore drills: one verify task definition per PostgreSQL major (a scratch server, the checks of every
 * drill group written to a volume, the runner), the one state machine from core's `fleetDumpRestoreDrill` that drills
 * any database named in its input, its alarm, and one schedule per group of databases sharing drill settings (split
 * to keep each schedule's input under 8 KB).
 */
export function createFleetDrills(
  fleet: BlueprintFleetInfrastructure, props: PostgresBackupBlueprintProps, servers: ServerPlan[], drillSecurityGroup: ec2.ISecurityGroup,
): { taskDefinitions: Map<number, ecs.FargateTaskDefinition>; stateMachine: sfn.StateMachine; schedules: scheduler.Schedule[] } {
  const cpu = props.drillCpu ?? 2048;
  const jobs = String(Math.max(1, Math.floor(cpu / 1024)));
  const groups = blueprintDrillGroups(servers.map((server) => ({
    id: server.entry.id, policy: server.policy, major: server.major, databaseNames: server.databaseNames,
  })));
  const scratchPassword = new secretsmanager.Secret(fleet.scope, 'ScratchPassword', {
    description: 'Password of the throwaway PostgreSQL inside the fleet restore drill tasks',
    generateSecretString: { excludePunctuation: true, passwordLength: 32 },
  });
  acknowledgeScratchPassword(scratchPassword);
  const taskRole = new iam.Role(fleet.scope, 'DrillTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const executionRole = new iam.Role(fleet.scope, 'DrillExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  fleet.backupBucket.grantReadBackups(taskRole, fleet.prefix);
  fleet.backupBucket.grantWriteDrillResults(taskRole, fleet.prefix);
  acknowledgeWildcards(taskRole, [
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(fleet.prefix), 'read'),
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(`${fleet.prefix}/*/drills`), 'drill-results'),
  ]);
  acknowledgeWildcards(executionRole, [IMAGE_PULL_WILDCARD]);
  const taskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
  // Every group's checks, one file per group: the runner takes a file of several statements.
  const checkFiles = Object.fromEntries(groups.map((group, index) => [`PG_BACKUP_CHECKS_${index}`, drillGroupCheckFile(group.checks)]));
  for (const major of fleet.majors) {
    const taskDefinition = new ecs.FargateTaskDefinition(fleet.scope, `DrillTask${major}`, {
      cpu,
      memoryLimitMiB: props.drillMemoryLimitMiB ?? 8192,
      ephemeralStorageGiB: props.drillEphemeralStorageGiB ?? 50,
      taskRole,
      executionRole,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const scratch = taskDefinition.addContainer('scratch-postgres', {
      image: postgresServerImage(major),
      essential: false,
      command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
      secrets: { POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'],
        interval: Duration.seconds(5),
        timeout: Duration.seconds(5),
        retries: 12,
        startPeriod: Duration.seconds(30),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `scratch-postgres-${major}` }),
    });
    taskDefinition.addVolume({ name: 'checks' });
    const writer = taskDefinition.addContainer('write-checks', {
      image: postgresServerImage(major),
      essential: false,
      entryPoint: ['sh', '-c'],
      // printenv copies each group's checks byte for byte; no shell quoting of user SQL is involved.
      command: [Object.keys(checkFiles).map((name, index) => `printenv ${name} > ${CHECKS_DIRECTORY}/group-${index}.sql`).join(' && ')],
      environment: checkFiles,
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `write-checks-${major}` }),
    });
    writer.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
    const runner = taskDefinition.addContainer(BLUEPRINT_RUNNER_CONTAINER_NAME, {
      image: fleet.image(major),
      // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: ['pg-backup', '--help'],
      secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `verify-${major}` }),
    });
    runner.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true });
    runner.addContainerDependencies(
      { container: scratch, condition: ecs.ContainerDependencyCondition.HEALTHY },
      { container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS },
    );
    acknowledgePlainTaskEnvironment(taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
    taskDefinitions.set(major, taskDefinition);
  }

  const longestRtoSeconds = Math.max(...groups.map((group) => group.rtoSeconds), 60);
  const largestGroup = Math.max(...groups.map((group) => group.databases.length), 1);
  const maxConcurrency = props.maxConcurrentDrills ?? 2;
  const drill = fleetDumpRestoreDrill({
    maxConcurrency,
    maxRestoreDurationSeconds: longestRtoSeconds,
    metricNamespace: fleet.metricNamespace,
    executionTimeoutSeconds: fleetDrillExecutionTimeoutSeconds(largestGroup, maxConcurrency, longestRtoSeconds + 600),
  });
  const selected = fleet.vpc.selectSubnets(fleet.subnets);
  const substitutions: Record<string, string> = {
    [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: fleet.notificationTopic.topicArn,
    [DrillPlaceholder.CLUSTER_ARN]: fleet.cluster.clusterArn,
    [DrillPlaceholder.CONTAINER_NAME]: BLUEPRINT_RUNNER_CONTAINER_NAME,
    [DrillPlaceholder.SUBNETS]: Fn.join(',', selected.subnetIds),
    [DrillPlaceholder.SECURITY_GROUPS]: drillSecurityGroup.securityGroupId,
    [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
  };
  const role = new iam.Role(fleet.scope, 'DrillRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: 'Runs the fleet restore drill: its tasks, its metrics and its failure notifications, nothing else',
  });
  const definitions = [...taskDefinitions.values()];
  const scopes = new Map<DrillResourceKind, Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>>();
  for (const group of drill.iamActions) {
    const scope = drillPermissionScope(fleet, group.resource, definitions, taskRole, executionRole);
    scopes.set(group.resource, scope);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...scope }));
  }
  acknowledgeWildcards(role, drillRoleWildcards(drill.iamActions, (kind) => scopes.get(kind)?.resources));
  fleet.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  const stateMachine = new sfn.StateMachine(fleet.scope, 'Drill', {
    comment: 'Restore drills of the fleet: the latest pg_dump of each database given in the input',
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
    definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
    role,
    logs: {
      destination: new logs.LogGroup(fleet.scope, 'DrillExecutionLogs', {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
    tracingEnabled: true,
  });

  const failedExecutions = new cloudwatch.MathExpression({
    label: 'Failed, timed-out or aborted fleet drill executions',
    expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
    usingMetrics: {
      failed: stateMachine.metricFailed({ statistic: 'Sum' }),
      timedOut: stateMachine.metricTimedOut({ statistic: 'Sum' }),
      aborted: stateMachine.metricAborted({ statistic: 'Sum' }),
    },
    period: Duration.minutes(5),
  });
  const action = new cloudwatchActions.SnsAction(fleet.notificationTopic);
  const drillAlarm = new cloudwatch.Alarm(fleet.scope, 'FailedDrillAlarm', {
    alarmDescription: 'A fleet restore drill failed: each failed database was notified by name, and its drill metric is 1',
    metric: failedExecutions,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  drillAlarm.addAlarmAction(action);
  drillAlarm.addOkAction(action);

  const schedules: scheduler.Schedule[] = [];
  groups.forEach((group, groupIndex) => {
    const rendered = renderEventBridgeSchedule(group.schedule, 'verification.schedule');
    chunkDrillDatabases(group.databases).forEach((databases, chunkIndex) => {
      const input: FleetDrillInput = {
        bucket: fleet.bucketName ?? fleet.bucket.bucketName,
        prefix: fleet.prefix,
        rtoSeconds: group.rtoSeconds,
        taskDefinitionArn: taskDefinitions.get(group.major)!.taskDefinitionArn,
        jobs,
        checkFile: `${CHECKS_DIRECTORY}/group-${groupIndex}.sql`,
        databases,
      };
      schedules.push(new scheduler.Schedule(fleet.scope, `DrillSchedule${groupIndex}-${chunkIndex}`, {
        description: `Restore drills of ${databases.length} database(s): ${databases.map((d) => `${d.id}/${d.name}`).join(', ')}`.slice(0, 512),
        schedule: plannedScheduleExpression(rendered),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject(input),
          deadLetterQueue: fleet.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      }));
      for (const database of databases) {
        const server = servers.find((candidate) => candidate.entry.id === database.id)!;
        fleet.scope.node.addMetadata(PROTECTION_METADATA_TYPE, {
          kind: 'restore-drill',
          database: connectionPath(server.connection),
          databaseNames: [database.name],
          schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
          rtoMinutes: group.rtoSeconds / 60,
          checks: group.checks.length,
        });
      }
    });
  });
  return { taskDefinitions, stateMachine, schedules };
}

/** The resources (and conditions) one group of the drill's IAM actions is limited to. */
function drillPermissionScope(
  fleet: BlueprintFleetInfrastructure, kind: DrillResourceKind, taskDefinitions: ecs.FargateTaskDefinition[], taskRole: iam.IRole,
  executionRole: iam.IRole,
): Pick<iam.PolicyStatementProps, 'resources' | 'conditions'> {
  const stack = Stack.of(fleet.scope);
  switch (kind) {
    case 'ecs-task-definition':
      return { resources: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn) };
    case 'ecs-task':
      return { resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${fleet.cluster.clusterName}/*` })] };
    case 'ecs-cluster-condition':
      return { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': fleet.cluster.clusterArn } } };
    case 'ecs-task-roles':
      return { resources: [taskRole.roleArn, executionRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } };
    case 'sync-events-rule':
      return { resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })] };
    case 'sns-topic':
      return { resources: [fleet.notificationTopic.topicArn] };
    case 'cloudwatch-namespace-condition':
      return { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': fleet.metricNamespace } } };
    default:
      throw new Error(`the fleet restore drill needs ${kind} permissions, which PostgresBackupBlueprint cannot scope`);
  }
}
