import * as pulumi from '@pulumi/pulumi';
import { DatabaseProtection } from '../core/policy/database-protection';

/** A {@link DatabaseProtection} whose database and handles may still be outputs (a resource's URN, a secret's ARN). */
export type DatabaseProtectionInput = { readonly [K in keyof DatabaseProtection]: pulumi.Input<DatabaseProtection[K]> };

/**
 * The `protections` output of a component: core's protection records with the database they protect (the URN of the
 * RDS resource or flexible server of this program, or the id or host name it was given), resolved, fields that are
 * not set left out. Pulumi's counterpart of the CDK constructs' protection metadata: it is in the stack's state
 * (`pulumi stack export`) and in the mocks' record of component outputs.
 */
export function protectionsOutput(records: readonly DatabaseProtectionInput[]): pulumi.Output<DatabaseProtection[]> {
  return pulumi.output(records as DatabaseProtectionInput[]).apply((resolved) => resolved.map((record) => Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as unknown as DatabaseProtection));
}
