import type { Validator } from '../policy/validation';

/**
 * A table named the way SQL names it (`orders`, `sales.orders`, `"Sales Dept"."Customer Orders"`), as row-count
 * bounds take it: read by the rules PostgreSQL reads an identifier by, so a name that works in psql works here.
 */
export interface QualifiedTableName {
  /** The schema, exactly as the catalog spells it (`public` when the name has no schema part). */
  readonly schema: string;
  /** The table, exactly as the catalog spells it. */
  readonly name: string;
}

/** What {@link parseTableName} accepts, as error messages say it. */
export const TABLE_NAME_ALLOWED =
  'a table name as SQL writes it: table or schema.table (public when no schema is given), unquoted letters folded to lower case, '
  + 'double quotes for any other name, e.g. "Sales Dept"."Order Lines"';

/** A letter or `_` starts an unquoted identifier; letters, digits, `_` and `$` continue it (PostgreSQL's lexer). */
const UNQUOTED_IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_$]*$/u;

/**
 * Reads a table name by PostgreSQL's identifier rules: outside double quotes ASCII letters fold to lower case and a
 * `.` separates schema and table; inside them every character is kept and `""` is one quote. Returns `undefined` for
 * anything else (an empty part, an unterminated quote, more than two parts, a space outside quotes).
 */
export function parseTableName(text: string): QualifiedTableName | undefined {
  const parts: string[] = [];
  const chars = [...text.trim()];
  let at = 0;
  while (at <= chars.length) {
    let part = '';
    if (chars[at] === '"') {
      for (at += 1; ; at++) {
        if (at >= chars.length) return undefined;
        if (chars[at] === '"') {
          if (chars[at + 1] !== '"') break;
          at += 1;
        }
        part += chars[at];
      }
      at += 1;
      if (part === '') return undefined;
    } else {
      while (at < chars.length && chars[at] !== '.' && chars[at] !== '"') part += chars[at++];
      if (!UNQUOTED_IDENTIFIER.test(part)) return undefined;
      part = part.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
    }
    parts.push(part);
    if (at === chars.length) break;
    if (chars[at] !== '.') return undefined;
    at += 1;
  }
  if (parts.length === 1) return { schema: 'public', name: parts[0] };
  if (parts.length === 2) return { schema: parts[0], name: parts[1] };
  return undefined;
}

/** Checks a table name against {@link parseTableName}; `undefined` and unresolved values pass. Returns whether it passed. */
export function checkTableName(validator: Validator, path: string, text: string | undefined): boolean {
  if (text === undefined || validator.isUnresolved(text)) return true;
  if (typeof text === 'string' && parseTableName(text) !== undefined) return true;
  validator.report({ path, value: text, allowed: TABLE_NAME_ALLOWED });
  return false;
}
