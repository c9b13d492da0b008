import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as rds from '@pulumi/aws/rds';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment, formatArn } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { createDrillStateMachine, ecsDrillScopes, ecsDrillSubstitutions } from './drill-state-machine';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { createTaskRole, createTaskSecurityGroup } from './planned-tasks';
import { PolicyStatement, policyDocument } from './policy-document';
import { postgresServerImage } from './runner-image';
import { DrillResourceScope } from './state-machine-permissions';
import { DrillPlaceholder, DrillResourceKind, RestoreDrillStateMachine } from '../../core/aws/state-machines';
import {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, DrillCheckFile, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, VERIFY_CONTAINER_NAME,
  VerifyRestoreOptions, VerifyRestorePlan, VerifyRestoreScratchPlan, checkDrillIdentity, checkScratchSubnets, checkVerifyRestoreOptions,
  planVerifyRestore, verifyCommand, verifyRestoreOptionsOf, withDrillDatabase,
} from '../../core/aws/verify-restore';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';
import { checkedLogRetentionDays } from './log-retention';

export {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, VERIFY_CONTAINER_NAME,
} from '../../core/aws/verify-restore';
export type { DrillCheckFile } from '../../core/aws/verify-restore';

/** The CloudWatch Logs settings of a container (`logConfiguration` of an ECS container definition). */
export interface ContainerLogConfiguration {
  /** `awslogs`. */
  readonly logDriver: string;
  /** The log group, region and stream prefix. */
  readonly options: Record<string, pulumi.Input<string>>;
}

/**
 * The scratch PostgreSQL container of a restore drill task: the server's major, listening only on the task's loopback
 * and trusting it, healthy once `pg_isready` answers.
 */
export function scratchPostgresContainer(postgresMajorVersion: number, logConfiguration: ContainerLogConfiguration): Record<string, unknown> {
  return {
    name: SCRATCH_POSTGRES_CONTAINER_NAME,
    image: postgresServerImage(postgresMajorVersion),
    essential: false,
    // Listening on loopback only: the containers of this task share it, nothing else can connect.
    command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
    environment: [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }],
    healthCheck: { command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'], interval: 5, timeout: 5, retries: 12, startPeriod: 30 },
    logConfiguration,
  };
}

