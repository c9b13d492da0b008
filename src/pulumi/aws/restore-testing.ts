import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { assumedByService } from './policy-document';
import { RestoreTestingPlan } from '../../core/aws/restore-testing';

/** The resources of core's restore testing plan in Pulumi. */
export interface RenderedRestoreTesting {
  /** The restore testing plan. */
  readonly plan: backup.RestoreTestingPlan;
  /** The selection of the database. */
  readonly selection: backup.RestoreTestingSelection;
  /** The role AWS Backup restores with. */
  readonly role: iam.Role;
}

/**
 * Creates core's restore testing plan as children of `parent`, named `<name>-restore-testing…`: the plan over
 * `vaultArn`'s recovery points, the selection of `databaseArn`, and its role.
 */
export function renderRestoreTesting(
  name: string, parent: pulumi.Resource, planned: RestoreTestingPlan, environment: AwsEnvironment,
  vaultArn: pulumi.Input<string>, databaseArn: pulumi.Input<string>,
): RenderedRestoreTesting {
  const role = new iam.Role(`${name}-restore-testing-role`, {
    description: planned.role.description,
    assumeRolePolicy: assumedByService('backup.amazonaws.com'),
  }, { parent });
  const attachment = new iam.RolePolicyAttachment(`${name}-restore-testing-restores`, {
    role: role.name,
    policyArn: pulumi.interpolate`arn:${environment.partition}:iam::aws:policy/${planned.role.managedPolicy}`,
  }, { parent });
  const plan = new backup.RestoreTestingPlan(`${name}-restore-testing`, {
    name: planned.plan.name,
    scheduleExpression: planned.plan.scheduleExpression,
    startWindowHours: planned.plan.startWindowHours,
    recoveryPointSelection: {
      algorithm: planned.plan.algorithm,
      includeVaults: [vaultArn],
      recoveryPointTypes: [...planned.plan.recoveryPointTypes],
      selectionWindowDays: planned.plan.selectionWindowDays,
    },
  }, { parent });
  const selection = new backup.RestoreTestingSelection(`${name}-restore-testing-selection`, {
    restoreTestingPlanName: plan.name,
    name: planned.selection.name,
    protectedResourceType: planned.selection.protectedResourceType,
    protectedResourceArns: [databaseArn],
    iamRoleArn: role.arn,
    restoreMetadataOverrides: planned.selection.restoreMetadataOverrides,
    validationWindowHours: planned.selection.validationWindowHours,
  }, { parent, dependsOn: [attachment] });
  return { plan, selection, role };
}
