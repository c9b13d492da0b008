import * as crypto from 'node:crypto';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { PostgresBackupVault } from './backup-vault';
import { createFleetBackupPlans } from './blueprint-backup-plans';
import { createFleetDrills } from './blueprint-drills';
import { createFleetDumps, dumpSucceededMetric, notifyWhenDumpTaskFails } from './blueprint-dumps';
import { BlueprintFleetInfrastructure } from './blueprint-fleet-infrastructure';
import { planServers } from './blueprint-server-plan';
import { cdkValidationOptions } from './cdk-validation';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { BLUEPRINT_SERVER_DIMENSION, BlueprintProtectedDatabase, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { RestoreRunbookArtifacts } from './restore-runbook-artifacts';
import { runnerImageFromPackage } from './runner-image';
import { DEFAULT_METRIC_NAMESPACE } from './scheduled-pg-dump';
import { blueprintTierPolicy, checkBlueprintFleetSettings } from '../core/aws/blueprint-server';
import { renderS3LifecycleConfiguration } from '../core/aws/lifecycle-s3';
import { BackupTierOptions } from '../core/policy/backup-tier';
import { CostEstimate } from '../core/policy/cost-estimate';
import { resolveImmutability } from '../core/policy/defaults';
import { dumpBucketLifecycleRules } from '../core/policy/lifecycle';
import { ImmutabilityPolicy } from '../core/policy/policy';
import { Validator } from '../core/policy/validation';

export * from './postgres-backup-blueprint-props';

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

  constructor(scope: Construct, id: string, props: PostgresBackupBlueprintProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
    const tierOptions: BackupTierOptions = { sourceRegion: region, ...props.tierOptions };
    this.prefix = props.prefix ?? 'pg-dumps';
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;

    const validator = new Validator(cdkValidationOptions(this));
    const basePolicy = blueprintTierPolicy(props.tier, undefined, tierOptions, validator, 'tier');
    const lock: ImmutabilityPolicy | undefined = basePolicy?.immutability && resolveImmutability(basePolicy.immutability);
    const servers = planServers(this, props, tierOptions, lock, validator);
    checkBlueprintFleetSettings(validator, { ...props, serverCount: props.databases.length });
    this.bucketName = props.bucketName ?? defaultBucketName(this);
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
    const dumpSecurityGroup = new ec2.SecurityGroup(this, 'DumpSecurityGroup', {
      vpc: props.vpc,
      description: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
      allowAllOutbound: true,
    });
    const drillSecurityGroup = new ec2.SecurityGroup(this, 'DrillSecurityGroup', {
      vpc: props.vpc,
      description: 'Fleet restore drill tasks: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      allowAllOutbound: true,
    });
    const deadLetterQueue = createScheduleDeadLetterQueue(this);
    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const majors = [...new Set(servers.map((server) => server.major))].sort();
    const image = (major: number): ecs.ContainerImage => props.image ?? runnerImageFromPackage({ postgresMajorVersion: major });

    const fleet: BlueprintFleetInfrastructure = {
      scope: this,
      vpc: props.vpc,
      subnets,
      backupBucket: this.backupBucket,
      bucket: this.bucket,
      bucketName: this.bucketName,
      prefix: this.prefix,
      region: region ?? stack.region,
      notificationTopic: this.notificationTopic,
      cluster: this.cluster,
      logGroup,
      deadLetterQueue,
      metricNamespace: this.metricNamespace,
      majors,
      image,
    };

    const dumps = createFleetDumps(fleet, props, servers, lock, dumpSecurityGroup);
    this.dumpTaskDefinitions = dumps.taskDefinitions;
    this.runbooks = dumps.runbooks;
    this.databases = dumps.databases;
    this.costEstimates = dumps.costEstimates;

    new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
      alarmDescription: 'EventBridge Scheduler could not start a fleet pg_dump task or restore drill; the event is in the dead-letter queue',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new cloudwatchActions.SnsAction(this.notificationTopic));
    notifyWhenDumpTaskFails(fleet, [...dumps.taskDefinitions.values()]);

    const drill = createFleetDrills(fleet, props, servers, drillSecurityGroup);
    this.verifyTaskDefinitions = drill.taskDefinitions;
    this.drillStateMachine = drill.stateMachine;
    this.drillSchedules = drill.schedules;

    const managedPlans = createFleetBackupPlans(this, props, servers, basePolicy, notifications);
    this.vault = managedPlans.vault;
    this.backupPlans = managedPlans.plans;
    this.dashboard = this.createDashboard(dumps.databases);
  }

  /** Successful dumps of one database (sum per period). */
  public metricDumpSucceeded(serverId: string, databaseName: string, period: Duration = Duration.hours(1)): cloudwatch.Metric {
    return dumpSucceededMetric(this.metricNamespace, serverId, databaseName, period);
  }

  /** The protected database `databaseName` of server `serverId`. */
  public database(serverId: string, databaseName: string): BlueprintProtectedDatabase {
    const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
    if (!found) throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
    return found;
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

function defaultBucketName(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const hash = crypto.createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8);
  return `pg-backups-${stack.account}-${stack.region}-${hash}`;
}
