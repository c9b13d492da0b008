import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { PostgresBackupVault } from './backup-vault';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { ManagedBackupAlarms } from './managed-backup-alarms';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { acknowledgeAwsManagedPolicy } from './reviewed-findings';
import { DEFAULT_METRIC_NAMESPACE, MAX_ALARM_RPO_HOURS, PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import {
  ResolvedVaultLock, VaultLockSettings, checkManagedBackupPlan, effectiveBackupRetentionDays, resolveVaultLock,
} from '../core/aws/managed-backup-plan';
import { MANAGED_BACKUP_PLAN_PROP_PATHS } from '../core/policy/construct-prop-paths';
import { DEFAULT_MANAGED_BACKUP_RETENTION_DAYS, ResolvedBackupPlanRule, defaultBackupPlanSchedule, resolveBackupPolicy } from '../core/policy/defaults';
import { BackupPlanPolicy, BackupPolicy, CopyPolicy, ImmutabilityPolicy, ManagedSnapshotPolicy } from '../core/policy/policy';
import { renderAwsBackupSchedule } from '../core/policy/schedule';
import { Validator } from '../core/policy/validation';

/** The backup plan a {@link ManagedPostgresBackupPlan} gets when it is given none: one daily rule, kept 35 days. */
export const DEFAULT_MANAGED_BACKUP_PLAN: BackupPlanPolicy = { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] };

/** Name of the backup-plan rule of continuous backup. */
export const CONTINUOUS_BACKUP_RULE_NAME = 'continuous';

/** Props of {@link ManagedPostgresBackupPlan}. */
export interface ManagedPostgresBackupPlanProps {
  /**
   * The database: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier({...})`
   * or `.fromArn(arn)`.
   */
  readonly database: ManagedPostgresDatabase;
  /**
   * The database's own automated backups: retention (1–35 days), backup window (UTC, at least 30 minutes, not
   * overlapping the maintenance window), copy tags to snapshots, final snapshot. Set on a database defined in this app;
   * checked, and named in a synth warning, for an imported one.
   * @default - retention 7 days (or the continuous backup's), windows as the database has them, copy tags, final snapshot
   */
  readonly managedSnapshots?: ManagedSnapshotPolicy;
  /**
   * The AWS Backup plan: daily, weekly, monthly rules with retention and cold storage, and continuous backup
   * (point-in-time recovery) retention. Rule schedules are in UTC (AWS Backup's clock) unless the zone has a fixed offset.
   * @default DEFAULT_MANAGED_BACKUP_PLAN (daily, kept 35 days)
   */
  readonly backupPlan?: BackupPlanPolicy;
  /**
   * Copies of every recovery point to a vault in another region or another account, each named by `vaultArn`.
   * An account copy needs a database encrypted with a customer managed key that the destination account may use (it is
   * granted here when the key is a `kms.Key` of this app), cross-account backup enabled in AWS Organizations, and a
   * destination vault whose access policy allows `backup:CopyIntoBackupVault` from this account
   * (`PostgresBackupVault.allowCopiesFromAccount`). Copies of continuous backups are snapshots, without PITR.
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
   * The vault recovery points go to. A given vault keeps its own access policy and lock.
   * @default - a `PostgresBackupVault` is created
   */
  readonly vault?: backup.IBackupVault;
  /**
   * Key of a created vault.
   * @default - a key is created
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The one role allowed to delete recovery points of a created vault or shorten their retention.
   * @default - nobody
   */
  readonly adminRole?: iam.IRole;
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
   * The topic failed jobs, vault events and alarms go to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Namespace of the restorable-time lag metric.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * How long the restorable-time check's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to a created vault and its key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Backups of a managed PostgreSQL database (RDS instance or Aurora cluster) done right: the database's automated
 * backups set (retention, window, tags copied to snapshots, automated backups kept and a snapshot taken on deletion);
 * an AWS Backup plan with the policy's rules and continuous backup into a vault with its own key, a deletion-denying
 * access policy and an optional lock; copies to another region and another account; and paging when a job fails, when
 * no backup completed within the RPO, and when point-in-time recovery falls behind.
 *
 * Prove the backups restore with a `SnapshotRestoreDrill` of the same database.
 */
export class ManagedPostgresBackupPlan extends Construct {
  /** The AWS Backup plan. */
  public readonly plan: backup.BackupPlan;
  /** The vault recovery points go to. */
  public readonly vault: backup.IBackupVault;
  /** The vault construct, when the vault was created here. */
  public readonly backupVault?: PostgresBackupVault;
  /** The selection of the database. */
  public readonly selection: backup.BackupSelection;
  /** The topic failures go to. */
  public readonly notificationTopic: sns.ITopic;
  /** Failed-job rules, backup-age and restorable-time alarms. */
  public readonly monitoring: ManagedBackupAlarms;
  /** The RPO the backup-job alarm watches, hours. */
  public readonly rpoHours: number;
  /** Automated backup retention the database gets, days. */
  public readonly backupRetentionDays: number;
  /** The vault lock of a created vault. */
  public readonly vaultLock?: ResolvedVaultLock;
  /** The plan's rules with their schedules, continuous backup excluded. */
  public readonly rules: readonly ResolvedBackupPlanRule[];

