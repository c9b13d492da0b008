import { conditionalArchiveCommand, conditionalRestoreCommand } from './archive-command';
import { ArchiveRepository, validateArchiveRepository } from './archive-repository';
import {
  BarmanCloudCommandOptions, barmanCloudWalArchiveCommand, barmanCloudWalRestoreCommand, validateBarmanCloudCommandOptions,
} from './barman-cloud';
import {
  PgBackRestCommandOptions, pgBackRestArchiveGetCommand, pgBackRestArchivePushCommand, validatePgBackRestCommandOptions,
} from './pgbackrest-conf';
import { WalGCommandOptions, validateWalGCommandOptions, walGArchiveCommand, walGRestoreCommand } from './wal-g';
import { Archiver, PitrPolicy } from '../policy/policy';
import { ValidationOptions, Validator } from '../policy/validation';

/** Every archiver that ships WAL, in the order they are documented. */
export const ARCHIVERS: readonly Archiver[] = ['pgbackrest', 'wal-g', 'barman-cloud', 'archive-command'];

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
