import { sourceKeepsDays } from './blob-object-replication';
import { retentionCounts } from '../policy/backup-retention';
import { DatabaseProtection, ProtectionReplica, describeLock } from '../policy/database-protection';
import { resolveBackupPlan, resolveLogicalDump, resolveVerification } from '../policy/defaults';
import { dumpBucketLifecycleRules } from '../policy/lifecycle';
import { BackupPlanPolicy, ImmutabilityPolicy, LogicalDumpPolicy, VerificationPolicy } from '../policy/policy';
import { renderAzureJobCron } from '../policy/schedule';
import { Validator } from '../policy/validation';

/** What an Azure `ScheduledPgDump` is, as its protections tell it. */
export interface AzureDumpProtectionFacts {
  /** The databases dumped, one job each. */
  readonly databaseNames: readonly string[];
  /** The dump policy as given. */
  readonly dump: LogicalDumpPolicy;
  /** Where the dumps are: `azblob://account/container/prefix`. */
  readonly uri: string;
  /** Key prefix of the dumps in the container (without a trailing `/`). */
  readonly prefix: string;
  /** Hours without a complete dump before the RPO watch pages. */
  readonly rpoHours: number;
  /** Version-level immutability of the dumps. @default - none */
  readonly immutability?: ImmutabilityPolicy;
  /** The age recipients, when the dumps are encrypted. @default - not encrypted */
  readonly recipients?: readonly string[];
  /** The Key Vault secret URI of the age identity. @default - not given */
  readonly identitySecret?: string;
  /** The offsite copy, as core's object replication plan records it. @default - none */
  readonly replica?: ProtectionReplica;
  /** The restore drills' policy. @default - no drill */
  readonly verification?: VerificationPolicy;
}

/**
 * The protections of an Azure `ScheduledPgDump`, per database: its dumps (schedule, where, how long they are kept — the
 * prune's classes and floor with the lifecycle's safety net, or the lifecycle's days —, encryption, immutability and
 * offsite copy) and, with `verification`, the restore drill that proves they restore.
 */
export function azureDumpProtections(facts: AzureDumpProtectionFacts): DatabaseProtection[] {
  const dump = resolveLogicalDump(facts.dump);
  const lifecycle = dumpBucketLifecycleRules(facts.dump, { prefix: `${facts.prefix}/`, validator: new Validator() });
  const objectLock = describeLock(facts.immutability);
  const verification = facts.verification && resolveVerification(facts.verification);
  return facts.databaseNames.flatMap((database): DatabaseProtection[] => [
    {
      kind: 'logical-dump',
      databaseNames: [database],
      schedule: `${renderAzureJobCron(dump.schedule, 'dump.schedule')} UTC`,
      prefix: facts.uri,
      retentionDays: sourceKeepsDays(lifecycle),
      ...(dump.retention ? { retention: retentionCounts(dump.retention) } : {}),
      ...(objectLock ? { objectLock } : {}),
      rpoHours: facts.rpoHours,
      ...(facts.recipients ? { encryptedTo: [...facts.recipients] } : {}),
      ...(facts.recipients && facts.identitySecret ? { identitySecret: facts.identitySecret } : {}),
      // The prune jobs prune the replicas whenever the dumps have a retention.
      ...(facts.replica ? { replica: { ...facts.replica, ...(dump.retention ? { pruned: true } : {}) } } : {}),
    },
    ...(verification ? [{
      kind: 'restore-drill',
      databaseNames: [database],
      schedule: `${renderAzureJobCron(verification.schedule, 'verification.schedule')} UTC`,
      rtoMinutes: verification.maxRestoreDurationMinutes,
      checks: verification.checks.length,
    }] : []),
  ]);
}

/**
 * The protection of a flexible server by its own backups (the front end adds their retention and geo-redundancy, which
 * may be known only at deploy time) and, with `backupPlan`, by the Azure Backup vault's rules.
 */
export function flexibleServerBackupProtection(options: { readonly backupPlan?: BackupPlanPolicy }): DatabaseProtection {
  const rules = options.backupPlan ? resolveBackupPlan(options.backupPlan).rules : [];
  return {
    kind: 'flexible-server-backup',
    ...(rules.length > 0 ? { summary: rules.map((rule) => `${rule.name} (${rule.frequency}) kept ${rule.retentionDays} d`).join('; ') } : {}),
  };
}
