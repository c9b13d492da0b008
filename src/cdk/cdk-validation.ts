import { Token } from 'aws-cdk-lib';
import { ValidationOptions } from '../core/validation';

/**
 * Tells whether a value is a CDK token (a reference to a deploy-time value): such values are skipped by every
 * policy check, because only CloudFormation knows them.
 */
export function isUnresolvedCdkValue(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) return Token.isUnresolved(value);
  return typeof value === 'object' && value !== null && Token.isUnresolved(value);
}

/** The validation options every construct of this module passes to core: tokens are unresolved values. */
export const CDK_VALIDATION_OPTIONS: ValidationOptions = { isUnresolved: isUnresolvedCdkValue };
