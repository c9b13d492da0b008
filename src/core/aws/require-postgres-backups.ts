import { REQUIRE_POSTGRES_BACKUPS_LITERAL_PROPS } from './literal-props';
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
  validator.requireLiterals(REQUIRE_POSTGRES_BACKUPS_LITERAL_PROPS);
  validator.oneOf('RequirePostgresBackups.level', options.level, ['error', 'warning']);
  if (validator.deferredOrRefused('RequirePostgresBackups.includeReadReplicas', options.includeReadReplicas, 'true or false')) return;
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

/** What the guard knows of a database's engine: PostgreSQL, another engine, or not known while the program runs. */
export type GuardedEngine = 'postgres' | 'other' | 'unknown';

/**
 * What the guard knows of an engine as the program gave it: a name says PostgreSQL or not; a value given but not a
 * name (an output, a promise) is not known yet; `undefined` when no engine was given (a read replica has its source's).
 */
export function guardedEngineOf(engine: unknown): GuardedEngine | undefined {
  if (typeof engine === 'string' && engine !== '') return isPostgresEngine(engine) ? 'postgres' : 'other';
  return isGivenInput(engine) ? 'unknown' : undefined;
}

/** Whether an optional input was given: an output or a promise counts, whatever it turns out to hold. */
export function isGivenInput(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Whether the guard requires a database to be protected: a PostgreSQL engine (or one not known, checked as PostgreSQL
 * so that an unprotected database cannot pass), not an instance of an Aurora cluster (the cluster's backups cover
 * it), and not a read replica unless the plan checks them.
 */
export function isGuardedDatabase(
  plan: RequirePostgresBackupsPlan, database: { readonly engine: GuardedEngine; readonly clusterMember?: boolean; readonly readReplica?: boolean },
): boolean {
  return database.engine !== 'other' && !database.clusterMember && (plan.includeReadReplicas || !database.readReplica);
}

/** How the finding names a database whose engine the guard does not know: checked as PostgreSQL, and why. */
export function guardedDatabaseSubject(name: string, type: string, engine: GuardedEngine): string {
  const note = engine === 'unknown' ? '; its engine is not known while the program runs, so it is checked as PostgreSQL' : '';
  return `${name} (${type}${note})`;
}

/** The one error naming every unprotected database, so they are all fixed in one pass. */
export function unprotectedDatabasesMessage(subjects: readonly string[], constructs: readonly string[], acknowledgement: string): string {
  const one = subjects.length === 1;
  return `${one ? 'One PostgreSQL database has' : `${subjects.length} PostgreSQL databases have`} no backups: `
    + `${noBackupConstructProtects(constructs, one ? 'it' : 'them')}:\n${subjects.map((subject) => `  - ${subject}\n`).join('')}`
    + `Protect each, or ${acknowledgement}`;
}

/**
 * The backup constructs (the same in each front end) that record what they protect, as the finding names them: the ones that can
 * protect an RDS or Aurora database (a `SelfHostedPitrArchive` archives a server of its own, so naming it would send an
 * operator to a construct that cannot clear the finding).
 */
export const RECORDING_BACKUP_CONSTRUCTS = ['ScheduledPgDump', 'ManagedPostgresBackupPlan', 'PostgresBackupBlueprint'] as const;

/** How each front end's finding says to acknowledge a database that needs no backups. */
export const UNPROTECTED_DATABASE_ACKNOWLEDGEMENT = {
  cdk: `acknowledge this (${UNPROTECTED_DATABASE_ANNOTATION_ID}) with the reason it needs none.`,
  pulumi: 'acknowledge it with RequirePostgresBackups.acknowledge(database, reason) giving the reason it needs none.',
} as const;

/** Checks that a protection a component records is a backup: a restore drill must never count as one. */
export function checkBackupProtectionKind(kind: unknown): void {
  if (!isBackupProtection(kind as string)) {
    throw new Error(`recordProtectedDatabase: kind is ${JSON.stringify(kind)}; allowed: one of: ${BACKUP_PROTECTION_KINDS.join(', ')}`);
  }
}

/** An RDS instance or cluster a guard saw created while the program ran, with the inputs that decide whether it is checked. */
export interface GuardedCandidate {
  /** Its name and resource type, as the finding names them. */
  readonly name: string;
  readonly type: string;
  /** Whether it is an instance, which a read replica may name as its source. */
  readonly instance: boolean;
  /** Its engine and identifier as the program gave them. */
  readonly engine: unknown;
  readonly identifier: unknown;
  /** What else a replica may name it by (the resource's own identifier, ARN and id outputs), read when the guard checks. */
  readonly references: () => readonly unknown[];
  /** The source a read replica names, when given. */
  readonly replicateSourceDb: unknown;
}

/** The Pulumi types of the resources a program's guard checks: an RDS instance and an RDS (or Aurora) cluster. */
export const GUARDED_RESOURCE_TYPES = { instance: 'aws:rds/instance:Instance', cluster: 'aws:rds/cluster:Cluster' } as const;

/** A resource as a program registers it: its type, name, inputs, the id it is read by (`get`), and the resource. */
export interface RegisteredResource<R extends object> {
  readonly type: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly readId?: unknown;
  readonly resource: R;
}

/**
 * The candidate a registered resource is: an RDS instance or cluster this program creates (or adopts with `import`);
 * one read with `get` is another program's. Its identifier, ARN and id are the resource's outputs, set only once it is
 * constructed, so they are read when the guard checks.
 */
export function guardedCandidateOf<R extends object>(registered: RegisteredResource<R>): (GuardedCandidate & { readonly resource: R }) | undefined {
  const { type, name, props, resource } = registered;
  const instance = type === GUARDED_RESOURCE_TYPES.instance;
  if ((!instance && type !== GUARDED_RESOURCE_TYPES.cluster) || registered.readId !== undefined) return undefined;
  const attributes = resource as Record<string, unknown>;
  return {
    resource,
    name,
    type,
    instance,
    engine: props.engine,
    identifier: props.identifier,
    references: () => [attributes.identifier, attributes.arn, attributes.id],
    replicateSourceDb: instance ? props.replicateSourceDb : undefined,
  };
}

/**
 * The candidates the guard reports, each with the subject its finding names: those not `covered` (protected or
 * acknowledged) that the plan guards. A read replica without an engine has its source's, when the source is a
 * candidate named by its identifier or one of its references; else its engine is not known and it is checked as PostgreSQL.
 */
export function unprotectedCandidates<C extends GuardedCandidate>(
  plan: RequirePostgresBackupsPlan, candidates: readonly C[], covered: (candidate: C) => boolean,
): { readonly candidate: C; readonly subject: string }[] {
  const sourceOf = (replicateSourceDb: unknown): C | undefined => candidates.find((candidate) => candidate.instance
    && (typeof replicateSourceDb === 'string' ? candidate.identifier === replicateSourceDb : candidate.references().includes(replicateSourceDb)));
  const engineOf = (candidate: C, visited: Set<C>): GuardedEngine => {
    const engine = guardedEngineOf(candidate.engine);
    if (engine !== undefined) return engine;
    visited.add(candidate);
    const source = isGivenInput(candidate.replicateSourceDb) ? sourceOf(candidate.replicateSourceDb) : undefined;
    return source === undefined || visited.has(source) ? 'unknown' : engineOf(source, visited);
  };
  return candidates
    .map((candidate) => ({ candidate, engine: engineOf(candidate, new Set()) }))
    .filter(({ candidate, engine }) => !covered(candidate)
      && isGuardedDatabase(plan, { engine, readReplica: isGivenInput(candidate.replicateSourceDb) }))
    .map(({ candidate, engine }) => ({ candidate, subject: guardedDatabaseSubject(candidate.name, candidate.type, engine) }));
}

/** The finding on one unprotected database as a front end reports it, with its way to acknowledge one. */
export function unprotectedDatabaseFinding(subject: string, frontEnd: keyof typeof UNPROTECTED_DATABASE_ACKNOWLEDGEMENT): string {
  return unprotectedDatabaseMessage(subject, RECORDING_BACKUP_CONSTRUCTS, UNPROTECTED_DATABASE_ACKNOWLEDGEMENT[frontEnd]);
}

/** What a program's guard reports: the unprotected databases, and a warning on each or one error naming them all. */
export interface UnprotectedDatabasesReport<C extends GuardedCandidate> {
  /** The names of the unprotected databases, in the order they were created. */
  readonly names: string[];
  /** At level `warning`, the finding on each unprotected database. */
  readonly warnings: { readonly candidate: C; readonly message: string }[];
  /**
   * At level `error`, the one error naming every unprotected database.
   * @default - none: every database is protected, or the level is `warning`
   */
  readonly error?: string;
}

/** The report of a program's guard (Pulumi) on its candidates, those `covered` (protected or acknowledged) left out. */
export function unprotectedDatabasesReport<C extends GuardedCandidate>(
  plan: RequirePostgresBackupsPlan, candidates: readonly C[], covered: (candidate: C) => boolean,
): UnprotectedDatabasesReport<C> {
  const unprotected = unprotectedCandidates(plan, candidates, covered);
  const names = unprotected.map(({ candidate }) => candidate.name);
  if (plan.level === 'warning') {
    return { names, warnings: unprotected.map(({ candidate, subject }) => ({ candidate, message: unprotectedDatabaseFinding(subject, 'pulumi') })) };
  }
  if (unprotected.length === 0) return { names, warnings: [] };
  const subjects = unprotected.map(({ subject }) => subject);
  const error = unprotectedDatabasesMessage(subjects, RECORDING_BACKUP_CONSTRUCTS, UNPROTECTED_DATABASE_ACKNOWLEDGEMENT.pulumi);
  return { names, warnings: [], error };
}

/** Checks the reason a database is acknowledged to need no backups with: a text that says something. */
export function checkAcknowledgementReason(reason: unknown): void {
  const validator = new Validator();
  if (typeof reason !== 'string' || reason.trim() === '') {
    validator.report({ path: 'RequirePostgresBackups.acknowledge.reason', value: reason, allowed: 'a non-empty reason why the database needs no backups' });
  }
  validator.throwIfInvalid();
}

/** The databases that protection records (`{ kind, database }`) name as backed up: restore drills and cost estimates are not backups. */
export function backedUpDatabases(records: readonly unknown[]): Set<string> {
  return new Set(records.flatMap((record) => {
    const { kind, database } = (record ?? {}) as { kind?: string; database?: string };
    return database !== undefined && isBackupProtection(kind) ? [database] : [];
  }));
}

/** The databases of a program that backup components protect, and how; weak, so it keeps nothing alive. */
export class ProtectedDatabases<D extends object> {
  private readonly kinds = new WeakMap<D, Set<BackupProtectionKind>>();

  /** Records that `database` is protected by `kind` (checked to be a backup); a database with no resource (`undefined`) records nothing. */
  public record(database: D | undefined, kind: BackupProtectionKind): void {
    checkBackupProtectionKind(kind);
    if (database === undefined) return;
    const kinds = this.kinds.get(database) ?? new Set();
    kinds.add(kind);
    this.kinds.set(database, kinds);
  }

  /** Whether a backup protects `database`. */
  public has(database: D): boolean {
    return this.kinds.has(database);
  }
}