/** The container of a restore drill task that writes the SQL check files into the shared `checks` volume, then exits. */
export function checksWriterContainer(
  postgresMajorVersion: number, files: readonly DrillCheckFile[], logConfiguration: ContainerLogConfiguration,
): Record<string, unknown> {
  return {
    name: CHECKS_CONTAINER_NAME,
    image: postgresServerImage(postgresMajorVersion),
    essential: false,
    entryPoint: ['sh', '-c'],
    // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
    command: [files.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && ')],
    environment: files.map((file) => ({ name: file.variable, value: file.sql })),
    mountPoints: [{ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false }],
    logConfiguration,
  };
}

/** Props of {@link VerifyRestore}: the options every front end shares, and the Pulumi handles. */
export interface VerifyRestoreProps extends VerifyRestoreOptions {
  /** Where the dumps are: a `ScheduledPgDump`, or `PgDumpLocation.fromBucket({...})`. */
  readonly source: PgDumpSource;
  /** Id of the VPC the drill task runs in (it needs S3, ECR, CloudWatch Logs, not the database). */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the task: private ones with egress. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Subnets of the scratch RDS instance (`restoreTarget` `scratch-rds` or `auto`): isolated ones, it needs no route
   * to the internet.
   * @default - none; required with restoreTarget `scratch-rds` or `auto`
   */
  readonly scratchSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The runner image, the same as the dump's. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild`.
   */
  readonly image: pulumi.Input<string>;
  /**
   * The ECS cluster the drill runs in.
   * @default - the source's cluster when it has one, else a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Days task and execution logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * ARN of the topic failed drills are sent to.
   * @default - the source's topic, else a created one
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key.
   * @default - the source's topic key, when the topic is the source's
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the secret holding the age identity that decrypts the dumps; only this drill's execution role reads it.
   * @default - the source's `encryption.identitySecretArn`; required when the source encrypts its dumps
   */
  readonly encryption?: { readonly identitySecretArn: pulumi.Input<string> };
}

/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition) runs a
 * Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the same major
 * (listening only on the task's loopback), compares row counts, runs the checks and measures the restore. Every failure
 * or timeout stops the task, notifies the topic and fails the execution; failed executions and a restore slower than
 * the RTO alarm.
 *
 * Unlike the CDK construct, the scratch server trusts connections on the task's loopback instead of reading a generated
 * password from Secrets Manager: only the task's own containers can reach it either way, and no password ends up in
 * the Pulumi state.
 */
export class VerifyRestore extends pulumi.ComponentResource {
  /** The database the drill restores. */
  public readonly databaseName: string;
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's definition as deployed (core's definition with every placeholder filled). */
  public readonly definition: pulumi.Output<string>;
  /** The core drill: definition with placeholders, and the IAM actions its role is granted. */
  public readonly drill: RestoreDrillStateMachine;
  /** The role the state machine runs as. */
  public readonly drillRole: iam.Role;
  /** The drill task definition. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** The role of the drill task: read the dumps, nothing else. */
  public readonly taskRole: iam.Role;
  /** The role ECS starts the task with. */
  public readonly executionRole: iam.Role;
  /** The cluster the drill runs in. */
  public readonly cluster: EcsClusterReference;
  /** The security group of the drill task (no inbound rules). */
  public readonly securityGroup: ec2.SecurityGroup;
  /**
   * Security group of the scratch RDS instance: inbound only from the drill task, on PostgreSQL's port.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSecurityGroup?: ec2.SecurityGroup;
  /**
   * The DB subnet group scratch RDS instances are created in.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSubnetGroup?: rds.SubnetGroup;
  /** The schedule that starts the drill. */
  public readonly schedule: scheduler.Schedule;
  /** The role the schedule starts the drill with. */
  public readonly schedulerRole: iam.Role;
  /** ARN of the topic failed drills are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** CloudWatch namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** Alarms: failed executions, restore slower than the RTO, a drill the schedule could not start. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** What this component creates, as core decided it. */
  public readonly plan: VerifyRestorePlan;

  constructor(name: string, props: VerifyRestoreProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:VerifyRestore', name, {}, opts);
    const source = props.source;
    const identitySecretArn = props.encryption?.identitySecretArn ?? source.encryption?.identitySecretArn;
    const environment = {
      sourceDatabaseNames: source.databaseNames,
      metricNamespace: source.metricNamespace,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      sourceEncryptedTo: source.encryption?.recipients,
      identitySecretGiven: identitySecretArn !== undefined,
    };
    const options = verifyRestoreOptionsOf(props);
    validateWhenKnown(withDrillDatabase(options, environment), (validator, checked) => {
      checkVerifyRestoreOptions(validator, checked);
      checkDrillIdentity(validator, environment);
      checkScratchSubnets(validator, checked, props.scratchSubnetIds !== undefined, 'scratchSubnetIds');
    }, name);
    const plan = planVerifyRestore(options, environment);
    this.plan = plan;
    this.databaseName = plan.databaseName;
    this.maxRestoreDurationMinutes = plan.maxRestoreDurationMinutes;
    this.metricNamespace = plan.metricNamespace;
    this.drill = plan.drill;
    const aws = awsEnvironment(this);
    const child = { parent: this };
    const logRetentionDays = checkedLogRetentionDays(name, props.logRetentionDays);

    const givenTopic = props.notificationTopicArn ?? source.notificationTopicArn;
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: givenTopic,
      topicKeyArn: props.notificationTopicArn !== undefined ? props.notificationTopicKeyArn : source.notificationTopicKeyArn,
      environment: aws,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    this.cluster = givenOrNewEcsCluster(name, props.cluster ?? source.cluster, child);
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child);

    const dumpLocation = pulumi.interpolate`s3://${source.bucketName}/${source.prefix}`;
    this.taskRole = createTaskRole(`${name}-task-role`, plan.descriptions.taskRole, this);
    this.executionRole = createTaskRole(`${name}-execution-role`, plan.descriptions.executionRole, this);
    this.securityGroup = createTaskSecurityGroup(`${name}-task-sg`, props.vpcId, 'Restore drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs', this);
    const scratch = plan.scratch ? this.addScratchInstance(name, plan.scratch, props, aws) : undefined;
    this.scratchSecurityGroup = scratch?.securityGroup;
    this.scratchSubnetGroup = scratch?.subnetGroup;
    new iam.RolePolicy(`${name}-task-policy`, {
      role: this.taskRole.id,
      policy: policyDocument([...source.readStatements(), ...source.drillResultStatements(), ...(scratch?.taskStatements ?? [])]),
    }, child);
    new iam.RolePolicy(`${name}-execution-policy`, {
      role: this.executionRole.id,
      policy: policyDocument([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
        // The identity is injected by the execution role, which alone may read it: the runner's own role and the dump's roles cannot.
        ...(plan.identityEnvironmentVariable && identitySecretArn
          ? [{ Effect: 'Allow' as const, Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: identitySecretArn }]
          : []),
      ]),
    }, child);

    const logging = (prefix: string): ContainerLogConfiguration => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': logGroup.name, 'awslogs-region': aws.region, 'awslogs-stream-prefix': prefix },
    });
    const major = source.postgresMajorVersion;
    const containers: unknown[] = [
      ...(plan.taskScratchServer ? [scratchPostgresContainer(major, logging('scratch-postgres'))] : []),
      {
        name: VERIFY_CONTAINER_NAME,
        image: props.image,
        essential: true,
        // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
        entryPoint: ['env'],
        command: dumpLocation.apply((from) => verifyCommand(plan, from)),
        dependsOn: [
          ...(plan.taskScratchServer ? [{ containerName: SCRATCH_POSTGRES_CONTAINER_NAME, condition: 'HEALTHY' }] : []),
          ...(plan.checkFiles.length > 0 ? [{ containerName: CHECKS_CONTAINER_NAME, condition: 'SUCCESS' }] : []),
        ],
        mountPoints: plan.checkFiles.length > 0 ? [{ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true }] : [],
        ...(plan.identityEnvironmentVariable && identitySecretArn
          ? { secrets: [{ name: plan.identityEnvironmentVariable, valueFrom: identitySecretArn }] } : {}),
        logConfiguration: logging('verify'),
      },
    ];
    if (plan.checkFiles.length > 0) containers.push(checksWriterContainer(major, plan.checkFiles, logging('write-checks')));
    this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
      family: `${name}-restore-drill`,
      cpu: String(plan.task.cpu),
      memory: String(plan.task.memoryLimitMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      ephemeralStorage: { sizeInGib: plan.task.ephemeralStorageGiB },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      volumes: plan.checkFiles.length > 0 ? [{ name: 'checks' }] : undefined,
      containerDefinitions: pulumi.jsonStringify(containers),
    }, child);

    const drillStateMachine = createDrillStateMachine(name, this, {
      drill: this.drill,
      substitutions: ecsDrillSubstitutions({
        databaseName: this.databaseName,
        notificationTopicArn: this.notificationTopicArn,
        clusterArn: this.cluster.arn,
        taskDefinitionArn: this.taskDefinition.arn,
        containerName: VERIFY_CONTAINER_NAME,
        subnetIds: props.subnetIds,
        securityGroupId: this.securityGroup.id,
        additional: {
          [DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
          // A drill into a scratch RDS instance names its own target, unless it may restore in the task (auto).
          ...(plan.drill.placeholders.includes(DrillPlaceholder.TARGET_URL) ? { [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL } : {}),
          ...scratch?.substitutions,
        },
      }),
      scopes: {
        ...ecsDrillScopes({
          environment: aws,
          taskDefinitionArn: this.taskDefinition.arn,
          cluster: this.cluster,
          taskRoleArn: this.taskRole.arn,
          executionRoleArn: this.executionRole.arn,
          notificationTopicArn: this.notificationTopicArn,
          metricNamespace: this.metricNamespace,
        }),
        ...scratch?.scopes,
      },
      // The drill reads the dump's manifest to size the scratch instance: through the bucket's key when it has one.
      additionalStatements: scratch ? source.readStatements().filter((statement) => [statement.Action].flat().includes('kms:Decrypt')) : [],
      notificationTopicKeyArn: notifications.topicKeyArn,
      schedule: plan.schedule,
      logRetentionDays,
      environment: aws,
      owner: 'VerifyRestore',
      roleDescription: plan.descriptions.drillRole,
      scheduleDescription: plan.descriptions.schedule,
    });
    this.definition = drillStateMachine.definition;
    this.drillRole = drillStateMachine.drillRole;
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedulerRole = drillStateMachine.schedulerRole;
    this.schedule = drillStateMachine.schedule;

    this.alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this, {
      'state-machine': this.stateMachine.arn,
      'dead-letter-queue': drillStateMachine.deadLetterQueue.name,
    });
    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      notificationTopicArn: this.notificationTopicArn,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleArn: this.schedule.arn,
      alarmArns: this.alarms.map((alarm) => alarm.arn),
    });
  }

  /**
   * The scratch RDS instance's place (a DB subnet group, a security group only the task reaches), the task's read of
   * its RDS-managed master secret, and what the drill's role is scoped to.
   */
  private addScratchInstance(name: string, scratch: VerifyRestoreScratchPlan, props: VerifyRestoreProps, aws: AwsEnvironment): {
    securityGroup: ec2.SecurityGroup;
    subnetGroup: rds.SubnetGroup;
    taskStatements: PolicyStatement[];
    substitutions: Record<string, pulumi.Input<string>>;
    scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  } {
    const child = { parent: this };
    const securityGroup = new ec2.SecurityGroup(`${name}-scratch-sg`, {
      vpcId: props.vpcId,
      description: scratch.descriptions.securityGroup,
      ingress: [{ protocol: 'tcp', fromPort: scratch.port, toPort: scratch.port, securityGroups: [this.securityGroup.id], description: scratch.descriptions.ingress }],
      egress: [],
    }, child);
    const subnetGroup = new rds.SubnetGroup(`${name}-scratch-subnets`, { subnetIds: props.scratchSubnetIds!, description: scratch.descriptions.subnetGroup }, child);
    const managedSecrets = formatArn(aws, 'secretsmanager', `secret:${scratch.secretRead.secretNamePattern}`);
    const scratchInstances = formatArn(aws, 'rds', `db:${scratch.identifierPrefix}-*`);
    const source = props.source;
    return {
      securityGroup,
      subnetGroup,
      // RDS names the secret per instance; the tag it puts on it holds the read to the drill's own scratch instances.
      taskStatements: [{
        Effect: 'Allow',
        Action: [...scratch.secretRead.actions],
        Resource: managedSecrets,
        Condition: { StringLike: { [scratch.secretRead.instanceTagConditionKey]: scratchInstances } },
      }],
      substitutions: {
        [DrillPlaceholder.DUMP_BUCKET]: source.bucketName,
        [DrillPlaceholder.DUMP_PREFIX]: source.prefix,
        [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: subnetGroup.name,
        [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: securityGroup.id,
      },
      scopes: {
        'dump-objects': { Resource: pulumi.interpolate`${source.bucketArn}/${source.prefix}/*` },
        'rds-scratch-instances': { Resource: scratchInstances },
        'rds-subnet-group': { Resource: formatArn(aws, 'rds', pulumi.interpolate`subgrp:${subnetGroup.name}`) },
        'rds-managed-secrets': { Resource: managedSecrets },
      },
    };
  }
}
