import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { PolicyStatementJson, ReviewedFinding, explainedWildcardFindings } from '../core/aws/reviewed-findings';
import { IMAGE_PULL_WILDCARD, ReviewedWildcard, scheduledTasksWildcardOn } from '../core/aws/reviewed-wildcards';

/*
 * Core decides which AwsSolutions (cdk-nag) finding our constructs cause by design and why; here each is written on the
 * exact resource. An acknowledgement is construct metadata under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, the
 * entry `Validations.of(construct).acknowledge()` writes and cdk-nag 3 reads (so the library needs no cdk-nag at run
 * time). It is written directly because `acknowledge()` of the older aws-cdk-lib releases this package supports
 * refuses an id with more than one `::`, which every IAM finding naming an ARN has.
 */

export * from '../core/aws/reviewed-findings';
export * from '../core/aws/reviewed-wildcards';

/**
 * Records core's reviewed finding (`SCRATCH_PASSWORD_FINDING`, `plainTaskEnvironmentFinding(…)`,
 * `awsManagedPolicyFinding(…)`…) on `construct`'s resource, once however often the app is synthesized.
 */
export function acknowledge(construct: IConstruct, { id, reason }: ReviewedFinding): void {
  const resource = construct.node.defaultChild ?? construct;
  const recorded = resource.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && id in (entry.data ?? {}));
  if (!recorded) resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
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
