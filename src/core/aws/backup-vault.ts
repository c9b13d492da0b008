import { PlannedPolicyStatement } from './backup-bucket';
import { ResolvedVaultLock } from './managed-backup-plan';

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

/** The options of a `PostgresBackupVault` that both AWS front ends share; each adds its cloud handles. */
export interface PostgresBackupVaultOptions {
  /**
   * Vault lock (from `resolveVaultLock`): governance mode without a grace time, compliance mode with one.
   * @default - no lock
   */
  readonly lock?: ResolvedVaultLock;
}

/** What a front end knows of a `PostgresBackupVault`'s handles when it plans it. */
export interface BackupVaultFacts extends PostgresBackupVaultOptions {
  /** Whether a key was given; else one is created. */
  readonly keyGiven: boolean;
  /** Whether an admin role was given. */
  readonly adminRole: boolean;
  /** Whether vault events go to a topic. */
  readonly notifications: boolean;
  /**
   * Accounts whose AWS Backup may copy recovery points in.
   * @default - none
   */
  readonly copyFromAccounts?: readonly string[];
}

/** What a `PostgresBackupVault` creates, decided once for every front end. */
export interface BackupVaultPlan {
  /** The key created when none is given. */
  readonly key?: { readonly description: string; readonly enableKeyRotation: boolean };
  /** The access policy's statements (`admin-role` and `partition` references). */
  readonly accessPolicy: readonly PlannedPolicyStatement[];
  /** The lock, when there is one. */
  readonly lock?: ResolvedVaultLock;
  /** The events sent to the topic, when there is one. */
  readonly notificationEvents?: readonly string[];
}

/** A `PostgresBackupVault`: its key when none is given, its access policy, its lock and the events its topic gets. */
export function planBackupVault(facts: BackupVaultFacts): BackupVaultPlan {
  return {
    key: facts.keyGiven ? undefined : { description: BACKUP_VAULT_PLAN.keyDescription, enableKeyRotation: true },
    accessPolicy: vaultAccessPolicy(facts.adminRole, facts.copyFromAccounts),
    lock: facts.lock,
    notificationEvents: facts.notifications ? VAULT_NOTIFICATION_EVENT_NAMES : undefined,
  };
}

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
