import { DEFAULT_LOG_RETENTION_DAYS, checkLogRetentionDays } from '../../core/aws/log-retention';
import { Validator } from '../../core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/**
 * A component's `logRetentionDays`, checked against the periods CloudWatch Logs accepts before any resource is
 * registered (the error names the component, the prop and the value), or `fallback` when it is not given.
 */
export function checkedLogRetentionDays(construct: string, days: number | undefined, fallback: number = DEFAULT_LOG_RETENTION_DAYS): number {
  const validator = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct });
  checkLogRetentionDays(validator, 'logRetentionDays', days);
  validator.throwIfInvalid();
  return days ?? fallback;
}
