import { AzureBlobBackupStore } from './azure-blob-backup-store';
import type { BackupLocation } from './backup-location';
import type { BackupStore, UploadTuning } from './backup-store';
import { FileBackupStore } from './file-backup-store';
import { S3BackupStore } from './s3-backup-store';

/** How to reach the stores, beside the location itself. */
export interface StoreAccess {
  /**
   * S3-compatible endpoint override.
   * @default - `AWS_ENDPOINT_URL_S3` when set, else AWS S3
   */
  readonly s3Endpoint?: string;
  /**
   * Azure storage connection string.
   * @default - `AZURE_STORAGE_CONNECTION_STRING` when set, else `DefaultAzureCredential`
   */
  readonly azureConnectionString?: string;
  /** Streaming upload settings. */
  readonly tuning: UploadTuning;
}

/** The store for a location. */
export function openBackupStore(location: BackupLocation, access: StoreAccess, env: NodeJS.ProcessEnv = process.env): BackupStore {
  switch (location.kind) {
    case 's3':
      return new S3BackupStore({
        bucket: location.bucket,
        endpoint: access.s3Endpoint ?? (env.AWS_ENDPOINT_URL_S3 || undefined),
        tuning: access.tuning,
      });
    case 'azblob':
      return new AzureBlobBackupStore({
        account: location.account,
        container: location.container,
        connectionString: access.azureConnectionString ?? (env.AZURE_STORAGE_CONNECTION_STRING || undefined),
        tuning: access.tuning,
      });
    case 'file':
      return new FileBackupStore(location.directory);
  }
}
