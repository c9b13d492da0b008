import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { replicaPruneDestinationPolicyOutput } from './bucket-replication';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { checkedLogRetentionDays } from './log-retention';
import { createPlannedAlarms } from './metric-alarm';
import { DumpEncryption, EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { createTaskRole } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';
import { recordProtectedDatabase } from './require-postgres-backups';
import { ScheduledDumpTasks, createScheduledDumpTasks } from './scheduled-dump-tasks';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { notifyWhenTasksFail } from './task-failure-notification';
import { ScheduledPgDumpAttributes, planScheduledPgDump, scheduledPgDumpAttributes } from '../../core/aws/scheduled-pg-dump';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS } from '../../core/aws/alarm-plan';
export { DEFAULT_LOG_RETENTION_DAYS } from '../../core/aws/log-retention';
export { DUMP_CONTAINER_NAME } from '../../core/aws/scheduled-pg-dump';
export * from './scheduled-pg-dump-props';

/** The attributes core decides (its plan, the resolved dump policy, databases, prefix…), declared once in core, and its tasks. */
export interface ScheduledPgDump extends ScheduledPgDumpAttributes, ScheduledDumpTasks {}

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
  /** Where the dumps are: `s3://<bucket>/<prefix>`. */
  public readonly dumpLocation: pulumi.Output<string>;
  /** ARN of the topic failures are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** ARN of that topic's key, when known. */
  public readonly notificationTopicKeyArn?: pulumi.Output<string>;
  /** The cluster the task runs in. */
  public readonly cluster: EcsClusterReference;
  /** Alarms: failed run and RPO missed, per database; dead-lettered start. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The rule that notifies a task that stopped with a non-zero exit or failed to start. */
  public readonly taskFailedRule: cloudwatch.EventRule;
  /** How the dumps are encrypted with age, when they are. */
  public readonly encryption?: DumpEncryption;
  /** The prune task's role, the only one that may delete dumps (with `dump.retention`). */
  public readonly pruneRole?: iam.Role;
  /**
   * With `dump.retention` and a `replication` destination given by ARN: the statements (JSON) its owner adds to the
   * offsite bucket's policy and the replica key's policy so that the prune task may prune the replicas; also the
   * `replicaPruneDestinationPolicy` output.
   */
  public readonly replicaPruneDestinationPolicy?: pulumi.Output<string>;
  /** The URN of the RDS resource whose dumps these are, when it is one of this program's. */
  public readonly protectedDatabase?: pulumi.Output<string>;
  /** What this component protects and how (core's protection record), also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: ScheduledPgDumpProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ScheduledPgDump', name, {}, opts);
    const wiring = props.database.runnerWiring();
    const environment = {
      databasePostgresMajorVersion: props.database.postgresMajorVersion,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      logRetentionDays: checkedLogRetentionDays(name, props.logRetentionDays),
      maxEventAge: props.maxEventAgeSeconds === undefined ? undefined : { path: 'maxEventAgeSeconds', seconds: props.maxEventAgeSeconds },
      connection: { managed: props.database.managed, databaseUrl: wiring.databaseUrl !== undefined },
    };
    // The names, schedule and retention decide which resources exist, so they are checked before any is registered.
    const plan = planScheduledPgDump(props, environment);
    Object.assign(this, scheduledPgDumpAttributes(plan));
    this.encryption = props.encryption;
    const aws = awsEnvironment(this);
    const child = { parent: this };

    // The prune task's role exists before the bucket, whose policy lets it (and only it) delete.
    this.pruneRole = plan.prune && createTaskRole(`${name}-prune-role`, plan.prune.descriptions.taskRole, this);
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
      replication: plan.replication,
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
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: plan.task.logRetentionDays }, child);
    Object.assign(this, createScheduledDumpTasks(name, this, {
      plan,
      props,
      bucket: this.backupBucket,
      dumpLocation: this.dumpLocation,
      pruneRole: this.pruneRole,
      cluster: this.cluster,
      logGroup,
      environment: aws,
    }));
    this.replicaPruneDestinationPolicy = replicaPruneDestinationPolicyOutput(plan.prune?.replica, this.pruneRole?.arn);

    this.alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this,
      { 'dead-letter-queue': this.deadLetterQueue.name, 'backup-bucket': this.bucketName, ...this.backupBucket.replicationMetricResources() });
    this.taskFailedRule = notifyWhenTasksFail(name, this, {
      ...plan.taskFailure,
      taskDefinitionArns: [this.taskDefinition, this.pruneTaskDefinition].flatMap((task) => task ? [task.arn] : []),
      topicArn: this.notificationTopicArn,
    });
    recordProtectedDatabase(props.database.resource, 'logical-dump');
    this.protectedDatabase = props.database.resource?.urn;
    this.protections = protectionsOutput([{
      ...plan.protection, database: this.protectedDatabase, identitySecret: props.encryption?.identitySecretArn,
    }]);
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      bucketName: this.bucketName,
      dumpLocation: this.dumpLocation,
      notificationTopicArn: this.notificationTopicArn,
      clusterArn: this.cluster.arn,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleArns: this.schedules.map((schedule) => schedule.arn),
      alarmArns: this.alarms.map((alarm) => alarm.arn),
      replicaPruneDestinationPolicy: this.replicaPruneDestinationPolicy,
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
