import * as backup from '@pulumi/aws/backup';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment, formatArn } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { createBackupServiceRole, renderBackupPlan } from './backup-plan-rules';
import { retainOnDeleteOf } from './backup-store-handles';
import { PostgresBackupVault } from './backup-vault';
import { ManagedBackupAlarms } from './managed-backup-alarms';
import { ManagedPostgresBackupPlanProps } from './managed-postgres-backup-plan-props';
import { ManagedDatabaseSettings } from './managed-postgres-database';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';
import { recordProtectedDatabase } from './require-postgres-backups';
import { RenderedRestoreTesting, renderRestoreTesting } from './restore-testing';
import { checkedLogRetentionDays } from './task-placement-handles';
import { AWS_BACKUP_SERVICE_PRINCIPAL } from '../../core/aws/backup-plan-rules';
import { givenTopicWarning } from '../../core/aws/backup-vault';
import {
  ManagedBackupPlanFacts, ManagedPostgresBackupPlanAttributes, ManagedPostgresBackupPlanOptions, databaseSettingsWarnings, managedBackupProtections,
  managedPostgresBackupPlanAttributes, planManagedPostgresBackupPlan,
} from '../../core/aws/managed-postgres-backup-plan';
import { accountOfManagedDatabaseArn } from '../../core/aws/managed-postgres-database';
import { restoreValidationFrontEndFacts } from '../../core/aws/restore-testing';
import { planWhenKnown } from '../pulumi-validation';

export { DEFAULT_MANAGED_BACKUP_PLAN } from '../../core/aws/managed-postgres-backup-plan';
export * from './managed-postgres-backup-plan-props';

/** The attributes core decides (its plan, the RPO, the rules, the vault lock), declared once in core. */
export interface ManagedPostgresBackupPlan extends ManagedPostgresBackupPlanAttributes {}

