import { ArchiveRepository, repositoryPrefix, validateAbsolutePath, validateArchiveRepository } from './archive-repository';
import { escapePercent, shellJoin } from './shell-quote';
import { ValidationOptions, Validator } from '../policy/validation';

/** `WALG_COMPRESSION_METHOD`. */
export type WalGCompressionMethod = 'lz4' | 'lzma' | 'zstd' | 'brotli' | 'none';

/** Every {@link WalGCompressionMethod}. */
export const WALG_COMPRESSION_METHODS: readonly WalGCompressionMethod[] = ['lz4', 'lzma', 'zstd', 'brotli', 'none'];

/** How WAL-G reads its libsodium key (`WALG_LIBSODIUM_KEY_TRANSFORM`): 32 random bytes as hex or base64. */
export type WalGLibsodiumKeyEncoding = 'hex' | 'base64';

/** Where a host's WAL-G reads its libsodium key from, written from a secret at boot and readable by `postgres` only. */
export const WALG_LIBSODIUM_KEY_FILE = '/etc/wal-g/libsodium.key';

/** Where the rendered WAL-G environment file is read from unless told otherwise. */
export const WALG_DEFAULT_CONFIG_FILE = '/etc/wal-g/wal-g.env';

/** What every WAL-G command line needs. */
export interface WalGCommandOptions {
  /**
   * The environment file, passed as `wal-g --config <file>`. WAL-G picks the file's format by its
   * extension, so it must end in `.env`.
   * @default '/etc/wal-g/wal-g.env'
   */
  readonly configFile?: string;
}

/** Options of WAL-G's environment. */
export interface WalGOptions extends WalGCommandOptions {
  /** Where WAL and base backups go. */
  readonly repository: ArchiveRepository;
  /**
   * `WALG_COMPRESSION_METHOD`.
   * @default 'zstd'
   */
  readonly compression?: WalGCompressionMethod;
  /**
   * `PGHOST`: the socket directory (or host) WAL-G connects to for `backup-push`.
   * @default '/var/run/postgresql'
   */
  readonly pgHost?: string;
  /**
   * `PGPORT`.
   * @default 5432
   */
  readonly pgPort?: number;
  /**
   * `PGUSER`: a superuser or a role with the backup privileges.
   * @default 'postgres'
   */
  readonly pgUser?: string;
  /**
   * `WALG_LIBSODIUM_KEY_PATH`: a file holding the libsodium key, so WAL-G encrypts every WAL segment and base backup
   * on the host before it is stored (and decrypts what it fetches). The key itself is never written here.
   * @default - not encrypted by WAL-G
   */
  readonly libsodiumKeyPath?: string;
  /**
   * `WALG_LIBSODIUM_KEY_TRANSFORM`: how the key file spells the 32-byte key, `hex` (`openssl rand -hex 32`) or
   * `base64` (`openssl rand -base64 32`).
   * @default 'hex'
   */
  readonly libsodiumKeyEncoding?: WalGLibsodiumKeyEncoding;
}

/** WAL-G's environment as data and as the text of its `.env` file. */
export interface RenderedWalGEnvironment {
  /** Variable names and values, in the order they are written. */
  readonly variables: Record<string, string>;
  /**
   * `NAME=value` lines (values single-quoted when they hold spaces), readable by `wal-g --config`,
   * by systemd's `EnvironmentFile=` and by `set -a; . file`.
   */
  readonly text: string;
}

