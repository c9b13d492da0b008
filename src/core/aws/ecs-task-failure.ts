import { NotificationPart } from './event-notification';

/** The EventBridge source and detail type of the events ECS sends when a task changes state. */
export const ECS_TASK_STATE_CHANGE = { source: 'aws.ecs', detailType: 'ECS Task State Change' } as const;

/** The `detail` of the EventBridge pattern that matches a task of `taskDefinitionArns` stopping with a non-zero exit or failing to start. */
export function ecsTaskFailedDetail<T>(taskDefinitionArns: T[]): Record<string, unknown> {
  return {
    lastStatus: ['STOPPED'],
    taskDefinitionArn: taskDefinitionArns,
    $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
  };
}

/** What the rule that notifies a topic of a failed task says; each front end adds the task definitions and the topic. */
export interface TaskFailureNotificationOptions {
  /** Description of the rule. */
  readonly description: string;
  /** What failed, the start of the message, e.g. `A scheduled pg_dump task`. */
  readonly subject: string;
  /**
   * Name who started the task (a schedule's id), for tasks of one definition started by many schedules.
   * @default false
   */
  readonly namesStarter?: boolean;
}

/**
 * The notification of a failed task: `<subject> failed: <task> (started by <starter>) stopped (<code>): <reason>`, each
 * value a field of the event.
 * @param namesStarter name who started the task (a schedule's id), for tasks of one definition started by many schedules
 */
export function taskFailureNotification(subject: string, namesStarter: boolean): NotificationPart[] {
  return [
    `${subject} failed: `, { eventPath: '$.detail.taskArn' },
    ...(namesStarter ? [' (started by ', { eventPath: '$.detail.startedBy' }, ')'] : []),
    ' stopped (', { eventPath: '$.detail.stopCode' }, '): ', { eventPath: '$.detail.stoppedReason' },
  ];
}

/** {@link taskFailureNotification} as one text, each field read from the event by `field(path)`, as the front end reads it. */
export function taskFailureMessage(subject: string, namesStarter: boolean, field: (path: string) => string): string {
  return taskFailureNotification(subject, namesStarter).map((part) => (typeof part === 'string' ? part : field(part.eventPath))).join('');
}
