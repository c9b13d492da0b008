import { checkBackupRetention } from '../backup-retention';
import { resolveLogicalDump } from '../defaults';
import { MAX_LIFECYCLE_DAYS } from '../lifecycle-rules';
import { LogicalDumpPolicy } from '../policy';
import { checkSchedule } from '../schedule';
import { Validator } from '../validation';
import { checkDumpCompression } from './dump-compression';

/** Checks logical dumps: every value, `jobs` against `format`, `schemaOnly` against `dataOnly`, and `retention` against `retentionDays`. */
export function checkLogicalDump(validator: Validator, dump: LogicalDumpPolicy | undefined): void {
  if (dump === undefined || validator.isUnresolved(dump)) return;
  const path = 'logicalDump';
  checkSchedule(validator, `${path}.schedule`, dump.schedule);
  const formatValid = validator.oneOf(`${path}.format`, dump.format, ['custom', 'directory']);
  checkDumpCompression(validator, `${path}.compression`, dump.compression);
  const jobsValid = validator.integer(`${path}.jobs`, dump.jobs, 1, 64);
  validator.number(`${path}.largestTableGiB`, dump.largestTableGiB, 0.001, 1_000_000, 'GiB');
  validator.distinctNonEmptyStrings(`${path}.tables`, dump.tables);
  validator.distinctNonEmptyStrings(`${path}.excludeTables`, dump.excludeTables);
  validator.distinctNonEmptyStrings(`${path}.schemas`, dump.schemas);
  validator.distinctNonEmptyStrings(`${path}.excludeSchemas`, dump.excludeSchemas);
  // The bucket's lifecycle expires dumps after this many days: the same bound as every lifecycle rule.
  const retentionDaysValid = validator.integer(`${path}.retentionDays`, dump.retentionDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  checkBackupRetention(validator, `${path}.retention`, dump.retention, retentionDaysValid ? dump.retentionDays : undefined, `${path}.retentionDays`);
  validator.number(`${path}.lockWaitTimeoutSeconds`, dump.lockWaitTimeoutSeconds, 0.001, 86_400, 'seconds');
  validator.oneOf(`${path}.rowCounts`, dump.rowCounts, ['exact', 'estimate', 'off']);

  // The rules between values read the resolved lists, which a deploy-time or non-list value has not.
  const lists = [dump.tables, dump.excludeTables, dump.schemas, dump.excludeSchemas];
  if (lists.some((list) => list !== undefined && (validator.isUnresolved(list) || !Array.isArray(list)))) return;
  const resolved = resolveLogicalDump(dump);
  if (formatValid && jobsValid && resolved.jobs > 1 && resolved.format !== 'directory') {
    validator.report(
      { path: `${path}.jobs`, value: resolved.jobs, allowed: `1 when format is "${resolved.format}"`, reason: 'pg_dump -j needs format "directory"' },
      [dump.jobs, dump.format],
    );
  }
  if (resolved.schemaOnly === true && resolved.dataOnly === true) {
    validator.report(
      { path: `${path}.dataOnly`, value: true, allowed: 'false when schemaOnly is true', reason: 'pg_dump -s and -a exclude each other' },
      [dump.schemaOnly, dump.dataOnly],
    );
  }
}
