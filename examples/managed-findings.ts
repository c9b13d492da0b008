import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { ManagedPostgresBackupPlan, SnapshotRestoreDrill } from '../src/cdk';

/**
 * The AwsSolutions findings the managed-database examples accept, each named exactly and with the reason it was
 * accepted; any other finding fails `cdk synth`.
 */
export function acknowledgeManagedBackupFindings(stack: Stack, plan: ManagedPostgresBackupPlan, drill: SnapshotRestoreDrill): void {
  const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const rdsArn = (resource: string) => `Resource::arn:<AWS::Partition>:rds:${stack.region}:${stack.account}:${resource}`;

  Validations.of(plan.selection.node.findChild('Role')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    reason: 'The AWS Backup service role policy, kept current by AWS for every resource type AWS Backup supports; the role '
      + 'can only be assumed by backup.amazonaws.com and the plan selects the one database.',
  });
  Validations.of(plan.monitoring.restorableTimeCheck.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions: cloudwatch:PutMetricData (held by a cloudwatch:namespace '
      + 'condition), X-Ray tracing and log delivery. rds:DescribeDB* names the one database.',
  });
  Validations.of(drill.taskDefinition.obtainExecutionRole()).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image, has no resource-level permissions; the other '
      + 'statements of the execution role name the log group, the repository and the database secret.',
  });
  const drillRole = drill.stateMachine.role;
  Validations.of(drillRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions: ecs:ListTasks (held by an ecs:cluster condition), '
      + 'cloudwatch:PutMetricData (held by a cloudwatch:namespace condition), X-Ray tracing and log delivery.',
  });
  Validations.of(drillRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:${stack.account}:task/<${logicalId(drill.cluster)}>/*]`,
    reason: 'ecs:DescribeTasks, ecs:StopTask and ecs:TagResource on the tasks of the one drill cluster: a task ARN is known only once it runs.',
  });
  Validations.of(drillRole).acknowledge({
    id: `AwsSolutions-IAM5[${rdsArn(drill.database.kind === 'instance' ? 'snapshot:*' : 'cluster-snapshot:*')}]`,
    reason: 'Describe and restore snapshots: automated and AWS Backup snapshot names are generated per backup '
      + '(rds:<id>-<date>, awsbackup:job-<id>), and listing is scoped by the source database ARN.',
  });
  Validations.of(drillRole).acknowledge({
    id: `AwsSolutions-IAM5[${rdsArn(`db:${drill.scratchIdentifierPrefix}-*`)}]`,
    reason: 'Create, tag, poll and delete only scratch instances whose identifier starts with the drill prefix; each drill '
      + 'names its instance after the execution, so the name is not known in advance.',
  });
  if (drill.database.kind === 'aurora-cluster') {
    Validations.of(drillRole).acknowledge({
      id: `AwsSolutions-IAM5[${rdsArn(`cluster:${drill.scratchIdentifierPrefix}-*`)}]`,
      reason: 'Restore into and delete only scratch clusters whose identifier starts with the drill prefix, named after the execution.',
    });
  }
  Validations.of(drill.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'The environment holds the SQL text of the checks, the database name and PGSSLMODE, none of them secret; '
      + 'the credentials come from Secrets Manager.',
  });
  Validations.of(drill.node.findChild('DeadLetterQueue')).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the drill\'s EventBridge Scheduler schedule (a target DLQ, which cdk-nag '
      + 'cannot see); it has an alarm on visible messages.',
  });
}
