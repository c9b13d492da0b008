/**
 * The backup-plan rules of the policy rendered as an Azure Backup (Data Protection) policy for
 * PostgreSQL flexible servers: the long-term retention that extends the server's own 7–35 days.
 */
import { resolveBackupPlan } from '../../core/policy/defaults';
import { BackupPlanPolicy, BackupFrequency } from '../../core/policy/policy';
import { AZURE_BACKUP_MAX_RETENTION_DAYS } from '../../core/policy/rules/backup-plan';
import { parseSchedule, renderAzureJobCron } from '../../core/policy/schedule';
import { Validator } from '../../core/policy/validation';

/** The datasource type of a PostgreSQL flexible server in Azure Backup. */
export const FLEXIBLE_SERVER_DATASOURCE_TYPE = 'Microsoft.DBforPostgreSQL/flexibleServers';

/** The longest retention Azure Backup keeps a PostgreSQL flexible server backup: ten years (core's limit). */
export const MAX_VAULT_RETENTION_DAYS = AZURE_BACKUP_MAX_RETENTION_DAYS;

/** Where recovery points live: PostgreSQL flexible server backups only support the vault store. */
export interface VaultDataStore {
  /** Always `VaultStore`. */
  readonly dataStoreType: 'VaultStore';
  /** Always `DataStoreInfoBase`. */
  readonly objectType: 'DataStoreInfoBase';
}

/** A tag that selects which backups a retention rule keeps. */
export interface VaultTaggingCriteria {
  /** Whether this is the tag every backup gets. */
  readonly isDefault: boolean;
  /** Lower numbers win when a backup matches several tags. */
  readonly taggingPriority: number;
  /** The tag, named like its retention rule. */
  readonly tagInfo: { readonly tagName: string };
  /**
   * Which backups get the tag: the first of each week or month.
   * @default - every backup (the default tag)
   */
  readonly criteria?: Array<{ readonly objectType: 'ScheduleBasedBackupCriteria'; readonly absoluteCriteria: string[] }>;
}

/** The rule that takes backups on a schedule. */
export interface VaultBackupRule {
  /** Always `AzureBackupRule`. */
  readonly objectType: 'AzureBackupRule';
  /** Rule name. */
  readonly name: string;
  /** Full backups. */
  readonly backupParameters: { readonly objectType: 'AzureBackupParams'; readonly backupType: 'Full' };
  /** Where they land. */
  readonly dataStore: VaultDataStore;
  /** When they run, and how they are tagged. */
  readonly trigger: {
    readonly objectType: 'ScheduleBasedTriggerContext';
    readonly schedule: { readonly repeatingTimeIntervals: string[]; readonly timeZone: string };
    readonly taggingCriteria: VaultTaggingCriteria[];
  };
}

/** How long the backups of one tag are kept. */
export interface VaultRetentionRule {
  /** Always `AzureRetentionRule`. */
  readonly objectType: 'AzureRetentionRule';
  /** The tag name it applies to (`Default`, `Weekly`, `Monthly`). */
  readonly name: string;
  /** Whether it applies to every backup without a more specific tag. */
  readonly isDefault: boolean;
  /** Deletion after an ISO-8601 duration such as `P30D`. */
  readonly lifecycles: Array<{
    readonly deleteAfter: { readonly objectType: 'AbsoluteDeleteOption'; readonly duration: string };
    readonly sourceDataStore: VaultDataStore;
    readonly targetDataStoreCopySettings: never[];
  }>;
}

/** The `properties` of a `Microsoft.DataProtection/backupVaults/backupPolicies` resource. */
export interface VaultBackupPolicy {
  /** The datasource the policy is for. */
  readonly datasourceTypes: string[];
  /** Always `BackupPolicy`. */
  readonly objectType: 'BackupPolicy';
  /** The backup rule, then the retention rules. */
  readonly policyRules: Array<VaultBackupRule | VaultRetentionRule>;
}

