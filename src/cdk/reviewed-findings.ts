import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IamActionGroup, WAL_ARCHIVE_RESTORE_IAM_ACTIONS, WalArchiveResourceKind, walArchiveIamActions } from '../core/aws/iam-action-groups';
import type { DrillIamActionGroup, DrillResourceKind } from '../core/aws/state-machines';

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

/**
 * A wildcard a role needs by design: the resource it is granted on (an ARN with a `*`, or `*` for actions without
 * resource-level permissions), the only actions allowed there, and why.
 */
export interface ReviewedWildcard {
  /** The resource as granted, e.g. `bucket.arnForObjects('pg-dumps/*')`, or `*`. */
  readonly resource: string;
  /** The actions granted on it; a statement on the resource with any other action keeps the finding. */
  readonly actions: readonly string[];
  /** A condition key every statement on the resource must use, e.g. `cloudwatch:namespace`. */
  readonly conditionKey?: string;
  /** Why the resource cannot be named more narrowly. */
  readonly reason: string;
}

/** `ecr:GetAuthorizationToken`, which an execution role needs to pull an image from ECR and which has no resource. */
export const IMAGE_PULL_WILDCARD: ReviewedWildcard = {
  resource: '*',
  actions: ['ecr:GetAuthorizationToken'],
  reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image from ECR, has no resource-level permissions; the '
    + 'other statements of the role name the repository, the log group and the secrets.',
};

/** What a Step Functions state machine with execution logs and X-Ray tracing is given by aws-cdk-lib on `*`. */
export const STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS: readonly ReviewedWildcard[] = [
  {
    resource: '*',
    actions: [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ],
    reason: 'Log delivery of the state machine\'s execution logs: CloudWatch Logs delivery actions have no resource-level permissions.',
  },
  {
    resource: '*',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    reason: 'X-Ray tracing of the state machine: these actions have no resource-level permissions.',
  },
];

/** `cloudwatch:PutMetricData`, which has no resource, held to one namespace by its condition. */
export const METRICS_WILDCARD: ReviewedWildcard = {
  resource: '*',
  actions: ['cloudwatch:PutMetricData'],
  conditionKey: 'cloudwatch:namespace',
  reason: 'cloudwatch:PutMetricData has no resource-level permissions; a cloudwatch:namespace condition holds it to one namespace.',
};

/**
 * Why a restore drill's state machine is granted a wildcard for a kind of resource (the kinds core names for its
 * actions), and the condition key that narrows it; kinds not listed here are granted on named resources only.
 */
const DRILL_WILDCARD_REASONS: Partial<Record<DrillResourceKind, { reason: string; conditionKey?: string }>> = {
  'ecs-task': { reason: 'Describe, stop and tag only the tasks of the drill\'s cluster: a task ARN exists only once the drill has started it.' },
  'ecs-cluster-condition': {
    reason: 'ecs:ListTasks has no resource-level permissions; an ecs:cluster condition holds it to the drill\'s cluster.',
    conditionKey: 'ecs:cluster',
  },
  'cloudwatch-namespace-condition': METRICS_WILDCARD,
  'rds-snapshots': {
    reason: 'Describe and restore snapshots of the account: automated and AWS Backup snapshot names are generated per backup '
      + '(rds:<id>-<date>, awsbackup:job-<id>), and the drill lists them filtered by the source database.',
  },
  'rds-scratch-instances': {
    reason: 'Create, tag, poll and delete only scratch instances whose identifier starts with the drill\'s prefix; each '
      + 'drill names its instance after the execution, so the name is not known in advance.',
  },
  'rds-scratch-clusters': {
    reason: 'Restore into and delete only scratch clusters whose identifier starts with the drill\'s prefix, named after the execution.',
  },
};

/**
 * The wildcards of a restore drill's state machine role: those aws-cdk-lib adds for execution logs and tracing, and,
 * per action group of core's drill, the group's actions on the resources it was scoped to, where that kind of
 * resource can only be named by a pattern.
 */
