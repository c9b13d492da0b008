"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.surveyBackups = surveyBackups;
const backup_id_1 = require("./backup-id");
const backup_layout_1 = require("./backup-layout");
const backup_manifest_1 = require("./backup-manifest");
const runner_error_1 = require("./runner-error");
/**
 * Every backup folder under the layout's prefix, sorted by database and backup id (oldest first): complete ones with
 * their manifest, broken ones (a manifest that cannot be read) with the reason, and partial ones (objects without a
 * manifest). One unreadable manifest never hides the other backups.
 */
async function surveyBackups(store, layout) {
    const folders = new Map();
    for await (const key of store.list(layout.rootPrefix)) {
        const parts = key.slice(layout.rootPrefix.length).split('/');
        if (parts.length < 3 || !(0, backup_id_1.isBackupId)(parts[1]))
            continue;
        let database;
        try {
            database = decodeURIComponent(parts[0]);
        }
        catch {
            continue;
        }
        const folderKey = `${parts[0]}/${parts[1]}`;
        const folder = folders.get(folderKey) ?? { database, backupId: parts[1], objects: 0 };
        if (parts.length === 3 && parts[2] === backup_layout_1.MANIFEST_NAME)
            folder.manifestKey = key;
        else
            folder.objects += 1;
        folders.set(folderKey, folder);
    }
    const entries = [];
    for (const folder of folders.values()) {
        const { database, backupId, manifestKey } = folder;
        if (manifestKey === undefined) {
            entries.push({ state: 'partial', database, backupId, objects: folder.objects });
            continue;
        }
        try {
            const data = await store.getBytes(manifestKey);
            if (!data)
                throw new Error('it disappeared while the location was read');
            if (data.length === 0)
                throw new Error('it is empty (0 bytes)');
            entries.push({ state: 'complete', database, backupId, manifestKey, manifest: (0, backup_manifest_1.parseManifest)(data, manifestKey) });
        }
        catch (error) {
            entries.push({ state: 'broken', database, backupId, manifestKey, problem: (0, runner_error_1.errorMessage)(error) });
        }
    }
    return entries.sort((a, b) => a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId));
}
