import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restoreDrillAlarms } from '../../../src/core/aws/restore-drill-alarms';
import { planVerifyRestore, verifyCommand } from '../../../src/core/aws/verify-restore';

const source = { sourceDatabaseNames: ['shop', 'crm'], metricNamespace: 'PostgresBackup' };

describe('planVerifyRestore', () => {
  test('restores the source\'s first database with one job per vCPU, and writes each check to a file the verify command names', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-plan-'));
    const file = path.join(directory, 'orders.sql');
    fs.writeFileSync(file, 'SELECT count(*) > 0 FROM orders');
    try {
      const plan = planVerifyRestore({ cpu: 4096, memoryLimitMiB: 16384, verification: { checks: ['SELECT true'] }, checkFiles: [file] }, source);
      expect(plan.databaseName).toBe('shop');
      expect(plan.checkFiles).toEqual([
        { variable: 'PG_BACKUP_CHECK_0', path: '/checks/check-0.sql', sql: 'SELECT true' },
        { variable: 'PG_BACKUP_CHECK_1', path: '/checks/check-1.sql', sql: 'SELECT count(*) > 0 FROM orders' },
      ]);
      expect(verifyCommand(plan, 's3://b/pg-dumps')).toEqual([
        'pg-backup', 'verify', '--from', 's3://b/pg-dumps', '--latest', '--target-url', 'postgresql://postgres@127.0.0.1:5432/postgres',
        '--database', 'shop', '--jobs', '4', '--check', '/checks/check-0.sql', '--check', '/checks/check-1.sql',
      ]);
      expect(plan.protection).toMatchObject({ kind: 'restore-drill', databaseNames: ['shop'], rtoMinutes: 60, checks: 2 });
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test.each([
    ['a check file that does not exist', { checkFiles: ['/nonexistent/check.sql'] }, /checkFiles\[0\].*\/nonexistent\/check.sql/],
    ['more restore jobs than pg_restore is given', { jobs: 65 }, /jobs.*65/],
    ['a database name with a space', { databaseName: 'my shop' }, /databaseName.*"my shop"/],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(() => planVerifyRestore(options, { ...source, validation: { construct: 'Stack/Drill' } })).toThrow(message);
  });

  test('refuses to guess the database when the source names none', () => {
    expect(() => planVerifyRestore({}, { sourceDatabaseNames: [], metricNamespace: 'PostgresBackup' })).toThrow(/databaseName.*the source names none/);
  });
});

describe('restoreDrillAlarms', () => {
  test('watch the state machine\'s failed executions, the restore time against the RTO, and the schedule\'s dead letters', () => {
    const alarms = restoreDrillAlarms({ metricNamespace: 'Team', databaseName: 'orders', drillKind: 'pitr', maxRestoreDurationMinutes: 30, subject: 'drill of orders' });
    expect(alarms.map((alarm) => [alarm.id, alarm.description])).toEqual([
      ['FailedDrillAlarm', 'A drill of orders failed: the backup could not be restored and checked'],
      ['RtoAlarm', 'A drill of orders took longer than the RTO of 30 minutes'],
      ['ScheduleDeadLetterAlarm', 'EventBridge Scheduler could not start the drill of orders'],
    ]);
    expect(alarms[0].metric).toMatchObject({ metrics: { failed: { dimensions: { StateMachineArn: { resource: 'state-machine' } } } } });
    expect(alarms[1]).toMatchObject({
      threshold: 1800, metric: { namespace: 'Team', dimensions: { Database: 'orders', Drill: 'pitr' }, statistic: 'Maximum', periodSeconds: 3600 },
    });
  });
});
