import * as backup from '@pulumi/aws/backup';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { awsBackupPlanRules } from './backup-plan-rules';
import { PostgresBackupVault } from './backup-vault';
import { ManagedBackupAlarms } from './managed-backup-alarms';
import { ManagedDatabaseSettings, ManagedPostgresDatabase } from './managed-postgres-database';
import { assumedByService } from './policy-document';
import { recordProtectedDatabase } from './require-postgres-backups';
import { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS } from './scheduled-pg-dump';
import {
  DatabaseStorageEncryption, ResolvedVaultLock, VaultLockSettings, checkManagedBackupPlan, effectiveBackupRetentionDays, resolveVaultLock,
} from '../../core/aws/managed-backup-plan';
import { MANAGED_BACKUP_PLAN_PROP_PATHS } from '../../core/policy/construct-prop-paths';
import { DEFAULT_MANAGED_BACKUP_RETENTION_DAYS, ResolvedBackupPlanRule, resolveBackupPolicy } from '../../core/policy/defaults';
import { BackupPlanPolicy, BackupPolicy, CopyPolicy, ImmutabilityPolicy, ManagedSnapshotPolicy } from '../../core/policy/policy';
import { Validator } from '../../core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

/** The backup plan a {@link ManagedPostgresBackupPlan} gets when it is given none: one daily rule, kept 35 days. */
export const DEFAULT_MANAGED_BACKUP_PLAN: BackupPlanPolicy = { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] };

/** Props of {@link ManagedPostgresBackupPlan}. */
export interface ManagedPostgresBackupPlanProps {
  /** The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})` or `.fromArn(arn)`. */
  readonly database: ManagedPostgresDatabase;
  /**
   * The database's own automated backups: retention (1–35 days), backup window (UTC, at least 30 minutes, not
   * overlapping the maintenance window), copy tags to snapshots, final snapshot. Unlike CDK, a Pulumi component cannot
   * set another resource's arguments: give the instance `managedSnapshotArgs(...)`; the plan checks the values the
   * database reports against this policy and warns about each one that differs.
   * @default - retention 7 days (or the continuous backup's), windows as the database has them, copy tags, final snapshot
   */
  readonly managedSnapshots?: ManagedSnapshotPolicy;
  /**
   * The AWS Backup plan: daily, weekly, monthly rules with retention and cold storage, and continuous backup
   * (point-in-time recovery) retention. Rule schedules are in UTC unless the zone has a fixed offset.
   * @default DEFAULT_MANAGED_BACKUP_PLAN (daily, kept 35 days)
   */
  readonly backupPlan?: BackupPlanPolicy;
  /**
   * Copies of every recovery point to a vault in another region or another account, each named by `vaultArn`. An
   * account copy needs a database encrypted with a customer managed key that the destination account may use (its key
   * policy is its owner's: a warning names what to add), cross-account backup enabled in AWS Organizations, and a
   * destination vault whose access policy allows `backup:CopyIntoBackupVault` from this account
   * (`PostgresBackupVault` `allowCopiesFromAccounts`). Copies of continuous backups are snapshots, without PITR.
   * @default - no copies
   */
  readonly copies?: CopyPolicy[];
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
   * Name of an existing vault recovery points go to; it keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vaultName?: pulumi.Input<string>;
  /**
   * ARN of the key of a created vault.
   * @default - a key is created
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRoleArn?: pulumi.Input<string>;
  /**
   * Alarm when no backup job completed for this many hours (1–168).
   * @default - the longest gap between two runs of the most frequent rule plus two hours (26 for a daily rule)
   */
  readonly rpoHours?: number;
  /**
   * Alarm when the database's latest restorable time (point-in-time recovery) lags more than this, in minutes.
   * @default 15
   */
  readonly maxRestorableTimeLagMinutes?: number;
  /**
   * How often the latest restorable time is read, in minutes.
   * @default 5
   */
  readonly restorableTimeCheckIntervalMinutes?: number;
  /**
   * ARN of the topic failed jobs, vault events and alarms go to; its policy must let EventBridge and AWS Backup publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * Namespace of the restorable-time lag metric.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Days the restorable-time check's logs are kept.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Keep a created vault and its key when the stack is destroyed.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/** What the check of a {@link ManagedPostgresBackupPlan} sees: its props, and the database's facts once known. */
export interface PlanFacts {
  readonly asked: ManagedPostgresBackupPlanProps['managedSnapshots'];
  readonly backupPlan: BackupPlanPolicy;
  readonly copies?: CopyPolicy[];
  readonly immutability?: ImmutabilityPolicy;
  readonly vaultLock?: VaultLockSettings;
  readonly rpoHours?: number;
  readonly maxRestorableTimeLagMinutes?: number;
  readonly restorableTimeCheckIntervalMinutes?: number;
  readonly vaultGiven: boolean;
  readonly createdVaultSettings: boolean;
  readonly storageEncryption: DatabaseStorageEncryption;
  readonly sourceRegion?: string;
  readonly sourceAccount?: string;
  readonly current: ManagedDatabaseSettings;
}

/**
 * Backups of a managed PostgreSQL database (RDS instance or Aurora cluster) done right: the database's automated
 * backup settings checked, an AWS Backup plan with the policy's rules and continuous backup into a vault with its own
 * key, a deletion-denying access policy and an optional lock; copies to another region and another account; and paging
 * when a job fails, when no backup completed within the RPO, and when point-in-time recovery falls behind. The same
 * plan, vault, rules, alarms and check as the CDK `ManagedPostgresBackupPlan`.
 */
export class ManagedPostgresBackupPlan extends pulumi.ComponentResource {
  /** The AWS Backup plan. */
  public readonly plan: backup.Plan;
  /** Name of the vault recovery points go to. */
  public readonly vaultName: pulumi.Output<string>;
  /** The vault component, when the vault was created here. */
  public readonly backupVault?: PostgresBackupVault;
  /** The selection of the database. */
  public readonly selection: backup.Selection;
  /** ARN of the topic failures go to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** Failed-job rules, backup-age and restorable-time alarms. */
  public readonly monitoring: ManagedBackupAlarms;
  /** The RPO the backup-job alarm watches, hours. */
  public readonly rpoHours: number;
  /** Automated backup retention the database should have, days. */
  public readonly backupRetentionDays: pulumi.Output<number>;
  /** The vault lock of a created vault. */
  public readonly vaultLock?: ResolvedVaultLock;
  /** The plan's rules with their schedules, continuous backup excluded. */
  public readonly rules: readonly ResolvedBackupPlanRule[];

