import { Validator } from '../policy/validation';

/** Days the task and state-machine logs are kept unless told otherwise (CDK's `RetentionDays.THREE_MONTHS`). */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/**
 * The retention periods CloudWatch Logs accepts, in days: any other number is refused only at deploy time, after the
 * stack has started to change.
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Checks a log group's retention in days (`undefined` passes: the construct's default applies). */
export function checkLogRetentionDays(validator: Validator, path: string, days: number | undefined): boolean {
  return validator.oneOf(path, days, CLOUDWATCH_LOG_RETENTION_DAYS);
}
