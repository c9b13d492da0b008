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

/**
 * The notification of a failed task: `<subject> failed: <task> (started by <starter>) stopped (<code>): <reason>`, each
 * value read from the event by `field(path)` (a JSON path such as `$.detail.taskArn`), as the front end reads it.
 * @param namesStarter name who started the task (a schedule's id), for tasks of one definition started by many schedules
 */
export function taskFailureMessage(subject: string, namesStarter: boolean, field: (path: string) => string): string {
  return `${subject} failed: ${field('$.detail.taskArn')}${namesStarter ? ` (started by ${field('$.detail.startedBy')})` : ''} `
    + `stopped (${field('$.detail.stopCode')}): ${field('$.detail.stoppedReason')}`;
}