  constructor(name: string, props: ManagedPostgresBackupPlanProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ManagedPostgresBackupPlan', name, {}, opts);
    const database = props.database;
    const environment = awsEnvironment(this);
    const known = planFacts(props, { storageEncryption: 'unknown', current: {} });
    // What is known now (the policy) is checked now; the database's facts are checked again once known, and the plan is
    // not created with a policy they make invalid.
    validateWhenKnown(known, checkPlanFacts, name);
    const checkedFacts = validateManagedBackupPlanWhenKnown(props, environment, name);

    const policy = planPolicy(known);
    const resolved = resolveBackupPolicy(policy, PULUMI_VALIDATION_OPTIONS);
    this.rpoHours = resolved.alarms.rpoHours;
    if (this.rpoHours > MAX_ALARM_RPO_HOURS) {
      const validator = new Validator({ construct: name });
      validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the backup plan rules; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
      validator.throwIfInvalid();
    }
    this.rules = resolved.backupPlan!.rules;
    this.backupRetentionDays = checkedFacts.apply((checked) => {
      const snapshots = planPolicy(checked as PlanFacts).managedSnapshots!;
      warnAboutDatabaseSettings(this, checked as PlanFacts, snapshots, database.managedHere);
      return snapshots.backupRetentionDays!;
    });

    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn,
      additionalPublishingServices: ['backup.amazonaws.com'],
      retainOnDelete: props.retainOnDelete,
      environment,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;
    if (props.vaultName !== undefined) {
      this.vaultName = pulumi.output(props.vaultName);
    } else {
      if (!notifications.created) {
        void pulumi.log.warn('The notification topic was given: if it is encrypted, its key policy must let backup.amazonaws.com use '
          + 'kms:GenerateDataKey* and kms:Decrypt, and its topic policy must let it publish, or vault notifications are dropped.', this);
      }
      this.vaultLock = resolveVaultLock(policy, props.vaultLock);
      this.backupVault = new PostgresBackupVault(`${name}-vault`, {
        encryptionKeyArn: props.encryptionKeyArn,
        adminRoleArn: props.adminRoleArn,
        lock: this.vaultLock,
        notificationTopicArn: this.notificationTopicArn,
        retainOnDelete: props.retainOnDelete,
      }, { parent: this });
      this.vaultName = this.backupVault.backupVaultName;
    }

    const planRules = awsBackupPlanRules(resolved.backupPlan!, this.vaultName, resolved.copies);
    if (resolved.backupPlan!.continuousBackupRetentionDays !== undefined && resolved.copies.length > 0) {
      void pulumi.log.info('Copies of continuous backups are snapshots: the copies restore to the time they were taken, without point-in-time recovery.', this);
    }
    this.plan = new backup.Plan(`${name}-plan`, {
      // Created only once the database's facts pass the checks.
      name: checkedFacts.apply(() => name),
      rules: planRules,
    }, { parent: this });

    const selectionRole = new iam.Role(`${name}-selection-role`, {
      description: 'AWS Backup backs up the selected database with this role',
      assumeRolePolicy: assumedByService('backup.amazonaws.com'),
    }, { parent: this });
    const attachment = new iam.RolePolicyAttachment(`${name}-selection-backup`, {
      role: selectionRole.name,
      policyArn: pulumi.interpolate`arn:${environment.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
    }, { parent: this });
    this.selection = new backup.Selection(`${name}-selection`, {
      name: 'Database',
      planId: this.plan.id,
      iamRoleArn: selectionRole.arn,
      resources: [database.arn(environment)],
    }, { parent: this, dependsOn: [attachment] });
    warnAboutCopyKeys(this, resolved.copies);

    this.monitoring = new ManagedBackupAlarms(`${name}-monitoring`, {
      database,
      environment,
      backupVaultName: this.vaultName,
      topicArn: this.notificationTopicArn,
      rpoHours: this.rpoHours,
      maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes ?? 15,
      restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes ?? 5,
      metricNamespace: props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE,
      logRetentionDays: props.logRetentionDays ?? 30,
    }, { parent: this });

    recordProtectedDatabase(props.database.resource, 'managed-backup');
    this.registerOutputs({
      planId: this.plan.id,
      vaultName: this.vaultName,
      notificationTopicArn: this.notificationTopicArn,
      backupRetentionDays: this.backupRetentionDays,
      alarmArns: this.monitoring.alarms.map((alarm) => alarm.arn),
    });
  }
}

/** The facts of the props, with what is known of the database. */
function planFacts(props: ManagedPostgresBackupPlanProps, database: Pick<PlanFacts, 'storageEncryption' | 'sourceRegion' | 'sourceAccount' | 'current'>): PlanFacts {
  return {
    asked: props.managedSnapshots,
    backupPlan: props.backupPlan ?? DEFAULT_MANAGED_BACKUP_PLAN,
    copies: props.copies,
    immutability: props.immutability,
    vaultLock: props.vaultLock,
    rpoHours: props.rpoHours,
    maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes,
    restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes,
    vaultGiven: props.vaultName !== undefined,
    createdVaultSettings: [props.immutability, props.vaultLock, props.adminRoleArn, props.encryptionKeyArn].some((setting) => setting !== undefined),
    ...database,
  };
}

/**
 * The check of a {@link ManagedPostgresBackupPlan} that waits for the database's facts: its storage encryption, its
 * region and account (for copies), and its current automated-backup settings (retention, windows). The output fails
 * with core's `PolicyValidationError` when they make the policy invalid; the plan resource takes its name from it, so
 * it is never created then.
 */
export function validateManagedBackupPlanWhenKnown(
  props: ManagedPostgresBackupPlanProps, environment: AwsEnvironment, construct?: string,
): pulumi.Output<PlanFacts> {
  const database = props.database;
  const accountOfArn = database.arn(environment).apply((arn) => /^arn:aws[a-z-]*:rds:[a-z0-9-]+:(\d{12}):/.exec(arn)?.[1]);
  const facts = pulumi.all([
    database.storageEncryption, environment.region, accountOfArn, database.settings ?? pulumi.output<ManagedDatabaseSettings>({}),
  ]).apply(([storageEncryption, region, account, current]) => planFacts(props, {
    storageEncryption, sourceRegion: region, sourceAccount: account, current,
  }));
  return validateWhenKnown(facts, checkPlanFacts, construct) as pulumi.Output<PlanFacts>;
}

/** The policy core checks: the asked snapshot settings over the database's current ones, the plan, copies and lock. */
function planPolicy(facts: PlanFacts): BackupPolicy {
  const managedSnapshots: ManagedSnapshotPolicy = {
    ...facts.asked,
    backupRetentionDays: effectiveBackupRetentionDays(
      { managedSnapshots: facts.asked, backupPlan: facts.backupPlan }, facts.current.backupRetentionDays, DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
    ),
    preferredBackupWindow: facts.asked?.preferredBackupWindow ?? facts.current.preferredBackupWindow,
    preferredMaintenanceWindow: facts.asked?.preferredMaintenanceWindow ?? facts.current.preferredMaintenanceWindow,
  };
  return {
    sourceRegion: facts.sourceRegion,
    managedSnapshots,
    backupPlan: facts.backupPlan,
    copies: facts.copies,
    immutability: facts.immutability,
    alarms: facts.rpoHours !== undefined ? { rpoHours: facts.rpoHours } : undefined,
  };
}

/** The checks of the CDK construct, with its messages. */
function checkPlanFacts(validator: Validator, facts: PlanFacts): void {
  if (validator.isUnresolved(facts)) return;
  validator.include(checkManagedBackupPlan({
    policy: planPolicy(facts),
    vaultLock: facts.vaultLock,
    storageEncryption: facts.storageEncryption,
    sourceAccount: facts.sourceAccount,
  }, validator.optionsFor(MANAGED_BACKUP_PLAN_PROP_PATHS)));
  if ((facts.backupPlan.rules ?? []).length === 0 && facts.backupPlan.continuousBackupRetentionDays === undefined) {
    validator.report({ path: 'backupPlan.rules', value: facts.backupPlan.rules ?? [], allowed: 'at least one rule, or continuousBackupRetentionDays' });
  }
  if (facts.vaultGiven && facts.createdVaultSettings) {
    validator.report({ path: 'vault', value: 'vaultName', allowed: 'no vault, when immutability, vaultLock, adminRole or encryptionKey is set (they configure a created vault)' }, []);
  }
  validator.integer('rpoHours', facts.rpoHours, 1, MAX_ALARM_RPO_HOURS, 'hours');
  validator.integer('maxRestorableTimeLagMinutes', facts.maxRestorableTimeLagMinutes, 5, 1440, 'minutes');
  validator.integer('restorableTimeCheckIntervalMinutes', facts.restorableTimeCheckIntervalMinutes, 1, 60, 'minutes');
}

/**
 * Names each automated-backup setting the database does not have, so nobody takes it for applied: a component cannot
 * change another resource's arguments in Pulumi (give the database `managedSnapshotArgs`).
 */
function warnAboutDatabaseSettings(parent: pulumi.Resource, facts: PlanFacts, wanted: ManagedSnapshotPolicy, managedHere: boolean): void {
  const current = facts.current;
  if (!managedHere) {
    const asked = Object.entries(facts.asked ?? {}).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${String(value)}`);
    void pulumi.log.warn('The database is imported: its automated backups cannot be set from here'
      + `${asked.length > 0 ? ` (${asked.join(', ')} are NOT applied)` : ''}. Check that its backup retention is at least 1 day, `
      + 'that it copies tags to snapshots and keeps automated backups on deletion (aws rds modify-db-instance / modify-db-cluster).', parent);
    return;
  }
  const differences: string[] = [];
  const compare = (key: keyof ManagedDatabaseSettings, want: unknown) => {
    if (want !== undefined && current[key] !== want) differences.push(`${key} is ${String(current[key])}, the policy asks for ${String(want)}`);
  };
  compare('backupRetentionDays', wanted.backupRetentionDays);
  compare('preferredBackupWindow', wanted.preferredBackupWindow);
  compare('preferredMaintenanceWindow', wanted.preferredMaintenanceWindow);
  compare('copyTagsToSnapshot', wanted.copyTagsToSnapshot ?? true);
  compare('finalSnapshot', wanted.finalSnapshot ?? true);
  if (differences.length > 0) {
    void pulumi.log.warn(`The database's automated backups differ from the backup policy: ${differences.join('; ')}. `
      + 'Give the database resource managedSnapshotArgs(...) of the same policy.', parent);
  }
}

/** Account copies re-encrypt in the destination account, which must be able to use the source snapshot's key. */
function warnAboutCopyKeys(parent: pulumi.Resource, copies: readonly CopyPolicy[]): void {
  const accounts = copies.filter((copy) => copy.destination === 'account' && copy.account !== undefined).map((copy) => copy.account!);
  if (accounts.length === 0) return;
  void pulumi.log.warn(`Copies to account(s) ${accounts.join(', ')} need the database's KMS key shared with them (kms:Decrypt, DescribeKey, `
    + 'Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant with kms:GrantIsForAWSResource): add that to its key policy.', parent);
}
