import { ArchiveRepository, repositoryPrefix, validateAbsolutePath, validateArchiveRepository } from './archive-repository';
import { awsPartitionOf } from './aws-partitions';
import {
  RecoveryTargetOptions, normalizeRecoveryTime, recoveryTargetAcceptsInclusive, validateRecoveryTargetOptions,
} from './recovery-target';
import { escapePercent, shellJoin } from './shell-quote';
import { PitrPolicy } from '../policy/policy';
import { ValidationOptions, Validator } from '../policy/validation';

/** pgBackRest `compress-type`. `zst` and `lz4` compress fast enough to keep up with busy servers. */
export type PgBackRestCompressType = 'zst' | 'lz4' | 'gz' | 'bz2' | 'none';

/** pgBackRest log levels, least to most verbose. */
export type PgBackRestLogLevel = 'off' | 'error' | 'warn' | 'info' | 'detail' | 'debug' | 'trace';

/** pgBackRest backup types: `full` copies every file, `diff` what changed since the last full, `incr` since the last backup. */
export type PgBackRestBackupType = 'full' | 'diff' | 'incr';

/** pgBackRest `repo1-cipher-type`: `aes-256-cbc` encrypts every file of the repository on the host, before it is stored. */
export type PgBackRestCipherType = 'none' | 'aes-256-cbc';

/**
 * Where a host's pgBackRest reads `repo1-cipher-pass` when the rendered file does not hold it: pgBackRest reads every
 * `*.conf` in its default include directory beside `/etc/pgbackrest/pgbackrest.conf`.
 */
export const PGBACKREST_CIPHER_PASS_FILE = '/etc/pgbackrest/conf.d/repo1-cipher-pass.conf';

/** The environment variable pgBackRest reads `repo1-cipher-pass` from (how a task hands it over from a secret). */
export const PGBACKREST_CIPHER_PASS_ENV = 'PGBACKREST_REPO1_CIPHER_PASS';

/** Every {@link PgBackRestCompressType}. */
export const PGBACKREST_COMPRESS_TYPES: readonly PgBackRestCompressType[] = ['zst', 'lz4', 'gz', 'bz2', 'none'];

/** Every {@link PgBackRestLogLevel}. */
export const PGBACKREST_LOG_LEVELS: readonly PgBackRestLogLevel[] = ['off', 'error', 'warn', 'info', 'detail', 'debug', 'trace'];

/** pgBackRest's own configuration file location, which needs no `--config` on the command line. */
export const PGBACKREST_DEFAULT_CONFIG_FILE = '/etc/pgbackrest/pgbackrest.conf';

/** What every pgBackRest command line needs: which stanza, and which configuration file. */
export interface PgBackRestCommandOptions {
  /**
   * The stanza: pgBackRest's name for one PostgreSQL cluster in the repository.
   * @default 'main'
   */
  readonly stanza?: string;
  /**
   * Path of `pgbackrest.conf`; passed as `--config` when it is not pgBackRest's default.
   * @default '/etc/pgbackrest/pgbackrest.conf'
   */
  readonly configFile?: string;
}

/** Access keys written into `pgbackrest.conf` for an S3 repository (`repo1-s3-key-type=shared`). */
export interface PgBackRestS3Keys {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
}

