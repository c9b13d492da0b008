import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sqs from '@pulumi/aws/sqs';
import * as vpc from '@pulumi/aws/vpc';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupBucket, ExistingBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { createDeadLetterQueue } from './dead-letter-queue';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { createPlannedAlarms } from './metric-alarm';
import { DumpEncryption, EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { PolicyStatement, assumedByService, grantStatements, policyDocument } from './policy-document';
import { PostgresDatabase } from './postgres-database';
import { recordProtectedDatabase } from './require-postgres-backups';
import { createSchedulerRole } from './scheduler-role';
import { notifyWhenTasksFail } from './task-failure-notification';
import {
  ScheduledPgDumpOptions, ScheduledPgDumpPlan, checkScheduledPgDumpOptions, planScheduledPgDump, scheduledDumpCommand, scheduledPgDumpOptionsOf,
  scheduledPruneCommand,
  withPostgresMajorVersion,
} from '../../core/aws/scheduled-pg-dump';
import { LifecycleRule } from '../../core/policy/lifecycle-rules';
import { LogicalDumpPolicy } from '../../core/policy/policy';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

export { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS } from '../../core/aws/alarm-plan';
export { DUMP_CONTAINER_NAME } from '../../core/aws/scheduled-pg-dump';

/** Days task logs are kept unless told otherwise (CDK's `RetentionDays.THREE_MONTHS`). */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/** Props of {@link ScheduledPgDump}: the options every front end shares, and the Pulumi handles. */
export interface ScheduledPgDumpProps extends ScheduledPgDumpOptions {
  /** Id of the VPC the dump task runs in (it must reach the database, S3, ECR, CloudWatch Logs and Secrets Manager). */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the task: private ones with egress, since the task gets no public IP. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
  /**
   * The runner image (`runner-image/Dockerfile` of this package built with the server's PostgreSQL major), e.g. an ECR
   * image URI. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild` for building it in the program.
   */
  readonly image: pulumi.Input<string>;
  /**
   * An existing bucket dumps are written to.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: ExistingBucket;
  /**
   * ARN of the KMS key of the backups.
   * @default - the given bucket's key, or a created key
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * Server access logging of a created bucket into a separate bucket: `true` creates it, a name uses an existing one.
   * @default true
   */
  readonly serverAccessLogs?: boolean | pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete backup objects; the bucket policy denies `s3:DeleteObject*` to all others.
   * @default - nobody
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /**
   * The ECS cluster the dump task runs in.
   * @default - a cluster with Container Insights is created
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Days the task logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * ARN of the topic failures and missed RPOs are sent to; its policy must let EventBridge publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of the KMS key of a given topic.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * How long EventBridge Scheduler keeps trying to start a run, in seconds.
   * @default 3600
   */
  readonly maxEventAgeSeconds?: number;
  /**
   * Keep the created bucket and keys when the stack is destroyed (CDK's `RemovalPolicy.RETAIN`).
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * Encrypt every object of each dump with age to `recipients` (after compression); `identitySecretArn` is read by a
   * `VerifyRestore` of these dumps, never by the dump task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: DumpEncryption;
}

/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a Fargate
 * task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run fails, when the
 * task dies, and when no dump succeeded within the RPO. The same resources, policies, lifecycle and alarms as the CDK
 * `ScheduledPgDump`.
 */
export class ScheduledPgDump extends pulumi.ComponentResource implements PgDumpSource {
  /** The bucket component. */
  public readonly backupBucket: BackupBucket;
  /** Name of the bucket the dumps are written to. */
  public readonly bucketName: pulumi.Output<string>;
  /** ARN of that bucket. */
  public readonly bucketArn: pulumi.Output<string>;
  /** The key prefix of the dumps. */
  public readonly prefix: string;
  /** Where the dumps are: `s3://<bucket>/<prefix>`. */
  public readonly dumpLocation: pulumi.Output<string>;
  /** The databases dumped. */
  public readonly databaseNames: readonly string[];
  /** PostgreSQL major version of the server. */
  public readonly postgresMajorVersion: number;
  /** CloudWatch namespace of the runner's metrics. */
  public readonly metricNamespace: string;
  /** ARN of the topic failures are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** ARN of that topic's key, when known. */
  public readonly notificationTopicKeyArn?: pulumi.Output<string>;
  /** The cluster the task runs in. */
  public readonly cluster: EcsClusterReference;
  /** The dump task definition. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** The role of the dump task: write under the prefix, nothing else. */
  public readonly taskRole: iam.Role;
  /** The role ECS starts the task with: pull logs and the database secret. */
  public readonly executionRole: iam.Role;
  /** The security group of the dump task. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** One schedule per database. */
  public readonly schedules: readonly scheduler.Schedule[];
  /** The role the schedules start the task with. */
  public readonly schedulerRole: iam.Role;
  /** Where schedule runs go that could not start the task. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarms: failed run and RPO missed, per database; dead-lettered start. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The rule that notifies a task that stopped with a non-zero exit or failed to start. */
  public readonly taskFailedRule: cloudwatch.EventRule;
  /** The recovery-point objective the RPO alarm watches, hours. */
  public readonly rpoHours: number;
  /** The dump policy with every default filled in. */
  public readonly dumpPolicy: LogicalDumpPolicy;
  /** The lifecycle rules of a created bucket. */
  public readonly lifecycleRules: readonly LifecycleRule[];
  /** What this component creates, as core decided it. */
  public readonly plan: ScheduledPgDumpPlan;
  /** How the dumps are encrypted with age, when they are. */
  public readonly encryption?: DumpEncryption;
  /** The prune task's role, the only one that may delete dumps (with `dump.retention`). */
  public readonly pruneRole?: iam.Role;
  /** The prune task definition (with `dump.retention`). */
  public readonly pruneTaskDefinition?: ecs.TaskDefinition;
  /** One prune schedule per database (with `dump.retention`). */
  public readonly pruneSchedules: readonly scheduler.Schedule[];

  constructor(name: string, props: ScheduledPgDumpProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ScheduledPgDump', name, {}, opts);
    const environment = {
      databasePostgresMajorVersion: props.database.postgresMajorVersion,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
    };
    const options = scheduledPgDumpOptionsOf(props);
    // The names, schedule and retention decide which resources exist, so they are checked before any is registered; only
    // the shared options are checked, so that a deferred check waits for no output of a cloud handle.
    validateWhenKnown(withPostgresMajorVersion(options, environment), checkScheduledPgDumpOptions, name);
    const plan = planScheduledPgDump(options, environment);
    this.plan = plan;
    this.dumpPolicy = plan.dump;
    this.rpoHours = plan.rpoHours;
    this.databaseNames = plan.databaseNames;
    this.postgresMajorVersion = plan.postgresMajorVersion;
    this.metricNamespace = plan.metricNamespace;
    this.prefix = plan.prefix;
    this.lifecycleRules = plan.lifecycleRules;
    this.encryption = props.encryption;
    const aws = awsEnvironment(this);
    const child = { parent: this };

    // The prune task's role exists before the bucket, whose policy lets it (and only it) delete.
    this.pruneRole = plan.prune && new iam.Role(`${name}-prune-role`, {
      description: plan.prune.descriptions.taskRole,
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    this.backupBucket = new BackupBucket(`${name}-backups`, {
      pruneRoleArn: this.pruneRole?.arn,
      bucket: props.bucket,
      encryptionKeyArn: props.encryptionKeyArn,
      lifecycleRules: [...plan.lifecycleRules],
      objectLock: props.objectLock,
      serverAccessLogs: props.serverAccessLogs,
      breakGlassRoleArn: props.breakGlassRoleArn,
      retainOnDelete: props.retainOnDelete,
      environment: aws,
    }, child);
    this.bucketName = this.backupBucket.bucketName;
    this.bucketArn = this.backupBucket.bucketArn;
    this.dumpLocation = pulumi.interpolate`s3://${this.bucketName}/${this.prefix}`;
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn,
      topicKeyArn: props.notificationTopicKeyArn,
      retainOnDelete: props.retainOnDelete,
      environment: aws,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    this.notificationTopicKeyArn = notifications.topicKeyArn;

    this.cluster = givenOrNewEcsCluster(name, props.cluster, child);
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS }, child);

    this.taskRole = new iam.Role(`${name}-task-role`, {
      description: plan.descriptions.taskRole,
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-task-policy`, { role: this.taskRole.id, policy: policyDocument(this.backupBucket.writeStatements(this.prefix)) }, child);
    const wiring = props.database.runnerWiring();
    this.executionRole = new iam.Role(`${name}-execution-role`, {
      description: plan.descriptions.executionRole,
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-execution-policy`, {
      role: this.executionRole.id,
      policy: policyDocument(executionStatements(logGroup, props.database)),
    }, child);

    const command = (database: string): pulumi.Output<string[]> => pulumi.all([this.dumpLocation, wiring.databaseUrl])
      .apply(([to, databaseUrl]) => scheduledDumpCommand(plan, database, to, { managed: props.database.managed, databaseUrl }));
    this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
      family: `${name}-pg-dump`,
      cpu: String(plan.task.cpu),
      memory: String(plan.task.memoryLimitMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      ephemeralStorage: plan.task.ephemeralStorageGiB === undefined ? undefined : { sizeInGib: plan.task.ephemeralStorageGiB },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([{
        name: plan.task.containerName,
        image: props.image,
        essential: true,
        command: command(this.databaseNames[0]),
        secrets: Object.entries(wiring.secrets).map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })),
        ...(Object.keys(plan.task.environment).length > 0
          ? { environment: Object.entries(plan.task.environment).map(([variable, value]) => ({ name: variable, value })) } : {}),
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': logGroup.name, 'awslogs-region': aws.region, 'awslogs-stream-prefix': plan.task.logStreamPrefix },
        },
        stopTimeout: plan.task.stopTimeoutSeconds,
      }]),
    }, child);

    this.securityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
      vpcId: props.vpcId,
      description: plan.descriptions.securityGroup,
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
    }, child);
    if (props.database.securityGroupId !== undefined) {
      new vpc.SecurityGroupIngressRule(`${name}-database-ingress`, {
        securityGroupId: props.database.securityGroupId,
        referencedSecurityGroupId: this.securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: props.database.port,
        toPort: props.database.port,
        description: 'pg_dump from the scheduled backup task',
      }, child);
    }

    const pruneTaskDefinition = this.pruneRole && plan.prune && new ecs.TaskDefinition(`${name}-prune-task`, {
      family: `${name}-pg-backup-prune`,
      cpu: String(plan.prune.task.cpu),
      memory: String(plan.prune.task.memoryLimitMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      taskRoleArn: this.pruneRole.arn,
      executionRoleArn: this.executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([{
        name: plan.task.containerName,
        image: props.image,
        essential: true,
        command: this.dumpLocation.apply((location) => scheduledPruneCommand(plan, this.databaseNames[0], location)),
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': logGroup.name, 'awslogs-region': aws.region, 'awslogs-stream-prefix': plan.prune.task.logStreamPrefix },
        },
      }]),
    }, child);
    this.pruneTaskDefinition = pruneTaskDefinition;
    if (this.pruneRole) {
      new iam.RolePolicy(`${name}-prune-policy`, { role: this.pruneRole.id, policy: policyDocument(this.backupBucket.pruneStatements(this.prefix)) }, child);
    }

    this.deadLetterQueue = createDeadLetterQueue(name, this);
    this.schedulerRole = createSchedulerRole(name, this, aws, grantStatements(plan.scheduleRoleGrants, {
      'ecs-task-roles': {
        resources: [this.taskRole.arn, this.executionRole.arn, ...(this.pruneRole ? [this.pruneRole.arn] : [])],
        condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      'ecs-task-definition': { resources: pruneTaskDefinition ? [this.taskDefinition.arn, pruneTaskDefinition.arn] : this.taskDefinition.arn },
      'ecs-task': { resources: pulumi.interpolate`arn:${aws.partition}:ecs:${aws.region}:${aws.account}:task/${this.cluster.name}/*` },
      'dead-letter-queue': { resources: this.deadLetterQueue.arn },
    }), plan.descriptions.scheduleRole);
    // The dump and prune schedules differ only in their id, runs, task, security group and command.
    const taskSchedules = (
      id: string, schedule: PlannedTaskSchedule,
      taskDefinitionArn: pulumi.Input<string>, securityGroupId: pulumi.Input<string>, runCommand: (database: string) => pulumi.Input<string[]>,
    ) => schedule.runs.map((run) => new scheduler.Schedule(`${name}-${id}-${run.index}`, {
      description: run.description,
      scheduleExpression: schedule.scheduleExpression,
      scheduleExpressionTimezone: schedule.scheduleExpressionTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.cluster.arn,
        roleArn: this.schedulerRole.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: plan.schedule.retryAttempts, maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 3600 },
        ecsParameters: {
          taskDefinitionArn,
          launchType: 'FARGATE',
          propagateTags: 'TASK_DEFINITION',
          networkConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroupId], assignPublicIp: false },
        },
        input: pulumi.jsonStringify({ containerOverrides: [{ name: plan.task.containerName, command: runCommand(run.database) }] }),
      },
    }, child));
    this.schedules = taskSchedules('schedule', plan.schedule, this.taskDefinition.arn, this.securityGroup.id, command);

    const prune = plan.prune;
    const pruneSecurityGroup = prune && new ec2.SecurityGroup(`${name}-prune-sg`, {
      vpcId: props.vpcId,
      description: prune.descriptions.securityGroup,
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
    }, child);
    const pruneCommand = (database: string) => this.dumpLocation.apply((location) => scheduledPruneCommand(plan, database, location));
    this.pruneSchedules = !prune || !pruneTaskDefinition || !pruneSecurityGroup ? []
      : taskSchedules('prune-schedule', prune.schedule, pruneTaskDefinition.arn, pruneSecurityGroup.id, pruneCommand);

    this.alarms = createPlannedAlarms(name, [...plan.alarms, ...(plan.prune?.alarms ?? [])], this.notificationTopicArn, this,
      { 'dead-letter-queue': this.deadLetterQueue.name });
    this.taskFailedRule = notifyWhenTasksFail(name, this, {
      description: plan.descriptions.taskFailedRule,
      taskDefinitionArns: [this.taskDefinition.arn, ...(pruneTaskDefinition ? [pruneTaskDefinition.arn] : [])],
      topicArn: this.notificationTopicArn,
      subject: plan.taskFailureSubject,
    });
    recordProtectedDatabase(props.database.resource, 'logical-dump');
    this.registerOutputs({
      bucketName: this.bucketName,
      dumpLocation: this.dumpLocation,
      notificationTopicArn: this.notificationTopicArn,
      clusterArn: this.cluster.arn,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleArns: this.schedules.map((schedule) => schedule.arn),
      alarmArns: this.alarms.map((alarm) => alarm.arn),
    });
  }

  /** The IAM statements that let a role read the dumps: objects under the prefix, listing that prefix, decrypting with the key. */
  public readStatements(): PolicyStatement[] {
    return this.backupBucket.readStatements(this.prefix);
  }

  /** The IAM statements that let a restore drill write its result beside the dumps (`<prefix>/<database>/drills/…`), nothing else. */
  public drillResultStatements(): PolicyStatement[] {
    return this.backupBucket.drillResultStatements(this.prefix);
  }
}

/** What the dump and prune schedules have in common: an expression, its time zone, one run per database. */
type PlannedTaskSchedule = NonNullable<ScheduledPgDumpPlan['prune']>['schedule'];

/** The task execution role's statements: write its log streams, read the database secret (and decrypt it). */
function executionStatements(logGroup: cloudwatch.LogGroup, database: PostgresDatabase): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: database.secretArn },
    ...(database.secretKmsKeyArn ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: database.secretKmsKeyArn }] : []),
  ];
}
