"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.advanceLatest = advanceLatest;
const backup_catalog_1 = require("./backup-catalog");
const backup_manifest_1 = require("./backup-manifest");
const backup_store_1 = require("./backup-store");
const snapshot_order_1 = require("./snapshot-order");
/** Attempts of the compare-and-swap before giving up (each lost attempt means another run moved the pointer). */
const MAX_ATTEMPTS = 20;
/** Where the backup a pointer names stands, or `undefined` when that cannot be known (garbage, or a missing or broken manifest). */
async function positionNamedBy(store, layout, database, current) {
    let pointer;
    try {
        pointer = (0, backup_manifest_1.parseLatestPointer)(current.data, layout.latestKey(database));
    }
    catch {
        return undefined;
    }
    if (typeof pointer.snapshotAt === 'string')
        return { backupId: pointer.backupId, snapshotAt: pointer.snapshotAt };
    // A pointer written before snapshot times were recorded: its manifest says.
    const data = await store.getBytes(layout.manifestKey(database, pointer.backupId));
    if (data === undefined)
        return undefined;
    try {
        return (0, snapshot_order_1.snapshotPositionOf)((0, backup_manifest_1.parseManifest)(data, layout.manifestKey(database, pointer.backupId)));
    }
    catch {
        return undefined;
    }
}
function pointerTo(manifest) {
    const latest = { backupId: manifest.backupId, finishedAt: manifest.finishedAt, snapshotAt: (0, snapshot_order_1.snapshotPositionOf)(manifest).snapshotAt };
    return Buffer.from(`${JSON.stringify(latest)}\n`);
}
/**
 * Points `latest` at `manifest`'s backup unless it names one with a newer snapshot: a compare-and-swap on
 * the pointer's version, retried when another run moved it in between.
 */
async function swapLatest(store, layout, manifest) {
    const key = layout.latestKey(manifest.database);
    const mine = (0, snapshot_order_1.snapshotPositionOf)(manifest);
    for (let attempt = 1;; attempt++) {
        const current = await store.getVersioned(key);
        const named = current && (await positionNamedBy(store, layout, manifest.database, current));
        if (named && (0, snapshot_order_1.compareSnapshots)(named, mine) >= 0)
            return { moved: false, backupId: named.backupId, previous: named.backupId };
        try {
            await store.putBytes(key, pointerTo(manifest), { replacing: current?.version });
            return { moved: true, backupId: mine.backupId, previous: named?.backupId };
        }
        catch (error) {
            if (!(error instanceof backup_store_1.StoreConflictError) || attempt >= MAX_ATTEMPTS)
                throw error;
        }
    }
}
/**
 * Moves a database's `latest` pointer to a new complete backup, never backwards: only when the backup it
 * names has an older snapshot (or cannot be read). The pointer is replaced with a conditional write
 * (S3 `If-Match`/`If-None-Match`, Blob ETag conditions, a lock file in a directory). Stores that ignore
 * the conditions (some S3-compatible servers) are covered by a re-read and compare: after moving the
 * pointer, the manifests are read again, and if a complete backup with a newer snapshot appeared while
 * this one was moving the pointer (and so may have been overwritten), the pointer is moved on to it.
 */
async function advanceLatest(store, layout, manifest) {
    const update = await swapLatest(store, layout, manifest);
    if (!update.moved)
        return update;
    const newest = await (0, backup_catalog_1.newestBackup)(store, layout, manifest.database);
    if (newest && (0, snapshot_order_1.compareSnapshots)(newest, (0, snapshot_order_1.snapshotPositionOf)(manifest)) > 0) {
        const repaired = await swapLatest(store, layout, newest.manifest);
        return { moved: false, backupId: repaired.backupId, previous: update.previous };
    }
    return update;
}
