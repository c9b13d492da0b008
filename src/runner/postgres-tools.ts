import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireProgram } from './required-programs';
import { RunnerError } from './runner-error';

const run = promisify(execFile);

/** A PostgreSQL client program: its path and version. */
export interface PostgresTool {
  /** Absolute path, or the bare name resolved through `PATH`. */
  readonly path: string;
  /** Version line as the tool prints it, e.g. `pg_dump (PostgreSQL) 15.14`. */
  readonly version: string;
  /** Major version, e.g. 15. */
  readonly majorVersion: number;
}

/** The client programs the runner spawns. */
export type PostgresToolName = 'pg_dump' | 'pg_dumpall' | 'pg_restore' | 'psql';

/** Reads the major version out of a `--version` line (`pg_dump (PostgreSQL) 15.14 (Debian …)`, `… 9.6.24`). */
export function parseToolMajorVersion(versionLine: string): number | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionLine);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Before 10 the major version had two parts (9.6); those clients are far too old for any supported server anyway.
  return major;
}

/**
 * Finds a client program: in `PG_BIN_DIR` when set, else on `PATH`, and reads its version.
 * @throws MissingProgramError naming where it looked and the package that installs it when the program is missing.
 */
export async function findPostgresTool(name: PostgresToolName, env: NodeJS.ProcessEnv = process.env): Promise<PostgresTool> {
  const candidate = requireProgram(name, { env });
  let stdout: string;
  try {
    ({ stdout } = await run(candidate, ['--version'], { encoding: 'utf8', env }));
  } catch (error) {
    throw new RunnerError(`cannot run ${candidate}: ${(error as Error).message}; install the PostgreSQL client or set PG_BIN_DIR`);
  }
  const version = stdout.trim();
  const majorVersion = parseToolMajorVersion(version);
  if (majorVersion === undefined) throw new RunnerError(`cannot read a version from "${version}" (${candidate} --version)`);
  return { path: candidate, version, majorVersion };
}
