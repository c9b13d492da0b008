/**
 * The name patterns of `pg_dump --table`/`--schema` and psql's `\d` (`sales.*`, `"Mixed Case".orders`, `ord?rs`),
 * turned into the anchored regular expressions PostgreSQL's `~` operator takes, by the rules of psql's
 * `patternToSQLRegex`, so that a program can ask the server which relations a pattern names.
 */

/** A name pattern split into its parts, each an anchored POSIX regular expression for PostgreSQL's `~`. */
export interface NamePatternRegex {
  /**
   * The database part of `db.schema.name`.
   * @default - none given
   */
  readonly database?: string;
  /**
   * The schema part of `schema.name`.
   * @default - none given: the relation must be visible on the search path
   */
  readonly schema?: string;
  /** The last part: the relation (or, for a schema pattern, the schema) name. */
  readonly name: string;
}

/** Regular-expression characters escaped inside double quotes (outside them they keep their meaning, as in psql). */
const REGEX_SPECIAL = '|*+?()[]{}.^\\';

/**
 * Converts a pattern the way psql and pg_dump do: outside double quotes letters fold to lower case, `*` matches any
 * text, `?` any one character and `.` separates database, schema and name; inside double quotes every character is
 * literal and `""` is one quote; `$` is always literal.
 */
export function pgNamePatternToRegex(pattern: string): NamePatternRegex {
  const parts: string[] = [''];
  let inQuotes = false;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    const last = parts.length - 1;
    if (char === '"') {
      if (inQuotes && chars[i + 1] === '"') {
        parts[last] += '"';
        i += 1;
      } else {
        inQuotes = !inQuotes;
      }
    } else if (!inQuotes && char >= 'A' && char <= 'Z') {
      parts[last] += char.toLowerCase();
    } else if (!inQuotes && char === '*') {
      parts[last] += '.*';
    } else if (!inQuotes && char === '?') {
      parts[last] += '.';
    } else if (!inQuotes && char === '.') {
      parts.push('');
    } else if (char === '$') {
      parts[last] += '\\$';
    } else {
      if ((inQuotes && REGEX_SPECIAL.includes(char)) || (char === '[' && chars[i + 1] === ']')) parts[last] += '\\';
      parts[last] += char;
    }
  }
  const anchored = parts.map((part) => `^(${part})$`);
  const name = anchored[anchored.length - 1];
  if (anchored.length === 1) return { name };
  if (anchored.length === 2) return { schema: anchored[0], name };
  return { database: anchored[anchored.length - 3], schema: anchored[anchored.length - 2], name };
}

/** A pattern that names exactly one relation, quoted so no character of it is read as a pattern character. */
export function exactRelationPattern(schema: string, name: string): string {
  const quote = (part: string) => `"${part.replace(/"/g, '""')}"`;
  return `${quote(schema)}.${quote(name)}`;
}
