import { Validator } from './validation';

/**
 * The database names this library protects. A name is more than a PostgreSQL identifier here: it becomes a folder of
 * object keys (`<prefix>/<name>/…` in S3 and Azure Blob), a CloudWatch metric dimension, part of construct ids and
 * resource names, and an argument of pg_dump and pg_restore. So only the names that are safe in every one of them are
 * accepted: a letter or `_` first, then letters, digits, `_` and `-`, at most 63 characters (PostgreSQL's identifier
 * limit). Spaces, quotes, `.`, `/`, `$` and non-ASCII letters, which PostgreSQL allows in quoted names, are refused.
 * Upper and lower case are different names, as they are in PostgreSQL.
 */
export const DATABASE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** What {@link DATABASE_NAME_PATTERN} allows, as error messages say it. */
export const DATABASE_NAME_ALLOWED = 'a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"';

/** Checks one database name against {@link DATABASE_NAME_PATTERN}; `undefined` passes. Returns whether it passed. */
export function checkDatabaseName(validator: Validator, path: string, name: string | undefined): boolean {
  return validator.matches(path, name, DATABASE_NAME_PATTERN, DATABASE_NAME_ALLOWED);
}

/**
 * Checks the databases a construct protects: at least one, each a valid name ({@link DATABASE_NAME_PATTERN}), none
 * listed twice (two dumps of one database would write the same keys and metrics).
 */
export function checkDatabaseNames(validator: Validator, path: string, names: readonly string[]): void {
  if (validator.deferredOrRefused(path, names, 'a list of database names')) return;
  if (!Array.isArray(names) || names.length === 0) {
    validator.report({ path, value: names, allowed: 'at least one database name' });
    return;
  }
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (!checkDatabaseName(validator, `${path}[${index}]`, name) || validator.isUnresolved(name)) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else validator.report({ path: `${path}[${index}]`, value: name, allowed: `a name not listed before (${path}[${first}] has it)` });
  });
}
