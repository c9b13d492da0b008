/**
 * Argument vectors for the PostgreSQL client tools, rendered from the logical-dump policy.
 * They are arrays handed to `execve` as they are: no shell ever parses them, so a table
 * pattern or a database name can hold any character without quoting rules.
 */
import { DEFAULT_DUMP_COMPRESSION, DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS } from '../policy/default-values';
import type { DumpCompression, LogicalDumpPolicy } from '../policy/policy';
import { checkLogicalDump } from '../policy/rules/logical-dump';
import { Validator } from '../policy/validation';

/** Connection and output settings of one `pg_dump` run, beside the policy. */
export interface PgDumpArgvOptions {
  /**
   * `--dbname`: a database name or a libpq connection string / URL. Keep the password out of it
   * (pass it in `PGPASSWORD`): argv is visible to every user of the host.
   */
  readonly dbname: string;
  /**
   * `--file`: the output file, or the output directory of the directory format.
   * @default - standard output (custom format only; the directory format needs a path)
   */
  readonly file?: string;
  /**
   * `--snapshot`: an exported snapshot (`pg_export_snapshot()`) the dump reads from.
   * @default - pg_dump takes its own snapshot
   */
  readonly snapshot?: string;
  /**
   * `--verbose`: pg_dump names each table on stderr as it dumps it, which the runner turns into progress.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * `--no-sync`: do not wait for the output to reach the disk (the runner uploads each file anyway).
   * @default false
   */
  readonly noSync?: boolean;
  /**
   * Major version of the `pg_dump` that will run. Clients before 16 only take a gzip level, so
   * `gzip:N` and `none` are rendered as `N` and `0`, and `lz4`/`zstd` as `0` (the runner compresses
   * the stream; see {@link dumpCompressionPlan}). From 16 on, table
   * filters are rendered as `--table-and-children`/`--exclude-table-and-children`, so a filter naming a
   * partitioned table takes its partitions with it; before 16 the caller names the partitions itself.
   * @default - 16 or newer (`--compress=method:level` is passed as given)
   */
  readonly clientMajorVersion?: number;
}

/** Connection and output settings of one `pg_dumpall --globals-only` run. */
export interface PgDumpallGlobalsArgvOptions {
  /** `--dbname`: a libpq connection string / URL without the password. */
  readonly dbname: string;
  /**
   * `--file`: the output file.
   * @default - standard output
   */
  readonly file?: string;
  /**
   * `--no-role-passwords`: leave role passwords out, which managed services (RDS, Azure) require
   * because their users cannot read `pg_authid`.
   * @default false
   */
  readonly noRolePasswords?: boolean;
}

/** One `pg_restore` run. */
export interface PgRestoreArgvOptions {
  /** The archive: a custom-format file or a directory-format directory. */
  readonly archive: string;
  /**
   * `--list`: print the archive's table of contents instead of restoring it.
   * @default false
   */
  readonly list?: boolean;
  /**
   * `--dbname`: the database to restore into (with `create`, the database to connect to first).
   * Required unless `list`.
   * @default - none
   */
  readonly dbname?: string;
  /**
   * `--jobs`: parallel restore jobs.
   * @default 1
   */
  readonly jobs?: number;
  /**
   * `--table`: restore only these tables.
   * @default - every table
   */
  readonly tables?: string[];
  /**
   * `--clean --if-exists`: drop each object before recreating it, without failing on those that do not exist.
   * @default false
   */
  readonly clean?: boolean;
  /**
   * `--create`: create the archive's database and restore into it (with `list`: list the entries of the database
   * itself too, which pg_restore hides otherwise).
   * @default false
   */
  readonly create?: boolean;
  /**
   * `--no-owner`: do not restore ownership.
   * @default false
   */
  readonly noOwner?: boolean;
  /**
   * `--no-acl`: do not restore privileges.
   * @default false
   */
  readonly noAcl?: boolean;
  /**
   * `--exit-on-error`: stop at the first failed statement instead of counting errors and going on.
   * @default true
   */
  readonly exitOnError?: boolean;
  /**
   * `--verbose`.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * `--use-list`: a file naming, one a line, the dump ids of the archive's entries to restore (in that order).
   * @default - every entry
   */
  readonly useList?: string;
  /**
   * `--file`: write the SQL script that restores the entries to this file (`-` for stdout) instead of connecting to a
   * database, so that psql can run it and report what each statement did (the rows each `COPY` loaded).
   * @default - restore into `dbname`
   */
  readonly scriptFile?: string;
}

