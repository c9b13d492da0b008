import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IMAGE_PULL_WILDCARD, ReviewedWildcard } from './reviewed-wildcards';

/**
 * The AwsSolutions (cdk-nag) findings the constructs of this module cause by design, each acknowledged on the exact
 * resource, for the exact finding, with the reason. Everything else they create passes the checks as it is, so an app
 * that runs `AwsSolutionsChecks` needs no acknowledgement of our resources.
 *
 * An acknowledgement is construct metadata under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, the entry
 * `Validations.of(construct).acknowledge()` writes and cdk-nag 3 reads (so the library needs no cdk-nag at run
 * time). It is written directly because `acknowledge()` of the older aws-cdk-lib releases this package supports
 * refuses an id with more than one `::`, which every IAM finding naming an ARN has.
 */

// The constructs import every reviewed finding from here; the catalog of wildcards and their reasons has its own file.
export * from './reviewed-wildcards';

/** The id of an AwsSolutions finding, e.g. `AwsSolutions-SQS3` or `AwsSolutions-IAM5[Resource::*]`. */
function findingId(rule: string, finding?: string): string {
  return finding === undefined ? `AwsSolutions-${rule}` : `AwsSolutions-${rule}[${finding}]`;
}

/** Records that `id` was reviewed on `construct`'s resource, once however often the app is synthesized. */
function acknowledge(construct: IConstruct, id: string, reason: string): void {
  const resource = construct.node.defaultChild ?? construct;
  const recorded = resource.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && id in (entry.data ?? {}));
  if (!recorded) resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}

/** The queue EventBridge Scheduler puts the runs it could not start in: it is itself a dead-letter queue. */
export function acknowledgeScheduleDeadLetterQueue(queue: IConstruct): void {
  acknowledge(queue, findingId('SQS3'), 'This queue is the dead-letter queue of EventBridge Scheduler schedules (a schedule '
    + 'target\'s DLQ, which the rule cannot see); a dead-letter queue of its own would only move the problem. An alarm '
    + 'watches its visible messages.');
}

/** The password of the throwaway PostgreSQL a restore drill task starts and deletes. */
export function acknowledgeScratchPassword(secret: IConstruct): void {
  acknowledge(secret, findingId('SMG4'), 'Password of a throwaway PostgreSQL that lives only inside one drill task for the '
    + 'length of a drill and listens on the task\'s loopback only; every drill initializes a new server, so there is '
    + 'nothing to rotate.');
}

/**
 * A task definition whose containers get non-secret values in their environment.
 * @param contents what the environment holds, completing "The environment holds …"
 */
export function acknowledgePlainTaskEnvironment(taskDefinition: ecs.TaskDefinition, contents: string): void {
  acknowledge(taskDefinition, findingId('ECS2'), `The environment holds ${contents}; `
    + 'none of it is a secret. Credentials come from Secrets Manager as container secrets or from the task role.');
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

/** Acknowledges that a role the construct created holds an AWS managed policy, with the reason it does. */
export function acknowledgeAwsManagedPolicy(role: IConstruct, policyName: ReviewedAwsManagedPolicy): void {
  acknowledge(role, findingId('IAM4', `Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}`), AWS_MANAGED_POLICY_REASONS[policyName]);
}

/** Acknowledges `ecr:GetAuthorizationToken` on the execution role of a task definition whose image may come from ECR. */
export function acknowledgeImagePull(taskDefinition: ecs.TaskDefinition): void {
  acknowledgeWildcards(taskDefinition.obtainExecutionRole(), [IMAGE_PULL_WILDCARD]);
}

/**
 * Acknowledges the wildcard findings (`AwsSolutions-IAM5[Resource::…]`) of the policies of `role` that `wildcards`
 * explain, each on the policy resource that holds it. A finding is acknowledged only when every statement behind it
 * is explained, so a wildcard someone adds to the same role later is still reported.
 *
 * The finding id names the resource as it is written in the template (logical ids, imports from other stacks), which
 * is final only once the app is prepared; so the policies are read when the construct tree is validated, which
 * synthesis does after preparing the app and before it runs the validation plugins.
 */
export function acknowledgeWildcards(role: IConstruct, wildcards: readonly ReviewedWildcard[]): void {
  role.node.addValidation({
    validate: () => {
      for (const policy of role.node.findAll().filter((child): child is iam.CfnPolicy => child instanceof iam.CfnPolicy)) {
        acknowledgeWildcardsOfPolicy(policy, wildcards);
      }
      return [];
    },
  });
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function acknowledgeWildcardsOfPolicy(policy: iam.CfnPolicy, wildcards: readonly ReviewedWildcard[]): void {
  const stack = Stack.of(policy);
  const document = stack.resolve(policy.policyDocument) as { Statement?: PolicyStatementJson[] };
  const reviewed = wildcards.map((wildcard) => ({ ...wildcard, json: JSON.stringify(stack.resolve(wildcard.resource)) }));
  // finding → the reasons behind it, or undefined once a statement behind it is not explained.
  const findings = new Map<string, Set<string> | undefined>();
  for (const statement of document.Statement ?? []) {
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
  for (const [finding, reasons] of findings) {
    if (reasons !== undefined) acknowledge(policy, findingId('IAM5', finding), [...reasons].join(' '));
  }
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
