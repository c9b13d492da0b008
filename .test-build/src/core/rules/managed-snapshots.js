"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkManagedSnapshots = checkManagedSnapshots;
const backup_windows_1 = require("./backup-windows");
/**
 * Checks automated snapshots: retention 1–35 days (7–35 on Azure flexible server, whose minimum is 7)
 * and the backup and maintenance windows.
 */
function checkManagedSnapshots(validator, snapshots, platform) {
    if (snapshots === undefined || validator.isUnresolved(snapshots))
        return;
    const path = 'managedSnapshots';
    const minimum = platform === 'azure' ? 7 : 1;
    validator.integer(`${path}.backupRetentionDays`, snapshots.backupRetentionDays, minimum, 35, 'days');
    (0, backup_windows_1.checkBackupWindows)(validator, path, snapshots.preferredBackupWindow, snapshots.preferredMaintenanceWindow);
}
