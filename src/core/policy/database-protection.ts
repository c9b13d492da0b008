import type { CostEstimate } from './cost-estimate';

/**
 * What protects a database, as every backup construct and component records it: one shape for CDK (construct metadata
 * of type {@link PROTECTION_METADATA_TYPE}) and Pulumi (the component output named {@link PROTECTIONS_OUTPUT}), so a
 * tool that reports protection (the examples' summary, an inventory) reads both the same way. Core's plans decide
 * each record; the front ends add only `database`, which names the database in their own terms.
 */

/** The construct metadata type under which CDK constructs record a {@link DatabaseProtection}. */
export const PROTECTION_METADATA_TYPE = 'postgres-backup-constructs:protection';

/** The output of a Pulumi component that holds its {@link DatabaseProtection} records. */
export const PROTECTIONS_OUTPUT = 'protections';

/** Grandfather-father-son classes and floor of a dump retention, as a protection records them. */
export interface ProtectionRetention {
  /** Newest days kept. */
  readonly daily: number;
  /** Newest ISO weeks kept. */
  readonly weekly: number;
  /** Newest months kept. */
  readonly monthly: number;
  /** Newest years kept. */
  readonly yearly: number;
  /** Complete backups never deleted, whatever their class. */
  readonly minimumKept: number;
}

/** The offsite copy of a backup store, as a protection records it. */
export interface ProtectionReplica {
  /** Where the copy is: `bucket arn:aws:s3:::… in us-east-1`, `storage account shopdr in northeurope`. */
  readonly destination: string;
  /** Its write-once protection, as {@link describeLock} says it: `governance 7 days`, `compliance 30 days`. @default - none */
  readonly immutability?: string;
  /**
   * Days the destination's lifecycle keeps a replica after it was written (the safety net when the copy is pruned).
   * @default - replicas never expire there
   */
  readonly expirationDays?: number;
  /** Whether the prune task prunes the copy with the dumps' retention (`pg-backup prune --replica`). @default false */
  readonly pruned?: boolean;
}

/**
 * One protection of a database: a kind of backup (`logical-dump`, `managed-backup`, `wal-archive`,
 * `flexible-server-backup`), a drill that restores one (`restore-drill`, `snapshot-drill`, `point-in-time-drill`,
 * `pitr-drill`, `restore-testing`), or a `cost-estimate`. Fields a kind does not have are absent.
 */
export interface DatabaseProtection {
  /** What it is. */
  readonly kind: string;
  /**
   * The database it protects, in the front end's terms: a construct path (CDK), a resource URN, id or host name
   * (Pulumi).
   * @default - a database given by secret or name only
   */
  readonly database?: string;
  /** The databases (by PostgreSQL name) it covers. @default - the whole server */
  readonly databaseNames?: readonly string[];
  /** When it runs, as the scheduler reads it. @default - not scheduled */
  readonly schedule?: string;
  /** Where its backups are: a key prefix, or a `azblob://` URI. @default - not stated */
  readonly prefix?: string;
  /** Days its backups are kept (for dumps with `retention`, the lifecycle's safety net). @default - not stated */
  readonly retentionDays?: number;
  /** The grandfather-father-son classes a prune keeps. @default - kept by age alone */
  readonly retention?: ProtectionRetention;
  /** Write-once protection of the store: `governance 14 days`. @default - none */
  readonly objectLock?: string;
  /** Hours without a good backup before the alarm. @default - no alarm */
  readonly rpoHours?: number;
  /** Minutes a drill may take before its alarm. @default - not a drill */
  readonly rtoMinutes?: number;
  /** Checks a drill runs. @default - none */
  readonly checks?: number;
  /** Copies of managed backups: `region us-east-1`, `account 210987654321`. @default - none */
  readonly copies?: readonly string[];
  /** The vault lock of managed backups. @default - none */
  readonly vaultLock?: string;
  /** The runbook's path in the cloud assembly. @default - none */
  readonly runbook?: string;
  /** The estimated storage cost. @default - no estimate */
  readonly monthlyCostUsd?: number;
  /** A one-line account of what it is (a cost estimate's split, a managed plan's rules). @default - none */
  readonly summary?: string;
  /** The WAL archiver. @default - not a WAL archive */
  readonly archiver?: string;
  /** Days of point-in-time recovery. @default - none */
  readonly windowDays?: number;
  /** `archive_timeout` in seconds. @default - not a WAL archive */
  readonly archiveTimeoutSeconds?: number;
  /** How long before the drill starts its recovery target is. @default - not a point-in-time drill */
  readonly targetLagMinutes?: number;
  /** The random lag added to `targetLagMinutes`. @default - none */
  readonly randomExtraLagMinutes?: number;
  /** Where a dump drill restores: `task`, `scratch-rds` or `auto`. @default 'task' */
  readonly restoreTarget?: string;
  /** The largest scratch RDS storage a drill may create. @default - no scratch RDS */
  readonly maxScratchStorageGiB?: number;
  /** Which recovery point restore testing picks. @default - not restore testing */
  readonly recoveryPoint?: string;
  /** The window restore testing picks recovery points from. @default - not restore testing */
  readonly selectionWindowDays?: number;
  /** The age recipients (public keys) the backups are encrypted to. @default - not encrypted with age */
  readonly encryptedTo?: readonly string[];
  /** Where the identity that decrypts them is kept (a secret ARN or name, a Key Vault secret URI). @default - not stated */
  readonly identitySecret?: string;
  /** The offsite copy of the backups. @default - none */
  readonly replica?: ProtectionReplica;
  /** How a WAL archive's repository is encrypted: `aes-256-cbc` (pgBackRest), `libsodium` (WAL-G). @default - not stated */
  readonly encryption?: string;
  /** What expires a WAL archive: the archiver, or the bucket lifecycle. @default - not stated */
  readonly expireBy?: string;
  /** Whether the managed backups are geo-redundant. @default - not stated */
  readonly geoRedundant?: boolean;
}

/** How a protection describes an S3 Object Lock or vault lock: `governance 14 days`. */
export function describeLock(lock: { readonly mode?: string; readonly days: number } | undefined): string | undefined {
  return lock ? `${lock.mode ?? 'governance'} ${lock.days} days` : undefined;
}

/** A storage-cost estimate as a protection record (`cost-estimate`) of the databases it covers. */
export function costEstimateProtection(estimate: CostEstimate, databaseNames: readonly string[]): DatabaseProtection {
  return {
    kind: 'cost-estimate',
    databaseNames: [...databaseNames],
    monthlyCostUsd: Math.round(estimate.totalMonthlyUsd * 100) / 100,
    summary: estimate.summary,
  };
}