  constructor(scope: Construct, id: string, props: ManagedPostgresBackupPlanProps) {
    super(scope, id);
    const database = props.database;
    const stack = Stack.of(this);
    const current = currentSettings(database);
    const backupPlan = props.backupPlan ?? DEFAULT_MANAGED_BACKUP_PLAN;
    const managedSnapshots: ManagedSnapshotPolicy = {
      ...props.managedSnapshots,
      backupRetentionDays: effectiveBackupRetentionDays(
        { managedSnapshots: props.managedSnapshots, backupPlan }, current.backupRetentionDays, DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
      ),
      preferredBackupWindow: props.managedSnapshots?.preferredBackupWindow ?? current.preferredBackupWindow,
      preferredMaintenanceWindow: props.managedSnapshots?.preferredMaintenanceWindow ?? current.preferredMaintenanceWindow,
    };
    const policy: BackupPolicy = {
      sourceRegion: Token.isUnresolved(stack.region) ? undefined : stack.region,
      managedSnapshots,
      backupPlan,
      copies: props.copies,
      immutability: props.immutability,
      alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
    };

    const validator = new Validator(cdkValidationOptions(this));
    if (database.engineFamily !== undefined && database.engineFamily !== 'POSTGRESQL') {
      validator.report({ path: 'database', value: database.engineFamily, allowed: 'an RDS for PostgreSQL instance or an Aurora PostgreSQL cluster' });
    }
    validator.include(checkManagedBackupPlan({
      policy,
      vaultLock: props.vaultLock,
      storageEncryption: database.storageEncryption,
      sourceAccount: Token.isUnresolved(stack.account) ? undefined : stack.account,
    }, cdkValidationOptions(this, MANAGED_BACKUP_PLAN_PROP_PATHS)));
    if ((backupPlan.rules ?? []).length === 0 && backupPlan.continuousBackupRetentionDays === undefined) {
      validator.report({ path: 'backupPlan.rules', value: backupPlan.rules ?? [], allowed: 'at least one rule, or continuousBackupRetentionDays' });
    }
    if (props.vault && (props.immutability || props.vaultLock || props.adminRole || props.encryptionKey)) {
      validator.report({ path: 'vault', value: props.vault.backupVaultName, allowed: 'no vault, when immutability, vaultLock, adminRole or encryptionKey is set (they configure a created vault)' }, []);
    }
    validator.integer('rpoHours', props.rpoHours, 1, MAX_ALARM_RPO_HOURS, 'hours');
    validator.integer('maxRestorableTimeLagMinutes', props.maxRestorableTimeLagMinutes, 5, 1440, 'minutes');
    validator.integer('restorableTimeCheckIntervalMinutes', props.restorableTimeCheckIntervalMinutes, 1, 60, 'minutes');
    validator.throwIfInvalid();

    const resolved = resolveBackupPolicy(policy, CDK_VALIDATION_OPTIONS);
    this.rpoHours = resolved.alarms.rpoHours;
    if (this.rpoHours > MAX_ALARM_RPO_HOURS) {
      validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the backup plan rules; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
      validator.throwIfInvalid();
    }
    this.backupRetentionDays = resolved.managedSnapshots!.backupRetentionDays;
    this.rules = resolved.backupPlan!.rules;
    this.applyDatabaseSettings(database, resolved.managedSnapshots!, props.managedSnapshots ?? {}, current);

    const notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = notifications.topic;
    if (props.vault) {
      this.vault = props.vault;
    } else {
      this.vaultLock = resolveVaultLock(policy, props.vaultLock);
      this.backupVault = new PostgresBackupVault(this, 'Vault', {
        encryptionKey: props.encryptionKey,
        adminRole: props.adminRole,
        lock: this.vaultLock,
        notifications,
        removalPolicy: props.removalPolicy,
      });
      this.vault = this.backupVault.vault;
    }

    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    const copyActions = resolved.copies.map((copy, index) => ({
      destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, `CopyVault${index}`, copy.vaultArn!),
      deleteAfter: Duration.days(copy.retentionDays),
    }));
    this.rules.forEach((rule, index) => this.plan.addRule(new backup.BackupPlanRule({
      ruleName: rule.name,
      scheduleExpression: events.Schedule.expression(renderAwsBackupSchedule(rule.schedule, `backupPlan.rules[${index}].schedule`)),
      deleteAfter: Duration.days(rule.retentionDays),
      moveToColdStorageAfter: rule.moveToColdStorageAfterDays === undefined ? undefined : Duration.days(rule.moveToColdStorageAfterDays),
      copyActions,
    })));
    const continuous = resolved.backupPlan!.continuousBackupRetentionDays;
    if (continuous !== undefined) {
      this.plan.addRule(new backup.BackupPlanRule({
        ruleName: CONTINUOUS_BACKUP_RULE_NAME,
        enableContinuousBackup: true,
        scheduleExpression: events.Schedule.expression(renderAwsBackupSchedule(this.rules[0]?.schedule ?? defaultBackupPlanSchedule('daily'))),
        deleteAfter: Duration.days(continuous),
        copyActions,
      }));
      if (copyActions.length > 0) {
        Annotations.of(this).addInfo('Copies of continuous backups are snapshots: the copies restore to the time they were taken, without point-in-time recovery.');
      }
    }
    this.selection = this.plan.addSelection('Database', {
      resources: [backup.BackupResource.fromArn(database.arn(this))],
    });
    // The selection's own role, created by aws-backup with the AWS Backup service role policy.
    acknowledgeAwsManagedPolicy(this.selection.node.findChild('Role'), 'service-role/AWSBackupServiceRolePolicyForBackup');
    this.shareKeyWithCopyAccounts(database, resolved.copies);

