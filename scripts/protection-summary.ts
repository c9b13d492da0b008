/**
 * How `npm run synth-examples` tells what protects a database: every protection the backup constructs record in the
 * construct metadata (`postgres-backup-constructs:protection`) and the Pulumi components in their `protections`
 * output (one shape, core's `DatabaseProtection`), by kind, split into the backups and the drills that prove they
 * restore. A new kind of drill is one entry of {@link PROTECTION_KINDS} with `drill: true`.
 */

import { DatabaseProtection } from '../src/core/policy/database-protection';

/** One protection as a construct or component records it: core's one shape for CDK and Pulumi. */
export type Protection = DatabaseProtection;

/** A protection and the construct that recorded it. */
export interface RecordedProtection {
  readonly construct: string;
  readonly protection: Protection;
}

/** How one kind of protection is told: whether it is a drill, and its line without the construct. */
export interface ProtectionKind {
  /** Whether it restores a backup and checks it (a drill), rather than taking or describing backups. */
  readonly drill: boolean;
  /** The line of the summary. */
  describe(p: Protection): string;
}

const namesOf = (p: Protection) => (p.databaseNames ?? []).join(', ');
/** Where dumps are written: an s3 key prefix, or an Azure Blob URI. */
const storeOf = (p: Protection) => (p.prefix?.includes('://') ? p.prefix : `s3 prefix ${p.prefix}`);

/** How long dumps are kept: the prune's classes and floor with the lifecycle's safety net, or the lifecycle's days. */
export function dumpRetentionOf(p: Protection): string {
  if (!p.retention) return `kept ${p.retentionDays} days`;
  const r = p.retention;
  return `kept by the prune: ${r.daily} daily, ${r.weekly} weekly, ${r.monthly} monthly, ${r.yearly} yearly, never fewer than ${r.minimumKept}`
    + ` (lifecycle safety net ${p.retentionDays} days)`;
}

/**
 * A write-once protection as an on-call engineer reads it: `Object Lock governance 7 days` in S3, `immutable 7 days
 * (governance: can still be shortened)` in Azure Blob, from core's `governance 7 days`.
 */
export function lockOf(p: Protection, lock: string): string {
  if (!p.prefix?.startsWith('azblob://')) return `Object Lock ${lock}`;
  const parsed = /^(governance|compliance) (\d+) days$/.exec(lock);
  if (!parsed) return `immutable ${lock}`;
  return `immutable ${parsed[2]} days (${parsed[1] === 'compliance' ? 'locked: nobody can shorten it' : 'governance: can still be shortened'})`;
}

/** Whether backups are encrypted to age public keys (and where the identity is), and where their offsite copy is. */
export function dumpCopiesOf(p: Protection): string {
  const recipients = p.encryptedTo?.length ?? 0;
  const encrypted = recipients > 0
    ? `encrypted with age to ${recipients} recipient${recipients === 1 ? '' : 's'}${p.identitySecret ? ` (identity in ${p.identitySecret})` : ''}`
    : 'not encrypted with age';
  return `${encrypted}, ${offsiteCopyOf(p)}`;
}

/** Where the offsite copy of the backups is, what keeps it, and how long each replica is write-once. */
export function offsiteCopyOf(p: Protection): string {
  const replica = p.replica;
  if (!replica) return 'no offsite copy';
  const expiry = replica.expirationDays === undefined ? undefined : `${replica.expirationDays} days`;
  const kept = replica.pruned
    ? `, pruned like the dumps${expiry ? ` (its lifecycle safety net ${expiry})` : ''}`
    : `, replicas kept ${expiry ?? 'forever (no expiry at the destination)'}`;
  return `offsite copy in ${replica.destination}${kept}${replica.immutability ? `, each replica ${lockOf(p, replica.immutability)}` : ''}`;
}
const checksOf = (p: Protection, sql = '') => `${p.checks ?? 0}${sql} check(s)`;

