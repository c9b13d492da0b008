import * as fs from 'node:fs';
import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DrillResourceScope, addDrillPermissions } from './drill-permissions';
import { ecsDrillScopes } from './drill-state-machine';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { acknowledgeAwsManagedPolicy, acknowledgeImagePull, acknowledgePlainTaskEnvironment, acknowledgeWildcards } from './reviewed-findings';
import { drillRoleWildcards } from './reviewed-wildcards';
import { runnerImageFromPackage } from './runner-image';
import { RESTORE_TESTING_MANAGED_POLICY, RestoreTestingOptions, RestoreTestingPlan, RestoreValidationFrontEndFacts } from '../core/aws/restore-testing';
import { RestoreValidationOptions, RestoreValidationPlan } from '../core/aws/restore-testing-validation';
import { DrillPlaceholder, DrillResourceKind, RestoreValidationPlaceholder } from '../core/aws/state-machines';

/** Where a restore test's validation writes its drill result: the backups' bucket and prefix, where `pg-backup status` reads it. */
export interface DrillResultStoreProps {
  /** The bucket of the backups. */
  readonly bucket: s3.IBucket;
  /** The prefix of the backups in it (`<prefix>/<database>/drills/<time>.json`), without leading or trailing slash. */
  readonly prefix: string;
}

/** Core's validation options and the CDK handles the checks need. */
export interface RestoreValidationProps extends RestoreValidationOptions {
  /** The VPC of the checks task: the one of `restoreTesting.dbSubnetGroupName`. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the checks task (it pulls its image and writes logs).
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;
  /**
   * The secret with the master username and password the restored database keeps (`username`, `password`).
   * @default - the database's secret
   */
  readonly secret?: secretsmanager.ISecret;
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
   * Write each result beside the backups, where `pg-backup status` shows the last good drill.
   * @default - results are metrics and AWS Backup's validation status only
   */
  readonly drillResults?: DrillResultStoreProps;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Core's restore testing options with the CDK handles of their validation. */
export interface RestoreTestingProps extends RestoreTestingOptions {
  /**
   * Validate each restore test with `pg-backup check` and report the result to AWS Backup.
   * @default - no validation
   */
  readonly validation?: RestoreValidationProps;
}

/** The facts the plan needs of a validation's handles. */
export function restoreValidationFacts(
  props: RestoreTestingProps | undefined, database: ManagedPostgresDatabase,
): RestoreValidationFrontEndFacts | undefined {
  const validation = props?.validation;
  if (validation === undefined) return undefined;
  return {
    databaseName: database.databaseName,
    postgresMajorVersion: database.postgresMajorVersion,
    hasSecret: (validation.secret ?? database.secret) !== undefined,
    checkFiles: (validation.checkFiles ?? []).map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined })),
    writeDrillResult: validation.drillResults !== undefined,
  };
}

