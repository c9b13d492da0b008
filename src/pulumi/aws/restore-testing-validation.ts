import * as backup from '@pulumi/aws/backup';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as sfn from '@pulumi/aws/sfn';
import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { ExistingBucket } from './backup-store-handles';
import { createPlannedAlarms } from './metric-alarm';
import { plannedContainerDefinitions } from './planned-containers';
import { createPlannedStateMachine } from './planned-state-machine';
import { createDeadLetterQueue } from './planned-task-schedules';
import { createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { assumedByService, grantStatements, policyDocument } from './policy-document';
import { drillBucket, ecsTaskWiring } from './scheduled-drill';
import { DEFAULT_LOG_RETENTION_DAYS } from './scheduled-pg-dump';
import { createDrillDatabaseSecurityGroup } from './scratch-rds-target';
import { RestoredDatabaseChecksArgs } from './snapshot-restore-drill-props';
import { givenOrNewEcsCluster } from './task-placement-handles';
import { restoreValidationContainers } from '../../core/aws/drill-task-containers';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, STATE_MACHINE_SCHEDULE_IAM_ACTIONS, actionsOnResource } from '../../core/aws/iam-action-groups';
import { DEFAULT_MANAGED_DATABASE_PORT } from '../../core/aws/managed-postgres-database';
import { RestoreValidationResources } from '../../core/aws/restore-testing';
import { RestoreValidationOptions, RestoreValidationPlan, restoreValidationWiring } from '../../core/aws/restore-testing-validation';
import { DrillResultsOption } from '../../core/aws/snapshot-restore-drill';
import { taskResourceNames } from '../../core/aws/task-resource-names';

/** Where a restore test's validation writes its drill result: the backups' bucket and prefix, where `pg-backup status` reads it. */
export interface DrillResultStoreArgs extends ExistingBucket {
  /** The prefix of the backups in it (`<prefix>/<database>/drills/<time>.json`), without leading or trailing slash. */
  readonly prefix: string;
}

/** Core's validation options and the Pulumi handles the checks need. */
export interface RestoreValidationArgs extends RestoreValidationOptions, RestoredDatabaseChecksArgs, DrillResultsOption<DrillResultStoreArgs> {}

/** The resources of a restore test's validation in Pulumi. */
export interface RenderedRestoreValidation extends RestoreValidationResources<
  sfn.StateMachine, iam.Role, cloudwatch.EventRule, ecs.TaskDefinition, ec2.SecurityGroup, sqs.Queue, cloudwatch.MetricAlarm
> {
  /** The definition as deployed, every placeholder filled. */
  readonly definition: pulumi.Output<string>;
}

/** What the validation of restore tests renders with, besides the plan and the args. */
export interface RestoreValidationHandles {
  /** The account, region and partition ARNs are formatted in. */
  readonly environment: AwsEnvironment;
  /** ARN of the topic failed validations go to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
}

/**
 * Creates the validation of restore tests as children of `parent`, named `<name>…`: checks task, its network, the state
 * machine with its scoped role, the rule that starts it when a restore job of `plan` completes, and its alarms.
 */
export function renderRestoreValidation(
  name: string, parent: pulumi.Resource, planned: RestoreValidationPlan, args: RestoreValidationArgs, handles: RestoreValidationHandles,
  plan: backup.RestoreTestingPlan,
): RenderedRestoreValidation {
  const child = { parent };
  const { descriptions } = planned;
  const { environment, notificationTopicArn } = handles;
  const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const cluster = givenOrNewEcsCluster(name, args.cluster, child);
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child);
  // The checks only connect to the restored database: the task role has no permissions; the state machine writes the result.
  const { taskRole, executionRole, taskDefinition, securityGroup: taskSecurityGroup } = createPlannedTask(taskResourceNames(name), {
    family: name,
    size: planned.task,
    taskRole: { role: descriptions.taskRole },
    executionRole: { role: descriptions.executionRole, statements: taskExecutionStatements(logGroup.arn, args.secretArn) },
    securityGroup: { vpcId: args.vpcId, description: descriptions.taskSecurityGroup },
    container: plannedContainerDefinitions(restoreValidationContainers(planned).containers, {
      images: { runner: args.image },
      secrets: {
        'database-username': pulumi.interpolate`${args.secretArn}:username::`, 'database-password': pulumi.interpolate`${args.secretArn}:password::`,
      },
      logs: { groupName: logGroup.name, region: environment.region },
    }),
  }, parent);
  const restoredSecurityGroup = planned.restoredSecurityGroup && createDrillDatabaseSecurityGroup(`${name}-restored-sg`, parent, {
    vpcId: args.vpcId, taskSecurityGroupId: taskSecurityGroup.id,
  }, args.port ?? DEFAULT_MANAGED_DATABASE_PORT, planned.restoredSecurityGroup);

  const drillResults = args.drillResults;
  const wiring = restoreValidationWiring<pulumi.Input<string>>(planned, {
    restoredDatabasesArn: formatArn(environment, 'rds', planned.restoredDatabases),
    drillResults: drillResults && { ...drillBucket(drillResults), prefix: drillResults.prefix },
  });
  const task = { taskDefinition, taskRole, executionRole, securityGroup: taskSecurityGroup };
  const taskWiring = ecsTaskWiring(environment, task, cluster, args.taskSubnetIds, { ...planned, notificationTopicArn });
  const { definition, role, stateMachine } = createPlannedStateMachine(name, parent, planned.stateMachine, {
    substitutions: pulumi.output({ ...taskWiring.placeholders, ...wiring.placeholders }),
    scopes: { ...taskWiring.scopes, ...wiring.scopes },
    notificationTopicKeyArn: handles.notificationTopicKeyArn,
    additionalStatements: drillResults?.encryptionKeyArn
      ? [{ Effect: 'Allow', Action: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'), Resource: drillResults.encryptionKeyArn }]
      : [],
    logRetentionDays,
    owner: 'ManagedPostgresBackupPlan',
  });

  const rule = new cloudwatch.EventRule(`${name}-rule`, {
    description: descriptions.rule,
    eventPattern: pulumi.jsonStringify({
      'source': planned.eventPattern.source,
      'detail-type': planned.eventPattern.detailType,
      'detail': { status: planned.eventPattern.status, restoreTestingPlanArn: [plan.arn] },
    }),
  }, child);
  const deadLetterQueue = createDeadLetterQueue(`${name}-starts`, parent, [rule.arn]);
  const eventsRole = new iam.Role(`${name}-events-role`, { assumeRolePolicy: assumedByService('events.amazonaws.com') }, child);
  new iam.RolePolicy(`${name}-events-policy`, {
    role: eventsRole.id,
    // EventBridge sends a start it could not make to the queue by the queue's policy, not by this role.
    policy: policyDocument(grantStatements(STATE_MACHINE_SCHEDULE_IAM_ACTIONS, { 'state-machine': { resources: stateMachine.arn } })),
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
  return { stateMachine, definition, role, rule, taskDefinition, taskSecurityGroup, restoredSecurityGroup, deadLetterQueue, alarms };
}
