import { fillManagedBackupNames, planManagedBackupMonitoring } from '../../../src/core/aws/managed-backup-alarms';
import {
  ManagedBackupPlanFacts, ManagedPostgresBackupPlanOptions, managedBackupProtections, managedPostgresBackupPlanAttributes,
  planManagedPostgresBackupPlan,
} from '../../../src/core/aws/managed-postgres-backup-plan';
import { parseManagedDatabaseArn } from '../../../src/core/aws/managed-postgres-database';

const FACTS: ManagedBackupPlanFacts = { kind: 'instance', storageEncryption: 'customer-managed-key', sourceRegion: 'eu-west-1', sourceAccount: '111111111111', current: {}, createdVaultSettings: false };
const COPY_VAULT = 'arn:aws:backup:eu-central-1:222222222222:backup-vault:offsite';

function plan(options: ManagedPostgresBackupPlanOptions, facts: Partial<ManagedBackupPlanFacts> = {}) {
  return planManagedPostgresBackupPlan(options, { ...FACTS, ...facts }, { construct: 'Backups' });
}

describe('planManagedPostgresBackupPlan', () => {
  test('without a plan, one daily rule kept 35 days with an RPO of 26 hours and automated backups kept 7 days', () => {
    const planned = plan({});
    expect(planned.backupRules).toEqual([{ name: 'daily', scheduleExpression: 'cron(0 5 * * ? *)', deleteAfterDays: 35, moveToColdStorageAfterDays: undefined, continuous: false, copies: [] }]);
    expect(planned.rpoHours).toBe(26);
    expect(planned.backupRetentionDays).toBe(7);
    expect(planned.vaultLock).toBeUndefined();
  });

  test('continuous backup is a rule after the scheduled ones, on the first rule\'s schedule, and sets the automated retention', () => {
    const planned = plan({ backupPlan: { rules: [{ name: 'weekly', frequency: 'weekly', retentionDays: 90 }], continuousBackupRetentionDays: 14 }, rpoHours: 168 });
    expect(planned.backupRules.map((rule) => [rule.name, rule.continuous, rule.deleteAfterDays])).toEqual([['weekly', false, 90], ['continuous', true, 14]]);
    expect(planned.backupRules[1].scheduleExpression).toBe(planned.backupRules[0].scheduleExpression);
    expect(planned.backupRetentionDays).toBe(14);
  });

  test('every rule copies each recovery point to every copy vault, and an account copy names the account whose key use it needs', () => {
    const planned = plan({
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }], continuousBackupRetentionDays: 7 },
      copies: [{ destination: 'account', account: '222222222222', vaultArn: COPY_VAULT, retentionDays: 60 }],
    });
    const copy = { vaultArn: COPY_VAULT, deleteAfterDays: 60 };
    expect(planned.backupRules.map((rule) => rule.copies)).toEqual([[copy], [copy]]);
    expect(planned.copyAccounts).toEqual(['222222222222']);
    expect(planned.notes.copyKey).toMatch(/^Copies to account\(s\) 222222222222 need the database's KMS key shared with them/);
    expect(planned.notes.continuousCopies).toMatch(/without point-in-time recovery/);
    expect(planned.protection.copies).toEqual(['account 222222222222']);
  });

  test('a vault lock is governance unless compliance is asked for, and is planned only for a created vault', () => {
    expect(plan({ immutability: { days: 30 } }).vaultLock).toEqual({ mode: 'governance', minRetentionDays: 30, maxRetentionDays: undefined, changeableForDays: undefined });
    expect(plan({ immutability: { days: 30, mode: 'compliance' } }).protection.vaultLock).toBe('compliance 30 days');
  });

  test.each([
    ['a retention the rules do not allow', { rpoHours: 0 }, {}, 'Backups: rpoHours is 0; allowed: an integer from 1 to 168 hours'],
    ['a restorable-time lag under 5 minutes', { maxRestorableTimeLagMinutes: 2 }, {}, 'Backups: maxRestorableTimeLagMinutes is 2; allowed: an integer from 5 to 1440 minutes'],
    ['a check interval over an hour', { restorableTimeCheckIntervalMinutes: 90 }, {}, 'Backups: restorableTimeCheckIntervalMinutes is 90; allowed: an integer from 1 to 60 minutes'],
    ['a plan without rules or continuous backup', { backupPlan: { rules: [] } }, {}, 'Backups: backupPlan.rules is []; allowed: at least one rule, or continuousBackupRetentionDays'],
    ['a lock on a given vault', { immutability: { days: 7 } }, { givenVault: 'shared' }, 'Backups: vault is "shared"; allowed: no vault, when immutability'],
    ['a database of another engine', {}, { engineFamily: 'MYSQL' }, 'Backups: database is "MYSQL"; allowed: an RDS for PostgreSQL instance or an Aurora PostgreSQL cluster'],
  ] as const)('refuses %s, naming the option', (_, options, facts, message) => {
    expect(() => plan(options as ManagedPostgresBackupPlanOptions, facts as Partial<ManagedBackupPlanFacts>)).toThrow(message);
  });

  test('an RPO derived from a monthly rule is refused, because an alarm looks back at most 7 days', () => {
    expect(() => plan({ backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365 }] } }))
      .toThrow(/rpoHours is \d+; allowed: an integer from 1 to 168 hours \(derived from the backup plan rules/);
  });
});

