import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunnerError } from './runner-error';

/** A program the runner runs: the Debian package that installs it, and what the runner needs it for. */
interface ProgramSource {
  /** The Debian package, as `apt-get install` takes it. */
  readonly debianPackage: string;
  /** What runs it, for the message of a run that cannot find it. */
  readonly neededFor: string;
  /** Whether `PG_BIN_DIR` is where the runner looks for it (the PostgreSQL programs). */
  readonly inPgBinDir?: boolean;
}

/** Every program the runner starts. */
const PROGRAMS = {
  pg_dump: {
    debianPackage: 'postgresql-client',
    neededFor: 'dump runs it to read the database',
    inPgBinDir: true,
  },
  pg_dumpall: {
    debianPackage: 'postgresql-client',
    neededFor: 'dump --globals runs it to read the roles and tablespaces',
    inPgBinDir: true,
  },
  pg_restore: {
    debianPackage: 'postgresql-client',
    neededFor: 'dump reads back the archive it wrote with it, and verify and restore restore with it',
    inPgBinDir: true,
  },
  psql: {
    debianPackage: 'postgresql-client',
    neededFor: 'verify runs the script pg_restore writes through it, to take each table\'s row count from its COPY (without it the tables are counted)',
    inPgBinDir: true,
  },
  pg_ctl: {
    debianPackage: 'postgresql',
    neededFor: 'drill-pitr starts the recovered server with it',
    inPgBinDir: true,
  },
  zstd: {
    debianPackage: 'zstd',
    neededFor: 'the runner compresses dumps with it when pg_dump (before 16) cannot, and decompresses such backups for verify and restore',
  },
  lz4: {
    debianPackage: 'lz4',
    neededFor: 'the runner compresses dumps with it when pg_dump (before 16) cannot, and decompresses such backups for verify and restore',
  },
  pgbackrest: {
    debianPackage: 'pgbackrest',
    neededFor: 'drill-pitr and check-archive fetch base backups and WAL from the repository with it',
  },
  stdbuf: {
    debianPackage: 'coreutils',
    neededFor: 'dump runs pg_dump through it, so pg_dump writes its archive in large blocks',
  },
  fallocate: {
    debianPackage: 'util-linux',
    neededFor: 'dump --format directory frees the scratch disk behind what it has uploaded with it',
  },
  runuser: {
    debianPackage: 'util-linux',
    neededFor: 'drill-pitr runs pgBackRest and the recovered server as --os-user with it',
  },
} satisfies Record<string, ProgramSource>;

/** A program the runner starts. */
export type RequiredProgram = keyof typeof PROGRAMS;

/** Whether `name` is a program the runner knows how to have installed. */
export function isRequiredProgram(name: string): name is RequiredProgram {
  return Object.prototype.hasOwnProperty.call(PROGRAMS, name);
}

/** How the runner looks a program up: in `PG_BIN_DIR` (a PostgreSQL program, when it is set), else on `PATH`. */
function searchDirectories(program: RequiredProgram, env: NodeJS.ProcessEnv): { readonly directories: string[]; readonly where: string } {
  const binDir = (PROGRAMS[program] as ProgramSource).inPgBinDir ? env.PG_BIN_DIR : undefined;
  if (binDir) return { directories: [binDir], where: `PG_BIN_DIR (${binDir})` };
  const directories = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return { directories, where: directories.length > 0 ? `any directory of PATH (${directories.join(path.delimiter)})` : 'PATH, which is empty' };
}

/** The program a run cannot start: not installed, or not where the runner looks. */
export class MissingProgramError extends RunnerError {
  /** The program. */
  public readonly program: string;

  constructor(program: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'MissingProgramError';
    this.program = program;
  }
}

/** Options of {@link requireProgram}. */
export interface RequireProgramOptions {
  /**
   * Environment whose `PATH` (and `PG_BIN_DIR`) is searched.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * What needs it, when more precise than what the runner needs the program for in general.
   * @default - the program's general use
   */
  readonly neededFor?: string;
  /**
   * Another way out than installing it, e.g. `choose --compress gzip:6`.
   * @default - none
   */
  readonly alternative?: string;
}

/**
 * The message of a program that is missing: which program, what needs it, where the runner looked, and the Debian
 * package that installs it.
 */
export function missingProgramMessage(program: RequiredProgram, options: RequireProgramOptions = {}): string {
  const env = options.env ?? process.env;
  const source: ProgramSource = PROGRAMS[program];
  const { where } = searchDirectories(program, env);
  const pgBinDir = source.inPgBinDir
    ? (env.PG_BIN_DIR ? ', or fix PG_BIN_DIR' : ', or set PG_BIN_DIR to the directory that holds it')
    : '';
  const major = source.inPgBinDir ? ` (or ${source.debianPackage}-NN for the major version NN of the server, which it must not be older than)` : '';
  return `the ${program} program is not installed: ${options.neededFor ?? source.neededFor}; it is not in ${where}; `
    + `install ${program} with apt-get install ${source.debianPackage} (the Debian package ${source.debianPackage}${major})${pgBinDir}`
    + `${options.alternative ? `, or ${options.alternative}` : ''}`;
}

/** Where `program` is: its path in the first directory the runner searches that holds it as an executable file. */
export function locateProgram(program: RequiredProgram, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const directory of searchDirectories(program, env).directories) {
    const candidate = path.join(directory, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * Finds `program` before any work that needs it starts.
 * @returns its path
 * @throws MissingProgramError naming the program, what needs it, where the runner looked and the package to install
 */
export function requireProgram(program: RequiredProgram, options: RequireProgramOptions = {}): string {
  const found = locateProgram(program, options.env);
  if (found === undefined) throw new MissingProgramError(program, missingProgramMessage(program, options));
  return found;
}

/** `error` when it is a missing program's, with another way out than installing it (`alternative`) added; else unchanged. */
export function offeringAlternative(error: unknown, alternative: string): unknown {
  if (!(error instanceof MissingProgramError) || !isRequiredProgram(error.program)) return error;
  return new MissingProgramError(error.program, missingProgramMessage(error.program, { alternative }), { cause: error });
}