/** A compression program the runner streams pg_dump's output through, for methods an older pg_dump lacks. */
export interface StreamCompression {
  /** The program and the manifest's name for the wrapping: `zstd` or `lz4`. */
  readonly method: 'zstd' | 'lz4';
  /** Its level (`-N`). */
  readonly level: number;
}

/** How a dump is compressed with a given client: by pg_dump itself, or by a program its uncompressed output is streamed through. */
export interface DumpCompressionPlan {
  /** The `--compress` value for pg_dump. */
  readonly pgDumpCompress: string;
  /**
   * The program that compresses pg_dump's uncompressed output as it streams, when pg_dump cannot
   * (zstd or lz4 with a client before 16).
   * @default - none: pg_dump compresses (or nothing does)
   */
  readonly stream?: StreamCompression;
}

/** The level of a method written without one (`--compress zstd`): the program's own default, which pg_dump 16 uses for zstd too. */
const STREAM_DEFAULT_LEVELS: Record<StreamCompression['method'], number> = { zstd: 3, lz4: 1 };

/**
 * Decides who compresses a dump. Clients before 16 take only a gzip level, so method syntax is
 * translated where it means the same; zstd and lz4 become `--compress=0` and a program the runner
 * streams the archive through. Clients 16 and newer are given the method as written. The value is
 * checked with the policy (`pgDumpArgv` checks it too).
 */
export function dumpCompressionPlan(compression: DumpCompression = DEFAULT_DUMP_COMPRESSION, clientMajorVersion?: number): DumpCompressionPlan {
  const text = String(compression);
  if (clientMajorVersion === undefined || clientMajorVersion >= 16) return { pgDumpCompress: text };
  if (text === 'none') return { pgDumpCompress: '0' };
  const gzip = /^gzip(?::(\d))?$/.exec(text);
  if (gzip) return { pgDumpCompress: gzip[1] ?? '6' };
  const method = /^(zstd|lz4)(?::(\d+))?$/.exec(text);
  if (method) {
    const name = method[1] as StreamCompression['method'];
    return { pgDumpCompress: '0', stream: { method: name, level: method[2] === undefined ? STREAM_DEFAULT_LEVELS[name] : Number(method[2]) } };
  }
  return { pgDumpCompress: text };
}

/** The `--compress` value for a client of the given major version (see {@link dumpCompressionPlan}). */
export function pgDumpCompressArgument(compression: DumpCompression, clientMajorVersion?: number): string {
  return dumpCompressionPlan(compression, clientMajorVersion).pgDumpCompress;
}

/**
 * The argv (without the program name) of `pg_dump` for a policy.
 * @throws PolicyValidationError when the policy cannot be rendered (e.g. `jobs > 1` with the custom format).
 */
