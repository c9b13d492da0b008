/**
 * The subset of the Amazon States Language (https://states-language.net/spec.html) the restore drills are built
 * from. Core builds definitions as plain objects of these types; the front ends receive them as JSON text.
 */

/** Any JSON value, as it may appear in a payload template or a state's data. */
export type AslJsonValue = null | boolean | number | string | AslJsonValue[] | { [key: string]: AslJsonValue };

/** A payload template (`Parameters`, `ResultSelector`): keys ending in `.$` hold a path or an intrinsic function. */
export type AslPayloadTemplate = { [key: string]: AslJsonValue };

/** Fields every state may have. */
export interface AslBaseState {
  /** Free text shown in the console. */
  readonly Comment?: string;
  /**
   * The query language of this state, when it differs from the machine's.
   * @default - the machine's query language (JSONPath)
   */
  readonly QueryLanguage?: 'JSONPath' | 'JSONata';
}

/** Retries a failed Task state when its error matches. */
export interface AslRetrier {
  /** Error names this retrier handles. */
  readonly ErrorEquals: string[];
  /** Seconds before the first retry. */
  readonly IntervalSeconds?: number;
  /** Retries before the error is handed to the catchers. */
  readonly MaxAttempts?: number;
  /** Multiplier of the interval after each retry. */
  readonly BackoffRate?: number;
}

/** Sends a failed state to a recovery state. */
export interface AslCatcher {
  /** Error names this catcher handles; `States.ALL` matches any error. */
  readonly ErrorEquals: string[];
  /** The state that handles the error. */
  readonly Next: string;
  /** Where the error output (`{ Error, Cause }`) is written into the state's input (JSONPath states). */
  readonly ResultPath?: string | null;
}

/** A state that transitions to `Next` or ends the execution. */
export interface AslTransitionFields {
  /** The state run next. */
  readonly Next?: string;
  /** Ends the execution successfully after this state. */
  readonly End?: true;
}

/** A call to an AWS service integration. */
export interface AslTaskState extends AslBaseState, AslTransitionFields {
  readonly Type: 'Task';
  /** The integration, e.g. `arn:${Partition}:states:::ecs:runTask.sync`. */
  readonly Resource: string;
  /** The request (JSONPath states). */
  readonly Parameters?: AslPayloadTemplate;
  /** The request (JSONata states): values may be `{% expression %}`. */
  readonly Arguments?: AslPayloadTemplate;
  /** Reshapes the raw result before `ResultPath` (JSONPath states). */
  readonly ResultSelector?: AslPayloadTemplate;
  /** Where the result goes in the state's input; `null` discards it (JSONPath states). */
  readonly ResultPath?: string | null;
  /** The longest the call may take before it fails with `States.Timeout`. */
  readonly TimeoutSeconds: number;
  /** Retries before catching. */
  readonly Retry?: AslRetrier[];
  /** Where errors go. */
  readonly Catch: AslCatcher[];
}

/** Reshapes data without calling anything. */
export interface AslPassState extends AslBaseState, AslTransitionFields {
  readonly Type: 'Pass';
  /** A fixed result. */
  readonly Result?: AslJsonValue;
  /** A result built from the input (JSONPath states). */
  readonly Parameters?: AslPayloadTemplate;
  /** Where the result goes in the state's input. */
  readonly ResultPath?: string | null;
  /** The state's output (JSONata states): `{% expression %}`. */
  readonly Output?: string;
}

/** Pauses the execution. */
export interface AslWaitState extends AslBaseState, AslTransitionFields {
  readonly Type: 'Wait';
  /** Seconds to wait. */
  readonly Seconds?: number;
  /** Path to the seconds to wait, when they are decided by the execution. */
  readonly SecondsPath?: string;
}

