/**
 * The cloud-neutral backup policy: its model, its validation, and every renderer the front ends and the runner share.
 *
 * @packageDocumentation
 */
export * from './policy';
export * from './validation';
