/**
 * The backup settings of an Azure Database for PostgreSQL flexible server, checked against the policy:
 * retention 7–35 days, geo-redundant backup, the maintenance window, and the reasons Azure refuses the rest.
 */
import * as pulumi from '@pulumi/pulumi';
import { FLEXIBLE_SERVER_BACKUP_PROP_PATHS } from '../../core/policy/construct-prop-paths';
import { DEFAULT_MANAGED_BACKUP_RETENTION_DAYS } from '../../core/policy/default-values';
import { BackupPolicy } from '../../core/policy/policy';
import { checkPolicy } from '../../core/policy/validate-policy';
import { Validator } from '../../core/policy/validation';
import { validateWhenKnown } from '../pulumi-validation';

/** The backup settings of a flexible server. */
export interface FlexibleServerBackupSettings {
  /**
   * Days the server keeps its own backups (7–35): how far back a point-in-time restore reaches.
   * @default 7
   */
  readonly backupRetentionDays?: pulumi.Input<number>;
  /**
   * Keep the backups also in the paired region, for a geo-restore when the region is lost. Azure accepts
   * this only when the server is created.
   * @default false
   */
  readonly geoRedundantBackup?: pulumi.Input<boolean>;
  /**
   * Weekly maintenance window start, `ddd:hh:mm-ddd:hh:mm` in UTC (e.g. `sun:05:00-sun:06:00`); Azure takes its start.
   * @default - chosen by Azure
   */
  readonly preferredMaintenanceWindow?: string;
  /**
   * A daily backup window. Azure flexible servers choose their backup time themselves, so a value is rejected;
   * the prop exists so that a policy written for RDS fails here with the reason rather than being ignored.
   * @default - none
   */
  readonly preferredBackupWindow?: string;
}

/** The `backup` and `maintenanceWindow` inputs of a `dbforpostgresql.Server`, once validated. */
export interface FlexibleServerBackupArgs {
  /** `backup` of the server. */
  readonly backup: pulumi.Output<{ backupRetentionDays: number; geoRedundantBackup: 'Enabled' | 'Disabled' }>;
  /**
   * `maintenanceWindow` of the server.
   * @default - absent: Azure's own window
   */
  readonly maintenanceWindow?: { customWindow: 'Enabled'; dayOfWeek: number; startHour: number; startMinute: number };
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The policy core validates for these settings (Azure ranges: retention 7–35 days). */
export function flexibleServerBackupPolicy(settings: FlexibleServerBackupSettings): BackupPolicy {
  return {
    platform: 'azure',
    managedSnapshots: {
      backupRetentionDays: settings.backupRetentionDays as number | undefined,
      preferredBackupWindow: settings.preferredBackupWindow,
      preferredMaintenanceWindow: settings.preferredMaintenanceWindow,
    },
  };
}

/** Checks the settings: core's rules for the Azure platform, then what a flexible server cannot do. */
export function checkFlexibleServerBackupSettings(validator: Validator, settings: FlexibleServerBackupSettings): void {
  validator.include(checkPolicy(flexibleServerBackupPolicy(settings), validator.optionsFor(FLEXIBLE_SERVER_BACKUP_PROP_PATHS)));
  if (settings.preferredBackupWindow !== undefined) {
    validator.report({
      path: 'preferredBackupWindow',
      value: settings.preferredBackupWindow,
      allowed: 'unset on Azure',
      reason: 'a flexible server takes its backups at a time Azure chooses; only the retention can be set',
    });
  }
  if (!validator.isUnresolved(settings.geoRedundantBackup) && settings.geoRedundantBackup !== undefined
    && typeof settings.geoRedundantBackup !== 'boolean') {
    validator.report({ path: 'geoRedundantBackup', value: settings.geoRedundantBackup, allowed: 'true or false' });
  }
}

/**
 * Validates backup settings and renders them as the inputs of a `dbforpostgresql.Server`. Use it on a server
 * your program creates itself, to give it the policy's settings:
 *
 * ```ts
 * const backup = flexibleServerBackupArgs({ backupRetentionDays: 35, geoRedundantBackup: true });
 * new dbforpostgresql.Server('db', { ...serverArgs, backup: backup.backup, maintenanceWindow: backup.maintenanceWindow });
 * ```
 *
 * Known values are checked at once (throwing a `PolicyValidationError`), outputs once they resolve.
 * @param settings the server's backup settings
 * @param construct the resource whose props hold the settings, which each line of an error names
 */
export function flexibleServerBackupArgs(settings: FlexibleServerBackupSettings, construct?: string): FlexibleServerBackupArgs {
  const checked = validateWhenKnown(settings, checkFlexibleServerBackupSettings, construct);
  return {
    backup: checked.apply((known) => ({
      backupRetentionDays: known.backupRetentionDays ?? DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
      geoRedundantBackup: known.geoRedundantBackup ? 'Enabled' as const : 'Disabled' as const,
    })),
    maintenanceWindow: maintenanceWindowArgs(settings.preferredMaintenanceWindow),
  };
}

/** `sun:05:00-sun:06:00` → the flexible server's custom window starting Sunday 05:00 (its length is Azure's, one hour). */
export function maintenanceWindowArgs(window: string | undefined): FlexibleServerBackupArgs['maintenanceWindow'] {
  const match = window === undefined ? null : /^([a-z]{3}):(\d{2}):(\d{2})-/.exec(window.toLowerCase());
  if (!match) return undefined;
  return { customWindow: 'Enabled', dayOfWeek: WEEKDAYS.indexOf(match[1]), startHour: Number(match[2]), startMinute: Number(match[3]) };
}

/** What an existing server reports about its backups (`dbforpostgresql.getServer`). */
export interface ExistingServerBackup {
  /** The server's name, for messages. */
  readonly serverName: string;
  /** Its resource group, for messages. */
  readonly resourceGroupName: string;
  /** Days it keeps its backups. */
  readonly backupRetentionDays?: number;
  /** `Enabled` or `Disabled`. */
  readonly geoRedundantBackup?: string;
}

/**
 * Checks a server that exists already against the wanted settings. A server this program does not create
 * cannot be changed by it (azure-native refuses to create what exists), so every difference is a problem
 * with the way to fix it: geo-redundant backup is fixed at creation, and the retention is changed by hand.
 */
export function checkExistingServerBackup(
  validator: Validator,
  wanted: { backupRetentionDays: number; geoRedundantBackup: boolean },
  server: ExistingServerBackup,
): void {
  const where = `server ${server.serverName} in resource group ${server.resourceGroupName}`;
  if (wanted.geoRedundantBackup && server.geoRedundantBackup !== 'Enabled') {
    validator.report({
      path: 'geoRedundantBackup',
      value: true,
      allowed: `false for the existing ${where}, whose geo-redundant backup is ${server.geoRedundantBackup ?? 'Disabled'}`,
      reason: 'Azure enables geo-redundant backup only when a server is created; restore this server into a new one '
        + 'with geo-redundant backup (PointInTimeRestore with geoRedundantBackup: true) and protect that one',
    });
  }
  if (server.backupRetentionDays !== wanted.backupRetentionDays) {
    validator.report({
      path: 'backupRetentionDays',
      value: wanted.backupRetentionDays,
      allowed: `the ${server.backupRetentionDays ?? 'unknown'} days the existing ${where} keeps`,
      reason: `this program does not own the server and cannot change it; run: az postgres flexible-server update --resource-group ${
        server.resourceGroupName} --name ${server.serverName} --backup-retention ${wanted.backupRetentionDays}`,
    });
  }
}
