/**
 * How EventBridge Scheduler retries a start of a scheduled task or drill it could not make (a throttled or failing
 * API), before the start goes to the dead-letter queue, whose alarm pages: three more attempts within an hour, so a
 * brief outage does not page and a run that cannot start does so within its hour.
 */
export const SCHEDULE_START_RETRY: { readonly attempts: number; readonly maxEventAgeSeconds: number } = {
  attempts: 3,
  maxEventAgeSeconds: 3600,
};

/**
 * How long the queue a schedule sends the starts it could not make to keeps them, days: as long as SQS keeps a message,
 * so a run that never started leaves a trace while its alarm pages.
 */
export const SCHEDULE_DEAD_LETTER_RETENTION_DAYS = 14;

/** The description of a schedule's own role where its construct's plan words none. */
export const SCHEDULER_ROLE_DESCRIPTION = 'Lets EventBridge Scheduler start the backup target of one schedule, nothing else';

/**
 * The conditions of a schedule role's trust policy: EventBridge Scheduler may assume it only for schedules of this
 * account's default group (the confused-deputy guard), `defaultGroupArn` written as the front end writes ARNs.
 */
export function schedulerTrustConditions<T>(account: T, defaultGroupArn: T): { StringEquals: Record<string, T> } {
  return { StringEquals: { 'aws:SourceAccount': account, 'aws:SourceArn': defaultGroupArn } };
}
