import { ReviewedWildcard } from './reviewed-wildcard';
import { SCHEDULED_TASK_IAM_ACTIONS, actionsOnResource } from '../iam-action-groups';

/** `ecr:GetAuthorizationToken`, which an execution role needs to pull an image from ECR and which has no resource. */
export const IMAGE_PULL_WILDCARD: ReviewedWildcard = {
  resource: '*',
  actions: ['ecr:GetAuthorizationToken'],
  reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image from ECR, has no resource-level permissions; the '
    + 'other statements of the role name the repository, the log group and the secrets.',
};

/**
 * What EventBridge Scheduler needs to start a task with its schedule's tags: `ecs:TagResource` on the tasks of the one
 * cluster (`tasks`: `arn:…:task/<cluster>/*`, as the schedule's target writes it), whose ARNs exist only once started.
 */
export function scheduledTasksWildcardOn(tasks: string): ReviewedWildcard {
  return {
    resource: tasks,
    actions: actionsOnResource(SCHEDULED_TASK_IAM_ACTIONS, 'ecs-task'),
    reason: 'EventBridge Scheduler tags the tasks it starts, in the one cluster only: a task ARN exists only once the task has started.',
  };
}
