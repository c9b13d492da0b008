import { BackupPlanPolicy } from '../../../src/core/policy/policy';
import { formatIssue, Validator } from '../../../src/core/policy/validation';
import { renderVaultBackupPolicy } from '../../../src/pulumi/azure/vault-backup-policy';

function render(plan: BackupPlanPolicy) {
  const validator = new Validator();
  const policy = renderVaultBackupPolicy(plan, validator);
  return { policy, messages: validator.issues.map(formatIssue) };
}

describe('renderVaultBackupPolicy', () => {
  test('a daily rule takes the backups at its UTC time and the weekly and monthly rules keep the first of each week and month longer', () => {
    const { policy, messages } = render({
      rules: [
        { name: 'daily', frequency: 'daily', retentionDays: 30, schedule: { expression: '30 3 * * *' } },
        { name: 'weekly', frequency: 'weekly', retentionDays: 90 },
        { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
      ],
    });
    expect(messages).toEqual([]);
    expect(policy).toEqual({
      datasourceTypes: ['Microsoft.DBforPostgreSQL/flexibleServers'],
      objectType: 'BackupPolicy',
      policyRules: [
        {
          objectType: 'AzureBackupRule',
          name: 'BackupDaily',
          backupParameters: { objectType: 'AzureBackupParams', backupType: 'Full' },
          dataStore: { dataStoreType: 'VaultStore', objectType: 'DataStoreInfoBase' },
          trigger: {
            objectType: 'ScheduleBasedTriggerContext',
            schedule: { repeatingTimeIntervals: ['R/2024-01-07T03:30:00+00:00/P1D'], timeZone: 'UTC' },
            taggingCriteria: [
              { isDefault: true, taggingPriority: 99, tagInfo: { tagName: 'Default' } },
              { isDefault: false, taggingPriority: 20, tagInfo: { tagName: 'Weekly' }, criteria: [{ objectType: 'ScheduleBasedBackupCriteria', absoluteCriteria: ['FirstOfWeek'] }] },
              { isDefault: false, taggingPriority: 15, tagInfo: { tagName: 'Monthly' }, criteria: [{ objectType: 'ScheduleBasedBackupCriteria', absoluteCriteria: ['FirstOfMonth'] }] },
            ],
          },
        },
        expect.objectContaining({ objectType: 'AzureRetentionRule', name: 'Default', isDefault: true, lifecycles: [expect.objectContaining({ deleteAfter: { objectType: 'AbsoluteDeleteOption', duration: 'P30D' } })] }),
        expect.objectContaining({ name: 'Weekly', isDefault: false, lifecycles: [expect.objectContaining({ deleteAfter: { objectType: 'AbsoluteDeleteOption', duration: 'P90D' } })] }),
        expect.objectContaining({ name: 'Monthly', isDefault: false, lifecycles: [expect.objectContaining({ deleteAfter: { objectType: 'AbsoluteDeleteOption', duration: 'P365D' } })] }),
      ],
    });
  });

  test('a weekly rule alone takes weekly backups on the weekday of its schedule (Sunday 05:00 UTC by default)', () => {
    expect(render({ rules: [{ name: 'w', frequency: 'weekly', retentionDays: 60 }] }).policy?.policyRules[0])
      .toMatchObject({ name: 'BackupWeekly', trigger: { schedule: { repeatingTimeIntervals: ['R/2024-01-07T05:00:00+00:00/P1W'] } } });
    expect(render({ rules: [{ name: 'w', frequency: 'weekly', retentionDays: 60, schedule: { expression: '15 22 * * 3' } }] }).policy?.policyRules[0])
      .toMatchObject({ trigger: { schedule: { repeatingTimeIntervals: ['R/2024-01-10T22:15:00+00:00/P1W'] } } });
  });

  test('a schedule in a fixed-offset zone is converted to UTC', () => {
    expect(render({ rules: [{ name: 'd', frequency: 'daily', retentionDays: 7, schedule: { expression: '0 9 * * *', timezone: 'Asia/Tokyo' } }] }).policy?.policyRules[0])
      .toMatchObject({ trigger: { schedule: { repeatingTimeIntervals: ['R/2024-01-07T00:00:00+00:00/P1D'] } } });
  });

  test('no rules renders nothing and reports nothing', () => {
    expect(render({ rules: [] })).toEqual({ policy: undefined, messages: [] });
  });

  test.each<[string, BackupPlanPolicy, string]>([
    ['an hourly rule', { rules: [{ name: 'h', frequency: 'hourly', retentionDays: 7 }] },
      'backupPlan.rules[0].frequency is "hourly"; allowed: one of: daily, weekly, monthly'],
    ['two daily rules', { rules: [{ name: 'a', frequency: 'daily', retentionDays: 7 }, { name: 'b', frequency: 'daily', retentionDays: 9 }] },
      'backupPlan.rules[1].frequency is "daily"; allowed: a frequency no other rule has (backupPlan.rules[0] is daily)'],
    ['only a monthly rule', { rules: [{ name: 'm', frequency: 'monthly', retentionDays: 365 }] },
      'backupPlan.rules is ["monthly"]; allowed: a daily or weekly rule among them'],
    ['continuous backup', { continuousBackupRetentionDays: 14, rules: [{ name: 'd', frequency: 'daily', retentionDays: 7 }] },
      'backupPlan.continuousBackupRetentionDays is 14; allowed: unset on Azure'],
    ['a weekly tag kept shorter than every backup', { rules: [{ name: 'd', frequency: 'daily', retentionDays: 30 }, { name: 'w', frequency: 'weekly', retentionDays: 20 }] },
      'backupPlan.rules[1].retentionDays is 20; allowed: at least 30 days (backupPlan.rules[0].retentionDays)'],
    ['a schedule on a tagging rule', { rules: [{ name: 'd', frequency: 'daily', retentionDays: 7 }, { name: 'w', frequency: 'weekly', retentionDays: 70, schedule: { expression: '0 1 * * 1' } }] },
      'backupPlan.rules[1].schedule is {"expression":"0 1 * * 1"}; allowed: unset'],
    ['two runs a day', { rules: [{ name: 'd', frequency: 'daily', retentionDays: 7, schedule: { expression: '0 1,13 * * *' } }] },
      'backupPlan.rules[0].schedule.expression is "0 1,13 * * *"; allowed: one run a day: one minute and one hour, e.g. "0 5 * * *"'],
    ['a weekly rule on two weekdays', { rules: [{ name: 'w', frequency: 'weekly', retentionDays: 70, schedule: { expression: '0 1 * * 1,4' } }] },
      'backupPlan.rules[0].schedule.expression is "0 1 * * 1,4"; allowed: one run a week: one minute, one hour and one weekday, e.g. "0 5 * * 0"'],
    ['retention over ten years', { rules: [{ name: 'd', frequency: 'daily', retentionDays: 3651 }] },
      'backupPlan.rules[0].retentionDays is 3651; allowed: an integer from 1 to 3650 days'],
  ])('rejects %s, naming the prop, the value and what is allowed', (_, plan, message) => {
    const { policy, messages } = render(plan);
    expect(policy).toBeUndefined();
    expect(messages.some((line) => line.startsWith(message))).toBe(true);
  });
});
