import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
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
import { createScheduleDeadLetterQueue, renderScheduledTaskGroup } from './planned-schedules';
import { createPlannedTaskDefinition } from './planned-tasks';
import { runnerImageFromPackage } from './runner-image';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { ScheduledPgDumpAttributes, planScheduledPgDump, scheduledPgDumpAttributes } from '../core/aws/scheduled-pg-dump';
import { ScheduledPgDumpHandleTypes, ScheduledPgDumpResources } from '../core/aws/scheduled-pg-dump-resources';
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

/** The CDK constructs a {@link ScheduledPgDump}'s resources are: core's handle types, for this module. */
export interface ScheduledPgDumpHandles extends ScheduledPgDumpHandleTypes {
  readonly backupBucket: BackupBucket;
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly schedule: scheduler.Schedule;
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;
  readonly encryption: DumpEncryption;
  readonly text: string;
}

/** The attributes core decides (its plan, the resolved dump policy, databases, prefix…) and the resources every front end exposes, declared once in core. */
export interface ScheduledPgDump extends ScheduledPgDumpAttributes, ScheduledPgDumpResources<ScheduledPgDumpHandles> {}

/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a
 * Fargate task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run
 * fails, when the task dies, and when no dump succeeded within the RPO.
 */
export class ScheduledPgDump extends DumpMetrics implements IPgDumpSource {
  /** The bucket the dumps are written to. */
  public readonly bucket: s3.IBucket;
  /** The topic failures are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** The notifications construct (topic and its key). */
  public readonly notifications: BackupNotifications;
  /** The task's log group. */
  public readonly logGroup: logs.LogGroup;

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
    const protectedDatabase = Construct.isConstruct(props.database.connections) ? props.database.connections.node.path : undefined;

    // The prune task's role exists before the bucket, whose policy lets it (and only it) delete.
    const taskDefinitions = plan.scheduledTasks.tasks.map((task) => createPlannedTaskDefinition(this, task.ids.taskDefinition, task.size));
    const [taskDefinition, pruneTaskDefinition] = taskDefinitions;
    // The bucket takes the construct's handles as given, and its prefix, dump policy and replication as core resolved them.
    const backupBucket = new BackupBucket(this, 'Backups', {
      ...props, pruneRole: pruneTaskDefinition?.taskRole, prefix: this.prefix, dump: plan.dump, replication: plan.replication,
    });
    this.bucket = backupBucket.bucket;
    this.notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = this.notifications.topic;

    const cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: plan.task.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const deadLetterQueue = createScheduleDeadLetterQueue(this);
    const image = props.image ?? runnerImageFromPackage({ postgresMajorVersion: this.postgresMajorVersion });
    const [dump, prune] = renderScheduledTaskGroup(this, plan.scheduledTasks, taskDefinitions, {
      ...props,
      cluster,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      deadLetterQueue,
      topic: this.notificationTopic,
      logGroup: this.logGroup,
      references: { 'dump-location': `s3://${this.bucket.bucketName}/${this.prefix}`, 'database-url': wiring.databaseUrl },
      bucket: backupBucket,
      image: () => image,
      secrets: () => wiring.secrets,
    });
    const alarms = renderPlannedAlarms(this, plan.alarms, this.notificationTopic,
      { 'dead-letter-queue': deadLetterQueue.queueName, ...backupBucket.replicationMetricResources() });
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      ...plan.protection,
      database: protectedDatabase,
      ...(props.encryption ? { identitySecret: secretLabel(props.encryption.identitySecret) } : {}),
    });
    const resources: ScheduledPgDumpResources<ScheduledPgDumpHandles> = {
      backupBucket,
      cluster,
      taskDefinition,
      securityGroup: dump.securityGroup,
      schedules: dump.schedules,
      deadLetterQueue,
      alarms,
      encryption: props.encryption,
      pruneTaskDefinition,
      pruneSchedules: prune?.schedules ?? [],
      replicaPruneDestinationPolicy: prune?.replicaPruneDestinationPolicy,
      protectedDatabase,
    };
    Object.assign(this, resources);
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
