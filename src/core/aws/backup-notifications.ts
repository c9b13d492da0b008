import { PlannedPolicyStatement } from './backup-bucket';

/** The services that publish to a created notification topic whatever else is asked: CloudWatch alarms and EventBridge rules. */
export const DEFAULT_PUBLISHING_SERVICES: readonly string[] = ['cloudwatch.amazonaws.com', 'events.amazonaws.com'];

/** What a `BackupNotifications` creates when no topic is given, decided once. */
export const BACKUP_NOTIFICATIONS_PLAN = {
  /** The description of the topic's key. */
  keyDescription: 'Encrypts the backup notification topic',
  /** The topic's display name. */
  displayName: 'PostgreSQL backup alerts',
} as const;

/** The statement of the topic key's policy that lets `service` (e.g. `events.amazonaws.com`) encrypt what it publishes. */
export function publisherKeyStatement(service: string): PlannedPolicyStatement {
  return {
    sid: `Allow${service.split('.')[0]}ToPublish`,
    effect: 'Allow',
    principal: { service },
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: [{ arn: '*' }],
  };
}

/** The services that publish to a created topic: CloudWatch, EventBridge and `additional`, each once. */
export function publishingServices(additional: readonly string[] = []): string[] {
  return [...new Set([...DEFAULT_PUBLISHING_SERVICES, ...additional])];
}

/**
 * The policy of a created topic (`topic` reference), as CDK's `enforceSSL` and `grantPublish` write it: TLS only, and
 * each service but CloudWatch may publish (CloudWatch alarms of the same account need no topic policy).
 */
export function notificationTopicPolicy(services: readonly string[]): PlannedPolicyStatement[] {
  return [
    {
      sid: 'AllowPublishThroughSSLOnly',
      effect: 'Deny',
      principal: '*',
      actions: ['sns:Publish'],
      resources: [{ ref: 'topic' }],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    ...services.filter((service) => service !== 'cloudwatch.amazonaws.com').map((service, index): PlannedPolicyStatement => ({
      sid: String(index + 1),
      effect: 'Allow',
      principal: { service },
      actions: ['sns:Publish'],
      resources: [{ ref: 'topic' }],
    })),
  ];
}
