/**
 * How EventBridge Scheduler retries a start of a scheduled task or drill it could not make (a throttled or failing
 * API), before the start goes to the dead-letter queue, whose alarm pages: three more attempts within an hour, so a
 * brief outage does not page and a run that cannot start does so within its hour.
 */
export const SCHEDULE_START_RETRY: { readonly attempts: number; readonly maxEventAgeSeconds: number } = {
  attempts: 3,
  maxEventAgeSeconds: 3600,
};
