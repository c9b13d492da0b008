"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BACKUP_ID_PATTERN = void 0;
exports.newBackupId = newBackupId;
exports.isBackupId = isBackupId;
const node_crypto_1 = require("node:crypto");
/** A backup id: the UTC start time to the second, then 8 random hex digits, e.g. `20261124T020000Z-9f1c2a7b`. */
exports.BACKUP_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;
/**
 * A new backup id. Ids sort by start time as plain strings (the order every object store lists keys in),
 * and the random suffix keeps two runs started in the same second apart.
 */
function newBackupId(startedAt = new Date()) {
    const stamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    return `${stamp}-${(0, node_crypto_1.randomBytes)(4).toString('hex')}`;
}
/** Whether a string is a backup id. */
function isBackupId(value) {
    return exports.BACKUP_ID_PATTERN.test(value);
}
