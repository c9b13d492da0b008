import * as pulumi from '@pulumi/pulumi';
import { BackupMocks, MOCK_AWS_ACCOUNT, MOCK_AWS_REGION } from '../../../src/pulumi/testing';

export const ACCOUNT = MOCK_AWS_ACCOUNT;
export const REGION = MOCK_AWS_REGION;

/** The package's mocks, plus what the AWS tests read from the recorded resources. */
export class AwsMockEngine extends BackupMocks {
  /** The parsed policy documents of the `aws:iam/rolePolicy:RolePolicy` resources of the role named `roleName`. */
  public roleStatements(roleName: string): any[] {
    const role = this.named('aws:iam/role:Role', roleName);
    return this.ofType('aws:iam/rolePolicy:RolePolicy')
      .filter((policy) => policy.inputs.role === role.id)
      .flatMap((policy) => JSON.parse(policy.inputs.policy).Statement);
  }
}

/** Installs `engine` as the Pulumi mocks of the program under test. */
export function installAwsMocks(engine: AwsMockEngine): void {
  void pulumi.runtime.setMocks(engine, 'postgres-backup', 'test', false);
}

/** The value of an output; rejects when the output fails. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  const direct = pulumi.Output.isInstance(output) ? output : pulumi.output(output);
  return (direct as any).promise() as Promise<T>;
}

/** Waits until every resource the program started registering has registered. */
export async function settled(...outputs: pulumi.Output<unknown>[]): Promise<void> {
  await Promise.all(outputs.map((output) => valueOf(output)));
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
