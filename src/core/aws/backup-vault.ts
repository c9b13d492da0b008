/**
 * The vault events sent to the notification topic. AWS Backup no longer sends the `*_JOB_FAILED` events of backup and
 * restore jobs: their failures arrive as `*_JOB_COMPLETED` with the job's state (filter a pager subscription with
 * `{"State": [{"anything-but": "COMPLETED"}]}`), while copy failures have an event of their own.
 */
export const VAULT_NOTIFICATION_EVENT_NAMES = ['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED'] as const;

/** Actions on recovery points the vault's access policy denies to everyone but the admin role. */
export const PROTECTED_RECOVERY_POINT_ACTIONS: readonly string[] = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'];

/** What a `PostgresBackupVault` creates, decided once: its key, its access policy's statements, its events. */
export const BACKUP_VAULT_PLAN = {
  /** The description of a created key. */
  keyDescription: 'Encrypts the PostgreSQL recovery points of the backup vault',
  /** The statement that denies deleting recovery points or shortening their retention to all but the admin role. */
  denyDeletion: { sid: 'DenyRecoveryPointDeletion', actions: PROTECTED_RECOVERY_POINT_ACTIONS },
  /** The action another account's AWS Backup needs to copy recovery points into the vault. */
  copyIntoVaultAction: 'backup:CopyIntoBackupVault',
} as const;

/**
 * The warning when the notification topic was given: its key policy is its owner's, and so is its topic policy where the
 * front end cannot add to it (`topicPolicyGiven`).
 */
export function givenTopicWarning(topicPolicyGiven: boolean): string {
  return 'The notification topic was given: if it is encrypted, its key policy must let backup.amazonaws.com use '
    + `kms:GenerateDataKey* and kms:Decrypt${topicPolicyGiven ? ', and its topic policy must let it publish' : ''}, or vault notifications are dropped.`;
}

/** The condition that exempts the admin role from the deny statement, when there is one. */
export function adminRoleCondition<Arn>(adminRoleArn: Arn | undefined): { ArnNotEquals: { 'aws:PrincipalArn': Arn } } | undefined {
  return adminRoleArn === undefined ? undefined : { ArnNotEquals: { 'aws:PrincipalArn': adminRoleArn } };
}

/** The statement id that lets `account` copy recovery points into the vault. */
export function copyFromAccountSid(account: string): string {
  return `AllowCopyFrom${account.replace(/[^A-Za-z0-9]/g, '')}`;
}
