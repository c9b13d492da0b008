import { AirGappedCopyOptions, AirGappedVaultPlan, checkAirGappedCopyOptions, planAirGappedVault } from './air-gapped-vault';
import { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS, checkAlarmRpoHours, checkMetricNamespace } from './alarm-plan';
import { PlannedPolicyStatement } from './backup-bucket';
import {
  AwsBackupPlanPlan, BackupRulePlan, BackupServiceRolePlan, backupSelectionRole, planAwsBackupPlan, planBackupRules,
} from './backup-plan-rules';
import { MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS, MANAGED_POSTGRES_BACKUP_PLAN_OPTION_GROUPS } from './literal-props';
import { ManagedBackupMonitoringPlan, planManagedBackupMonitoring } from './managed-backup-alarms';
import {
  DatabaseStorageEncryption, ResolvedVaultLock, VaultLockSettings, checkManagedBackupPlan, effectiveBackupRetentionDays, resolveVaultLock,
} from './managed-backup-plan';
import { ManagedDatabaseSettings, ManagedPostgresKind, importedDatabaseWarning, managedSettingsDifferences } from './managed-postgres-database';
import {
  RestoreTestingOptions, RestoreTestingPlan, RestoreValidationFrontEndFacts, checkRestoreTestingOptions, checkRestoreTestingWindow,
  planRestoreTesting,
} from './restore-testing';
import { RestoreValidationOptions } from './restore-testing-validation';
import { MANAGED_BACKUP_PLAN_PROP_PATHS } from '../policy/construct-prop-paths';
import { DEFAULT_MANAGED_BACKUP_RETENTION_DAYS, ResolvedBackupPlanRule, ResolvedManagedSnapshotPolicy, resolveBackupPolicy } from '../policy/defaults';
import { BackupPlanPolicy, BackupPolicy, CopyPolicy, ImmutabilityPolicy, ManagedSnapshotPolicy } from '../policy/policy';
import { renderAwsBackupSchedule } from '../policy/schedule';
import { ValidationOptions, Validator, namingConstruct } from '../policy/validation';

/** The backup plan a `ManagedPostgresBackupPlan` gets when it is given none: one daily rule, kept 35 days. */
export const DEFAULT_MANAGED_BACKUP_PLAN: BackupPlanPolicy = { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] };
/** How far the latest restorable time may lag before the alarm fires, minutes. */
export const DEFAULT_MAX_RESTORABLE_TIME_LAG_MINUTES = 15;
/** How often the latest restorable time is read, minutes. */
export const DEFAULT_RESTORABLE_TIME_CHECK_INTERVAL_MINUTES = 5;
/** Days the restorable-time check's logs are kept. */
export const DEFAULT_MANAGED_BACKUP_LOG_RETENTION_DAYS = 30;

