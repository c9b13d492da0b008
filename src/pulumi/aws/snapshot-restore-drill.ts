import * as fs from 'node:fs';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as rds from '@pulumi/aws/rds';
import * as scheduler from '@pulumi/aws/scheduler';
import * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment, formatArn } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { createDrillStateMachine, ecsDrillScopes, ecsDrillSubstitutions } from './drill-state-machine';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { EcsClusterReference, PgDumpSource } from './pg-dump-source';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';
import { createRestoreDrillAlarms } from './restore-drill-alarms';
import {
  CHECKS_RUNNER_CONTAINER_NAME, DRILL_RECORD_TO_ENV, SNAPSHOT_KEY_ACTIONS, SNAPSHOT_KEY_CONDITION, SnapshotRestoreDrillPlanOptions,
  drillResultsLocation, planSnapshotRestoreDrill, unknownSnapshotKeyWarning,
} from '../../core/aws/snapshot-restore-drill';
import { DrillPlaceholder, RestoreDrillKind, RestoreDrillStateMachine } from '../../core/aws/state-machines';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';
import { checkedLogRetentionDays } from './log-retention';

/** Arguments of {@link SnapshotRestoreDrill}. */
export interface SnapshotRestoreDrillProps extends SnapshotRestoreDrillPlanOptions {
  /** The RDS instance or Aurora cluster whose newest snapshot is restored. */
  readonly database: ManagedPostgresDatabase;
  /**
   * ARN of the database's master user secret (`username`, `password`): the restored snapshot keeps that user, and the
   * checks log in with it.
   */
  readonly secretArn: pulumi.Input<string>;
  /**
   * The database the checks connect to: the `Database` dimension of the drill metrics.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * The port the scratch database listens on (the source's).
   * @default 5432
   */
  readonly port?: number;
  /**
   * ARN of the customer managed KMS key the database's storage is encrypted with, so the drill role may restore it.
   * @default - none: a warning when the database's encryption is not known to be AWS-managed or none
   */
  readonly storageEncryptionKeyArn?: pulumi.Input<string>;
  /** The VPC the scratch database and the checks task run in. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the scratch database: no route to the internet is needed (isolated ones). */
  readonly scratchSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Subnets of the checks task (it pulls its image and writes logs): private ones with egress. */
  readonly taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The runner image. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild`. */
  readonly image: pulumi.Input<string>;
  /**
   * The ECS cluster the checks task runs in.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
  /**
   * ARN of the topic failed drills are sent to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * Days task and execution logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * The dumps of the same database (a `ScheduledPgDump`): each drill writes its result beside them
   * (`<prefix>/<database>/drills/<time>.json`, passed or failed), where `pg-backup status` shows the last good drill.
   * The checks task may put objects there and nothing else.
   * @default - the result is seen only in the drill's metrics, alarms and execution history
   */
  readonly drillResults?: PgDumpSource;
}

/**
 * Proves the managed database's snapshots restore, as the CDK `SnapshotRestoreDrill` does: on a schedule, a Step
 * Functions state machine (core's snapshot drill) restores the newest snapshot (or, with `pointInTime`, the database as
 * it was at a target time) into a scratch database (Aurora: a
 * cluster and one instance) in isolated subnets, small, private, tagged, behind its own security group; polls until it
 * is available, within a bound; runs `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks);
 * and deletes it without a final snapshot on every path that may have created it. The restore time (RTO) is a metric
 * with an alarm; failures notify.
 */
export class SnapshotRestoreDrill extends pulumi.ComponentResource {
  /** Core's state machine: its ASL, placeholders and IAM action groups. */
  public readonly drill: RestoreDrillStateMachine;
  /** The definition as deployed, every placeholder filled. */
  public readonly definition: pulumi.Output<string>;
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The role the state machine runs as. */
  public readonly drillRole: iam.Role;
  /** The checks task definition. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** The cluster the checks run in. */
  public readonly cluster: EcsClusterReference;
  /** Security group of the checks task (no inbound rules). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the scratch database: inbound only from the checks task. */
  public readonly scratchSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are placed in. */
  public readonly subnetGroup: rds.SubnetGroup;
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** ARN of the topic failed drills are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** Alarms: failed drill, restore slower than the RTO, schedule dead letters. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** Value of the `Database` metric dimension. */
  public readonly databaseName: string;
  /** Namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** Prefix of scratch identifiers (the execution role may only create and delete those). */
  public readonly scratchIdentifierPrefix: string;
  /** The `Drill` dimension of the metrics: `snapshot`, or `point-in-time` with `pointInTime`. */
  public readonly drillKind: RestoreDrillKind;
  /** The largest accepted distance of a point-in-time drill's recovery point from its target, minutes, when bounded. */
  public readonly maxRecoveryPointGapMinutes?: number;

