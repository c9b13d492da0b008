import * as iam from '@pulumi/aws/iam';
import * as s3 from '@pulumi/aws/s3';
import type * as inputs from '@pulumi/aws/types/input';
import * as pulumi from '@pulumi/pulumi';
import { PolicyStatement, assumedByService, bucketGrantScopes, grantStatements, policyDocument } from './policy-document';
import { replicationGrantLocations } from '../../core/aws/backup-bucket';
import { BucketReplicationPlan, ReplicaPrunePlan, renderS3ReplicationRule, replicaPruneDestinationPolicy } from '../../core/aws/bucket-replication';

/**
 * The offsite copy of a created bucket as core planned it: the replication role with core's grants (`<name>-replication-role`,
 * `<name>-replication-policy`), and the replication configuration (`<name>-replication`) once versioning and the role's
 * policy exist, children of `parent`.
 */
export function createBucketReplication(
  name: string, parent: pulumi.Resource, plan: BucketReplicationPlan,
  bucket: s3.Bucket, keyArn: pulumi.Input<string>, versioning: s3.BucketVersioning,
): { replicationRole: iam.Role; replicationConfiguration: s3.BucketReplicationConfig } {
  const role = new iam.Role(`${name}-replication-role`, {
    description: plan.roleDescription, assumeRolePolicy: assumedByService('s3.amazonaws.com'), ...(plan.roleName !== undefined ? { name: plan.roleName } : {}),
  }, { parent });
  const rolePolicy = new iam.RolePolicy(`${name}-replication-policy`, {
    role: role.id, policy: policyDocument(grantStatements(plan.roleGrants, bucketGrantScopes(replicationGrantLocations(plan), bucket.arn, keyArn))),
  }, { parent });
  // S3 checks the destination and the role when the configuration is written: versioning and the role's policy first.
  const replicationConfiguration = new s3.BucketReplicationConfig(`${name}-replication`, {
    bucket: bucket.id, role: role.arn, rules: [providerShaped(renderS3ReplicationRule(plan)) as inputs.s3.BucketReplicationConfigRule],
  }, { parent, dependsOn: [versioning, rolePolicy] });
  return { replicationRole: role, replicationConfiguration };
}

/**
 * Core's CloudFormation- or S3-API-shaped data as a provider resource takes it: the same tree, its keys in lower camel
 * case as the provider's schema names them (`replicaKmsKeyId` for CloudFormation's `ReplicaKmsKeyID`).
 */
export function providerShaped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(providerShaped);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [`${key[0].toLowerCase()}${key.slice(1).replace(/ID$/, 'Id')}`, providerShaped(item)]));
}

/** The statements that let the prune task prune the offsite copy as core planned it: read, list, decrypt and delete under the dumps' prefix there. */
export function replicaPruneStatements(replica: ReplicaPrunePlan | undefined): PolicyStatement[] {
  if (!replica) return [];
  const scopes = Object.fromEntries(Object.entries(replica.scopes).map(([kind, scope]) => [kind, { ...scope, resources: [...scope.resources] }]));
  return grantStatements(replica.roleGrants, scopes);
}

/**
 * The statements the owner of the offsite bucket adds to its bucket and key policies so that the prune task's role
 * (`pruneRoleArn`) may prune the replicas (core's `replicaPruneDestinationPolicy`), as JSON; none without a replica prune.
 */
export function replicaPruneDestinationPolicyOutput(
  replica: ReplicaPrunePlan | undefined, pruneRoleArn: pulumi.Input<string> | undefined,
): pulumi.Output<string> | undefined {
  if (!replica || pruneRoleArn === undefined) return undefined;
  return pulumi.output(pruneRoleArn).apply((arn) => JSON.stringify(replicaPruneDestinationPolicy(replica, arn)));
}