/** The resources of a restore test's validation in CDK. */
export interface RenderedRestoreValidation {
  /** The state machine that validates each restore test. */
  readonly stateMachine: sfn.StateMachine;
  /** Its role: describe restored databases, run and stop the checks task, report, count, notify. */
  readonly role: iam.Role;
  /** The rule that starts it when a restore job of the plan completes. */
  readonly rule: events.Rule;
  /** The checks task definition. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Security group of the checks task. */
  readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the restored database (reachable from the checks task only), when none was given. */
  readonly restoredSecurityGroup?: ec2.SecurityGroup;
  /** Where the rule puts the starts it could not make. */
  readonly deadLetterQueue: sqs.Queue;
  /** Alarms: a failed validation, a start the rule could not make. */
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** The resources of core's restore testing plan in CDK. */
export interface RenderedRestoreTesting {
  /** The restore testing plan. */
  readonly plan: backup.CfnRestoreTestingPlan;
  /** The selection of the database. */
  readonly selection: backup.CfnRestoreTestingSelection;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
  /** The validation of each test, when asked for. */
  readonly validation?: RenderedRestoreValidation;
}

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles {
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: string;
  /** The database. */
  readonly database: ManagedPostgresDatabase;
  /** The topic failed validations go to. */
  readonly notificationTopic: sns.ITopic;
  /** The props as given, for the validation's handles. */
  readonly props?: RestoreTestingProps;
}

/**
 * Creates core's restore testing plan in `scope`: the plan over the vault's recovery points, the selection of the
 * database, its role, and the validation of each test when asked for.
 */
export function renderRestoreTesting(scope: Construct, planned: RestoreTestingPlan, handles: RestoreTestingHandles): RenderedRestoreTesting {
  const role = new iam.Role(scope, 'RestoreTestingRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: planned.role.description,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(planned.role.managedPolicy)],
  });
  acknowledgeAwsManagedPolicy(role, RESTORE_TESTING_MANAGED_POLICY);
  const plan = new backup.CfnRestoreTestingPlan(scope, 'RestoreTestingPlan', {
    restoreTestingPlanName: planned.plan.name,
    scheduleExpression: planned.plan.scheduleExpression,
    startWindowHours: planned.plan.startWindowHours,
    recoveryPointSelection: {
      algorithm: planned.plan.algorithm,
      includeVaults: [handles.vaultArn],
      recoveryPointTypes: [...planned.plan.recoveryPointTypes],
      selectionWindowDays: planned.plan.selectionWindowDays,
    },
  });
  const validationProps = handles.props?.validation;
  const validation = planned.validation && validationProps
    ? renderRestoreValidation(scope, planned.validation, validationProps, handles, plan)
    : undefined;
  const overrides = {
    ...planned.selection.restoreMetadataOverrides,
    ...(validation?.restoredSecurityGroup
      ? { vpcSecurityGroupIds: Stack.of(scope).toJsonString([validation.restoredSecurityGroup.securityGroupId]) }
      : {}),
  };
  const selection = new backup.CfnRestoreTestingSelection(scope, 'RestoreTestingSelection', {
    restoreTestingPlanName: plan.restoreTestingPlanName,
    restoreTestingSelectionName: planned.selection.name,
    protectedResourceType: planned.selection.protectedResourceType,
    protectedResourceArns: [handles.database.arn(scope)],
    iamRoleArn: role.roleArn,
    restoreMetadataOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    validationWindowHours: planned.selection.validationWindowHours,
  });
  selection.addResourceDependency(plan);
  return { plan, selection, role, validation };
}