/** The options of a `ManagedPostgresBackupPlan` that both AWS front ends share; each adds its cloud handles (`Validation`'s too). */
export interface ManagedPostgresBackupPlanOptions<Validation extends RestoreValidationOptions = RestoreValidationOptions> {
  /**
   * The database's own automated backups: retention (1–35 days), backup window (UTC, at least 30 minutes, not
   * overlapping the maintenance window), copy tags to snapshots, final snapshot. CDK sets them on a database defined in
   * the app; Pulumi cannot set another resource's arguments (give the instance `managedSnapshotArgs(...)`) and warns
   * about each value the database reports that differs; for an imported database they are checked and named in a warning.
   * @default - retention 7 days (or the continuous backup's), windows as the database has them, copy tags, final snapshot
   */
  readonly managedSnapshots?: ManagedSnapshotPolicy;
  /**
   * The AWS Backup plan: daily, weekly, monthly rules with their retention, and continuous backup
   * (point-in-time recovery) retention. Rule schedules are in UTC (AWS Backup's clock) unless the zone has a fixed offset.
   * @default DEFAULT_MANAGED_BACKUP_PLAN (daily, kept 35 days)
   */
  readonly backupPlan?: BackupPlanPolicy;
  /**
   * Copies of every recovery point to a vault in another region or another account, each named by `vaultArn`.
   * An account copy needs a database encrypted with a customer managed key that the destination account may use (CDK
   * grants it when the key is defined in the app; otherwise a warning names what to add to its key policy), cross-account
   * backup enabled in AWS Organizations, and a destination vault whose access policy allows
   * `backup:CopyIntoBackupVault` from this account (`PostgresBackupVault`). Copies of continuous backups are snapshots,
   * without PITR.
   * @default - no copies
   */
  readonly copies?: CopyPolicy[];
  /**
   * Copies of every recovery point into a logically air-gapped vault the plan creates (AWS Backup locks it in compliance
   * mode and encrypts it with a key AWS owns), kept `retentionDays` or as long as each rule keeps its own, within the
   * vault's retention range.
   * @default - no air-gapped copy
   */
  readonly airGappedCopy?: AirGappedCopyOptions;
  /**
   * Vault lock: `days` is its minimum retention (at most every rule's retention); `mode` is `governance` unless
   * `compliance` is asked for explicitly, because a compliance lock can never be removed once its grace time passed.
   * @default - no vault lock
   */
  readonly immutability?: ImmutabilityPolicy;
  /**
   * The lock's grace time (compliance only, at least 3 days) and maximum retention.
   * @default - 3 days of grace in compliance mode, no maximum
   */
  readonly vaultLock?: VaultLockSettings;
  /**
   * Alarm when no backup job completed for this many hours (1–168).
   * @default - the longest gap between two runs of the most frequent rule plus two hours (26 for a daily rule)
   */
  readonly rpoHours?: number;
  /**
   * Alarm when the database's latest restorable time (point-in-time recovery) lags more than this, in minutes (5–1440).
   * @default 15
   */
  readonly maxRestorableTimeLagMinutes?: number;
  /**
   * How often the latest restorable time is read, in minutes (1–60).
   * @default 5
   */
  readonly restorableTimeCheckIntervalMinutes?: number;
  /**
   * Namespace of the restorable-time lag metric.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * AWS Backup restore testing of the database's recovery points: on a schedule, the latest (or a random) recovery
   * point within a window is restored into the given subnet group and security groups, kept for the validation window
   * and deleted; a failed restore job notifies the topic.
   * @default - no restore testing
   */
  readonly restoreTesting?: RestoreTestingOptions<Validation>;
}

/** What a front end knows of the database and the vault when it plans a managed backup plan. */
export interface ManagedBackupPlanFacts {
  /** Instance or Aurora cluster. */
  readonly kind: ManagedPostgresKind;
  /**
   * The engine family, when the front end knows it (`POSTGRESQL` for the databases this plan protects).
   * @default - not checked
   */
  readonly engineFamily?: string;
  /** How the database's storage is encrypted. */
  readonly storageEncryption: DatabaseStorageEncryption;
  /**
   * The region of the database, to reject a "region" copy into that same region.
   * @default - not checked
   */
  readonly sourceRegion?: string;
  /**
   * The account of the database, to reject an "account" copy into that same account.
   * @default - not checked
   */
  readonly sourceAccount?: string;
  /** The automated-backup settings the database has, where they are known. */
  readonly current: ManagedDatabaseSettings;
  /**
   * The vault the user gave, as the message names it; the plan then creates none.
   * @default - a vault is created
   */
  readonly givenVault?: unknown;
  /** Whether a setting of a created vault (key, admin role) was given. */
  readonly createdVaultSettings: boolean;
  /**
   * The construct's name, from which restore testing's names are made.
   * @default 'postgres_backup'
   */
  readonly name?: string;
  /**
   * What the front end knows for the validation of restore tests: the secret, the major, the check files, the store.
   * @default - no secret, no check files, no store
   */
  readonly restoreValidation?: RestoreValidationFrontEndFacts;
}

