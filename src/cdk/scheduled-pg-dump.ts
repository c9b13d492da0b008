import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { PostgresDatabase } from './database-connection';
import { IPgDumpSource } from './pg-dump-source';
import {
  acknowledgeImagePull, acknowledgeScheduleDeadLetterQueue, acknowledgeWildcards, backupObjectsWildcard, scheduledTasksWildcard,
} from './reviewed-findings';
import { runnerImageFromPackage } from './runner-image';
import { SCHEDULED_PG_DUMP_PROP_PATHS } from '../core/construct-prop-paths';
import { checkDatabaseNames } from '../core/database-name';
import { resolveBackupPolicy } from '../core/defaults';
import { dumpTaskEphemeralStorageGiB } from '../core/dump-scratch-storage';
import { checkFargateTaskSize } from '../core/fargate-sizes';
import { BackupPolicy, ImmutabilityPolicy, LogicalDumpPolicy } from '../core/policy';
import { runnerDumpArgv } from '../core/runner-argv';
import { renderEventBridgeSchedule } from '../core/schedule';
import { checkPolicy } from '../core/validate-policy';
import { Validator } from '../core/validation';

/**
 * Construct metadata type under which the constructs of this module record what they protect (database,
 * schedule, retention…), so tools reading a cloud assembly can report it without parsing templates.
 */
export const PROTECTION_METADATA_TYPE = 'postgres-backup-constructs:protection';

/** Name of the runner container in the dump task definition. */
export const DUMP_CONTAINER_NAME = 'runner';

/** The namespace the runner publishes its metrics in unless told otherwise. */
export const DEFAULT_METRIC_NAMESPACE = 'PostgresBackup';

/** The longest RPO a CloudWatch alarm can watch: its evaluation range is at most 7 days. */
export const MAX_ALARM_RPO_HOURS = 168;

/** Props of {@link ScheduledPgDump}. */
export interface ScheduledPgDumpProps {
  /** The VPC the dump task runs in (it must reach the database, S3, ECR, CloudWatch Logs and Secrets Manager). */
  readonly vpc: ec2.IVpc;
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
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
   * The recovery-point objective in hours: alarm when no dump of a database succeeded for this long.
   * At most 168 (a CloudWatch alarm looks back at most 7 days).
   * @default - the longest gap between two scheduled dumps plus two hours (26 for daily dumps)
   */
  readonly rpoHours?: number;
  /**
   * PostgreSQL major version of the server, which selects the client tools built into the runner image.
   * @default - the RDS engine's major version; required when it cannot be read from the database
   */
  readonly postgresMajorVersion?: number;
  /**
   * The bucket dumps are written to.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: s3.IBucket;
  /**
   * The KMS key of the backups.
   * @default - the given bucket's key, or a created key
   */
  readonly encryptionKey?: kms.IKey;
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
   * Server access logging of a created bucket, into a separate bucket (`true` creates it).
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one role allowed to delete backup objects; the bucket policy denies `s3:DeleteObject*` to all others.
   * @default - nobody
   */
  readonly breakGlassRole?: iam.IRole;
  /**
   * The ECS cluster the dump task runs in.
   * @default - a cluster with Container Insights is created in the VPC
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Subnets of the task: private ones, since the task gets no public IP.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
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
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the server's PostgreSQL major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * How long the task logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The topic failures and missed RPOs are sent to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
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
   * How long EventBridge Scheduler keeps trying to start a run.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * What happens to the created bucket and keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a
 * Fargate task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run
 * fails, when the task dies, and when no dump succeeded within the RPO.
 */
export class ScheduledPgDump extends Construct implements IPgDumpSource {
  /** The bucket the dumps are written to. */
  public readonly bucket: s3.IBucket;
  /** The bucket construct, when the bucket was created here. */
  public readonly backupBucket: BackupBucket;
  /** The key prefix of the dumps. */
  public readonly prefix: string;
  /** The databases dumped. */
  public readonly databaseNames: readonly string[];
  /** PostgreSQL major version of the server and of the runner's client tools. */
  public readonly postgresMajorVersion: number;
  /** CloudWatch namespace of the runner's metrics. */
  public readonly metricNamespace: string;
  /** The topic failures are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** The notifications construct (topic and its key). */
  public readonly notifications: BackupNotifications;
  /** The cluster the task runs in. */
  public readonly cluster: ecs.ICluster;
  /** The dump task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The security group of the dump task. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The task's log group. */
  public readonly logGroup: logs.LogGroup;
  /** One schedule per database. */
  public readonly schedules: readonly scheduler.Schedule[];
  /** Where schedule runs go that could not start the task. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarms: failed run, RPO missed, per database; dead-lettered start. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The recovery-point objective the RPO alarm watches, hours. */
  public readonly rpoHours: number;
  /** The dump policy with every default filled in. */
  public readonly dumpPolicy: LogicalDumpPolicy;