    this.monitoring = new ManagedBackupAlarms(this, 'Monitoring', {
      database,
      backupVaultName: this.vault.backupVaultName,
      topic: this.notificationTopic,
      rpoHours: this.rpoHours,
      maxRestorableTimeLagMinutes: props.maxRestorableTimeLagMinutes ?? 15,
      restorableTimeCheckIntervalMinutes: props.restorableTimeCheckIntervalMinutes ?? 5,
      metricNamespace: props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE,
      databaseLabel: database.identifier,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    const rules = [
      ...this.rules.map((rule) => `${rule.name} ${renderAwsBackupSchedule(rule.schedule)} kept ${rule.retentionDays} d`),
      ...(continuous !== undefined ? [`continuous (PITR) kept ${continuous} d`] : []),
    ];
    for (const path of database.protectedPaths()) {
      this.node.addMetadata(PROTECTION_METADATA_TYPE, {
        kind: 'managed-backup',
        database: path,
        schedule: rules.join('; '),
        retentionDays: this.backupRetentionDays,
        copies: resolved.copies.map((copy) => copy.destination === 'region' ? `region ${copy.region}` : `account ${copy.account}`),
        vaultLock: this.vaultLock ? `${this.vaultLock.mode} ${this.vaultLock.minRetentionDays} days` : undefined,
        rpoHours: this.rpoHours,
      });
    }
  }

  /**
   * Sets the automated-backup settings on a database defined in this app; for an imported one, says in a synth
   * warning which settings it cannot set, so nobody takes them for applied.
   */
  private applyDatabaseSettings(
    database: ManagedPostgresDatabase, snapshots: Required<Pick<ManagedSnapshotPolicy, 'backupRetentionDays' | 'copyTagsToSnapshot' | 'finalSnapshot'>> & ManagedSnapshotPolicy,
    asked: ManagedSnapshotPolicy, current: CurrentSettings,
  ): void {
    const resource = database.resource;
    if (resource === undefined) {
      const settings = Object.entries(asked).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${String(value)}`);
      Annotations.of(this).addWarningV2('postgres-backup:imported-database',
        `${database.identifier} is imported: its automated backups cannot be set from here`
        + `${settings.length > 0 ? ` (${settings.join(', ')} are NOT applied)` : ''}. Check that its backup retention is at least 1 day, `
        + 'that it copies tags to snapshots and keeps automated backups on deletion (aws rds modify-db-instance / modify-db-cluster).');
      return;
    }
    if (current.backupRetentionDays !== undefined && current.backupRetentionDays !== snapshots.backupRetentionDays) {
      Annotations.of(this).addWarningV2('postgres-backup:retention-replaced',
        `The database's backup retention of ${current.backupRetentionDays} days is replaced by ${snapshots.backupRetentionDays} days from the backup policy.`);
    }
    resource.backupRetentionPeriod = snapshots.backupRetentionDays;
    if (snapshots.preferredBackupWindow !== undefined) resource.preferredBackupWindow = snapshots.preferredBackupWindow;
    if (snapshots.preferredMaintenanceWindow !== undefined) resource.preferredMaintenanceWindow = snapshots.preferredMaintenanceWindow;
    resource.copyTagsToSnapshot = snapshots.copyTagsToSnapshot;
    if (snapshots.finalSnapshot) {
      resource.deleteAutomatedBackups = false;
      resource.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    }
  }

  /**
   * An account copy re-encrypts in the destination account, which must be able to use the source snapshot's key: the
   * key policy of a key defined in this app is extended; for another key a warning names what to add.
   */
  private shareKeyWithCopyAccounts(database: ManagedPostgresDatabase, copies: readonly CopyPolicy[]): void {
    const accounts = copies.filter((copy) => copy.destination === 'account' && copy.account !== undefined).map((copy) => copy.account!);
    if (accounts.length === 0) return;
    const key = database.storageEncryptionKey;
    const shared = key instanceof kms.Key;
    if (shared) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowBackupCopyAccountsToUseKey',
        principals: accounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowBackupCopyAccountsToGrant',
        principals: accounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: ['*'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }));
    } else {
      Annotations.of(this).addWarningV2('postgres-backup:copy-key-policy',
        `Copies to account(s) ${accounts.join(', ')} need the database's KMS key shared with them (kms:Decrypt, DescribeKey, `
        + 'Encrypt, ReEncrypt*, GenerateDataKey*, and CreateGrant with kms:GrantIsForAWSResource); the key is not defined '
        + 'in this app, so add that to its key policy.');
    }
  }
}

/** The automated-backup settings a database defined in this app already has, when they are literal values. */
interface CurrentSettings {
  readonly backupRetentionDays?: number;
  readonly preferredBackupWindow?: string;
  readonly preferredMaintenanceWindow?: string;
}

function currentSettings(database: ManagedPostgresDatabase): CurrentSettings {
  const resource = database.resource as rds.CfnDBInstance | rds.CfnDBCluster | undefined;
  if (resource === undefined) return {};
  return {
    backupRetentionDays: resource.backupRetentionPeriod,
    preferredBackupWindow: resource.preferredBackupWindow,
    preferredMaintenanceWindow: resource.preferredMaintenanceWindow,
  };
}
