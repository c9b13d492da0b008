/**
 * Pulumi components that render the backup policy onto AWS.
 *
 * @packageDocumentation
 */
export {};
