import * as path from 'node:path';
import { UsageError } from './runner-error';

/** Backups in an S3 bucket (or an S3-compatible store), under a key prefix. */
export interface S3BackupLocation {
  /** Location kind. */
  readonly kind: 's3';
  /** Bucket name. */
  readonly bucket: string;
  /** Key prefix without leading or trailing `/`; empty for the bucket root. */
  readonly prefix: string;
}

/** Backups in an Azure Blob Storage container, under a blob-name prefix. */
export interface AzureBlobBackupLocation {
  /** Location kind. */
  readonly kind: 'azblob';
  /** Storage account name. */
  readonly account: string;
  /** Container name. */
  readonly container: string;
  /** Blob-name prefix without leading or trailing `/`; empty for the container root. */
  readonly prefix: string;
}

/** Backups in a local (or mounted) directory. */
export interface FileBackupLocation {
  /** Location kind. */
  readonly kind: 'file';
  /** Absolute path of the directory. */
  readonly directory: string;
}

/** Where backups are kept: `s3://bucket/prefix`, `azblob://account/container/prefix` or `file:///path`. */
export type BackupLocation = S3BackupLocation | AzureBlobBackupLocation | FileBackupLocation;

const ALLOWED = 's3://bucket/prefix, azblob://account/container/prefix or file:///absolute/path';

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

/**
 * The directory of a `file://` URI (`rest` is what follows `file://`): `file:///absolute/path` or
 * `file://localhost/absolute/path`. A host part (`file://backups/nightly`, `file://relative`) is refused rather than
 * dropped, and so are `.`/`..` segments (raw or percent-encoded) and encoded slashes, so the directory written to is
 * exactly the one the URI names.
 */
function fileDirectory(rest: string, fail: (why: string) => never): string {
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host !== '' && host.toLowerCase() !== 'localhost') {
    fail(`"${host}" is read as a host name, not a directory: use file:///absolute/path (three slashes) or file://localhost/absolute/path`);
  }
  if (slash < 0) fail('a file URI needs an absolute path: file:///absolute/path');
  const rawSegments = rest.slice(slash + 1).split(/[?#]/)[0].split('/');
  let segments: string[] = [];
  try {
    segments = rawSegments.map((segment) => decodeURIComponent(segment));
  } catch {
    fail('a "%" in the path does not start a percent-encoded character (write % as %25)');
  }
  if (segments.some((segment) => segment === '.' || segment === '..')) fail('the path must not contain "." or ".." segments');
  if (segments.some((segment) => segment.includes('/') || segment.includes('\0'))) fail('the path must not contain encoded slashes or NUL characters');
  if (/[?#]/.test(rest)) fail('a file URI takes no query or fragment');
  return path.resolve('/', ...segments);
}

/** Parses a backup URI; `flag` names the option in the error message. */
export function parseBackupLocation(uri: string, flag = '--to'): BackupLocation {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} is ${JSON.stringify(uri)}; allowed: ${ALLOWED} (${why})`);
  };
  const scheme = /^([a-z0-9]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
  const rest = uri.slice((scheme?.length ?? 0) + 3);
  switch (scheme) {
    case 's3': {
      const [bucket, ...prefix] = rest.split('/');
      if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) fail('the bucket name is not a valid S3 bucket name');
      return { kind: 's3', bucket, prefix: trimSlashes(prefix.join('/')) };
    }
    case 'azblob': {
      const [account, container, ...prefix] = rest.split('/');
      if (!account || !/^[a-z0-9]{3,24}$/.test(account)) fail('the storage account name must be 3-24 lowercase letters and digits');
      if (!container || !/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container)) fail('the container name is not a valid Azure container name');
      return { kind: 'azblob', account, container, prefix: trimSlashes(prefix.join('/')) };
    }
    case 'file':
      return { kind: 'file', directory: fileDirectory(rest, fail) };
    default:
      // A bare absolute path is the commonest slip: say the URI it should have been.
      return fail(scheme === undefined && uri.startsWith('/') ? `no scheme: a directory is file://${uri}` : 'unknown scheme');
  }
}

/** The URI of a location, as it is shown in logs and results. */
export function formatBackupLocation(location: BackupLocation): string {
  switch (location.kind) {
    case 's3':
      return `s3://${location.bucket}/${location.prefix}`;
    case 'azblob':
      return `azblob://${location.account}/${location.container}/${location.prefix}`;
    case 'file':
      return `file://${location.directory}`;
  }
}
