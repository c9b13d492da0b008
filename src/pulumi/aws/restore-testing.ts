import * as fs from 'node:fs';
import * as backup from '@pulumi/aws/backup';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as sfn from '@pulumi/aws/sfn';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { createDeadLetterQueue } from './dead-letter-queue';
import { createDrillExecution, ecsDrillScopes, ecsDrillSubstitutions } from './drill-state-machine';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { createPlannedAlarms } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { createPlannedTaskDefinition, createTaskRole, createTaskSecurityGroup } from './planned-tasks';
import { assumedByService, grantStatements, policyDocument } from './policy-document';
import { DEFAULT_LOG_RETENTION_DAYS } from './scheduled-pg-dump';
import { TASK_EXECUTION_IAM_ACTIONS } from '../../core/aws/iam-action-groups';
import { RestoreTestingOptions, RestoreTestingPlan, RestoreValidationFrontEndFacts } from '../../core/aws/restore-testing';
import { RestoreValidationOptions, RestoreValidationPlan } from '../../core/aws/restore-testing-validation';
import { RestoreValidationPlaceholder } from '../../core/aws/state-machines';

/** Where a restore test's validation writes its drill result: the backups' bucket and prefix, where `pg-backup status` reads it. */
export interface DrillResultStoreArgs {
  /** Name of the bucket of the backups (a `ScheduledPgDump`'s `bucketName`). */
  readonly bucketName: pulumi.Input<string>;
  /** ARN of that bucket. */
  readonly bucketArn: pulumi.Input<string>;
  /** The prefix of the backups in it (`<prefix>/<database>/drills/<time>.json`), without leading or trailing slash. */
  readonly prefix: string;
  /**
   * ARN of the bucket's KMS key, which the validation then may encrypt the result with.
   * @default - none: S3-managed keys
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
}

/** Core's validation options and the Pulumi handles the checks need. */
export interface RestoreValidationArgs extends RestoreValidationOptions {
  /** The VPC of the checks task: the one of `restoreTesting.dbSubnetGroupName`. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the checks task (it pulls its image and writes logs): private ones with egress. */
  readonly taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ARN of the secret with the master username and password the restored database keeps (`username`, `password`). */
  readonly secretArn: pulumi.Input<string>;
  /** The runner image. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild`. */
  readonly image: pulumi.Input<string>;
  /**
   * The port the restored database listens on (the source's).
   * @default 5432
   */
  readonly port?: number;
  /**
   * The ECS cluster the checks task runs in.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Write each result beside the backups, where `pg-backup status` shows the last good drill.
   * @default - results are metrics and AWS Backup's validation status only
   */
  readonly drillResults?: DrillResultStoreArgs;
  /**
   * Days task and execution logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

/** Core's restore testing options with the Pulumi handles of their validation. */
export interface RestoreTestingArgs extends RestoreTestingOptions {
  /**
   * Validate each restore test with `pg-backup check` and report the result to AWS Backup.
   * @default - no validation
   */
  readonly validation?: RestoreValidationArgs;
}

/** The facts the plan needs of a validation's handles: Pulumi knows the secret and the check files, not the database's name or major. */
export function restoreValidationFacts(args: RestoreTestingArgs | undefined): RestoreValidationFrontEndFacts | undefined {
  const validation = args?.validation;
  if (validation === undefined) return undefined;
  return {
    hasSecret: validation.secretArn !== undefined,
    checkFiles: (validation.checkFiles ?? []).map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined })),
    writeDrillResult: validation.drillResults !== undefined,
  };
}

/** The resources of a restore test's validation in Pulumi. */
export interface RenderedRestoreValidation {
  /** The state machine that validates each restore test. */
  readonly stateMachine: sfn.StateMachine;
  /** The definition as deployed, every placeholder filled. */
  readonly definition: pulumi.Output<string>;
  /** Its role: describe restored databases, run and stop the checks task, report, count, notify. */
  readonly role: iam.Role;
  /** The rule that starts it when a restore job of the plan completes. */
  readonly rule: cloudwatch.EventRule;
  /** The checks task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** Security group of the checks task. */
  readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the restored database (reachable from the checks task only), when none was given. */
  readonly restoredSecurityGroup?: ec2.SecurityGroup;
  /** Where the rule puts the starts it could not make. */
  readonly deadLetterQueue: sqs.Queue;
  /** Alarms: a failed validation, a start the rule could not make. */
  readonly alarms: readonly cloudwatch.MetricAlarm[];
}

