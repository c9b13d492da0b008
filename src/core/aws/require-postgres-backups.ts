import { ValidationOptions, Validator } from '../policy/validation';

/** What a backup construct of this library does for a database: restore drills are not among them, as they protect nothing. */
export type BackupProtectionKind = 'logical-dump' | 'managed-backup' | 'wal-archive';

/** The protection kinds that count as backups. */
export const BACKUP_PROTECTION_KINDS: readonly BackupProtectionKind[] = ['logical-dump', 'managed-backup', 'wal-archive'];

/** The RDS engines that are PostgreSQL: RDS for PostgreSQL and Aurora PostgreSQL. */
export const POSTGRES_ENGINES: readonly string[] = ['postgres', 'aurora-postgresql'];

/** The id of the finding on an unprotected database, for acknowledging it (`Annotations.acknowledgeWarning` in CDK). */
export const UNPROTECTED_DATABASE_ANNOTATION_ID = 'postgres-backup:unprotected-database';

/** The options of `RequirePostgresBackups` that are the same in every AWS front end. */
export interface RequirePostgresBackupsOptions {
  /**
   * `error` fails the deployment before any change (CDK: an error annotation fails `cdk synth` and `cdk deploy`;
   * Pulumi: `check()` throws); `warning` only reports each unprotected database, which can be acknowledged per
   * database with the reason it needs no backups.
   * @default 'error'
   */
  readonly level?: 'error' | 'warning';
  /**
   * Also require read replicas to be protected (they are usually restored from their source instead).
   * @default false
   */
  readonly includeReadReplicas?: boolean;
}

/** What `RequirePostgresBackups` does, decided once for every front end. */
export interface RequirePostgresBackupsPlan {
  /** The level findings are reported at. */
  readonly level: 'error' | 'warning';
  /** Whether read replicas are checked too. */
  readonly includeReadReplicas: boolean;
}

/** Checks the options of `RequirePostgresBackups`, named as the user wrote them (`RequirePostgresBackups.level`). */
export function checkRequirePostgresBackupsOptions(validator: Validator, options: RequirePostgresBackupsOptions): void {
  validator.oneOf('RequirePostgresBackups.level', options.level, ['error', 'warning']);
  if (options.includeReadReplicas !== undefined && typeof options.includeReadReplicas !== 'boolean') {
    validator.report({ path: 'RequirePostgresBackups.includeReadReplicas', value: options.includeReadReplicas, allowed: 'true or false' });
  }
}

/** Validates the options (throwing a `PolicyValidationError`) and resolves their defaults. */
export function planRequirePostgresBackups(options: RequirePostgresBackupsOptions = {}, validation?: ValidationOptions): RequirePostgresBackupsPlan {
  const validator = new Validator(validation);
  checkRequirePostgresBackupsOptions(validator, options);
  validator.throwIfInvalid();
  return { level: options.level ?? 'error', includeReadReplicas: options.includeReadReplicas ?? false };
}

/** Whether an RDS engine name is PostgreSQL. */
export function isPostgresEngine(engine: string): boolean {
  return POSTGRES_ENGINES.includes(engine.toLowerCase());
}

/** Whether a recorded protection kind counts as a backup. */
export function isBackupProtection(kind: string | undefined): boolean {
  return (BACKUP_PROTECTION_KINDS as readonly string[]).includes(kind ?? '');
}

/** `no ScheduledPgDump, ManagedPostgresBackupPlan or PostgresBackupBlueprint protects it`: the constructs that would. */
export function noBackupConstructProtects(constructs: readonly string[], object: 'it' | 'them'): string {
  const named = constructs.length > 1 ? `${constructs.slice(0, -1).join(', ')} or ${constructs[constructs.length - 1]}` : constructs.join('');
  return `no ${named} protects ${object}`;
}

/**
 * The finding on one unprotected database: `The PostgreSQL database <subject> has no backups: no … protects it.
 * Protect it, or <how to acknowledge>.`
 */
export function unprotectedDatabaseMessage(subject: string, constructs: readonly string[], acknowledgement: string): string {
  return `The PostgreSQL database ${subject} has no backups: ${noBackupConstructProtects(constructs, 'it')}. Protect it, or ${acknowledgement}`;
}
