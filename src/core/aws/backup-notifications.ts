/** The services that publish to a created notification topic whatever else is asked: CloudWatch alarms and EventBridge rules. */
export const DEFAULT_PUBLISHING_SERVICES: readonly string[] = ['cloudwatch.amazonaws.com', 'events.amazonaws.com'];

/** What a `BackupNotifications` creates when no topic is given, decided once. */
export const BACKUP_NOTIFICATIONS_PLAN = {
  /** The description of the topic's key. */
  keyDescription: 'Encrypts the backup notification topic',
  /** The topic's display name. */
  displayName: 'PostgreSQL backup alerts',
  /** What a publishing service may do with the topic's key. */
  publisherKeyActions: ['kms:GenerateDataKey*', 'kms:Decrypt'] as readonly string[],
} as const;

/** The key-policy statement id that lets `service` (e.g. `events.amazonaws.com`) publish to the encrypted topic. */
export function publisherKeySid(service: string): string {
  return `Allow${service.split('.')[0]}ToPublish`;
}