/** Every kind of protection the constructs record, by its metadata `kind`. */
export const PROTECTION_KINDS: Readonly<Record<string, ProtectionKind>> = {
  'logical-dump': {
    drill: false,
    // The dumps' own lock comes with where they are and how long they are kept; the offsite copy's with the copy.
    describe: (p) => `pg_dump of ${namesOf(p)} at ${p.schedule} into ${storeOf(p)}, ${dumpRetentionOf(p)}`
      + `${p.objectLock ? `, each dump ${lockOf(p, p.objectLock)}` : ''}, ${dumpCopiesOf(p)}, alarm when none succeeds within ${p.rpoHours} h`
      + `${p.runbook ? `, runbook cdk.out/${p.runbook}` : ''}`,
  },
  'managed-backup': {
    drill: false,
    describe: (p) => `AWS Backup ${p.schedule}; automated backups kept ${p.retentionDays} days`
      + `${p.copies?.length ? `, copies to ${p.copies.join(' and ')}` : ''}${p.vaultLock ? `, vault lock ${p.vaultLock}` : ''}`
      + `${p.rpoHours !== undefined ? `, alarm when no backup job completes within ${p.rpoHours} h` : ''}`,
  },
  'wal-archive': {
    drill: false,
    describe: (p) => `WAL archive of ${namesOf(p)} (${p.archiver}) under s3 prefix ${p.prefix}: PITR over ${p.windowDays} days, `
      + `archive_timeout ${p.archiveTimeoutSeconds} s, base backups ${p.schedule}, WAL kept ${p.retentionDays} days`
      + `${p.objectLock ? `, Object Lock ${p.objectLock}` : ''}${p.encryption ? `, repository encrypted (${p.encryption})` : ''}, ${offsiteCopyOf(p)}`,
  },
  'flexible-server-backup': {
    drill: false,
    describe: (p) => `flexible server backups kept ${p.retentionDays} days, ${p.geoRedundant ? 'geo-redundant' : 'not geo-redundant'}`
      + `${p.summary ? `; vault backups ${p.summary}` : ''}`,
  },
  'cost-estimate': {
    drill: false,
    // The summary names what was estimated (a server and its databases, the dumps, a WAL archive) and its size, then
    // says the cost and what it counts.
    describe: (p) => `storage cost estimate of ${p.summary}`,
  },
  'restore-drill': {
    drill: true,
    describe: (p) => {
      const where = p.restoreTarget === 'scratch-rds'
        ? `large-database drill: the latest dump of ${namesOf(p)} restored into a scratch RDS instance (up to ${p.maxScratchStorageGiB} GiB)`
        : p.restoreTarget === 'auto'
          ? `dump drill of the latest dump of ${namesOf(p)}, into a scratch RDS instance (up to ${p.maxScratchStorageGiB} GiB) when it would not fit the task's disk`
          : `dump drill of the latest dump of ${namesOf(p)}`;
      return `${where} at ${p.schedule}, ${checksOf(p, ' SQL')}, alarm above an RTO of ${p.rtoMinutes} min`;
    },
  },
  'snapshot-drill': {
    drill: true,
    describe: (p) => `snapshot drill of ${namesOf(p)} at ${p.schedule}, ${checksOf(p)}, alarm above an RTO of ${p.rtoMinutes} min`,
  },
  'point-in-time-drill': {
    drill: true,
    describe: (p) => {
      const extra = p.randomExtraLagMinutes ? ` plus up to ${p.randomExtraLagMinutes} min` : '';
      const target = p.summary ?? `${p.targetLagMinutes} min${extra} before it starts`;
      return `point-in-time drill of ${namesOf(p)} to ${target}, at ${p.schedule}, `
        + `${checksOf(p)}, alarm above an RTO of ${p.rtoMinutes} min`;
    },
  },
  'pitr-drill': {
    drill: true,
    describe: (p) => `PITR drill of ${namesOf(p)} from the WAL archive at ${p.schedule}, ${checksOf(p, ' SQL')}, alarm above an RTO of ${p.rtoMinutes} min`,
  },
  'restore-testing': {
    drill: true,
    describe: (p) => `AWS Backup restore testing of the ${p.recoveryPoint} recovery point of the last ${p.selectionWindowDays} days at ${p.schedule}, `
      + (p.checks === undefined ? 'not validated (restore only)' : `validated by ${checksOf(p)}, reported to AWS Backup`),
  },
};

/** Whether a recorded protection is a drill. */
export function isDrill(recorded: RecordedProtection): boolean {
  return PROTECTION_KINDS[recorded.protection.kind]?.drill ?? false;
}

/** The summary line of a recorded protection, naming the construct. */
export function describeProtection({ construct, protection }: RecordedProtection): string {
  const kind = PROTECTION_KINDS[protection.kind];
  return `${kind ? kind.describe(protection) : protection.kind} (${construct})`;
}

/**
 * The lines of what protects one database: its backups, then every drill that proves they restore, or a line saying
 * that none does.
 */
export function databaseProtectionLines(protections: readonly RecordedProtection[]): string[] {
  if (protections.length === 0) return ['NOTHING: no dump or drill covers this database'];
  const backups = protections.filter((recorded) => !isDrill(recorded));
  const drills = protections.filter(isDrill);
  return [
    'backups:',
    ...(backups.length > 0 ? backups.map((recorded) => `  - ${describeProtection(recorded)}`) : ['  none']),
    'drills:',
    ...(drills.length > 0 ? drills.map((recorded) => `  - ${describeProtection(recorded)}`) : ['  none: nothing proves these backups restore']),
  ];
}
