import { Validator } from '../policy/validation';

/**
 * The name Azure gives a storage account: 3 to 24 lowercase letters and digits, since it becomes the host name
 * `<name>.blob.core.windows.net` (Azure Resource Manager's error `AccountNameInvalid`).
 */
export const STORAGE_ACCOUNT_NAME_PATTERN = /^[a-z0-9]{3,24}$/;

/** What {@link STORAGE_ACCOUNT_NAME_PATTERN} allows, in an error message. */
export const STORAGE_ACCOUNT_NAME_ALLOWED = '3 to 24 lowercase letters and digits';

/** The name Azure gives a blob container: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit. */
export const BLOB_CONTAINER_NAME_PATTERN = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** What {@link BLOB_CONTAINER_NAME_PATTERN} allows, in an error message. */
export const BLOB_CONTAINER_NAME_ALLOWED = '3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit';

/** The redundancy a StorageV2 account of the dumps may have (Azure's `Standard_*` SKUs). */
export const BACKUP_STORAGE_SKUS = ['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS'] as const;

/** The days Azure keeps soft-deleted blobs and containers: 1 to 365 (the blob service's `deleteRetentionPolicy.days`). */
export const SOFT_DELETE_DAYS = { min: 1, max: 365 } as const;

/** The options of the dumps' storage account that are checked before anything is created. */
export interface AzureBackupStorageOptions {
  /**
   * Storage account name; not checked while it is not known yet (an output).
   * @default - generated from the component's name
   */
  readonly accountName?: unknown;
  /**
   * Container of the dumps.
   * @default 'pg-dumps'
   */
  readonly containerName?: string;
  /**
   * Blob-name prefix of the dumps, without leading or trailing `/`.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * Redundancy of the account.
   * @default 'Standard_GRS'
   */
  readonly skuName?: string;
  /**
   * Days deleted blobs and containers stay recoverable.
   * @default 14
   */
  readonly softDeleteDays?: number;
}

/**
 * Checks the names and settings of the dumps' storage account as Azure would at deploy time: the account name, the
 * container name, the prefix, the redundancy and the soft-delete days. Each path is the option's own (`accountName`);
 * a component that takes them under a prop reports them there through the validator's prop paths (`storage.accountName`).
 */
export function checkAzureBackupStorageOptions(validator: Validator, options: AzureBackupStorageOptions): void {
  if (validator.isUnresolved(options)) return;
  validator.matches('accountName', options.accountName as string | undefined, STORAGE_ACCOUNT_NAME_PATTERN, STORAGE_ACCOUNT_NAME_ALLOWED);
  validator.matches('containerName', options.containerName, BLOB_CONTAINER_NAME_PATTERN, BLOB_CONTAINER_NAME_ALLOWED);
  // A blob name is at most 1024 characters (Azure's naming rules for blobs); half of it leaves room for the database's
  // folder and the dump's file names after the prefix.
  validator.matches('prefix', options.prefix, /^(?=.{1,512}$)[^/\s](.*[^/\s])?$/, 'a blob-name prefix of 1 to 512 characters without leading or trailing "/" or spaces');
  validator.oneOf('skuName', options.skuName, BACKUP_STORAGE_SKUS);
  validator.integer('softDeleteDays', options.softDeleteDays, SOFT_DELETE_DAYS.min, SOFT_DELETE_DAYS.max, 'days');
}
