"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupLayout = exports.GLOBALS_NAME = exports.DIRECTORY_DUMP_NAME = exports.CUSTOM_DUMP_NAME = exports.LATEST_NAME = exports.MANIFEST_NAME = void 0;
const backup_store_1 = require("./backup-store");
/** Name of the manifest object in each backup: written last, so its presence means the backup is complete. */
exports.MANIFEST_NAME = 'manifest.json';
/** Name of the per-database pointer to the newest complete backup. */
exports.LATEST_NAME = 'latest';
/** Object name of a custom-format dump. */
exports.CUSTOM_DUMP_NAME = 'dump.pgdump';
/** Folder of a directory-format dump's files. */
exports.DIRECTORY_DUMP_NAME = 'dump';
/** Object name of the `pg_dumpall --globals-only` output. */
exports.GLOBALS_NAME = 'globals.sql';
/**
 * Where the objects of backups live: `<prefix>/<database>/<backupId>/…`, with `manifest.json` in each
 * backup and a `latest` pointer per database. The database name is percent-encoded so a `/` in it
 * cannot make a new level, and a database named `.` or `..` cannot name the folder itself or its parent.
 */
class BackupLayout {
    prefix;
    constructor(location) {
        this.prefix = location.kind === 'file' ? '' : location.prefix;
    }
    /** The key prefix under which every backup of every database lives (empty or ending in `/`). */
    get rootPrefix() {
        return this.prefix === '' ? '' : `${this.prefix}/`;
    }
    /** The folder of every backup of a database. */
    databaseFolder(database) {
        const encoded = encodeURIComponent(database);
        return (0, backup_store_1.joinKey)(this.prefix, encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded);
    }
    /** The folder of one backup. */
    backupFolder(database, backupId) {
        return (0, backup_store_1.joinKey)(this.databaseFolder(database), backupId);
    }
    /** The key of an object of a backup, from its name relative to the backup folder. */
    objectKey(database, backupId, name) {
        return (0, backup_store_1.joinKey)(this.backupFolder(database, backupId), name);
    }
    /** The key of a backup's manifest. */
    manifestKey(database, backupId) {
        return this.objectKey(database, backupId, exports.MANIFEST_NAME);
    }
    /** The key of a database's `latest` pointer. */
    latestKey(database) {
        return (0, backup_store_1.joinKey)(this.databaseFolder(database), exports.LATEST_NAME);
    }
    /** Database and backup id of a manifest key, or `undefined` when the key is not one. */
    parseManifestKey(key) {
        if (!key.startsWith(this.rootPrefix))
            return undefined;
        const parts = key.slice(this.rootPrefix.length).split('/');
        if (parts.length !== 3 || parts[2] !== exports.MANIFEST_NAME)
            return undefined;
        return { database: decodeURIComponent(parts[0]), backupId: parts[1] };
    }
}
exports.BackupLayout = BackupLayout;
