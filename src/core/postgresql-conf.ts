import { conditionalArchiveCommand, conditionalRestoreCommand } from './archive-command';
import { ArchiveRepository, validateArchiveRepository } from './archive-repository';
import {
  BarmanCloudCommandOptions, barmanCloudWalArchiveCommand, barmanCloudWalRestoreCommand, validateBarmanCloudCommandOptions,
} from './barman-cloud';
import {
  PgBackRestCommandOptions, pgBackRestArchiveGetCommand, pgBackRestArchivePushCommand, validatePgBackRestCommandOptions,
} from './pgbackrest-conf';
import { Archiver, PitrPolicy } from './policy';
import { ValidationOptions, Validator } from './validation';
import { WalGCommandOptions, validateWalGCommandOptions, walGArchiveCommand, walGRestoreCommand } from './wal-g';

/** One `name = value` line of `postgresql.conf`. */
export interface PostgresSetting {
  /** Parameter name, e.g. `archive_mode`. */
  readonly name: string;
  /** Value: strings are quoted when PostgreSQL needs it, booleans become `on`/`off`. */
  readonly value: string | number | boolean;
}

/** Settings as ordered data and as the text of a `postgresql.conf` block. */
export interface RenderedPostgresSettings {
  /** The settings, in the order they are written. */
  readonly settings: PostgresSetting[];
  /** A header comment and one `name = value` line a setting, ending with a newline. */
  readonly text: string;
}

/** Every archiver that ships WAL, in the order they are documented. */
export const ARCHIVERS: readonly Archiver[] = ['pgbackrest', 'wal-g', 'barman-cloud', 'archive-command'];

/**
 * Writes a value the way `postgresql.conf` reads it: numbers and simple identifiers bare, everything
 * else in single quotes with `'` doubled and `\` doubled (the file's parser reads backslash escapes
 * inside quotes, so a lone backslash would be lost).
 */