/** Options of a rendered `pgbackrest.conf`. */
export interface PgBackRestConfOptions extends PgBackRestCommandOptions {
  /** Where backups and WAL go (`repo1`). */
  readonly repository: ArchiveRepository;
  /** The cluster's data directory (`pg1-path`). */
  readonly pgPath: string;
  /**
   * The cluster's port (`pg1-port`).
   * @default - not written: pgBackRest uses 5432
   */
  readonly pgPort?: number;
  /**
   * The cluster's Unix socket directory (`pg1-socket-path`).
   * @default - not written: pgBackRest looks in the distribution's usual directory
   */
  readonly pgSocketPath?: string;
  /**
   * The PITR policy: `retainFull` sets `repo1-retention-full`; `expireBy: 'lifecycle'` turns off `expire-auto`.
   * @default - the defaults of PitrPolicy
   */
  readonly pitr?: PitrPolicy;
  /**
   * `compress-type`.
   * @default 'zst'
   */
  readonly compressType?: PgBackRestCompressType;
  /**
   * `process-max`: processes compressing and transferring in parallel (1–999).
   * @default 1
   */
  readonly processMax?: number;
  /**
   * `archive-async`: push WAL in batches from a background process, so `archive_command` returns quickly.
   * @default true
   */
  readonly archiveAsync?: boolean;
  /**
   * `spool-path`: where asynchronous archiving keeps its queue; a local file system.
   * @default '/var/spool/pgbackrest'
   */
  readonly spoolPath?: string;
  /**
   * `start-fast`: force a checkpoint so a backup starts at once rather than at the next scheduled checkpoint.
   * @default true
   */
  readonly startFast?: boolean;
  /**
   * `log-level-console`.
   * @default 'info'
   */
  readonly logLevelConsole?: PgBackRestLogLevel;
  /**
   * `log-path`: directory of pgBackRest's log files.
   * @default - not written: `/var/log/pgbackrest`
   */
  readonly logPath?: string;
  /**
   * `lock-path`: directory of pgBackRest's lock files.
   * @default - not written: `/tmp/pgbackrest`
   */
  readonly lockPath?: string;
  /**
   * `repo1-s3-key-type`: `auto` takes temporary credentials from the instance role, `web-id` from a
   * Kubernetes service account, `shared` uses access keys (from `s3Keys` or the environment).
   * @default - 'shared' when `s3Keys` is given, otherwise 'auto'
   */
  readonly s3KeyType?: 'auto' | 'web-id' | 'shared';
  /**
   * Access keys for an S3 repository, written into the file (keep it readable by its owner only).
   * @default - none: instance credentials, or `PGBACKREST_REPO1_S3_KEY`/`_KEY_SECRET` in the environment
   */
  readonly s3Keys?: PgBackRestS3Keys;
  /**
   * `repo1-azure-key-type`: a shared account key or a shared access signature.
   * @default 'shared'
   */
  readonly azureKeyType?: 'shared' | 'sas';
  /**
   * The Azure key or signature, written into the file (keep it readable by its owner only).
   * @default - none: `PGBACKREST_REPO1_AZURE_KEY` in the environment
   */
  readonly azureKey?: string;
  /**
   * `repo1-cipher-type`: `aes-256-cbc` encrypts WAL, base backups and the repository's own info files with
   * `repo1-cipher-pass`, so a reader of the bucket without the pass sees none of the data.
   * @default 'none'
   */
  readonly cipherType?: PgBackRestCipherType;
  /**
   * `repo1-cipher-pass`, written into the file (keep it readable by its owner only).
   * @default - none: the pass comes from {@link PGBACKREST_CIPHER_PASS_FILE} or `PGBACKREST_REPO1_CIPHER_PASS`
   */
  readonly cipherPass?: string;
}

/** One `key=value` line of `pgbackrest.conf`. */
export interface PgBackRestOption {
  /** Option name, e.g. `repo1-type`. */
  readonly name: string;
  /** Its value as written. */
  readonly value: string;
}

/** One `[section]` of `pgbackrest.conf`. */
export interface PgBackRestSection {
  /** `global` or the stanza name. */
  readonly name: string;
  /** Its options, in the order they are written. */
  readonly options: PgBackRestOption[];
}

/** A rendered `pgbackrest.conf`, as data and as text. */
export interface RenderedPgBackRestConf {
  /** `[global]` then `[<stanza>]`. */
  readonly sections: PgBackRestSection[];
  /** The file's text, a header comment first, ending with a newline. */
  readonly text: string;
}

/** Options of `pgbackrest restore`. */
export interface PgBackRestRestoreOptions extends Partial<RecoveryTargetOptions> {
  /**
   * `--delta`: reuse matching files already in the data directory instead of requiring it empty.
   * @default false
   */
  readonly delta?: boolean;
  /**
   * `--set`: the backup label to restore from.
   * @default - the latest backup that reaches the target
   */
  readonly set?: string;
}

const STANZA = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const STANZA_ALLOWED = '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit';
const SINGLE_LINE = /^[^\s]+$/;
const BACKUP_LABEL = /^\d{8}-\d{6}F(?:_\d{8}-\d{6}[DI])?$/;

/** Checks the stanza and configuration file, reporting under `path`. */
export function validatePgBackRestCommandOptions(options: PgBackRestCommandOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validator.matches(`${at}stanza`, options.stanza, STANZA, STANZA_ALLOWED);
  validateAbsolutePath(validator, `${at}configFile`, options.configFile);
}