/** Everything a front end creates for a managed backup plan, decided once. */
export interface ManagedPostgresBackupPlanPlan {
  /** The policy core checked: the asked snapshot settings over the database's current ones, the plan, copies and lock. */
  readonly policy: BackupPolicy;
  /** The automated-backup settings the database gets. */
  readonly managedSnapshots: ResolvedManagedSnapshotPolicy;
  /** Automated backup retention the database gets, days. */
  readonly backupRetentionDays: number;
  /** The RPO the backup-job alarm watches, hours. */
  readonly rpoHours: number;
  /** The plan's rules with their schedules, continuous backup excluded. */
  readonly rules: readonly ResolvedBackupPlanRule[];
  /** The AWS Backup plan's rules as created: scheduled rules, then continuous backup, each with the copies. */
  readonly backupRules: readonly BackupRulePlan[];
  /** The AWS Backup plan as created: its ids, name, rules, copy vaults and the selection of the database. */
  readonly awsBackupPlan: AwsBackupPlanPlan;
  /** The copies. */
  readonly copies: readonly CopyPolicy[];
  /** Accounts copies go to, which must be able to use the database's key. */
  readonly copyAccounts: readonly string[];
  /** What the database's key policy needs so that the accounts copies go to can use it (empty without account copies). */
  readonly copyKeyPolicy: readonly PlannedPolicyStatement[];
  /** Whether a vault is created (none was given). */
  readonly createsVault: boolean;
  /** The lock of a created vault. */
  readonly vaultLock?: ResolvedVaultLock;
  /** The logically air-gapped vault copies go to, when `airGappedCopy` is set. */
  readonly airGappedVault?: AirGappedVaultPlan;
  /** The role of the selection of the database, where the front end creates it. */
  readonly selectionRole: BackupServiceRolePlan;
  /** The automated-backup settings the database has, where they are known (the facts'). */
  readonly currentSettings: ManagedDatabaseSettings;
  /** Restore testing of the database's recovery points, when asked for. */
  readonly restoreTesting?: RestoreTestingPlan;
  /** What pages: failed-job rules, alarms, the restorable-time check. */
  readonly monitoring: ManagedBackupMonitoringPlan;
  /** Days the check's logs are kept, unless the front end names its own. */
  readonly logRetentionDays: number;
  /** Messages for the user, when they apply. */
  readonly notes: {
    /** Copies of continuous backups are snapshots. */
    readonly continuousCopies?: string;
    /** Account copies need the database's key shared. */
    readonly copyKey?: string;
  };
  /** What the protection metadata says of the backups. */
  readonly protection: {
    readonly schedule: string;
    readonly copies: readonly string[];
    readonly vaultLock?: string;
  };
}

/** The KMS actions an account copy's destination needs on the source snapshot's key, and the grants it creates. */
export const COPY_ACCOUNT_KEY_ACTIONS = {
  use: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
  grant: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
  grantCondition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
} as const;

/** The key policy statements that let the accounts copies go to use the database's key, in which copies re-encrypt. */
function copyKeyPolicy(accounts: readonly string[]): PlannedPolicyStatement[] {
  if (accounts.length === 0) return [];
  const statement = { effect: 'Allow', principal: { accounts }, resources: [{ arn: '*' }] } as const;
  return [
    { ...statement, sid: 'AllowBackupCopyAccountsToUseKey', actions: COPY_ACCOUNT_KEY_ACTIONS.use },
    { ...statement, sid: 'AllowBackupCopyAccountsToGrant', actions: COPY_ACCOUNT_KEY_ACTIONS.grant, conditions: COPY_ACCOUNT_KEY_ACTIONS.grantCondition },
  ];
}

