/**
 * AWS CDK constructs that render the backup policy onto AWS.
 *
 * @packageDocumentation
 */
export {};
