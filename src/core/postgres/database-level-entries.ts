import { splitSqlStatements } from './sql-statements';

/**
 * The entries of an archive's table of contents that describe the dumped database itself, as `pg_restore --list`
 * prints them: `DATABASE`, `DATABASE PROPERTIES` (its `ALTER DATABASE … SET` and `ALTER ROLE … IN DATABASE … SET`),
 * and the comment, privileges and security label of the database. pg_restore lists and applies them only with
 * `--create`.
 */
const DATABASE_LEVEL_ENTRY = /^\d+; \d+ \d+ (?:DATABASE |DATABASE PROPERTIES |(?:COMMENT|ACL|SECURITY LABEL) - DATABASE )/;

/** The lines of a `pg_restore --list --create` listing that name database-level entries, for `pg_restore --use-list`. */
export function databaseLevelListEntries(listing: string): string[] {
  return listing.split('\n').filter((line) => DATABASE_LEVEL_ENTRY.test(line));
}

/** How pg_dump writes a name in SQL: bare when it is lower case letters, digits and underscores, otherwise quoted. */
function identifierForms(name: string): string[] {
  const quoted = `"${name.replace(/"/g, '""')}"`;
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? [name, quoted] : [quoted];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The statements that give a database its owner, settings, comment, privileges and security label. */
const DATABASE_LEVEL_STATEMENT = /^(?:ALTER DATABASE |ALTER ROLE [\s\S]+ IN DATABASE |COMMENT ON DATABASE |(?:GRANT|REVOKE|SECURITY LABEL) [\s\S]* ON DATABASE )/i;

/**
 * From the script `pg_restore --create` writes for the database-level entries, the statements that give the database
 * its owner, settings, comment, privileges and security label, renamed from the dumped database to `targetDatabase`:
 * what `--create` would have applied to the database a restore created under another name. The `CREATE DATABASE`,
 * psql's `\connect` and the session `SET`s are left out: the database exists, and the statements run on their own.
 */
export function databaseLevelStatements(script: string, dumpedDatabase: string, targetDatabase: string): string[] {
  const withoutMetaCommands = script.split('\n').filter((line) => !line.startsWith('\\')).join('\n');
  // The first name after a keyword DATABASE is the database's in every statement kept (a comment's text comes later).
  const dumpedName = new RegExp(`(?<=\\s)(DATABASE )(?:${identifierForms(dumpedDatabase).map(escapeRegExp).join('|')})(?=[\\s;]|$)`);
  const target = `"${targetDatabase.replace(/"/g, '""')}"`;
  return splitSqlStatements(withoutMetaCommands)
    .map((statement) => statement.replace(/^(?:--[^\n]*\n|\s)+/, ''))
    .filter((statement) => DATABASE_LEVEL_STATEMENT.test(statement))
    .map((statement) => statement.replace(dumpedName, (_, keyword: string) => `${keyword}${target}`));
}
