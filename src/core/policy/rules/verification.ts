import { VerificationPolicy } from '../policy';
import { checkSchedule } from '../schedule';
import { Validator } from '../validation';

/** Checks restore drills: schedule, non-empty SQL checks none of which is listed twice, and an RTO from 1 minute to 7 days. */
export function checkVerification(validator: Validator, verification: VerificationPolicy | undefined): void {
  if (verification === undefined || validator.isUnresolved(verification)) return;
  checkSchedule(validator, 'verification.schedule', verification.schedule);
  validator.distinctNonEmptyStrings('verification.checks', verification.checks, 'query');
  validator.integer('verification.maxRestoreDurationMinutes', verification.maxRestoreDurationMinutes, 1, 10_080, 'minutes');
}
