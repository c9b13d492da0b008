import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ec2 from '@pulumi/aws/ec2';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import type * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { replicaPruneDestinationPolicyOutput } from './bucket-replication';
import { createPlannedAlarms } from './metric-alarm';
import { DumpEncryption, EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { createDeadLetterQueue, createDeadLetterQueuePolicy, createScheduledTaskGroup } from './planned-task-schedules';
import { createTaskRole } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';
import { recordProtectedDatabase } from './require-postgres-backups';
import { ScheduledPgDumpProps } from './scheduled-pg-dump-props';
import { checkedLogRetentionDays, givenOrNewEcsCluster } from './task-placement-handles';
import { ScheduledPgDumpAttributes, planScheduledPgDump, scheduledPgDumpAttributes, scheduledTaskNames } from '../../core/aws/scheduled-pg-dump';
import { ScheduledPgDumpHandleTypes, ScheduledPgDumpResources } from '../../core/aws/scheduled-pg-dump-resources';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS } from '../../core/aws/alarm-plan';
export { DEFAULT_LOG_RETENTION_DAYS } from '../../core/aws/log-retention';
export { DUMP_CONTAINER_NAME } from '../../core/aws/scheduled-pg-dump';
export * from './scheduled-pg-dump-props';

/** The Pulumi resources and outputs a {@link ScheduledPgDump}'s resources are: core's handle types, for this module. */
export interface ScheduledPgDumpHandles extends ScheduledPgDumpHandleTypes {
  readonly backupBucket: BackupBucket;
  readonly cluster: EcsClusterReference;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly schedule: scheduler.Schedule;
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.MetricAlarm;
  readonly encryption: DumpEncryption;
  readonly text: pulumi.Output<string>;
}

/** The attributes core decides (its plan, the resolved dump policy, databases, prefix…) and the resources every front end exposes, declared once in core. */
export interface ScheduledPgDump extends ScheduledPgDumpAttributes, ScheduledPgDumpResources<ScheduledPgDumpHandles> {}

/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a Fargate
 * task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run fails, when the
 * task dies, and when no dump succeeded within the RPO. The same resources, policies, lifecycle and alarms as the CDK
 * `ScheduledPgDump`.
 */
