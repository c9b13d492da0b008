/**
 * Pulumi components that render the backup policy onto Azure.
 *
 * @packageDocumentation
 */
export {};
