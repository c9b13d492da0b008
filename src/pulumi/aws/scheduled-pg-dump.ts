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
import { createBackupAlarm, deadLetterMessages } from './metric-alarm';
import { EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';
import { PostgresDatabase } from './postgres-database';
import { recordProtectedDatabase } from './require-postgres-backups';
import { createSchedulerRole } from './scheduler-role';
import { notifyWhenTasksFail } from './task-failure-notification';
import { SCHEDULED_PG_DUMP_PROP_PATHS } from '../../core/construct-prop-paths';
import { checkDatabaseNames } from '../../core/database-name';
import { resolveBackupPolicy } from '../../core/defaults';
import { dumpTaskEphemeralStorageGiB } from '../../core/dump-scratch-storage';
import { checkFargateTaskSize } from '../../core/fargate-sizes';
import { dumpBucketLifecycleRules } from '../../core/lifecycle';
import { LifecycleRule } from '../../core/lifecycle-rules';
import { BackupPolicy, ImmutabilityPolicy, LogicalDumpPolicy } from '../../core/policy';
import { runnerDumpArgv } from '../../core/runner-argv';
import { renderEventBridgeSchedule } from '../../core/schedule';
import { checkPolicy } from '../../core/validate-policy';
import { Validator } from '../../core/validation';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

/** Name of the runner container in the dump task definition. */
export const DUMP_CONTAINER_NAME = 'runner';

/** The namespace the runner publishes its metrics in unless told otherwise. */
export const DEFAULT_METRIC_NAMESPACE = 'PostgresBackup';

/** The longest RPO a CloudWatch alarm can watch: its evaluation range is at most 7 days. */
export const MAX_ALARM_RPO_HOURS = 168;

/** Days task logs are kept unless told otherwise (CDK's `RetentionDays.THREE_MONTHS`). */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/** Props of {@link ScheduledPgDump}. */
export interface ScheduledPgDumpProps {
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
   * The databases on that server to dump, each on the schedule, each into its own folder under the prefix.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * What and when to dump: schedule, format, compression, jobs, tables, schemas, schemaOnly/dataOnly,
   * noOwner/noAcl, includeGlobals, retentionDays (the bucket lifecycle).
   * @default - daily at 02:00 UTC, custom format, kept 30 days
   */
  readonly dump?: LogicalDumpPolicy;
  /**
   * The recovery-point objective in hours: alarm when no dump of a database succeeded for this long. At most 168.
   * @default - the longest gap between two scheduled dumps plus two hours (26 for daily dumps)
   */
  readonly rpoHours?: number;
  /**
   * PostgreSQL major version of the server (a drill's scratch server runs it).
   * @default - the database's `postgresMajorVersion`; required when it names none
   */
  readonly postgresMajorVersion?: number;
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
   * Key prefix of the dumps in the bucket (no leading or trailing `/`); each database gets a folder below it.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * S3 Object Lock for a created bucket: every dump is write-once for `days`.
   * @default - no Object Lock
   */
  readonly objectLock?: ImmutabilityPolicy;
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
   * Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 1024
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, one of the values Fargate offers with `cpu`.
   * @default 2048
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB (21–200). A directory-format dump holds there only the files pg_dump is writing and
   * those waiting for upload, not the whole dump.
   * @default - sized from `dump.largestTableGiB` and `dump.jobs` for a directory-format dump (`dumpTaskEphemeralStorageGiB`), else Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
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
   * CloudWatch namespace of the runner's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * How often EventBridge Scheduler retries starting the task before the event goes to the dead-letter queue.
   * @default 3
   */
  readonly retryAttempts?: number;
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
}

/** The plain-valued props, validated together now and again once outputs among them resolve. */
type DumpPolicyProps = Pick<ScheduledPgDumpProps,
  'databaseNames' | 'dump' | 'rpoHours' | 'objectLock' | 'cpu' | 'memoryLimitMiB' | 'ephemeralStorageGiB' | 'retryAttempts' | 'prefix'>
  & { readonly postgresMajorVersion?: number };

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

  constructor(name: string, props: ScheduledPgDumpProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ScheduledPgDump', name, {}, opts);
    const databaseNames = props.databaseNames ?? ['postgres'];
    const major = props.postgresMajorVersion ?? props.database.postgresMajorVersion;
    const policyProps: DumpPolicyProps = {
      databaseNames: props.databaseNames,
      dump: props.dump,
      rpoHours: props.rpoHours,
      objectLock: props.objectLock,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
      retryAttempts: props.retryAttempts,
      prefix: props.prefix,
      postgresMajorVersion: major,
    };
    // The names, schedule and retention decide which resources exist, so they are checked before any is registered.
    validateWhenKnown(policyProps, checkDumpProps, name);
    const policy = dumpBackupPolicy(policyProps);
    const resolved = resolveBackupPolicy(policy, PULUMI_VALIDATION_OPTIONS);
    const dump = resolved.logicalDump!;
    this.dumpPolicy = dump;
    this.rpoHours = resolved.alarms.rpoHours;
    if (this.rpoHours > MAX_ALARM_RPO_HOURS) {
      const validator = new Validator({ construct: name });
      validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the dump schedule; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
      validator.throwIfInvalid();
    }
    this.databaseNames = [...databaseNames];
    this.postgresMajorVersion = major!;
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    this.prefix = props.prefix ?? 'pg-dumps';
    const environment = awsEnvironment(this);
    const child = { parent: this };

    this.lifecycleRules = dumpBucketLifecycleRules(dump, { prefix: `${this.prefix}/`, path: 'lifecycleRules' });
    this.backupBucket = new BackupBucket(`${name}-backups`, {
      bucket: props.bucket,
      encryptionKeyArn: props.encryptionKeyArn,
      lifecycleRules: [...this.lifecycleRules],
      objectLock: props.objectLock,
      serverAccessLogs: props.serverAccessLogs,
      breakGlassRoleArn: props.breakGlassRoleArn,
      retainOnDelete: props.retainOnDelete,
      environment,
    }, child);
    this.bucketName = this.backupBucket.bucketName;
    this.bucketArn = this.backupBucket.bucketArn;
    this.dumpLocation = pulumi.interpolate`s3://${this.bucketName}/${this.prefix}`;
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn,
      topicKeyArn: props.notificationTopicKeyArn,
      retainOnDelete: props.retainOnDelete,
      environment,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    this.notificationTopicKeyArn = notifications.topicKeyArn;

    if (props.cluster) {
      this.cluster = props.cluster;
    } else {
      const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, child);
      this.cluster = { arn: cluster.arn, name: cluster.name };
    }
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS }, child);

    this.taskRole = new iam.Role(`${name}-task-role`, {
      description: 'pg_dump task: write new dumps under its prefix, nothing else',
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-task-policy`, { role: this.taskRole.id, policy: policyDocument(this.backupBucket.writeStatements(this.prefix)) }, child);
    const wiring = props.database.runnerWiring();
    this.executionRole = new iam.Role(`${name}-execution-role`, {
      description: 'Starts the pg_dump task: its logs and the database secret',
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-execution-policy`, {
      role: this.executionRole.id,
      policy: policyDocument(executionStatements(logGroup, props.database)),
    }, child);

    const command = (database: string): pulumi.Output<string[]> => pulumi.all([this.dumpLocation, wiring.databaseUrl]).apply(([to, url]) => {
      const argv = runnerDumpArgv(dump, { to, database, noRolePasswords: props.database.managed, metricsNamespace: this.metricNamespace });
      return url === undefined ? argv : [...argv, '--database-url', url];
    });
    const cpu = props.cpu ?? 1024;
    const memory = props.memoryLimitMiB ?? 2048;
    const ephemeralStorageGiB = props.ephemeralStorageGiB ?? dumpTaskEphemeralStorageGiB([dump]);
    this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
      family: `${name}-pg-dump`,
      cpu: String(cpu),
      memory: String(memory),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      ephemeralStorage: ephemeralStorageGiB === undefined ? undefined : { sizeInGib: ephemeralStorageGiB },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([{
        name: DUMP_CONTAINER_NAME,
        image: props.image,
        essential: true,
        command: command(databaseNames[0]),
        secrets: Object.entries(wiring.secrets).map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })),
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': logGroup.name, 'awslogs-region': environment.region, 'awslogs-stream-prefix': 'dump' },
        },
        // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
        stopTimeout: 30,
      }]),
    }, child);

    this.securityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
      vpcId: props.vpcId,
      description: 'Scheduled pg_dump task: no inbound traffic; outbound to the database and AWS APIs',
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

    this.deadLetterQueue = createDeadLetterQueue(name, this);
    this.schedulerRole = createSchedulerRole(name, this, environment, [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [this.taskRole.arn, this.executionRole.arn],
        Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'ecs:RunTask', Resource: this.taskDefinition.arn },
      { Effect: 'Allow', Action: 'ecs:TagResource', Resource: pulumi.interpolate`arn:${environment.partition}:ecs:${environment.region}:${environment.account}:task/${this.cluster.name}/*` },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetterQueue.arn },
    ]);
    const rendered = renderEventBridgeSchedule(dump.schedule, 'dump.schedule');
    this.schedules = databaseNames.map((database, index) => new scheduler.Schedule(`${name}-schedule-${index}`, {
      description: `pg_dump of ${database} to s3 ${this.prefix}/`,
      scheduleExpression: rendered.scheduleExpression,
      scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.cluster.arn,
        roleArn: this.schedulerRole.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: props.retryAttempts ?? 3, maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 3600 },
        ecsParameters: {
          taskDefinitionArn: this.taskDefinition.arn,
          launchType: 'FARGATE',
          propagateTags: 'TASK_DEFINITION',
          networkConfiguration: { subnets: props.subnetIds, securityGroups: [this.securityGroup.id], assignPublicIp: false },
        },
        input: pulumi.jsonStringify({ containerOverrides: [{ name: DUMP_CONTAINER_NAME, command: command(database) }] }),
      },
    }, child));

    this.alarms = this.createAlarms(name);
    this.taskFailedRule = notifyWhenTasksFail(name, this, {
      description: 'A scheduled pg_dump task stopped with a non-zero exit code or failed to start',
      taskDefinitionArns: [this.taskDefinition.arn],
      topicArn: this.notificationTopicArn,
      subject: 'A scheduled pg_dump task',
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

  private createAlarms(name: string): cloudwatch.MetricAlarm[] {
    const topicArn = this.notificationTopicArn;
    const runnerMetric = (metricName: string, database: string, statistic: string, periodSeconds: number) => ({
      namespace: this.metricNamespace, metricName, dimensions: { Database: database }, statistic, periodSeconds,
    });
    const alarms: cloudwatch.MetricAlarm[] = [];
    this.databaseNames.forEach((database, index) => {
      alarms.push(createBackupAlarm(`${name}-failed-dump-${index}`, {
        description: `A pg_dump of ${database} failed; see the task logs`,
        metric: runnerMetric('BackupFailed', database, 'Sum', 300),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No failure metric means no failed run; a run that never reports is caught by the RPO alarm.
        treatMissingData: 'notBreaching',
        topicArn,
      }, this));
      alarms.push(createBackupAlarm(`${name}-rpo-${index}`, {
        description: `No successful pg_dump of ${database} within the RPO of ${this.rpoHours} hours`,
        metric: runnerMetric('BackupSucceeded', database, 'Sum', this.rpoHours * 3600),
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // A dump that stops silently publishes nothing: that must page too.
        treatMissingData: 'breaching',
        topicArn,
      }, this));
    });
    alarms.push(createBackupAlarm(`${name}-schedule-dead-letters`, {
      description: 'EventBridge Scheduler could not start a pg_dump task; the event is in the dead-letter queue',
      metric: deadLetterMessages(this.deadLetterQueue.name),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      topicArn,
    }, this));
    return alarms;
  }

}

/** The task execution role's statements: write its log streams, read the database secret (and decrypt it). */
function executionStatements(logGroup: cloudwatch.LogGroup, database: PostgresDatabase): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: database.secretArn },
    ...(database.secretKmsKeyArn ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: database.secretKmsKeyArn }] : []),
  ];
}