  constructor(scope: Construct, id: string, props: ScheduledPgDumpProps) {
    super(scope, id);
    const databaseNames = props.databaseNames ?? ['postgres'];
    const policy: BackupPolicy = {
      logicalDump: props.dump ?? {},
      alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
      immutability: props.objectLock,
    };
    const validator = new Validator(cdkValidationOptions(this));
    validator.include(checkPolicy(policy, cdkValidationOptions(this, SCHEDULED_PG_DUMP_PROP_PATHS)));
    validator.integer('rpoHours', props.rpoHours, 1, MAX_ALARM_RPO_HOURS, 'hours');
    checkFargateTaskSize(validator, {
      cpu: props.cpu ?? 1024,
      memoryLimitMiB: props.memoryLimitMiB ?? 2048,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
    });
    checkDatabaseNames(validator, 'databaseNames', databaseNames);
    const major = props.postgresMajorVersion ?? props.database.postgresMajorVersion;
    if (major === undefined) {
      validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    }
    validator.integer('postgresMajorVersion', major, 10, 99);
    validator.integer('retryAttempts', props.retryAttempts, 0, 185);
    validator.throwIfInvalid();

    const resolved = resolveBackupPolicy(policy, CDK_VALIDATION_OPTIONS);
    const dump = resolved.logicalDump!;
    this.dumpPolicy = dump;
    this.rpoHours = resolved.alarms.rpoHours;
    if (this.rpoHours > MAX_ALARM_RPO_HOURS) {
      validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the dump schedule; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
      validator.throwIfInvalid();
    }
    this.databaseNames = [...databaseNames];
    this.postgresMajorVersion = major!;
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    this.prefix = props.prefix ?? 'pg-dumps';

    this.backupBucket = new BackupBucket(this, 'Backups', {
      bucket: props.bucket,
      encryptionKey: props.encryptionKey,
      prefix: this.prefix,
      dump,
      objectLock: props.objectLock,
      serverAccessLogs: props.serverAccessLogs,
      breakGlassRole: props.breakGlassRole,
      removalPolicy: props.removalPolicy,
    });
    this.bucket = this.backupBucket.bucket;
    this.notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = this.notifications.topic;

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu ?? 1024,
      memoryLimitMiB: props.memoryLimitMiB ?? 2048,
      ephemeralStorageGiB: props.ephemeralStorageGiB ?? dumpTaskEphemeralStorageGiB([dump]),
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const wiring = props.database.runnerWiring();
    this.taskDefinition.addContainer(DUMP_CONTAINER_NAME, {
      image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: this.postgresMajorVersion }),
      command: this.dumpCommand(databaseNames[0], props.database, wiring.databaseUrl),
      secrets: wiring.secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'dump' }),
      // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
      stopTimeout: Duration.seconds(30),
    });
    this.backupBucket.grantWriteBackups(this.taskDefinition.taskRole);
    acknowledgeWildcards(this.taskDefinition.taskRole, [backupObjectsWildcard(this.backupBucket.objectsUnder(), 'write')]);
    acknowledgeImagePull(this.taskDefinition);

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Scheduled pg_dump task: no inbound traffic; outbound to the database and AWS APIs',
      allowAllOutbound: true,
    });
    props.database.allowFrom(this.securityGroup);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeScheduleDeadLetterQueue(this.deadLetterQueue);
    // The schedules' own role (not the one the target would share stack-wide), so its grants are reviewed here.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      description: 'Starts the scheduled pg_dump task in its cluster and tags it',
    });
    acknowledgeWildcards(scheduleRole, [scheduledTasksWildcard(this.cluster, this.taskDefinition)]);
    const eventBridgeSchedule = renderEventBridgeSchedule(dump.schedule, 'dump.schedule');
    this.schedules = databaseNames.map((database, index) => new scheduler.Schedule(this, `Schedule${index}`, {
      description: `pg_dump of ${database} to s3 ${this.prefix}/`,
      schedule: scheduler.ScheduleExpression.expression(
        eventBridgeSchedule.scheduleExpression, TimeZone.of(eventBridgeSchedule.scheduleExpressionTimezone),
      ),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.EcsRunFargateTask(this.cluster, {
        taskDefinition: this.taskDefinition,
        vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.securityGroup],
        assignPublicIp: false,
        propagateTags: true,
        role: scheduleRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 3,
        maxEventAge: props.maxEventAge ?? Duration.hours(1),
        input: scheduler.ScheduleTargetInput.fromObject({
          containerOverrides: [{ name: DUMP_CONTAINER_NAME, command: this.dumpCommand(database, props.database, wiring.databaseUrl) }],
        }),
      }),
    }));

    this.alarms = this.createAlarms();
    this.notifyWhenTaskFails();
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      kind: 'logical-dump',
      database: Construct.isConstruct(props.database.connections) ? props.database.connections.node.path : undefined,
      databaseNames: [...databaseNames],
      schedule: `${eventBridgeSchedule.scheduleExpression} ${eventBridgeSchedule.scheduleExpressionTimezone}`,
      prefix: `${this.prefix}/`,
      retentionDays: dump.retentionDays,
      objectLock: props.objectLock ? `${props.objectLock.mode ?? 'governance'} ${props.objectLock.days} days` : undefined,
      rpoHours: this.rpoHours,
    });
  }

  /** The container command for one database: `pg-backup dump …` (the image's entrypoint is `pg-backup`). */
  private dumpCommand(database: string, connection: PostgresDatabase, databaseUrl: string | undefined): string[] {
    const argv = runnerDumpArgv(this.dumpPolicy, {
      to: `s3://${this.bucket.bucketName}/${this.prefix}`,
      database,
      noRolePasswords: connection.managed,
      metricsNamespace: this.metricNamespace,
    });
    return databaseUrl === undefined ? argv : [...argv, '--database-url', databaseUrl];
  }

  /**
   * A metric of the runner, for one database.
   * @param metricName `BackupSucceeded`, `BackupFailed`, `BackupBytes`, `BackupDurationSeconds` or `BackupRows`
   * @param database the database (default: the first one)
   */
  public metric(metricName: string, database: string = this.databaseNames[0], props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      dimensionsMap: { Database: database },
      ...props,
    });
  }

  /** Failed dumps (sum per period) of a database. */
  public metricFailures(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BackupFailed', database, { statistic: 'Sum', period: Duration.hours(1), ...props });
  }

  /** Successful dumps (sum per period) of a database. */
  public metricSuccesses(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BackupSucceeded', database, { statistic: 'Sum', period: Duration.hours(1), ...props });
  }

  /** Size of the dumps of a database, bytes (largest per period). */
  public metricBytes(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BackupBytes', database, { statistic: 'Maximum', period: Duration.hours(1), ...props });
  }

  /** How long the dumps of a database took, seconds (longest per period). */
  public metricDuration(database?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BackupDurationSeconds', database, { statistic: 'Maximum', period: Duration.hours(1), ...props });
  }

  /**
   * Hours since the last successful dump of a database, at hourly resolution, for graphs: each hour's
   * timestamp minus the timestamp of the latest hour with a success (carried forward with `FILL(…, REPEAT)`).
   * It has no value before the first success in the graph's range; the RPO alarm does not use it, it counts
   * successes over the RPO instead, so a dump that never ran alarms too.
   */
  public metricBackupAge(database?: string): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      label: `Hours since the last successful dump of ${database ?? this.databaseNames[0]}`,
      expression: '(EPOCH(FILL(ok, 0)) - FILL(IF(ok > 0, EPOCH(ok)), REPEAT)) / 3600',
      usingMetrics: { ok: this.metricSuccesses(database) },
      period: Duration.hours(1),
    });
  }

  /** Lets `grantee` read the dumps: objects under the prefix, listing that prefix, decrypting with the key. */
  public grantRead(grantee: iam.IGrantable): void {
    this.backupBucket.grantReadBackups(grantee);
  }

  private createAlarms(): cloudwatch.Alarm[] {
    const action = new cloudwatchActions.SnsAction(this.notificationTopic);
    const alarms: cloudwatch.Alarm[] = [];
    this.databaseNames.forEach((database, index) => {
      alarms.push(new cloudwatch.Alarm(this, `FailedDumpAlarm${index}`, {
        alarmDescription: `A pg_dump of ${database} failed; see the task logs`,
        metric: this.metricFailures(database, { period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No failure metric means no failed run; a run that never reports is caught by the RPO alarm.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
      alarms.push(new cloudwatch.Alarm(this, `RpoAlarm${index}`, {
        alarmDescription: `No successful pg_dump of ${database} within the RPO of ${this.rpoHours} hours`,
        metric: this.metricSuccesses(database, { period: Duration.hours(this.rpoHours) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A dump that stops silently publishes nothing: that must page too.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }));
    });
    alarms.push(new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
      alarmDescription: 'EventBridge Scheduler could not start a pg_dump task; the event is in the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    alarms.forEach((alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    });
    return alarms;
  }

  /**
   * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no
   * metric; ECS still reports it stopping, so that event pages directly.
   */
  private notifyWhenTaskFails(): void {
    const rule = new events.Rule(this, 'TaskFailedRule', {
      description: 'A scheduled pg_dump task stopped with a non-zero exit code or failed to start',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          taskDefinitionArn: [this.taskDefinition.taskDefinitionArn],
          $or: [
            { containers: { exitCode: [{ 'anything-but': 0 }] } },
            { stopCode: ['TaskFailedToStart'] },
          ],
        },
      },
    });
    rule.addTarget(new eventsTargets.SnsTopic(this.notificationTopic, {
      message: events.RuleTargetInput.fromText(
        `A scheduled pg_dump task failed: ${events.EventField.fromPath('$.detail.taskArn')} `
        + `stopped (${events.EventField.fromPath('$.detail.stopCode')}): ${events.EventField.fromPath('$.detail.stoppedReason')}`,
      ),
    }));
  }
}
