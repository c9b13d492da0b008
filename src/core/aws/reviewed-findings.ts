import { ReviewedWildcard } from './reviewed-wildcards';

/**
 * The AwsSolutions (cdk-nag) findings the constructs of this module cause by design, decided here: which finding is
 * acknowledged on which kind of resource, and why. The CDK front end writes each on the exact resource; everything
 * else the constructs create passes the checks as it is, so an app that runs `AwsSolutionsChecks` needs no
 * acknowledgement of our resources.
 */
export interface ReviewedFinding {
  /** The AwsSolutions finding id, e.g. `AwsSolutions-SQS3` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why it is acknowledged, as a reviewer reads it beside the finding. */
  readonly reason: string;
}

/** The id of an AwsSolutions finding: `AwsSolutions-<rule>`, or `AwsSolutions-<rule>[<finding>]`. */
export function awsSolutionsFindingId(rule: string, finding?: string): string {
  return finding === undefined ? `AwsSolutions-${rule}` : `AwsSolutions-${rule}[${finding}]`;
}

/** The queue EventBridge Scheduler puts the runs it could not start in: it is itself a dead-letter queue. */
export const SCHEDULE_DEAD_LETTER_QUEUE_FINDING: ReviewedFinding = {
  id: awsSolutionsFindingId('SQS3'),
  reason: 'This queue is the dead-letter queue of EventBridge Scheduler schedules (a schedule target\'s DLQ, which the rule '
    + 'cannot see); a dead-letter queue of its own would only move the problem. An alarm watches its visible messages.',
};

/** The password of the throwaway PostgreSQL a restore drill task starts and deletes. */
export const SCRATCH_PASSWORD_FINDING: ReviewedFinding = {
  id: awsSolutionsFindingId('SMG4'),
  reason: 'Password of a throwaway PostgreSQL that lives only inside one drill task for the length of a drill and listens '
    + 'on the task\'s loopback only; every drill initializes a new server, so there is nothing to rotate.',
};

/**
 * A task definition whose containers get non-secret values in their environment.
 * @param contents what the environment holds, completing "The environment holds …"
 */
export function plainTaskEnvironmentFinding(contents: string): ReviewedFinding {
  return {
    id: awsSolutionsFindingId('ECS2'),
    reason: `The environment holds ${contents}; none of it is a secret. Credentials come from Secrets Manager as container `
      + 'secrets or from the task role.',
  };
}

/** The AWS managed policies the constructs attach, and why a policy of our own would not be better. */
const AWS_MANAGED_POLICY_REASONS = {
  'service-role/AWSBackupServiceRolePolicyForBackup': 'The AWS Backup service role policy, which AWS keeps current with what '
    + 'AWS Backup needs for RDS and Aurora (snapshots, continuous backup, copies); the role can be assumed only by '
    + 'backup.amazonaws.com, and the backup selection names the protected databases only.',
  'service-role/AWSBackupServiceRolePolicyForRestores': 'The AWS Backup restore service role policy, which AWS keeps current '
    + 'with what a restore of RDS and Aurora recovery points needs; the role can be assumed only by backup.amazonaws.com, '
    + 'and the restore testing selection names the one protected database.',
  'AmazonSSMManagedInstanceCore': 'The policy AWS maintains for instances managed by Systems Manager, as the agent changes: '
    + 'State Manager runs the scheduled base backups and archive checks on the database host, and Session Manager replaces SSH. '
    + 'Its actions have no resource-level permissions.',
  'CloudWatchAgentServerPolicy': 'The policy AWS maintains for the CloudWatch agent, which turns the archive check\'s '
    + 'embedded-metric lines into the metrics the archive alarms watch (metrics and the agent\'s own log groups only).',
} as const;

/** An AWS managed policy a construct attaches on purpose. */
export type ReviewedAwsManagedPolicy = keyof typeof AWS_MANAGED_POLICY_REASONS;

/** That a role the construct created holds an AWS managed policy, with the reason it does. */
export function awsManagedPolicyFinding(policyName: ReviewedAwsManagedPolicy): ReviewedFinding {
  return {
    id: awsSolutionsFindingId('IAM4', `Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}`),
    reason: AWS_MANAGED_POLICY_REASONS[policyName],
  };
}

/** A statement of a policy document as the template holds it. */
export interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The wildcard findings (`AwsSolutions-IAM5[Resource::…]`) of a policy's `statements` that `wildcards` explain, with
 * their reasons. A finding is explained only when every statement behind it is, so a wildcard someone adds to the same
 * role later is still reported.
 * @param resolve a wildcard's resource as the template writes it (logical ids, imports from other stacks)
 */
export function explainedWildcardFindings(
  statements: readonly PolicyStatementJson[], wildcards: readonly ReviewedWildcard[], resolve: (resource: string) => unknown,
): ReviewedFinding[] {
  const reviewed = wildcards.map((wildcard) => ({ ...wildcard, json: JSON.stringify(resolve(wildcard.resource)) }));
  // finding → the reasons behind it, or undefined once a statement behind it is not explained.
  const findings = new Map<string, Set<string> | undefined>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray(statement.Action) as string[];
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((keys) => Object.keys(keys));
    for (const resource of asArray(statement.Resource)) {
      const finding = `Resource::${flattenReference(resource)}`;
      if (!finding.includes('*')) continue;
      // aws-cdk-lib merges statements on one resource, so the wildcards on it explain the actions together.
      const json = JSON.stringify(resource);
      const explaining = reviewed.filter((wildcard) => wildcard.json === json
        && (wildcard.conditionKey === undefined || conditionKeys.includes(wildcard.conditionKey))
        && wildcard.actions.some((action) => actions.includes(action)));
      const explained = actions.every((action) => explaining.some((wildcard) => wildcard.actions.includes(action)));
      const reasons = findings.has(finding) ? findings.get(finding) : new Set<string>();
      findings.set(finding, explained && reasons ? new Set([...reasons, ...explaining.map((wildcard) => wildcard.reason)]) : undefined);
    }
  }
  return [...findings].filter(([, reasons]) => reasons !== undefined)
    .map(([finding, reasons]) => ({ id: awsSolutionsFindingId('IAM5', finding), reason: [...reasons!].join(' ') }));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A resource of a policy document as a finding names it: `Fn::Join` joined, `Fn::GetAtt` as `<LogicalId.Attribute>`,
 * `Ref` as `<LogicalId>`, an import as its export name, `${…}` of `Fn::Sub` as `<…>` (the notation of cdk-nag's
 * `appliesTo`).
 */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(value);
}
