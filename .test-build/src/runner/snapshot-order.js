"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.snapshotPositionOf = snapshotPositionOf;
exports.compareSnapshots = compareSnapshots;
exports.newestSnapshot = newestSnapshot;
/** A manifest's position: its snapshot time, or its start time when it predates recording the snapshot's. */
function snapshotPositionOf(manifest) {
    return { backupId: manifest.backupId, snapshotAt: manifest.snapshotAt ?? manifest.startedAt };
}
/** Microseconds since the epoch of an ISO 8601 time (JavaScript's `Date` stops at milliseconds). */
function microsecondsOf(iso) {
    const fraction = /\.(\d+)(Z|[+-]\d\d:?\d\d)$/.exec(iso);
    const wholeSeconds = Date.parse(fraction ? iso.replace(/\.\d+/, '') : iso);
    const micros = fraction ? Number(fraction[1].slice(0, 6).padEnd(6, '0')) : 0;
    return wholeSeconds * 1000 + micros;
}
/**
 * Orders two backups of one database by snapshot time; equal times (two snapshots in the same
 * microsecond) fall back to the backup ids, so the order is total and every run agrees on it.
 */
function compareSnapshots(a, b) {
    return microsecondsOf(a.snapshotAt) - microsecondsOf(b.snapshotAt) || (a.backupId < b.backupId ? -1 : a.backupId > b.backupId ? 1 : 0);
}
/** The backup with the newest snapshot, or `undefined` for none. */
function newestSnapshot(positions) {
    let newest;
    for (const candidate of positions)
        if (newest === undefined || compareSnapshots(candidate, newest) > 0)
            newest = candidate;
    return newest;
}
