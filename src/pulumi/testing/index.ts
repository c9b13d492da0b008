/**
 * Pulumi mocks for unit tests of programs that use the components of `/pulumi/aws` and `/pulumi/azure`:
 * `setBackupMocks()` before the program is loaded, then assert on the resources it registered.
 *
 * @packageDocumentation
 */
export * from './backup-mocks';
export { MOCK_AWS_ACCOUNT, MOCK_AWS_REGION, type MockAttributeStyle } from './mock-aws-resources';
export { MOCK_AZURE_SUBSCRIPTION_ID, type MockFlexibleServerBackup } from './mock-azure-resources';