/** Checks every option of a `pgbackrest.conf`, reporting under `path`. */
export function validatePgBackRestConfOptions(options: PgBackRestConfOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  const repo = options.repository;
  validatePgBackRestCommandOptions(options, validator, path);
  validateArchiveRepository(repo, validator, `${at}repository`);
  if (repo.kind === 's3' && repo.endpoint !== undefined) {
    validator.matches(`${at}repository.endpoint`, repo.endpoint, /^https:/, 'an https:// URL (pgBackRest speaks to S3 only over TLS)');
  }
  validateAbsolutePath(validator, `${at}pgPath`, options.pgPath, true);
  validator.integer(`${at}pgPort`, options.pgPort, 1, 65535);
  validateAbsolutePath(validator, `${at}pgSocketPath`, options.pgSocketPath);
  validator.integer(`${at}pitr.retainFull`, options.pitr?.retainFull, 1, 9999999);
  validator.oneOf(`${at}compressType`, options.compressType, PGBACKREST_COMPRESS_TYPES);
  validator.integer(`${at}processMax`, options.processMax, 1, 999);
  validator.oneOf(`${at}archiveAsync`, options.archiveAsync, [true, false]);
  validateAbsolutePath(validator, `${at}spoolPath`, options.spoolPath);
  validator.oneOf(`${at}startFast`, options.startFast, [true, false]);
  validator.oneOf(`${at}logLevelConsole`, options.logLevelConsole, PGBACKREST_LOG_LEVELS);
  validateAbsolutePath(validator, `${at}logPath`, options.logPath);
  validateAbsolutePath(validator, `${at}lockPath`, options.lockPath);
  validateCredentials(options, validator, at);
  validateCipher(options, validator, at);
}

function validateCipher(options: PgBackRestConfOptions, validator: Validator, at: string): void {
  validator.oneOf(`${at}cipherType`, options.cipherType, ['none', 'aes-256-cbc'] as const);
  if (options.cipherPass === undefined || validator.isUnresolved(options.cipherPass)) return;
  // Never echo a secret into an error message.
  if ((options.cipherType ?? 'none') === 'none') {
    validator.report({ path: `${at}cipherPass`, value: '(hidden)', allowed: 'nothing unless cipherType is "aes-256-cbc"' }, []);
  } else if (!SINGLE_LINE.test(options.cipherPass)) {
    validator.report({ path: `${at}cipherPass`, value: '(hidden)', allowed: 'a non-empty pass without spaces' }, []);
  }
}

function validateCredentials(options: PgBackRestConfOptions, validator: Validator, at: string): void {
  const kind = options.repository.kind;
  if (options.s3KeyType !== undefined && kind !== 's3') {
    validator.report({ path: `${at}s3KeyType`, value: options.s3KeyType, allowed: 'nothing unless the repository is s3' });
  } else if (options.s3Keys !== undefined && options.s3KeyType !== undefined && options.s3KeyType !== 'shared') {
    validator.report({
      path: `${at}s3KeyType`, value: options.s3KeyType, allowed: 'shared', reason: 's3Keys are shared keys',
    }, [options.s3KeyType, options.s3Keys]);
  } else {
    validator.oneOf(`${at}s3KeyType`, options.s3KeyType, ['auto', 'web-id', 'shared'] as const);
  }
  if (options.s3Keys !== undefined) {
    if (kind !== 's3') {
      validator.report({ path: `${at}s3Keys`, value: '(keys)', allowed: 'nothing unless the repository is s3' }, []);
    } else {
      validator.matches(`${at}s3Keys.accessKeyId`, options.s3Keys.accessKeyId, SINGLE_LINE, 'a non-empty key without spaces');
      if (!SINGLE_LINE.test(options.s3Keys.secretAccessKey ?? '') && !validator.isUnresolved(options.s3Keys.secretAccessKey)) {
        // Never echo a secret into an error message.
        validator.report({ path: `${at}s3Keys.secretAccessKey`, value: '(hidden)', allowed: 'a non-empty key without spaces' }, []);
      }
    }
  }
  if (options.azureKeyType !== undefined && kind !== 'azure') {
    validator.report({ path: `${at}azureKeyType`, value: options.azureKeyType, allowed: 'nothing unless the repository is azure' });
  } else {
    validator.oneOf(`${at}azureKeyType`, options.azureKeyType, ['shared', 'sas'] as const);
  }
  if (options.azureKey !== undefined && !validator.isUnresolved(options.azureKey)) {
    if (kind !== 'azure') {
      validator.report({ path: `${at}azureKey`, value: '(hidden)', allowed: 'nothing unless the repository is azure' }, []);
    } else if (!SINGLE_LINE.test(options.azureKey)) {
      validator.report({ path: `${at}azureKey`, value: '(hidden)', allowed: 'a non-empty key without spaces' }, []);
    }
  }
}

