import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketGrantScopes, grantPlannedActions } from './planned-grants';
import { acknowledgeWildcards } from './reviewed-findings';
import { replicationGrantLocations } from '../core/aws/backup-bucket';
import { BucketReplicationPlan, ReplicaPrunePlan, renderS3ReplicationConfiguration, replicaPruneDestinationPolicy } from '../core/aws/bucket-replication';
import { replicaPruneWildcards, replicationRoleWildcards } from '../core/aws/reviewed-wildcards';

/**
 * Renders core's replication plan on a created `bucket` encrypted with `encryptionKey`: the replication role (`id` in
 * `scope`) with core's action groups scoped to the two buckets and the two keys, and the bucket's
 * `ReplicationConfiguration`.
 */
export function renderBucketReplication(
  scope: Construct, id: string, bucket: s3.Bucket, encryptionKey: kms.IKey, plan: BucketReplicationPlan,
): { replicationRole: iam.Role; replicaBucketName: string } {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'), description: plan.roleDescription, roleName: plan.roleName,
  });
  grantPlannedActions(role, plan.roleGrants, bucketGrantScopes(replicationGrantLocations(plan), bucket, encryptionKey), 'BucketReplication');
  acknowledgeWildcards(role, replicationRoleWildcards(plan, bucket.arnForObjects('*')));
  (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('ReplicationConfiguration', renderS3ReplicationConfiguration(plan, role.roleArn));
  return { replicationRole: role, replicaBucketName: Fn.select(5, Fn.split(':', plan.destinationBucketArn)) };
}

/**
 * Grants the prune task's role core's action groups on the offsite copy it also prunes (read, list, decrypt and delete
 * under the dumps' prefix of the offsite bucket), with the wildcards explained.
 */
export function grantReplicaPrune(role: iam.IRole, replica: ReplicaPrunePlan): void {
  const scopes = Object.entries(replica.scopes).map(([kind, scope]) => [kind, { resources: [...scope.resources], conditions: scope.condition }]);
  grantPlannedActions(role, replica.roleGrants, Object.fromEntries(scopes), 'ScheduledPgDump');
  acknowledgeWildcards(role, replicaPruneWildcards(replica));
}

/**
 * The statements the owner of the offsite bucket adds to its bucket and key policies so that `role` may prune the
 * replicas (core's `replicaPruneDestinationPolicy`), as JSON with the role's ARN, and as the stack output
 * `ReplicaPruneDestinationPolicy` of `scope` for the destination's owner to read after deployment.
 */
export function outputReplicaPruneDestinationPolicy(scope: Construct, role: iam.IRole, replica: ReplicaPrunePlan): string {
  const policy = Stack.of(scope).toJsonString(replicaPruneDestinationPolicy(replica, role.roleArn));
  new CfnOutput(scope, 'ReplicaPruneDestinationPolicy', {
    description: `Add bucketPolicyStatements to the policy of the offsite bucket and keyPolicyStatements to its replica key's policy so that the prune task may prune ${replica.location}`,
    value: policy,
  });
  return policy;
}