export function drillRoleWildcards(
  groups: readonly DrillIamActionGroup[], resourcesOf: (kind: DrillResourceKind) => readonly string[] | undefined,
): ReviewedWildcard[] {
  const wildcards: ReviewedWildcard[] = [...STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS];
  for (const group of groups) {
    const why = DRILL_WILDCARD_REASONS[group.resource];
    if (why === undefined) continue;
    for (const resource of resourcesOf(group.resource) ?? []) {
      wildcards.push({ resource, actions: group.actions, conditionKey: why.conditionKey, reason: why.reason });
    }
  }
  return wildcards;
}

/** Acknowledges `ecr:GetAuthorizationToken` on the execution role of a task definition whose image may come from ECR. */
export function acknowledgeImagePull(taskDefinition: ecs.TaskDefinition): void {
  acknowledgeWildcards(taskDefinition.obtainExecutionRole(), [IMAGE_PULL_WILDCARD]);
}

/**
 * What EventBridge Scheduler needs to start a task with its schedule's tags: `ecs:TagResource` on the tasks of the one
 * cluster (`task/<cluster>/*`, written as the `EcsRunFargateTask` target writes it), whose ARNs exist only once started.
 */
export function scheduledTasksWildcard(cluster: ecs.ICluster, taskDefinition: ecs.TaskDefinition): ReviewedWildcard {
  return {
    resource: `arn:${cluster.stack.partition}:ecs:${cluster.env.region}:${taskDefinition.env.account}:task/${cluster.clusterName}/*`,
    actions: ['ecs:TagResource'],
    reason: 'EventBridge Scheduler tags the tasks it starts, in the one cluster only: a task ARN exists only once the task has started.',
  };
}

/**
 * The objects under a backup prefix: every backup gets a new key (database, time stamp, run), so a role that writes or
 * reads backups is granted `<prefix>/*`.
 * @param access `write` for the dump task (put, tag, abort its own uploads, check that a key is new), `read` for restores,
 * `drill-results` for a drill writing its result beside the backups, `prune` for the prune task
 */
export function backupObjectsWildcard(objects: string, access: 'write' | 'read' | 'drill-results' | 'prune'): ReviewedWildcard {
  if (access === 'drill-results') {
    return {
      resource: objects,
      actions: ['s3:PutObject'],
      reason: 'A restore drill writes its result beside the backups it restored, one new key per drill (its time), under one prefix only.',
    };
  }
  if (access === 'prune') {
    return {
      resource: objects,
      actions: ['s3:GetObject', 's3:DeleteObject'],
      reason: 'The prune task reads the manifests and deletes the backups retention lets go, under its own prefix only; every backup has '
        + 'a new key, so the objects cannot be named in advance. The bucket policy denies deletion to every other principal.',
    };
  }
  return access === 'write'
    ? {
      resource: objects,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObjectTagging', 's3:GetObject'],
      reason: 'The dump task writes (and checks that a key is new) only under its own prefix; every backup has a new key, so '
        + 'the objects cannot be named in advance. The bucket policy denies deletion to every principal.',
    }
    : {
      resource: objects,
      actions: ['s3:GetObject'],
      reason: 'Read-only access to the backups under one prefix; every backup has a new key, so the objects cannot be named in advance.',
    };
}

/**
 * The objects of a WAL archive: the archiver names one object per WAL segment and per base-backup file as it writes it.
 * @param access `archive` for the database hosts (with `delete` when the archiver expires its own backups), `restore` for drills
 */
export function walArchiveWildcards(objects: readonly string[], access: 'archive' | 'restore', withDelete = false): ReviewedWildcard[] {
  return objects.map((resource) => access === 'archive'
    ? {
      resource,
      actions: archiveObjectActions(walArchiveIamActions(withDelete)),
      reason: 'The archiver on the database host writes one object per WAL segment and per base-backup file, named as it '
        + 'archives them, under its own prefixes only'
        + (withDelete ? '; it deletes there (its own expiry) and nowhere else: the bucket policy denies deletion to every other principal.' : '.'),
    }
    : {
      resource,
      actions: archiveObjectActions(WAL_ARCHIVE_RESTORE_IAM_ACTIONS),
      reason: 'The recovery reads (no write, no delete) the WAL and base backups of the one archive it restores; their keys '
        + 'are created as the host archives, so they cannot be named in advance.',
    });
}

function archiveObjectActions(groups: readonly IamActionGroup<WalArchiveResourceKind>[]): string[] {
  return groups.filter((group) => group.resource === 'archive-objects').flatMap((group) => group.actions);
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