function repositoryOptions(options: PgBackRestConfOptions): PgBackRestOption[] {
  const repo = options.repository;
  const opt = (name: string, value: string): PgBackRestOption => ({ name, value });
  switch (repo.kind) {
    case 'posix':
      return [opt('repo1-type', 'posix'), opt('repo1-path', repo.path)];
    case 's3': {
      const endpoint = repo.endpoint ? new URL(repo.endpoint) : undefined;
      const keyType = options.s3KeyType ?? (options.s3Keys ? 'shared' : 'auto');
      return [
        opt('repo1-type', 's3'),
        opt('repo1-path', `/${repositoryPrefix(repo)}`),
        opt('repo1-s3-bucket', repo.bucket),
        opt('repo1-s3-endpoint', endpoint ? endpoint.hostname : `s3.${repo.region}.${repo.dnsSuffix ?? awsPartitionOf(repo.region).dnsSuffix}`),
        ...(endpoint?.port ? [opt('repo1-storage-port', endpoint.port)] : []),
        opt('repo1-s3-region', repo.region),
        opt('repo1-s3-key-type', keyType),
        ...(options.s3Keys ? [opt('repo1-s3-key', options.s3Keys.accessKeyId), opt('repo1-s3-key-secret', options.s3Keys.secretAccessKey)] : []),
        ...(repo.kmsKeyArn ? [opt('repo1-s3-kms-key-id', repo.kmsKeyArn)] : []),
        opt('repo1-s3-uri-style', repo.uriStyle ?? 'host'),
        ...(repo.verifyTls === false ? [opt('repo1-storage-verify-tls', 'n')] : []),
      ];
    }
    case 'azure':
      return [
        opt('repo1-type', 'azure'),
        opt('repo1-path', `/${repositoryPrefix(repo)}`),
        opt('repo1-azure-account', repo.account),
        opt('repo1-azure-container', repo.container),
        opt('repo1-azure-key-type', options.azureKeyType ?? 'shared'),
        ...(options.azureKey ? [opt('repo1-azure-key', options.azureKey)] : []),
      ];
  }
}

const yesNo = (value: boolean) => (value ? 'y' : 'n');

/**
 * Renders `pgbackrest.conf`: `[global]` with the repository (`repo1-*`), retention, compression,
 * parallelism, asynchronous archiving and logging, then `[<stanza>]` with the cluster (`pg1-*`).
 * Throws a {@link PolicyValidationError} listing every invalid option.
 */
export function renderPgBackRestConf(options: PgBackRestConfOptions, validation: ValidationOptions = {}): RenderedPgBackRestConf {
  const validator = new Validator(validation);
  validatePgBackRestConfOptions(options, validator);
  validator.throwIfInvalid();

  const stanza = options.stanza ?? 'main';
  const opt = (name: string, value: string): PgBackRestOption => ({ name, value });
  const archiveAsync = options.archiveAsync ?? true;
  const global: PgBackRestOption[] = [
    ...repositoryOptions(options),
    ...(options.cipherType === 'aes-256-cbc' ? [opt('repo1-cipher-type', options.cipherType)] : []),
    ...(options.cipherType === 'aes-256-cbc' && options.cipherPass ? [opt('repo1-cipher-pass', options.cipherPass)] : []),
    opt('repo1-retention-full', String(options.pitr?.retainFull ?? 2)),
    opt('repo1-retention-full-type', 'count'),
    ...(options.pitr?.expireBy === 'lifecycle' ? [opt('expire-auto', 'n')] : []),
    opt('compress-type', options.compressType ?? 'zst'),
    opt('process-max', String(options.processMax ?? 1)),
    opt('archive-async', yesNo(archiveAsync)),
    ...(archiveAsync ? [opt('spool-path', options.spoolPath ?? '/var/spool/pgbackrest')] : []),
    opt('start-fast', yesNo(options.startFast ?? true)),
    opt('log-level-console', options.logLevelConsole ?? 'info'),
    ...(options.logPath ? [opt('log-path', options.logPath)] : []),
    ...(options.lockPath ? [opt('lock-path', options.lockPath)] : []),
  ];
  const cluster: PgBackRestOption[] = [
    opt('pg1-path', options.pgPath),
    ...(options.pgPort !== undefined ? [opt('pg1-port', String(options.pgPort))] : []),
    ...(options.pgSocketPath ? [opt('pg1-socket-path', options.pgSocketPath)] : []),
  ];
  const sections: PgBackRestSection[] = [{ name: 'global', options: global }, { name: stanza, options: cluster }];
  const header = [
    `# pgBackRest configuration for stanza "${stanza}".`,
    '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
  ];
  const body = sections.map((section) => [`[${section.name}]`, ...section.options.map((o) => `${o.name}=${o.value}`)].join('\n'));
  return { sections, text: `${header.join('\n')}\n\n${body.join('\n\n')}\n` };
}