  constructor(name: string, props: SnapshotRestoreDrillProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:SnapshotRestoreDrill', name, {}, opts);
    const database = props.database;
    this.databaseName = props.databaseName ?? 'postgres';
    const plan = planSnapshotRestoreDrill(props, {
      kind: database.kind,
      databaseName: this.databaseName,
      hasSecret: props.secretArn !== undefined,
      recordsResults: props.drillResults !== undefined,
      checkFiles: (props.checkFiles ?? []).map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined })),
    }, { ...PULUMI_VALIDATION_OPTIONS, construct: name });
    const { drill, descriptions } = plan;
    this.drill = drill;
    this.maxRestoreDurationMinutes = plan.maxRestoreDurationMinutes;
    this.metricNamespace = plan.metricNamespace;
    this.scratchIdentifierPrefix = plan.scratchIdentifierPrefix;
    this.drillKind = plan.drillKind;
    this.maxRecoveryPointGapMinutes = plan.maxRecoveryPointGapMinutes;
    const environment = awsEnvironment(this);
    const child = { parent: this };
    const logRetentionDays = checkedLogRetentionDays(name, props.logRetentionDays);

    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn, topicKeyArn: props.notificationTopicKeyArn, environment,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    this.cluster = givenOrNewEcsCluster(name, props.cluster, child);
    const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child);

    // The checks connect to the scratch database; the task role may at most write the drill's result beside the dumps.
    const drillResults = props.drillResults;
    const drillName = plan.drillKind === 'snapshot' ? 'Snapshot' : 'Point-in-time';
    const taskRole = new iam.Role(`${name}-task-role`, {
      description: props.drillResults ? `${drillName} drill checks task: writes its result beside the dumps` : `${drillName} drill checks task: no AWS permissions`,
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    if (props.drillResults) {
      new iam.RolePolicy(`${name}-task-policy`, { role: taskRole.id, policy: policyDocument(props.drillResults.drillResultStatements()) }, child);
    }
    const executionRole = new iam.Role(`${name}-execution-role`, {
      description: `Starts the ${plan.drillKind === 'snapshot' ? 'snapshot' : 'point-in-time'} drill checks task: its logs and the database secret`,
      assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-execution-policy`, {
      role: executionRole.id,
      policy: policyDocument([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: props.secretArn },
      ]),
    }, child);
    this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
      family: `${name}-snapshot-drill`,
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([{
        name: CHECKS_RUNNER_CONTAINER_NAME,
        image: props.image,
        essential: true,
        // The drill's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
        entryPoint: ['env'],
        command: plan.checkCommand,
        environment: [
          ...Object.entries(plan.checkEnvironment).map(([key, value]) => ({ name: key, value })),
          ...(drillResults
            ? [{
              name: DRILL_RECORD_TO_ENV,
              value: pulumi.output(drillResults.bucketName).apply((bucket) => drillResultsLocation(bucket, drillResults.prefix)),
            }]
            : []),
        ],
        secrets: [
          { name: 'PGUSER', valueFrom: pulumi.interpolate`${props.secretArn}:username::` },
          { name: 'PGPASSWORD', valueFrom: pulumi.interpolate`${props.secretArn}:password::` },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': logGroup.name, 'awslogs-region': environment.region, 'awslogs-stream-prefix': 'check' },
        },
      }]),
    }, child);

    this.taskSecurityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
      vpcId: props.vpcId,
      description: descriptions.taskSecurityGroup,
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
    }, child);
    const port = props.port ?? 5432;
    this.scratchSecurityGroup = new ec2.SecurityGroup(`${name}-scratch-sg`, {
      vpcId: props.vpcId,
      description: descriptions.scratchSecurityGroup,
      ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, securityGroups: [this.taskSecurityGroup.id], description: descriptions.scratchIngress }],
      egress: [],
    }, child);
    this.subnetGroup = new rds.SubnetGroup(`${name}-scratch-subnets`, {
      subnetIds: props.scratchSubnetIds,
      description: descriptions.subnetGroup,
    }, child);

    const rdsArn = (resource: pulumi.Input<string>) => formatArn(environment, 'rds', resource);
    const aurora = database.kind === 'aurora-cluster';
    const prefix = plan.scratchIdentifierPrefix;
    const drillStateMachine = createDrillStateMachine(name, this, {
      drill,
      substitutions: ecsDrillSubstitutions({
        databaseName: this.databaseName,
        notificationTopicArn: this.notificationTopicArn,
        clusterArn: this.cluster.arn,
        taskDefinitionArn: this.taskDefinition.arn,
        containerName: CHECKS_RUNNER_CONTAINER_NAME,
        subnetIds: props.taskSubnetIds,
        securityGroupId: this.taskSecurityGroup.id,
        additional: {
          [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
          [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: this.subnetGroup.name,
          [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: this.scratchSecurityGroup.id,
        },
      }),
      scopes: {
        ...ecsDrillScopes({
          environment,
          taskDefinitionArn: this.taskDefinition.arn,
          cluster: this.cluster,
          taskRoleArn: taskRole.arn,
          executionRoleArn: executionRole.arn,
          notificationTopicArn: this.notificationTopicArn,
          metricNamespace: this.metricNamespace,
        }),
        'rds-source': { Resource: database.arn(environment) },
        // Snapshot names are generated per backup (rds:<id>-<date>, awsbackup:job-<id>): they cannot be named in advance.
        'rds-snapshots': { Resource: rdsArn(aurora ? 'cluster-snapshot:*' : 'snapshot:*') },
        'rds-scratch-instances': { Resource: rdsArn(`db:${prefix}-*`) },
        'rds-scratch-clusters': { Resource: rdsArn(`cluster:${prefix}-*`) },
        'rds-subnet-group': { Resource: rdsArn(pulumi.interpolate`subgrp:${this.subnetGroup.name}`) },
      },
      notificationTopicKeyArn: notifications.topicKeyArn,
      additionalStatements: this.snapshotKeyStatements(props),
      schedule: plan.verification.schedule,
      logRetentionDays,
      environment,
      owner: 'SnapshotRestoreDrill',
      roleDescription: descriptions.role,
      scheduleDescription: descriptions.schedule,
    });
    this.definition = drillStateMachine.definition;
    this.drillRole = drillStateMachine.drillRole;
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedule = drillStateMachine.schedule;

    this.alarms = createRestoreDrillAlarms(name, {
      stateMachineArn: this.stateMachine.arn,
      metricNamespace: this.metricNamespace,
      databaseName: this.databaseName,
      drillKind: plan.drillKind,
      maxRestoreDurationMinutes: this.maxRestoreDurationMinutes,
      maxRecoveryPointGapMinutes: plan.maxRecoveryPointGapMinutes,
      deadLetterQueueName: drillStateMachine.deadLetterQueue.name,
      topicArn: this.notificationTopicArn,
      subject: descriptions.alarmSubject,
    }, this);
    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      notificationTopicArn: this.notificationTopicArn,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleArn: this.schedule.arn,
      alarmArns: this.alarms.map((alarm) => alarm.arn),
    });
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements(props: SnapshotRestoreDrillProps): PolicyStatement[] {
    if (props.storageEncryptionKeyArn !== undefined) {
      return [{ Effect: 'Allow', Action: [...SNAPSHOT_KEY_ACTIONS], Resource: props.storageEncryptionKeyArn, Condition: SNAPSHOT_KEY_CONDITION }];
    }
    props.database.storageEncryption.apply((encryption) => {
      if (encryption === 'customer-managed-key' || encryption === 'unknown') {
        void pulumi.log.warn(unknownSnapshotKeyWarning('storageEncryptionKeyArn'), this);
      }
    });
    return [];
  }
}
