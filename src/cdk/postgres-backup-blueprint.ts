import * as crypto from 'node:crypto';
import { Annotations, CfnOutput, Duration, Fn, RemovalPolicy, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { PostgresBackupVault } from './backup-vault';
import { CDK_VALIDATION_OPTIONS } from './cdk-validation';
import { PostgresDatabase, RUNNER_DATABASE_SECRET_ENV } from './database-connection';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { postgresServerImage, runnerImageFromPackage } from './runner-image';
import { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS, PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { BackupTier, BackupTierOptions, BackupTierOverrides } from '../core/backup-tier';
import { CostEstimate, estimateMonthlyCost } from '../core/cost-estimate';
import {
  defaultBackupPlanSchedule, defaultRpoHours, resolveBackupPlan, resolveImmutability, resolveLogicalDump, resolveManagedSnapshots,
  resolveVerification,
} from '../core/defaults';
import { checkFargateTaskSize } from '../core/fargate-sizes';
import { dumpBucketLifecycleRules } from '../core/lifecycle';
import { renderS3LifecycleConfiguration } from '../core/lifecycle-s3';
import { checkManagedBackupPlan, resolveVaultLock, VaultLockSettings } from '../core/managed-backup-plan';
import { BackupPolicy, ImmutabilityPolicy } from '../core/policy';
import { ManagedDatabaseRunbookOptions, renderRestoreRunbook } from '../core/runbook';
import { runnerDumpArgv } from '../core/runner-argv';
import { renderAwsBackupSchedule, renderEventBridgeSchedule } from '../core/schedule';
import {
  DrillPlaceholder, DrillResourceKind, FleetDrillInput, fleetDrillExecutionTimeoutSeconds, fleetDumpRestoreDrill,
} from '../core/state-machines';
import { checkPolicy } from '../core/validate-policy';
import { PolicyValidationError, Validator } from '../core/validation';

/** Name of the runner container in the fleet's dump and verify task definitions. */
export const BLUEPRINT_RUNNER_CONTAINER_NAME = 'runner';

/** The metric dimension, besides `Database`, that tells apart databases of the same name on different servers. */
export const BLUEPRINT_SERVER_DIMENSION = 'Server';

/** The loopback URL of the drill task's scratch server. */
const SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Where the checks of a drill group are written inside the verify task. */
const CHECKS_DIRECTORY = '/checks';

/** EventBridge Scheduler takes at most 8 KB of target input; a group's input is split below this. */
const MAX_SCHEDULE_INPUT_CHARACTERS = 7000;

/** What the storage-cost estimate of a server is computed from. */
export interface BlueprintCostEstimateInputs {
  /** Size of the server's databases, GB. */
  readonly databaseSizeGb: number;
  /**
   * Data changed a day, GB.
   * @default - 5% of `databaseSizeGb`
   */
  readonly dailyChangeGb?: number;
  /**
   * Database size over dump size.
   * @default 3
   */
  readonly compressionRatio?: number;
}

/** One server of the fleet and the databases on it that are protected. */
export interface BlueprintDatabase {
  /**
   * Short id of the server in the fleet: 1–40 lowercase letters, digits and hyphens. It names the dumps' folder
   * (`<prefix>/<id>/`), the `Server` metric dimension, and the construct ids.
   */
  readonly id: string;
  /**
   * The server: an RDS for PostgreSQL instance or Aurora PostgreSQL cluster of this app (its automated backups and
   * the tier's AWS Backup plan are set too), or a `PostgresDatabase` (dumps and drills only). Its secret must hold
   * the host (RDS-style JSON), since the shared dump task cannot take a different host per run.
   */
  readonly database: rds.DatabaseInstance | rds.DatabaseCluster | PostgresDatabase;
  /**
   * The databases on the server that are dumped and drilled.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * The tier of this server.
   * @default - the blueprint's tier
   */
  readonly tier?: BackupTier;
  /**
   * Changes to the tier for this server only (schedule, retention, RTO, checks, …). Immutability is the blueprint's:
   * the bucket and the vault are shared.
   * @default - none
   */
  readonly overrides?: BackupTierOverrides;
  /**
   * PostgreSQL major version of the server.
   * @default - the RDS engine's; required for a `PostgresDatabase` that does not tell it
   */
  readonly postgresMajorVersion?: number;
  /**
   * Sizes for the monthly storage-cost estimate.
   * @default - the allocated storage of an RDS instance, else no estimate
   */
  readonly estimate?: BlueprintCostEstimateInputs;
}

/** Props of {@link PostgresBackupBlueprint}. */
export interface PostgresBackupBlueprintProps {
  /** The VPC of the dump and drill tasks; it must reach every database, S3, ECR, CloudWatch Logs and Secrets Manager. */
  readonly vpc: ec2.IVpc;
  /** The tier every server gets unless it names its own: `BackupTier.GOLD`, `SILVER`, `BRONZE`, or a derived one. */
  readonly tier: BackupTier;
  /**
   * What the tiers need from this deployment: copy destinations (`copyRegion`, `copyAccount`), the notification target.
   * @default - the stack's region as the source region, nothing else
   */
  readonly tierOptions?: BackupTierOptions;
  /** The servers and their databases. */
  readonly databases: BlueprintDatabase[];
  /**
   * Name of the shared bucket, so runbooks can name it before deployment.
   * @default - `pg-backups-<account>-<region>-<hash of this construct's path>` when the stack's environment is known, else generated by CloudFormation
   */
  readonly bucketName?: string;
  /**
   * Key prefix of the fleet's dumps; each server's dumps are under `<prefix>/<id>/`.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * Server access logging of the bucket, into a separate bucket (`true` creates it).
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one role allowed to delete backup objects and recovery points.
   * @default - nobody
   */
  readonly breakGlassRole?: iam.IRole;
  /**
   * Vault lock settings beyond the tier's immutability (grace time, maximum retention).
   * @default - 3 days of grace in compliance mode, no maximum
   */
  readonly vaultLock?: VaultLockSettings;
  /**
   * The topic failures go to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * The ECS cluster of the dump and drill tasks.
   * @default - a cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Subnets of the tasks.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The runner image, for every PostgreSQL major of the fleet.
   * @default - built from the package's Dockerfile, one per major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * CPU units of the dump task.
   * @default 1024
   */
  readonly dumpCpu?: number;
  /**
   * Memory of the dump task, MiB.
   * @default 2048
   */
  readonly dumpMemoryLimitMiB?: number;
  /**
   * CPU units of the drill task (scratch server and runner).
   * @default 2048
   */
  readonly drillCpu?: number;
  /**
   * Memory of the drill task, MiB.
   * @default 8192
   */
  readonly drillMemoryLimitMiB?: number;
  /**
   * Ephemeral storage of the drill task, GiB (21–200): about twice the largest database.
   * @default 50
   */
  readonly drillEphemeralStorageGiB?: number;
  /**
   * Databases drilled at the same time.
   * @default 2
   */
  readonly maxConcurrentDrills?: number;
  /**
   * CloudWatch namespace of the runner's and the drills' metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A stack output per database with its restore command and the path of its runbook in the cloud assembly.
   * @default true
   */
  readonly runbookOutputs?: boolean;
  /**
   * What happens to the bucket, vault and keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One protected database of the fleet: a database name on a server. */
export interface BlueprintProtectedDatabase {
  /** The server's id. */
  readonly serverId: string;
  /** The PostgreSQL database. */
  readonly databaseName: string;
  /** `<serverId>/<databaseName>`: the drill's `Database` metric dimension and the subject of its notifications. */
  readonly label: string;
  /** The policy the server's tier gives it, with the overrides applied. */
  readonly policy: BackupPolicy;
  /** Where its dumps are: `s3://<bucket>/<prefix>/<serverId>`. */
  readonly dumpLocation: string;
  /** The dump schedule. */
  readonly schedule: scheduler.Schedule;
  /** The alarm when no dump succeeded within the RPO. */
  readonly rpoAlarm: cloudwatch.Alarm;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** Its restore runbook (Markdown; deploy-time values are tokens). */
  readonly runbook: string;
  /** Path of the runbook in the cloud assembly. */
  readonly runbookPath: string;
}

/** A server as the blueprint resolved it. */
interface ServerPlan {
  readonly index: number;
  readonly entry: BlueprintDatabase;
  readonly connection: PostgresDatabase;
  readonly managed?: ManagedPostgresDatabase;
  readonly policy: BackupPolicy;
  readonly major: number;
  readonly databaseNames: string[];
  readonly secret: ecs.Secret;
}

/**
 * Backups for a fleet of PostgreSQL databases from one tier, on shared infrastructure, so that each database adds at
 * most three resources: one ECS cluster, one bucket (a prefix per server), one dump task definition and one verify task
 * definition per PostgreSQL major, one restore-drill state machine that drills any database named in its input, one
 * topic, one dashboard, one AWS Backup vault; per database a dump schedule (the shared task with its own command) and
 * an RPO alarm; per server a security-group ingress rule; per group of databases sharing a drill schedule, one drill
 * schedule.
 *
 * Each database gets its restore runbook (from core) as a file in the cloud assembly and a stack output with its
 * restore command, and the monthly storage-cost estimate of each server is recorded for the synth report.
 *
 * What the shared pieces cost in isolation: every dump task can read every server's secret (they are all in the one
 * task definition), and the bucket's Object Lock and the vault lock are the blueprint's tier's for every database.
 */
export class PostgresBackupBlueprint extends Construct {
  /** The bucket of every dump. */
  public readonly bucket: s3.IBucket;
  /** The bucket construct. */
  public readonly backupBucket: BackupBucket;
  /** The bucket's name, when known at synth time. */
  public readonly bucketName?: string;
  /** The key prefix of the fleet. */
  public readonly prefix: string;
  /** The topic failures go to. */
  public readonly notificationTopic: sns.ITopic;
  /** The cluster the tasks run in. */
  public readonly cluster: ecs.ICluster;
  /** Dump task definitions by PostgreSQL major. */
  public readonly dumpTaskDefinitions: ReadonlyMap<number, ecs.FargateTaskDefinition>;
  /** Verify task definitions by PostgreSQL major. */
  public readonly verifyTaskDefinitions: ReadonlyMap<number, ecs.FargateTaskDefinition>;
  /** The restore-drill state machine of the whole fleet. */
  public readonly drillStateMachine: sfn.StateMachine;
  /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
  public readonly drillSchedules: readonly scheduler.Schedule[];
  /** The AWS Backup vault, when a server is a managed database whose tier has a backup plan. */
  public readonly vault?: PostgresBackupVault;
  /** The AWS Backup plans, one per distinct plan among the managed servers. */
  public readonly backupPlans: readonly backup.BackupPlan[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every protected database. */
  public readonly databases: readonly BlueprintProtectedDatabase[];
  /** Storage-cost estimates by server id (servers with sizes only). */
  public readonly costEstimates: ReadonlyMap<string, CostEstimate>;
  /** The runbook files. */
  public readonly runbooks: RestoreRunbookArtifacts;
  /** The CloudWatch namespace of the metrics. */
  public readonly metricNamespace: string;

  private readonly dumpSecurityGroup: ec2.SecurityGroup;
  private readonly drillSecurityGroup: ec2.SecurityGroup;
  private readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PostgresBackupBlueprintProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
    const tierOptions: BackupTierOptions = { sourceRegion: region, ...props.tierOptions };
    this.prefix = props.prefix ?? 'pg-dumps';
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;

    const validator = new Validator(CDK_VALIDATION_OPTIONS);
    const basePolicy = tierPolicy(props.tier, undefined, tierOptions, validator, 'tier');
    const lock: ImmutabilityPolicy | undefined = basePolicy?.immutability && resolveImmutability(basePolicy.immutability);
    const servers = this.planServers(props, tierOptions, lock, validator);
    checkFargateTaskSize(validator, { cpu: props.dumpCpu ?? 1024, memoryLimitMiB: props.dumpMemoryLimitMiB ?? 2048 });
    checkFargateTaskSize(validator, {
      cpu: props.drillCpu ?? 2048, memoryLimitMiB: props.drillMemoryLimitMiB ?? 8192, ephemeralStorageGiB: props.drillEphemeralStorageGiB ?? 50,
    });
    validator.matches('prefix', props.prefix, /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/,
      'lowercase letters, digits and hyphens, segments separated by "/", without a leading or trailing "/"');
    this.bucketName = props.bucketName ?? defaultBucketName(this);
    validator.matches('bucketName', props.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, '3-63 lowercase letters, digits, dots and hyphens (a DNS-valid bucket name)');
    validator.integer('maxConcurrentDrills', props.maxConcurrentDrills, 1, 40);
    if (props.databases.length === 0) validator.report({ path: 'databases', value: [], allowed: 'at least one database' });
    validator.throwIfInvalid();

    // Shared pieces.
    this.backupBucket = new BackupBucket(this, 'Backups', {
      prefix: this.prefix,
      dump: basePolicy?.logicalDump ?? {},
      objectLock: lock,
      serverAccessLogs: props.serverAccessLogs,
      breakGlassRole: props.breakGlassRole,
      removalPolicy: props.removalPolicy,
    });
    this.bucket = this.backupBucket.bucket;
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    if (this.bucketName !== undefined) cfnBucket.bucketName = this.bucketName;
    // One lifecycle rule per server: each keeps its dumps as long as its own tier says.
    const lifecycleRules = servers.filter((server) => server.policy.logicalDump).flatMap((server) => dumpBucketLifecycleRules(
      server.policy.logicalDump!, { prefix: `${this.prefix}/${server.entry.id}/`, id: `pg-dumps-${server.entry.id}` },
    ));
    cfnBucket.addPropertyOverride('LifecycleConfiguration', renderS3LifecycleConfiguration(lifecycleRules));

    const notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = notifications.topic;
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.dumpSecurityGroup = new ec2.SecurityGroup(this, 'DumpSecurityGroup', {
      vpc: props.vpc,
      description: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
      allowAllOutbound: true,
    });
    this.drillSecurityGroup = new ec2.SecurityGroup(this, 'DrillSecurityGroup', {
      vpc: props.vpc,
      description: 'Fleet restore drill tasks: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      allowAllOutbound: true,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const majors = [...new Set(servers.map((server) => server.major))].sort();
    const image = (major: number): ecs.ContainerImage => props.image ?? runnerImageFromPackage({ postgresMajorVersion: major });

    // Dump task definitions: one per major, every server's secret under its own variable, the database picked per run.
    const dumpTaskRole = new iam.Role(this, 'DumpTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const dumpExecutionRole = new iam.Role(this, 'DumpExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    this.backupBucket.grantWriteBackups(dumpTaskRole, this.prefix);
    const dumpTaskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
    for (const major of majors) {
      const taskDefinition = new ecs.FargateTaskDefinition(this, `DumpTask${major}`, {
        cpu: props.dumpCpu ?? 1024,
        memoryLimitMiB: props.dumpMemoryLimitMiB ?? 2048,
        taskRole: dumpTaskRole,
        executionRole: dumpExecutionRole,
        runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
      });
      const ofMajor = servers.filter((server) => server.major === major);
      taskDefinition.addContainer(BLUEPRINT_RUNNER_CONTAINER_NAME, {
        image: image(major),
        // Every run overrides the command; run without one, the task only prints the usage.
        command: ['--help'],
        secrets: Object.fromEntries(ofMajor.map((server) => [secretVariable(server), server.secret])),
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `dump-${major}` }),
        stopTimeout: Duration.seconds(30),
      });
      dumpTaskDefinitions.set(major, taskDefinition);
    }
    this.dumpTaskDefinitions = dumpTaskDefinitions;
    const allowed = new Set<ec2.IConnectable>();
    for (const server of servers) {
      if (allowed.has(server.connection.connections)) continue;
      allowed.add(server.connection.connections);
      server.connection.allowFrom(this.dumpSecurityGroup);
    }

    // Per database: the schedule and the RPO alarm.
    const alarmAction = new cloudwatchActions.SnsAction(this.notificationTopic);
    const artifacts = new RestoreRunbookArtifacts(this, 'Runbooks');
    this.runbooks = artifacts;
    const protectedDatabases: BlueprintProtectedDatabase[] = [];
    const costEstimates = new Map<string, CostEstimate>();
    for (const server of servers) {
      const dump = server.policy.logicalDump && resolveLogicalDump(server.policy.logicalDump);
      if (!dump) continue;
      const dumpLocation = `s3://${this.bucketName ?? this.bucket.bucketName}/${this.prefix}/${server.entry.id}`;
      const rendered = renderEventBridgeSchedule(dump.schedule, `databases[${server.index}].logicalDump.schedule`);
      const rpoHours = dumpRpoHours(server.policy);
      for (const databaseName of server.databaseNames) {
        const constructId = `${server.entry.id}-${databaseName}`;
        const command = [
          ...runnerDumpArgv(dump, {
            to: dumpLocation, database: databaseName, noRolePasswords: server.connection.managed, metricsNamespace: this.metricNamespace,
          }),
          '--secret-env', secretVariable(server),
          '--metric-dimension', `${BLUEPRINT_SERVER_DIMENSION}=${server.entry.id}`,
        ];
        const schedule = new scheduler.Schedule(this, `DumpSchedule-${constructId}`, {
          description: `pg_dump of ${databaseName} on ${server.entry.id} to ${this.prefix}/${server.entry.id}/`,
          schedule: scheduler.ScheduleExpression.expression(rendered.scheduleExpression, TimeZone.of(rendered.scheduleExpressionTimezone)),
          timeWindow: scheduler.TimeWindow.off(),
          target: new schedulerTargets.EcsRunFargateTask(this.cluster, {
            taskDefinition: dumpTaskDefinitions.get(server.major)!,
            vpcSubnets: subnets,
            securityGroups: [this.dumpSecurityGroup],
            assignPublicIp: false,
            propagateTags: true,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
            input: scheduler.ScheduleTargetInput.fromObject({ containerOverrides: [{ name: BLUEPRINT_RUNNER_CONTAINER_NAME, command }] }),
          }),
        });
        const rpoAlarm = new cloudwatch.Alarm(this, `RpoAlarm-${constructId}`, {
          alarmDescription: `No successful pg_dump of ${databaseName} on ${server.entry.id} within the RPO of ${rpoHours} hours`,
          metric: this.metricDumpSucceeded(server.entry.id, databaseName, Duration.hours(rpoHours)),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // A dump that stops silently publishes nothing: that must page too.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        });
        rpoAlarm.addAlarmAction(alarmAction);
        rpoAlarm.addOkAction(alarmAction);

        const runbook = this.renderRunbook(server, databaseName, rpoHours, region ?? stack.region);
        const runbookPath = artifacts.add(`${server.entry.id}/${encodeURIComponent(databaseName)}.md`, runbook);
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
          new CfnOutput(this, `Restore-${constructId}`, {
            description: `Restore ${databaseName} on ${server.entry.id}; the whole runbook is ${runbookPath} in the cloud assembly`,
            value: `pg-backup restore --from ${dumpLocation} --database ${databaseName} --latest --target-url "$TARGET_URL"`,
          });
        }
        this.node.addMetadata(PROTECTION_METADATA_TYPE, {
          kind: 'logical-dump',
          database: connectionPath(server.connection),
          databaseNames: [databaseName],
          schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
          prefix: `${this.prefix}/${server.entry.id}/`,
          retentionDays: dump.retentionDays,
          objectLock: lock ? `${lock.mode} ${lock.days} days` : undefined,
          rpoHours,
          runbook: runbookPath,
        });
      }
      const estimate = this.estimateCost(server);
      if (estimate) {
        costEstimates.set(server.entry.id, estimate);
        this.node.addMetadata(PROTECTION_METADATA_TYPE, {
          kind: 'cost-estimate',
          database: connectionPath(server.connection),
          databaseNames: server.databaseNames,
          monthlyCostUsd: Math.round(estimate.totalMonthlyUsd * 100) / 100,
          summary: estimate.summary,
        });
      }
    }
    this.databases = protectedDatabases;
    this.costEstimates = costEstimates;

    new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
      alarmDescription: 'EventBridge Scheduler could not start a fleet pg_dump task or restore drill; the event is in the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);
    this.notifyWhenDumpTaskFails([...dumpTaskDefinitions.values()]);

    const drill = this.createDrills(props, servers, majors, image, logGroup, subnets);
    this.verifyTaskDefinitions = drill.taskDefinitions;
    this.drillStateMachine = drill.stateMachine;
    this.drillSchedules = drill.schedules;

    const managedPlans = this.createBackupPlans(props, servers, basePolicy, notifications);
    this.vault = managedPlans.vault;
    this.backupPlans = managedPlans.plans;
    this.dashboard = this.createDashboard(protectedDatabases);
  }

  /** Successful dumps of one database (sum per period). */
  public metricDumpSucceeded(serverId: string, databaseName: string, period: Duration = Duration.hours(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName: 'BackupSucceeded',
      dimensionsMap: { Database: databaseName, [BLUEPRINT_SERVER_DIMENSION]: serverId },
      statistic: 'Sum',
      period,
    });
  }

  /** The protected database `databaseName` of server `serverId`. */
  public database(serverId: string, databaseName: string): BlueprintProtectedDatabase {
    const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
    if (!found) throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
    return found;
  }

  private planServers(
    props: PostgresBackupBlueprintProps, tierOptions: BackupTierOptions, lock: ImmutabilityPolicy | undefined, validator: Validator,
  ): ServerPlan[] {
    const ids = new Set<string>();
    const plans: ServerPlan[] = [];
    props.databases.forEach((entry, index) => {
      const path = `databases[${index}]`;
      if (validator.matches(`${path}.id`, entry.id, /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, '1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen')) {
        if (ids.has(entry.id)) validator.report({ path: `${path}.id`, value: entry.id, allowed: 'an id no other server of the blueprint has' });
        ids.add(entry.id);
      }
      const databaseNames = entry.databaseNames ?? ['postgres'];
      if (databaseNames.length === 0) validator.report({ path: `${path}.databaseNames`, value: [], allowed: 'at least one database name' });
      databaseNames.forEach((name, nameIndex) => validator.matches(`${path}.databaseNames[${nameIndex}]`, name, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/,
        'a PostgreSQL database name of letters, digits, "_", "$" and "-", at most 63'));
      if (new Set(databaseNames).size !== databaseNames.length) validator.report({ path: `${path}.databaseNames`, value: databaseNames, allowed: 'names without repeats' });
      if (entry.overrides?.immutability !== undefined) {
        validator.report({
          path: `${path}.overrides.immutability`,
          value: entry.overrides.immutability,
          allowed: 'undefined',
          reason: 'the bucket\'s Object Lock and the vault lock are shared: set immutability on the blueprint\'s tier',
        });
      }
      const { connection, managed } = connectionOf(entry.database);
      const major = entry.postgresMajorVersion ?? connection.postgresMajorVersion;
      if (major === undefined) {
        validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
      }
      validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
      const wiring = connection.runnerWiring();
      const secret = wiring.secrets[RUNNER_DATABASE_SECRET_ENV];
      if (wiring.databaseUrl !== undefined || secret === undefined) {
        validator.report({
          path: `${path}.database`,
          value: 'PostgresDatabase.fromSecret({ host })',
          allowed: 'a database whose secret holds its host (RDS-style JSON)',
          reason: 'the shared dump task takes each server\'s connection from its secret',
        });
      }
      const policy = tierPolicy(entry.tier ?? props.tier, entry.overrides, tierOptions, validator, path);
      if (!policy) return;
      if (entry.tier && policy.immutability && JSON.stringify(resolveImmutability(policy.immutability)) !== JSON.stringify(lock)) {
        validator.report({
          path: `${path}.tier`,
          value: entry.tier.name,
          allowed: 'a tier with the immutability of the blueprint\'s tier, or none (tier.without(\'immutability\'))',
          reason: 'the bucket\'s Object Lock and the vault lock are shared',
        }, []);
      }
      const applied: BackupPolicy = {
        ...policy,
        immutability: lock,
        ...(managed ? {} : { managedSnapshots: undefined, backupPlan: undefined, copies: undefined }),
      };
      if (!applied.logicalDump) {
        validator.report({ path: `${path}.tier`, value: (entry.tier ?? props.tier).name, allowed: 'a tier with logicalDump', reason: 'the blueprint dumps every database' });
        return;
      }
      const rpoHours = dumpRpoHours(applied);
      const dumpsAndDrills: BackupPolicy = {
        logicalDump: applied.logicalDump, verification: applied.verification, immutability: lock, alarms: { rpoHours },
      };
      checkPolicy(dumpsAndDrills, CDK_VALIDATION_OPTIONS)
        .forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
      if (rpoHours > MAX_ALARM_RPO_HOURS) {
        validator.report({ path: `${path}.alarms.rpoHours`, value: rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'a CloudWatch alarm looks back at most 7 days' });
      }
      if (managed && (applied.backupPlan || applied.managedSnapshots)) {
        const stack = Stack.of(this);
        checkManagedBackupPlan({
          policy: {
            managedSnapshots: applied.managedSnapshots,
            backupPlan: applied.backupPlan,
            copies: applied.copies,
            immutability: lock,
            sourceRegion: applied.sourceRegion,
          },
          vaultLock: props.vaultLock,
          storageEncryption: managed.storageEncryption,
          sourceAccount: Token.isUnresolved(stack.account) ? undefined : stack.account,
        }, CDK_VALIDATION_OPTIONS).forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
      }
      if (policy.pitr) {
        Annotations.of(this).addInfo(`${entry.id}: the tier's pitr section (a self-hosted WAL archive) is not applied by the blueprint; `
          + (managed ? 'point-in-time recovery comes from the database\'s automated and continuous backups.' : 'protect the server with a SelfHostedPitrArchive for it.'));
      }
      if (!secret || major === undefined) return;
      plans.push({ index, entry, connection, managed, policy: applied, major, databaseNames, secret });
    });
    return plans;
  }

  private renderRunbook(server: ServerPlan, databaseName: string, rpoHours: number, region: string): string {
    const managed = server.managed;
    const managedDatabase: ManagedDatabaseRunbookOptions | undefined = managed && {
      kind: managed.kind === 'instance' ? 'rds-instance' : 'aurora-cluster',
      identifier: literalIdentifier(managed) ?? managed.identifier,
      region,
    };
    const { pitr: _selfHosted, ...policy } = server.policy;
    const validator = new Validator(CDK_VALIDATION_OPTIONS);
    const markdown = renderRestoreRunbook({
      databaseName,
      policy: {
        ...policy,
        ...(managed ? {} : { managedSnapshots: undefined, backupPlan: undefined }),
        alarms: { ...policy.alarms, rpoHours },
      },
      dumps: { location: { kind: 's3', bucket: this.bucketName ?? this.bucket.bucketName, region, prefix: `${this.prefix}/${server.entry.id}` } },
      managedDatabase: managedDatabase,
      notificationTopic: this.notificationTopic.topicArn,
      validator,
    });
    if (validator.issues.length > 0) {
      throw new PolicyValidationError(validator.issues.map((issue) => ({ ...issue, path: `databases[${server.index}].runbook.${issue.path}` })));
    }
    return markdown;
  }

  private estimateCost(server: ServerPlan): CostEstimate | undefined {
    const allocated = server.managed?.resource instanceof rds.CfnDBInstance ? server.managed.resource.allocatedStorage : undefined;
    const fromStorage = allocated !== undefined && !Token.isUnresolved(allocated) ? Number(allocated) : undefined;
    const size = server.entry.estimate?.databaseSizeGb ?? fromStorage;
    if (size === undefined || !Number.isFinite(size)) return undefined;
    const { pitr: _selfHosted, verification: _drills, alarms: _alarms, immutability: _lock, ...stored } = server.policy;
    return estimateMonthlyCost({
      policy: stored,
      databaseSizeGb: size,
      dailyChangeGb: server.entry.estimate?.dailyChangeGb ?? size * 0.05,
      compressionRatio: server.entry.estimate?.compressionRatio,
      label: server.entry.id,
    });
  }

  /**
   * A task that cannot start or dies before the runner reports publishes no metric; ECS still reports it stopping,
   * so one rule for every dump task definition pages with the task's ARN and reason.
   */
  private notifyWhenDumpTaskFails(taskDefinitions: ecs.FargateTaskDefinition[]): void {
    const rule = new events.Rule(this, 'DumpTaskFailedRule', {
      description: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          taskDefinitionArn: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn),
          $or: [
            { containers: { exitCode: [{ 'anything-but': 0 }] } },
            { stopCode: ['TaskFailedToStart'] },
          ],
        },
      },
    });
    rule.addTarget(new eventsTargets.SnsTopic(this.notificationTopic, {
      message: events.RuleTargetInput.fromText(
        `A fleet pg_dump task failed: ${events.EventField.fromPath('$.detail.taskArn')} (started by `
        + `${events.EventField.fromPath('$.detail.startedBy')}) stopped (${events.EventField.fromPath('$.detail.stopCode')}): `
        + `${events.EventField.fromPath('$.detail.stoppedReason')}`,
      ),
    }));
  }

  private createDrills(
    props: PostgresBackupBlueprintProps, servers: ServerPlan[], majors: number[], image: (major: number) => ecs.ContainerImage,
    logGroup: logs.ILogGroup, subnets: ec2.SubnetSelection,
  ): { taskDefinitions: Map<number, ecs.FargateTaskDefinition>; stateMachine: sfn.StateMachine; schedules: scheduler.Schedule[] } {
    const cpu = props.drillCpu ?? 2048;
    const jobs = String(Math.max(1, Math.floor(cpu / 1024)));
    const groups = drillGroups(servers);
    const scratchPassword = new secretsmanager.Secret(this, 'ScratchPassword', {
      description: 'Password of the throwaway PostgreSQL inside the fleet restore drill tasks',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    const taskRole = new iam.Role(this, 'DrillTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const executionRole = new iam.Role(this, 'DrillExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    this.backupBucket.grantReadBackups(taskRole, this.prefix);
    const taskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
    // Every group's checks, one file per group: the runner takes a file of several statements.
    const checkFiles = Object.fromEntries(groups.map((group, index) => [`PG_BACKUP_CHECKS_${index}`, group.checks.map((sql) => `${sql.replace(/;\s*$/, '')};`).join('\n')]));
    for (const major of majors) {
      const taskDefinition = new ecs.FargateTaskDefinition(this, `DrillTask${major}`, {
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
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `scratch-postgres-${major}` }),
      });
      taskDefinition.addVolume({ name: 'checks' });
      const writer = taskDefinition.addContainer('write-checks', {
        image: postgresServerImage(major),
        essential: false,
        entryPoint: ['sh', '-c'],
        // printenv copies each group's checks byte for byte; no shell quoting of user SQL is involved.
        command: [Object.keys(checkFiles).map((name, index) => `printenv ${name} > ${CHECKS_DIRECTORY}/group-${index}.sql`).join(' && ')],
        environment: checkFiles,
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `write-checks-${major}` }),
      });
      writer.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
      const runner = taskDefinition.addContainer(BLUEPRINT_RUNNER_CONTAINER_NAME, {
        image: image(major),
        // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
        entryPoint: ['env'],
        command: ['pg-backup', '--help'],
        secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `verify-${major}` }),
      });
      runner.addMountPoints({ containerPath: CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true });
      runner.addContainerDependencies(
        { container: scratch, condition: ecs.ContainerDependencyCondition.HEALTHY },
        { container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS },
      );
      taskDefinitions.set(major, taskDefinition);
    }

    const longestRtoSeconds = Math.max(...groups.map((group) => group.rtoSeconds), 60);
    const largestGroup = Math.max(...groups.map((group) => group.databases.length), 1);
    const maxConcurrency = props.maxConcurrentDrills ?? 2;
    const drill = fleetDumpRestoreDrill({
      maxConcurrency,
      maxRestoreDurationSeconds: longestRtoSeconds,
      metricNamespace: this.metricNamespace,
      executionTimeoutSeconds: fleetDrillExecutionTimeoutSeconds(largestGroup, maxConcurrency, longestRtoSeconds + 600),
    });
    const selected = props.vpc.selectSubnets(subnets);
    const substitutions: Record<string, string> = {
      [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: this.notificationTopic.topicArn,
      [DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
      [DrillPlaceholder.CONTAINER_NAME]: BLUEPRINT_RUNNER_CONTAINER_NAME,
      [DrillPlaceholder.SUBNETS]: Fn.join(',', selected.subnetIds),
      [DrillPlaceholder.SECURITY_GROUPS]: this.drillSecurityGroup.securityGroupId,
      [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
    };
    const role = new iam.Role(this, 'DrillRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Runs the fleet restore drill: its tasks, its metrics and its failure notifications, nothing else',
    });
    const definitions = [...taskDefinitions.values()];
    for (const group of drill.iamActions) {
      const scope = this.scopeOf(group.resource, definitions, taskRole, executionRole);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...scope }));
    }
    this.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const stateMachine = new sfn.StateMachine(this, 'Drill', {
      comment: 'Restore drills of the fleet: the latest pg_dump of each database given in the input',
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
      definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
      role,
      logs: {
        destination: new logs.LogGroup(this, 'DrillExecutionLogs', {
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
    const action = new cloudwatchActions.SnsAction(this.notificationTopic);
    const drillAlarm = new cloudwatch.Alarm(this, 'FailedDrillAlarm', {
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
      chunkByInputSize(group.databases).forEach((databases, chunkIndex) => {
        const input: FleetDrillInput = {
          bucket: this.bucketName ?? this.bucket.bucketName,
          prefix: this.prefix,
          rtoSeconds: group.rtoSeconds,
          taskDefinitionArn: taskDefinitions.get(group.major)!.taskDefinitionArn,
          jobs,
          checkFile: `${CHECKS_DIRECTORY}/group-${groupIndex}.sql`,
          databases,
        };
        schedules.push(new scheduler.Schedule(this, `DrillSchedule${groupIndex}-${chunkIndex}`, {
          description: `Restore drills of ${databases.length} database(s): ${databases.map((d) => `${d.id}/${d.name}`).join(', ')}`.slice(0, 512),
          schedule: scheduler.ScheduleExpression.expression(rendered.scheduleExpression, TimeZone.of(rendered.scheduleExpressionTimezone)),
          timeWindow: scheduler.TimeWindow.off(),
          target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
            input: scheduler.ScheduleTargetInput.fromObject(input),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
          }),
        }));
        for (const database of databases) {
          const server = servers.find((candidate) => candidate.entry.id === database.id)!;
          this.node.addMetadata(PROTECTION_METADATA_TYPE, {
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

  private scopeOf(
    kind: DrillResourceKind, taskDefinitions: ecs.FargateTaskDefinition[], taskRole: iam.IRole, executionRole: iam.IRole,
  ): Pick<iam.PolicyStatementProps, 'resources' | 'conditions'> {
    const stack = Stack.of(this);
    switch (kind) {
      case 'ecs-task-definition':
        return { resources: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn) };
      case 'ecs-task':
        return { resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${this.cluster.clusterName}/*` })] };
      case 'ecs-cluster-condition':
        return { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } } };
      case 'ecs-task-roles':
        return { resources: [taskRole.roleArn, executionRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } };
      case 'sync-events-rule':
        return { resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })] };
      case 'sns-topic':
        return { resources: [this.notificationTopic.topicArn] };
      case 'cloudwatch-namespace-condition':
        return { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': this.metricNamespace } } };
      default:
        throw new Error(`the fleet restore drill needs ${kind} permissions, which PostgresBackupBlueprint cannot scope`);
    }
  }

  /**
   * The managed servers' own automated backups, and their AWS Backup plans: one vault for the fleet, one plan per
   * distinct plan (rules and copies), each selecting all of its servers, so a server adds no resource.
   */
  private createBackupPlans(
    props: PostgresBackupBlueprintProps, servers: ServerPlan[], basePolicy: BackupPolicy | undefined, notifications: BackupNotifications,
  ): { vault?: PostgresBackupVault; plans: backup.BackupPlan[] } {
    const managed = servers.filter((server) => server.managed !== undefined);
    for (const server of managed) {
      if (server.policy.managedSnapshots) applyAutomatedBackupSettings(server.managed!, server.policy);
    }
    const withPlan = managed.filter((server) => server.policy.backupPlan);
    if (withPlan.length === 0) return { plans: [] };
    const vault = new PostgresBackupVault(this, 'Vault', {
      adminRole: props.breakGlassRole,
      lock: basePolicy && resolveVaultLock({ immutability: basePolicy.immutability }, props.vaultLock),
      notifications,
      removalPolicy: props.removalPolicy,
    });
    const selectionRole = new iam.Role(this, 'BackupSelectionRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    const byPlan = new Map<string, ServerPlan[]>();
    for (const server of withPlan) {
      const key = JSON.stringify([server.policy.backupPlan, server.policy.copies ?? []]);
      byPlan.set(key, [...(byPlan.get(key) ?? []), server]);
    }
    const plans: backup.BackupPlan[] = [];
    [...byPlan.values()].forEach((group, index) => {
      const policy = group[0].policy;
      const resolved = resolveBackupPlan(policy.backupPlan!);
      const plan = new backup.BackupPlan(this, `BackupPlan${index}`, { backupVault: vault.vault });
      const copyActions = (policy.copies ?? []).map((copy, copyIndex) => ({
        destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, `CopyVault${index}-${copyIndex}`, copy.vaultArn!),
        deleteAfter: Duration.days(copy.retentionDays),
      }));
      resolved.rules.forEach((rule, ruleIndex) => plan.addRule(new backup.BackupPlanRule({
        ruleName: rule.name,
        scheduleExpression: events.Schedule.expression(renderAwsBackupSchedule(rule.schedule, `backupPlan.rules[${ruleIndex}].schedule`)),
        deleteAfter: Duration.days(rule.retentionDays),
        moveToColdStorageAfter: rule.moveToColdStorageAfterDays === undefined ? undefined : Duration.days(rule.moveToColdStorageAfterDays),
        copyActions,
      })));
      if (resolved.continuousBackupRetentionDays !== undefined) {
        plan.addRule(new backup.BackupPlanRule({
          ruleName: 'continuous',
          enableContinuousBackup: true,
          scheduleExpression: events.Schedule.expression(renderAwsBackupSchedule(resolved.rules[0]?.schedule ?? defaultBackupPlanSchedule('daily'))),
          deleteAfter: Duration.days(resolved.continuousBackupRetentionDays),
          copyActions,
        }));
      }
      plan.addSelection('Databases', {
        resources: group.map((server) => backup.BackupResource.fromArn(server.managed!.arn(this))),
        role: selectionRole,
      });
      plans.push(plan);
      const rules = [
        ...resolved.rules.map((rule) => `${rule.name} ${renderAwsBackupSchedule(rule.schedule)} kept ${rule.retentionDays} d`),
        ...(resolved.continuousBackupRetentionDays !== undefined ? [`continuous (PITR) kept ${resolved.continuousBackupRetentionDays} d`] : []),
      ];
      for (const server of group) {
        for (const path of server.managed!.protectedPaths()) {
          this.node.addMetadata(PROTECTION_METADATA_TYPE, {
            kind: 'managed-backup',
            database: path,
            schedule: rules.join('; '),
            retentionDays: server.policy.managedSnapshots && resolveManagedSnapshots(server.policy.managedSnapshots).backupRetentionDays,
            copies: (server.policy.copies ?? []).map((copy) => (copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`)),
            vaultLock: vault.lock ? `${vault.lock.mode} ${vault.lock.minRetentionDays} days` : undefined,
          });
        }
      }
    });
    return { vault, plans };
  }

  private createDashboard(databases: BlueprintProtectedDatabase[]): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    const search = (metricName: string, statistic: string, label: string): cloudwatch.MathExpression => new cloudwatch.MathExpression({
      expression: `SEARCH('{${this.metricNamespace},${BLUEPRINT_SERVER_DIMENSION},Database} MetricName="${metricName}"', '${statistic}', 3600)`,
      label,
      usingMetrics: {},
      period: Duration.hours(1),
    });
    const drills = (metricName: string, statistic: string): cloudwatch.MathExpression => new cloudwatch.MathExpression({
      expression: `SEARCH('{${this.metricNamespace},Database,Drill} MetricName="${metricName}" Drill="dump"', '${statistic}', 86400)`,
      usingMetrics: {},
      period: Duration.days(1),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Dump failures by database', left: [search('BackupFailed', 'Sum', '')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Dump size by database', left: [search('BackupBytes', 'Maximum', '')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Restore drills failed by database', left: [drills('RestoreDrillFailed', 'Sum')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Restore duration by database (seconds)', left: [drills('RestoreDurationSeconds', 'Maximum')], width: 12 }),
    );
    // An alarm status widget shows at most 100 alarms.
    for (let start = 0; start < databases.length; start += 100) {
      dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({
        title: `RPO of each database (${start + 1}–${Math.min(databases.length, start + 100)})`,
        alarms: databases.slice(start, start + 100).map((database) => database.rpoAlarm),
        width: 24,
      }));
    }
    return dashboard;
  }
}

/** A server's drill settings and its databases, grouped so that each group needs one schedule. */
interface DrillGroup {
  readonly schedule: { expression: string; timezone?: string };
  readonly rtoSeconds: number;
  readonly checks: string[];
  readonly major: number;
  readonly databases: { id: string; name: string }[];
}

function drillGroups(servers: ServerPlan[]): DrillGroup[] {
  const groups = new Map<string, DrillGroup>();
  for (const server of servers) {
    if (!server.policy.verification || !server.policy.logicalDump) continue;
    const verification = resolveVerification(server.policy.verification);
    const key = JSON.stringify([verification.schedule, verification.maxRestoreDurationMinutes, verification.checks, server.major]);
    const group: DrillGroup = groups.get(key) ?? {
      schedule: verification.schedule,
      rtoSeconds: verification.maxRestoreDurationMinutes * 60,
      checks: [...verification.checks],
      major: server.major,
      databases: [],
    };
    group.databases.push(...server.databaseNames.map((name) => ({ id: server.entry.id, name })));
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Splits a group so that each schedule's input stays under EventBridge Scheduler's 8 KB. */
function chunkByInputSize(databases: { id: string; name: string }[]): { id: string; name: string }[][] {
  const chunks: { id: string; name: string }[][] = [[]];
  // Bucket name, task definition ARN and the fixed fields take at most about 400 characters.
  let size = 400;
  for (const database of databases) {
    const itemSize = JSON.stringify(database).length + 1;
    if (size + itemSize > MAX_SCHEDULE_INPUT_CHARACTERS && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      size = 400;
    }
    chunks[chunks.length - 1].push(database);
    size += itemSize;
  }
  return chunks;
}

/** A tier's policy for one server, its problems reported under `path`. */
function tierPolicy(
  tier: BackupTier, overrides: BackupTierOverrides | undefined, options: BackupTierOptions, validator: Validator, path: string,
): BackupPolicy | undefined {
  try {
    return (overrides ? tier.with(overrides) : tier).policy(options);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    error.issues.forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
    return undefined;
  }
}

/**
 * The RPO of the dumps: the policy's, unless it is shorter than the dumps can meet (a tier's RPO may rest on hourly
 * snapshots, which the dump alarm does not watch); then the dump cadence's own default.
 */
function dumpRpoHours(policy: BackupPolicy): number {
  const cadence = defaultRpoHours({ logicalDump: policy.logicalDump });
  return Math.max(policy.alarms?.rpoHours ?? cadence, cadence);
}

function secretVariable(server: ServerPlan): string {
  return `PG_BACKUP_SECRET_${server.index}`;
}

function connectionOf(database: BlueprintDatabase['database']): { connection: PostgresDatabase; managed?: ManagedPostgresDatabase } {
  if (database instanceof rds.DatabaseInstance) {
    return { connection: PostgresDatabase.fromInstance(database), managed: ManagedPostgresDatabase.fromInstance(database) };
  }
  if (database instanceof rds.DatabaseCluster) {
    return { connection: PostgresDatabase.fromCluster(database), managed: ManagedPostgresDatabase.fromCluster(database) };
  }
  const connections = database.connections;
  if (connections instanceof rds.DatabaseInstance) return { connection: database, managed: ManagedPostgresDatabase.fromInstance(connections) };
  if (connections instanceof rds.DatabaseCluster) return { connection: database, managed: ManagedPostgresDatabase.fromCluster(connections) };
  return { connection: database };
}

/** The identifier the database was given in this app, so runbooks can name it before deployment. */
function literalIdentifier(database: ManagedPostgresDatabase): string | undefined {
  const resource = database.resource;
  const identifier = resource instanceof rds.CfnDBInstance ? resource.dbInstanceIdentifier
    : resource instanceof rds.CfnDBCluster ? resource.dbClusterIdentifier : undefined;
  return identifier !== undefined && !Token.isUnresolved(identifier) ? identifier : undefined;
}

function connectionPath(connection: PostgresDatabase): string | undefined {
  return Construct.isConstruct(connection.connections) ? connection.connections.node.path : undefined;
}

function defaultBucketName(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const hash = crypto.createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8);
  return `pg-backups-${stack.account}-${stack.region}-${hash}`;
}

/** The tier's automated-backup settings on an RDS instance or Aurora cluster of this app. */
function applyAutomatedBackupSettings(database: ManagedPostgresDatabase, policy: BackupPolicy): void {
  const resource = database.resource;
  if (resource === undefined) return;
  const snapshots = resolveManagedSnapshots(policy.managedSnapshots!);
  resource.backupRetentionPeriod = snapshots.backupRetentionDays;
  if (snapshots.preferredBackupWindow !== undefined) resource.preferredBackupWindow = snapshots.preferredBackupWindow;
  if (snapshots.preferredMaintenanceWindow !== undefined) resource.preferredMaintenanceWindow = snapshots.preferredMaintenanceWindow;
  resource.copyTagsToSnapshot = snapshots.copyTagsToSnapshot;
  if (snapshots.finalSnapshot) {
    resource.deleteAutomatedBackups = false;
    resource.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  }
}
