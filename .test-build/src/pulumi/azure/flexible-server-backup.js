"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.flexibleServerBackupPolicy = flexibleServerBackupPolicy;
exports.checkFlexibleServerBackupSettings = checkFlexibleServerBackupSettings;
exports.flexibleServerBackupArgs = flexibleServerBackupArgs;
exports.maintenanceWindowArgs = maintenanceWindowArgs;
exports.checkExistingServerBackup = checkExistingServerBackup;
const construct_prop_paths_1 = require("../../core/construct-prop-paths");
const default_values_1 = require("../../core/default-values");
const validate_policy_1 = require("../../core/validate-policy");
const pulumi_validation_1 = require("../pulumi-validation");
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** The policy core validates for these settings (Azure ranges: retention 7–35 days). */
function flexibleServerBackupPolicy(settings) {
    return {
        platform: 'azure',
        managedSnapshots: {
            backupRetentionDays: settings.backupRetentionDays,
            preferredBackupWindow: settings.preferredBackupWindow,
            preferredMaintenanceWindow: settings.preferredMaintenanceWindow,
        },
    };
}
/** Checks the settings: core's rules for the Azure platform, then what a flexible server cannot do. */
function checkFlexibleServerBackupSettings(validator, settings) {
    validator.include((0, validate_policy_1.checkPolicy)(flexibleServerBackupPolicy(settings), validator.optionsFor(construct_prop_paths_1.FLEXIBLE_SERVER_BACKUP_PROP_PATHS)));
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
 */
function flexibleServerBackupArgs(settings) {
    const checked = (0, pulumi_validation_1.validateWhenKnown)(settings, checkFlexibleServerBackupSettings);
    return {
        backup: checked.apply((known) => ({
            backupRetentionDays: known.backupRetentionDays ?? default_values_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
            geoRedundantBackup: known.geoRedundantBackup ? 'Enabled' : 'Disabled',
        })),
        maintenanceWindow: maintenanceWindowArgs(settings.preferredMaintenanceWindow),
    };
}
/** `sun:05:00-sun:06:00` → the flexible server's custom window starting Sunday 05:00 (its length is Azure's, one hour). */
function maintenanceWindowArgs(window) {
    const match = window === undefined ? null : /^([a-z]{3}):(\d{2}):(\d{2})-/.exec(window.toLowerCase());
    if (!match)
        return undefined;
    return { customWindow: 'Enabled', dayOfWeek: WEEKDAYS.indexOf(match[1]), startHour: Number(match[2]), startMinute: Number(match[3]) };
}
/**
 * Checks a server that exists already against the wanted settings. A server this program does not create
 * cannot be changed by it (azure-native refuses to create what exists), so every difference is a problem
 * with the way to fix it: geo-redundant backup is fixed at creation, and the retention is changed by hand.
 */
function checkExistingServerBackup(validator, wanted, server) {
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
            reason: `this program does not own the server and cannot change it; run: az postgres flexible-server update --resource-group ${server.resourceGroupName} --name ${server.serverName} --backup-retention ${wanted.backupRetentionDays}`,
        });
    }
}
