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
    case 'file': {
      let directory = '';
      try {
        directory = decodeURIComponent(new URL(uri).pathname);
      } catch {
        fail('not a valid file URI');
      }
      if (!path.isAbsolute(directory) || rest.startsWith('.')) fail('a file URI needs an absolute path: file:///path');
      return { kind: 'file', directory: path.resolve(directory) };
    }
    default:
      return fail('unknown scheme');
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
