import * as pulumi from '@pulumi/pulumi';
import { PolicyStatement } from './policy-document';
import { DrillScope } from '../../core/aws/ecs-drill-wiring';
import { DrillIamActionGroup, DrillResourceKind } from '../../core/aws/state-machines';

/** The resources (and conditions) one kind of state-machine action is scoped to. */
export type DrillResourceScope = Pick<PolicyStatement, 'Resource' | 'Condition'>;

/** Core's scopes of drill resources as statement parts: one ARN stays a string, as IAM writes it. */
export function drillResourceScopes(
  scopes: Partial<Record<DrillResourceKind, DrillScope<pulumi.Input<string>>>>,
): Partial<Record<DrillResourceKind, DrillResourceScope>> {
  return Object.fromEntries(Object.entries(scopes).map(([kind, scope]) => [kind, {
    Resource: scope!.resources.length === 1 ? scope!.resources[0] : scope!.resources,
    ...(scope!.conditions ? { Condition: scope!.conditions } : {}),
  }]));
}

/**
 * One statement per action group core names for a state machine, each scoped to what the component knows of that
 * kind of resource. A kind without a scope is an error: an action is never granted on `*` by omission.
 *
 * @param owner names the component in the error, e.g. `VerifyRestore`
 */
export function drillPermissionStatements(
  groups: readonly DrillIamActionGroup[], scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>, owner: string,
): PolicyStatement[] {
  return groups.map((group) => {
    const scope = scopes[group.resource];
    if (scope === undefined) throw new Error(`${owner} needs ${group.resource} permissions (${group.actions.join(', ')}), which it cannot scope`);
    return { Effect: 'Allow', Action: [...group.actions], ...scope };
  });
}

/**
 * What a state machine needs to log every event to CloudWatch Logs and to send traces to X-Ray. Log delivery is set up
 * by Step Functions on the account's log resource policy, which has no narrower resource.
 */
export const STATE_MACHINE_OBSERVABILITY_STATEMENTS: readonly PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
      'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ],
    Resource: '*',
  },
  { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], Resource: '*' },
];
