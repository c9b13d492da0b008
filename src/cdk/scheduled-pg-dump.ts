import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { cdkValidationOptions } from './cdk-validation';
import { DumpMetrics } from './dump-metrics';
import { DumpEncryption, IPgDumpSource } from './pg-dump-source';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleDeadLetterQueue, createScheduleRole, notifyWhenTaskFails, renderScheduledTask } from './planned-schedules';
import { createPlannedTaskDefinition } from './planned-tasks';
import { runnerImageFromPackage } from './runner-image';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { ScheduledPgDumpAttributes, planScheduledPgDump, scheduledPgDumpAttributes } from '../core/aws/scheduled-pg-dump';
import { PROTECTION_METADATA_TYPE as CORE_PROTECTION_METADATA_TYPE } from '../core/policy/database-protection';

export { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS } from '../core/aws/alarm-plan';
export { DUMP_CONTAINER_NAME } from '../core/aws/scheduled-pg-dump';
export * from './scheduled-pg-dump-props';

/**
 * Construct metadata type under which the constructs of this module record what they protect (core's
 * `DatabaseProtection`: database, schedule, retention…), so tools reading a cloud assembly can report it without
 * parsing templates.
 */
export const PROTECTION_METADATA_TYPE = CORE_PROTECTION_METADATA_TYPE;

/** The attributes core decides (its plan, the resolved dump policy, databases, prefix…), declared once in core. */
export interface ScheduledPgDump extends ScheduledPgDumpAttributes {}

/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a
 * Fargate task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run
 * fails, when the task dies, and when no dump succeeded within the RPO.
 */
export class ScheduledPgDump extends DumpMetrics implements IPgDumpSource {
  /** The bucket the dumps are written to. */
  public readonly bucket: s3.IBucket;
  /** The bucket construct, when the bucket was created here. */
  public readonly backupBucket: BackupBucket;
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
  /** How the dumps are encrypted with age, when they are. */
  public readonly encryption?: DumpEncryption;
  /** The prune task definition, whose role alone may delete dumps (with `dump.retention`). */
  public readonly pruneTaskDefinition?: ecs.FargateTaskDefinition;
  /** One prune schedule per database (with `dump.retention`). */
  public readonly pruneSchedules: readonly scheduler.Schedule[];
  /**
   * With `dump.retention` and a `replication` destination given by ARN: the statements (JSON) its owner adds to the
   * offsite bucket's policy and the replica key's policy so that the prune task may prune the replicas; also the stack
   * output `ReplicaPruneDestinationPolicy`.
   */
  public readonly replicaPruneDestinationPolicy?: string;
  /** The construct path of the database whose dumps these are, when it is a construct of this app. */
  public readonly protectedDatabase?: string;

  constructor(scope: Construct, id: string, props: ScheduledPgDumpProps) {
    super(scope, id);
    const wiring = props.database.runnerWiring();
    const plan = planScheduledPgDump(props, {
      databasePostgresMajorVersion: props.database.postgresMajorVersion,
      validation: cdkValidationOptions(this),
      logRetentionDays: props.logRetention,
      maxEventAge: props.maxEventAge && { path: 'maxEventAge', seconds: props.maxEventAge.toSeconds() },
      connection: { managed: props.database.managed, databaseUrl: wiring.databaseUrl !== undefined },
    });
    Object.assign(this, scheduledPgDumpAttributes(plan));
    this.encryption = props.encryption;
    this.protectedDatabase = Construct.isConstruct(props.database.connections) ? props.database.connections.node.path : undefined;

    // The prune task's role exists before the bucket, whose policy lets it (and only it) delete.
    const taskDefinitions = plan.scheduledTasks.map((task) => createPlannedTaskDefinition(this, task.ids.taskDefinition, task.size));
    [this.taskDefinition, this.pruneTaskDefinition] = taskDefinitions;
    // The bucket takes the construct's handles as given, and its prefix, dump policy and replication as core resolved them.
    this.backupBucket = new BackupBucket(this, 'Backups', {
      ...props, pruneRole: this.pruneTaskDefinition?.taskRole, prefix: this.prefix, dump: plan.dump, replication: plan.replication,
    });
    this.bucket = this.backupBucket.bucket;
    this.notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = this.notifications.topic;

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: plan.task.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    this.deadLetterQueue = createScheduleDeadLetterQueue(this);
    const handles = {
      cluster: this.cluster,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      role: createScheduleRole(this, plan.descriptions.scheduleRole),
      deadLetterQueue: this.deadLetterQueue,
      image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: this.postgresMajorVersion }),
      logGroup: this.logGroup,
      secrets: wiring.secrets,
      references: { 'dump-location': `s3://${this.bucket.bucketName}/${this.prefix}`, 'database-url': wiring.databaseUrl },
      bucket: this.backupBucket,
      database: props.database,
    };
    const [dump, prune] = plan.scheduledTasks.map((task, index) => renderScheduledTask(this, task, taskDefinitions[index], handles));
    ({ securityGroup: this.securityGroup, schedules: this.schedules } = dump);
    this.pruneSchedules = prune?.schedules ?? [];
    this.replicaPruneDestinationPolicy = prune?.replicaPruneDestinationPolicy;

    this.alarms = renderPlannedAlarms(this, plan.alarms, this.notificationTopic,
      { 'dead-letter-queue': this.deadLetterQueue.queueName, ...this.backupBucket.replicationMetricResources() });
    notifyWhenTaskFails(this, 'TaskFailedRule', {
      ...plan.taskFailure,
      taskDefinitionArns: taskDefinitions.map((task) => task.taskDefinitionArn),
      topic: this.notificationTopic,
    });
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      ...plan.protection,
      database: this.protectedDatabase,
      ...(this.encryption ? { identitySecret: secretLabel(this.encryption.identitySecret) } : {}),
    });
  }

  /** Lets `grantee` read the dumps: objects under the prefix, listing that prefix, decrypting with the key. */
  public grantRead(grantee: iam.IGrantable): void {
    this.backupBucket.grantReadBackups(grantee);
  }

  /** Lets `grantee` write restore drill results beside the dumps (`<prefix>/<database>/drills/*`), nothing else. */
  public grantWriteDrillResults(grantee: iam.IGrantable): void {
    this.backupBucket.grantWriteDrillResults(grantee);
  }
}

/** How the protection metadata names a secret: its name when known at synthesis, else its construct path. */
function secretLabel(secret: { readonly secretName: string; readonly node: { readonly path: string } } | undefined): string | undefined {
  if (secret === undefined) return undefined;
  return Token.isUnresolved(secret.secretName) ? `secret ${secret.node.path}` : `secret ${secret.secretName}`;
}
