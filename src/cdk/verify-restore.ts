import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { cdkValidationOptions } from './cdk-validation';
import { DrillResourceScope } from './drill-permissions';
import { createDrillStateMachine, ecsDrillScopes } from './drill-state-machine';
import { IPgDumpSource } from './pg-dump-source';
import { renderPlannedAlarms } from './planned-alarms';
import { createPlannedTaskDefinition } from './planned-tasks';
import { acknowledgeImagePull, acknowledgePlainTaskEnvironment, acknowledgeScratchPassword, acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { postgresServerImage, runnerImageFromPackage } from './runner-image';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { addScratchPostgresContainer } from './scratch-postgres-container';
import { DrillPlaceholder, DrillResourceKind, RestoreDrillMetric } from '../core/aws/state-machines';
import {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, DrillCheckFile, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, VERIFY_CONTAINER_NAME,
  VerifyRestoreOptions, VerifyRestorePlan, VerifyRestoreScratchPlan, planVerifyRestore, verifyCommand,
} from '../core/aws/verify-restore';

export {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, VERIFY_CONTAINER_NAME,
} from '../core/aws/verify-restore';

/** Props of {@link VerifyRestore}: the options every front end shares, and the CDK handles. */
export interface VerifyRestoreProps extends VerifyRestoreOptions {
  /** Where the dumps are: a `ScheduledPgDump`, or `PgDumpLocation.fromBucket({...})`. */
  readonly source: IPgDumpSource;
  /** The VPC the drill task runs in (it needs S3, ECR, CloudWatch Logs and Secrets Manager, not the database). */
  readonly vpc: ec2.IVpc;
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
   * Subnets of the scratch RDS instance (`restoreTarget` `scratch-rds` or `auto`): it needs no route to the internet.
   * @default - the VPC's isolated subnets
   */
  readonly scratchSubnets?: ec2.SubnetSelection;
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
  /**
   * The secret holding the age identity that decrypts the dumps; only this drill's execution role reads it.
   * @default - the source's `encryption.identitySecret`; required when the source encrypts its dumps
   */
  readonly encryption?: { readonly identitySecret: secretsmanager.ISecret };
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
  /**
   * Security group of the scratch RDS instance: inbound only from the drill task, on PostgreSQL's port.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSecurityGroup?: ec2.SecurityGroup;
  /**
   * The DB subnet group scratch RDS instances are created in.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSubnetGroup?: rds.SubnetGroup;
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
  /** What this construct creates, as core decided it. */
  public readonly plan: VerifyRestorePlan;

  constructor(scope: Construct, id: string, props: VerifyRestoreProps) {
    super(scope, id);
    const source = props.source;
    const identitySecret = props.encryption?.identitySecret ?? source.encryption?.identitySecret;
    const plan = planVerifyRestore(props, {
      sourceDatabaseNames: source.databaseNames,
      metricNamespace: source.metricNamespace,
      validation: cdkValidationOptions(this),
      sourceEncryptedTo: source.encryption?.recipients,
      identitySecretGiven: identitySecret !== undefined,
    });
    this.plan = plan;
    this.databaseName = plan.databaseName;
    this.maxRestoreDurationMinutes = plan.maxRestoreDurationMinutes;
    this.metricNamespace = plan.metricNamespace;

    this.notificationTopic = props.notificationTopic ?? source.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    this.cluster = props.cluster ?? clusterOf(source) ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.taskDefinition = createPlannedTaskDefinition(this, 'Task', plan.task);
    const scratchServer = plan.taskScratchServer ? this.addScratchServer(source.postgresMajorVersion, logGroup) : undefined;

    const dumpLocation = `s3://${source.bucket.bucketName}/${source.prefix}`;
    const runner = this.taskDefinition.addContainer(VERIFY_CONTAINER_NAME, {
      image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: source.postgresMajorVersion }),
      // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: verifyCommand(plan, dumpLocation),
      secrets: {
        ...(scratchServer ? { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchServer.password) } : {}),
        // Injected by the execution role, which alone may read it: the runner's own role and the dump's roles cannot.
        ...(plan.identityEnvironmentVariable && identitySecret
          ? { [plan.identityEnvironmentVariable]: ecs.Secret.fromSecretsManager(identitySecret) } : {}),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'verify' }),
    });
    if (scratchServer) runner.addContainerDependencies({ container: scratchServer.container, condition: ecs.ContainerDependencyCondition.HEALTHY });
    if (plan.checkFiles.length > 0) this.addCheckWriter(runner, plan.checkFiles, source.postgresMajorVersion, logGroup);
    source.grantRead(this.taskDefinition.taskRole);
    source.grantWriteDrillResults(this.taskDefinition.taskRole);
    acknowledgeWildcards(this.taskDefinition.taskRole, [
      backupObjectsWildcard(source.bucket.arnForObjects(`${source.prefix}/*`), 'read'),
      backupObjectsWildcard(source.bucket.arnForObjects(`${source.prefix}/*/drills/*`), 'drill-results'),
    ]);
    acknowledgeImagePull(this.taskDefinition);

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Restore drill task: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
      allowAllOutbound: true,
    });
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    const scratch = plan.scratch ? this.addScratchInstance(plan.scratch, props, dumpLocation) : undefined;
    this.scratchSecurityGroup = scratch?.securityGroup;
    this.scratchSubnetGroup = scratch?.subnetGroup;

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
      ...scratch?.substitutions,
    };
    const drillStateMachine = createDrillStateMachine(this, {
      drill: plan.drill,
      substitutions,
      scopes: {
        ...ecsDrillScopes(this, {
          taskDefinition: this.taskDefinition,
          cluster: this.cluster,
          notificationTopic: this.notificationTopic,
          metricNamespace: this.metricNamespace,
        }),
        ...scratch?.scopes,
      },
      // The drill reads the dump's manifest to size the scratch instance: through the bucket's key when it has one.
      additionalStatements: scratch && source.bucket.encryptionKey
        ? [new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [source.bucket.encryptionKey.keyArn] })] : [],
      notificationTopic: this.notificationTopic,
      schedule: plan.schedule,
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      drillName: 'the dump restore drill',
      owner: 'VerifyRestore',
      roleDescription: plan.descriptions.drillRole,
      comment: plan.descriptions.stateMachineComment,
      scheduleDescription: plan.descriptions.schedule,
    });
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedule = drillStateMachine.schedule;
    this.alarms = renderPlannedAlarms(this, plan.alarms, this.notificationTopic, {
      'state-machine': this.stateMachine.stateMachineArn,
      'dead-letter-queue': drillStateMachine.deadLetterQueue.queueName,
    });
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      ...plan.protection, database: protectedDatabaseOf(source), databaseNames: [...plan.protection.databaseNames],
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

  /** The task's own scratch PostgreSQL, whose password never leaves the task: both containers read it from a secret. */
  private addScratchServer(
    postgresMajorVersion: number, logGroup: logs.ILogGroup,
  ): { container: ecs.ContainerDefinition; password: secretsmanager.ISecret } {
    const password = new secretsmanager.Secret(this, 'ScratchPassword', {
      description: 'Password of the throwaway PostgreSQL inside the restore drill task',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    acknowledgeScratchPassword(password);
    const container = addScratchPostgresContainer(this.taskDefinition, {
      id: SCRATCH_POSTGRES_CONTAINER_NAME, postgresMajorVersion, password, logGroup, streamPrefix: 'scratch-postgres',
    });
    return { container, password };
  }

  /**
   * The scratch RDS instance's place (a DB subnet group, a security group only the task reaches), the task's read of
   * its RDS-managed master secret, and what the drill's role is scoped to.
   */
  private addScratchInstance(scratch: VerifyRestoreScratchPlan, props: VerifyRestoreProps, dumpLocation: string): {
    securityGroup: ec2.SecurityGroup;
    subnetGroup: rds.SubnetGroup;
    substitutions: Record<string, string>;
    scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
  } {
    const stack = Stack.of(this);
    const securityGroup = new ec2.SecurityGroup(this, 'ScratchSecurityGroup', {
      vpc: props.vpc, description: scratch.descriptions.securityGroup, allowAllOutbound: false,
    });
    securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(scratch.port), scratch.descriptions.ingress);
    const subnetGroup = new rds.SubnetGroup(this, 'ScratchSubnets', {
      vpc: props.vpc,
      vpcSubnets: props.scratchSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: scratch.descriptions.subnetGroup,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const rdsArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const managedSecrets = stack.formatArn({
      service: 'secretsmanager', resource: 'secret', resourceName: scratch.secretRead.secretNamePattern, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const scratchInstances = rdsArn('db', `${scratch.identifierPrefix}-*`);
    // RDS names the secret per instance; the tag it puts on it holds the read to the drill's own scratch instances.
    this.taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [...scratch.secretRead.actions],
      resources: [managedSecrets],
      conditions: { StringLike: { [scratch.secretRead.instanceTagConditionKey]: scratchInstances } },
    }));
    acknowledgeWildcards(this.taskDefinition.taskRole, [{
      resource: managedSecrets,
      actions: scratch.secretRead.actions,
      conditionKey: scratch.secretRead.instanceTagConditionKey,
      reason: 'RDS names the master secret of each scratch instance it creates (rds!db-<uuid>); the tag RDS puts on it limits the read to the drill\'s scratch instances.',
    }]);
    const source = props.source;
    return {
      securityGroup,
      subnetGroup,
      substitutions: {
        [DrillPlaceholder.DUMP_BUCKET]: source.bucket.bucketName,
        [DrillPlaceholder.DUMP_PREFIX]: source.prefix,
        [DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
        [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: subnetGroup.subnetGroupName,
        [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: securityGroup.securityGroupId,
      },
      scopes: {
        'dump-objects': { resources: [source.bucket.arnForObjects(`${source.prefix}/*`)] },
        'rds-scratch-instances': { resources: [scratchInstances] },
        'rds-subnet-group': { resources: [rdsArn('subgrp', subnetGroup.subnetGroupName)] },
        'rds-managed-secrets': { resources: [managedSecrets] },
      },
    };
  }

  private addCheckWriter(
    runner: ecs.ContainerDefinition, files: readonly DrillCheckFile[], postgresMajorVersion: number, logGroup: logs.ILogGroup,
  ): void {
    this.taskDefinition.addVolume({ name: 'checks' });
    const environment = Object.fromEntries(files.map((file) => [file.variable, file.sql]));
    // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
    const script = files.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && ');
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
