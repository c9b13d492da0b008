import { validateAbsolutePath } from './archive-repository';
import { PostgresSetting, RenderedPostgresSettings, renderPostgresSettings } from './postgres-settings';
import {
  RecoveryTargetOptions, describeRecoveryTarget, recoveryTargetSettings, validateRecoveryTargetOptions,
} from './recovery-target';
import { WalArchiverOptions, validateWalArchiverOptions, walArchiverCommands } from './wal-archiver';
import { ValidationOptions, Validator } from '../policy/validation';

/** Options of a point-in-time recovery of a restored base backup. */
export interface RecoveryConfOptions extends RecoveryTargetOptions, WalArchiverOptions {
  /** The data directory the base backup was restored into. */
  readonly dataDirectory: string;
}

/** A file to put in the data directory before starting the server. */
export interface RecoveryFile {
  /** Absolute path. */
  readonly path: string;
  /** `append` to the file (created when missing), or `create` it with exactly this content. */
  readonly write: 'append' | 'create';
  /** The content. */
  readonly content: string;
}

/** The recovery settings, and the files that put them in place. */
export interface RenderedRecoveryConf extends RenderedPostgresSettings {
  /**
   * Steps, in order: append the settings to `postgresql.auto.conf`, then create an empty
   * `recovery.signal`, which makes the server start in targeted recovery.
   */
  readonly files: RecoveryFile[];
}

/**
 * Renders the recovery settings of a point-in-time restore: `restore_command` of the policy's archiver,
 * the target, `recovery_target_inclusive` (time, xid and lsn targets), `recovery_target_action` and
 * `recovery_target_timeline`; and the files that apply them. Throws a {@link PolicyValidationError}
 * listing every invalid option.
 */
export function renderRecoveryConf(options: RecoveryConfOptions, validation: ValidationOptions = {}): RenderedRecoveryConf {
  const validator = new Validator(validation);
  validateWalArchiverOptions(options, validator);
  validateRecoveryTargetOptions(options, validator);
  validateAbsolutePath(validator, 'dataDirectory', options.dataDirectory, true);
  validator.throwIfInvalid();

  const { archiver, restoreCommand } = walArchiverCommands(options, validation);
  const settings: PostgresSetting[] = [{ name: 'restore_command', value: restoreCommand }, ...recoveryTargetSettings(options)];
  const header = [
    `Point-in-time recovery to ${describeRecoveryTarget(options.target)} (archiver: ${archiver}).`,
    'Rendered by postgres-backup-constructs; the server starts in recovery while recovery.signal exists.',
  ];
  const text = renderPostgresSettings(settings, header);
  return {
    settings,
    text,
    files: [
      { path: `${options.dataDirectory}/postgresql.auto.conf`, write: 'append', content: text },
      { path: `${options.dataDirectory}/recovery.signal`, write: 'create', content: '' },
    ],
  };
}
