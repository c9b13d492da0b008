import * as pulumi from '@pulumi/pulumi';
import { BackupMocks, MOCK_AZURE_SUBSCRIPTION_ID } from '../../../src/pulumi/testing';

export const SUBSCRIPTION_ID = MOCK_AZURE_SUBSCRIPTION_ID;

/** The package's mocks, as the Azure tests use them. */
export class AzureMockEngine extends BackupMocks {}

/** Installs `engine` as the Pulumi mocks of the program under test. */
export function installAzureMocks(engine: AzureMockEngine): void {
  void pulumi.runtime.setMocks(engine, 'postgres-backup', 'test', false);
}

/** The value of an output; rejects when the output fails. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  // Wrapping an output in pulumi.output() would add promises nobody awaits; read it directly.
  const direct = pulumi.Output.isInstance(output) ? output : pulumi.output(output);
  return (direct as any).promise() as Promise<T>;
}

/** The error an output fails with, or an error saying it resolved. */
export async function failureOf(output: pulumi.Output<unknown>): Promise<Error> {
  // An output carries several promises (value, known, secret, resources); each rejects with the failure.
  const internals = output as any;
  await Promise.allSettled([internals.isKnown, internals.isSecret, internals.allResources?.()]);
  try {
    const value = await valueOf(output);
    return new Error(`resolved to ${JSON.stringify(value)}`);
  } catch (error) {
    return error as Error;
  }
}

