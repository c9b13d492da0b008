import { MANAGED_POSTGRES_DATABASE_LITERAL_PROPS } from './literal-props';
import { DatabaseStorageEncryption } from './managed-backup-plan';
import { resolveManagedSnapshots } from '../policy/defaults';
import { ManagedSnapshotPolicy } from '../policy/policy';
import { ValidationOptions, Validator } from '../policy/validation';
import { DEFAULT_POSTGRES_PORT } from '../postgres/runner-connection';

/** Which kind of managed database: an RDS for PostgreSQL DB instance or an Aurora PostgreSQL cluster. */
export type ManagedPostgresKind = 'instance' | 'aurora-cluster';

/** The automated-backup settings a database has, as its resource reports them. */
export interface ManagedDatabaseSettings {
  /** Days automated backups are kept. */
  readonly backupRetentionDays?: number;
  /** Daily backup window, `hh:mm-hh:mm` UTC. */
  readonly preferredBackupWindow?: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC. */
  readonly preferredMaintenanceWindow?: string;
  /** Whether tags are copied to snapshots. */
  readonly copyTagsToSnapshot?: boolean;
  /** Whether a final snapshot is taken and automated backups are kept on deletion. */
  readonly finalSnapshot?: boolean;
}

/** The port of a managed database whose port nobody named. */
export const DEFAULT_MANAGED_DATABASE_PORT = DEFAULT_POSTGRES_PORT;
/** The database (inside the server) a restore drill checks unless told otherwise. */
export const DEFAULT_DRILL_DATABASE_NAME = 'postgres';

/** A managed database a program does not define, named by its identifier: what every front end asks of it. */
export interface ImportedManagedPostgresOptions {
  /** DB instance identifier or Aurora cluster identifier. */
  readonly identifier: string;
  /** What the identifier names. */
  readonly kind: ManagedPostgresKind;
}

/** What a front end reads of a managed database and what its user named, before core fills in the rest. */
export interface ManagedDatabaseReading extends Partial<Omit<ResolvedManagedDatabase, 'kind' | 'backupResourceType'>> {
  /** Instance or Aurora cluster. */
  readonly kind: ManagedPostgresKind;
  /** What its resource says of its storage encryption, when this program defines it. */
  readonly storage?: { readonly storageEncrypted: unknown; readonly kmsKeyId?: string };
  /** The engine version its construct names, `16` or `16.4`. */
  readonly engineVersion?: string;
  /** The customer managed key of its storage, when one is named. */
  readonly storageEncryptionKey?: unknown;
}

/** What every front end's `ManagedPostgresDatabase` knows of its database once core has resolved it. */
export interface ResolvedManagedDatabase {
  /** Instance or Aurora cluster. */
  readonly kind: ManagedPostgresKind;
  /** AWS Backup's resource type for it: `RDS` for an instance, `Aurora` for a cluster. */
  readonly backupResourceType: 'RDS' | 'Aurora';
  /** The engine family, `POSTGRESQL` for the databases this module protects. */
  readonly engineFamily?: string;
  /** Its PostgreSQL major version, when known. */
  readonly postgresMajorVersion?: number;
  /** How its storage is encrypted. */
  readonly storageEncryption: DatabaseStorageEncryption;
  /** The port it listens on. */
  readonly port: number;
  /** The database the restore drill checks. */
  readonly databaseName: string;
}

/**
 * A managed database's settings: what the user named, else what its resource or construct says, else the defaults.
 * A database this program does not define is taken to be PostgreSQL, encrypted with a customer managed key when one is
 * named, else in an `unknown` way (account copies are then not checked).
 */
