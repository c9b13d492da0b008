import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { createBackupServiceRole } from './backup-plan-rules';
import { RenderedRestoreValidation, RestoreValidationArgs, RestoreValidationHandles, renderRestoreValidation } from './restore-testing-validation';
import {
  RestoreTestingOptions, RestoreTestingPlan, RestoreTestingResources, restoreTestingPlanProperties, restoreTestingSelectionProperties,
} from '../../core/aws/restore-testing';

export type {
  DrillResultStoreArgs, RenderedRestoreValidation, RestoreValidationArgs, RestoreValidationHandles,
} from './restore-testing-validation';

/** Core's restore testing options with the Pulumi handles of their validation. */
export type RestoreTestingArgs = RestoreTestingOptions<RestoreValidationArgs>;

/** The resources of core's restore testing plan in Pulumi. */
export type RenderedRestoreTesting = RestoreTestingResources<
  backup.RestoreTestingPlan, backup.RestoreTestingSelection, iam.Role, RenderedRestoreValidation
>;

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles extends RestoreValidationHandles {
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: pulumi.Input<string>;
  /** ARN of the database. */
  readonly databaseArn: pulumi.Input<string>;
  /**
   * The validation's handles, as given.
   * @default - no validation
   */
  readonly validation?: RestoreValidationArgs;
}

/**
 * Creates core's restore testing plan as children of `parent`, named `<name>-restore-testing…`: the plan over the
 * vault's recovery points, the selection of the database, its role, and the validation of each test when asked for
 * (`<name>-restore-validation…`).
 */
export function renderRestoreTesting(
  name: string, parent: pulumi.Resource, planned: RestoreTestingPlan, handles: RestoreTestingHandles,
): RenderedRestoreTesting {
  const tested = renderRestoreTestingPlan(name, parent, planned, handles.environment, handles.vaultArn);
  const { plan, role } = tested;
  const validation = planned.validation && handles.validation
    ? renderRestoreValidation(`${name}-restore-validation`, parent, planned.validation, handles.validation, handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  const selection = renderRestoreTestingSelection(`${name}-restore-testing-selection`, parent, planned.selection, tested, [handles.databaseArn],
    restoredSecurityGroup && pulumi.jsonStringify([restoredSecurityGroup.id]));
  return { plan, selection, role, validation };
}

/** A restore testing plan with its role, as {@link renderRestoreTestingPlan} creates them. */
export interface RenderedRestoreTestingPlan {
  /** The restore testing plan. */
  readonly plan: backup.RestoreTestingPlan;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
  /** The role's managed policy, which a selection waits for. */
  readonly attachment: iam.RolePolicyAttachment;
}

/**
 * Creates the restore testing plan over a vault's recovery points (`<name>-restore-testing`) and the role AWS Backup
 * restores with (`<name>-restore-testing-role`), as children of `parent`.
 */
export function renderRestoreTestingPlan(
  name: string, parent: pulumi.Resource, planned: Pick<RestoreTestingPlan, 'plan' | 'role'>, environment: AwsEnvironment, vaultArn: pulumi.Input<string>,
): RenderedRestoreTestingPlan {
  const { role, attachment } = createBackupServiceRole({ role: `${name}-restore-testing-role`, attachment: `${name}-restore-testing-restores` },
    planned.role, environment, parent);
  const plan = new backup.RestoreTestingPlan(`${name}-restore-testing`, {
    name: planned.plan.name, ...restoreTestingPlanProperties(planned.plan, vaultArn),
  }, { parent });
  return { plan, role, attachment };
}

/** Creates a selection of databases (all of core's resource type) in a restore testing plan, restored with its role. */
export function renderRestoreTestingSelection(
  name: string, parent: pulumi.Resource, planned: RestoreTestingPlan['selection'], on: RenderedRestoreTestingPlan,
  protectedResourceArns: pulumi.Input<string>[], restoredSecurityGroupIds?: pulumi.Output<string>,
): backup.RestoreTestingSelection {
  return new backup.RestoreTestingSelection(name, {
    restoreTestingPlanName: on.plan.name,
    name: planned.name,
    ...restoreTestingSelectionProperties(planned, protectedResourceArns, on.role.arn, restoredSecurityGroupIds),
  }, { parent, dependsOn: [on.attachment] });
}
