import { ArchiveRepository, repositoryKey, validateArchiveRepository } from './archive-repository';
import { escapePercent, shellQuote } from './shell-quote';
import { ValidationOptions, Validator } from '../policy/validation';

/**
 * Where the plain archive commands keep WAL inside the repository: `<path>/wal/` for a directory,
 * `<prefix>/wal/` for a bucket or container.
 */
export const PLAIN_ARCHIVE_WAL_FOLDER = 'wal';

/** One word of a command line: user text (its `%` escaped) followed by a PostgreSQL placeholder. */
function word(text: string, placeholder = ''): string {
  return shellQuote(escapePercent(text) + placeholder);
}

function line(words: string[]): string {
  return words.join(' ');
}

function validated(repo: ArchiveRepository, validation: ValidationOptions): void {
  const validator = new Validator(validation);
  validateArchiveRepository(repo, validator, 'repository');
  validator.throwIfInvalid();
}

function s3Options(repo: Extract<ArchiveRepository, { kind: 's3' }>): string[] {
  return [
    '--region', word(repo.region),
    ...(repo.endpoint ? ['--endpoint-url', word(repo.endpoint)] : []),
    ...(repo.verifyTls === false ? ['--no-verify-ssl'] : []),
  ];
}

function azureOptions(repo: Extract<ArchiveRepository, { kind: 'azure' }>): string[] {
  return ['--account-name', word(repo.account), '--container-name', word(repo.container)];
}

const walKey = (repo: ArchiveRepository) => repositoryKey(repo, `${PLAIN_ARCHIVE_WAL_FOLDER}/`);

/**
 * An `archive_command` without an archiver that never overwrites a segment already archived: when the
 * segment exists the command fails, so PostgreSQL keeps the segment, retries and logs the failure
 * (which the archive alarms catch) instead of silently replacing good WAL.
 *
 * - directory: `test ! -f <path>/wal/%f && cp %p <path>/wal/%f`
 * - S3: `aws s3api put-object … --key <prefix>/wal/%f --body %p --if-none-match '*'` (a conditional write)
 * - Azure: `az storage blob upload … --name <prefix>/wal/%f --file %p --if-none-match '*'`
 *
 * The S3 `uriStyle` is not a flag of the AWS CLI: set `s3.addressing_style` in its configuration.
 * Throws a {@link PolicyValidationError} for an invalid repository.
 */
export function conditionalArchiveCommand(repo: ArchiveRepository, validation: ValidationOptions = {}): string {
  validated(repo, validation);
  switch (repo.kind) {
    case 'posix': {
      const target = word(`${repo.path}/${PLAIN_ARCHIVE_WAL_FOLDER}/`, '%f');
      return line(['test', '!', '-f', target, '&&', 'cp', '%p', target]);
    }
    case 's3':
      return line([
        'aws', 's3api', 'put-object',
        '--bucket', word(repo.bucket),
        '--key', word(walKey(repo), '%f'),
        '--body', '%p',
        '--if-none-match', shellQuote('*'),
        ...(repo.kmsKeyArn ? ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', word(repo.kmsKeyArn)] : []),
        ...s3Options(repo),
      ]);
    case 'azure':
      return line([
        'az', 'storage', 'blob', 'upload',
        ...azureOptions(repo),
        '--name', word(walKey(repo), '%f'),
        '--file', '%p',
        '--if-none-match', shellQuote('*'),
        '--auth-mode', 'login',
        '--only-show-errors',
      ]);
  }
}

/**
 * The `restore_command` matching {@link conditionalArchiveCommand}: copies `<…>/wal/%f` to `%p`, and fails
 * (which PostgreSQL reads as "no such segment") when it is not there.
 */
export function conditionalRestoreCommand(repo: ArchiveRepository, validation: ValidationOptions = {}): string {
  validated(repo, validation);
  switch (repo.kind) {
    case 'posix':
      return line(['cp', word(`${repo.path}/${PLAIN_ARCHIVE_WAL_FOLDER}/`, '%f'), '%p']);
    case 's3':
      return line([
        'aws', 's3api', 'get-object',
        '--bucket', word(repo.bucket),
        '--key', word(walKey(repo), '%f'),
        ...s3Options(repo),
        '%p',
      ]);
    case 'azure':
      return line([
        'az', 'storage', 'blob', 'download',
        ...azureOptions(repo),
        '--name', word(walKey(repo), '%f'),
        '--file', '%p',
        '--auth-mode', 'login',
        '--only-show-errors',
      ]);
  }
}
