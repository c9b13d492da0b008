import { PostgresSetting, RenderedPostgresSettings, renderPostgresSettings } from './postgres-settings';
import { WalArchiverOptions, validateWalArchiverOptions, walArchiverCommands } from './wal-archiver';
import { DEFAULT_ARCHIVE_TIMEOUT_SECONDS } from '../policy/defaults';
import { checkArchiveTimeout } from '../policy/rules/pitr';
import { ValidationOptions, Validator } from '../policy/validation';

/** Options of the `postgresql.conf` block that turns WAL archiving on. */
export interface ArchiveSettingsOptions extends WalArchiverOptions {
  /**
   * `max_wal_senders`: replication connections, which `pg_basebackup -Xs` and standbys use (two per `pg_basebackup`).
   * @default 10
   */
  readonly maxWalSenders?: number;
}

const DEFAULT_MAX_WAL_SENDERS = 10;

/** Checks the archive block's options, reporting under `path`. */
export function validateArchiveSettingsOptions(options: ArchiveSettingsOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  validateWalArchiverOptions(options, validator, path);
  // The policy's own rule, so a renderer called on its own refuses exactly what policy validation refuses.
  if (options.pitr) checkArchiveTimeout(validator, `${at}pitr`, options.pitr);
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