export function formatPostgresSettingValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return String(value);
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Renders settings as `postgresql.conf` lines below a `#` header (each header line is commented). */
export function renderPostgresSettings(settings: readonly PostgresSetting[], header: readonly string[] = []): string {
  const lines = [
    ...header.map((line) => `# ${line}`.trimEnd()),
    ...settings.map((setting) => `${setting.name} = ${formatPostgresSettingValue(setting.value)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** What an archiver needs to name the WAL archive in `archive_command` and `restore_command`. */
export interface WalArchiverOptions {
  /** Where WAL goes. */
  readonly repository: ArchiveRepository;
  /**
   * The PITR policy; its `archiver` picks the commands and its `archiveTimeoutSeconds` sets `archive_timeout`.
   * @default - the defaults of PitrPolicy (pgBackRest, 60 s)
   */
  readonly pitr?: PitrPolicy;
  /**
   * pgBackRest's stanza and configuration file, for the `pgbackrest` archiver.
   * @default - stanza `main`, `/etc/pgbackrest/pgbackrest.conf`
   */
  readonly pgBackRest?: PgBackRestCommandOptions;
  /**
   * WAL-G's configuration file, for the `wal-g` archiver.
   * @default - `/etc/wal-g/wal-g.env`
   */
  readonly walG?: WalGCommandOptions;
  /**
   * barman-cloud's server name and compression, for the `barman-cloud` archiver.
   * @default - server `main`, gzip
   */
  readonly barmanCloud?: BarmanCloudCommandOptions;
}

/** The pair of shell commands PostgreSQL runs to archive and to fetch one WAL segment. */
export interface WalArchiverCommands {
  /** The archiver they belong to. */
  readonly archiver: Archiver;
  /** `archive_command`, with `%p` (path of the segment) and `%f` (its file name) for PostgreSQL to fill in. */
  readonly archiveCommand: string;
  /** `restore_command`, with `%f` (segment wanted) and `%p` (where to put it). */
  readonly restoreCommand: string;
}

/** The archiver chosen by the policy (`pitr.archiver`), pgBackRest when none is. */
export function archiverOf(options: Pick<WalArchiverOptions, 'pitr'>): Archiver {
  return options.pitr?.archiver ?? 'pgbackrest';
}

/** Checks the repository and the chosen archiver's options, reporting under `path` (e.g. `pitr`). */
export function validateWalArchiverOptions(options: WalArchiverOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  const archiver = archiverOf(options);
  validateArchiveRepository(options.repository, validator, `${at}repository`);
  if (!validator.oneOf(`${at}pitr.archiver`, archiver, ARCHIVERS)) return;
  switch (archiver) {
    case 'pgbackrest':
      validatePgBackRestCommandOptions(options.pgBackRest ?? {}, validator, `${at}pgBackRest`);
      return;
    case 'wal-g':
      validateWalGCommandOptions(options.walG ?? {}, validator, `${at}walG`);
      return;
    case 'barman-cloud':
      validateBarmanCloudCommandOptions({ repository: options.repository, ...options.barmanCloud }, validator, `${at}barmanCloud`,
        `${at}repository`);
      return;
    case 'archive-command':
      return;
  }
}

/**
 * The `archive_command` and `restore_command` of the policy's archiver, ready for `postgresql.conf`
 * (a user's `%` is already escaped as `%%`). Throws a {@link PolicyValidationError} for invalid options.
 */
export function walArchiverCommands(options: WalArchiverOptions, validation: ValidationOptions = {}): WalArchiverCommands {
  const archiver = archiverOf(options);
  switch (archiver) {
    case 'pgbackrest':
      return {
        archiver,
        archiveCommand: pgBackRestArchivePushCommand(options.pgBackRest, validation),
        restoreCommand: pgBackRestArchiveGetCommand(options.pgBackRest, validation),
      };
    case 'wal-g':
      return {
        archiver,
        archiveCommand: walGArchiveCommand(options.walG, validation),
        restoreCommand: walGRestoreCommand(options.walG, validation),
      };
    case 'barman-cloud': {
      const barman = { repository: options.repository, ...options.barmanCloud };
      return {
        archiver,
        archiveCommand: barmanCloudWalArchiveCommand(barman, validation),
        restoreCommand: barmanCloudWalRestoreCommand(barman, validation),
      };
    }
    case 'archive-command':
      return {
        archiver,
        archiveCommand: conditionalArchiveCommand(options.repository, validation),
        restoreCommand: conditionalRestoreCommand(options.repository, validation),
      };
  }
  throw new Error(`unknown archiver ${JSON.stringify(archiver)}`);
}

/** Options of the `postgresql.conf` block that turns WAL archiving on. */
export interface ArchiveSettingsOptions extends WalArchiverOptions {
  /**
   * `max_wal_senders`: replication connections, which `pg_basebackup -Xs` and standbys use (two per `pg_basebackup`).
   * @default 10
   */
  readonly maxWalSenders?: number;
}

const DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 60;
const DEFAULT_MAX_WAL_SENDERS = 10;

/** Checks the archive block's options, reporting under `path`. */
export function validateArchiveSettingsOptions(options: ArchiveSettingsOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validateWalArchiverOptions(options, validator, path);
  const timeout = options.pitr?.archiveTimeoutSeconds;
  // The same bounds and wording as the policy rule (rules/pitr.ts), so a renderer called on its own
  // refuses exactly what policy validation refuses; 0 turns archive_timeout off.
  if (options.pitr?.allowArchiveTimeoutOutsideRange) {
    validator.integer(`${at}pitr.archiveTimeoutSeconds`, timeout, 0, 1073741823, 'seconds');
  } else {
    validator.integer(`${at}pitr.archiveTimeoutSeconds`, timeout, 30, 3600, 'seconds (or set allowArchiveTimeoutOutsideRange)');
  }
  validator.integer(`${at}maxWalSenders`, options.maxWalSenders, 0, 262143);
}

/**
 * Renders the `postgresql.conf` block that archives every WAL segment with the policy's archiver:
 * `wal_level`, `archive_mode`, `archive_command`, `archive_timeout` and `max_wal_senders`, under a
 * header saying it was rendered. Throws a {@link PolicyValidationError} listing every invalid option.
 */
export function renderArchiveSettings(options: ArchiveSettingsOptions, validation: ValidationOptions = {}): RenderedPostgresSettings {
  const validator = new Validator(validation);
  validateArchiveSettingsOptions(options, validator);
  validator.throwIfInvalid();

  const commands = walArchiverCommands(options, validation);
  const settings: PostgresSetting[] = [
    { name: 'wal_level', value: 'replica' },
    { name: 'archive_mode', value: 'on' },
    { name: 'archive_command', value: commands.archiveCommand },
    { name: 'archive_timeout', value: options.pitr?.archiveTimeoutSeconds ?? DEFAULT_ARCHIVE_TIMEOUT_SECONDS },
    { name: 'max_wal_senders', value: options.maxWalSenders ?? DEFAULT_MAX_WAL_SENDERS },
  ];
  const header = [
    `WAL archiving for point-in-time recovery (archiver: ${commands.archiver}).`,
    'Rendered by postgres-backup-constructs from the backup policy: change the policy, not these lines.',
  ];
  return { settings, text: renderPostgresSettings(settings, header) };
}
