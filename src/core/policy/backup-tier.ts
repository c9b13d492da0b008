import { BackupPolicy, CopyPolicy, DatabasePlatform, ImmutabilityPolicy } from './policy';
import { PolicyValidationError, PropPaths, ValidationIssue } from './validation';

/**
 * What a tier needs from the deployment to become a policy. Destinations of copies are not part of a
 * tier (they differ per organisation): a tier that copies to another region or account asks for them here.
 */
export interface BackupTierOptions {
  /**
   * Platform the policy is rendered for.
   * @default 'aws'
   */
  readonly platform?: DatabasePlatform;
  /**
   * The database's region, so a copy into the same region is rejected.
   * @default - unknown: not checked
   */
  readonly sourceRegion?: string;
  /**
   * Region of the cross-region copy. Required by tiers that copy to another region (GOLD, SILVER).
   * @default - none; a tier that needs it throws
   */
  readonly copyRegion?: string;
  /**
   * Account (AWS account id, or Azure subscription id) of the cross-account copy. Required by tiers that
   * copy to another account (GOLD).
   * @default - none; a tier that needs it throws
   */
  readonly copyAccount?: string;
  /**
   * Region of the cross-account copy.
   * @default - the source region
   */
  readonly copyAccountRegion?: string;
  /**
   * ARN of the AWS Backup vault in `copyRegion` that the cross-region copy goes to (create it there first). AWS needs it
   * for tiers that copy to another region (GOLD, SILVER).
   * @default - none; on AWS a tier that copies to another region is refused without it
   */
  readonly copyRegionVaultArn?: string;
  /**
   * ARN of the AWS Backup vault in `copyAccount` that the cross-account copy goes to (create it there first, shared with
   * this account). AWS needs it for tiers that copy to another account (GOLD).
   * @default - none; on AWS a tier that copies to another account is refused without it
   */
  readonly copyAccountVaultArn?: string;
  /**
   * Where notifications go (an SNS topic ARN, an Azure action group id).
   * @default - a topic or action group is created
   */
  readonly notificationTarget?: string;
}

/**
 * Parts of a policy that replace or refine a tier's: any section of {@link BackupPolicy}. Each section given
 * is merged prop by prop over the tier's section (a list, such as `backupPlan.rules` or `copies`, replaces
 * the tier's list); a section not given stays the tier's.
 */
export interface BackupTierOverrides extends Omit<BackupPolicy, 'immutability'> {
  /**
   * Immutability, merged over the tier's: a lock's mode or days alone may be given.
   * @default - the tier's
   */
  readonly immutability?: Partial<ImmutabilityPolicy>;
}

/** A section of {@link BackupPolicy} that {@link BackupTier.without} can remove. */
export type BackupPolicySection =
  | 'logicalDump' | 'managedSnapshots' | 'backupPlan' | 'copies' | 'pitr' | 'verification' | 'alarms' | 'immutability';

type PolicyBuilder = (options: BackupTierOptions) => BackupPolicy;

/**
 * A named backup policy preset. `GOLD`, `SILVER` and `BRONZE` encode common protection levels; derive
 * your own with {@link BackupTier.with}, {@link BackupTier.without} or {@link BackupTier.custom}.
 *
 * A tier carries every section (dumps, managed snapshots, backup plan, PITR, drills, alarms, locks); each
 * construct reads the sections it implements, so the same tier fits a managed and a self-hosted database.
 *
 * Copies need destinations only the deployment knows, so a tier is a function of
 * {@link BackupTierOptions}: {@link BackupTier.policy} fills them in, and throws a
 * {@link PolicyValidationError} naming `copyRegion` or `copyAccount` when a tier that copies is not
 * given one, rather than producing a policy without its offsite copy.
 */
