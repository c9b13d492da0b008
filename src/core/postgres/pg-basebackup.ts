import { validateAbsolutePath } from './archive-repository';
import { ValidationOptions, Validator } from '../policy/validation';

/** Options of a `pg_basebackup` run, the base backup of hosts without pgBackRest. */
export interface PgBaseBackupOptions {
  /** Directory the backup is written to (`-D`); it must be empty or not exist yet. */
  readonly targetDirectory: string;
  /**
   * `--label` recorded in the backup's `backup_label`.
   * @default 'pg_basebackup base backup'
   */
  readonly label?: string;
  /**
   * `--checkpoint`: `fast` starts at once, `spread` waits for a checkpoint paced like a scheduled one.
   * @default 'fast'
   */
  readonly checkpoint?: 'fast' | 'spread';
  /**
   * `-z`: gzip each tar file.
   * @default true
   */
  readonly compress?: boolean;
  /**
   * `-P`: report progress.
   * @default true
   */
  readonly progress?: boolean;
  /**
   * `--host`: socket directory or host.
   * @default - libpq's default
   */
  readonly host?: string;
  /**
   * `--port`.
   * @default - libpq's default (5432)
   */
  readonly port?: number;
  /**
   * `--username`: a role with the REPLICATION attribute.
   * @default - libpq's default (the OS user)
   */
  readonly user?: string;
  /**
   * Directory of the PostgreSQL client binaries.
   * @default - `pg_basebackup` is looked up on the PATH
   */
  readonly binDir?: string;
}

/** Checks the options, reporting under `path`. */
export function validatePgBaseBackupOptions(options: PgBaseBackupOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validateAbsolutePath(validator, `${at}targetDirectory`, options.targetDirectory, true);
  validator.matches(`${at}label`, options.label, /^[^\n\r\0]{1,1023}$/, '1-1023 characters on one line');
  validator.oneOf(`${at}checkpoint`, options.checkpoint, ['fast', 'spread'] as const);
  validator.oneOf(`${at}compress`, options.compress, [true, false]);
  validator.oneOf(`${at}progress`, options.progress, [true, false]);
  validator.matches(`${at}host`, options.host, /^[^\s]+$/, 'a host name, address or socket directory without spaces');
  validator.integer(`${at}port`, options.port, 1, 65535);
  validator.matches(`${at}user`, options.user, /^[^\s]{1,63}$/, 'a role name of 1-63 characters without spaces');
  validateAbsolutePath(validator, `${at}binDir`, options.binDir);
}

/**
 * argv of `pg_basebackup -D <dir> -Ft -z -Xs -P --checkpoint=fast --label=… --no-password`: a tar-format
 * base backup with the WAL it needs streamed alongside (`-Xs`, two replication connections), never
 * prompting for a password (a scheduled job has no one to answer; use `PGPASSWORD` or `.pgpass`).
 * An argv, never a shell string. Throws a {@link PolicyValidationError} listing every invalid option.
 */
export function pgBaseBackupArgv(options: PgBaseBackupOptions, validation: ValidationOptions = {}): string[] {
  const validator = new Validator(validation);
  validatePgBaseBackupOptions(options, validator);
  validator.throwIfInvalid();
  return [
    options.binDir ? `${options.binDir}/pg_basebackup` : 'pg_basebackup',
    '-D', options.targetDirectory,
    '-Ft',
    ...((options.compress ?? true) ? ['-z'] : []),
    '-Xs',
    ...((options.progress ?? true) ? ['-P'] : []),
    `--checkpoint=${options.checkpoint ?? 'fast'}`,
    `--label=${options.label ?? 'pg_basebackup base backup'}`,
    ...(options.host ? ['--host', options.host] : []),
    ...(options.port !== undefined ? ['--port', String(options.port)] : []),
    ...(options.user ? ['--username', options.user] : []),
    '--no-password',
  ];
}
