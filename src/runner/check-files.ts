import * as fs from 'node:fs';
import type { Client } from 'pg';
import { CHECK_ROLE, inReadOnlyTransaction, isReadOnlyViolation, querySingleStatement } from './read-only-query';
import { UsageError, errorMessage } from './runner-error';
import { splitSqlStatements } from '../core/postgres/sql-statements';

/** A check statement and its outcome. */
export interface CheckOutcome {
  /** The file it came from. */
  readonly file: string;
  /** The statement. */
  readonly statement: string;
  /** Whether it returned a single `true`. */
  readonly passed: boolean;
  /** What it returned or raised instead. */
  readonly detail?: string;
}

/** The first words a check may start with: queries, nothing that defines, changes or ends anything. */
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/** The first keyword of a statement, after comments and opening parentheses. */
function firstKeyword(statement: string): string {
  const text = statement.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z_]+/.exec(text)?.[0] ?? text.slice(0, 12)).toUpperCase();
}

/**
 * Why a statement cannot be a check, or `undefined` when it can. A check is one query; `set_config` is refused
 * because it is the one way a query could take back the privileges the check runs without.
 */
export function refuseCheckStatement(statement: string): string | undefined {
  const keyword = firstKeyword(statement);
  if (!QUERY_KEYWORDS.has(keyword)) {
    return `checks are read-only: a check is one query (SELECT, WITH, VALUES or TABLE), this statement starts with ${keyword || 'nothing'}`;
  }
  if (/"?\bset_config"?\s*\(/i.test(statement)) return 'checks are read-only: a check may not change settings with set_config';
  return undefined;
}

function explainCheckError(error: unknown): string {
  const message = errorMessage(error);
  const code = (error as { code?: string }).code;
  if (isReadOnlyViolation(error)) return `checks are read-only: ${message}`;
  if (code === '42601' && /multiple commands/.test(message)) return `a check is exactly one statement: ${message}`;
  if (code === '42501') return `${message} (checks run read-only, with the privileges of ${CHECK_ROLE} where the connected role may take them)`;
  return message;
}

/**
 * Runs one check statement alone, in a READ ONLY transaction it cannot end, that is always rolled back, with the
 * privileges of `pg_read_all_data` where the connected role may take them. It passes when it returns exactly one
 * row of one column that is `true`; a statement that writes or is no query fails with a message saying checks are
 * read-only.
 */
export async function runCheckStatement(client: Client, file: string, statement: string): Promise<CheckOutcome> {
  const refused = refuseCheckStatement(statement);
  if (refused) return { file, statement, passed: false, detail: refused };
  try {
    const result = await inReadOnlyTransaction(client, () => querySingleStatement(client, statement), { asCheckRole: true });
    const rows = result.rows;
    if (rows.length === 1 && rows[0].length === 1 && rows[0][0] === true) return { file, statement, passed: true };
    return { file, statement, passed: false, detail: `returned ${JSON.stringify(rows.slice(0, 3))}${rows.length > 3 ? ' …' : ''}, not a single true` };
  } catch (error) {
    return { file, statement, passed: false, detail: `raised: ${explainCheckError(error)}` };
  }
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return errorMessage(error);
}

/** Reads every check file and splits it into statements, so a missing or empty file is reported before any work. */
export async function readCheckFiles(files: readonly string[]): Promise<CheckScript[]> {
  const scripts: CheckScript[] = [];
  for (const file of files) {
    let script: string;
    try {
      script = await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--check ${file}: cannot read the check file (${describeReadError(error)})`);
    }
    const statements = splitSqlStatements(script);
    if (statements.length === 0) throw new UsageError(`--check ${file}: the check file holds no statement; allowed: a file of queries that each return a single true`);
    scripts.push({ file, statements });
  }
  return scripts;
}

/** The statements of one check file. */
export interface CheckScript {
  /** The file, as named on the command line. */
  readonly file: string;
  /** Its statements in order. */
  readonly statements: readonly string[];
}

/** Runs the statements of check files in order, stopping at the first that fails. */
export async function runCheckScripts(client: Client, scripts: readonly CheckScript[]): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const { file, statements } of scripts) {
    for (const statement of statements) {
      const outcome = await runCheckStatement(client, file, statement);
      outcomes.push(outcome);
      if (!outcome.passed) return outcomes;
    }
  }
  return outcomes;
}