function dumpBackupPolicy(props: DumpPolicyProps): BackupPolicy {
  return {
    logicalDump: props.dump ?? {},
    alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
    immutability: props.objectLock,
  };
}

/**
 * Checks the props as the CDK construct does, with the same messages: core's policy rules, the RPO an alarm can watch,
 * the Fargate task size, the database names and major version, the retry count, the prefix and the dump lifecycle.
 */
function checkDumpProps(validator: Validator, props: DumpPolicyProps): void {
  validator.include(checkPolicy(dumpBackupPolicy(props), validator.optionsFor(SCHEDULED_PG_DUMP_PROP_PATHS)));
  validator.integer('rpoHours', props.rpoHours, 1, MAX_ALARM_RPO_HOURS, 'hours');
  checkFargateTaskSize(validator, {
    cpu: props.cpu ?? 1024, memoryLimitMiB: props.memoryLimitMiB ?? 2048, ephemeralStorageGiB: props.ephemeralStorageGiB,
  });
  const names = props.databaseNames ?? ['postgres'];
  checkDatabaseNames(validator, 'databaseNames', names);
  if (props.postgresMajorVersion === undefined) {
    validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
  }
  validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
  validator.integer('retryAttempts', props.retryAttempts, 0, 185);
  const prefix = props.prefix ?? 'pg-dumps';
  validator.matches('prefix', prefix, /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
    'an S3 key prefix of safe characters, segments separated by "/", without a leading or trailing "/"');
  // As in CDK, the bucket's lifecycle is checked once the policy itself is valid, so no problem is reported twice.
  if (validator.issues.length === 0 && !validator.isUnresolved(props.dump)) dumpBucketLifecycleRules(props.dump ?? {}, { prefix: `${prefix}/`, validator, path: 'lifecycleRules' });
}
