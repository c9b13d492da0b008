import * as fs from 'node:fs';
import { Annotations, ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { DrillResourceScope } from './drill-permissions';
import { createDrillStateMachine, ecsDrillScopes } from './drill-state-machine';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { createRestoreDrillAlarms } from './restore-drill-alarms';
import { acknowledgeImagePull, acknowledgePlainTaskEnvironment } from './reviewed-findings';
import { runnerImageFromPackage } from './runner-image';
import { DEFAULT_METRIC_NAMESPACE, PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { resolveVerification } from '../core/defaults';
import { VerificationPolicy } from '../core/policy';
import { splitSqlStatements } from '../core/sql-statements';
import {
  DrillPlaceholder, DrillResourceKind, DrillSnapshotType, RestoreDrillMetric, SnapshotRestoreDrillStateName, snapshotRestoreDrill,
} from '../core/state-machines';
import { checkPolicy } from '../core/validate-policy';
import { Validator } from '../core/validation';

/** Name of the runner container of the checks task. */
export const CHECKS_RUNNER_CONTAINER_NAME = 'runner';
/** Environment variables holding the SQL checks: `PG_BACKUP_CHECK_0`, `PG_BACKUP_CHECK_1`, … */
export const CHECK_SQL_ENV_PREFIX = 'PG_BACKUP_CHECK_';

/** Bounds on the rows of one table of the restored database. */
export interface RowCountBoundProps {
  /** `schema.table`, or `table` in `public`. */
  readonly table: string;
  /**
   * Fewest rows.
   * @default - no lower bound
   */
  readonly min?: number;
  /**
   * Most rows.
   * @default - no upper bound
   */
  readonly max?: number;
}

/** Props of {@link SnapshotRestoreDrill}. */
export interface SnapshotRestoreDrillProps {
  /** The database whose newest snapshot is restored. It needs its secret (the restored instance keeps its master user). */
  readonly database: ManagedPostgresDatabase;
  /** The VPC the scratch database and the checks task run in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the scratch database: no route to the internet is needed.
   * @default - the VPC's isolated subnets
   */
  readonly scratchSubnets?: ec2.SubnetSelection;
  /**
   * Subnets of the checks task (it pulls its image and writes logs).
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks that must each return a single `true`, and the RTO
   * (`maxRestoreDurationMinutes`, default 60): from the start of the drill until the checks passed.
   * @default - weekly, connection and row-count checks only, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * SQL files read at synth time, each statement a check like `verification.checks`.
   * @default - none
   */
  readonly checkFiles?: string[];
  /**
   * Row-count bounds of tables in the restored database.
   * @default - none
   */
  readonly rowCounts?: RowCountBoundProps[];
  /**
   * Which snapshots are restored: the database's automated snapshots, manual ones, or AWS Backup's.
   * @default 'automated'
   */
  readonly snapshotType?: DrillSnapshotType;
  /**
   * Instance class of the scratch database.
   * @default 'db.t4g.micro' for an instance, 'db.t4g.medium' for an Aurora cluster
   */
  readonly scratchInstanceClass?: string;
  /**
   * Prefix of scratch identifiers; the execution role may only create and delete databases with it.
   * @default 'pg-drill'
   */
  readonly scratchIdentifierPrefix?: string;
  /**
   * Seconds between two checks of whether the scratch database is available.
   * @default 60
   */
  readonly pollIntervalSeconds?: number;
  /**
   * The ECS cluster the checks task runs in.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the database's PostgreSQL major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * PostgreSQL major of the runner's client.
   * @default - the database's
   */
  readonly postgresMajorVersion?: number;
  /**
   * The topic failed drills are sent to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * CloudWatch namespace of the drill metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Proves the managed database's snapshots restore: on a schedule, a Step Functions state machine (the core snapshot
 * drill) restores the newest snapshot into a scratch database (Aurora: a cluster and one instance) in isolated
 * subnets, small, private, tagged, behind its own security group; polls until it is available, within a bound; runs
 * `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks); and deletes it without a final
 * snapshot on every path that may have created it. The restore time (RTO) is a metric with an alarm; failures notify.
 */
export class SnapshotRestoreDrill extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The checks task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The cluster the checks run in. */
  public readonly cluster: ecs.ICluster;
  /** Security group of the checks task (no inbound rules). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the scratch database: inbound only from the checks task. */
  public readonly scratchSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are placed in. */
  public readonly subnetGroup: rds.SubnetGroup;
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The topic failed drills are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** Alarms: failed drill, restore slower than the RTO, schedule dead letters. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** Value of the `Database` metric dimension. */
  public readonly databaseName: string;
  /** Namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** The database whose snapshots are restored. */
  public readonly database: ManagedPostgresDatabase;
  /** Prefix of scratch identifiers (the execution role may only create and delete those). */
  public readonly scratchIdentifierPrefix: string;

  constructor(scope: Construct, id: string, props: SnapshotRestoreDrillProps) {
    super(scope, id);
    const database = props.database;
    const validator = new Validator(cdkValidationOptions(this));
    validator.include(checkPolicy({ verification: props.verification ?? {} }, CDK_VALIDATION_OPTIONS));
    if (database.secret === undefined) {
      validator.report({ path: 'database.secret', value: undefined, allowed: 'the database\'s secret with its master username and password (the restored snapshot keeps them; the checks log in with them)' });
    }
    const major = props.postgresMajorVersion ?? database.postgresMajorVersion;
    if (major === undefined) validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    validator.integer('postgresMajorVersion', major, 10, 99);
    (props.checkFiles ?? []).forEach((file, index) => {
      if (!fs.existsSync(file)) validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
    });
    (props.rowCounts ?? []).forEach((bound, index) => {
      validator.matches(`rowCounts[${index}].table`, bound.table, /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a table name, schema.table or table (letters, digits, _ and $)');
      validator.integer(`rowCounts[${index}].min`, bound.min, 0, Number.MAX_SAFE_INTEGER);
      validator.integer(`rowCounts[${index}].max`, bound.max, 0, Number.MAX_SAFE_INTEGER);
      if (bound.min === undefined && bound.max === undefined) validator.report({ path: `rowCounts[${index}]`, value: bound, allowed: 'a bound with min, max or both' });
      if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
        validator.report({ path: `rowCounts[${index}].min`, value: bound.min, allowed: `at most rowCounts[${index}].max, ${bound.max}` });
      }
    });
    validator.throwIfInvalid();

    const verification = resolveVerification(props.verification ?? {});
    this.maxRestoreDurationMinutes = verification.maxRestoreDurationMinutes;
    this.databaseName = database.databaseName;
    this.metricNamespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    const checks = [...verification.checks, ...(props.checkFiles ?? []).flatMap((file) => splitSqlStatements(fs.readFileSync(file, 'utf8')))];
    const checkArgs = [
      ...(props.rowCounts ?? []).flatMap((bound) => [
        ...(bound.min !== undefined ? ['--min-rows', `${bound.table}=${bound.min}`] : []),
        ...(bound.max !== undefined ? ['--max-rows', `${bound.table}=${bound.max}`] : []),
      ]),
      ...checks.flatMap((_, index) => ['--sql-env', `${CHECK_SQL_ENV_PREFIX}${index}`]),
    ];
    const scratchPrefix = props.scratchIdentifierPrefix ?? 'pg-drill';
    this.database = database;
    this.scratchIdentifierPrefix = scratchPrefix;
    // The drill validates its own options (prefix, class, poll interval) with core's messages.
    const drill = snapshotRestoreDrill({
      source: database.kind,
      snapshotType: props.snapshotType,
      scratchInstanceClass: props.scratchInstanceClass,
      scratchIdentifierPrefix: props.scratchIdentifierPrefix,
      pollIntervalSeconds: props.pollIntervalSeconds,
      maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
      metricNamespace: this.metricNamespace,
      checksArgs: ['check', ...checkArgs],
    });

    this.notificationTopic = props.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    this.taskDefinition.addContainer(CHECKS_RUNNER_CONTAINER_NAME, {
      image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: major! }),
      // The drill's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: ['pg-backup', 'check', ...checkArgs],
      environment: {
        PGDATABASE: this.databaseName,
        // RDS for PostgreSQL 15+ forces TLS; the endpoint of a scratch instance changes every drill.
        PGSSLMODE: 'require',
        ...Object.fromEntries(checks.map((sql, index) => [`${CHECK_SQL_ENV_PREFIX}${index}`, sql])),
      },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(database.secret!, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(database.secret!, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'check' }),
    });
    acknowledgeImagePull(this.taskDefinition);
    acknowledgePlainTaskEnvironment(this.taskDefinition, 'the database name, PGSSLMODE and the SQL text of the checks');

    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Snapshot drill checks task: no inbound traffic; outbound to the scratch database and AWS APIs',
      allowAllOutbound: true,
    });
    this.scratchSecurityGroup = new ec2.SecurityGroup(this, 'ScratchSecurityGroup', {
      vpc: props.vpc,
      description: 'Scratch database of the snapshot drill: reachable only from the checks task',
      allowAllOutbound: false,
    });
    this.scratchSecurityGroup.addIngressRule(this.taskSecurityGroup, ec2.Port.tcp(database.port), 'pg-backup check of the restored snapshot');
    this.subnetGroup = new rds.SubnetGroup(this, 'ScratchSubnets', {
      vpc: props.vpc,
      vpcSubnets: props.scratchSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'Isolated subnets of the snapshot drill\'s scratch databases',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskSubnets = props.vpc.selectSubnets(props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

    const substitutions: Record<string, string> = {
      [DrillPlaceholder.DATABASE_NAME]: this.databaseName,
      [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: this.notificationTopic.topicArn,
      [DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
      [DrillPlaceholder.TASK_DEFINITION_ARN]: this.taskDefinition.taskDefinitionArn,
      [DrillPlaceholder.CONTAINER_NAME]: CHECKS_RUNNER_CONTAINER_NAME,
      [DrillPlaceholder.SUBNETS]: Fn.join(',', taskSubnets.subnetIds),
      [DrillPlaceholder.SECURITY_GROUPS]: this.taskSecurityGroup.securityGroupId,
      [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
      [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: this.subnetGroup.subnetGroupName,
      [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: this.scratchSecurityGroup.securityGroupId,
    };
    const drillStateMachine = createDrillStateMachine(this, {
      drill,
      substitutions,
      scopes: this.scopes(database, scratchPrefix),
      additionalStatements: this.snapshotKeyStatements(database),
      notificationTopic: this.notificationTopic,
      schedule: verification.schedule,
      logRetention,
      drillName: 'the snapshot restore drill',
      owner: 'SnapshotRestoreDrill',
      roleDescription: 'Runs the snapshot restore drill: restores into, polls and deletes scratch databases, runs the checks task, reports',
      comment: `Restore drill of the newest ${props.snapshotType ?? 'automated'} snapshot of ${database.kind === 'instance' ? 'an RDS instance' : 'an Aurora cluster'}`,
      scheduleDescription: `Snapshot restore drill of ${database.kind === 'instance' ? 'an RDS instance' : 'an Aurora cluster'}`,
    });
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedule = drillStateMachine.schedule;
    const deadLetterQueue = drillStateMachine.deadLetterQueue;
    const rendered = drillStateMachine.renderedSchedule;
    this.alarms = createRestoreDrillAlarms(this, {
      stateMachine: this.stateMachine,
      metricNamespace: this.metricNamespace,
      databaseName: this.databaseName,
      drillKind: 'snapshot',
      maxRestoreDurationMinutes: this.maxRestoreDurationMinutes,
      deadLetterQueue,
      topic: this.notificationTopic,
      subject: `snapshot restore drill of ${this.databaseName}`,
    });
    for (const path of database.protectedPaths()) {
      this.node.addMetadata(PROTECTION_METADATA_TYPE, {
        kind: 'snapshot-drill',
        database: path,
        databaseNames: [this.databaseName],
        schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
        rtoMinutes: this.maxRestoreDurationMinutes,
        checks: checks.length + (props.rowCounts ?? []).length,
      });
    }
  }

  /** Drill outcomes: `RestoreDrillSucceeded`, `RestoreDrillFailed`, `RestoreDurationSeconds` (dimension `Drill` = `snapshot`). */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      dimensionsMap: { Database: this.databaseName, Drill: 'snapshot' },
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

  /** The measured time from the drill's start to a checked scratch database, seconds (longest per day). */
  public metricRestoreDuration(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(RestoreDrillMetric.DURATION, { statistic: 'Maximum', period: Duration.days(1), ...props });
  }

  private scopes(database: ManagedPostgresDatabase, prefix: string): Partial<Record<DrillResourceKind, DrillResourceScope>> {
    const stack = Stack.of(this);
    const rdsArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const aurora = database.kind === 'aurora-cluster';
    return {
      ...ecsDrillScopes(this, {
        taskDefinition: this.taskDefinition,
        cluster: this.cluster,
        notificationTopic: this.notificationTopic,
        metricNamespace: this.metricNamespace,
      }),
      'rds-source': { resources: [database.arn(this)] },
      // Snapshot names are generated per backup (rds:<id>-<date>, awsbackup:job-<id>): they cannot be named in advance.
      'rds-snapshots': { resources: [rdsArn(aurora ? 'cluster-snapshot' : 'snapshot', '*')] },
      'rds-scratch-instances': { resources: [rdsArn('db', `${prefix}-*`)] },
      'rds-scratch-clusters': { resources: [rdsArn('cluster', `${prefix}-*`)] },
      'rds-subnet-group': { resources: [rdsArn('subgrp', this.subnetGroup.subnetGroupName)] },
    };
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements(database: ManagedPostgresDatabase): iam.PolicyStatement[] {
    if (database.storageEncryptionKey) {
      return [new iam.PolicyStatement({
        actions: ['kms:DescribeKey', 'kms:CreateGrant'],
        resources: [database.storageEncryptionKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      })];
    }
    if (database.storageEncryption === 'customer-managed-key' || database.storageEncryption === 'unknown') {
      Annotations.of(this).addWarningV2('postgres-backup:drill-snapshot-key',
        'The database\'s storage key is not known here: if it is a customer managed key, give it as storageEncryptionKey, or '
        + `let the drill role use it (kms:DescribeKey and kms:CreateGrant with kms:GrantIsForAWSResource); otherwise "${SnapshotRestoreDrillStateName.RESTORE_INSTANCE}" fails.`);
    }
    return [];
  }
}
