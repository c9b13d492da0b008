import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';

/** What {@link notifyWhenTasksFail} watches and says. */
export interface TaskFailureNotificationProps {
  /** Description of the rule. */
  readonly description: string;
  /** The task definitions whose tasks are watched. */
  readonly taskDefinitionArns: pulumi.Input<string>[];
  /** The topic notified. */
  readonly topicArn: pulumi.Input<string>;
  /** What failed, the start of the message, e.g. `A scheduled pg_dump task`. */
  readonly subject: string;
  /**
   * Name who started the task (a schedule's id), for tasks of one definition started by many schedules.
   * @default false
   */
  readonly namesStarter?: boolean;
}

/**
 * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
 * still reports it stopping, so an EventBridge rule (`<name>-task-failed`) sends that event to the topic with the
 * task's ARN and reason (`<name>-task-failed-notification`).
 */
export function notifyWhenTasksFail(name: string, parent: pulumi.Resource, props: TaskFailureNotificationProps): cloudwatch.EventRule {
  const rule = new cloudwatch.EventRule(`${name}-task-failed`, {
    description: props.description,
    eventPattern: pulumi.jsonStringify({
      'source': ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      'detail': {
        lastStatus: ['STOPPED'],
        taskDefinitionArn: props.taskDefinitionArns,
        $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
      },
    }),
  }, { parent });
  new cloudwatch.EventTarget(`${name}-task-failed-notification`, {
    rule: rule.name,
    arn: props.topicArn,
    inputTransformer: {
      inputPaths: {
        'detail-taskArn': '$.detail.taskArn',
        ...(props.namesStarter ? { 'detail-startedBy': '$.detail.startedBy' } : {}),
        'detail-stopCode': '$.detail.stopCode',
        'detail-stoppedReason': '$.detail.stoppedReason',
      },
      inputTemplate: `"${props.subject} failed: <detail-taskArn>${props.namesStarter ? ' (started by <detail-startedBy>)' : ''} stopped `
        + '(<detail-stopCode>): <detail-stoppedReason>"',
    },
  }, { parent });
  return rule;
}
