import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure } from './blueprint-fleet';
import { createDrillExecution, ecsDrillScopes } from './drill-state-machine';
import { createScratchPassword } from './drill-task-containers';
import { createPlannedAlarms } from './metric-alarm';
import { assumedByService, policyDocument } from './policy-document';
import { createSchedulerRole } from './scheduler-role';
import {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, ContainerLogConfiguration, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, checksWriterContainer,
  scratchPostgresContainer,
} from './verify-restore';
import { backupObjectLocations } from '../../core/aws/backup-bucket';
import { BlueprintDrillGroup } from '../../core/aws/blueprint-drill-groups';
import { SCRATCH_POSTGRES_CONTAINER } from '../../core/aws/drill-task-containers';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, BlueprintDrillsPlan, blueprintDrillInput } from '../../core/aws/postgres-backup-blueprint';
import { SCHEDULE_START_RETRY } from '../../core/aws/schedule-start-retry';
import { DrillPlaceholder } from '../../core/aws/state-machines';

/** What the fleet's restore drills are made of. */
export interface BlueprintFleetDrills {
  /** Verify task definitions by PostgreSQL major. */
  readonly taskDefinitions: Map<number, ecs.TaskDefinition>;
  /** The one state machine that drills any database named in its input. */
  readonly stateMachine: sfn.StateMachine;
  /** Its definition as deployed. */
  readonly definition: pulumi.Output<string>;
  /** The role it runs as. */
  readonly drillRole: iam.Role;
  /** One schedule per group of databases sharing drill settings (more when a group's input passes 8 KB). */
  readonly schedules: scheduler.Schedule[];
  /** The drill groups, in the order of their check files. */
  readonly groups: BlueprintDrillGroup[];
  /** With `maxDrillAgeDays`, per drilled database: no successful drill within that many days. */
  readonly alarms: cloudwatch.MetricAlarm[];
}

/**
 * The fleet's restore drills: one verify task definition per PostgreSQL major (a scratch server on the task's
 * loopback, the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, its alarm, and one schedule per group of
 * databases sharing drill settings.
 */
