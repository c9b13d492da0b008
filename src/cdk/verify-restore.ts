import * as fs from 'node:fs';
import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { createDrillStateMachine, ecsDrillScopes } from './drill-state-machine';
import { IPgDumpSource } from './pg-dump-source';
import { acknowledgeImagePull, acknowledgePlainTaskEnvironment, acknowledgeScratchPassword, acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { postgresServerImage, runnerImageFromPackage } from './runner-image';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { checkDatabaseName } from '../core/database-name';
import { resolveVerification } from '../core/defaults';
import { checkFargateTaskSize } from '../core/fargate-sizes';
import { VerificationPolicy } from '../core/policy';
import { DrillPlaceholder, RestoreDrillMetric, dumpRestoreDrill } from '../core/state-machines';
import { checkPolicy } from '../core/validate-policy';
import { Validator } from '../core/validation';

/** Name of the container running `pg-backup verify`. */
export const VERIFY_CONTAINER_NAME = 'runner';
/** Name of the scratch PostgreSQL container the dump is restored into. */
export const SCRATCH_POSTGRES_CONTAINER_NAME = 'scratch-postgres';
/** Name of the container that writes the SQL checks into the task's shared volume. */
export const CHECKS_CONTAINER_NAME = 'write-checks';
/** Where the checks are mounted in the runner container. */
export const CHECKS_DIRECTORY = '/checks';
/** The scratch server the dump is restored into, on the task's loopback. */
export const SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Props of {@link VerifyRestore}. */
export interface VerifyRestoreProps {
  /** Where the dumps are: a `ScheduledPgDump`, or `PgDumpLocation.fromBucket({...})`. */
  readonly source: IPgDumpSource;
  /** The VPC the drill task runs in (it needs S3, ECR, CloudWatch Logs and Secrets Manager, not the database). */
  readonly vpc: ec2.IVpc;
  /**
   * The database whose latest dump is restored; one drill checks one database.
   * @default - the source's first database
   */
  readonly databaseName?: string;
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks (each must return a single `true`), and
   * `maxRestoreDurationMinutes`, the RTO (default 60).
   * @default - weekly, row counts only, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * SQL files read at synth time and run as checks after the restore, like `verification.checks`.
   * @default - none
   */
  readonly checkFiles?: string[];
  /**
   * The ECS cluster the drill runs in.
   * @default - the source's cluster when it is a `ScheduledPgDump`, else a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Subnets of the task.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Task CPU units (shared by the scratch server and the runner).
   * @default 2048
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, one Fargate offers with `cpu`.
   * @default 8192
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB (21–200): it holds the downloaded dump and the restored database, so size it
   * at about twice the database.
   * @default 50
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * Parallel restore jobs (`pg_restore -j`).
   * @default - one per vCPU
   */
  readonly jobs?: number;
  /**
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the source's PostgreSQL major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The topic failed drills are sent to.
   * @default - the source's topic, else a created one
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition)
 * runs a Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the
 * same major (reachable only on the task's loopback), compares row counts, runs the checks and measures the
 * restore. Every failure or timeout stops the task, notifies the topic and fails the execution; failed
 * executions and a restore slower than the RTO alarm.
 */
export class VerifyRestore extends Construct {
  /** The database the drill restores. */
  public readonly databaseName: string;
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The drill task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The cluster the drill runs in. */
  public readonly cluster: ecs.ICluster;
  /** The security group of the drill task (no inbound rules). */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The schedule that starts the drill. */
  public readonly schedule: scheduler.Schedule;
  /** The topic failed drills are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** CloudWatch namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** Alarms: failed executions, restore slower than the RTO. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: VerifyRestoreProps) {
    super(scope, id);
    const source = props.source;
    const validator = new Validator(cdkValidationOptions(this));
    validator.include(checkPolicy({ verification: props.verification ?? {} }, CDK_VALIDATION_OPTIONS));
    const cpu = props.cpu ?? 2048;
    checkFargateTaskSize(validator, { cpu, memoryLimitMiB: props.memoryLimitMiB ?? 8192, ephemeralStorageGiB: props.ephemeralStorageGiB ?? 50 });
    validator.integer('jobs', props.jobs, 1, 64);
    const databaseName = props.databaseName ?? source.databaseNames[0];
    if (databaseName === undefined) validator.report({ path: 'databaseName', value: undefined, allowed: 'a database name (the source names none)' });
    checkDatabaseName(validator, 'databaseName', databaseName);
    const checkFiles = props.checkFiles ?? [];
    checkFiles.forEach((file, index) => {
      if (!fs.existsSync(file)) validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
    });
    validator.throwIfInvalid();

    const verification = resolveVerification(props.verification ?? {});
    this.databaseName = databaseName!;
    this.maxRestoreDurationMinutes = verification.maxRestoreDurationMinutes;
    this.metricNamespace = source.metricNamespace;
    const checks = [...verification.checks, ...checkFiles.map((file) => fs.readFileSync(file, 'utf8'))];
    const jobs = props.jobs ?? Math.max(1, Math.floor(cpu / 1024));

    this.notificationTopic = props.notificationTopic ?? source.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    this.cluster = props.cluster ?? clusterOf(source) ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The scratch server's password never leaves the task: both containers read it from this secret.
    const scratchPassword = new secretsmanager.Secret(this, 'ScratchPassword', {
      description: 'Password of the throwaway PostgreSQL inside the restore drill task',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    acknowledgeScratchPassword(scratchPassword);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu,
      memoryLimitMiB: props.memoryLimitMiB ?? 8192,
      ephemeralStorageGiB: props.ephemeralStorageGiB ?? 50,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const scratchServer = this.taskDefinition.addContainer(SCRATCH_POSTGRES_CONTAINER_NAME, {
      image: postgresServerImage(source.postgresMajorVersion),
      essential: false,
      // Listening on loopback only: the containers of this task share it, nothing else can connect.
      command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
      secrets: { POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'],
        interval: Duration.seconds(5),
        timeout: Duration.seconds(5),
        retries: 12,
        startPeriod: Duration.seconds(30),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'scratch-postgres' }),
    });

    const dumpLocation = `s3://${source.bucket.bucketName}/${source.prefix}`;
    const checkPaths = checks.map((_, index) => `${CHECKS_DIRECTORY}/check-${index}.sql`);
    const extraArgs = ['--database', this.databaseName, '--jobs', String(jobs), ...checkPaths.flatMap((path) => ['--check', path])];
    const drill = dumpRestoreDrill({
      maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
      metricNamespace: this.metricNamespace,
      extraArgs,
    });

    const runner = this.taskDefinition.addContainer(VERIFY_CONTAINER_NAME, {
      image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: source.postgresMajorVersion }),
      // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: ['pg-backup', 'verify', '--from', dumpLocation, '--latest', '--target-url', SCRATCH_TARGET_URL, ...extraArgs],
      secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'verify' }),
    });
    runner.addContainerDependencies({ container: scratchServer, condition: ecs.ContainerDependencyCondition.HEALTHY });
    if (checks.length > 0) this.addCheckWriter(runner, checks, checkPaths, source.postgresMajorVersion, logGroup);
    source.grantRead(this.taskDefinition.taskRole);
    acknowledgeWildcards(this.taskDefinition.taskRole, [backupObjectsWildcard(source.bucket.arnForObjects(`${source.prefix}/*`), 'read')]);
    acknowledgeImagePull(this.taskDefinition);

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Restore drill task: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      allowAllOutbound: true,
    });
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

    const substitutions: Record<string, string> = {
      [DrillPlaceholder.DATABASE_NAME]: this.databaseName,
      [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: this.notificationTopic.topicArn,
      [DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
      [DrillPlaceholder.TASK_DEFINITION_ARN]: this.taskDefinition.taskDefinitionArn,
      [DrillPlaceholder.CONTAINER_NAME]: VERIFY_CONTAINER_NAME,
      [DrillPlaceholder.SUBNETS]: Fn.join(',', subnets.subnetIds),
      [DrillPlaceholder.SECURITY_GROUPS]: this.securityGroup.securityGroupId,
      [DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
      [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
    };
    const drillStateMachine = createDrillStateMachine(this, {
      drill,
      substitutions,
      scopes: ecsDrillScopes(this, {
        taskDefinition: this.taskDefinition,
        cluster: this.cluster,
        notificationTopic: this.notificationTopic,
        metricNamespace: this.metricNamespace,
      }),
      notificationTopic: this.notificationTopic,
      schedule: verification.schedule,
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      drillName: 'the dump restore drill',
      owner: 'VerifyRestore',
      roleDescription: 'Runs the restore drill: its task, its metrics and its failure notification, nothing else',
      comment: `Restore drill of the latest pg_dump of ${this.databaseName}`,
      scheduleDescription: `Restore drill of ${this.databaseName}`,
    });
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedule = drillStateMachine.schedule;
    const rendered = drillStateMachine.renderedSchedule;
    this.alarms = this.createAlarms(drillStateMachine.deadLetterQueue);
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      kind: 'restore-drill',
      database: protectedDatabaseOf(source),
      databaseNames: [this.databaseName],
      schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
      rtoMinutes: this.maxRestoreDurationMinutes,
      checks: checks.length,
    });
  }

  /** Drill outcomes published by the state machine: `RestoreDrillSucceeded`, `RestoreDrillFailed`, `RestoreDurationSeconds`. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      dimensionsMap: { Database: this.databaseName, Drill: 'dump' },
      ...props,
    });
  }

  /** Successful drills (sum per day). */
  public metricDrillSucceeded(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.SUCCEEDED, { statistic: 'Sum', period: Duration.days(1), ...props });
  }

  /** Failed drills (sum per day). */
  public metricDrillFailed(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.FAILED, { statistic: 'Sum', period: Duration.days(1), ...props });
  }

  /** The measured restore time of successful drills, seconds (longest per day). */
  public metricRestoreDuration(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.DURATION, { statistic: 'Maximum', period: Duration.days(1), ...props });
  }

  private addCheckWriter(
    runner: ecs.ContainerDefinition, checks: string[], paths: string[], postgresMajorVersion: number, logGroup: logs.ILogGroup,
  ): void {
    this.taskDefinition.addVolume({ name: 'checks' });
    const environment = Object.fromEntries(checks.map((sql, index) => [`PG_BACKUP_CHECK_${index}`, sql]));
    // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
    const script = paths.map((path, index) => `printenv PG_BACKUP_CHECK_${index} > ${path}`).join(' && ');
    const writer = this.taskDefinition.addContainer(CHECKS_CONTAINER_NAME, {
      image: postgresServerImage(postgresMajorVersion),
      essential: false,
      entryPoint: ['sh', '-c'],
      command: [script],
      environment,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'write-checks' }),
    });
    writer.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
    runner.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true });
    runner.addContainerDependencies({ container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });
    acknowledgePlainTaskEnvironment(this.taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
  }

  private createAlarms(deadLetterQueue: sqs.IQueue): cloudwatch.Alarm[] {
    const action = new cloudwatchActions.SnsAction(this.notificationTopic);
    const failedExecutions = new cloudwatch.MathExpression({
      label: 'Failed, timed-out or aborted drill executions',
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
      usingMetrics: {
        failed: this.stateMachine.metricFailed({ statistic: 'Sum' }),
        timedOut: this.stateMachine.metricTimedOut({ statistic: 'Sum' }),
        aborted: this.stateMachine.metricAborted({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    const alarms = [
      new cloudwatch.Alarm(this, 'FailedDrillAlarm', {
        alarmDescription: `A restore drill of ${this.databaseName} failed: the latest dump could not be restored and checked`,
        metric: failedExecutions,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'RtoAlarm', {
        alarmDescription: `A restore of ${this.databaseName} took longer than the RTO of ${this.maxRestoreDurationMinutes} minutes`,
        metric: this.metricRestoreDuration({ period: Duration.hours(1) }),
        threshold: this.maxRestoreDurationMinutes * 60,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
        alarmDescription: `EventBridge Scheduler could not start the restore drill of ${this.databaseName}`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    alarms.forEach((alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    });
    return alarms;
  }
}

/** The cluster of a source that runs its own tasks (a `ScheduledPgDump`), so the drill shares it. */
function clusterOf(source: IPgDumpSource): ecs.ICluster | undefined {
  const candidate = (source as { cluster?: unknown }).cluster;
  return candidate !== undefined && typeof (candidate as ecs.ICluster).clusterArn === 'string' ? candidate as ecs.ICluster : undefined;
}

/** The construct path of the database a source protects, as the source recorded it in its metadata. */
function protectedDatabaseOf(source: IPgDumpSource): string | undefined {
  if (!Construct.isConstruct(source)) return undefined;
  const entry = source.node.metadata.find((candidate) => candidate.type === PROTECTION_METADATA_TYPE);
  return (entry?.data as { database?: string } | undefined)?.database;
}