const VAULT_STORE: VaultDataStore = { dataStoreType: 'VaultStore', objectType: 'DataStoreInfoBase' };
const TRIGGER_FREQUENCIES: readonly BackupFrequency[] = ['daily', 'weekly'];
const TAGS: Partial<Record<BackupFrequency, { tagName: string; priority: number; criterion: string }>> = {
  weekly: { tagName: 'Weekly', priority: 20, criterion: 'FirstOfWeek' },
  monthly: { tagName: 'Monthly', priority: 15, criterion: 'FirstOfMonth' },
};
/** A past date for each weekday (2024-01-07 was a Sunday), the start of the repeating interval. */
const START_DATE_BY_WEEKDAY = ['2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13'];

/**
 * Renders the backup-plan rules as an Azure Backup policy for PostgreSQL flexible servers, reporting through
 * `validator` what Azure cannot do. The vault takes one kind of backup, daily or weekly: the `daily` rule when
 * there is one, else the `weekly` one, at the time of its schedule (converted to UTC), kept `retentionDays`.
 * The other rules keep some of those backups longer, as Azure's retention tags do: a `weekly` rule keeps the
 * first backup of each week, a `monthly` rule the first of each month. Hence at most one rule a frequency,
 * no hourly rule, no schedule on a tagging rule, retention from 1 day to ten years and no continuous backup (the
 * server's own backups are that); cold storage is refused by the policy check (`checkBackupPlan`), since these backups
 * live only in the vault store.
 * Returns `undefined` when there is nothing to render or a problem was found.
 */
export function renderVaultBackupPolicy(plan: BackupPlanPolicy, validator: Validator, path = 'backupPlan'): VaultBackupPolicy | undefined {
  if (validator.isUnresolved(plan)) return undefined;
  const before = validator.issues.length;
  if (plan.continuousBackupRetentionDays !== undefined) {
    validator.report({
      path: `${path}.continuousBackupRetentionDays`,
      value: plan.continuousBackupRetentionDays,
      allowed: 'unset on Azure',
      reason: 'a flexible server\'s own backups are its continuous backup: set managedSnapshots.backupRetentionDays (7 to 35 days)',
    });
  }
  const rules = plan.rules ?? [];
  if (validator.isUnresolved(rules)) return undefined;
  const byFrequency = new Map<BackupFrequency, number>();
  rules.forEach((rule, index) => {
    const rulePath = `${path}.rules[${index}]`;
    if (validator.isUnresolved(rule)) return;
    if (rule.frequency === 'hourly') {
      validator.report({ path: `${rulePath}.frequency`, value: rule.frequency, allowed: 'one of: daily, weekly, monthly', reason: 'Azure Backup takes PostgreSQL flexible server backups at most daily' });
    } else if (byFrequency.has(rule.frequency)) {
      validator.report({
        path: `${rulePath}.frequency`,
        value: rule.frequency,
        allowed: `a frequency no other rule has (${path}.rules[${byFrequency.get(rule.frequency)}] is ${rule.frequency})`,
        reason: 'Azure Backup keeps one retention per tag: one daily, one weekly and one monthly rule at most',
      });
    } else {
      byFrequency.set(rule.frequency, index);
    }
    validator.integer(`${rulePath}.retentionDays`, rule.retentionDays, 1, MAX_VAULT_RETENTION_DAYS, 'days');
  });
  if (rules.length === 0) return undefined;
  const triggerFrequency = TRIGGER_FREQUENCIES.find((frequency) => byFrequency.has(frequency));
  if (triggerFrequency === undefined) {
    validator.report({
      path: `${path}.rules`,
      value: rules.map((rule) => rule.frequency),
      allowed: 'a daily or weekly rule among them',
      reason: 'the vault takes backups daily or weekly; a monthly rule keeps the first backup of each month longer',
    }, []);
    return undefined;
  }
  const triggerIndex = byFrequency.get(triggerFrequency)!;
  const trigger = rules[triggerIndex];
  const resolved = resolveBackupPlan(plan).rules[triggerIndex];
  const interval = repeatingInterval(resolved.schedule, triggerFrequency, validator, `${path}.rules[${triggerIndex}].schedule`);

  const tagged: Array<{ index: number; tag: { tagName: string; priority: number; criterion: string } }> = [];
  for (const [frequency, index] of byFrequency) {
    const tag = TAGS[frequency];
    if (index === triggerIndex || tag === undefined) continue;
    const rule = rules[index];
    const rulePath = `${path}.rules[${index}]`;
    if (rule.schedule !== undefined) {
      validator.report({
        path: `${rulePath}.schedule`,
        value: rule.schedule,
        allowed: 'unset',
        reason: `${path}.rules[${triggerIndex}] takes the backups; a ${frequency} rule keeps the first of each ${frequency === 'weekly' ? 'week' : 'month'} longer`,
      });
    }
    if (!validator.isUnresolved(rule.retentionDays, trigger.retentionDays) && rule.retentionDays < trigger.retentionDays) {
      validator.report({
        path: `${rulePath}.retentionDays`,
        value: rule.retentionDays,
        allowed: `at least ${trigger.retentionDays} days (${path}.rules[${triggerIndex}].retentionDays)`,
        reason: 'a retention tag can only keep a backup longer than every backup is kept',
      });
    }
    tagged.push({ index, tag });
  }
  if (validator.issues.length > before || interval === undefined) return undefined;

  const retention = (name: string, isDefault: boolean, days: number): VaultRetentionRule => ({
    objectType: 'AzureRetentionRule',
    name,
    isDefault,
    lifecycles: [{ deleteAfter: { objectType: 'AbsoluteDeleteOption', duration: `P${days}D` }, sourceDataStore: VAULT_STORE, targetDataStoreCopySettings: [] }],
  });
  const backupRule: VaultBackupRule = {
    objectType: 'AzureBackupRule',
    name: triggerFrequency === 'daily' ? 'BackupDaily' : 'BackupWeekly',
    backupParameters: { objectType: 'AzureBackupParams', backupType: 'Full' },
    dataStore: VAULT_STORE,
    trigger: {
      objectType: 'ScheduleBasedTriggerContext',
      schedule: { repeatingTimeIntervals: [interval], timeZone: 'UTC' },
      taggingCriteria: [
        { isDefault: true, taggingPriority: 99, tagInfo: { tagName: 'Default' } },
        ...tagged.map(({ tag }) => ({
          isDefault: false,
          taggingPriority: tag.priority,
          tagInfo: { tagName: tag.tagName },
          criteria: [{ objectType: 'ScheduleBasedBackupCriteria' as const, absoluteCriteria: [tag.criterion] }],
        })),
      ],
    },
  };
  return {
    datasourceTypes: [FLEXIBLE_SERVER_DATASOURCE_TYPE],
    objectType: 'BackupPolicy',
    policyRules: [
      backupRule,
      retention('Default', true, trigger.retentionDays),
      ...tagged.map(({ index, tag }) => retention(tag.tagName, false, rules[index].retentionDays)),
    ],
  };
}

