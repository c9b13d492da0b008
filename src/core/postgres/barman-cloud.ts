import { ArchiveRepository, repositoryPrefix, validateAbsolutePath, validateArchiveRepository } from './archive-repository';
import { escapePercent, shellJoin } from './shell-quote';
import { ValidationOptions, Validator } from '../policy/validation';

/** How barman-cloud compresses WAL and base backups: `--gzip`, `--bzip2`, `--snappy`, or not at all. */
export type BarmanCloudCompression = 'gzip' | 'bzip2' | 'snappy' | 'none';

/** Every {@link BarmanCloudCompression}. */
export const BARMAN_CLOUD_COMPRESSIONS: readonly BarmanCloudCompression[] = ['gzip', 'bzip2', 'snappy', 'none'];

/** What the barman-cloud WAL commands need besides the repository. */
export interface BarmanCloudCommandOptions {
  /**
   * The server name barman-cloud files this cluster's backups and WAL under.
   * @default 'main'
   */
  readonly serverName?: string;
  /**
   * Compression of WAL and base backups (`snappy` needs the python-snappy module on the host).
   * @default 'gzip'
   */
  readonly compression?: BarmanCloudCompression;
  /**
   * `--credential` for Azure: `managed-identity` or `azure-cli`.
   * @default - from the environment (`AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_KEY`, …), then Azure's default chain
   */
  readonly azureCredential?: 'azure-cli' | 'managed-identity';
}

/**
 * barman-cloud's options. barman-cloud stores only in object storage (S3 or Azure). An S3 `kmsKeyArn`
 * is applied by the bucket's default encryption: barman-cloud 3.4 has no flag naming the key.
 */
export interface BarmanCloudOptions extends BarmanCloudCommandOptions {
  /** Where WAL and base backups go: an S3 or Azure repository. */
  readonly repository: ArchiveRepository;
}

