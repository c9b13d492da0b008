import { ArnFormat, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { drillBucket, ecsTaskResources } from './drill-state-machine';
import { renderDrillTasks } from './drill-task';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { renderPlannedAlarms } from './planned-alarms';
import { createScheduleDeadLetterQueue } from './planned-schedules';
import { renderPlannedStateMachine } from './planned-state-machine';
import { addDrillDatabaseSecurityGroup } from './scratch-rds-target';
import { ChecksTaskSubnetsProps } from './snapshot-restore-drill-props';
import { LogRetentionProps, TaskPlacementProps } from './task-placement-handles';
import { restoreValidationContainers } from '../core/aws/drill-task-containers';
import { ecsDrillWiring } from '../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import { RestoreValidationResources } from '../core/aws/restore-testing';
import { RestoreValidationOptions, RestoreValidationPlan, restoreValidationWiring } from '../core/aws/restore-testing-validation';
import { DrillResultsOption } from '../core/aws/snapshot-restore-drill';

/** Where a restore test's validation writes its drill result: the backups' bucket and prefix, where `pg-backup status` reads it. */
export interface DrillResultStoreProps {
  /** The bucket of the backups. */
  readonly bucket: s3.IBucket;
  /** The prefix of the backups in it (`<prefix>/<database>/drills/<time>.json`), without leading or trailing slash. */
  readonly prefix: string;
}

/** Core's validation options and the CDK handles the checks need. */
export interface RestoreValidationProps
  extends RestoreValidationOptions, TaskPlacementProps, LogRetentionProps, ChecksTaskSubnetsProps, DrillResultsOption<DrillResultStoreProps> {
  /**
   * The secret with the master username and password the restored database keeps (`username`, `password`).
   * @default - the database's secret
   */
  readonly secret?: secretsmanager.ISecret;
}

/** The resources of a restore test's validation in CDK. */
export type RenderedRestoreValidation = RestoreValidationResources<
  sfn.StateMachine, iam.Role, events.Rule, ecs.FargateTaskDefinition, ec2.SecurityGroup, sqs.Queue, cloudwatch.Alarm
>;

/** What the validation of restore tests renders with, besides the plan and the props. */
export interface RestoreValidationHandles {
  /** The database. */
  readonly database: ManagedPostgresDatabase;
  /** The topic failed validations go to. */
  readonly notificationTopic: sns.ITopic;
}

/**
 * Creates the validation of restore tests in `scope`: checks task, its network, the state machine with its scoped role,
 * the rule that starts it when a restore job of `plan` completes, and its alarms.
 */
export function renderRestoreValidation(
  scope: Construct, planned: RestoreValidationPlan, props: RestoreValidationProps, handles: RestoreValidationHandles,
  plan: backup.CfnRestoreTestingPlan,
): RenderedRestoreValidation {
  const { database, notificationTopic } = handles;
  const { descriptions } = planned;
  const secret = (props.secret ?? database.secret)!;
  const task = { id: 'Task', size: planned.task, postgresMajorVersion: planned.postgresMajorVersion, containers: restoreValidationContainers(planned) };
  const tasks = renderDrillTasks(scope, planned, props, [task], {
    idPrefix: 'RestoreValidation',
    subnets: props.taskSubnets,
    secrets: {
      'database-username': ecs.Secret.fromSecretsManager(secret, 'username'),
      'database-password': ecs.Secret.fromSecretsManager(secret, 'password'),
    },
  });
  const { cluster, logRetention, taskDefinitions: [taskDefinition], securityGroup: taskSecurityGroup, subnets: taskSubnets } = tasks;
  const restoredSecurityGroup = planned.restoredSecurityGroup && addDrillDatabaseSecurityGroup(scope, 'RestoredDatabaseSecurityGroup', {
    vpc: props.vpc, taskSecurityGroup,
  }, database.port, planned.restoredSecurityGroup);

  const drillResults = props.drillResults;
  const wiring = restoreValidationWiring(planned, {
    restoredDatabasesArn: Stack.of(scope).formatArn({ service: 'rds', resource: planned.restoredDatabases, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    drillResults: drillResults && { ...drillBucket(drillResults.bucket), prefix: drillResults.prefix },
  });
  const taskWiring = ecsDrillWiring({
    ...ecsTaskResources(scope, taskDefinition, cluster),
    ...planned,
    notificationTopicArn: notificationTopic.topicArn,
    subnets: Fn.join(',', taskSubnets.subnetIds),
    securityGroupId: taskSecurityGroup.securityGroupId,
  });
  const { role, stateMachine } = renderPlannedStateMachine(scope, planned.stateMachine, {
    substitutions: { ...taskWiring.placeholders, ...wiring.placeholders },
    scopes: { ...taskWiring.scopes, ...wiring.scopes },
    logRetention,
    owner: 'ManagedPostgresBackupPlan',
    what: 'the validation of restore tests',
    grant: (grantee) => {
      notificationTopic.masterKey?.grant(grantee, ...TOPIC_KEY_PUBLISH_IAM_ACTIONS);
      drillResults?.bucket.encryptionKey?.grant(grantee, ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'));
    },
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