describe('planManagedBackupMonitoring', () => {
  const monitoring = planManagedBackupMonitoring({ kind: 'aurora-cluster', rpoHours: 26, maxRestorableTimeLagMinutes: 15, restorableTimeCheckIntervalMinutes: 5, metricNamespace: 'PostgresBackup' });
  const names = { Database: 'orders', DatabaseArn: 'arn:aws:rds:eu-west-1:111111111111:cluster:orders', BackupVaultName: 'orders-vault' };

  test('pages when no backup job completed within the RPO, silence counting as breaching', () => {
    const alarm = monitoring.alarms.find((planned) => planned.id === 'NoCompletedBackupAlarm')!;
    expect(fillManagedBackupNames(alarm.description, names)).toBe('No AWS Backup job of orders completed in vault orders-vault within the RPO of 26 hours');
    expect(alarm).toMatchObject({ threshold: 1, comparisonOperator: 'LessThanThreshold', treatMissingData: 'breaching', metric: { periodSeconds: 26 * 3600 } });
  });

  test('reads the restorable time every interval and judges its lag over three checks', () => {
    expect(monitoring.restorableTimeCheck.schedule.schedule).toEqual({ scheduleExpression: 'rate(5 minutes)', scheduleExpressionTimezone: 'Etc/UTC' });
    expect(monitoring.alarms.find((planned) => planned.id === 'RestorableTimeLagAlarm')).toMatchObject({ threshold: 900, metric: { periodSeconds: 900 } });
  });

  test('runs the check as an express state machine whose missed starts are not retried, the next check being minutes away', () => {
    const check = monitoring.restorableTimeCheck;
    expect(check.stateMachine).toMatchObject({ type: 'EXPRESS', placeholders: ['DatabaseName', 'Partition', 'SourceIdentifier'] });
    expect(check.schedule).toMatchObject({ startRetry: { attempts: 0 }, deadLetterQueue: false });
  });

  test('sends failed jobs of the database and failed restore jobs of its resource type to the topic', () => {
    const [jobs, restores] = monitoring.failedJobRules.map((rule) => fillManagedBackupNames(rule.eventPattern, names));
    expect(jobs.detail).toEqual({ resourceArn: [names.DatabaseArn], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] });
    expect(restores.detail).toEqual({ resourceType: ['Aurora'], status: ['FAILED', 'ABORTED'] });
  });

  test('filling names replaces each placeholder once, never a value that looks like one', () => {
    expect(fillManagedBackupNames('${Database} in ${BackupVaultName}', { Database: '${BackupVaultName}', BackupVaultName: 'v' })).toBe('${BackupVaultName} in v');
  });
});

describe('parseManagedDatabaseArn', () => {
  test('reads the kind and identifier of an instance or cluster ARN and refuses anything else', () => {
    expect(parseManagedDatabaseArn('arn:aws:rds:eu-west-1:111111111111:cluster:orders')).toEqual({ kind: 'aurora-cluster', identifier: 'orders' });
    expect(() => parseManagedDatabaseArn('arn:aws:s3:::bucket')).toThrow('is not the ARN of an RDS DB instance (…:db:<id>) or Aurora cluster (…:cluster:<id>)');
  });
});

describe('what a managed backup plan exposes and records', () => {
  test('its attributes are the plan, its RPO, its rules and the lock of a created vault', () => {
    const planned = plan({ immutability: { days: 30 } });
    expect(managedPostgresBackupPlanAttributes(planned)).toEqual({
      backupPlan: planned, rpoHours: 26, rules: planned.rules, vaultLock: planned.vaultLock,
    });
    expect(managedPostgresBackupPlanAttributes(plan({}))).not.toHaveProperty('vaultLock');
  });

  test('records the managed backups of the database with its retention and RPO, and its restore testing when planned', () => {
    const planned = plan({ restoreTesting: {}, copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: COPY_VAULT, retentionDays: 60 }] });
    const records = managedBackupProtections(planned, 'Stack/Db', 9);
    expect(records).toEqual([
      {
        kind: 'managed-backup',
        database: 'Stack/Db',
        schedule: planned.protection.schedule,
        retentionDays: 9,
        rpoHours: 26,
        copies: planned.protection.copies,
        vaultLock: undefined,
      },
      { ...planned.restoreTesting!.protection, database: 'Stack/Db' },
    ]);
    expect(records[1].kind).toBe('restore-testing');
    expect(managedBackupProtections(plan({}), 'Stack/Db', 7).map((record) => record.kind)).toEqual(['managed-backup']);
  });
});
