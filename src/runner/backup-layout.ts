import type { BackupLocation } from './backup-location';
import { joinKey } from './backup-store';
import { backupDatabaseFolder } from '../core/policy/backup-store-layout';

/** Name of the manifest object in each backup: written last, so its presence means the backup is complete. */
export const MANIFEST_NAME = 'manifest.json';
/** Name of the per-database pointer to the newest complete backup. */
export const LATEST_NAME = 'latest';
/** Object name of a custom-format dump. */
export const CUSTOM_DUMP_NAME = 'dump.pgdump';
/** Folder of a directory-format dump's files. */
export const DIRECTORY_DUMP_NAME = 'dump';
/** Object name of the `pg_dumpall --globals-only` output. */
export const GLOBALS_NAME = 'globals.sql';

/**
 * Where the objects of backups live: `<prefix>/<database>/<backupId>/…`, with `manifest.json` in each
 * backup and a `latest` pointer per database. The database's folder is core's {@link backupDatabaseFolder}.
 */
export class BackupLayout {
  private readonly prefix: string;

  constructor(location: BackupLocation) {
    this.prefix = location.kind === 'file' ? '' : location.prefix;
  }

  /** The key prefix under which every backup of every database lives (empty or ending in `/`). */
  public get rootPrefix(): string {
    return this.prefix === '' ? '' : `${this.prefix}/`;
  }

  /** The folder of every backup of a database (core's {@link backupDatabaseFolder}, which the drills' state machines use too). */
  public databaseFolder(database: string): string {
    return backupDatabaseFolder(this.prefix, database);
  }

  /** The folder of one backup. */
  public backupFolder(database: string, backupId: string): string {
    return joinKey(this.databaseFolder(database), backupId);
  }

  /** The key of an object of a backup, from its name relative to the backup folder. */
  public objectKey(database: string, backupId: string, name: string): string {
    return joinKey(this.backupFolder(database, backupId), name);
  }

  /** The key of a backup's manifest. */
  public manifestKey(database: string, backupId: string): string {
    return this.objectKey(database, backupId, MANIFEST_NAME);
  }

  /** The key of a database's `latest` pointer. */
  public latestKey(database: string): string {
    return joinKey(this.databaseFolder(database), LATEST_NAME);
  }

  /**
   * Database, backup id and object name (relative to the backup folder) of a key in a backup folder, or `undefined`
   * when the key is not in one (or its database folder is not a name this layout wrote).
   */
  public parseObjectKey(key: string): { database: string; backupId: string; name: string } | undefined {
    if (!key.startsWith(this.rootPrefix)) return undefined;
    const parts = key.slice(this.rootPrefix.length).split('/');
    if (parts.length < 3) return undefined;
    let database: string;
    try {
      database = decodeURIComponent(parts[0]);
    } catch {
      return undefined; // a stray `%` in a folder another program made
    }
    return { database, backupId: parts[1], name: parts.slice(2).join('/') };
  }

  /** Database and backup id of a manifest key, or `undefined` when the key is not one. */
  public parseManifestKey(key: string): { database: string; backupId: string } | undefined {
    const parsed = this.parseObjectKey(key);
    return parsed?.name === MANIFEST_NAME ? { database: parsed.database, backupId: parsed.backupId } : undefined;
  }
}