export class BackupTier {
  /**
   * Critical databases: PITR over 14 days, hourly recovery points (RPO 2 h), daily dumps kept 35 days,
   * weekly restore drill (RTO 1 h), copies to a second region and a second account, compliance-mode lock.
   */
  public static readonly GOLD = new BackupTier('GOLD', (options) => ({
    platform: options.platform,
    sourceRegion: options.sourceRegion,
    logicalDump: { format: 'directory', jobs: 4, includeGlobals: true, retentionDays: 35 },
    managedSnapshots: { backupRetentionDays: 14, copyTagsToSnapshot: true, finalSnapshot: true },
    backupPlan: {
      rules: [
        { name: 'hourly', frequency: 'hourly', retentionDays: 7 },
        { name: 'daily', frequency: 'daily', retentionDays: 35 },
        { name: 'weekly', frequency: 'weekly', retentionDays: 90 },
        { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
      ],
      continuousBackupRetentionDays: 14,
    },
    copies: [
      { destination: 'region', region: options.copyRegion, vaultArn: options.copyRegionVaultArn, retentionDays: 35 },
      { destination: 'account', account: options.copyAccount, region: options.copyAccountRegion, vaultArn: options.copyAccountVaultArn, retentionDays: 35 },
    ],
    // Object Lock forbids the archiver's own expire, so the lifecycle rule deletes old WAL and backups.
    pitr: { windowDays: 14, retainFull: 3, archiveTimeoutSeconds: 60, expireBy: 'lifecycle' },
    verification: { schedule: { expression: '0 6 * * 1', timezone: 'UTC' }, maxRestoreDurationMinutes: 60 },
    alarms: { rpoHours: 2, notificationTarget: options.notificationTarget },
    immutability: { mode: 'compliance', days: 7 },
  }));

  /**
   * Important databases: PITR over 7 days, daily dumps kept 14 days, weekly restore drill (RTO 2 h),
   * a copy to a second region, governance-mode lock.
   */
  public static readonly SILVER = new BackupTier('SILVER', (options) => ({
    platform: options.platform,
    sourceRegion: options.sourceRegion,
    logicalDump: { format: 'custom', retentionDays: 14 },
    managedSnapshots: { backupRetentionDays: 7, copyTagsToSnapshot: true, finalSnapshot: true },
    backupPlan: {
      rules: [
        { name: 'daily', frequency: 'daily', retentionDays: 14 },
        { name: 'weekly', frequency: 'weekly', retentionDays: 35 },
      ],
      continuousBackupRetentionDays: 7,
    },
    copies: [{ destination: 'region', region: options.copyRegion, vaultArn: options.copyRegionVaultArn, retentionDays: 14 }],
    pitr: { windowDays: 7, retainFull: 2, archiveTimeoutSeconds: 60, expireBy: 'lifecycle' },
    verification: { schedule: { expression: '0 6 * * 1', timezone: 'UTC' }, maxRestoreDurationMinutes: 120 },
    alarms: { rpoHours: 26, notificationTarget: options.notificationTarget },
    immutability: { mode: 'governance', days: 7 },
  }));

  /**
   * Everything else: daily dumps kept 7 days, daily snapshots kept 7 days, a monthly restore drill
   * (RTO 4 h); no PITR, no copies, no lock.
   */
  public static readonly BRONZE = new BackupTier('BRONZE', (options) => ({
    platform: options.platform,
    sourceRegion: options.sourceRegion,
    logicalDump: { format: 'custom', retentionDays: 7 },
    managedSnapshots: { backupRetentionDays: 7, copyTagsToSnapshot: true, finalSnapshot: true },
    backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 7 }] },
    verification: { schedule: { expression: '0 6 1 * *', timezone: 'UTC' }, maxRestoreDurationMinutes: 240 },
    alarms: { rpoHours: 26, notificationTarget: options.notificationTarget },
  }));

  /**
   * A tier of your own: a fixed policy, or a function of the deployment's options (to place copies).
   */
  public static custom(name: string, policy: BackupPolicy | PolicyBuilder): BackupTier {
    return new BackupTier(name, typeof policy === 'function' ? policy : () => policy);
  }

  private constructor(
    /** The tier's name, e.g. `GOLD`. */
    public readonly name: string,
    private readonly build: PolicyBuilder,
  ) {}

  /**
   * A tier that is this one with some parts changed: each section given is merged prop by prop over
   * this tier's section; lists (`backupPlan.rules`, `copies`, `tables`, …) replace this tier's.
   */
  public with(overrides: BackupTierOverrides, name = `${this.name}*`): BackupTier {
    return new BackupTier(name, (options) => mergePolicy(this.build(options), overrides));
  }

  /** A tier that is this one without the given sections (e.g. no `pitr` for a database that has its own). */
  public without(...sections: BackupPolicySection[]): BackupTier {
    return new BackupTier(`${this.name}*`, (options) => {
      const policy: Record<string, unknown> = { ...this.build(options) };
      for (const section of sections) delete policy[section];
      return policy as BackupPolicy;
    });
  }

  /**
   * The tier's policy for one deployment. Throws a {@link PolicyValidationError} when a copy the tier
   * makes has no destination (`copyRegion`, `copyAccount`); everything else is checked by
   * {@link validatePolicy}, which the front ends run on the result.
   */
  public policy(options: BackupTierOptions = {}): BackupPolicy {
    const policy = this.build(options);
    const issues: ValidationIssue[] = [];
    // A copy without its destination usually lacks its vault too: both are asked for at once, not one a synthesis.
    const vaultIssue = (option: keyof BackupTierOptions): ValidationIssue => ({
      path: option, value: undefined, allowed: 'the ARN of the destination vault, "arn:aws:backup:<region>:<account>:backup-vault:<name>" (create it in the destination first)',
    });
    (policy.copies ?? []).forEach((copy, index) => {
      if (copy.destination === 'region' && copy.region === undefined) {
        issues.push({ path: 'copyRegion', value: undefined, allowed: `a region for copies[${index}]`, reason: `the ${this.name} tier copies every backup to a second region` });
        if (copy.vaultArn === undefined) issues.push(vaultIssue('copyRegionVaultArn'));
      }
      if (copy.destination === 'account' && copy.account === undefined) {
        issues.push({ path: 'copyAccount', value: undefined, allowed: `an account for copies[${index}]`, reason: `the ${this.name} tier copies every backup to a second account` });
        if (copy.vaultArn === undefined) issues.push(vaultIssue('copyAccountVaultArn'));
      }
    });
    if (issues.length > 0) throw new PolicyValidationError(issues);
    return withoutUndefined(policy);
  }
}

