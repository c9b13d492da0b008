/**
 * The statements an offsite destination given by ARN must add so the prune role may delete the replicas of pruned
 * dumps (`replicaPruneDestinationPolicy`), as every front end must render them for `principal` on `bucket`/`prefix`.
 */
export function expectedReplicaPrunePolicy(principal: unknown, bucket: string, prefix: string) {
  return {
    bucketPolicyStatements: [
      {
        Sid: 'PgBackupPruneReplicas',
        Effect: 'Allow',
        Principal: principal,
        Action: ['s3:GetObject', 's3:DeleteObject'],
        Resource: `arn:aws:s3:::${bucket}/${prefix}/*`,
      },
      {
        Sid: 'PgBackupPruneListReplicas',
        Effect: 'Allow',
        Principal: principal,
        Action: ['s3:ListBucket'],
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
      },
    ],
    keyPolicyStatements: [{ Sid: 'PgBackupPruneDecryptReplicas', Effect: 'Allow', Principal: principal, Action: ['kms:Decrypt'], Resource: '*' }],
  };
}
