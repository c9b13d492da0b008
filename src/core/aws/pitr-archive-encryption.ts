import { IamActionGroup } from './iam-action-groups';
import { Archiver } from '../policy/policy';
import { Validator } from '../policy/validation';
import { PGBACKREST_CIPHER_PASS_ENV, PGBACKREST_CIPHER_PASS_FILE } from '../postgres/pgbackrest-conf';
import { shellQuote } from '../postgres/shell-quote';
import { WALG_LIBSODIUM_KEY_FILE, WalGLibsodiumKeyEncoding } from '../postgres/wal-g';

/**
 * Encryption of a PITR archive's repository on the hosts, before anything is stored: pgBackRest's
 * `repo1-cipher-type=aes-256-cbc` with the pass in a Secrets Manager secret, or WAL-G's libsodium with the key in one.
 * The front ends add the secret; a reader of the bucket (or its KMS key) without the secret reads no WAL and no backup.
 */
export interface PitrArchiveEncryptionOptions {
  /**
   * How the secret spells WAL-G's 32-byte libsodium key (`WALG_LIBSODIUM_KEY_TRANSFORM`): `hex` for
   * `openssl rand -hex 32`, `base64` for `openssl rand -base64 32`. Only for `pitr.archiver: 'wal-g'`; pgBackRest takes
   * the secret's value as its `repo1-cipher-pass` as it is.
   * @default 'hex'
   */
  readonly keyEncoding?: WalGLibsodiumKeyEncoding;
}

/** The resource the hosts and the drill read the pass or key from. */
export type PitrArchiveEncryptionResourceKind =
  /** The Secrets Manager secret holding the pass (pgBackRest) or the key (WAL-G). */
  | 'encryption-secret'
  /** The KMS key of that secret, when it has one of its own (the account's `aws/secretsmanager` key needs no grant). */
  | 'encryption-secret-key';

/** What may read the pass or key: the archiving hosts' role, and the drill's execution role (which injects it). */
export const PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS: readonly IamActionGroup<PitrArchiveEncryptionResourceKind>[] = [
  {
    resource: 'encryption-secret',
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    reason: 'read the repository\'s pass or key, which never leaves the secret but into a file only postgres reads',
  },
  { resource: 'encryption-secret-key', actions: ['kms:Decrypt'], reason: 'decrypt the secret\'s value' },
];

/** How a `SelfHostedPitrArchive` encrypts its repository, decided once for every front end. */
export interface PitrArchiveEncryptionPlan {
  /** pgBackRest's `aes-256-cbc` repository cipher, or WAL-G's libsodium. */
  readonly cipher: 'aes-256-cbc' | 'libsodium';
  /** The file on the hosts the secret's value goes into at boot (owned by `postgres`, mode 0600). */
  readonly keyFile: string;
  /** How WAL-G reads the key file (WAL-G only). */
  readonly keyEncoding?: WalGLibsodiumKeyEncoding;
  /** The environment variable the drill task receives the pass in, from the secret (pgBackRest only). */
  readonly drillEnvironmentVariable?: string;
  /** Who reads the secret: the hosts' role and the drill's execution role. */
  readonly readSecret: readonly IamActionGroup<PitrArchiveEncryptionResourceKind>[];
}

/** The archivers that encrypt a repository themselves. */
const ENCRYPTING_ARCHIVERS: readonly Archiver[] = ['pgbackrest', 'wal-g'];

/** Checks `encryption` against the archiver: only pgBackRest and WAL-G encrypt, and only WAL-G reads a key encoding. */
export function checkPitrArchiveEncryption(validator: Validator, encryption: PitrArchiveEncryptionOptions | undefined, archiver: Archiver): void {
  if (encryption === undefined) return;
  if (!ENCRYPTING_ARCHIVERS.includes(archiver)) {
    validator.report({
      path: 'encryption',
      value: '(encryption)',
      allowed: 'undefined unless pitr.archiver is "pgbackrest" or "wal-g"',
      reason: `${archiver} does not encrypt its repository itself`,
    }, []);
    return;
  }
  if (encryption.keyEncoding !== undefined && archiver !== 'wal-g') {
    validator.report({ path: 'encryption.keyEncoding', value: encryption.keyEncoding, allowed: 'undefined unless pitr.archiver is "wal-g"' });
  } else {
    validator.oneOf('encryption.keyEncoding', encryption.keyEncoding, ['hex', 'base64'] as const);
  }
}

/** What the archive's encryption creates and renders, when it is asked for (the options are checked). */
export function planPitrArchiveEncryption(
  encryption: PitrArchiveEncryptionOptions | undefined, archiver: Archiver,
): PitrArchiveEncryptionPlan | undefined {
  if (encryption === undefined) return undefined;
  return archiver === 'wal-g'
    ? {
      cipher: 'libsodium',
      keyFile: WALG_LIBSODIUM_KEY_FILE,
      keyEncoding: encryption.keyEncoding ?? 'hex',
      readSecret: PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS,
    }
    : {
      cipher: 'aes-256-cbc',
      keyFile: PGBACKREST_CIPHER_PASS_FILE,
      drillEnvironmentVariable: PGBACKREST_CIPHER_PASS_ENV,
      readSecret: PITR_ARCHIVE_ENCRYPTION_SECRET_READ_IAM_ACTIONS,
    };
}

/**
 * Shell commands (run as root at boot) that write the secret's value into the key file: the file is created empty,
 * owned by `postgres` with mode 0600, before anything is written into it, and the value goes from the AWS CLI's
 * output straight into it (never into the user data, an SSM parameter, a command line or a shell variable).
 */
export function pitrArchiveKeyFileCommands(plan: PitrArchiveEncryptionPlan, region: string, secretArn: string): string[] {
  const file = shellQuote(plan.keyFile);
  const read = `aws secretsmanager get-secret-value --region ${region} --secret-id ${secretArn} --query SecretString --output text`;
  return [
    `install -d -o postgres -m 0750 ${shellQuote(plan.keyFile.replace(/\/[^/]+$/, ''))}`,
    `install -o postgres -m 0600 /dev/null ${file}`,
    plan.cipher === 'aes-256-cbc'
      // pgBackRest reads every *.conf of its include directory: a [global] section holding only the pass.
      ? `{ printf '[global]\\nrepo1-cipher-pass='; ${read}; } > ${file}`
      // WAL-G decodes the whole file as the key: no trailing newline.
      : `${read} | tr -d '\\n' > ${file}`,
  ];
}
