import { listBackups } from './backup-catalog';
import { BACKUP_DATABASE_FLAG, FROM_FLAG } from './backup-commands';
import { BackupLayout } from './backup-layout';
import { formatBackupLocation, parseBackupLocation } from './backup-location';
import { parseManifest } from './backup-manifest';
import type { CommandContext, CommandReport, FlagDefinition, FlagReader } from './cli-options';
import { openBackupStore } from './open-backup-store';

/** The flags of `pg-backup list`. */
export const LIST_COMMAND_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { ...BACKUP_DATABASE_FLAG, description: 'list only the backups of this database', default: 'every database' },
];

/** `pg-backup list`: every complete backup under the location, oldest first per database. */
export async function listCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, env } = context;
  const from = reader.required('from');
  reader.throwIfInvalid('list');
  const location = parseBackupLocation(from, '--from');
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const layout = new BackupLayout(location);
    const entries = (await listBackups(store, layout)).filter((entry) => common.database === undefined || entry.database === common.database);
    const backups = [];
    for (const entry of entries) {
      const data = await store.getBytes(entry.manifestKey);
      if (!data) continue;
      const manifest = parseManifest(data, entry.manifestKey);
      backups.push({
        database: manifest.database,
        backupId: manifest.backupId,
        finishedAt: manifest.finishedAt,
        format: manifest.format,
        bytes: manifest.totalBytes,
        rows: manifest.rowCounts.totalRows,
        tables: manifest.rowCounts.tables.length,
        globals: manifest.objects.some((object) => object.role === 'globals'),
        manifestKey: entry.manifestKey,
      });
    }
    return { database: common.database ?? '', metrics: [], result: { location: formatBackupLocation(location), count: backups.length, backups } };
  } finally {
    store.close();
  }
}