/** `pgbackrest [--config=…] --stanza=… <command> <args…>`, the shape every pgBackRest argv here has. */
function pgBackRestArgv(options: PgBackRestCommandOptions, command: string, args: string[], validation: ValidationOptions): string[] {
  const validator = new Validator(validation);
  validatePgBackRestCommandOptions(options, validator);
  validator.throwIfInvalid();
  const configFile = options.configFile ?? PGBACKREST_DEFAULT_CONFIG_FILE;
  return [
    'pgbackrest',
    ...(configFile !== PGBACKREST_DEFAULT_CONFIG_FILE ? [`--config=${configFile}`] : []),
    `--stanza=${options.stanza ?? 'main'}`,
    command,
    ...args,
  ];
}

/** `archive_command` for pgBackRest: `pgbackrest --stanza=<stanza> archive-push %p`. */
export function pgBackRestArchivePushCommand(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string {
  return `${escapePercent(shellJoin(pgBackRestArgv(options, 'archive-push', [], validation)))} %p`;
}

/** `restore_command` for pgBackRest: `pgbackrest --stanza=<stanza> archive-get %f "%p"`. */
export function pgBackRestArchiveGetCommand(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string {
  return `${escapePercent(shellJoin(pgBackRestArgv(options, 'archive-get', [], validation)))} %f "%p"`;
}

/** argv of `pgbackrest stanza-create`, run once before the first backup. */
export function pgBackRestStanzaCreateArgv(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string[] {
  return pgBackRestArgv(options, 'stanza-create', [], validation);
}

/** argv of `pgbackrest check`: the repository is reachable and `archive_command` really archives. */
export function pgBackRestCheckArgv(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string[] {
  return pgBackRestArgv(options, 'check', [], validation);
}

/** argv of `pgbackrest backup --type=<type>`. */
export function pgBackRestBackupArgv(
  options: PgBackRestCommandOptions, type: PgBackRestBackupType, validation: ValidationOptions = {},
): string[] {
  const validator = new Validator(validation);
  validator.oneOf('type', type, ['full', 'diff', 'incr'] as const);
  validator.throwIfInvalid();
  return pgBackRestArgv(options, 'backup', [`--type=${type}`], validation);
}

/** argv of `pgbackrest expire`: removes backups and WAL past `repo1-retention-full`. */
export function pgBackRestExpireArgv(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string[] {
  return pgBackRestArgv(options, 'expire', [], validation);
}

/** argv of `pgbackrest info --output=json`, the machine-readable list of backups. */
export function pgBackRestInfoArgv(options: PgBackRestCommandOptions = {}, validation: ValidationOptions = {}): string[] {
  return pgBackRestArgv(options, 'info', ['--output=json'], validation);
}

/**
 * argv of `pgbackrest restore`; with a target, e.g. `--type=time --target=<time> --target-action=promote`.
 * Without one it replays the whole archive. Throws a {@link PolicyValidationError} for a bad target.
 */
export function pgBackRestRestoreArgv(
  options: PgBackRestCommandOptions, restore: PgBackRestRestoreOptions = {}, validation: ValidationOptions = {},
): string[] {
  const validator = new Validator(validation);
  if (restore.target !== undefined) validateRecoveryTargetOptions({ ...restore, target: restore.target }, validator);
  validator.matches('set', restore.set, BACKUP_LABEL, 'a pgBackRest backup label such as 20261124-010000F');
  validator.throwIfInvalid();

  const args: string[] = [];
  if (restore.delta) args.push('--delta');
  if (restore.set) args.push(`--set=${restore.set}`);
  const target = restore.target;
  if (target) {
    switch (target.kind) {
      case 'time': args.push('--type=time', `--target=${normalizeRecoveryTime(target.time)}`); break;
      case 'xid': args.push('--type=xid', `--target=${target.xid}`); break;
      case 'lsn': args.push('--type=lsn', `--target=${target.lsn}`); break;
      case 'name': args.push('--type=name', `--target=${target.name}`); break;
      case 'immediate': args.push('--type=immediate'); break;
    }
    if (recoveryTargetAcceptsInclusive(target) && restore.inclusive === false) args.push('--target-exclusive');
    args.push(`--target-action=${restore.action ?? 'promote'}`);
    if (restore.timeline !== undefined) args.push(`--target-timeline=${restore.timeline}`);
  }
  return pgBackRestArgv(options, 'restore', args, validation);
}
