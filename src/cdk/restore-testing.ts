import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeAwsManagedPolicy } from './reviewed-findings';
import { RESTORE_TESTING_MANAGED_POLICY, RestoreTestingPlan } from '../core/aws/restore-testing';

/** The resources of core's restore testing plan in CDK. */
export interface RenderedRestoreTesting {
  /** The restore testing plan. */
  readonly plan: backup.CfnRestoreTestingPlan;
  /** The selection of the database. */
  readonly selection: backup.CfnRestoreTestingSelection;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
}

/** Creates core's restore testing plan in `scope`: the plan over `vaultArn`'s recovery points, the selection of `databaseArn`, its role. */
export function renderRestoreTesting(scope: Construct, planned: RestoreTestingPlan, vaultArn: string, databaseArn: string): RenderedRestoreTesting {
  const role = new iam.Role(scope, 'RestoreTestingRole', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: planned.role.description,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(planned.role.managedPolicy)],
  });
  acknowledgeAwsManagedPolicy(role, RESTORE_TESTING_MANAGED_POLICY);
  const plan = new backup.CfnRestoreTestingPlan(scope, 'RestoreTestingPlan', {
    restoreTestingPlanName: planned.plan.name,
    scheduleExpression: planned.plan.scheduleExpression,
    startWindowHours: planned.plan.startWindowHours,
    recoveryPointSelection: {
      algorithm: planned.plan.algorithm,
      includeVaults: [vaultArn],
      recoveryPointTypes: [...planned.plan.recoveryPointTypes],
      selectionWindowDays: planned.plan.selectionWindowDays,
    },
  });
  const selection = new backup.CfnRestoreTestingSelection(scope, 'RestoreTestingSelection', {
    restoreTestingPlanName: plan.restoreTestingPlanName,
    restoreTestingSelectionName: planned.selection.name,
    protectedResourceType: planned.selection.protectedResourceType,
    protectedResourceArns: [databaseArn],
    iamRoleArn: role.roleArn,
    restoreMetadataOverrides: planned.selection.restoreMetadataOverrides,
    validationWindowHours: planned.selection.validationWindowHours,
  });
  selection.addDependency(plan);
  return { plan, selection, role };
}