/** Characters no env-file dialect (WAL-G's dotenv, systemd, sh) reads the same way inside quotes. */
const ENV_VALUE = /^[^'"\\$`\n\r\0]*$/;
const ENV_VALUE_ALLOWED = 'a value without quotes, backslashes, "$", backticks or line breaks (it goes into an env file)';
const ENV_FILE = /\.env$/;

/** Checks the configuration file, reporting under `path`. */
export function validateWalGCommandOptions(options: WalGCommandOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  if (validateAbsolutePath(validator, `${at}configFile`, options.configFile)) {
    validator.matches(`${at}configFile`, options.configFile, ENV_FILE, 'a path ending in .env (WAL-G reads the format from the extension)');
  }
}

/** Checks the environment's options, reporting under `path`. */
export function validateWalGOptions(options: WalGOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validateWalGCommandOptions(options, validator, path);
  validateArchiveRepository(options.repository, validator, `${at}repository`);
  const repo = options.repository;
  if (repo.kind === 's3' && repo.verifyTls === false) {
    validator.report({
      path: `${at}repository.verifyTls`,
      value: false,
      allowed: 'true',
      reason: 'WAL-G cannot skip certificate verification; give the endpoint a certificate the host trusts',
    });
  }
  if (repo.kind === 'posix') validator.matches(`${at}repository.path`, repo.path, ENV_VALUE, ENV_VALUE_ALLOWED);
  validator.oneOf(`${at}compression`, options.compression, WALG_COMPRESSION_METHODS);
  validator.matches(`${at}pgHost`, options.pgHost, /^[^\s'"\\$`]+$/, 'a host name, address or absolute socket directory without spaces or quotes');
  validator.integer(`${at}pgPort`, options.pgPort, 1, 65535);
  validator.matches(`${at}pgUser`, options.pgUser, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a role name of 1-63 letters, digits, "_", "$" and "-"');
  if (validateAbsolutePath(validator, `${at}libsodiumKeyPath`, options.libsodiumKeyPath)) {
    validator.matches(`${at}libsodiumKeyPath`, options.libsodiumKeyPath, ENV_VALUE, ENV_VALUE_ALLOWED);
  }
  if (options.libsodiumKeyEncoding !== undefined && options.libsodiumKeyPath === undefined) {
    validator.report({ path: `${at}libsodiumKeyEncoding`, value: options.libsodiumKeyEncoding, allowed: 'nothing unless libsodiumKeyPath is given' });
  } else {
    validator.oneOf(`${at}libsodiumKeyEncoding`, options.libsodiumKeyEncoding, ['hex', 'base64'] as const);
  }
}

function storageVariables(repo: ArchiveRepository): Record<string, string> {
  const prefix = repositoryPrefix(repo);
  const below = prefix ? `/${prefix}` : '';
  switch (repo.kind) {
    case 's3':
      return {
        WALG_S3_PREFIX: `s3://${repo.bucket}${below}`,
        AWS_REGION: repo.region,
        ...(repo.endpoint ? { AWS_ENDPOINT: repo.endpoint.replace(/\/$/, '') } : {}),
        ...(repo.uriStyle === 'path' ? { AWS_S3_FORCE_PATH_STYLE: 'true' } : {}),
        ...(repo.kmsKeyArn ? { WALG_S3_SSE: 'aws:kms', WALG_S3_SSE_KMS_ID: repo.kmsKeyArn } : {}),
      };
    case 'azure':
      return { WALG_AZ_PREFIX: `azure://${repo.container}${below}`, AZURE_STORAGE_ACCOUNT: repo.account };
    case 'posix':
      return { WALG_FILE_PREFIX: repo.path };
  }
}

function envLine(name: string, value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? `${name}=${value}` : `${name}='${value}'`;
}

/**
 * Renders WAL-G's environment: the storage prefix (`WALG_S3_PREFIX`, `WALG_AZ_PREFIX` or `WALG_FILE_PREFIX`)
 * with its region, endpoint and encryption, `WALG_COMPRESSION_METHOD`, and the connection (`PGHOST`,
 * `PGPORT`, `PGUSER`), and where the libsodium key is read from when WAL-G encrypts. Credentials are not written: WAL-G takes them from the instance role or managed
 * identity. Throws a {@link PolicyValidationError} listing every invalid option.
 */
export function renderWalGEnvironment(options: WalGOptions, validation: ValidationOptions = {}): RenderedWalGEnvironment {
  const validator = new Validator(validation);
  validateWalGOptions(options, validator);
  validator.throwIfInvalid();

  const variables: Record<string, string> = {
    ...storageVariables(options.repository),
    WALG_COMPRESSION_METHOD: options.compression ?? 'zstd',
    PGHOST: options.pgHost ?? '/var/run/postgresql',
    PGPORT: String(options.pgPort ?? 5432),
    PGUSER: options.pgUser ?? 'postgres',
    ...(options.libsodiumKeyPath ? {
      WALG_LIBSODIUM_KEY_PATH: options.libsodiumKeyPath,
      WALG_LIBSODIUM_KEY_TRANSFORM: options.libsodiumKeyEncoding ?? 'hex',
    } : {}),
  };
  const header = [
    '# WAL-G environment, read with `wal-g --config <this file>`.',
    '# Rendered by postgres-backup-constructs from the backup policy: change the policy, not this file.',
  ];
  const lines = Object.entries(variables).map(([name, value]) => envLine(name, value));
  return { variables, text: `${[...header, ...lines].join('\n')}\n` };
}

function walGArgv(options: WalGCommandOptions, args: string[], validation: ValidationOptions): string[] {
  const validator = new Validator(validation);
  validateWalGCommandOptions(options, validator);
  validator.throwIfInvalid();
  return ['wal-g', '--config', options.configFile ?? WALG_DEFAULT_CONFIG_FILE, ...args];
}

/** `archive_command` for WAL-G: `wal-g --config <file> wal-push %p`. */
export function walGArchiveCommand(options: WalGCommandOptions = {}, validation: ValidationOptions = {}): string {
  return `${escapePercent(shellJoin(walGArgv(options, ['wal-push'], validation)))} %p`;
}

/** `restore_command` for WAL-G: `wal-g --config <file> wal-fetch %f %p`. */
export function walGRestoreCommand(options: WalGCommandOptions = {}, validation: ValidationOptions = {}): string {
  return `${escapePercent(shellJoin(walGArgv(options, ['wal-fetch'], validation)))} %f %p`;
}

/** argv of `wal-g backup-push <data directory>`; `full` forces a full backup when delta backups are configured. */
export function walGBackupPushArgv(
  options: WalGCommandOptions, dataDirectory: string, full = false, validation: ValidationOptions = {},
): string[] {
  const validator = new Validator(validation);
  validateAbsolutePath(validator, 'dataDirectory', dataDirectory, true);
  validator.throwIfInvalid();
  return walGArgv(options, ['backup-push', dataDirectory, ...(full ? ['--full'] : [])], validation);
}

/** argv of `wal-g backup-fetch <target directory> <backup>`; `LATEST` is the newest backup. */
export function walGBackupFetchArgv(
  options: WalGCommandOptions, targetDirectory: string, backupName = 'LATEST', validation: ValidationOptions = {},
): string[] {
  const validator = new Validator(validation);
  validateAbsolutePath(validator, 'targetDirectory', targetDirectory, true);
  validator.matches('backupName', backupName, /^(?:LATEST|base_[0-9A-F]{24}(?:_D_[0-9A-F]{24})?)$/,
    'LATEST or a WAL-G backup name such as base_000000010000000000000003');
  validator.throwIfInvalid();
  return walGArgv(options, ['backup-fetch', targetDirectory, backupName], validation);
}

/**
 * argv of `wal-g delete retain FULL <n> --confirm`: keeps the newest `retainFull` full backups, their
 * deltas and the WAL they need, and deletes the rest.
 */
export function walGDeleteRetainArgv(options: WalGCommandOptions, retainFull = 2, validation: ValidationOptions = {}): string[] {
  const validator = new Validator(validation);
  validator.integer('retainFull', retainFull, 1, 9999999);
  validator.throwIfInvalid();
  return walGArgv(options, ['delete', 'retain', 'FULL', String(retainFull), '--confirm'], validation);
}
