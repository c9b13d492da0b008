import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EventNotificationPlan, EventPatternResources, eventPatternDetail } from '../core/aws/event-notification';

/** What a planned notification's texts and pattern are filled with. */
export interface PlannedEventNotificationValues {
  /**
   * The identifiers of the planned resource kinds the pattern names (e.g. `associations`).
   * @default - none
   */
  readonly resources?: EventPatternResources<string>;
  /**
   * Fills the plan's placeholders in a text of the description, pattern or message.
   * @default - texts as they are
   */
  readonly fill?: (text: string) => string;
}

/** The EventBridge rule of a planned notification, its id the plan's, sending each matched event to `topic` with the planned message. */
export function renderEventNotification(
  scope: Construct, plan: EventNotificationPlan, topic: sns.ITopic, values: PlannedEventNotificationValues = {},
): events.Rule {
  const fill = values.fill ?? ((text: string) => text);
  const rule = new events.Rule(scope, plan.id, {
    description: fill(plan.description),
    eventPattern: {
      source: plan.eventPattern.source.map(fill),
      detailType: plan.eventPattern['detail-type'].map(fill),
      detail: eventPatternDetail(plan, values.resources ?? {}, fill),
    },
  });
  rule.addTarget(new eventsTargets.SnsTopic(topic, {
    message: events.RuleTargetInput.fromText(plan.message.map((part) => (typeof part === 'string' ? fill(part) : events.EventField.fromPath(part.eventPath))).join('')),
  }));
  return rule;
}
