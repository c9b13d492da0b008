import { PlannedPolicyStatement } from './backup-bucket';
import { BACKUP_VAULT_LITERAL_PROPS } from './literal-props';
import { ResolvedVaultLock } from './managed-backup-plan';
import { ValidationOptions, Validator } from '../policy/validation';

/**
 * The vault events sent to the notification topic. AWS Backup no longer sends the `*_JOB_FAILED` events of backup and
 * restore jobs: their failures arrive as `*_JOB_COMPLETED` with the job's state (filter a pager subscription with
 * `{"State": [{"anything-but": "COMPLETED"}]}`), while copy failures have an event of their own.
 */
export const VAULT_NOTIFICATION_EVENT_NAMES = ['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED'] as const;

/** The vault events AWS Backup sends (its `PutBackupVaultNotifications` reference, "the following events are supported"). */
export const SUPPORTED_VAULT_NOTIFICATION_EVENTS: readonly string[] = [
  'BACKUP_JOB_STARTED', 'BACKUP_JOB_COMPLETED', 'COPY_JOB_STARTED', 'COPY_JOB_SUCCESSFUL', 'COPY_JOB_FAILED',
  'RESTORE_JOB_STARTED', 'RESTORE_JOB_COMPLETED', 'RECOVERY_POINT_MODIFIED', 'S3_BACKUP_OBJECT_FAILED', 'S3_RESTORE_OBJECT_FAILED',
];

/**
 * Vault events the API still accepts (CDK's `BackupVaultEvents` still lists them) but AWS Backup no longer sends: a topic
 * subscribed to them alone never hears of a failed job, so each is refused with what to use instead.
 */
export const DEPRECATED_VAULT_NOTIFICATION_EVENTS: Readonly<Record<string, string>> = {
  BACKUP_JOB_SUCCESSFUL: 'BACKUP_JOB_COMPLETED',
  BACKUP_JOB_FAILED: 'BACKUP_JOB_COMPLETED, whose State says FAILED',
  BACKUP_JOB_EXPIRED: 'BACKUP_JOB_COMPLETED, whose State says EXPIRED',
  RESTORE_JOB_SUCCESSFUL: 'RESTORE_JOB_COMPLETED',
  RESTORE_JOB_FAILED: 'RESTORE_JOB_COMPLETED, whose State says FAILED',
  BACKUP_PLAN_CREATED: 'an EventBridge rule on AWS Backup\'s CloudTrail events',
  BACKUP_PLAN_MODIFIED: 'an EventBridge rule on AWS Backup\'s CloudTrail events',
};

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
  /**
   * The vault events sent to the notification topic, each one AWS Backup still sends
   * ({@link SUPPORTED_VAULT_NOTIFICATION_EVENTS}); only with a topic to send them to.
   * @default - {@link VAULT_NOTIFICATION_EVENT_NAMES}
   */
  readonly notificationEvents?: readonly string[];
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
  /**
   * The vault's name, as given.
   * @default - generated
   */
  readonly backupVaultName?: string;
  /**
   * How the checks report (the construct's name, what is unresolved).
   * @default - plain paths
   */
  readonly validation?: ValidationOptions;
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

/**
 * A `PostgresBackupVault`: its key when none is given, its access policy, its lock and the events its topic gets. A lock
 * or copying accounts known only at deploy time are refused, before the checks that read them.
 */
export function planBackupVault(facts: BackupVaultFacts): BackupVaultPlan {
  const validator = new Validator(facts.validation);
  const literals = { lock: facts.lock, allowCopiesFromAccounts: facts.copyFromAccounts };
  if (validator.requireLiterals(BACKUP_VAULT_LITERAL_PROPS, literals)) checkBackupVault(validator, facts);
  validator.throwIfInvalid();
  return {
    key: facts.keyGiven ? undefined : { description: BACKUP_VAULT_PLAN.keyDescription, enableKeyRotation: true },
    accessPolicy: vaultAccessPolicy(facts.adminRole, facts.copyFromAccounts),
    lock: facts.lock,
    notificationEvents: facts.notifications ? facts.notificationEvents ?? VAULT_NOTIFICATION_EVENT_NAMES : undefined,
  };
}

/**
 * Refuses what AWS Backup would refuse at deploy time, or accept and never act on: a vault name outside its pattern, an
 * account that is not 12 digits, events it does not send (or no longer sends), and events without a topic.
 */
function checkBackupVault(validator: Validator, facts: BackupVaultFacts): void {
  validator.matches('backupVaultName', facts.backupVaultName, /^[A-Za-z0-9_-]{2,50}$/, '2 to 50 letters, digits, - and _');
  (facts.copyFromAccounts ?? []).forEach((account, index) => checkCopyingAccount(validator, `allowCopiesFromAccounts[${index}]`, account));
  const events = facts.notificationEvents;
  if (events === undefined || validator.isUnresolved(events)) return;
  if (!facts.notifications) {
    validator.report({
      path: 'notificationEvents',
      value: events,
      allowed: 'no events without a notification topic',
      reason: 'there is no topic to send them to: give the topic too, or leave the events out',
    });
    return;
  }
  if (!Array.isArray(events) || events.length === 0) {
    validator.report({ path: 'notificationEvents', value: events, allowed: 'a list of at least one event (leave the topic out for none)' });
    return;
  }
  events.forEach((event, index) => {
    const instead = DEPRECATED_VAULT_NOTIFICATION_EVENTS[event];
    if (instead !== undefined) {
      validator.report({
        path: `notificationEvents[${index}]`,
        value: event,
        allowed: `an event AWS Backup still sends: ${instead}`,
        reason: 'AWS Backup no longer sends this event, so a topic subscribed to it hears nothing',
      });
    } else {
      validator.oneOf(`notificationEvents[${index}]`, event, SUPPORTED_VAULT_NOTIFICATION_EVENTS);
    }
  });
}

/** Refuses an account allowed to copy in that is not 12 digits (a token or output passes: only the deployment knows it). */
function checkCopyingAccount(validator: Validator, path: string, account: string): void {
  validator.matches(path, account, /^\d{12}$/, 'a 12-digit AWS account id');
}

/**
 * The statement that lets AWS Backup of `account` copy recovery points in, for a vault that gets accounts one at a time
 * (CDK's `allowCopiesFromAccount`): the account is checked first, as `path` names it.
 */
export function checkedCopyFromAccountStatement(account: string, path: string, validation?: ValidationOptions): PlannedPolicyStatement {
  const validator = new Validator(validation);
  checkCopyingAccount(validator, path, account);
  validator.throwIfInvalid();
  return copyFromAccountStatement(account);
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
