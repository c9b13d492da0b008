import type { BackupLocation } from './backup-location';
import type { BackupStore, UploadTuning } from './backup-store';

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

/**
 * The store for a location. Each cloud's SDK is loaded only when its kind of location is used: loading
 * every SDK costs a scheduled run about a third of a second of start-up for nothing.
 */
export async function openBackupStore(location: BackupLocation, access: StoreAccess, env: NodeJS.ProcessEnv = process.env): Promise<BackupStore> {
  switch (location.kind) {
    case 's3': {
      const { S3BackupStore } = await import('./s3-backup-store');
      return new S3BackupStore({
        bucket: location.bucket,
        endpoint: access.s3Endpoint ?? (env.AWS_ENDPOINT_URL_S3 || undefined),
        tuning: access.tuning,
      });
    }
    case 'azblob': {
      const { AzureBlobBackupStore } = await import('./azure-blob-backup-store');
      return new AzureBlobBackupStore({
        account: location.account,
        container: location.container,
        connectionString: access.azureConnectionString ?? (env.AZURE_STORAGE_CONNECTION_STRING || undefined),
        tuning: access.tuning,
      });
    }
    case 'file': {
      const { FileBackupStore } = await import('./file-backup-store');
      return new FileBackupStore(location.directory);
    }
  }
}