/** The policy core checks: the asked snapshot settings over the database's current ones, the plan, copies and lock. */
export function managedBackupPolicy(options: ManagedPostgresBackupPlanOptions, facts: Pick<ManagedBackupPlanFacts, 'current' | 'sourceRegion'>): BackupPolicy {
  const backupPlan = options.backupPlan ?? DEFAULT_MANAGED_BACKUP_PLAN;
  const asked = options.managedSnapshots;
  return {
    sourceRegion: facts.sourceRegion,
    managedSnapshots: {
      ...asked,
      backupRetentionDays: effectiveBackupRetentionDays(
        { managedSnapshots: asked, backupPlan }, facts.current.backupRetentionDays, DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
      ),
      preferredBackupWindow: asked?.preferredBackupWindow ?? facts.current.preferredBackupWindow,
      preferredMaintenanceWindow: asked?.preferredMaintenanceWindow ?? facts.current.preferredMaintenanceWindow,
    },
    backupPlan,
    copies: options.copies,
    immutability: options.immutability,
    alarms: options.rpoHours !== undefined ? { rpoHours: options.rpoHours } : undefined,
  };
}

/** Every problem with the options of a managed backup plan and the facts of its database, with the props' names. */
export function checkManagedPostgresBackupPlanOptions(
  validator: Validator, options: ManagedPostgresBackupPlanOptions, facts: ManagedBackupPlanFacts,
): void {
  // The checks below read the options' contents, which a deploy-time value refused here does not have.
  const literals = validator.requireLiterals(MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS, options);
  if (!validator.requireWrittenOut(MANAGED_POSTGRES_BACKUP_PLAN_OPTION_GROUPS, options) || !literals) return;
  if (facts.engineFamily !== undefined && facts.engineFamily !== 'POSTGRESQL') {
    validator.report({ path: 'database', value: facts.engineFamily, allowed: 'an RDS for PostgreSQL instance or an Aurora PostgreSQL cluster' });
  }
  checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  checkAlarmRpoHours(validator, options.rpoHours, checkManagedBackupPlan({
    policy: managedBackupPolicy(options, facts),
    vaultLock: options.vaultLock,
    storageEncryption: facts.storageEncryption,
    sourceAccount: facts.sourceAccount,
  }, validator.optionsFor(MANAGED_BACKUP_PLAN_PROP_PATHS)));
  const backupPlan = options.backupPlan ?? DEFAULT_MANAGED_BACKUP_PLAN;
  if ((backupPlan.rules ?? []).length === 0 && backupPlan.continuousBackupRetentionDays === undefined) {
    validator.report({ path: 'backupPlan.rules', value: backupPlan.rules ?? [], allowed: 'at least one rule, or continuousBackupRetentionDays' });
  }
  if (facts.givenVault !== undefined && (options.immutability !== undefined || options.vaultLock !== undefined || facts.createdVaultSettings)) {
    validator.report({ path: 'vault', value: facts.givenVault, allowed: 'no vault, when immutability, vaultLock, adminRole or encryptionKey is set (they configure a created vault)' }, []);
  }
  validator.integer('maxRestorableTimeLagMinutes', options.maxRestorableTimeLagMinutes, 5, 1440, 'minutes');
  validator.integer('restorableTimeCheckIntervalMinutes', options.restorableTimeCheckIntervalMinutes, 1, 60, 'minutes');
  checkRestoreTestingOptions(validator, options.restoreTesting, facts.kind, facts.restoreValidation);
  checkRestoreTestingWindow(validator, options.restoreTesting, backupPlan);
  checkAirGappedCopyOptions(validator, options.airGappedCopy, backupPlan);
}

