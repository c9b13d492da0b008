import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BlueprintFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { renderPlannedAlarms } from './planned-alarms';
import { SCHEDULE_START_RETRY_PROPS, plannedScheduleExpression } from './planned-schedules';
import { PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import {
  IMAGE_PULL_WILDCARD, acknowledgePlainTaskEnvironment, acknowledgeScratchPassword, acknowledgeWildcards, backupObjectsWildcard, drillRoleWildcards,
} from './reviewed-findings';
import { postgresServerImage } from './runner-image';
import { addScratchPostgresContainer } from './scratch-postgres-container';
import { CHECKS_DIRECTORY, SCRATCH_TARGET_URL } from './verify-restore';
import { SCRATCH_POSTGRES_CONTAINER } from '../core/aws/drill-task-containers';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, BlueprintDrillsPlan, blueprintDrillInput } from '../core/aws/postgres-backup-blueprint';
import { DrillPlaceholder, DrillResourceKind } from '../core/aws/state-machines';

/**
 * The fleet's restore drills as core planned them: one verify task definition per PostgreSQL major (a scratch server,
 * the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, and one schedule per group of databases
 * sharing drill settings (split to keep each schedule's input under 8 KB).
 */
export function createFleetDrills(
  fleet: BlueprintFleetInfrastructure, drills: BlueprintDrillsPlan, props: PostgresBackupBlueprintProps, drillSecurityGroup: ec2.ISecurityGroup,
): { taskDefinitions: Map<number, ecs.FargateTaskDefinition>; stateMachine: sfn.StateMachine; schedules: scheduler.Schedule[] } {
  const { plan, scope } = fleet;
  const scratchPassword = new secretsmanager.Secret(scope, 'ScratchPassword', {
    description: plan.descriptions.scratchPassword,
    generateSecretString: { excludePunctuation: true, passwordLength: SCRATCH_POSTGRES_CONTAINER.password.length },
  });
  acknowledgeScratchPassword(scratchPassword);
  const taskRole = new iam.Role(scope, 'DrillTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const executionRole = new iam.Role(scope, 'DrillExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  fleet.backupBucket.grantReadBackups(taskRole, plan.prefix);
  fleet.backupBucket.grantWriteDrillResults(taskRole, plan.prefix);
  acknowledgeWildcards(taskRole, [
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(plan.prefix), 'read'),
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(`${plan.prefix}/*/drills`), 'drill-results'),
  ]);
  acknowledgeWildcards(executionRole, [IMAGE_PULL_WILDCARD]);
  const taskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
  const checkFiles = Object.fromEntries(drills.checkFiles.map((file) => [file.variable, file.sql]));
  for (const major of plan.majors) {
    const taskDefinition = new ecs.FargateTaskDefinition(scope, `DrillTask${major}`, {
      cpu: drills.task.cpu,
      memoryLimitMiB: drills.task.memoryLimitMiB,
      ephemeralStorageGiB: drills.task.ephemeralStorageGiB,
      taskRole,
      executionRole,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const scratch = addScratchPostgresContainer(taskDefinition, {
      id: 'scratch-postgres', postgresMajorVersion: major, password: scratchPassword, logGroup: fleet.logGroup, streamPrefix: `scratch-postgres-${major}`,
    });
    taskDefinition.addVolume({ name: 'checks' });
    const writer = taskDefinition.addContainer('write-checks', {
      image: postgresServerImage(major),
      essential: false,
      entryPoint: ['sh', '-c'],
      // printenv copies each group's checks byte for byte; no shell quoting of user SQL is involved.
      command: [drills.checkFiles.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && ')],
      environment: checkFiles,
      logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `write-checks-${major}` }),
    });
    writer.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
    const runner = taskDefinition.addContainer(BLUEPRINT_RUNNER_CONTAINER_NAME, {
      image: fleet.image(major),
      // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: ['pg-backup', '--help'],
      secrets: {
        [SCRATCH_POSTGRES_CONTAINER.password.clientVariable]: ecs.Secret.fromSecretsManager(scratchPassword),
        // The execution role, and only it, reads the identity that decrypts the fleet's dumps.
        ...(drills.identityEnvironmentVariable && props.encryption?.identitySecret
          ? { [drills.identityEnvironmentVariable]: ecs.Secret.fromSecretsManager(props.encryption.identitySecret) } : {}),
      },
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

  const drill = drills.stateMachine;
  const selected = fleet.vpc.selectSubnets(fleet.subnets);
  const substitutions: Record<string, string> = {
    [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: fleet.notificationTopic.topicArn,
    [DrillPlaceholder.CLUSTER_ARN]: fleet.cluster.clusterArn,
    [DrillPlaceholder.CONTAINER_NAME]: BLUEPRINT_RUNNER_CONTAINER_NAME,
    [DrillPlaceholder.SUBNETS]: Fn.join(',', selected.subnetIds),
    [DrillPlaceholder.SECURITY_GROUPS]: drillSecurityGroup.securityGroupId,
    [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
  };
  const role = new iam.Role(scope, 'DrillRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: plan.descriptions.drillRole,
  });
  const definitions = [...taskDefinitions.values()];
  const scopes = new Map<DrillResourceKind, Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>>();
  for (const group of drill.iamActions) {
    const permissionScope = drillPermissionScope(fleet, group.resource, definitions, taskRole, executionRole);
    scopes.set(group.resource, permissionScope);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...permissionScope }));
  }
  acknowledgeWildcards(role, drillRoleWildcards(drill.iamActions, (kind) => scopes.get(kind)?.resources));
  fleet.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  // A failed drill's result is written through the bucket's key when it has one.
  fleet.backupBucket.encryptionKey?.grant(role, 'kms:GenerateDataKey');
  const stateMachine = new sfn.StateMachine(scope, 'Drill', {
    comment: plan.descriptions.drillStateMachine,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
    definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
    role,
    logs: {
      destination: new logs.LogGroup(scope, 'DrillExecutionLogs', {
        retention: props.logRetention ?? DEFAULT_LOG_RETENTION_DAYS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
    tracingEnabled: true,
  });

  const schedules = drills.schedules.map((planned) => {
    const input = blueprintDrillInput(planned, fleet.bucketName, taskDefinitions.get(planned.major)!.taskDefinitionArn);
    return new scheduler.Schedule(scope, planned.id, {
      description: planned.description,
      schedule: plannedScheduleExpression(planned.schedule),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject(input),
        deadLetterQueue: fleet.deadLetterQueue,
        ...SCHEDULE_START_RETRY_PROPS,
      }),
    });
  });
  // With maxDrillAgeDays, per database: no successful drill within that many days.
  renderPlannedAlarms(scope, drills.alarms, fleet.notificationTopic);
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
      return { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': fleet.plan.metricNamespace } } };
    case 'drill-result-objects':
      // Every database's results folder, `<prefix>/<server>/<database>/drills/`, as the drill task's own grant.
      return { resources: [fleet.backupBucket.objectsUnder(`${fleet.plan.prefix}/*/drills`)] };
    default:
      throw new Error(`the fleet restore drill needs ${kind} permissions, which PostgresBackupBlueprint cannot scope`);
  }
}
