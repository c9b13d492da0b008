import { DatabasePlatform, ManagedSnapshotPolicy } from '../policy';
import { Validator } from '../validation';
import { checkBackupWindows } from './backup-windows';

/**
 * Checks automated snapshots: retention 1–35 days (7–35 on Azure flexible server, whose minimum is 7)
 * and the backup and maintenance windows.
 */
export function checkManagedSnapshots(validator: Validator, snapshots: ManagedSnapshotPolicy | undefined, platform: DatabasePlatform): void {
  if (snapshots === undefined || validator.isUnresolved(snapshots)) return;
  const path = 'managedSnapshots';
  const minimum = platform === 'azure' ? 7 : 1;
  validator.integer(`${path}.backupRetentionDays`, snapshots.backupRetentionDays, minimum, 35, 'days');
  checkBackupWindows(validator, path, snapshots.preferredBackupWindow, snapshots.preferredMaintenanceWindow);
}
