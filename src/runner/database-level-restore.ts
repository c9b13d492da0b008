import * as path from 'node:path';
import type { Logger } from 'pino';
import { writeScratchFile } from './backup-download';
import { runTool } from './child-process';
import { connectDatabase } from './database-client';
import type { DatabaseConnection } from './database-connection';
import { RunnerError, errorMessage } from './runner-error';
import { databaseLevelStatements } from '../core/postgres/database-level-entries';
import { pgRestoreArgv } from '../core/postgres/pg-client-argv';

/** What {@link readDatabaseLevelStatements} needs. */
export interface DatabaseLevelScriptOptions {
  /** The pg_restore program. */
  readonly pgRestore: string;
  /** The archive (a custom-format file, whose table of contents is all that is read, or a directory-format directory). */
  readonly archivePath: string;
  /** The archive's database-level entries, as `pg_restore --list --create` lists them. */
  readonly entries: readonly string[];
  /** A scratch directory for the list of entries. */
  readonly scratch: string;
  /** The database the backup was dumped from: the name the archive's statements use. */
  readonly dumpedDatabase: string;
  /** The database the restore created. */
  readonly targetDatabase: string;
  /** `--no-owner`: the database keeps the connecting role as its owner. */
  readonly noOwner: boolean;
  /** `--no-acl`: the database keeps the server's default privileges. */
  readonly noAcl: boolean;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/**
 * The statements that give a database the restore created what `pg_restore --create` gives the database it creates:
 * the dumped database's owner, settings (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE … SET`), comment,
 * privileges and security label, renamed to the target. Without them a restore that reports success could leave an
 * application on another `search_path`, and its owner without the rights it had on `public`. They need only the
 * archive's table of contents, so they are read before any data is loaded.
 */
export async function readDatabaseLevelStatements(options: DatabaseLevelScriptOptions): Promise<string[]> {
  if (options.entries.length === 0) return [];
  const listFile = path.join(options.scratch, 'database-level-entries.list');
  await writeScratchFile(listFile, `${options.entries.join('\n')}\n`);
  const script = await runTool(options.pgRestore, pgRestoreArgv({
    archive: options.archivePath, scriptFile: '-', create: true, noOwner: options.noOwner, noAcl: options.noAcl, useList: listFile,
  }), { signal: options.signal });
  return databaseLevelStatements(script, options.dumpedDatabase, options.targetDatabase);
}

/** A per-role setting of the database (`ALTER ROLE r IN DATABASE d SET …`): the one kind `--no-owner` lets go of. */
const ROLE_SETTING = /^ALTER ROLE [\s\S]+ IN DATABASE /i;

/** SQLSTATE `undefined_object`: among others, a role the server does not have. */
const UNDEFINED_OBJECT = '42704';

/**
 * Tries the database-level statements on the target in a transaction that is rolled back, before any data is loaded:
 * a role the server lacks (the owner, a grantee, a role with its own settings) or a right the connecting role lacks
 * fails the restore now rather than after the last table. With `noOwner`, the settings of a role the server does not
 * have are left out with a warning, as `--no-owner` lets go of the backup's roles; anything else that fails fails the
 * restore. Returns the statements to apply once the data is in.
 */
export async function checkDatabaseLevelStatements(
  target: DatabaseConnection, statements: readonly string[], noOwner: boolean, logger: Logger,
): Promise<string[]> {
  if (statements.length === 0) return [];
  const client = await connectDatabase(target, 'the restore target, to check the database settings from the backup');
  const kept: string[] = [];
  try {
    await client.query('BEGIN');
    for (const statement of statements) {
      await client.query('SAVEPOINT database_level_statement');
      try {
        await client.query(statement);
        kept.push(statement);
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT database_level_statement');
        const code = (error as { code?: string }).code;
        if (noOwner && code === UNDEFINED_OBJECT && ROLE_SETTING.test(statement)) {
          logger.warn({ statement, error: errorMessage(error) },
            'the backup sets this database\'s settings for a role this server does not have: left out, as --no-owner restores without the backup\'s roles');
          continue;
        }
        throw new RunnerError(`the database's owner, settings and privileges from the backup cannot be given to ${target.database}, `
          + `checked before loading any data (${statement}): ${errorMessage(error)}`, { cause: error });
      }
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  return kept;
}

/** Applies the (checked) database-level statements to the target once its data is restored; returns how many. */
export async function applyDatabaseLevelStatements(target: DatabaseConnection, statements: readonly string[]): Promise<number> {
  if (statements.length === 0) return 0;
  const client = await connectDatabase(target, 'the restore target, to give the database its own settings');
  try {
    for (const statement of statements) {
      try {
        await client.query(statement);
      } catch (error) {
        throw new Error(`giving the database its owner, settings and privileges from the backup (${statement}): ${errorMessage(error)}`, { cause: error });
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return statements.length;
}
