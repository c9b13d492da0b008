import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createBackupServiceRole } from './backup-plan-rules';
import { RenderedRestoreValidation, RestoreValidationArgs, RestoreValidationHandles, renderRestoreValidation } from './restore-testing-validation';
import {
  RestoreTestingHandlesOf, RestoreTestingPlan, RestoreTestingResources, restoreTestingPlanProperties, restoreTestingSelectionProperties,
} from '../../core/aws/restore-testing';

/** The resources of core's restore testing plan in Pulumi, and the attachment of the role's policy, which a selection waits for. */
export type RenderedRestoreTesting = RestoreTestingResources<
  backup.RestoreTestingPlan, backup.RestoreTestingSelection, iam.Role, RenderedRestoreValidation
> & { readonly attachment: iam.RolePolicyAttachment };

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles extends RestoreTestingHandlesOf<pulumi.Input<string>, RestoreValidationArgs, RestoreValidationHandles> {
  /** The account, region and partition of the role's managed policy. */
  readonly environment: AwsEnvironment;
}

/**
 * Creates core's restore testing plan as children of `parent`, named `<name>-restore-testing…`: the plan over the
 * vault's recovery points, the role AWS Backup restores with, the validation of each test when asked for
 * (`<name>-restore-validation…`), and the selections of the databases (`<name>-<selection name>`).
 */
export function renderRestoreTesting(
  name: string, parent: pulumi.Resource,
  planned: Pick<RestoreTestingPlan, 'plan' | 'role' | 'selections'> & Partial<Pick<RestoreTestingPlan, 'validation'>>, handles: RestoreTestingHandles,
): RenderedRestoreTesting {
  const { role, attachment } = createBackupServiceRole({ role: `${name}-restore-testing-role`, attachment: `${name}-restore-testing-restores` },
    planned.role, handles.environment, parent);
  const plan = new backup.RestoreTestingPlan(`${name}-restore-testing`, {
    name: planned.plan.name, ...restoreTestingPlanProperties(planned.plan, handles.vaultArn),
  }, { parent });
  const validation = planned.validation && handles.validation
    ? renderRestoreValidation(`${name}-restore-validation`, parent, planned.validation, handles.validation.options, handles.validation.handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  // AWS Backup reads the groups as a JSON list; Pulumi writes it once the ids resolve, outputs among them included.
  const restoredGroups = (given: readonly string[] | undefined) => {
    const groups = given ?? (restoredSecurityGroup && [restoredSecurityGroup.id]);
    return groups && pulumi.jsonStringify(pulumi.output(groups));
  };
  const selections = planned.selections.map(({ name: suffix, selection, serverIndexes }) => new backup.RestoreTestingSelection(`${name}-${suffix}`, {
    restoreTestingPlanName: plan.name,
    name: selection.name,
    ...restoreTestingSelectionProperties(
      selection, serverIndexes.map(handles.databaseArn), role.arn, restoredGroups(selection.restoredSecurityGroupIds)),
  }, { parent, dependsOn: [attachment] }));
  return { plan, selection: selections[0], selections, role, attachment, validation };
}
