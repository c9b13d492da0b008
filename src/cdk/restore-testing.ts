import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { renderBackupServiceRole } from './planned-backup-rules';
import { RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps, renderRestoreValidation } from './restore-testing-validation';
import {
  RestoreTestingPlan, RestoreTestingResources, restoreTestingPlanProperties, restoreTestingSelectionProperties,
} from '../core/aws/restore-testing';

export type {
  DrillResultStoreProps, RenderedRestoreValidation, RestoreValidationHandles, RestoreValidationProps,
} from './restore-testing-validation';

/** The resources of core's restore testing plan in CDK. */
export type RenderedRestoreTesting = RestoreTestingResources<
  backup.CfnRestoreTestingPlan, backup.CfnRestoreTestingSelection, iam.Role, RenderedRestoreValidation
>;

/** What {@link renderRestoreTesting} needs besides the plan. */
export interface RestoreTestingHandles {
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: string;
  /** ARN of the database at a position of a selection's `serverIndexes`. */
  readonly databaseArn: (position: number) => string;
  /**
   * The validation's props, as given, and its handles.
   * @default - no validation
   */
  readonly validation?: { readonly props: RestoreValidationProps; readonly handles: RestoreValidationHandles };
}

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
    ? renderRestoreValidation(scope, planned.validation, handles.validation.props, handles.validation.handles, plan)
    : undefined;
  const restoredSecurityGroup = validation?.restoredSecurityGroup;
  const selections = planned.selections.map(({ id, selection: properties, serverIndexes }) => {
    const selection = new backup.CfnRestoreTestingSelection(scope, id, {
      restoreTestingPlanName: plan.restoreTestingPlanName,
      restoreTestingSelectionName: properties.name,
      ...restoreTestingSelectionProperties(properties, serverIndexes.map(handles.databaseArn), role.roleArn,
        restoredSecurityGroup && Stack.of(scope).toJsonString([restoredSecurityGroup.securityGroupId])),
    });
    selection.addResourceDependency(plan);
    return selection;
  });
  return { plan, selection: selections[0], selections, role, validation };
}
