import { DumpCompression } from '../policy';
import { Validator } from '../validation';

const LEVELS: Record<string, [number, number]> = { gzip: [1, 9], lz4: [1, 12], zstd: [1, 22] };
const ALLOWED = 'an integer from 0 to 9, "none", "gzip", "lz4", "zstd", "gzip:1" to "gzip:9", "lz4:1" to "lz4:12" or "zstd:1" to "zstd:22"';

/**
 * Checks `pg_dump --compress`: a gzip level `0`–`9` (number or digit string), `none`, a method alone (its default
 * level, as pg_dump 16 takes `--compress lz4`), or `method:level` with the level range of that method. Returns whether
 * it passed.
 */
export function checkDumpCompression(validator: Validator, path: string, value: DumpCompression | undefined): boolean {
  if (value === undefined || validator.isUnresolved(value)) return true;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 9) return true;
    validator.report({ path, value, allowed: ALLOWED });
    return false;
  }
  if (typeof value === 'string') {
    if (value === 'none' || /^\d$/.test(value) || value in LEVELS) return true;
    const match = /^(gzip|lz4|zstd):(\d+)$/.exec(value);
    if (match) {
      const [min, max] = LEVELS[match[1]];
      const level = Number(match[2]);
      if (level >= min && level <= max) return true;
      validator.report({ path, value, allowed: `"${match[1]}:${min}" to "${match[1]}:${max}"`, reason: `${match[1]} levels run from ${min} to ${max}` });
      return false;
    }
  }
  validator.report({ path, value, allowed: ALLOWED });
  return false;
}
