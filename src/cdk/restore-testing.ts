import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps, renderRestoreValidation } from './restore-testing-validation';
import { acknowledgeAwsManagedPolicy } from './reviewed-findings';
import {
  RESTORE_TESTING_MANAGED_POLICY, RestoreTestingOptions, RestoreTestingPlan, RestoreTestingResources, restoreTestingPlanProperties,
  restoreTestingSelectionProperties,
} from '../core/aws/restore-testing';

export type {
  DrillResultStoreProps, RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps,
} from './restore-testing-validation';

/** Core's restore testing options with the CDK handles of their validation. */
export type RestoreTestingProps = RestoreTestingOptions<RestoreValidationProps>;

/** The resources of core's restore testing plan in CDK. */
export type RenderedRestoreTesting = RestoreTestingResources<
  backup.CfnRestoreTestingPlan, backup.CfnRestoreTestingSelection, iam.Role, RenderedRestoreValidation
>;

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles extends RestoreValidationHandles {
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: string;
  /**
   * The validation's handles, as given.
   * @default - no validation
   */
  readonly validation?: RestoreValidationProps;
}

/**
 * Creates core's restore testing plan in `scope`: the plan over the vault's recovery points, the selection of the
 * database, its role, and the validation of each test when asked for.
 */
export function renderRestoreTesting(scope: Construct, planned: RestoreTestingPlan, handles: RestoreTestingHandles): RenderedRestoreTesting {
  const { plan, role } = renderRestoreTestingPlan(scope, planned, handles.vaultArn);
  const validation = planned.validation && handles.validation
    ? renderRestoreValidation(scope, planned.validation, handles.validation, handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  const selection = renderRestoreTestingSelection(scope, 'RestoreTestingSelection', planned.selection, { plan, role }, [handles.database.arn(scope)],
    restoredSecurityGroup && Stack.of(scope).toJsonString([restoredSecurityGroup.securityGroupId]));
  return { plan, selection, role, validation };
}

/** Creates the restore testing plan over a vault's recovery points, and the role AWS Backup restores with. */
export function renderRestoreTestingPlan(
  scope: Construct, planned: Pick<RestoreTestingPlan, 'plan' | 'role'>, vaultArn: string,
): { readonly plan: backup.CfnRestoreTestingPlan; readonly role: iam.Role } {
  const role = new iam.Role(scope, 'RestoreTestingRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: planned.role.description,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(planned.role.managedPolicy)],
  });
  acknowledgeAwsManagedPolicy(role, RESTORE_TESTING_MANAGED_POLICY);
  const plan = new backup.CfnRestoreTestingPlan(scope, 'RestoreTestingPlan', {
    restoreTestingPlanName: planned.plan.name, ...restoreTestingPlanProperties(planned.plan, vaultArn),
  });
  return { plan, role };
}

/** Creates a selection of databases (all of core's resource type) in a restore testing plan, restored with its role. */
export function renderRestoreTestingSelection(
  scope: Construct, id: string, planned: RestoreTestingPlan['selection'],
  on: { readonly plan: backup.CfnRestoreTestingPlan; readonly role: iam.IRole }, protectedResourceArns: string[],
  restoredSecurityGroupIds?: string,
): backup.CfnRestoreTestingSelection {
  const selection = new backup.CfnRestoreTestingSelection(scope, id, {
    restoreTestingPlanName: on.plan.restoreTestingPlanName,
    restoreTestingSelectionName: planned.name,
    ...restoreTestingSelectionProperties(planned, protectedResourceArns, on.role.roleArn, restoredSecurityGroupIds),
  });
  selection.addResourceDependency(on.plan);
  return selection;
}