export function resolveManagedDatabase(read: ManagedDatabaseReading): ResolvedManagedDatabase {
  const { kind, storage } = read;
  return {
    kind,
    backupResourceType: backupResourceTypeOf(kind),
    engineFamily: storage ? read.engineFamily : read.engineFamily ?? 'POSTGRESQL',
    postgresMajorVersion: read.postgresMajorVersion ?? postgresMajorOf(read.engineVersion),
    // Aurora clusters are encrypted unless told otherwise.
    storageEncryption: read.storageEncryption ?? (storage ? storageEncryptionOf(storage.storageEncrypted, storage.kmsKeyId, kind === 'aurora-cluster')
      : read.storageEncryptionKey !== undefined ? 'customer-managed-key' : 'unknown'),
    port: read.port ?? DEFAULT_MANAGED_DATABASE_PORT,
    databaseName: read.databaseName ?? DEFAULT_DRILL_DATABASE_NAME,
  };
}

/** AWS Backup's resource type of a managed database: `RDS` for an instance, `Aurora` for a cluster. */
export function backupResourceTypeOf(kind: ManagedPostgresKind): 'RDS' | 'Aurora' {
  return kind === 'instance' ? 'RDS' : 'Aurora';
}

/**
 * Checks the props of a `ManagedPostgresDatabase` factory (`fromIdentifier`, `fromInstance`…) before it reads them,
 * throwing a `PolicyValidationError` naming `ManagedPostgresDatabase.<factory>`: a kind, engine version or storage
 * encryption known only at deploy time is refused, and a kind that is neither `instance` nor `aurora-cluster`.
 */
export function checkManagedDatabaseProps(props: object, factory: string, validation: ValidationOptions = {}): void {
  const validator = new Validator({ ...validation, construct: `ManagedPostgresDatabase.${factory}` });
  if (validator.requireLiterals(MANAGED_POSTGRES_DATABASE_LITERAL_PROPS, props)) {
    validator.oneOf('kind', (props as { readonly kind?: string }).kind, ['instance', 'aurora-cluster']);
  }
  validator.throwIfInvalid();
}

/** The resource part of a managed database's ARN: `db:<id>` for an instance, `cluster:<id>` for an Aurora cluster. */
export function managedDatabaseArnResource(kind: ManagedPostgresKind, identifier: string): string {
  return `${kind === 'instance' ? 'db' : 'cluster'}:${identifier}`;
}

const MANAGED_DATABASE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):([A-Za-z][A-Za-z0-9-]*)$/;

/**
 * The kind and identifier of `arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`.
 * @throws Error naming the value and the two forms allowed
 */
export function parseManagedDatabaseArn(arn: string): { readonly kind: ManagedPostgresKind; readonly identifier: string } {
  const parts = MANAGED_DATABASE_ARN.exec(arn);
  if (!parts) {
    throw new Error(`ManagedPostgresDatabase.fromArn: ${JSON.stringify(arn)} is not the ARN of an RDS DB instance (…:db:<id>) or Aurora cluster (…:cluster:<id>)`);
  }
  return { kind: parts[1] === 'db' ? 'instance' : 'aurora-cluster', identifier: parts[2] };
}

/** The account of a managed database's ARN, when it is one. */
export function accountOfManagedDatabaseArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:rds:[a-z0-9-]+:(\d{12}):/.exec(arn)?.[1];
}

/**
 * The warning for a database defined elsewhere: its automated backups cannot be set from here, so each asked setting
 * is named as not applied, and the operator is told what to check.
 * @param subject how the front end names the database, e.g. its identifier
 */
