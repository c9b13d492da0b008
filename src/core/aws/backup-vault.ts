import { PlannedPolicyStatement } from './backup-bucket';

/**
 * The vault events sent to the notification topic. AWS Backup no longer sends the `*_JOB_FAILED` events of backup and
 * restore jobs: their failures arrive as `*_JOB_COMPLETED` with the job's state (filter a pager subscription with
 * `{"State": [{"anything-but": "COMPLETED"}]}`), while copy failures have an event of their own.
 */
export const VAULT_NOTIFICATION_EVENT_NAMES = ['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED'] as const;

/** Actions on recovery points the vault's access policy denies to everyone but the admin role. */
export const PROTECTED_RECOVERY_POINT_ACTIONS: readonly string[] = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'];

/** What a `PostgresBackupVault` creates, decided once: its key and its access policy. */
export const BACKUP_VAULT_PLAN = {
  /** The description of a created key. */
  keyDescription: 'Encrypts the PostgreSQL recovery points of the backup vault',
} as const;

/**
 * The vault's access policy: deleting recovery points or shortening their retention is denied to every principal but
 * the admin role (`admin-role` reference) when there is one, and each of `copyFromAccounts` may copy recovery points in.
 */
export function vaultAccessPolicy(adminRole: boolean, copyFromAccounts: readonly string[] = []): PlannedPolicyStatement[] {
  return [
    {
      sid: 'DenyRecoveryPointDeletion',
      effect: 'Deny',
      principal: 'anyone',
      actions: PROTECTED_RECOVERY_POINT_ACTIONS,
      resources: [{ arn: '*' }],
      ...(adminRole ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': { ref: 'admin-role' } } } } : {}),
    },
    ...copyFromAccounts.map(copyFromAccountStatement),
  ];
}

/** The statement that lets AWS Backup of `account` copy recovery points into the vault, in the environment's partition. */
export function copyFromAccountStatement(account: string): PlannedPolicyStatement {
  return {
    sid: `AllowCopyFrom${account.replace(/[^A-Za-z0-9]/g, '')}`,
    effect: 'Allow',
    principal: { account },
    actions: ['backup:CopyIntoBackupVault'],
    resources: [{ arn: '*' }],
  };
}

/**
 * The warning when the notification topic was given: its key policy is its owner's, and so is its topic policy where the
 * front end cannot add to it (`topicPolicyGiven`).
 */
export function givenTopicWarning(topicPolicyGiven: boolean): string {
  return 'The notification topic was given: if it is encrypted, its key policy must let backup.amazonaws.com use '
    + `kms:GenerateDataKey* and kms:Decrypt${topicPolicyGiven ? ', and its topic policy must let it publish' : ''}, or vault notifications are dropped.`;
}
