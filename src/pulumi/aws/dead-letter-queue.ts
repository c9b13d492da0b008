import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { denyInsecureTransport, policyDocument } from './policy-document';

/** How long a dead-lettered schedule event is kept: SQS's longest retention, 14 days. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The queue a schedule sends the events it could not deliver to: encrypted with SQS-managed keys, TLS only, kept
 * 14 days, so a run that never started leaves a trace and raises the dead-letter alarm.
 *
 * @param sendingRuleArn an EventBridge rule whose target dead-letters here: unlike a schedule's, a rule's target has no
 * role for its dead letters, so the queue's policy lets EventBridge send them for that rule only
 */
export function createDeadLetterQueue(name: string, parent: pulumi.Resource, sendingRuleArn?: pulumi.Input<string>): sqs.Queue {
  const queue = new sqs.Queue(`${name}-dead-letters`, {
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
  }, { parent });
  new sqs.QueuePolicy(`${name}-dead-letters-policy`, {
    queueUrl: queue.url,
    policy: policyDocument([
      denyInsecureTransport('sqs:*', queue.arn),
      ...(sendingRuleArn === undefined ? [] : [{
        Effect: 'Allow' as const,
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': sendingRuleArn } },
      }]),
    ]),
  }, { parent });
  return queue;
}
