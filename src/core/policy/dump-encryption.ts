import { Validator } from './validation';

/** The runner's environment variable with the age recipients of `pg-backup dump` (comma-separated public keys). */
export const AGE_RECIPIENTS_ENV = 'PG_BACKUP_AGE_RECIPIENTS';
/** The runner's environment variable holding the age identity (`AGE-SECRET-KEY-1…`) of `verify` and `restore`. */
export const AGE_IDENTITY_ENV = 'PG_BACKUP_AGE_IDENTITY';
/** The runner's environment variable naming a file with the age identity, as `age-keygen` writes it. */
export const AGE_IDENTITY_FILE_ENV = 'PG_BACKUP_AGE_IDENTITY_FILE';

/**
 * An age public key: an X25519 recipient (`age1` and 58 bech32 characters, as `age-keygen` prints it) or a
 * post-quantum hybrid one (`age1pq1…`). The runner checks the checksum too, with the age library.
 */
export const AGE_RECIPIENT_PATTERN = /^age1(?:[02-9ac-hj-np-z]{58}|pq1[02-9ac-hj-np-z]{100,})$/;

/** How {@link AGE_RECIPIENT_PATTERN} reads in a validation message. */
export const AGE_RECIPIENT_ALLOWED = 'an age public key (age1 and 58 lowercase bech32 characters, as age-keygen prints it)';

/**
 * Public-key encryption of every object of a dump with age, after compression. The dump task holds only these public
 * keys, so neither it nor a reader of the bucket can read a backup back; the front ends add the secret holding the
 * identity, which only the restore drill (and restore roles) may read.
 */
export interface DumpEncryptionOptions {
  /** The age public keys (`age1…`) every object is encrypted to; any one of their identities decrypts a backup. */
  readonly recipients: string[];
}

/** Checks the recipients: at least one, each an age public key; reported at `path` (`encryption`). */
export function checkDumpEncryption(validator: Validator, encryption: DumpEncryptionOptions | undefined, path = 'encryption'): void {
  if (encryption === undefined || validator.isUnresolved(encryption)) return;
  if (validator.deferredOrRefused(`${path}.recipients`, encryption.recipients, 'a list of age public keys (age1…, as age-keygen prints them)')) return;
  const recipients = encryption.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0) {
    validator.report({ path: `${path}.recipients`, value: recipients, allowed: 'at least one age public key (age1…, as age-keygen prints it)' });
    return;
  }
  recipients.forEach((recipient, index) => validator.matches(`${path}.recipients[${index}]`, recipient, AGE_RECIPIENT_PATTERN, AGE_RECIPIENT_ALLOWED));
}

/** The dump container's environment for `encryption`: the recipients, which are public (none without encryption). */
export function dumpEncryptionEnvironment(encryption: DumpEncryptionOptions | undefined): Record<string, string> {
  return encryption ? { [AGE_RECIPIENTS_ENV]: encryption.recipients.join(',') } : {};
}

/** What a drill of encrypted dumps is given to decrypt them, as a front end tells {@link checkDrillIdentitySecret}. */
export interface DrillIdentitySecret {
  /** Whether the front end was given the secret holding the age identity. */
  readonly given: boolean;
  /** Its path in the props as the user wrote it, e.g. `encryption.identitySecret`. */
  readonly path: string;
  /** What drills the dumps, e.g. `verification drills the dumps`: the first words of the reason. */
  readonly drilledBy: string;
}

/**
 * Encrypted dumps are drilled only with the identity that decrypts them: reports the identity secret's path when dumps
 * are encrypted, something drills them and no secret was given (a drill without it would fail on every run).
 */
export function checkDrillIdentitySecret(
  validator: Validator, encryption: DumpEncryptionOptions | undefined, drilled: boolean, secret: DrillIdentitySecret,
): void {
  if (encryption === undefined || !drilled || secret.given) return;
  validator.report({
    path: secret.path,
    value: undefined,
    allowed: 'a secret holding the age identity (AGE-SECRET-KEY-1…) of one of the recipients',
    reason: `${secret.drilledBy}, which are encrypted with age, so the drills cannot read them without it`,
  }, []);
}