export function createFleetDrills(fleet: BlueprintFleetInfrastructure, drills: BlueprintDrillsPlan): BlueprintFleetDrills {
  const { name, parent, props, plan } = fleet;
  const child = { parent };

  const taskRole = new iam.Role(`${name}-drill-task-role`, {
    description: plan.descriptions.drillTaskRole,
    assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
  }, child);
  new iam.RolePolicy(`${name}-drill-task-policy`, {
    role: taskRole.id,
    policy: policyDocument([...fleet.backupBucket.readStatements(plan.prefix), ...fleet.backupBucket.drillResultStatements(plan.prefix)]),
  }, child);
  const executionRole = new iam.Role(`${name}-drill-execution-role`, {
    description: plan.descriptions.drillExecutionRole,
    assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
  }, child);
  // The execution role, and only it, reads the identity that decrypts the fleet's dumps and the scratch server's password.
  const identitySecretArn = drills.identityEnvironmentVariable ? props.encryption?.identitySecretArn : undefined;
  const scratchPassword = createScratchPassword(name, plan.descriptions.scratchPassword, parent).arn;
  const secretArns: pulumi.Input<string>[] = [scratchPassword, ...(identitySecretArn !== undefined ? [identitySecretArn] : [])];
  new iam.RolePolicy(`${name}-drill-execution-policy`, {
    role: executionRole.id,
    policy: policyDocument([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${fleet.logGroupArn}:*` },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretArns },
    ]),
  }, child);

  const checkFiles = [...drills.checkFiles];
  const taskDefinitions = new Map<number, ecs.TaskDefinition>();
  for (const major of plan.majors) {
    const logging = (prefix: string): ContainerLogConfiguration => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': fleet.logGroupName, 'awslogs-region': fleet.environment.region, 'awslogs-stream-prefix': `${prefix}-${major}` },
    });
    taskDefinitions.set(major, new ecs.TaskDefinition(`${name}-drill-task-${major}`, {
      family: `${name}-restore-drill-${major}`,
      cpu: String(drills.task.cpu),
      memory: String(drills.task.memoryLimitMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      ephemeralStorage: { sizeInGib: drills.task.ephemeralStorageGiB },
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      volumes: [{ name: 'checks' }],
      containerDefinitions: pulumi.jsonStringify([
        scratchPostgresContainer(major, logging('scratch-postgres'), scratchPassword),
        checksWriterContainer(major, checkFiles, logging('write-checks')),
        {
          name: BLUEPRINT_RUNNER_CONTAINER_NAME,
          image: fleet.image(major),
          essential: true,
          // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
          entryPoint: ['env'],
          command: ['pg-backup', '--help'],
          dependsOn: [{ containerName: SCRATCH_POSTGRES_CONTAINER_NAME, condition: 'HEALTHY' }, { containerName: CHECKS_CONTAINER_NAME, condition: 'SUCCESS' }],
          mountPoints: [{ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true }],
          secrets: [
            { name: SCRATCH_POSTGRES_CONTAINER.password.clientVariable, valueFrom: scratchPassword },
            ...(identitySecretArn !== undefined ? [{ name: drills.identityEnvironmentVariable, valueFrom: identitySecretArn }] : []),
          ],
          logConfiguration: logging('verify'),
        },
      ]),
    }, child));
  }
  const securityGroup = new ec2.SecurityGroup(`${name}-drill-sg`, {
    vpcId: props.vpcId,
    description: plan.descriptions.drillSecurityGroup,
    egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
  }, child);

  const drill = drills.stateMachine;
  const definitions = [...taskDefinitions.values()];
  const substitutions = pulumi.all([fleet.notificationTopicArn, fleet.cluster.arn, pulumi.output(props.subnetIds), securityGroup.id])
    .apply(([topicArn, clusterArn, subnets, securityGroupId]): Record<string, string> => ({
      [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: topicArn,
      [DrillPlaceholder.CLUSTER_ARN]: clusterArn,
      [DrillPlaceholder.CONTAINER_NAME]: BLUEPRINT_RUNNER_CONTAINER_NAME,
      [DrillPlaceholder.SUBNETS]: subnets.join(','),
      [DrillPlaceholder.SECURITY_GROUPS]: securityGroupId,
      [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
    }));
  const execution = createDrillExecution(name, parent, {
    drill: { definition: JSON.stringify(drill.definition), iamActions: drill.iamActions },
    substitutions,
    scopes: {
      ...ecsDrillScopes({
        environment: fleet.environment,
        taskDefinitionArn: definitions[0].arn,
        cluster: fleet.cluster,
        taskRoleArn: taskRole.arn,
        executionRoleArn: executionRole.arn,
        notificationTopicArn: fleet.notificationTopicArn,
        metricNamespace: plan.metricNamespace,
      }),
      // Every major's verify task, picked per execution by its input.
      'ecs-task-definition': { Resource: definitions.map((taskDefinition) => taskDefinition.arn) },
      // Every database's results folder, `<prefix>/<server>/<database>/drills/`, as the drill task's own grant.
      'drill-result-objects': { Resource: pulumi.interpolate`${fleet.backupBucket.bucketArn}/${backupObjectLocations(plan.prefix).drillResults}` },
    },
    // A failed drill's result is written through the bucket's key when it has one.
    additionalStatements: fleet.backupBucket.encryptionKeyArn
      ? [{ Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: fleet.backupBucket.encryptionKeyArn }] : [],
    notificationTopicKeyArn: fleet.notificationTopicKeyArn,
    logRetentionDays: fleet.logRetentionDays,
    owner: 'PostgresBackupBlueprint',
    roleDescription: plan.descriptions.drillRole,
  });

  const schedulerRole = createSchedulerRole(`${name}-drill`, parent, fleet.environment, [
    { Effect: 'Allow', Action: 'states:StartExecution', Resource: execution.stateMachine.arn },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: fleet.deadLetterQueueArn },
  ]);
  const schedules = drills.schedules.map((planned) => {
    const input = pulumi.all([fleet.backupBucket.bucketName, taskDefinitions.get(planned.major)!.arn])
      .apply(([bucket, taskDefinitionArn]) => JSON.stringify(blueprintDrillInput(planned, bucket, taskDefinitionArn)));
    return new scheduler.Schedule(`${name}-${planned.name}`, {
      description: planned.description,
      scheduleExpression: planned.schedule.scheduleExpression,
      scheduleExpressionTimezone: planned.schedule.scheduleExpressionTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: execution.stateMachine.arn,
        roleArn: schedulerRole.arn,
        input,
        deadLetterConfig: { arn: fleet.deadLetterQueueArn },
        retryPolicy: { maximumRetryAttempts: SCHEDULE_START_RETRY.attempts, maximumEventAgeInSeconds: SCHEDULE_START_RETRY.maxEventAgeSeconds },
      },
    }, child);
  });
  // With maxDrillAgeDays, per database: no successful drill within that many days.
  const alarms = createPlannedAlarms(name, drills.alarms, fleet.notificationTopicArn, parent);
  return {
    taskDefinitions,
    alarms,
    stateMachine: execution.stateMachine,
    definition: execution.definition,
    drillRole: execution.drillRole,
    schedules,
    groups: [...drills.groups],
  };
}
