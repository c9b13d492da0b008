import * as sqs from '@pulumi/aws/sqs';
import * as pulumi from '@pulumi/pulumi';
import { denyInsecureTransport, policyDocument } from './policy-document';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS } from '../../core/aws/schedule-start-retry';

/**
 * The queue a schedule sends the events it could not deliver to: encrypted with SQS-managed keys, TLS only, kept as
 * long as core's `SCHEDULE_DEAD_LETTER_RETENTION_DAYS` says, so a run that never started raises the dead-letter alarm.
 *
 * @param sendingRuleArn an EventBridge rule whose target dead-letters here: unlike a schedule's, a rule's target has no
 * role for its dead letters, so the queue's policy lets EventBridge send them for that rule only
 */
export function createDeadLetterQueue(name: string, parent: pulumi.Resource, sendingRuleArn?: pulumi.Input<string>): sqs.Queue {
  const queue = new sqs.Queue(`${name}-dead-letters`, {
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: SCHEDULE_DEAD_LETTER_RETENTION_DAYS * 24 * 3600,
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
