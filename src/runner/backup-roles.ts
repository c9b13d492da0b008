import type { Client } from 'pg';
import type { Logger } from 'pino';
import type { BackupManifest, ManifestObject } from './backup-manifest';
import { RunnerError, ScratchDiskError, UsageError, errorMessage } from './runner-error';
import { splitSqlStatements } from '../core/postgres/sql-statements';

/** SQLSTATE `duplicate_object`: the role or tablespace is already there. */
const DUPLICATE_OBJECT = '42710';

/** A statement of `globals.sql` the target server refused for a reason other than "already exists". */
export interface GlobalsStatementFailure {
  /** The statement, with any password literal replaced by `'…'`. */
  readonly statement: string;
  /** The server's error. */
  readonly error: string;
}

/** What applying a backup's `globals.sql` to a server did. */
export interface GlobalsOutcome {
  /** Statements the server ran. */
  readonly applied: number;
  /**
   * Roles the server already had: left exactly as they are (their passwords, attributes and settings are
   * the target's own), so the role a run connects with cannot be changed under it.
   */
  readonly rolesKept: string[];
  /** Statements refused because what they create exists already (a tablespace, a role created meanwhile). */
  readonly alreadyExisting: number;
  /** Statements refused for any other reason. */
  readonly failed: GlobalsStatementFailure[];
}

/** The backup's `pg_dumpall --globals-only` object, or a usage error when it was dumped without `--globals`. */
export function requireGlobalsObject(manifest: BackupManifest, command: string): ManifestObject {
  const globals = manifest.objects.find((object) => object.role === 'globals');
  if (!globals) {
    throw new UsageError(`${command} --globals: backup ${manifest.backupId} of ${manifest.database} holds no globals.sql (it was dumped without --globals); `
      + `${command} it without --globals${command === 'restore' ? ' (with --no-owner when the server lacks its roles)' : ''}, or take a dump with --globals`);
  }
  return globals;
}

/** A statement with its password literals blanked, fit for a message or a log. */
export function redactPasswords(statement: string): string {
  return statement.replace(/\bPASSWORD\s+'(?:[^']|'')*'/gi, "PASSWORD '…'");
}

/** An SQL identifier as pg_dumpall writes it (quoted when it must be), or `undefined`. */
const IDENTIFIER = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** Statements that create or change one role: the first group is its name. */
const ROLE_STATEMENT = new RegExp(String.raw`^(?:CREATE ROLE|ALTER ROLE|ALTER USER|COMMENT ON ROLE|SECURITY LABEL FOR \S+ ON ROLE)\s+${IDENTIFIER}`, 'i');

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier.toLowerCase();
}

/** The statement without the comment lines pg_dumpall puts before it. */
function withoutLeadingComments(statement: string): string {
  return statement.replace(/^(?:\s*--[^\n]*\n)+/, '').trim();
}

/** The role a statement creates or changes, if it is such a statement. */
export function roleOfStatement(statement: string): string | undefined {
  const match = ROLE_STATEMENT.exec(withoutLeadingComments(statement));
  return match ? unquote(match[1]) : undefined;
}

/**
 * Applies a `pg_dumpall --globals-only` script to a server, one statement at a time, so that one refused statement
 * does not stop the others: roles the server lacks are created as dumped (with their passwords when the dump has
 * them), roles it has are left alone, "already exists" is expected, and every other refusal is collected and
 * returned (never with a password in it).
 */
export async function applyGlobalsScript(client: Client, script: string, logger: Logger): Promise<GlobalsOutcome> {
  const existing = new Set((await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).rows.map((row) => row.rolname));
  const rolesKept = new Set<string>();
  const failed: GlobalsStatementFailure[] = [];
  let applied = 0;
  let alreadyExisting = 0;
  // pg_dumpall 15.14+ frames its script with psql's \restrict/\unrestrict, which guard psql against a hostile
  // server's output; they are not SQL, and the statements between them run here one by one, never through psql.
  const sql = script.replace(/^\\(?:un)?restrict\b[^\n]*$/gm, '');
  for (const raw of splitSqlStatements(sql)) {
    const statement = withoutLeadingComments(raw);
    const role = roleOfStatement(statement);
    if (role !== undefined && existing.has(role)) {
      rolesKept.add(role);
      continue;
    }
    try {
      await client.query(statement);
      applied += 1;
    } catch (error) {
      if ((error as { code?: string }).code === DUPLICATE_OBJECT) {
        alreadyExisting += 1;
        continue;
      }
      failed.push({ statement: redactPasswords(statement), error: redactPasswords(errorMessage(error)) });
    }
  }
  const outcome = { applied, rolesKept: [...rolesKept].sort(), alreadyExisting, failed };
  logger.info({ applied, rolesKept: outcome.rolesKept, alreadyExisting, failed: failed.length }, 'globals.sql applied');
  for (const failure of failed) logger.warn(failure, `a statement of globals.sql failed: ${failure.error}`);
  return outcome;
}

/** What a restore knew about roles when pg_restore failed. */
export interface MissingRoleContext {
  /** Whether the backup holds a `globals.sql`. */
  readonly backupHasGlobals: boolean;
  /** The outcome of `--globals`, when it was given. */
  readonly globals?: GlobalsOutcome;
  /** Whether ownership was left out (`--no-owner`). */
  readonly noOwner: boolean;
  /** Whether privileges were left out (`--no-acl`). */
  readonly noAcl: boolean;
}

/**
 * The advice to add to a restore failure that names a role the server lacks: the flags that would help and
 * were not given, `--globals` first when the backup holds the roles. Empty when the failure is about something else.
 */
export function missingRoleHint(message: string, context: MissingRoleContext): string {
  const role = /role "([^"]+)" does not exist/.exec(message)?.[1];
  if (role === undefined) return '';
  const skip = [!context.noOwner ? '--no-owner' : undefined, !context.noAcl ? '--no-acl' : undefined].filter((flag) => flag !== undefined);
  const without = skip.length > 0 ? `restore without ownership and privileges (${skip.join(' ')})` : undefined;
  if (context.globals) {
    const failures = context.globals.failed.length > 0
      ? ` (${context.globals.failed.length} statement(s) of it failed: ${context.globals.failed.slice(0, 3).map((failure) => failure.error).join('; ')})`
      : '';
    return `; role ${role} is not in the backup's globals.sql either, or could not be created${failures}: create it by hand${without ? `, or ${without}` : ''}`;
  }
  if (context.backupHasGlobals) {
    return `; the backup names roles this server does not have: its globals.sql holds them, so add --globals to create them first${without ? `, or ${without}` : ''}`;
  }
  return `; the backup names roles this server does not have and holds no globals.sql (it was dumped without --globals): create them first${without ? `, or ${without}` : ''}`;
}

/** A restore failure, with the advice of {@link missingRoleHint}. */
export function restoreFailure(what: string, error: unknown, context: MissingRoleContext): RunnerError {
  if (error instanceof ScratchDiskError) return error;
  const message = errorMessage(error);
  return new RunnerError(`${what} failed: ${message}${missingRoleHint(message, context)}`, { cause: error });
}
