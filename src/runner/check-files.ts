import * as fs from 'node:fs';
import type { Client } from 'pg';
import { RunnerError, errorMessage } from './runner-error';
import { splitSqlStatements } from './sql-statements';

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

/** Runs one statement; it passes when it returns exactly one row of one column that is `true`. */
export async function runCheckStatement(client: Client, file: string, statement: string): Promise<CheckOutcome> {
  try {
    const result = await client.query({ text: statement, rowMode: 'array' });
    const rows = (Array.isArray(result) ? result[result.length - 1] : result).rows as unknown[][];
    if (rows.length === 1 && rows[0].length === 1 && rows[0][0] === true) return { file, statement, passed: true };
    return { file, statement, passed: false, detail: `returned ${JSON.stringify(rows.slice(0, 3))}${rows.length > 3 ? ' …' : ''}, not a single true` };
  } catch (error) {
    return { file, statement, passed: false, detail: `raised: ${errorMessage(error)}` };
  }
}

/** Reads check files and runs every statement in order, stopping at the first that fails. */
export async function runCheckFiles(client: Client, files: readonly string[]): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const file of files) {
    let script: string;
    try {
      script = await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      throw new RunnerError(`cannot read the check file ${file}: ${errorMessage(error)}`);
    }
    const statements = splitSqlStatements(script);
    if (statements.length === 0) throw new RunnerError(`the check file ${file} holds no statement`);
    for (const statement of statements) {
      const outcome = await runCheckStatement(client, file, statement);
      outcomes.push(outcome);
      if (!outcome.passed) return outcomes;
    }
  }
  return outcomes;
}