/** The resources of core's restore testing plan in Pulumi. */
export interface RenderedRestoreTesting {
  /** The restore testing plan. */
  readonly plan: backup.RestoreTestingPlan;
  /** The selection of the database. */
  readonly selection: backup.RestoreTestingSelection;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
  /** The validation of each test, when asked for. */
  readonly validation?: RenderedRestoreValidation;
}

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles {
  /** The account, region and partition ARNs are formatted in. */
  readonly environment: AwsEnvironment;
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: pulumi.Input<string>;
  /** ARN of the database. */
  readonly databaseArn: pulumi.Input<string>;
  /** Instance or Aurora cluster: what the validation describes. */
  readonly kind: 'instance' | 'aurora-cluster';
  /** ARN of the topic failed validations go to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * The args as given, for the validation's handles.
   * @default - no validation
   */
  readonly args?: RestoreTestingArgs;
}

/**
 * Creates core's restore testing plan as children of `parent`, named `<name>-restore-testing…`: the plan over the
 * vault's recovery points, the selection of the database, its role, and the validation of each test when asked for
 * (`<name>-restore-validation…`).
 */
export function renderRestoreTesting(
  name: string, parent: pulumi.Resource, planned: RestoreTestingPlan, handles: RestoreTestingHandles,
): RenderedRestoreTesting {
  const role = new iam.Role(`${name}-restore-testing-role`, {
    description: planned.role.description,
    assumeRolePolicy: assumedByService('backup.amazonaws.com'),
  }, { parent });
  const attachment = new iam.RolePolicyAttachment(`${name}-restore-testing-restores`, {
    role: role.name,
    policyArn: pulumi.interpolate`arn:${handles.environment.partition}:iam::aws:policy/${planned.role.managedPolicy}`,
  }, { parent });
  const plan = new backup.RestoreTestingPlan(`${name}-restore-testing`, {
    name: planned.plan.name,
    scheduleExpression: planned.plan.scheduleExpression,
    startWindowHours: planned.plan.startWindowHours,
    recoveryPointSelection: {
      algorithm: planned.plan.algorithm,
      includeVaults: [handles.vaultArn],
      recoveryPointTypes: [...planned.plan.recoveryPointTypes],
      selectionWindowDays: planned.plan.selectionWindowDays,
    },
  }, { parent });
  const validationArgs = handles.args?.validation;
  const validation = planned.validation && validationArgs
    ? renderRestoreValidation(`${name}-restore-validation`, parent, planned.validation, validationArgs, handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  const overrides = {
    ...planned.selection.restoreMetadataOverrides,
    ...(restoredSecurityGroup ? { vpcSecurityGroupIds: pulumi.jsonStringify([restoredSecurityGroup.id]) } : {}),
  };
  const selection = new backup.RestoreTestingSelection(`${name}-restore-testing-selection`, {
    restoreTestingPlanName: plan.name,
    name: planned.selection.name,
    protectedResourceType: planned.selection.protectedResourceType,
    protectedResourceArns: [handles.databaseArn],
    iamRoleArn: role.arn,
    restoreMetadataOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    validationWindowHours: planned.selection.validationWindowHours,
  }, { parent, dependsOn: [attachment] });
  return { plan, selection, role, validation };
}

/** The validation: checks task, its network, the state machine with its scoped role, the rule that starts it, its alarms. */
function renderRestoreValidation(
  name: string, parent: pulumi.Resource, planned: RestoreValidationPlan, args: RestoreValidationArgs, handles: RestoreTestingHandles,
  plan: backup.RestoreTestingPlan,
): RenderedRestoreValidation {
  const child = { parent };
  const { descriptions } = planned;
  const { environment, notificationTopicArn } = handles;
  const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const cluster = givenOrNewEcsCluster(name, args.cluster, child);
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child);

  // The checks only connect to the restored database: the task role has no permissions; the state machine writes the result.
  const taskRole = createTaskRole(`${name}-task-role`, descriptions.taskRole, parent);
  const executionRole = createTaskRole(`${name}-execution-role`, descriptions.executionRole, parent);
  new iam.RolePolicy(`${name}-execution-policy`, {
    role: executionRole.id,
    policy: policyDocument(grantStatements(TASK_EXECUTION_IAM_ACTIONS, {
      'task-log-group': { resources: pulumi.interpolate`${logGroup.arn}:*` },
      'database-secret': { resources: args.secretArn },
    })),
  }, child);
  const taskDefinition = createPlannedTaskDefinition(`${name}-task`, {
    family: name,
    size: { cpu: 256, memoryLimitMiB: 512 },
    taskRoleArn: taskRole.arn,
    executionRoleArn: executionRole.arn,
    container: {
      name: planned.containerName,
      image: args.image,
      // The state machine's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
      entryPoint: ['env'],
      command: planned.checkCommand,
      environment: planned.checkEnvironment,
      secrets: { PGUSER: pulumi.interpolate`${args.secretArn}:username::`, PGPASSWORD: pulumi.interpolate`${args.secretArn}:password::` },
      logs: { groupName: logGroup.name, region: environment.region, streamPrefix: 'check' },
    },
  }, parent);

  const taskSecurityGroup = createTaskSecurityGroup(`${name}-task-sg`, args.vpcId, descriptions.taskSecurityGroup, parent);
  const port = args.port ?? 5432;
  const restoredSecurityGroup = planned.createRestoredSecurityGroup
    ? new ec2.SecurityGroup(`${name}-restored-sg`, {
      vpcId: args.vpcId,
      description: descriptions.restoredSecurityGroup,
      ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, securityGroups: [taskSecurityGroup.id], description: descriptions.restoredIngress }],
      egress: [],
    }, child)
    : undefined;

  const drillResults = args.drillResults;
  const { definition, drillRole, stateMachine } = createDrillExecution(name, parent, {
    drill: planned.drill,
    substitutions: ecsDrillSubstitutions({
      databaseName: planned.databaseName,
      notificationTopicArn,
      clusterArn: cluster.arn,
      taskDefinitionArn: taskDefinition.arn,
      containerName: planned.containerName,
      subnetIds: args.taskSubnetIds,
      securityGroupId: taskSecurityGroup.id,
      additional: drillResults ? {
        [RestoreValidationPlaceholder.DRILL_RESULTS_BUCKET]: drillResults.bucketName,
        [RestoreValidationPlaceholder.DRILL_RESULTS_PREFIX]: drillResults.prefix,
      } : {},
    }),
    scopes: {
      ...ecsDrillScopes({
        environment,
        taskDefinitionArn: taskDefinition.arn,
        cluster,
        taskRoleArn: taskRole.arn,
        executionRoleArn: executionRole.arn,
        notificationTopicArn,
        metricNamespace: planned.metricNamespace,
      }),
      // AWS Backup names the restored database per job.
      'rds-restored': { Resource: formatArn(environment, 'rds', handles.kind === 'aurora-cluster' ? 'cluster:*' : 'db:*') },
      'backup-restore-jobs': { Resource: '*' },
      ...(drillResults ? { 'drill-result-objects': { Resource: pulumi.interpolate`${drillResults.bucketArn}/${drillResults.prefix}/${planned.databaseName}/drills/*` } } : {}),
    },
    notificationTopicKeyArn: handles.notificationTopicKeyArn,
    additionalStatements: drillResults?.encryptionKeyArn
      ? [{ Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: drillResults.encryptionKeyArn }]
      : [],
    logRetentionDays,
    owner: 'ManagedPostgresBackupPlan',
    roleDescription: descriptions.role,
  });

  const rule = new cloudwatch.EventRule(`${name}-rule`, {
    description: descriptions.rule,
    eventPattern: pulumi.jsonStringify({
      'source': planned.eventPattern.source,
      'detail-type': planned.eventPattern.detailType,
      'detail': { status: planned.eventPattern.status, restoreTestingPlanArn: [plan.arn] },
    }),
  }, child);
  const deadLetterQueue = createDeadLetterQueue(`${name}-starts`, parent, rule.arn);
  const eventsRole = new iam.Role(`${name}-events-role`, { assumeRolePolicy: assumedByService('events.amazonaws.com') }, child);
  new iam.RolePolicy(`${name}-events-policy`, {
    role: eventsRole.id,
    policy: policyDocument([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachine.arn }]),
  }, child);
  new cloudwatch.EventTarget(`${name}-target`, {
    rule: rule.name,
    arn: stateMachine.arn,
    roleArn: eventsRole.arn,
    deadLetterConfig: { arn: deadLetterQueue.arn },
    retryPolicy: { maximumRetryAttempts: planned.startRetry.attempts, maximumEventAgeInSeconds: planned.startRetry.maxEventAgeSeconds },
  }, child);
  const alarms = createPlannedAlarms(name, planned.alarms, notificationTopicArn, parent, {
    'state-machine': stateMachine.arn,
    'dead-letter-queue': deadLetterQueue.name,
  });
  return { stateMachine, definition, role: drillRole, rule, taskDefinition, taskSecurityGroup, restoredSecurityGroup, deadLetterQueue, alarms };
}
