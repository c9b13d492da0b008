import { describeBrokenEntry, readCatalog } from './backup-catalog';
import { BACKUP_DATABASE_FLAG, FROM_FLAG } from './backup-commands';
import { BackupLayout } from './backup-layout';
import { formatBackupLocation, parseBackupLocation } from './backup-location';
import type { CommandContext, CommandReport, FlagDefinition, FlagReader } from './cli-options';
import { OUTPUT_FLAG, formatBytes, formatTable, readOutputMode } from './cli-output';
import { catalogLatestProblems } from './latest-pointer';
import { openBackupStore } from './open-backup-store';

/** The flags of `pg-backup list`. */
export const LIST_COMMAND_FLAGS: readonly FlagDefinition[] = [
  FROM_FLAG,
  { ...BACKUP_DATABASE_FLAG, description: 'list only the backups of this database', default: 'every database' },
  OUTPUT_FLAG,
];

/**
 * `pg-backup list`: every complete backup under the location, oldest snapshot first per database, and
 * beside them every manifest that cannot be read (`broken`, with the reason): one broken manifest never
 * hides the others. On a terminal (or with `--output table`) a table comes before the result line.
 */
export async function listCommand(reader: FlagReader, context: CommandContext): Promise<CommandReport> {
  const { common, env, logger } = context;
  const from = reader.required('from');
  const output = readOutputMode(reader, context);
  reader.throwIfInvalid('list');
  const location = parseBackupLocation(from, '--from');
  const store = await openBackupStore(location, { s3Endpoint: common.s3Endpoint, tuning: common.tuning }, env);
  try {
    const layout = new BackupLayout(location);
    const catalog = await readCatalog(store, layout, common.database);
    const latestProblems = [...(await catalogLatestProblems(store, layout, catalog))].map(([database, problem]) => ({ database, problem }));
    const backups = catalog.backups.map(({ manifest, manifestKey, snapshotAt }) => ({
      database: manifest.database,
      backupId: manifest.backupId,
      snapshotAt,
      finishedAt: manifest.finishedAt,
      format: manifest.format,
      bytes: manifest.totalBytes,
      rows: manifest.rowCounts.totalRows,
      tables: manifest.rowCounts.tables.length,
      globals: manifest.objects.some((object) => object.role === 'globals'),
      manifestKey,
    }));
    for (const entry of catalog.broken) logger.warn(entry, `broken manifest ${entry.manifestKey}: ${entry.reason}`);
    for (const entry of latestProblems) logger.warn(entry, `${entry.database}: ${entry.problem}`);
    // Broken manifests follow the table as `status` shows them.
    const table = output === 'table' ? formatTable(
      ['DATABASE', 'BACKUP', 'FINISHED', 'FORMAT', 'SIZE', 'ROWS', 'TABLES', 'GLOBALS'],
      backups.map((backup) => [
        backup.database, backup.backupId, backup.finishedAt, backup.format, formatBytes(backup.bytes), backup.rows, backup.tables, backup.globals ? 'yes' : 'no',
      ]),
    ) + catalog.broken.map((entry) => `${describeBrokenEntry(entry)}\n`).join('')
      + latestProblems.map((entry) => `latest: ${entry.database}: ${entry.problem}\n`).join('') : undefined;
    return {
      database: common.database ?? '',
      // A run that could read the location; one that could not writes ListFailed (a store that stopped answering pages).
      metrics: [{ name: 'ListSucceeded', value: 1, unit: 'Count' }, { name: 'ListFailed', value: 0, unit: 'Count' }],
      result: {
        location: formatBackupLocation(location),
        count: backups.length,
        backups,
        brokenCount: catalog.broken.length,
        broken: catalog.broken,
        ...(latestProblems.length > 0 ? { latestProblems } : {}),
      },
      table,
    };
  } finally {
    store.close();
  }
}