/** Options of `barman-cloud-backup`. */
export interface BarmanCloudBackupOptions {
  /**
   * `--host`: socket directory or host of the cluster.
   * @default - libpq's default
   */
  readonly pgHost?: string;
  /**
   * `--port`.
   * @default - libpq's default (5432)
   */
  readonly pgPort?: number;
  /**
   * `--user`.
   * @default - libpq's default (the OS user)
   */
  readonly pgUser?: string;
  /**
   * `--immediate-checkpoint`: start at once rather than at the next scheduled checkpoint.
   * @default true
   */
  readonly immediateCheckpoint?: boolean;
  /**
   * `--jobs`: parallel uploads (1–64).
   * @default - barman-cloud's default (2)
   */
  readonly jobs?: number;
  /**
   * `--name`: a name to restore or delete the backup by.
   * @default - none (the backup id only)
   */
  readonly name?: string;
}

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const WORD = /^[^\s'"\\]+$/;

/**
 * Checks the barman-cloud options, reporting under `path`; problems of the repository that only
 * barman-cloud has (a directory repository, skipped TLS verification) are reported under `repositoryPath`.
 */
export function validateBarmanCloudCommandOptions(
  options: BarmanCloudOptions, validator: Validator, path = '', repositoryPath = path ? `${path}.repository` : 'repository',
): void {
  const at = path ? `${path}.` : '';
  const repo = options.repository;
  if (repo?.kind === 'posix') {
    validator.report({ path: `${repositoryPath}.kind`, value: 'posix', allowed: 'one of: s3, azure', reason: 'barman-cloud stores only in object storage' });
  }
  if (repo?.kind === 's3' && repo.verifyTls === false) {
    validator.report({
      path: `${repositoryPath}.verifyTls`,
      value: false,
      allowed: 'true',
      reason: 'barman-cloud cannot skip certificate verification; give the endpoint a certificate the host trusts',
    });
  }
  validator.matches(`${at}serverName`, options.serverName, SERVER_NAME, '1-64 letters, digits, ".", "_" and "-", starting with a letter or digit');
  validator.oneOf(`${at}compression`, options.compression, BARMAN_CLOUD_COMPRESSIONS);
  validator.oneOf(`${at}azureCredential`, options.azureCredential, ['azure-cli', 'managed-identity'] as const);
}

/** Checks the repository and the barman-cloud options, reporting under `path`. */
export function validateBarmanCloudOptions(options: BarmanCloudOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validateArchiveRepository(options.repository, validator, `${at}repository`);
  validateBarmanCloudCommandOptions(options, validator, path);
}

function validated(options: BarmanCloudOptions, extra?: (validator: Validator) => void, validation: ValidationOptions = {}): void {
  const validator = new Validator(validation);
  validateBarmanCloudOptions(options, validator);
  extra?.(validator);
  validator.throwIfInvalid();
}

/**
 * The URL barman-cloud takes as source or destination: `s3://<bucket>/<prefix>`, or
 * `https://<account>.blob.core.windows.net/<container>/<prefix>`.
 */
export function barmanCloudUrl(repo: ArchiveRepository): string {
  const prefix = repositoryPrefix(repo);
  const below = prefix ? `/${prefix}` : '';
  switch (repo.kind) {
    case 's3': return `s3://${repo.bucket}${below}`;
    case 'azure': return `https://${repo.account}.blob.core.windows.net/${repo.container}${below}`;
    case 'posix': throw new Error('barman-cloud stores only in object storage (s3 or azure)');
  }
}

function providerArgs(options: BarmanCloudOptions): string[] {
  const repo = options.repository;
  if (repo.kind === 's3') return ['--cloud-provider', 'aws-s3', ...(repo.endpoint ? ['--endpoint-url', repo.endpoint] : [])];
  return ['--cloud-provider', 'azure-blob-storage', ...(options.azureCredential ? ['--credential', options.azureCredential] : [])];
}

function compressionArgs(options: BarmanCloudCommandOptions): string[] {
  const compression = options.compression ?? 'gzip';
  return compression === 'none' ? [] : [`--${compression}`];
}

function location(options: BarmanCloudOptions): string[] {
  return [barmanCloudUrl(options.repository), options.serverName ?? 'main'];
}

/** argv of `barman-cloud-wal-archive … <url> <server> <walPath>`. */
export function barmanCloudWalArchiveArgv(options: BarmanCloudOptions, walPath: string, validation: ValidationOptions = {}): string[] {
  validated(options, undefined, validation);
  return ['barman-cloud-wal-archive', ...providerArgs(options), ...compressionArgs(options), ...location(options), walPath];
}

/** argv of `barman-cloud-wal-restore … <url> <server> <walName> <walDestination>`. */
export function barmanCloudWalRestoreArgv(
  options: BarmanCloudOptions, walName: string, walDestination: string, validation: ValidationOptions = {},
): string[] {
  validated(options, undefined, validation);
  return ['barman-cloud-wal-restore', ...providerArgs(options), ...location(options), walName, walDestination];
}

/** `archive_command` for barman-cloud: `barman-cloud-wal-archive … <url> <server> %p`. */
export function barmanCloudWalArchiveCommand(options: BarmanCloudOptions, validation: ValidationOptions = {}): string {
  const argv = barmanCloudWalArchiveArgv(options, '', validation).slice(0, -1);
  return `${escapePercent(shellJoin(argv))} %p`;
}

/** `restore_command` for barman-cloud: `barman-cloud-wal-restore … <url> <server> %f %p`. */
export function barmanCloudWalRestoreCommand(options: BarmanCloudOptions, validation: ValidationOptions = {}): string {
  const argv = barmanCloudWalRestoreArgv(options, '', '', validation).slice(0, -2);
  return `${escapePercent(shellJoin(argv))} %f %p`;
}

/** argv of `barman-cloud-backup`: a base backup of the running cluster, streamed to the repository. */
export function barmanCloudBackupArgv(
  options: BarmanCloudOptions, backup: BarmanCloudBackupOptions = {}, validation: ValidationOptions = {},
): string[] {
  validated(options, (validator) => {
    validator.matches('pgHost', backup.pgHost, WORD, 'a host name, address or socket directory without spaces or quotes');
    validator.integer('pgPort', backup.pgPort, 1, 65535);
    validator.matches('pgUser', backup.pgUser, /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a role name of 1-63 letters, digits, "_", "$" and "-"');
    validator.oneOf('immediateCheckpoint', backup.immediateCheckpoint, [true, false]);
    validator.integer('jobs', backup.jobs, 1, 64);
    validator.matches('name', backup.name, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, '1-100 letters, digits, ".", "_" and "-"');
  }, validation);
  return [
    'barman-cloud-backup',
    ...providerArgs(options),
    ...compressionArgs(options),
    ...((backup.immediateCheckpoint ?? true) ? ['--immediate-checkpoint'] : []),
    ...(backup.pgHost ? ['--host', backup.pgHost] : []),
    ...(backup.pgPort !== undefined ? ['--port', String(backup.pgPort)] : []),
    ...(backup.pgUser ? ['--user', backup.pgUser] : []),
    ...(backup.jobs !== undefined ? ['--jobs', String(backup.jobs)] : []),
    ...(backup.name ? ['--name', backup.name] : []),
    ...location(options),
  ];
}

/** argv of `barman-cloud-restore … <url> <server> <backupId> <recoveryDirectory>`; `backupId` is a backup id or name. */
export function barmanCloudRestoreArgv(
  options: BarmanCloudOptions, backupId: string, recoveryDirectory: string, validation: ValidationOptions = {},
): string[] {
  validated(options, (validator) => {
    if (backupId === undefined) validator.report({ path: 'backupId', value: backupId, allowed: 'a backup id (YYYYMMDDThhmmss) or backup name' });
    validator.matches('backupId', backupId, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a backup id (YYYYMMDDThhmmss) or backup name');
    validateAbsolutePath(validator, 'recoveryDirectory', recoveryDirectory, true);
  }, validation);
  return ['barman-cloud-restore', ...providerArgs(options), ...location(options), backupId, recoveryDirectory];
}

/**
 * argv of `barman-cloud-backup-delete --retention-policy "REDUNDANCY <n>"`: keeps the newest `retainFull`
 * backups and the WAL they need, and deletes the rest.
 */
export function barmanCloudBackupDeleteArgv(options: BarmanCloudOptions, retainFull = 2, validation: ValidationOptions = {}): string[] {
  validated(options, (validator) => validator.integer('retainFull', retainFull, 1, 9999999), validation);
  return ['barman-cloud-backup-delete', ...providerArgs(options), '--retention-policy', `REDUNDANCY ${retainFull}`, ...location(options)];
}