/** What a `ManagedPostgresBackupPlan` exposes of core's plan, declared once for every front end. */
export interface ManagedPostgresBackupPlanAttributes {
  /** What this construct creates, as core decided it. */
  readonly backupPlan: ManagedPostgresBackupPlanPlan;
  /** The RPO the backup-job alarm watches, hours. */
  readonly rpoHours: number;
  /** The plan's rules with their schedules, continuous backup excluded. */
  readonly rules: readonly ResolvedBackupPlanRule[];
  /**
   * The vault lock of a created vault.
   * @default - none: no lock, or a given vault
   */
  readonly vaultLock?: ResolvedVaultLock;
}

/**
 * The protection records of a managed backup plan: its managed backups of `database` kept `retentionDays` (in the front
 * end's values: a construct path, a resource URN, a retention known only at deploy time), and its restore testing when
 * planned.
 */
export function managedBackupProtections<D, R>(plan: ManagedPostgresBackupPlanPlan, database: D, retentionDays: R) {
  return [
    { kind: 'managed-backup', ...plan.protection, database, retentionDays, rpoHours: plan.rpoHours },
    ...(plan.restoreTesting ? [{ ...plan.restoreTesting.protection, database }] : []),
  ];
}

/** The attributes of a `ManagedPostgresBackupPlan` with `plan`. */
export function managedPostgresBackupPlanAttributes(plan: ManagedPostgresBackupPlanPlan): ManagedPostgresBackupPlanAttributes {
  return { backupPlan: plan, rpoHours: plan.rpoHours, rules: plan.rules, ...(plan.vaultLock ? { vaultLock: plan.vaultLock } : {}) };
}

/**
 * Checks a managed backup plan's options with the same messages in every front end, and decides what it creates: the
 * database's automated-backup settings, the AWS Backup rules with their copies, the vault lock, the selection, the
 * alarms, failed-job rules and restorable-time check, and the notes and protection metadata. Throws a
 * `PolicyValidationError` listing every problem.
 */
export function planManagedPostgresBackupPlan(
  options: ManagedPostgresBackupPlanOptions, facts: ManagedBackupPlanFacts, validation: ValidationOptions,
): ManagedPostgresBackupPlanPlan {
  return namingConstruct(validation.construct, () => planManagedPostgresBackupPlanNamed(options, facts, validation));
}