export function importedDatabaseWarning(subject: string, asked: ManagedSnapshotPolicy | undefined): string {
  const settings = Object.entries(asked ?? {}).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${String(value)}`);
  return `${subject} is imported: its automated backups cannot be set from here`
    + `${settings.length > 0 ? ` (${settings.join(', ')} are NOT applied)` : ''}. Check that its backup retention is at least 1 day, `
    + 'that it copies tags to snapshots and keeps automated backups on deletion (aws rds modify-db-instance / modify-db-cluster).';
}

/**
 * Each automated-backup setting a database has that differs from the wanted one, as `<setting> is <current>, <who>
 * asks for <wanted>`; empty when they all match.
 */
export function managedSettingsDifferences(current: ManagedDatabaseSettings, wanted: ManagedDatabaseSettings, who: string): string[] {
  const keys: ReadonlyArray<keyof ManagedDatabaseSettings> = [
    'backupRetentionDays', 'preferredBackupWindow', 'preferredMaintenanceWindow', 'copyTagsToSnapshot', 'finalSnapshot',
  ];
  return keys.filter((key) => wanted[key] !== undefined && current[key] !== wanted[key])
    .map((key) => `${key} is ${String(current[key])}, ${who} asks for ${String(wanted[key])}`);
}

/** The PostgreSQL major of an engine version such as `16` or `16.4`, when it names one. */
export function postgresMajorOf(version: string | undefined): number | undefined {
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  return major !== undefined && Number.isInteger(major) ? major : undefined;
}

/**
 * How a database is encrypted, from its resource's `StorageEncrypted` and `KmsKeyId`: a key id means a customer managed
 * key, encryption without one the AWS managed key `aws/rds`; a value known only at deploy time is `unknown`.
 */
export function storageEncryptionOf(storageEncrypted: unknown, kmsKeyId: string | undefined, encryptedByDefault: boolean): DatabaseStorageEncryption {
  if (kmsKeyId !== undefined) return 'customer-managed-key';
  if (storageEncrypted === undefined) return encryptedByDefault ? 'aws-managed-key' : 'none';
  if (typeof storageEncrypted !== 'boolean') return 'unknown';
  return storageEncrypted ? 'aws-managed-key' : 'none';
}

/** The automated-backup arguments of an RDS instance or cluster, as RDS names them. */
export interface AutomatedBackupArguments {
  /** Days automated backups are kept. */
  readonly backupRetentionPeriod: number;
  /**
   * Daily backup window, `hh:mm-hh:mm` UTC.
   * @default - the cloud's choice
   */
  readonly preferredBackupWindow?: string;
  /**
   * Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC.
   * @default - the cloud's choice
   */
  readonly preferredMaintenanceWindow?: string;
  /** Whether tags are copied to snapshots. */
  readonly copyTagsToSnapshot: boolean;
  /** Whether automated backups are deleted with the database. */
  readonly deleteAutomatedBackups: boolean;
  /** Whether the final snapshot is skipped when the database is deleted. */
  readonly skipFinalSnapshot: boolean;
}

/**
 * The automated-backup arguments a snapshot policy gives a database, its defaults filled in: a final snapshot means
 * automated backups are kept and the final snapshot is taken on deletion.
 */
export function automatedBackupArguments(snapshots: ManagedDatabaseSettings): AutomatedBackupArguments {
  const resolved = resolveManagedSnapshots(snapshots);
  return {
    backupRetentionPeriod: resolved.backupRetentionDays,
    ...(resolved.preferredBackupWindow !== undefined ? { preferredBackupWindow: resolved.preferredBackupWindow } : {}),
    ...(resolved.preferredMaintenanceWindow !== undefined ? { preferredMaintenanceWindow: resolved.preferredMaintenanceWindow } : {}),
    copyTagsToSnapshot: resolved.copyTagsToSnapshot,
    deleteAutomatedBackups: !resolved.finalSnapshot,
    skipFinalSnapshot: !resolved.finalSnapshot,
  };
}

/** The settings a database reports, from its automated-backup arguments (windows left empty are the cloud's choice). */
export function reportedManagedSettings(reported: Partial<AutomatedBackupArguments>): ManagedDatabaseSettings {
  return {
    backupRetentionDays: reported.backupRetentionPeriod,
    preferredBackupWindow: reported.preferredBackupWindow || undefined,
    preferredMaintenanceWindow: reported.preferredMaintenanceWindow || undefined,
    copyTagsToSnapshot: reported.copyTagsToSnapshot,
    finalSnapshot: reported.deleteAutomatedBackups === false && reported.skipFinalSnapshot === false,
  };
}
