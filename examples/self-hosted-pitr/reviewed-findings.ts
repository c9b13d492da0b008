import { CfnElement, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { SelfHostedPitrExampleStack } from './pitr-stack';

/** Acknowledges, by exact id and with the reviewer's reason, the AwsSolutions findings this example accepts. */
export function acknowledgeReviewedFindings(stack: SelfHostedPitrExampleStack): void {
  const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const { archive } = stack;
  const drill = archive.drill!;
  const bucket = logicalId(archive.bucket);
  const archivePrefixes = [`Resource::<${bucket}.Arn>/archive/orders/*`, `Resource::<${bucket}.Arn>/backup/orders/*`];

  Validations.of(archive.instanceRole!).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    reason: 'The AWS policy for instances managed by Systems Manager: State Manager runs the scheduled base backups and '
      + 'archive checks on the database host, and Session Manager replaces SSH. AWS maintains it as the SSM agent changes.',
  });
  Validations.of(archive.instanceRole!).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy]',
    reason: 'The AWS policy of the CloudWatch agent, which turns the archive check\'s embedded-metric lines into the '
      + 'metrics the archiver alarms watch (PutMetricData and its own log groups only).',
  });
  for (const id of archivePrefixes) {
    Validations.of(archive.instanceRole!).acknowledge({
      id: `AwsSolutions-IAM5[${id}]`,
      reason: 'pgBackRest on the host writes one object per WAL segment and per backup file, named as it archives them, '
        + 'under its own stanza prefix only; it deletes there (its own expire, retention-full) and nowhere else: the '
        + 'bucket policy denies deletion to every other principal.',
    });
    Validations.of(drill.taskDefinition.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[${id}]`,
      reason: 'The PITR drill reads (get, list; no write or delete) the WAL and base backups of the one stanza it '
        + 'restores; segment and backup keys are created as the host archives, so they cannot be named in advance.',
    });
  }
  Validations.of(drill.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'The environment holds pgbackrest.conf (bucket, region, KMS key ARN; no credentials: the task role\'s are '
      + 'fetched at run time) and the SQL text of the drill checks. Neither is a secret.',
  });
  Validations.of(drill.taskDefinition.obtainExecutionRole()).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image, has no resource-level permissions; the other '
      + 'statements of the execution role name the log group and the repository.',
  });
  Validations.of(drill.stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions: ecs:ListTasks (held by an ecs:cluster condition), '
      + 'cloudwatch:PutMetricData (held by a cloudwatch:namespace condition), X-Ray tracing and log delivery.',
  });
  Validations.of(drill.stateMachine.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:${stack.account}:task/<${logicalId(drill.cluster)}>/*]`,
    reason: 'ecs:DescribeTasks, ecs:StopTask and ecs:TagResource on the tasks of the one drill cluster: a task ARN is '
      + 'known only once it runs.',
  });
  Validations.of(drill.node.findChild('DeadLetterQueue')).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the EventBridge Scheduler schedule of the drill (a target DLQ, which '
      + 'cdk-nag cannot see); it has an alarm on visible messages.',
  });
}
