import { ReviewedWildcard } from './reviewed-wildcard';
import { BucketReplicationPlan, ReplicaPrunePlan, replicaKeyGrantScope } from '../bucket-replication';
import { actionsOnResource } from '../iam-action-groups';

/** Why a grant on a replica key named by its alias is on `key/*` under a `kms:ResourceAliases` condition. */
const REPLICA_KEY_BY_ALIAS = 'The replica key is named by its alias (a physical name another region can know); IAM matches KMS actions against key ARNs, '
  + 'so the grant is on the keys of that account and region carrying the alias (kms:ResourceAliases), which is one key.';

/**
 * The wildcards of S3 replication's role: every object of the source bucket (`sourceObjects`, as the front end writes
 * its ARN), every object of the offsite bucket, and the replica key when named by alias.
 */
export function replicationRoleWildcards(plan: BucketReplicationPlan, sourceObjects: string): ReviewedWildcard[] {
  return [
    {
      resource: sourceObjects,
      actions: actionsOnResource(plan.roleGrants, 'replication-source-objects'),
      reason: 'S3 replication reads every new version of every object of the backup bucket: the whole bucket holds backups, each under a new key.',
    },
    {
      resource: `${plan.destinationBucketArn}/*`,
      actions: actionsOnResource(plan.roleGrants, 'replication-destination-objects'),
      reason: 'S3 replication writes the replica of every object into the offsite bucket under the same new key; it may never delete there.',
    },
    ...replicaKeyGrantScope(plan.replicaKmsKeyArn).resources.filter((resource) => resource.endsWith(':key/*')).map((resource) => ({
      resource, actions: actionsOnResource(plan.roleGrants, 'replication-destination-key'), reason: REPLICA_KEY_BY_ALIAS,
    })),
  ];
}

/** The wildcards of the prune task's role in the offsite bucket: the replicas under the dumps' prefix, and the replica key when named by alias. */
export function replicaPruneWildcards(replica: ReplicaPrunePlan): ReviewedWildcard[] {
  return [
    ...replica.scopes['replica-objects'].resources.map((resource) => ({
      resource,
      actions: actionsOnResource(replica.roleGrants, 'replica-objects'),
      reason: 'The prune reads the replicated manifests and deletes the replicas retention lets go in the offsite bucket, under the dumps\' prefix only '
        + '(each backup is a new key): S3 replication never brings the source\'s deletes.',
    })),
    ...replica.scopes['replica-key'].resources.filter((resource) => resource.endsWith(':key/*')).map((resource) => ({
      resource, actions: actionsOnResource(replica.roleGrants, 'replica-key'), reason: REPLICA_KEY_BY_ALIAS,
    })),
  ];
}
