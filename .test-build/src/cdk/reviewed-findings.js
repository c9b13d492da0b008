"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.METRICS_WILDCARD = exports.STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS = exports.IMAGE_PULL_WILDCARD = void 0;
exports.acknowledgeScheduleDeadLetterQueue = acknowledgeScheduleDeadLetterQueue;
exports.acknowledgeScratchPassword = acknowledgeScratchPassword;
exports.acknowledgePlainTaskEnvironment = acknowledgePlainTaskEnvironment;
exports.acknowledgeAwsManagedPolicy = acknowledgeAwsManagedPolicy;
exports.drillRoleWildcards = drillRoleWildcards;
exports.acknowledgeImagePull = acknowledgeImagePull;
exports.scheduledTasksWildcard = scheduledTasksWildcard;
exports.backupObjectsWildcard = backupObjectsWildcard;
exports.walArchiveWildcards = walArchiveWildcards;
exports.acknowledgeWildcards = acknowledgeWildcards;
exports.flattenReference = flattenReference;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
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
function findingId(rule, finding) {
    return finding === undefined ? `AwsSolutions-${rule}` : `AwsSolutions-${rule}[${finding}]`;
}
/** Records that `id` was reviewed on `construct`'s resource, once however often the app is synthesized. */
function acknowledge(construct, id, reason) {
    const resource = construct.node.defaultChild ?? construct;
    const recorded = resource.node.metadata.some((entry) => entry.type === aws_cdk_lib_1.Validations.ACKNOWLEDGED_RULES_METADATA_KEY && id in (entry.data ?? {}));
    if (!recorded)
        resource.node.addMetadata(aws_cdk_lib_1.Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}
/** The queue EventBridge Scheduler puts the runs it could not start in: it is itself a dead-letter queue. */
function acknowledgeScheduleDeadLetterQueue(queue) {
    acknowledge(queue, findingId('SQS3'), 'This queue is the dead-letter queue of EventBridge Scheduler schedules (a schedule '
        + 'target\'s DLQ, which the rule cannot see); a dead-letter queue of its own would only move the problem. An alarm '
        + 'watches its visible messages.');
}
/** The password of the throwaway PostgreSQL a restore drill task starts and deletes. */
function acknowledgeScratchPassword(secret) {
    acknowledge(secret, findingId('SMG4'), 'Password of a throwaway PostgreSQL that lives only inside one drill task for the '
        + 'length of a drill and listens on the task\'s loopback only; every drill initializes a new server, so there is '
        + 'nothing to rotate.');
}
/**
 * A task definition whose containers get non-secret values in their environment.
 * @param contents what the environment holds, completing "The environment holds …"
 */
function acknowledgePlainTaskEnvironment(taskDefinition, contents) {
    acknowledge(taskDefinition, findingId('ECS2'), `The environment holds ${contents}; `
        + 'none of it is a secret. Credentials come from Secrets Manager as container secrets or from the task role.');
}
/** The AWS managed policies the constructs attach, and why a policy of our own would not be better. */
const AWS_MANAGED_POLICY_REASONS = {
    'service-role/AWSBackupServiceRolePolicyForBackup': 'The AWS Backup service role policy, which AWS keeps current with what '
        + 'AWS Backup needs for RDS and Aurora (snapshots, continuous backup, copies); the role can be assumed only by '
        + 'backup.amazonaws.com, and the backup selection names the protected databases only.',
    'AmazonSSMManagedInstanceCore': 'The policy AWS maintains for instances managed by Systems Manager, as the agent changes: '
        + 'State Manager runs the scheduled base backups and archive checks on the database host, and Session Manager replaces SSH. '
        + 'Its actions have no resource-level permissions.',
    'CloudWatchAgentServerPolicy': 'The policy AWS maintains for the CloudWatch agent, which turns the archive check\'s '
        + 'embedded-metric lines into the metrics the archive alarms watch (metrics and the agent\'s own log groups only).',
};
/** Acknowledges that a role the construct created holds an AWS managed policy, with the reason it does. */
function acknowledgeAwsManagedPolicy(role, policyName) {
    acknowledge(role, findingId('IAM4', `Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}`), AWS_MANAGED_POLICY_REASONS[policyName]);
}
/** `ecr:GetAuthorizationToken`, which an execution role needs to pull an image from ECR and which has no resource. */
exports.IMAGE_PULL_WILDCARD = {
    resource: '*',
    actions: ['ecr:GetAuthorizationToken'],
    reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image from ECR, has no resource-level permissions; the '
        + 'other statements of the role name the repository, the log group and the secrets.',
};
/** What a Step Functions state machine with execution logs and X-Ray tracing is given by aws-cdk-lib on `*`. */
exports.STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS = [
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
exports.METRICS_WILDCARD = {
    resource: '*',
    actions: ['cloudwatch:PutMetricData'],
    conditionKey: 'cloudwatch:namespace',
    reason: 'cloudwatch:PutMetricData has no resource-level permissions; a cloudwatch:namespace condition holds it to one namespace.',
};
/**
 * Why a restore drill's state machine is granted a wildcard for a kind of resource (the kinds core names for its
 * actions), and the condition key that narrows it; kinds not listed here are granted on named resources only.
 */
const DRILL_WILDCARD_REASONS = {
    'ecs-task': { reason: 'Describe, stop and tag only the tasks of the drill\'s cluster: a task ARN exists only once the drill has started it.' },
    'ecs-cluster-condition': {
        reason: 'ecs:ListTasks has no resource-level permissions; an ecs:cluster condition holds it to the drill\'s cluster.',
        conditionKey: 'ecs:cluster',
    },
    'cloudwatch-namespace-condition': exports.METRICS_WILDCARD,
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
function drillRoleWildcards(groups, resourcesOf) {
    const wildcards = [...exports.STATE_MACHINE_LOGS_AND_TRACING_WILDCARDS];
    for (const group of groups) {
        const why = DRILL_WILDCARD_REASONS[group.resource];
        if (why === undefined)
            continue;
        for (const resource of resourcesOf(group.resource) ?? []) {
            wildcards.push({ resource, actions: group.actions, conditionKey: why.conditionKey, reason: why.reason });
        }
    }
    return wildcards;
}
/** Acknowledges `ecr:GetAuthorizationToken` on the execution role of a task definition whose image may come from ECR. */
function acknowledgeImagePull(taskDefinition) {
    acknowledgeWildcards(taskDefinition.obtainExecutionRole(), [exports.IMAGE_PULL_WILDCARD]);
}
/**
 * What EventBridge Scheduler needs to start a task with its schedule's tags: `ecs:TagResource` on the tasks of the one
 * cluster (`task/<cluster>/*`, written as the `EcsRunFargateTask` target writes it), whose ARNs exist only once started.
 */
function scheduledTasksWildcard(cluster, taskDefinition) {
    return {
        resource: `arn:${cluster.stack.partition}:ecs:${cluster.env.region}:${taskDefinition.env.account}:task/${cluster.clusterName}/*`,
        actions: ['ecs:TagResource'],
        reason: 'EventBridge Scheduler tags the tasks it starts, in the one cluster only: a task ARN exists only once the task has started.',
    };
}
/**
 * The objects under a backup prefix: every backup gets a new key (database, time stamp, run), so a role that writes or
 * reads backups is granted `<prefix>/*`.
 * @param access `write` for the dump task (put, abort its own uploads, check that a key is new), `read` for restores
 */
function backupObjectsWildcard(objects, access) {
    return access === 'write'
        ? {
            resource: objects,
            actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject'],
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
function walArchiveWildcards(objects, access, withDelete = false) {
    return objects.map((resource) => access === 'archive'
        ? {
            resource,
            actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
            reason: 'The archiver on the database host writes one object per WAL segment and per base-backup file, named as it '
                + 'archives them, under its own prefixes only'
                + (withDelete ? '; it deletes there (its own expiry) and nowhere else: the bucket policy denies deletion to every other principal.' : '.'),
        }
        : {
            resource,
            actions: ['s3:GetObject'],
            reason: 'The recovery reads (no write, no delete) the WAL and base backups of the one archive it restores; their keys '
                + 'are created as the host archives, so they cannot be named in advance.',
        });
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
function acknowledgeWildcards(role, wildcards) {
    role.node.addValidation({
        validate: () => {
            for (const policy of role.node.findAll().filter((child) => child instanceof iam.CfnPolicy)) {
                acknowledgeWildcardsOfPolicy(policy, wildcards);
            }
            return [];
        },
    });
}
function acknowledgeWildcardsOfPolicy(policy, wildcards) {
    const stack = aws_cdk_lib_1.Stack.of(policy);
    const document = stack.resolve(policy.policyDocument);
    const reviewed = wildcards.map((wildcard) => ({ ...wildcard, json: JSON.stringify(stack.resolve(wildcard.resource)) }));
    // finding → the reasons behind it, or undefined once a statement behind it is not explained.
    const findings = new Map();
    for (const statement of document.Statement ?? []) {
        if (statement.Effect !== 'Allow')
            continue;
        const actions = asArray(statement.Action);
        const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((keys) => Object.keys(keys));
        for (const resource of asArray(statement.Resource)) {
            const finding = `Resource::${flattenReference(resource)}`;
            if (!finding.includes('*'))
                continue;
            // aws-cdk-lib merges statements on one resource, so the wildcards on it explain the actions together.
            const json = JSON.stringify(resource);
            const explaining = reviewed.filter((wildcard) => wildcard.json === json
                && (wildcard.conditionKey === undefined || conditionKeys.includes(wildcard.conditionKey))
                && wildcard.actions.some((action) => actions.includes(action)));
            const explained = actions.every((action) => explaining.some((wildcard) => wildcard.actions.includes(action)));
            const reasons = findings.has(finding) ? findings.get(finding) : new Set();
            findings.set(finding, explained && reasons ? new Set([...reasons, ...explaining.map((wildcard) => wildcard.reason)]) : undefined);
        }
    }
    for (const [finding, reasons] of findings) {
        if (reasons !== undefined)
            acknowledge(policy, findingId('IAM5', finding), [...reasons].join(' '));
    }
}
function asArray(value) {
    if (value === undefined)
        return [];
    return Array.isArray(value) ? value : [value];
}
/**
 * A resource of a policy document as a finding names it: `Fn::Join` joined, `Fn::GetAtt` as `<LogicalId.Attribute>`,
 * `Ref` as `<LogicalId>`, an import as its export name, `${…}` of `Fn::Sub` as `<…>` (the notation of cdk-nag's
 * `appliesTo`).
 */
function flattenReference(value) {
    if (value === undefined)
        return '';
    if (typeof value === 'string')
        return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const node = value;
    if (node['Fn::Join']) {
        const [delimiter, items] = node['Fn::Join'];
        return items.map(flattenReference).join(delimiter);
    }
    if (node['Fn::Sub'])
        return flattenReference(node['Fn::Sub']);
    if (node['Fn::GetAtt']) {
        const [resource, attribute] = node['Fn::GetAtt'];
        return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (node['Fn::ImportValue'])
        return flattenReference(node['Fn::ImportValue']);
    if (node.Ref)
        return `<${flattenReference(node.Ref)}>`;
    return JSON.stringify(value);
}
