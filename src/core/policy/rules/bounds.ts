import { Validator } from '../validation';

/**
 * Checks a whole number of at least `min` with no upper bound; `undefined` and unresolved values pass.
 * Returns whether it passed.
 */
export function checkIntegerAtLeast(validator: Validator, path: string, value: number | undefined, min: number, unit = ''): boolean {
  if (value === undefined || validator.isUnresolved(value)) return true;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    validator.report({ path, value, allowed: `an integer of at least ${min}${unit ? ` ${unit}` : ''}` });
    return false;
  }
  return true;
}

/** Checks that a string, when given, is not empty or blank. Returns whether it passed. */
export function checkNonBlank(validator: Validator, path: string, value: string | undefined, allowed: string): boolean {
  if (value === undefined || validator.isUnresolved(value)) return true;
  if (typeof value !== 'string' || value.trim() === '') {
    validator.report({ path, value, allowed });
    return false;
  }
  return true;
}

/** True when `value` is a number that can be compared (given, resolved, finite). */
export function isKnownNumber(validator: Validator, value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && !validator.isUnresolved(value);
}
