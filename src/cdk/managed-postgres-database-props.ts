import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseStorageEncryption } from '../core/aws/managed-backup-plan';
import { ImportedManagedPostgresOptions } from '../core/aws/managed-postgres-database';

/** Options of {@link ManagedPostgresDatabase.fromInstance} and {@link ManagedPostgresDatabase.fromCluster}. */
export interface ManagedPostgresDatabaseOptions {
  /**
   * The KMS key the database's storage is encrypted with, when it is a customer managed key (rds constructs do not
   * expose it). Restore drills are granted its use, and account copies are allowed to use it.
   * @default - none known: grants on the key are left to the user (a synth warning says which)
   */
  readonly storageEncryptionKey?: kms.IKey;
  /**
   * The database (inside the server) the restore drill checks.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * How its storage is encrypted; it decides whether snapshots may be copied to another account. Read from the
   * construct of a database defined in this app; name it for an imported one.
   * @default - read from the construct; for an imported database 'customer-managed-key' when `storageEncryptionKey`
   * is given, else 'unknown'
   */
  readonly storageEncryption?: DatabaseStorageEncryption;
  /**
   * The secret with its master `username` and `password` (a restored snapshot keeps them), for the drill's checks:
   * name it for an imported database, which carries none.
   * @default - the construct's own secret; none for an imported database (a restore drill of it then needs one)
   */
  readonly secret?: secretsmanager.ISecret;
}

/** A managed database that CDK does not manage, named by its identifier. */
export interface ImportedManagedPostgresProps extends ManagedPostgresDatabaseOptions, ImportedManagedPostgresOptions {
  /**
   * Port the database listens on (a restored snapshot keeps it).
   * @default 5432
   */
  readonly port?: number;
  /**
   * PostgreSQL major version, which selects the client tools of the drill's runner image.
   * @default - none: a restore drill of this database needs it
   */
  readonly postgresMajorVersion?: number;
}
