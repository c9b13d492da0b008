"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listBackups = listBackups;
exports.readCatalog = readCatalog;
exports.newestBackup = newestBackup;
exports.findBackup = findBackup;
const backup_id_1 = require("./backup-id");
const backup_layout_1 = require("./backup-layout");
const backup_manifest_1 = require("./backup-manifest");
const runner_error_1 = require("./runner-error");
const snapshot_order_1 = require("./snapshot-order");
/** Manifests read at the same time. */
const PARALLEL_READS = 8;
/** Every manifest key under the layout's prefix (of one database, if given), by database and backup id. */
async function listBackups(store, layout, database) {
    const prefix = database === undefined ? layout.rootPrefix : `${layout.databaseFolder(database)}/`;
    const entries = [];
    for await (const key of store.list(prefix)) {
        const parsed = layout.parseManifestKey(key);
        if (parsed && (0, backup_id_1.isBackupId)(parsed.backupId) && (database === undefined || parsed.database === database)) {
            entries.push({ ...parsed, manifestKey: key });
        }
    }
    return entries.sort((a, b) => a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId));
}
/** Reads one manifest: the backup, a broken entry, or `undefined` when it vanished since it was listed (pruned). */
async function readEntry(store, entry) {
    // A store that cannot be read fails the whole catalog (a network failure is not a broken backup).
    const data = await store.getBytes(entry.manifestKey);
    if (data === undefined)
        return undefined;
    try {
        const manifest = (0, backup_manifest_1.parseManifest)(data, entry.manifestKey);
        if (manifest.backupId !== entry.backupId || manifest.database !== entry.database) {
            return { ...entry, reason: `it describes backup ${manifest.backupId} of ${manifest.database}, not the backup of its folder` };
        }
        return { ...entry, manifest, snapshotAt: (0, snapshot_order_1.snapshotPositionOf)(manifest).snapshotAt };
    }
    catch (error) {
        return { ...entry, reason: (0, runner_error_1.errorMessage)(error) };
    }
}
/**
 * Reads every manifest under the layout's prefix (of one database, if given). A manifest that cannot be
 * read as one becomes a broken entry with the reason; it never fails the listing of the others.
 */
async function readCatalog(store, layout, database) {
    const entries = await listBackups(store, layout, database);
    const read = new Array(entries.length);
    let next = 0;
    const worker = async () => {
        for (let index = next++; index < entries.length; index = next++)
            read[index] = await readEntry(store, entries[index]);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, entries.length) }, worker));
    const backups = [];
    const broken = [];
    for (const outcome of read) {
        if (outcome === undefined)
            continue;
        if ('manifest' in outcome)
            backups.push(outcome);
        else
            broken.push(outcome);
    }
    backups.sort((a, b) => a.database.localeCompare(b.database) || (0, snapshot_order_1.compareSnapshots)(a, b));
    return { backups, broken };
}
/** The complete backup of a database with the newest snapshot, or `undefined` when it has none. */
async function newestBackup(store, layout, database) {
    return (0, snapshot_order_1.newestSnapshot)((await readCatalog(store, layout, database)).backups);
}
/**
 * Finds and reads the manifest of the selected backup. Without an id it is the complete backup with the
 * newest snapshot, found among the manifests: the `latest` pointer may lag behind one (a dump whose last
 * step, moving the pointer, failed), and a broken manifest is passed over.
 */
async function findBackup(store, layout, selection) {
    let database = selection.database;
    if (database === undefined) {
        const databases = [...new Set((await listBackups(store, layout)).map((entry) => entry.database))];
        if (databases.length === 0)
            throw new runner_error_1.RunnerError(`no complete backup (no ${backup_layout_1.MANIFEST_NAME}) under ${store.description}/${layout.rootPrefix}`);
        if (databases.length > 1)
            throw new runner_error_1.UsageError(`backups of several databases are there (${databases.join(', ')}); choose one with --database`);
        database = databases[0];
    }
    if (selection.backupId === undefined) {
        const catalog = await readCatalog(store, layout, database);
        const newest = (0, snapshot_order_1.newestSnapshot)(catalog.backups);
        if (!newest) {
            const broken = catalog.broken.length > 0 ? `; ${catalog.broken.length} broken manifest(s): ${catalog.broken.map((entry) => `${entry.manifestKey} (${entry.reason})`).join('; ')}` : '';
            throw new runner_error_1.RunnerError(`no complete backup of ${database} under ${store.description}/${layout.databaseFolder(database)}${broken}`);
        }
        return { manifest: newest.manifest, manifestKey: newest.manifestKey };
    }
    const manifestKey = layout.manifestKey(database, selection.backupId);
    const read = await readEntry(store, { database, backupId: selection.backupId, manifestKey });
    if (!read)
        throw new runner_error_1.RunnerError(`backup ${selection.backupId} of ${database} has no manifest (${store.description}/${manifestKey}): it is incomplete or does not exist`);
    if (!('manifest' in read))
        throw new runner_error_1.RunnerError(`backup ${selection.backupId} of ${database} cannot be used: ${store.description}/${manifestKey} is broken (${read.reason})`);
    return { manifest: read.manifest, manifestKey };
}