/**
 * Backups of a managed PostgreSQL database (RDS instance or Aurora cluster) done right: the database's automated
 * backup settings checked, an AWS Backup plan with the policy's rules and continuous backup into a vault with its own
 * key, a deletion-denying access policy and an optional lock; copies to another region and another account; and paging
 * when a job fails, when no backup completed within the RPO, and when point-in-time recovery falls behind. The same
 * plan, vault, rules, alarms and check as the CDK `ManagedPostgresBackupPlan`: core's `planManagedPostgresBackupPlan`.
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
  /** Automated backup retention the database should have, days. */
  public readonly backupRetentionDays: pulumi.Output<number>;
  /** The logically air-gapped vault every recovery point is copied to, when `airGappedCopy` is set. */
  public readonly airGappedVault?: backup.LogicallyAirGappedVault;
  /** The restore testing plan, selection and role (and the validation of each test), when `restoreTesting` is set. */
  public readonly restoreTesting?: RenderedRestoreTesting;
  /** The managed backups and restore testing as protections of the database (core's records), also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: ManagedPostgresBackupPlanProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:ManagedPostgresBackupPlan', name, {}, opts);
    const database = props.database;
    const environment = awsEnvironment(this);
    const { now: plan, known } = planManagedBackupPlanWhenKnown(props, environment, name);
    const logRetentionDays = checkedLogRetentionDays(name, props.logRetentionDays, plan.logRetentionDays);
    Object.assign(this, managedPostgresBackupPlanAttributes(plan));
    this.backupRetentionDays = known.apply((checked) => {
      databaseSettingsWarnings(checked.currentSettings, checked, props.managedSnapshots, database.managedHere)
        .forEach((warning) => void pulumi.log.warn(warning, this));
      return checked.backupRetentionDays;
    });

    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn,
      topicKeyArn: props.notificationTopicKeyArn,
      additionalPublishingServices: [AWS_BACKUP_SERVICE_PRINCIPAL],
      retainOnDelete: props.retainOnDelete,
      environment,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;
    if (plan.createsVault) {
      if (!notifications.created) void pulumi.log.warn(givenTopicWarning(true), this);
      this.backupVault = new PostgresBackupVault(`${name}-vault`, {
        encryptionKeyArn: props.encryptionKeyArn,
        adminRoleArn: props.adminRoleArn,
        lock: this.vaultLock,
        notificationTopicArn: this.notificationTopicArn,
        retainOnDelete: props.retainOnDelete,
      }, { parent: this });
    }
    this.vaultName = this.backupVault?.backupVaultName ?? pulumi.output(props.vaultName!);

    if (plan.notes.continuousCopies) void pulumi.log.info(plan.notes.continuousCopies, this);
    this.airGappedVault = plan.airGappedVault
      && new backup.LogicallyAirGappedVault(`${name}-air-gapped-vault`, plan.airGappedVault, { parent: this, retainOnDelete: retainOnDeleteOf(props) });
    const role = createBackupServiceRole({ role: `${name}-selection-role`, attachment: `${name}-selection-backup` }, plan.selectionRole, environment, this);
    ({ plan: this.plan, selection: this.selection } = renderBackupPlan(name, this, plan.awsBackupPlan, {
      vaultName: this.vaultName,
      // Created only once the database's facts pass the checks.
      planName: known.apply(() => name),
      airGappedVaultArn: this.airGappedVault?.arn,
      databaseArn: () => database.arn(environment),
      role,
    }));
    if (plan.notes.copyKey) void pulumi.log.warn(plan.notes.copyKey, this);
    if (plan.restoreTesting) {
      const vaultArn = this.backupVault?.backupVaultArn ?? formatArn(environment, 'backup', pulumi.interpolate`backup-vault:${this.vaultName}`);
      const validation = props.restoreTesting?.validation;
      this.restoreTesting = renderRestoreTesting(name, this, plan.restoreTesting, {
        environment,
        vaultArn,
        databaseArn: () => database.arn(environment),
        validation: validation && {
          options: validation,
          handles: {
            environment, notificationTopicArn: this.notificationTopicArn, notificationTopicKeyArn: notifications.topicKeyArn,
          },
        },
      });
    }

    this.monitoring = new ManagedBackupAlarms(`${name}-monitoring`, {
      database,
      environment,
      backupVaultName: this.vaultName,
      topicArn: this.notificationTopicArn,
      plan: plan.monitoring,
      logRetentionDays,
    }, { parent: this });

    recordProtectedDatabase(props.database.resource, 'managed-backup');
    this.protections = protectionsOutput(managedBackupProtections(plan, props.database.resource?.urn, this.backupRetentionDays));
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      planId: this.plan.id,
      vaultName: this.vaultName,
      notificationTopicArn: this.notificationTopicArn,
      backupRetentionDays: this.backupRetentionDays,
      alarmArns: this.monitoring.alarms.map((alarm) => alarm.arn),
    });
  }
}

/**
 * Core's plan of a {@link ManagedPostgresBackupPlan}: `now` from its props, and `known` once the database's facts are:
 * its storage encryption, its region and account (for copies), its current automated-backup settings (retention,
 * windows). `known` fails with core's `PolicyValidationError` when they make the policy invalid; the plan resource takes
 * its name from it, so it is never created then.
 */
export function planManagedBackupPlanWhenKnown(props: ManagedPostgresBackupPlanProps, environment: AwsEnvironment, name: string) {
  const { database } = props;
  const validation = props.restoreTesting?.validation;
  const facts = (known: Pick<ManagedBackupPlanFacts, 'storageEncryption' | 'sourceRegion' | 'sourceAccount' | 'current'>) => ({
    options: props as ManagedPostgresBackupPlanOptions,
    database: {
      kind: database.kind,
      givenVault: props.vaultName !== undefined ? 'vaultName' : undefined,
      createdVaultSettings: props.adminRoleArn !== undefined || props.encryptionKeyArn !== undefined,
      name,
      // Pulumi knows the secret and the check files, not the database's name or major.
      restoreValidation: validation && restoreValidationFrontEndFacts(validation, { hasSecret: validation.secretArn !== undefined }),
      ...known,
    },
  });
  const later = pulumi.all([
    database.storageEncryption, environment.region, database.arn(environment).apply(accountOfManagedDatabaseArn),
    database.settings ?? pulumi.output<ManagedDatabaseSettings>({}),
  ]).apply(([storageEncryption, sourceRegion, sourceAccount, current]) => facts({ storageEncryption, sourceRegion, sourceAccount, current }));
  return planWhenKnown(name, facts({ storageEncryption: 'unknown', current: {} }), later,
    (known, options) => planManagedPostgresBackupPlan(known.options, known.database, options));
}
