/** A piece of a notification: text (which may hold a plan's placeholders), or a field of the event (`$.detail.state`). */
export type NotificationPart = string | { readonly eventPath: string };

/**
 * A value of a planned event pattern: text (which may hold a plan's placeholders), or every identifier of a planned
 * resource kind (e.g. `associations`), which the front end knows only once it created them.
 */
export type EventPatternValue = string | { readonly resource: string };

/** An EventBridge rule that sends the events it matches to the plan's topic, with a message read from the event. */
export interface EventNotificationPlan {
  /** Construct id of the rule in CDK. */
  readonly id: string;
  /** Suffix of the rule's resource name in Pulumi (`<name>-<suffix>`, its target `<name>-<suffix>-notification`). */
  readonly name: string;
  /** The rule's description. */
  readonly description: string;
  /** The event pattern, with EventBridge's own keys. */
  readonly eventPattern: {
    readonly 'source': readonly string[];
    readonly 'detail-type': readonly string[];
    readonly 'detail': Readonly<Record<string, readonly EventPatternValue[]>>;
  };
  /** The message the topic receives. */
  readonly message: readonly NotificationPart[];
}

/** The values of the planned resource kinds an event pattern names, as the front end knows them (tokens or outputs). */
export type EventPatternResources<T> = Readonly<Record<string, readonly T[]>>;

/**
 * The `detail` of a planned event pattern with each text passed through `fill` and each planned resource kind replaced
 * by its identifiers in `resources`.
 */
export function eventPatternDetail<T>(
  plan: EventNotificationPlan, resources: EventPatternResources<T>, fill: (text: string) => T,
): Record<string, T[]> {
  return Object.fromEntries(Object.entries(plan.eventPattern.detail).map(([key, values]) => [key, values.flatMap((value) => {
    if (typeof value === 'string') return [fill(value)];
    const identifiers = resources[value.resource];
    if (identifiers === undefined) throw new Error(`the event rule ${plan.id} names the planned resource ${value.resource}, which was not rendered`);
    return [...identifiers];
  })]));
}

/** The name EventBridge's input transformer gives an event field (`$.detail.state` → `detail-state`). */
function inputNameOf(eventPath: string): string {
  return eventPath.replace(/^\$\./, '').replace(/\./g, '-');
}

/**
 * The message as an EventBridge input transformer: each event field a named input path, and the template a JSON
 * string quoting them as `<name>` (texts as they are, placeholders still to be filled).
 */
export function notificationInputTransformer(message: readonly NotificationPart[]): { inputPaths: Record<string, string>; inputTemplate: string } {
  const inputPaths: Record<string, string> = {};
  const text = message.map((part) => {
    if (typeof part === 'string') return part;
    inputPaths[inputNameOf(part.eventPath)] = part.eventPath;
    return `<${inputNameOf(part.eventPath)}>`;
  }).join('');
  return { inputPaths, inputTemplate: JSON.stringify(text) };
}
