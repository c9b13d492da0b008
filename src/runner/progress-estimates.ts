import type { ArchiveToc } from './archive-toc';
import type { BackupManifest } from './backup-manifest';
import type { ProgressEstimate } from './progress-line';

/** A download's total: the stored bytes of the backup's dump objects, which the manifest records exactly. */
export function downloadEstimate(manifest: BackupManifest): ProgressEstimate {
  const total = manifest.objects.filter((object) => object.role === 'dump').reduce((sum, object) => sum + object.bytes, 0);
  return { total, unit: 'bytes', approximate: false };
}

/**
 * A restore's total: the tables whose data the archive holds (its `TABLE DATA` entries), each of which pg_restore
 * reports as it starts it; with `--table` filters, only the entries they name (pg_restore matches the bare name).
 * Unknown when no entry matches, rather than a share of something else.
 */
export function restoreEstimate(toc: ArchiveToc, tables: readonly string[] = []): ProgressEstimate | undefined {
  const data = toc.entries.filter((entry) => entry.text.startsWith('TABLE DATA '));
  const named = tables.length === 0 ? data : data.filter((entry) => tables.includes(entry.text.split(' ')[3]));
  return named.length > 0 ? { total: named.length, unit: 'tables', approximate: false } : undefined;
}
