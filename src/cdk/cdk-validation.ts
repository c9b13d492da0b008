import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropPaths, ValidationOptions } from '../core/policy/validation';

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

/**
 * The validation options of one construct: tokens are unresolved values, every message starts with the construct's
 * path, and the paths of core's policy read as the construct's props (`propPaths`).
 */
export function cdkValidationOptions(scope: IConstruct, propPaths?: PropPaths): ValidationOptions {
  return { ...CDK_VALIDATION_OPTIONS, construct: scope.node.path, propPaths };
}
