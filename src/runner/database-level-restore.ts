import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from './child-process';
import { connectDatabase } from './database-client';
import type { DatabaseConnection } from './database-connection';
import { errorMessage } from './runner-error';
import { databaseLevelListEntries, databaseLevelStatements } from '../core/postgres/database-level-entries';
import { pgRestoreArgv } from '../core/postgres/pg-client-argv';

/** What {@link applyDatabaseLevelEntries} needs. */
export interface DatabaseLevelRestoreOptions {
  /** The pg_restore program. */
  readonly pgRestore: string;
  /** The downloaded archive (a custom-format file or a directory-format directory). */
  readonly archivePath: string;
  /** A scratch directory for the list of entries. */
  readonly scratch: string;
  /** The database the backup was dumped from: the name the archive's statements use. */
  readonly dumpedDatabase: string;
  /** The database the restore created. */
  readonly target: DatabaseConnection;
  /** `--no-owner`: the database keeps the connecting role as its owner. */
  readonly noOwner: boolean;
  /** `--no-acl`: the database keeps the server's default privileges. */
  readonly noAcl: boolean;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/**
 * Gives a database the restore created what `pg_restore --create` gives the database it creates: the dumped
 * database's owner, settings (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE … SET`), comment, privileges and
 * security label, renamed to the target. Without them a restore that reports success could leave an application
 * on another `search_path`, and its owner without the rights it had on `public`. Returns the statements applied.
 */
export async function applyDatabaseLevelEntries(options: DatabaseLevelRestoreOptions): Promise<number> {
  const listArgv = pgRestoreArgv({ archive: options.archivePath, list: true, create: true });
  const listing = await runTool(options.pgRestore, listArgv, { signal: options.signal });
  const entries = databaseLevelListEntries(listing);
  if (entries.length === 0) return 0;
  const listFile = path.join(options.scratch, 'database-level-entries.list');
  await fs.promises.writeFile(listFile, `${entries.join('\n')}\n`);
  const script = await runTool(options.pgRestore, pgRestoreArgv({
    archive: options.archivePath, scriptFile: '-', create: true, noOwner: options.noOwner, noAcl: options.noAcl, useList: listFile,
  }), { signal: options.signal });
  const statements = databaseLevelStatements(script, options.dumpedDatabase, options.target.database);
  if (statements.length === 0) return 0;
  const client = await connectDatabase(options.target, 'the restore target, to give the database its own settings');
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