export class ScheduledPgDump extends pulumi.ComponentResource implements PgDumpSource {
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
  /** The role of the dump task: write under the prefix, nothing else. */
  public readonly taskRole: iam.Role;
  /** The role ECS starts the tasks with: pull logs and the database secret. */
  public readonly executionRole: iam.Role;
  /** The role the schedules start the tasks with. */
  public readonly schedulerRole: iam.Role;
  /** The prune task's role, the only one that may delete dumps (with `dump.retention`). */
  public readonly pruneRole?: iam.Role;
  /** The rule that notifies a task that stopped with a non-zero exit or failed to start. */
  public readonly taskFailedRule: cloudwatch.EventRule;
  /** What this component protects and how (core's protection record), also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: ScheduledPgDumpProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ScheduledPgDump', name, {}, opts);
    const { database } = props;
    const wiring = database.runnerWiring();
    // The names, schedule and retention decide which resources exist, so they are checked before any is registered.
    const plan = planScheduledPgDump(props, {
      databasePostgresMajorVersion: database.postgresMajorVersion,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      logRetentionDays: checkedLogRetentionDays(name, props.logRetentionDays),
      maxEventAge: props.maxEventAgeSeconds === undefined ? undefined : { path: 'maxEventAgeSeconds', seconds: props.maxEventAgeSeconds },
      connection: { managed: database.managed, databaseUrl: wiring.databaseUrl !== undefined },
    });
    Object.assign(this, scheduledPgDumpAttributes(plan));
    const environment = awsEnvironment(this);
    const child = { parent: this };

    // The prune task's role exists before the bucket, whose policy lets it (and only it) delete.
    this.pruneRole = plan.prune && createTaskRole(`${name}-prune-role`, plan.prune.descriptions.taskRole, this);
    const { bucket, encryptionKeyArn, objectLock, serverAccessLogs, breakGlassRoleArn, retainOnDelete } = props;
    const backupBucket = new BackupBucket(`${name}-backups`, {
      pruneRoleArn: this.pruneRole?.arn,
      bucket,
      encryptionKeyArn,
      lifecycleRules: [...plan.lifecycleRules],
      objectLock,
      serverAccessLogs,
      breakGlassRoleArn,
      retainOnDelete,
      environment,
      replication: plan.replication,
    }, child);
    this.bucketName = backupBucket.bucketName;
    this.bucketArn = backupBucket.bucketArn;
    this.dumpLocation = pulumi.interpolate`s3://${this.bucketName}/${this.prefix}`;
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn, topicKeyArn: props.notificationTopicKeyArn, retainOnDelete, environment,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    this.notificationTopicKeyArn = notifications.topicKeyArn;
    const cluster = givenOrNewEcsCluster(name, props.cluster, child);
    const deadLetterQueue = createDeadLetterQueue(name, this, 'later');
    const group = createScheduledTaskGroup(name, plan.scheduledTasks, {
      ...props,
      cluster,
      logGroup: new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: plan.task.logRetentionDays }, child),
      environment,
      deadLetterQueue,
      notificationTopicArn: this.notificationTopicArn,
      bucket: backupBucket,
      prefix: plan.prefix,
      pruneRole: this.pruneRole,
      secretArns: database.secretArn,
      secretKeyArns: database.secretKmsKeyArn,
      names: (task) => scheduledTaskNames(name, task),
      image: () => props.image,
      secrets: () => wiring.secrets,
      references: () => ({ 'dump-location': this.dumpLocation, 'database-url': wiring.databaseUrl }),
    }, this);
    const [dump, prune] = group.tasks;
    database.allowFrom(`${name}-database-ingress`, dump.securityGroup.id, plan.scheduledTasks.tasks[0].databaseIngress!, this);
    ({ taskRole: this.taskRole, executionRole: this.executionRole } = dump);
    ({ schedulerRole: this.schedulerRole, taskFailedRule: this.taskFailedRule } = group);
    createDeadLetterQueuePolicy(name, this, deadLetterQueue, [group.taskFailedRule.arn]);
    const replicaPruneDestinationPolicy = replicaPruneDestinationPolicyOutput(plan.prune?.replica, this.pruneRole?.arn);

    const alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this,
      { 'dead-letter-queue': deadLetterQueue.name, 'backup-bucket': this.bucketName, ...backupBucket.replicationMetricResources() });
    recordProtectedDatabase(database.resource, 'logical-dump');
    const protectedDatabase = database.resource?.urn;
    this.protections = protectionsOutput([{ ...plan.protection, database: protectedDatabase, identitySecret: props.encryption?.identitySecretArn }]);
    const resources: ScheduledPgDumpResources<ScheduledPgDumpHandles> = {
      backupBucket,
      cluster,
      taskDefinition: dump.taskDefinition,
      securityGroup: dump.securityGroup,
      schedules: dump.schedules,
      deadLetterQueue,
      alarms,
      encryption: props.encryption,
      pruneTaskDefinition: prune?.taskDefinition,
      pruneSchedules: prune?.schedules ?? [],
      replicaPruneDestinationPolicy,
      protectedDatabase,
    };
    Object.assign(this, resources);
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      bucketName: this.bucketName,
      dumpLocation: this.dumpLocation,
      notificationTopicArn: this.notificationTopicArn,
      clusterArn: cluster.arn,
      taskDefinitionArn: dump.taskDefinition.arn,
      scheduleArns: dump.schedules.map((schedule) => schedule.arn),
      alarmArns: alarms.map((alarm) => alarm.arn),
      replicaPruneDestinationPolicy,
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
