import { Fn } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { renderBackupServiceRole } from './planned-backup-rules';
import { RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps, renderRestoreValidation } from './restore-testing-validation';
import {
  RestoreTestingHandlesOf, RestoreTestingPlan, RestoreTestingResources, restoreTestingPlanProperties, restoreTestingSelectionProperties,
} from '../core/aws/restore-testing';

/** The resources of core's restore testing plan in CDK. */
export type RenderedRestoreTesting = RestoreTestingResources<
  backup.CfnRestoreTestingPlan, backup.CfnRestoreTestingSelection, iam.Role, RenderedRestoreValidation
>;

/** What {@link renderRestoreTesting} needs besides the plan. */
export type RestoreTestingHandles = RestoreTestingHandlesOf<string, RestoreValidationProps, RestoreValidationHandles>;

/**
 * Creates core's restore testing plan in `scope`: the plan over the vault's recovery points, the role AWS Backup restores
 * with, the validation of each test when asked for, and the selections of the databases.
 */
export function renderRestoreTesting(
  scope: Construct, planned: Pick<RestoreTestingPlan, 'plan' | 'role' | 'selections'> & Partial<Pick<RestoreTestingPlan, 'validation'>>,
  handles: RestoreTestingHandles,
): RenderedRestoreTesting {
  const role = renderBackupServiceRole(scope, 'RestoreTestingRole', planned.role);
  const plan = new backup.CfnRestoreTestingPlan(scope, 'RestoreTestingPlan', {
    restoreTestingPlanName: planned.plan.name, ...restoreTestingPlanProperties(planned.plan, handles.vaultArn),
  });
  const validation = planned.validation && handles.validation
    ? renderRestoreValidation(scope, planned.validation, handles.validation.options, handles.validation.handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  // AWS Backup reads the groups as a JSON list of ids. Joined, not stringified: a list token (a stack parameter) then
  // resolves in CloudFormation itself, where CDK's stringify would add a custom resource to the stack.
  const restoredGroups = (given: readonly string[] | undefined) => {
    const groups = given ?? (restoredSecurityGroup && [restoredSecurityGroup.securityGroupId]);
    return groups && Fn.join('', ['["', Fn.join('","', [...groups]), '"]']);
  };
  const selections = planned.selections.map(({ id, selection: properties, serverIndexes }) => {
    const selection = new backup.CfnRestoreTestingSelection(scope, id, {
      restoreTestingPlanName: plan.restoreTestingPlanName,
      restoreTestingSelectionName: properties.name,
      ...restoreTestingSelectionProperties(properties, serverIndexes.map(handles.databaseArn), role.roleArn,
        restoredGroups(properties.restoredSecurityGroupIds)),
    });
    selection.addResourceDependency(plan);
    return selection;
  });
  return { plan, selection: selections[0], selections, role, validation };
}