/** planManagedPostgresBackupPlan without the construct named in errors the parts it builds throw. */
function planManagedPostgresBackupPlanNamed(
  options: ManagedPostgresBackupPlanOptions, facts: ManagedBackupPlanFacts, validation: ValidationOptions,
): ManagedPostgresBackupPlanPlan {
  const validator = new Validator(validation);
  checkManagedPostgresBackupPlanOptions(validator, options, facts);
  validator.throwIfInvalid();

  const policy = managedBackupPolicy(options, facts);
  const resolved = resolveBackupPolicy(policy, validation);
  const rpoHours = resolved.alarms.rpoHours;
  if (rpoHours > MAX_ALARM_RPO_HOURS) {
    validator.report({ path: 'rpoHours', value: rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the backup plan rules; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
    validator.throwIfInvalid();
  }
  const backupPlan = resolved.backupPlan!;
  const continuous = backupPlan.continuousBackupRetentionDays;
  const copyAccounts = resolved.copies.filter((copy) => copy.destination === 'account' && copy.account !== undefined).map((copy) => copy.account!);
  const vaultLock = facts.givenVault === undefined ? resolveVaultLock(policy, options.vaultLock) : undefined;
  const backupRules = planBackupRules(backupPlan, resolved.copies, options.airGappedCopy);
  const schedules = [
    ...backupPlan.rules.map((rule) => `${rule.name} ${renderAwsBackupSchedule(rule.schedule)} kept ${rule.retentionDays} d`),
    ...(continuous !== undefined ? [`continuous (PITR) kept ${continuous} d`] : []),
  ];
  return {
    policy,
    managedSnapshots: resolved.managedSnapshots!,
    backupRetentionDays: resolved.managedSnapshots!.backupRetentionDays,
    rpoHours,
    rules: backupPlan.rules,
    backupRules,
    awsBackupPlan: planAwsBackupPlan(backupRules, resolved.copies),
    copies: resolved.copies,
    copyAccounts,
    copyKeyPolicy: copyKeyPolicy(copyAccounts),
    createsVault: facts.givenVault === undefined,
    vaultLock,
    airGappedVault: options.airGappedCopy && planAirGappedVault(options.airGappedCopy, backupPlan, facts.name ?? 'postgres-backup'),
    restoreTesting: options.restoreTesting && planRestoreTesting(
      options.restoreTesting, facts.kind, continuous !== undefined, facts.name ?? 'postgres_backup', facts.restoreValidation, options.metricNamespace,
    ),
    selectionRole: backupSelectionRole('AWS Backup backs up the selected database with this role'),
    currentSettings: facts.current,
    monitoring: planManagedBackupMonitoring({
      kind: facts.kind,
      rpoHours,
      maxRestorableTimeLagMinutes: options.maxRestorableTimeLagMinutes ?? DEFAULT_MAX_RESTORABLE_TIME_LAG_MINUTES,
      restorableTimeCheckIntervalMinutes: options.restorableTimeCheckIntervalMinutes ?? DEFAULT_RESTORABLE_TIME_CHECK_INTERVAL_MINUTES,
      metricNamespace: options.metricNamespace ?? DEFAULT_METRIC_NAMESPACE,
    }),
    logRetentionDays: DEFAULT_MANAGED_BACKUP_LOG_RETENTION_DAYS,
    notes: {
      continuousCopies: continuous !== undefined && (resolved.copies.length > 0 || options.airGappedCopy !== undefined)
        ? 'Copies of continuous backups are snapshots: the copies restore to the time they were taken, without point-in-time recovery.'
        : undefined,
      copyKey: copyAccounts.length > 0
        ? `Copies to account(s) ${copyAccounts.join(', ')} need the database's KMS key shared with them (kms:Decrypt, DescribeKey, `
          + 'Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant with kms:GrantIsForAWSResource): add that to its key policy.'
        : undefined,
    },
    protection: {
      schedule: schedules.join('; '),
      copies: [
        ...resolved.copies.map((copy) => copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`),
        ...(options.airGappedCopy ? ['logically air-gapped vault'] : []),
      ],
      vaultLock: vaultLock ? `${vaultLock.mode} ${vaultLock.minRetentionDays} days` : undefined,
    },
  };
}

/**
 * What a front end that cannot change the database's own arguments (Pulumi) warns about: an imported database's
 * settings cannot be set from here; one managed here should be given the policy's settings (`managedSnapshotArgs`).
 * Empty when its settings are the policy's.
 */
export function databaseSettingsWarnings(
  current: ManagedDatabaseSettings, plan: Pick<ManagedPostgresBackupPlanPlan, 'managedSnapshots'>, asked: ManagedSnapshotPolicy | undefined,
  managedHere: boolean,
): string[] {
  if (!managedHere) return [importedDatabaseWarning('The database', asked)];
  const differences = managedSettingsDifferences(current, plan.managedSnapshots, 'the policy');
  return differences.length === 0 ? [] : [`The database's automated backups differ from the backup policy: ${differences.join('; ')}. `
    + 'Give the database resource managedSnapshotArgs(...) of the same policy.'];
}

/**
 * What a front end that sets the database's own arguments (CDK) warns about when the policy's retention replaces the
 * one the database was given, so nobody takes the given one for applied; `undefined` when nothing is replaced.
 */
export function retentionReplacedWarning(current: ManagedDatabaseSettings, plan: Pick<ManagedPostgresBackupPlanPlan, 'backupRetentionDays'>): string | undefined {
  if (current.backupRetentionDays === undefined || current.backupRetentionDays === plan.backupRetentionDays) return undefined;
  return `The database's backup retention of ${current.backupRetentionDays} days is replaced by ${plan.backupRetentionDays} days from the backup policy.`;
}
