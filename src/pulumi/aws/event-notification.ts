import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { EventNotificationPlan, EventPatternResources, eventPatternDetail, notificationInputTransformer } from '../../core/aws/event-notification';

/** What a planned notification's texts and pattern are filled with. */
export interface PlannedEventNotificationInputs {
  /**
   * The identifiers of the planned resource kinds the pattern names (e.g. `associations`).
   * @default - none
   */
  readonly resources?: EventPatternResources<pulumi.Input<string>>;
  /**
   * Fills the plan's placeholders in a text of the description, pattern or message.
   * @default - texts as they are
   */
  readonly fill?: (text: string) => pulumi.Input<string>;
}

/**
 * The EventBridge rule of a planned notification (`<name>-<plan name>`) and its target (`…-notification`), which sends
 * each matched event to the topic with the planned message through an input transformer.
 */
export function createEventNotification(
  name: string, plan: EventNotificationPlan, topicArn: pulumi.Input<string>, parent: pulumi.Resource, inputs: PlannedEventNotificationInputs = {},
): cloudwatch.EventRule {
  const fill = inputs.fill ?? ((text: string) => text);
  const rule = new cloudwatch.EventRule(`${name}-${plan.name}`, {
    description: fill(plan.description),
    eventPattern: pulumi.jsonStringify({
      'source': plan.eventPattern.source.map(fill),
      'detail-type': plan.eventPattern['detail-type'].map(fill),
      'detail': eventPatternDetail(plan, inputs.resources ?? {}, fill),
    }),
  }, { parent });
  const { inputPaths, inputTemplate } = notificationInputTransformer(plan.message);
  new cloudwatch.EventTarget(`${name}-${plan.name}-notification`, {
    rule: rule.name,
    arn: topicArn,
    inputTransformer: { inputPaths, inputTemplate: fill(inputTemplate) },
  }, { parent });
  return rule;
}