/** The validation: checks task, its network, the state machine with its scoped role, and the rule that starts it. */
function renderRestoreValidation(
  scope: Construct, planned: RestoreValidationPlan, props: RestoreValidationProps, handles: RestoreTestingHandles, plan: backup.CfnRestoreTestingPlan,
): RenderedRestoreValidation {
  const { database, notificationTopic } = handles;
  const { descriptions } = planned;
  const secret = (props.secret ?? database.secret)!;
  const cluster = props.cluster ?? new ecs.Cluster(scope, 'RestoreValidationCluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
  const logGroup = new logs.LogGroup(scope, 'RestoreValidationLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });

  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'RestoreValidationTask', {
    cpu: 256,
    memoryLimitMiB: 512,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
  taskDefinition.addContainer(planned.containerName, {
    image: props.image ?? runnerImageFromPackage({ postgresMajorVersion: planned.postgresMajorVersion }),
    // The state machine's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
    entryPoint: ['env'],
    command: planned.checkCommand,
    environment: planned.checkEnvironment,
    secrets: {
      PGUSER: ecs.Secret.fromSecretsManager(secret, 'username'),
      PGPASSWORD: ecs.Secret.fromSecretsManager(secret, 'password'),
    },
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'check' }),
  });
  acknowledgeImagePull(taskDefinition);
  acknowledgePlainTaskEnvironment(taskDefinition, 'the database name, PGSSLMODE and the SQL text of the checks');

  const taskSecurityGroup = new ec2.SecurityGroup(scope, 'RestoreValidationTaskSecurityGroup', {
    vpc: props.vpc, description: descriptions.taskSecurityGroup, allowAllOutbound: true,
  });
  let restoredSecurityGroup: ec2.SecurityGroup | undefined;
  if (planned.createRestoredSecurityGroup) {
    restoredSecurityGroup = new ec2.SecurityGroup(scope, 'RestoredDatabaseSecurityGroup', {
      vpc: props.vpc, description: descriptions.restoredSecurityGroup, allowAllOutbound: false,
    });
    restoredSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(database.port), descriptions.restoredIngress);
  }
  const taskSubnets = props.vpc.selectSubnets(props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

  const stack = Stack.of(scope);
  const drillResults = props.drillResults;
  const substitutions: Record<string, string> = {
    [DrillPlaceholder.DATABASE_NAME]: planned.databaseName,
    [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: notificationTopic.topicArn,
    [DrillPlaceholder.CLUSTER_ARN]: cluster.clusterArn,
    [DrillPlaceholder.TASK_DEFINITION_ARN]: taskDefinition.taskDefinitionArn,
    [DrillPlaceholder.CONTAINER_NAME]: planned.containerName,
    [DrillPlaceholder.SUBNETS]: Fn.join(',', taskSubnets.subnetIds),
    [DrillPlaceholder.SECURITY_GROUPS]: taskSecurityGroup.securityGroupId,
    ...(drillResults ? {
      [RestoreValidationPlaceholder.DRILL_RESULTS_BUCKET]: drillResults.bucket.bucketName,
      [RestoreValidationPlaceholder.DRILL_RESULTS_PREFIX]: drillResults.prefix,
    } : {}),
  };
  const restoredArn = stack.formatArn({
    service: 'rds', resource: database.kind === 'aurora-cluster' ? 'cluster' : 'db', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const scopes: Partial<Record<DrillResourceKind, DrillResourceScope>> = {
    ...ecsDrillScopes(scope, { taskDefinition, cluster, notificationTopic, metricNamespace: planned.metricNamespace }),
    'rds-restored': { resources: [restoredArn] },
    'backup-restore-jobs': { resources: ['*'] },
    ...(drillResults ? { 'drill-result-objects': { resources: [drillResults.bucket.arnForObjects(`${drillResults.prefix}/${planned.databaseName}/drills/*`)] } } : {}),
  };
  const role = new iam.Role(scope, 'RestoreValidationRole', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: descriptions.role,
  });
  addDrillPermissions(role, planned.drill.iamActions, scopes, 'ManagedPostgresBackupPlan');
  acknowledgeWildcards(role, drillRoleWildcards(planned.drill.iamActions, (kind) => scopes[kind]?.resources));
  notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  const resultKey: kms.IKey | undefined = drillResults?.bucket.encryptionKey;
  resultKey?.grant(role, 'kms:GenerateDataKey');

  const stateMachine = new sfn.StateMachine(scope, 'RestoreValidation', {
    comment: descriptions.comment,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(planned.drill.definition)),
    definitionSubstitutions: Object.fromEntries(planned.drill.placeholders.map((name) => [name, substitutions[name]])),
    role,
    logs: {
      destination: new logs.LogGroup(scope, 'RestoreValidationExecutionLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
    tracingEnabled: true,
  });

  const deadLetterQueue = createScheduleDeadLetterQueue(new Construct(scope, 'RestoreValidationStarts'));
  const rule = new events.Rule(scope, 'RestoreValidationRule', {
    description: descriptions.rule,
    eventPattern: {
      source: [...planned.eventPattern.source],
      detailType: [...planned.eventPattern.detailType],
      detail: { status: [...planned.eventPattern.status], restoreTestingPlanArn: [plan.attrRestoreTestingPlanArn] },
    },
  });
  rule.addTarget(new eventsTargets.SfnStateMachine(stateMachine, {
    deadLetterQueue, retryAttempts: planned.startRetry.attempts, maxEventAge: Duration.seconds(planned.startRetry.maxEventAgeSeconds),
  }));
  const alarms = renderPlannedAlarms(new Construct(scope, 'RestoreValidationAlarms'), planned.alarms, notificationTopic, {
    'state-machine': stateMachine.stateMachineArn,
    'dead-letter-queue': deadLetterQueue.queueName,
  });
  return { stateMachine, role, rule, taskDefinition, taskSecurityGroup, restoredSecurityGroup, deadLetterQueue, alarms };
}