export function pgDumpArgv(policy: LogicalDumpPolicy, options: PgDumpArgvOptions): string[] {
  const validator = new Validator();
  // The policy's own rules, so the runner refuses exactly what policy validation refuses.
  checkLogicalDump(validator, policy);
  const format = policy.format ?? 'custom';
  if (format === 'directory' && !options.file) {
    validator.report({ path: 'file', value: options.file, allowed: 'an output directory', reason: 'the directory format cannot write to standard output' });
  }
  validator.throwIfInvalid();

  const argv = [`--format=${format}`];
  argv.push(`--compress=${dumpCompressionPlan(policy.compression, options.clientMajorVersion).pgDumpCompress}`);
  if ((policy.jobs ?? 1) > 1) argv.push(`--jobs=${policy.jobs}`);
  // pg_dump 16 follows a filter to the partitions (and inheritance children) of the tables it names; before 16
  // --table selects a partitioned table without its partitions, i.e. without any of its rows.
  const withChildren = (options.clientMajorVersion ?? 16) >= 16 ? '-and-children' : '';
  for (const table of policy.tables ?? []) argv.push(`--table${withChildren}=${table}`);
  for (const table of policy.excludeTables ?? []) argv.push(`--exclude-table${withChildren}=${table}`);
  for (const schema of policy.schemas ?? []) argv.push(`--schema=${schema}`);
  for (const schema of policy.excludeSchemas ?? []) argv.push(`--exclude-schema=${schema}`);
  if (policy.schemaOnly) argv.push('--schema-only');
  if (policy.dataOnly) argv.push('--data-only');
  if (policy.noOwner) argv.push('--no-owner');
  if (policy.noAcl) argv.push('--no-acl');
  // pg_dump sends this value to SET lock_timeout, whose bare unit is milliseconds.
  const lockWaitMs = Math.round((policy.lockWaitTimeoutSeconds ?? DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS) * 1000);
  argv.push(`--lock-wait-timeout=${lockWaitMs}`);
  if (options.snapshot) argv.push(`--snapshot=${options.snapshot}`);
  if (options.verbose) argv.push('--verbose');
  if (options.noSync) argv.push('--no-sync');
  if (options.file) argv.push(`--file=${options.file}`);
  argv.push(`--dbname=${options.dbname}`);
  return argv;
}

/** The argv (without the program name) of `pg_dumpall --globals-only`: roles and tablespaces. */
export function pgDumpallGlobalsArgv(options: PgDumpallGlobalsArgvOptions): string[] {
  const argv = ['--globals-only'];
  if (options.noRolePasswords) argv.push('--no-role-passwords');
  if (options.file) argv.push(`--file=${options.file}`);
  argv.push(`--dbname=${options.dbname}`);
  return argv;
}

/**
 * The argv (without the program name) of `pg_restore`.
 * @throws PolicyValidationError for combinations pg_restore refuses (no target database, `jobs` out of range).
 */
export function pgRestoreArgv(options: PgRestoreArgvOptions): string[] {
  const validator = new Validator();
  validator.integer('jobs', options.jobs, 1, 64);
  validator.nonEmptyStrings('tables', options.tables);
  if (!options.list && !options.dbname && options.scriptFile === undefined) {
    validator.report({ path: 'dbname', value: options.dbname, allowed: 'a database to restore into', reason: 'only a --list run or a script needs no database' });
  }
  if (options.scriptFile !== undefined && (options.jobs ?? 1) > 1) {
    validator.report({ path: 'jobs', value: options.jobs, allowed: '1', reason: 'pg_restore writes a script with one job only' });
  }
  validator.throwIfInvalid();

  if (options.list) return options.create ? ['--list', '--create', options.archive] : ['--list', options.archive];
  const argv = [options.scriptFile === undefined ? `--dbname=${options.dbname}` : `--file=${options.scriptFile}`];
  if ((options.jobs ?? 1) > 1) argv.push(`--jobs=${options.jobs}`);
  for (const table of options.tables ?? []) argv.push(`--table=${table}`);
  if (options.clean) argv.push('--clean', '--if-exists');
  if (options.create) argv.push('--create');
  if (options.noOwner) argv.push('--no-owner');
  if (options.noAcl) argv.push('--no-acl');
  if (options.exitOnError ?? true) argv.push('--exit-on-error');
  if (options.verbose) argv.push('--verbose');
  if (options.useList !== undefined) argv.push(`--use-list=${options.useList}`);
  argv.push(options.archive);
  return argv;
}