/** The options a copy of each destination takes its region, account and vault from, when a tier builds it from them. */
const COPY_OPTIONS: Record<CopyPolicy['destination'], Partial<Record<'region' | 'account' | 'vaultArn', keyof BackupTierOptions>>> = {
  region: { region: 'copyRegion', vaultArn: 'copyRegionVaultArn' },
  account: { account: 'copyAccount', region: 'copyAccountRegion', vaultArn: 'copyAccountVaultArn' },
};

/**
 * Where a tier's policy took values from the {@link BackupTierOptions} the user gave (under `prefix`, e.g. a blueprint's
 * `tierOptions`): each policy path holding an option's value maps to that option (`copies[0].vaultArn` to
 * `tierOptions.copyRegionVaultArn`), so a problem with the value names the prop the user wrote, not the copy the tier
 * built from it. A copy whose destination came from the options and that has no vault is missing its option's vault.
 */
export function tierOptionPropPaths(policy: BackupPolicy, given: BackupTierOptions | undefined, prefix: string): PropPaths {
  const paths: Record<string, string> = {};
  if (given === undefined) return paths;
  const fromOption = (path: string, value: unknown, option: keyof BackupTierOptions | undefined) => {
    if (option !== undefined && given[option] !== undefined && value === given[option]) paths[path] = `${prefix}.${option}`;
  };
  (Array.isArray(policy.copies) ? policy.copies : []).forEach((copy, index) => {
    const options = copy && COPY_OPTIONS[copy.destination];
    if (options === undefined) return;
    for (const field of ['region', 'account', 'vaultArn'] as const) fromOption(`copies[${index}].${field}`, copy[field], options[field]);
    const destination = copy.destination === 'region' ? 'region' : 'account';
    if (copy.vaultArn === undefined && paths[`copies[${index}].${destination}`] !== undefined) {
      paths[`copies[${index}].vaultArn`] = `${prefix}.${options.vaultArn}`;
    }
  });
  fromOption('alarms.notificationTarget', policy.alarms?.notificationTarget, 'notificationTarget');
  return paths;
}

function mergePolicy(base: BackupPolicy, overrides: BackupTierOverrides): BackupPolicy {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = merged[key];
    const isSection = typeof value === 'object' && value !== null && !Array.isArray(value);
    merged[key] = isSection && typeof current === 'object' && current !== null ? { ...current, ...value } : value;
  }
  return merged as BackupPolicy;
}

/** Drops props left `undefined` by unset options, so the policy reads as if they were never written. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  // Only plain objects are rebuilt: a Pulumi output or any other class instance is kept as it is.
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) result[key] = withoutUndefined(inner);
  }
  return result as T;
}
