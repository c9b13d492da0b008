import * as iam from 'aws-cdk-lib/aws-iam';
import { DrillIamActionGroup, DrillResourceKind } from '../core/aws/state-machines';

/** The resources (and conditions) one kind of drill action is scoped to. */
export type DrillResourceScope = Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>;

/**
 * Adds one statement per action group core names for a state machine, each scoped to what the construct knows of
 * that kind of resource. A kind without a scope is an error: an action is never granted on `*` by omission.
 *
 * @param owner names the construct in the error, e.g. `SnapshotRestoreDrill`
 */
export function addDrillPermissions(
  role: iam.IRole, groups: readonly DrillIamActionGroup[], scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>, owner: string,
): void {
  for (const group of groups) {
    const scope = scopes[group.resource];
    if (scope === undefined) throw new Error(`${owner} needs ${group.resource} permissions (${group.actions.join(', ')}), which it cannot scope`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...scope }));
  }
}
