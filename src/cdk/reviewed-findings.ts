import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  PolicyStatementJson, ReviewedAwsManagedPolicy, ReviewedFinding, SCHEDULE_DEAD_LETTER_QUEUE_FINDING, SCRATCH_PASSWORD_FINDING,
  awsManagedPolicyFinding, explainedWildcardFindings, plainTaskEnvironmentFinding,
} from '../core/aws/reviewed-findings';
import { IMAGE_PULL_WILDCARD, ReviewedWildcard, scheduledTasksWildcardOn } from '../core/aws/reviewed-wildcards';

/*
 * Core decides which AwsSolutions (cdk-nag) finding our constructs cause by design and why; here each is written on the
 * exact resource. An acknowledgement is construct metadata under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, the
 * entry `Validations.of(construct).acknowledge()` writes and cdk-nag 3 reads (so the library needs no cdk-nag at run
 * time). It is written directly because `acknowledge()` of the older aws-cdk-lib releases this package supports
 * refuses an id with more than one `::`, which every IAM finding naming an ARN has.
 */

export type { ReviewedAwsManagedPolicy } from '../core/aws/reviewed-findings';
export * from '../core/aws/reviewed-wildcards';

/** Records the reviewed finding on `construct`'s resource, once however often the app is synthesized. */
function acknowledge(construct: IConstruct, { id, reason }: ReviewedFinding): void {
  const resource = construct.node.defaultChild ?? construct;
  const recorded = resource.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && id in (entry.data ?? {}));
  if (!recorded) resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}

/** The queue EventBridge Scheduler puts the runs it could not start in: it is itself a dead-letter queue. */
export function acknowledgeScheduleDeadLetterQueue(queue: IConstruct): void {
  acknowledge(queue, SCHEDULE_DEAD_LETTER_QUEUE_FINDING);
}

/** The password of the throwaway PostgreSQL a restore drill task starts and deletes. */
export function acknowledgeScratchPassword(secret: IConstruct): void {
  acknowledge(secret, SCRATCH_PASSWORD_FINDING);
}

/**
 * A task definition whose containers get non-secret values in their environment.
 * @param contents what the environment holds, completing "The environment holds …"
 */
export function acknowledgePlainTaskEnvironment(taskDefinition: ecs.TaskDefinition, contents: string): void {
  acknowledge(taskDefinition, plainTaskEnvironmentFinding(contents));
}

/** Acknowledges that a role the construct created holds an AWS managed policy, with the reason it does. */
export function acknowledgeAwsManagedPolicy(role: IConstruct, policyName: ReviewedAwsManagedPolicy): void {
  acknowledge(role, awsManagedPolicyFinding(policyName));
}

/** Acknowledges `ecr:GetAuthorizationToken` on the execution role of a task definition whose image may come from ECR. */
export function acknowledgeImagePull(taskDefinition: ecs.TaskDefinition): void {
  acknowledgeWildcards(taskDefinition.obtainExecutionRole(), [IMAGE_PULL_WILDCARD]);
}

/** Core's wildcard for the tasks EventBridge Scheduler starts (and tags) in `cluster`, written as the `EcsRunFargateTask` target writes it. */
export function scheduledTasksWildcard(cluster: ecs.ICluster, taskDefinition: ecs.TaskDefinition): ReviewedWildcard {
  return scheduledTasksWildcardOn(`arn:${cluster.stack.partition}:ecs:${cluster.env.region}:${taskDefinition.env.account}:task/${cluster.clusterName}/*`);
}

/**
 * Acknowledges the wildcard findings (`AwsSolutions-IAM5[Resource::…]`) of the policies of `role` that `wildcards`
 * explain, each on the policy resource that holds it (core's `explainedWildcardFindings`).
 *
 * The finding id names the resource as it is written in the template (logical ids, imports from other stacks), which
 * is final only once the app is prepared; so the policies are read when the construct tree is validated, which
 * synthesis does after preparing the app and before it runs the validation plugins.
 */
export function acknowledgeWildcards(role: IConstruct, wildcards: readonly ReviewedWildcard[]): void {
  role.node.addValidation({
    validate: () => {
      for (const policy of role.node.findAll().filter((child): child is iam.CfnPolicy => child instanceof iam.CfnPolicy)) {
        const stack = Stack.of(policy);
        const document = stack.resolve(policy.policyDocument) as { Statement?: PolicyStatementJson[] };
        for (const finding of explainedWildcardFindings(document.Statement ?? [], wildcards, (resource) => stack.resolve(resource))) {
          acknowledge(policy, finding);
        }
      }
      return [];
    },
  });
}
