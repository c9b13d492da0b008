import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { ECS_TASK_STATE_CHANGE, TaskFailureNotificationOptions, ecsTaskFailedDetail, taskFailureNotification } from '../../core/aws/ecs-task-failure';
import { notificationInputTransformer } from '../../core/aws/event-notification';

/** What {@link notifyWhenTasksFail} watches and says. */
export interface TaskFailureNotificationProps extends TaskFailureNotificationOptions {
  /** The task definitions whose tasks are watched. */
  readonly taskDefinitionArns: pulumi.Input<string>[];
  /** The topic notified. */
  readonly topicArn: pulumi.Input<string>;
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
      'source': [ECS_TASK_STATE_CHANGE.source],
      'detail-type': [ECS_TASK_STATE_CHANGE.detailType],
      'detail': ecsTaskFailedDetail(props.taskDefinitionArns),
    }),
  }, { parent });
  const { inputPaths, inputTemplate } = notificationInputTransformer(taskFailureNotification(props.subject, props.namesStarter ?? false));
  new cloudwatch.EventTarget(`${name}-task-failed-notification`, {
    rule: rule.name,
    arn: props.topicArn,
    inputTransformer: { inputPaths, inputTemplate },
  }, { parent });
  return rule;
}
