/**
 * postgres-backup-constructs: the cloud-neutral policy model. The front ends live on their own
 * import paths (`/cdk`, `/pulumi/aws`, `/pulumi/azure`) so that a CDK user never loads Pulumi and the reverse.
 *
 * @packageDocumentation
 */
export * from './core';
