import { Annotations, Names, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { removalPolicyOf } from './backup-store-handles';
import { PostgresBackupVault } from './backup-vault';
import { cdkValidationOptions } from './cdk-validation';
import { ManagedBackupAlarms } from './managed-backup-alarms';
import { ManagedPostgresBackupPlanProps } from './managed-postgres-backup-plan-props';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { applyAutomatedBackupSettings, renderBackupPlan } from './planned-backup-rules';
import { renderPlannedStatement } from './planned-grants';
import { RenderedRestoreTesting, renderRestoreTesting } from './restore-testing';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import {
  ManagedPostgresBackupPlanAttributes, ManagedPostgresBackupPlanPlan, managedBackupProtections,
  managedPostgresBackupPlanAttributes, planManagedPostgresBackupPlan, retentionReplacedWarning,
} from '../core/aws/managed-postgres-backup-plan';
import { ManagedDatabaseSettings, importedDatabaseWarning } from '../core/aws/managed-postgres-database';
import { restoreValidationFrontEndFacts } from '../core/aws/restore-testing';

export { CONTINUOUS_BACKUP_RULE_NAME } from '../core/aws/backup-plan-rules';
export { DEFAULT_MANAGED_BACKUP_PLAN } from '../core/aws/managed-postgres-backup-plan';
export * from './managed-postgres-backup-plan-props';

/** The attributes core decides (its plan, the RPO, the rules, the vault lock), declared once in core. */
export interface ManagedPostgresBackupPlan extends ManagedPostgresBackupPlanAttributes {}

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
  /** Automated backup retention the database gets, days. */
  public readonly backupRetentionDays: number;
  /** The logically air-gapped vault every recovery point is copied to, when `airGappedCopy` is set. */
  public readonly airGappedVault?: backup.CfnLogicallyAirGappedBackupVault;
  /** The restore testing plan, selection and role, when `restoreTesting` is set. */
  public readonly restoreTesting?: RenderedRestoreTesting;

  constructor(scope: Construct, id: string, props: ManagedPostgresBackupPlanProps) {
    super(scope, id);
    const database = props.database;
    const stack = Stack.of(this);
    const validation = props.restoreTesting?.validation;
    const plan = planManagedPostgresBackupPlan(props, {
      kind: database.kind,
      engineFamily: database.engineFamily,
      storageEncryption: database.storageEncryption,
      sourceRegion: Token.isUnresolved(stack.region) ? undefined : stack.region,
      sourceAccount: Token.isUnresolved(stack.account) ? undefined : stack.account,
      current: currentSettings(database),
      givenVault: props.vault?.backupVaultName,
      createdVaultSettings: props.adminRole !== undefined || props.encryptionKey !== undefined,
      name: Names.uniqueId(this),
      restoreValidation: validation && restoreValidationFrontEndFacts(validation, {
        databaseName: database.databaseName,
        postgresMajorVersion: database.postgresMajorVersion,
        hasSecret: (validation.secret ?? database.secret) !== undefined,
      }),
    }, cdkValidationOptions(this));
    Object.assign(this, managedPostgresBackupPlanAttributes(plan));
    this.backupRetentionDays = plan.backupRetentionDays;
    this.applyDatabaseSettings(database, plan, props);

    const notifications = new BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
    this.notificationTopic = notifications.topic;
    if (plan.createsVault) {
      this.backupVault = new PostgresBackupVault(this, 'Vault', {
        encryptionKey: props.encryptionKey, adminRole: props.adminRole, lock: this.vaultLock, notifications, removalPolicy: props.removalPolicy,
      });
    }
    this.vault = this.backupVault?.vault ?? props.vault!;
    if (plan.airGappedVault) {
      const { name: backupVaultName, ...retention } = plan.airGappedVault;
      this.airGappedVault = new backup.CfnLogicallyAirGappedBackupVault(this, 'AirGappedVault', { backupVaultName, ...retention });
      this.airGappedVault.applyRemovalPolicy(removalPolicyOf(props));
    }
    ({ plan: this.plan, selection: this.selection } = renderBackupPlan(this, plan.awsBackupPlan, {
      vault: this.vault,
      airGappedVault: this.airGappedVault && backup.BackupVault.fromBackupVaultArn(this, 'AirGappedVaultReference', this.airGappedVault.attrBackupVaultArn),
      databaseArn: () => database.arn(this),
    }));
    if (plan.notes.continuousCopies) Annotations.of(this).addInfo(plan.notes.continuousCopies);
    this.shareKeyWithCopyAccounts(database, plan);
    if (plan.restoreTesting) {
      this.restoreTesting = renderRestoreTesting(this, plan.restoreTesting, {
        vaultArn: this.vault.backupVaultArn,
        databaseArn: () => database.arn(this),
        validation: validation && { options: validation, handles: { database, notificationTopic: this.notificationTopic } },
      });
    }

    this.monitoring = new ManagedBackupAlarms(this, 'Monitoring', {
      database,
      backupVaultName: this.vault.backupVaultName,
      topic: this.notificationTopic,
      plan: plan.monitoring,
      logRetention: props.logRetention ?? plan.logRetentionDays,
    });

    for (const path of database.protectedPaths()) {
      for (const record of managedBackupProtections(plan, path, plan.backupRetentionDays)) this.node.addMetadata(PROTECTION_METADATA_TYPE, record);
    }
  }

  /**
   * Sets the automated-backup settings on a database defined in this app; for an imported one, says in a synth
   * warning which settings it cannot set, so nobody takes them for applied.
   */
  private applyDatabaseSettings(
    database: ManagedPostgresDatabase, plan: ManagedPostgresBackupPlanPlan, props: ManagedPostgresBackupPlanProps,
  ): void {
    const resource = database.resource;
    if (resource === undefined) {
      Annotations.of(this).addWarningV2('postgres-backup:imported-database', importedDatabaseWarning(database.identifier, props.managedSnapshots));
      return;
    }
    const replaced = retentionReplacedWarning(plan.currentSettings, plan);
    if (replaced) Annotations.of(this).addWarningV2('postgres-backup:retention-replaced', replaced);
    applyAutomatedBackupSettings(resource, plan.managedSnapshots);
  }

  /**
   * An account copy re-encrypts in the destination account, which must be able to use the source snapshot's key: the
   * key policy of a key defined in this app is extended; for another key a warning names what to add.
   */
  private shareKeyWithCopyAccounts(database: ManagedPostgresDatabase, plan: ManagedPostgresBackupPlanPlan): void {
    if (plan.copyKeyPolicy.length === 0) return;
    const key = database.storageEncryptionKey;
    if (!(key instanceof kms.Key)) {
      Annotations.of(this).addWarningV2('postgres-backup:copy-key-policy', `${plan.notes.copyKey} The key is not defined in this app.`);
      return;
    }
    for (const statement of plan.copyKeyPolicy) key.addToResourcePolicy(renderPlannedStatement(statement, undefined));
  }
}

/** The automated-backup settings a database defined in this app already has, when they are literal values. */
function currentSettings(database: ManagedPostgresDatabase): ManagedDatabaseSettings {
  const resource = database.resource as rds.CfnDBInstance | rds.CfnDBCluster | undefined;
  if (resource === undefined) return {};
  return {
    backupRetentionDays: resource.backupRetentionPeriod,
    preferredBackupWindow: resource.preferredBackupWindow,
    preferredMaintenanceWindow: resource.preferredMaintenanceWindow,
  };
}