/** One comparison of a Choice state; nested rules (`And`, `Or`, `Not`) have no `Next`. */
export interface AslChoiceRule {
  /** The path compared. */
  readonly Variable?: string;
  /** The state run when this rule matches (top-level rules only). */
  readonly Next?: string;
  /** All of these match. */
  readonly And?: AslChoiceRule[];
  /** Any of these match. */
  readonly Or?: AslChoiceRule[];
  /** This does not match. */
  readonly Not?: AslChoiceRule;
  /** The value is present in the input. */
  readonly IsPresent?: boolean;
  /** The value is an RFC 3339 timestamp. */
  readonly IsTimestamp?: boolean;
  /** String equality. */
  readonly StringEquals?: string;
  /** Number at least this. */
  readonly NumericGreaterThanEquals?: number;
  /** Number at most this. */
  readonly NumericLessThanEquals?: number;
  /** Number below the number at this path. */
  readonly NumericLessThanPath?: string;
  /** Timestamp later than the timestamp at this path. */
  readonly TimestampGreaterThanPath?: string;
  /** Timestamp at or after the timestamp at this path. */
  readonly TimestampGreaterThanEqualsPath?: string;
}

/** Branches on the data. */
export interface AslChoiceState extends AslBaseState {
  readonly Type: 'Choice';
  /** Rules tried in order. */
  readonly Choices: AslChoiceRule[];
  /** The state run when no rule matches. */
  readonly Default?: string;
}

/** Ends the execution successfully. */
export interface AslSucceedState extends AslBaseState {
  readonly Type: 'Succeed';
}

/** Ends the execution as failed. */
export interface AslFailState extends AslBaseState {
  readonly Type: 'Fail';
  /** Fixed error name. */
  readonly Error?: string;
  /** Fixed cause. */
  readonly Cause?: string;
  /** Path to the error name. */
  readonly ErrorPath?: string;
  /** Path to the cause. */
  readonly CausePath?: string;
}

/** Any state the drills use. */
export type AslState = AslTaskState | AslPassState | AslWaitState | AslChoiceState | AslSucceedState | AslFailState;

/** A whole state machine definition. */
export interface StateMachineDefinition {
  /** What the machine does. */
  readonly Comment?: string;
  /** The first state. */
  readonly StartAt: string;
  /** The longest an execution may run before it fails with `States.Timeout`. */
  readonly TimeoutSeconds: number;
  /** Every state, by name. */
  readonly States: { [name: string]: AslState };
}

/**
 * The placeholder of the partition (`aws`, `aws-cn`, `aws-us-gov`) in the integration ARNs of {@link AslResource}:
 * Step Functions refuses an integration of another partition, so each front end fills it with where it deploys.
 */
export const PARTITION_PLACEHOLDER = 'Partition';

/** The `.sync`, request-response and SDK integrations the drills call, in the partition the machine deploys to. */
export const AslResource = {
  /** ECS RunTask, waiting for the task to stop. */
  ECS_RUN_TASK_SYNC: `arn:\${${PARTITION_PLACEHOLDER}}:states:::ecs:runTask.sync`,
  /** SNS Publish. */
  SNS_PUBLISH: `arn:\${${PARTITION_PLACEHOLDER}}:states:::sns:publish`,
  /** An AWS SDK call, e.g. `awsSdk('rds', 'describeDBInstances')`. */
  awsSdk: (service: string, action: string): string => `arn:\${${PARTITION_PLACEHOLDER}}:states:::aws-sdk:${service}:${action}`,
} as const;

/**
 * Quotes a string as a literal argument of an intrinsic function (`States.Format('…')`), escaping the characters
 * the intrinsic grammar reserves. Placeholders (`${Name}`) are left as they are: they are replaced before the
 * definition reaches Step Functions, and their values may not contain reserved characters.
 */
export function intrinsicStringLiteral(text: string): string {
  const escaped = text
    .split(/(\$\{[A-Za-z][A-Za-z0-9]*\})/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\'{}]/g, (c) => `\\${c}`)))
    .join('');
  return `'${escaped}'`;
}

/**
 * Quotes the template of `States.Format` as an intrinsic literal: `{}` stays the argument marker, quotes and
 * backslashes are escaped.
 */
export function intrinsicFormatTemplate(template: string): string {
  return `'${template.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