/**
 * `R/<first run>/P1D` or `R/<first run>/P1W`: the ISO-8601 repeating interval of a daily or weekly schedule,
 * which must name one time of day (and, weekly, one weekday) in UTC.
 */
function repeatingInterval(
  schedule: { expression: string; timezone?: string },
  frequency: BackupFrequency,
  validator: Validator,
  path: string,
): string | undefined {
  if (validator.isUnresolved(schedule, schedule.expression, schedule.timezone)) return undefined;
  let utc;
  try {
    utc = parseSchedule({ expression: renderAzureJobCron(schedule, path), timezone: 'UTC' }, path);
  } catch {
    // Invalid schedules are reported by core's schedule rules under the same path.
    return undefined;
  }
  if (utc.kind !== 'cron') return undefined;
  const weekly = frequency === 'weekly';
  const single = utc.minutes.length === 1 && utc.hours.length === 1 && !utc.daysOfMonth && !utc.months
    && (weekly ? utc.daysOfWeek?.length === 1 : !utc.daysOfWeek);
  if (!single) {
    validator.report({
      path: `${path}.expression`,
      value: schedule.expression,
      allowed: weekly ? 'one run a week: one minute, one hour and one weekday, e.g. "0 5 * * 0"' : 'one run a day: one minute and one hour, e.g. "0 5 * * *"',
      reason: `Azure Backup repeats a ${frequency} backup at one time`,
    });
    return undefined;
  }
  const time = `${pad(utc.hours[0])}:${pad(utc.minutes[0])}:00+00:00`;
  const date = START_DATE_BY_WEEKDAY[weekly ? utc.daysOfWeek![0] : 0];
  return `R/${date}T${time}/${weekly ? 'P1W' : 'P1D'}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
