import { Validator } from '../policy/validation';

/** An S3 bucket (or an S3-compatible store) that holds the WAL archive and the base backups. */
export interface S3ArchiveRepository {
  /** Discriminant. */
  readonly kind: 's3';
  /** Bucket name: 3–63 lowercase letters, digits, dots and hyphens, a valid DNS name. */
  readonly bucket: string;
  /** Region of the bucket, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Key prefix inside the bucket, e.g. `prod/orders`, so several databases can share one bucket.
   * @default - the bucket root
   */
  readonly prefix?: string;
  /**
   * Endpoint URL of an S3-compatible store, e.g. `https://127.0.0.1:9000`.
   * @default - the AWS endpoint of the region (`https://s3.<region>.<dnsSuffix>`)
   */
  readonly endpoint?: string;
  /**
   * The domain of the region's partition that AWS endpoints end with, when the region is only known at deploy time
   * (a CDK token: `Aws.URL_SUFFIX`).
   * @default - the region's: `amazonaws.com.cn` for `cn-…`, `c2s.ic.gov` for `us-iso-…`, `sc2s.sgov.gov` for `us-isob-…`,
   * else `amazonaws.com`
   */
  readonly dnsSuffix?: string;
  /**
   * ARN of the KMS key objects are encrypted with (SSE-KMS).
   * @default - the bucket's default encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * `host` addresses the bucket as `bucket.endpoint`; `path` as `endpoint/bucket`, which most local
   * S3-compatible servers need.
   * @default 'host'
   */
  readonly uriStyle?: 'host' | 'path';
  /**
   * Verify the endpoint's TLS certificate. Turn off only for a local test endpoint with a self-signed certificate.
   * @default true
   */
  readonly verifyTls?: boolean;
}

/** An Azure Blob Storage container that holds the WAL archive and the base backups. */
export interface AzureArchiveRepository {
  /** Discriminant. */
  readonly kind: 'azure';
  /** Storage account name: 3–24 lowercase letters and digits. */
  readonly account: string;
  /** Container name: 3–63 lowercase letters, digits and single hyphens. */
  readonly container: string;
  /**
   * Blob name prefix inside the container, e.g. `prod/orders`.
   * @default - the container root
   */
  readonly prefix?: string;
}

/** A directory on a file system the database host mounts (local disk, NFS). */
export interface PosixArchiveRepository {
  /** Discriminant. */
  readonly kind: 'posix';
  /** Absolute path of the directory, e.g. `/var/lib/pgbackrest`. */
  readonly path: string;
}

/** Where WAL and base backups go: an S3 bucket, an Azure Blob container, or a directory. */
export type ArchiveRepository = S3ArchiveRepository | AzureArchiveRepository | PosixArchiveRepository;

/** Every kind of {@link ArchiveRepository}. */
export const ARCHIVE_REPOSITORY_KINDS: readonly ArchiveRepository['kind'][] = ['s3', 'azure', 'posix'];

const S3_BUCKET = /^(?!xn--|sthree-)(?!.*(?:\.\.|\.-|-\.|-s3alias$|--ol-s3$))(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_BUCKET_ALLOWED =
  '3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address (a DNS-valid bucket name)';
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const KEY_PREFIX = /^(?!\/)(?!.*\/\/)(?!(?:.*\/)?\.{1,2}(?:\/|$))[A-Za-z0-9._/-]{1,512}$/;
const KEY_PREFIX_ALLOWED =
  'up to 512 letters, digits, ".", "_", "-" and "/", not starting with "/", without empty, "." or ".." segments';
const ENDPOINT = /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\/?$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/[A-Za-z0-9/_-]+$/;
const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const AZURE_CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const ABSOLUTE_PATH = /^\/(?!.*\/\/)(?!(?:.*\/)?\.{1,2}(?:\/|$))[^\0\n\r]*[^/\0\n\r]$/;
const ABSOLUTE_PATH_ALLOWED = 'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks';

/**
 * Checks the key prefix of a repository in a bucket or container (`undefined` and `''`, the root, pass), reported at
 * `path`. Returns whether it passed.
 */
export function checkArchiveKeyPrefix(validator: Validator, path: string, prefix: string | undefined): boolean {
  return prefix === '' || validator.matches(path, prefix, KEY_PREFIX, KEY_PREFIX_ALLOWED);
}

/**
 * Checks a repository and reports each problem to `validator` under `path` (e.g. `pitr.repository`):
 * DNS-valid bucket names, region names, key prefixes, endpoint URLs, KMS key ARNs, Azure account and
 * container names, and absolute directory paths.
 */
export function validateArchiveRepository(repo: ArchiveRepository, validator: Validator, path: string): void {
  if (!validator.oneOf(`${path}.kind`, repo.kind, ARCHIVE_REPOSITORY_KINDS)) return;
  switch (repo.kind) {
    case 's3':
      validator.matches(`${path}.bucket`, repo.bucket, S3_BUCKET, S3_BUCKET_ALLOWED);
      validator.matches(`${path}.region`, repo.region, AWS_REGION, 'an AWS region name such as eu-west-1');
      validator.matches(`${path}.prefix`, repo.prefix, KEY_PREFIX, KEY_PREFIX_ALLOWED);
      validator.matches(`${path}.endpoint`, repo.endpoint, ENDPOINT, 'an http:// or https:// URL of a host and optional port, without a path');
      validator.matches(`${path}.kmsKeyArn`, repo.kmsKeyArn, KMS_KEY_ARN, 'a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)');
      validator.oneOf(`${path}.uriStyle`, repo.uriStyle, ['host', 'path'] as const);
      validator.oneOf(`${path}.verifyTls`, repo.verifyTls, [true, false]);
      return;
    case 'azure':
      validator.matches(`${path}.account`, repo.account, AZURE_ACCOUNT, '3-24 lowercase letters and digits');
      validator.matches(`${path}.container`, repo.container, AZURE_CONTAINER,
        '3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit');
      validator.matches(`${path}.prefix`, repo.prefix, KEY_PREFIX, KEY_PREFIX_ALLOWED);
      return;
    case 'posix':
      validator.matches(`${path}.path`, repo.path, ABSOLUTE_PATH, ABSOLUTE_PATH_ALLOWED);
      return;
  }
}

/**
 * Checks that `value` is an absolute path fit for a configuration file or a command line
 * (no `..`, `.` or empty segments, no line breaks). `undefined` passes unless `required`.
 */
export function validateAbsolutePath(validator: Validator, path: string, value: string | undefined, required = false): boolean {
  if (value === undefined && required) {
    validator.report({ path, value, allowed: ABSOLUTE_PATH_ALLOWED });
    return false;
  }
  return validator.matches(path, value, ABSOLUTE_PATH, ABSOLUTE_PATH_ALLOWED);
}

/**
 * The repository's key prefix without leading or trailing slashes (`prod/orders`), or `''` for the
 * bucket or container root and for a directory.
 */
export function repositoryPrefix(repo: ArchiveRepository): string {
  if (repo.kind === 'posix') return '';
  return (repo.prefix ?? '').replace(/^\/+|\/+$/g, '');
}

/** Joins the repository's key prefix and a key below it: `repositoryKey(repo, 'wal/')` is `prod/orders/wal/`. */
export function repositoryKey(repo: ArchiveRepository, key: string): string {
  const prefix = repositoryPrefix(repo);
  return prefix ? `${prefix}/${key}` : key;
}
